"""The trained part of the safety model: small classifiers over sentence embeddings.

For each finding (crisis, danger, boundary, moved on) a logistic regression and the three nearest
training examples each give a score, and the two are averaged: the regression generalises, the
neighbours keep rare wordings that a line cannot separate. Two more regressions refine a finding:
an attempt already under way (among crisis examples) and who does the harm (among danger examples).

Stored as `content/model/safety.npz` (weights and neighbours) beside `safety.json` (thresholds, the
digest of the examples it was trained on, and its figures), rebuilt by `python -m bot safety train`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["FINDINGS", "HEAD_FILES", "REFINERS", "Head", "HeadUnavailable", "Thresholds", "load_head"]

FINDINGS = ("crisis", "danger", "boundary", "moved_on")
REFINERS = ("attempt", "by_user")
HEAD_FILES = (Path("model") / "safety.npz", Path("model") / "safety.json")
NEIGHBOURS = 3

Floats = NDArray[np.float32]


@dataclass(frozen=True)
class Thresholds:
    crisis_act: float  # the crisis reply at once
    crisis_ask: float  # the direct question
    danger: float
    boundary: float
    moved_on: float
    attempt: float
    by_user: float
    # A rules hit for these findings counts when the model's own score reaches this much lower bar.
    rules_floor: float = 0.25


@dataclass
class Head:
    weights: Floats  # (findings + refiners, dim)
    biases: Floats  # (findings + refiners,)
    bank: Floats  # (examples, dim): the training examples' embeddings, for the nearest neighbours
    bank_labels: NDArray[np.bool_]  # (examples, findings)
    thresholds: Thresholds
    meta: dict[str, Any] = field(default_factory=dict)

    def scores(self, embeddings: Floats) -> dict[str, Floats]:
        """Per finding and refiner, a score in [0, 1] for each row of `embeddings`."""
        logits = embeddings @ self.weights.T + self.biases
        probability = 1.0 / (1.0 + np.exp(-logits))
        similarity = embeddings @ self.bank.T
        k = min(NEIGHBOURS, similarity.shape[1])
        nearest = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
        votes = self.bank_labels[nearest].mean(axis=1)  # (rows, findings)
        out: dict[str, Floats] = {}
        for i, name in enumerate(FINDINGS):
            out[name] = (0.5 * probability[:, i] + 0.5 * votes[:, i]).astype(np.float32)
        for j, name in enumerate(REFINERS):
            out[name] = probability[:, len(FINDINGS) + j].astype(np.float32)
        return out

    def save(self, root: Path, meta: dict[str, Any]) -> None:
        npz, js = (root / p for p in HEAD_FILES)
        npz.parent.mkdir(parents=True, exist_ok=True)
        with npz.open("wb") as fh:
            np.savez_compressed(
                fh,
                weights=self.weights.astype(np.float32),
                biases=self.biases.astype(np.float32),
                bank=self.bank.astype(np.float16),
                bank_labels=self.bank_labels,
            )
        document = {**meta, "thresholds": asdict(self.thresholds)}
        js.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", encoding="utf-8")


class HeadUnavailable(Exception):
    pass


def load_head(root: Path) -> Head:
    npz, js = (root / p for p in HEAD_FILES)
    try:
        meta = json.loads(js.read_text(encoding="utf-8"))
        thresholds = Thresholds(**meta.pop("thresholds"))
        with np.load(npz) as data:
            return Head(
                weights=data["weights"].astype(np.float32),
                biases=data["biases"].astype(np.float32),
                bank=data["bank"].astype(np.float32),
                bank_labels=data["bank_labels"].astype(bool),
                thresholds=thresholds,
                meta=meta,
            )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise HeadUnavailable(f"{npz}: {exc}") from exc
