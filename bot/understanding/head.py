"""The trained part of the safety model: two small classifiers over the example categories.

One reads a message's meaning (a multinomial logistic regression on its sentence embedding), the
other its surface (the same on character and word n-gram TF-IDF, which catches slang and spellings
the embedding model never met). Each gives a probability for every category of
`content/safety/examples` (crisis by C-SSRS level, danger by direction and kind, ...); their mean,
summed per label, is the score of each finding. The categories also tell an attempt in progress
from other crisis levels, and harm done by the user from harm done to them.

Stored as `content/model/safety.npz` beside `safety.json` (thresholds, the digest of the examples it
was trained on, its figures), rebuilt by `python -m bot safety train`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bot.understanding.classifier import TwoViews

__all__ = ["FINDINGS", "HEAD_FILES", "Head", "HeadUnavailable", "Thresholds", "load_head"]

FINDINGS = ("crisis", "danger", "boundary", "moved_on")
HEAD_FILES = (Path("model") / "safety.npz", Path("model") / "safety.json")

Floats = NDArray[np.float32]


@dataclass(frozen=True)
class Thresholds:
    crisis_act: float  # the crisis reply at once
    crisis_ask: float  # the direct question
    danger: float
    boundary: float
    moved_on: float
    attempt: float  # share of the crisis score that is "attempt in progress"
    by_user: float  # share of the danger score that is harm done or threatened by the user
    piece_penalty: float  # a sentence alone must score this much higher than the whole message would
    crisis_act_with_rule: float = 1.0  # with a rules hit for crisis, the full reply from this score
    # Without a rules hit, the full reply also needs each view's own crisis score to reach this: when
    # meaning and surface disagree the bot is unsure, and asks.
    crisis_agree: float = 0.0
    rules_floor: float = 0.25  # a rules hit for danger, boundary or moved on counts from this score


@dataclass
class Head:
    views: TwoViews  # its categories are "label:category" of content/safety/examples
    thresholds: Thresholds
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        categories = self.views.categories
        labels = np.array([c.split(":", 1)[0] for c in categories])
        self._masks = {name: labels == name for name in FINDINGS}
        self._attempt = np.array([c == "crisis:attempt" for c in categories])
        self._by_user = np.array([c.startswith("danger:by_user") for c in categories])

    @property
    def categories(self) -> list[str]:
        return self.views.categories

    @property
    def known_words(self) -> set[str]:
        """Every word of the examples it learnt from (the word view's single words)."""
        return {term for term in self.views.words.vocabulary if " " not in term}

    def probabilities(self, embeddings: Floats, texts: list[str]) -> Floats:
        return self.views.probabilities(embeddings, texts)

    def scored(self, embeddings: Floats, texts: list[str]) -> dict[str, Floats]:
        """`scores` of the views' mean, plus "crisis_agree": the lower of the two views' crisis scores."""
        meaning, surface = self.views.views(embeddings, texts)
        out = self.scores(((meaning + surface) / 2).astype(np.float32))
        crisis = self._masks["crisis"]
        out["crisis_agree"] = np.minimum(meaning[:, crisis].sum(axis=1), surface[:, crisis].sum(axis=1))
        return out

    def scores(self, probabilities: Floats) -> dict[str, Floats]:
        """Per finding (and refiner) a score for each piece."""
        out = {name: probabilities[:, mask].sum(axis=1) for name, mask in self._masks.items()}
        out["attempt"] = probabilities[:, self._attempt].sum(axis=1) / np.maximum(out["crisis"], 1e-6)
        out["by_user"] = probabilities[:, self._by_user].sum(axis=1) / np.maximum(out["danger"], 1e-6)
        return out

    def save(self, root: Path, meta: dict[str, Any]) -> None:
        npz, js = (root / p for p in HEAD_FILES)
        npz.parent.mkdir(parents=True, exist_ok=True)
        with npz.open("wb") as fh:
            np.savez_compressed(fh, **self.views.arrays(""))  # type: ignore[arg-type]
        document = {**meta, **self.views.document(), "thresholds": asdict(self.thresholds)}
        js.write_text(
            json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
        )


class HeadUnavailable(Exception):
    pass


def load_head(root: Path) -> Head:
    npz, js = (root / p for p in HEAD_FILES)
    try:
        meta = json.loads(js.read_text(encoding="utf-8"))
        thresholds = Thresholds(**meta.pop("thresholds"))
        with np.load(npz) as arrays:
            views = TwoViews.load(meta, arrays, "")
        for key in ("categories", "char_vocabulary", "word_vocabulary"):
            meta.pop(key)
        return Head(views, thresholds, meta)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise HeadUnavailable(f"{npz}: {exc}") from exc
