"""What typed text means besides its safety: which FAQ question it asks, which command its words
mean, and, in a draft to the ex, which of the message coach's problems it shows.

Every phrasing written in content (FAQ `phrasings`, `intents.yaml`, the coach's `examples` and
`good_examples`) is embedded once into a phrase bank; a message's pieces are compared with it.
The bars a match must clear are chosen by `python -m bot safety train` on the phrasings alone
(each held out in turn) and stored beside the bank.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from dialogs.assessment import Understanding
from dialogs.coach import Coach
from dialogs.content import Content

__all__ = ["BANK_FILES", "Bars", "PhraseBank", "bank_digest", "bank_texts", "load_bank"]

BANK_FILES = (Path("model") / "phrases.npz", Path("model") / "phrases.json")
COACH_NEIGHBOURS = 5
COACH_SHARE = 0.6  # this share of a sentence's nearest coach examples must show the same problem

Floats = NDArray[np.float32]


@dataclass(frozen=True)
class Bars:
    faq: float
    intent: float
    coach: float


def bank_texts(content: Content, coach: Coach) -> list[tuple[str, str]]:
    """(label, text) for every phrasing: faq:<id>, intent:<id>, coach:<rule id>, coach:good."""
    out: list[tuple[str, str]] = []
    for entry in content.faq:
        out += [(f"faq:{entry.id}", text) for text in (entry.question, *entry.phrasings)]
    for intent in content.intents:
        out += [(f"intent:{intent.id}", text) for text in intent.phrasings]
    for rule in coach.spec.rules:
        out += [(f"coach:{rule.id}", text) for text in rule.examples]
    out += [("coach:good", text) for text in coach.spec.good_examples]
    return out


def bank_digest(texts: list[tuple[str, str]]) -> str:
    return hashlib.sha256(json.dumps(texts, ensure_ascii=False).encode()).hexdigest()


@dataclass
class PhraseBank:
    labels: list[str]
    vectors: Floats  # (phrasings, dim), L2-normalised
    bars: Bars
    digest: str

    def __post_init__(self) -> None:
        kinds = np.array([label.split(":", 1)[0] for label in self.labels])
        self._faq = np.flatnonzero(kinds == "faq")
        self._intent = np.flatnonzero(kinds == "intent")
        self._coach = np.flatnonzero(kinds == "coach")

    def _best(
        self, rows: NDArray[np.intp], similarity: Floats, top: int = 3
    ) -> tuple[tuple[str, float], ...]:
        """Per label its best score over the given phrasings, best labels first."""
        best: dict[str, float] = {}
        for i in rows:
            label = self.labels[i].split(":", 1)[1]
            score = float(similarity[i])
            if score > best.get(label, -1.0):
                best[label] = score
        ranked = sorted(best.items(), key=lambda item: -item[1])[:top]
        return tuple((label, round(score, 4)) for label, score in ranked)

    def understand(self, pieces: list[str], embeddings: Floats) -> Understanding:
        """`pieces[0]` is the whole message; the rest are its sentences (see segments.py). The coach's
        problems are read every time (a matrix product): the engine uses them only on a draft."""
        similarity = embeddings @ self.vectors.T  # (pieces, phrasings)
        faq = self._best(self._faq, similarity.max(axis=0))
        intent = self._best(self._intent, similarity[0])
        coach = self._coach_problems(pieces, similarity)
        return Understanding(
            faq=faq, intent=intent, faq_bar=self.bars.faq, intent_bar=self.bars.intent, coach=tuple(coach)
        )

    def _coach_problems(self, pieces: list[str], similarity: Floats) -> list[tuple[str, str]]:
        found: dict[str, str] = {}
        sentences = range(1, len(pieces)) if len(pieces) > 1 else range(1)
        for p in sentences:
            scores = similarity[p, self._coach]
            k = min(COACH_NEIGHBOURS, len(scores))
            if k == 0:
                break
            nearest = np.argsort(-scores)[:k]
            if float(scores[nearest[0]]) < self.bars.coach:
                continue
            votes: dict[str, int] = {}
            for n in nearest:
                problem = self.labels[self._coach[n]].split(":", 1)[1]
                votes[problem] = votes.get(problem, 0) + 1
            problem, count = max(votes.items(), key=lambda item: item[1])
            if problem != "good" and count / k >= COACH_SHARE and problem not in found:
                found[problem] = pieces[p]
        return list(found.items())

    def save(self, root: Path, meta: dict[str, Any]) -> None:
        npz, js = (root / p for p in BANK_FILES)
        npz.parent.mkdir(parents=True, exist_ok=True)
        with npz.open("wb") as fh:
            np.savez_compressed(fh, vectors=self.vectors.astype(np.float16))
        document = {**meta, "labels": self.labels, "bars": asdict(self.bars), "digest": self.digest}
        js.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def load_bank(root: Path) -> PhraseBank:
    npz, js = (root / p for p in BANK_FILES)
    meta = json.loads(js.read_text(encoding="utf-8"))
    with np.load(npz) as data:
        vectors = data["vectors"].astype(np.float32)
    return PhraseBank(
        labels=meta["labels"], vectors=vectors, bars=Bars(**meta["bars"]), digest=meta["digest"]
    )
