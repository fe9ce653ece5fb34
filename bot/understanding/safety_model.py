"""The learned safety check: embeddings of a message's pieces, scored by the trained head, turned
into the engine's `Assessment`, with the rules kept as a backstop.

`assess` is pure CPU work; the service runs it in a thread so the event loop never waits on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.understanding.encoder import Encoder
from bot.understanding.head import FINDINGS, Head
from bot.understanding.segments import segments
from dialogs.assessment import Assessment, CrisisZone
from dialogs.safety import SafetyClassifier, SafetyLabel

__all__ = ["SafetyModel", "Scores", "embed_pieces", "strongest"]

_BATCH = 16


@dataclass(frozen=True, slots=True)
class Scores:
    """The highest score each finding reached over a message's pieces, and the refiners there."""

    crisis: float
    danger: float
    boundary: float
    moved_on: float
    attempt: float
    by_user: float


def embed_pieces(encoder: Encoder, pieces: Sequence[str]) -> np.ndarray:
    """Embed in batches of similar length, so short sentences are not padded to a long one."""
    order = sorted(range(len(pieces)), key=lambda i: len(pieces[i]))
    out = np.empty((len(pieces), encoder.dim), dtype=np.float32)
    for start in range(0, len(order), _BATCH):
        chunk = order[start : start + _BATCH]
        out[chunk] = encoder.embed([pieces[i] for i in chunk])
    return out


def strongest(head: Head, embeddings: np.ndarray) -> Scores:
    """The highest score of each finding over a message's pieces (the refiners where it peaked)."""
    per_piece = head.scores(embeddings)
    top = {name: float(per_piece[name].max()) for name in FINDINGS}
    crisis_at = int(per_piece["crisis"].argmax())
    danger_at = int(per_piece["danger"].argmax())
    return Scores(
        **top,
        attempt=float(per_piece["attempt"][crisis_at]),
        by_user=float(per_piece["by_user"][danger_at]),
    )


class SafetyModel:
    def __init__(self, encoder: Encoder, head: Head, rules: SafetyClassifier) -> None:
        self.encoder = encoder
        self.head = head
        self.rules = rules

    def scores(self, text: str, recent: Sequence[str] = ()) -> Scores:
        pieces = segments(text, recent)
        if not pieces:
            return Scores(0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
        return strongest(self.head, embed_pieces(self.encoder, pieces))

    def assess(self, text: str, recent: Sequence[str] = ()) -> Assessment:
        return self.decide(self.scores(text, recent), self.rules.assess(text))

    def decide(self, s: Scores, rule: SafetyLabel) -> Assessment:
        t = self.head.thresholds
        zone = CrisisZone.NONE
        if s.crisis >= t.crisis_act:
            zone = CrisisZone.ACT
        elif s.crisis >= t.crisis_ask or rule == SafetyLabel.CRISIS:
            zone = CrisisZone.ASK  # the rules backstop: a hit always earns at least the question

        def found(score: float, threshold: float, label: SafetyLabel) -> bool:
            return score >= threshold or (rule == label and score >= t.rules_floor)

        danger = found(s.danger, t.danger, SafetyLabel.DANGER)
        return Assessment(
            crisis=zone,
            attempt=zone == CrisisZone.ACT and s.attempt >= t.attempt,
            danger=danger,
            danger_by_user=danger and s.by_user >= t.by_user,
            boundary=found(s.boundary, t.boundary, SafetyLabel.BOUNDARY),
            moved_on=found(s.moved_on, t.moved_on, SafetyLabel.MOVED_ON),
            source="model",
            scores=(
                ("crisis", round(s.crisis, 3)),
                ("danger", round(s.danger, 3)),
                ("boundary", round(s.boundary, 3)),
                ("moved_on", round(s.moved_on, 3)),
                ("attempt", round(s.attempt, 3)),
                ("by_user", round(s.by_user, 3)),
            ),
        )
