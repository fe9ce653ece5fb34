"""What the reader made of one message, in the engine's own terms: its safety, and its meaning.

The learned model (in `bot/understanding/`) or, when it cannot load, the rules (`dialogs/safety.py`)
produce an `Assessment`; the engine acts on it before any screen sees the message. A message can
carry several findings at once: a crisis and a report of violence set both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Assessment", "CrisisZone", "Understanding"]


class CrisisZone(StrEnum):
    NONE = "none"
    ASK = "ask"  # unsure: ask directly whether they are thinking of ending their life
    ACT = "act"  # the crisis reply at once


@dataclass(frozen=True, slots=True)
class Assessment:
    crisis: CrisisZone = CrisisZone.NONE
    attempt: bool = False  # something already taken or done: the emergency number comes first
    danger: bool = False
    danger_by_user: bool = False  # the user is the one harming, threatening or under an order
    boundary: bool = False
    moved_on: bool = False
    source: str = "rules"  # "model", or "rules" when the model is not loaded
    rule: str = "none"  # what the rules alone read in the message (crisis, danger, boundary, ...)
    scores: tuple[tuple[str, float], ...] = ()  # per label, for review and the CLI
    # Under the question's bar, yet more crisis than a message of ordinary sadness: worth asking
    # about only soon after a crisis reply (see triage.py).
    crisis_lean: bool = False

    @property
    def label(self) -> str:
        """One word for the command line and logs, most urgent first."""
        if self.crisis == CrisisZone.ACT:
            return "crisis"
        if self.crisis == CrisisZone.ASK:
            return "ask"
        if self.danger:
            return "danger"
        if self.boundary:
            return "boundary"
        if self.moved_on:
            return "moved_on"
        return "none"

    @property
    def danger_in_plain_words(self) -> bool:
        """The rules read danger too (or only the rules are running): words, not just a model's hunch."""
        return self.danger and (self.source == "rules" or self.rule == "danger")

    @property
    def needs_care(self) -> bool:
        return self.crisis != CrisisZone.NONE or self.danger or self.boundary or self.moved_on


@dataclass(frozen=True, slots=True)
class Understanding:
    """Best matches first, each with its score; `*_bar` is the score a match must reach."""

    faq: tuple[tuple[str, float], ...] = ()
    intent: tuple[tuple[str, float], ...] = ()
    faq_bar: float = 1.0
    intent_bar: float = 1.0
    # For a draft to the ex: the message coach's problems the model read in it, each with the
    # sentence where it read them (already past its bar).
    coach: tuple[tuple[str, str], ...] = ()
    source: str = "model"

    def dump(self) -> str:
        """Kept in the state with words held for later, as JSON (see `load`)."""
        return json.dumps({
            "faq": self.faq,
            "intent": self.intent,
            "faq_bar": self.faq_bar,
            "intent_bar": self.intent_bar,
            "coach": self.coach,
            "source": self.source,
        })

    @classmethod
    def load(cls, text: object) -> Understanding | None:
        """The reading `dump` kept; None for anything else (nothing kept, an old or edited state)."""
        try:
            data = json.loads(text) if isinstance(text, str) and text else None
            if not isinstance(data, dict):
                return None
            return cls(
                faq=tuple((str(k), float(v)) for k, v in data.get("faq", [])),
                intent=tuple((str(k), float(v)) for k, v in data.get("intent", [])),
                faq_bar=float(data.get("faq_bar", 1.0)),
                intent_bar=float(data.get("intent_bar", 1.0)),
                coach=tuple((str(k), str(v)) for k, v in data.get("coach", [])),
                source=str(data.get("source", "model")),
            )
        except (TypeError, ValueError):
            return None
