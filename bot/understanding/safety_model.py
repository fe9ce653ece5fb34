"""The learned safety check: a message's pieces scored by the trained head, turned into the
engine's `Assessment`, with the rules kept as a backstop.

A message is read whole, and sentence by sentence: a sentence on its own counts when it scores
higher than the whole by more than the head's `piece_penalty`, so risk buried in a long, chatty
message is found without every long message looking risky. `assess` is pure CPU work; the service
runs it in a thread so the event loop never waits on it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from bot.understanding.encoder import Encoder
from bot.understanding.head import FINDINGS, Head, Thresholds
from bot.understanding.segments import readings, segments
from bot.understanding.spelling import Spelling
from dialogs.assessment import Assessment, CrisisZone
from dialogs.safety import SafetyClassifier, SafetyLabel

__all__ = ["NOTHING", "SafetyModel", "Scores", "decide", "embed_pieces", "strongest"]


@dataclass(frozen=True, slots=True)
class Scores:
    """Each finding's score: the whole message's, or a piece's less the penalty when that is higher;
    the refiners where the finding peaked."""

    crisis: float
    danger: float
    boundary: float
    moved_on: float
    attempt: float
    by_user: float
    crisis_agree: float = 1.0  # the weaker view's crisis score where crisis peaked


NOTHING = Scores(0.0, 0.0, 0.0, 0.0, 0.0, 0.0)


def embed_pieces(encoder: Encoder, pieces: Sequence[str]) -> np.ndarray:
    return encoder.embed(list(pieces))


def strongest(
    head: Head, embeddings: np.ndarray, pieces: Sequence[str], wholes: Collection[int] = (0,)
) -> Scores:
    """Pieces: the whole message first, then its sentences (see segments.py); `wholes`: the pieces
    that are the whole message, as typed or mended, which need no margin over it."""
    per_piece = head.scored(embeddings, list(pieces))
    penalty = np.full(len(pieces), head.thresholds.piece_penalty, dtype=np.float32)
    penalty[list(wholes)] = 0.0
    top: dict[str, float] = {}
    at: dict[str, int] = {}
    for name in FINDINGS:
        adjusted = per_piece[name] - penalty
        at[name] = int(adjusted.argmax())
        top[name] = float(adjusted[at[name]])
    return Scores(
        **top,
        attempt=float(per_piece["attempt"][at["crisis"]]),
        by_user=float(per_piece["by_user"][at["danger"]]),
        crisis_agree=float(per_piece["crisis_agree"][at["crisis"]]),
    )


class SafetyModel:
    def __init__(self, encoder: Encoder, head: Head, rules: SafetyClassifier) -> None:
        self.encoder = encoder
        self.head = head
        self.rules = rules
        self.spelling = Spelling(head.known_words)

    def readings(self, text: str, recent: Sequence[str] = ()) -> tuple[list[str], frozenset[int]]:
        return readings(text, recent, self.spelling.mended)

    def scores(self, text: str, recent: Sequence[str] = ()) -> Scores:
        pieces, wholes = self.readings(text, recent)
        if not pieces:
            return NOTHING
        return strongest(self.head, embed_pieces(self.encoder, pieces), pieces, wholes)

    def assess(self, text: str, recent: Sequence[str] = ()) -> Assessment:
        rule = self.rules.assess(text)
        plain = says_it_plainly(self.rules, rule, text)
        return self.decide(self.scores(text, recent), rule, plain=plain, brief=is_brief(text))

    def decide(self, s: Scores, rule: SafetyLabel, *, plain: bool = False, brief: bool = False) -> Assessment:
        return decide(s, rule, self.head.thresholds, plain=plain, brief=brief)


# Not one danger, boundary or moved-on example the model learnt from is shorter than four words (of
# about 1,100), so on a message that short such a finding is a guess outside anything it has seen:
# "she did", typed for "Who ended it?", read as danger by the user. There the rules must find it in
# the words ("he hit me" still counts). Crisis keeps both readings: short crisis words are common and
# the model has learnt some.
BRIEF_WORDS = 3


def is_brief(text: str) -> bool:
    return len(text.split()) <= BRIEF_WORDS


# A sentence this short that the rules call crisis says it plainly ("i want to die"): when the model
# finds crisis in the message at all (over the floor from which a rules hit counts for every
# finding), nothing is left to ask about, and it gets the full reply. A negation ("i dont want to
# die, just sad") scores under that floor and keeps the question.
PLAIN_WORDS = 6


def says_it_plainly(rules: SafetyClassifier, rule: SafetyLabel, text: str) -> bool:
    """Whether the message, one of its sentences, or one of its lines (a burst's lines are the texts
    the person sent one by one) is a short one the rules call crisis."""
    if rule != SafetyLabel.CRISIS:
        return False
    pieces = {*segments(text), *text.splitlines()}
    return any(len(piece.split()) <= PLAIN_WORDS and rules.assess(piece) == SafetyLabel.CRISIS for piece in pieces)


def decide(
    s: Scores, rule: SafetyLabel, t: Thresholds, *, plain: bool = False, brief: bool = False
) -> Assessment:
    """The assessment these scores and the rules' finding earn under thresholds `t`; `plain`: see
    `says_it_plainly`; `brief`: see `BRIEF_WORDS`."""
    zone = CrisisZone.NONE
    sure = s.crisis >= t.crisis_act and s.crisis_agree >= t.crisis_agree
    plain = plain and rule == SafetyLabel.CRISIS and s.crisis >= t.rules_floor
    if sure or plain or (rule == SafetyLabel.CRISIS and s.crisis >= t.crisis_act_with_rule):
        zone = CrisisZone.ACT
    elif s.crisis >= t.crisis_ask or rule == SafetyLabel.CRISIS:
        zone = CrisisZone.ASK  # the rules backstop: a hit always earns at least the question

    def found(score: float, threshold: float, label: SafetyLabel) -> bool:
        return (score >= threshold and not brief) or (rule == label and score >= t.rules_floor)

    danger = found(s.danger, t.danger, SafetyLabel.DANGER)
    return Assessment(
        crisis=zone,
        attempt=zone == CrisisZone.ACT and s.attempt >= t.attempt,
        danger=danger,
        danger_by_user=danger and s.by_user >= t.by_user,
        boundary=found(s.boundary, t.boundary, SafetyLabel.BOUNDARY),
        moved_on=found(s.moved_on, t.moved_on, SafetyLabel.MOVED_ON),
        source="model",
        rule=str(rule),
        crisis_lean=zone == CrisisZone.NONE and not brief and s.crisis >= t.rules_floor,
        scores=tuple((name, round(getattr(s, name), 3)) for name in Scores.__slots__),
    )
