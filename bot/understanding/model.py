"""The reading of one message: its pieces embedded once, then the safety head and the phrase bank
each take what they need from the same embeddings."""

from __future__ import annotations

from collections.abc import Sequence

from bot.understanding.encoder import Encoder
from bot.understanding.head import Head
from bot.understanding.meaning import PhraseBank
from bot.understanding.safety_model import (
    NOTHING,
    SafetyModel,
    embed_pieces,
    is_brief,
    says_it_plainly,
    strongest,
)
from bot.understanding.segments import segments
from dialogs.assessment import Assessment, Understanding
from dialogs.safety import SafetyClassifier

__all__ = ["Model"]


class Model:
    def __init__(
        self, encoder: Encoder, head: Head, rules: SafetyClassifier, bank: PhraseBank | None
    ) -> None:
        self.safety = SafetyModel(encoder, head, rules)
        self.encoder = encoder
        self.bank = bank

    def read(self, text: str, recent: Sequence[str] = ()) -> tuple[Assessment, Understanding | None]:
        """Safety and meaning of `text`, reading `recent` messages together with it for safety only."""
        own = segments(text)
        pieces, wholes = self.safety.readings(text, recent)
        rule = self.safety.rules.assess(text)
        if not pieces:
            return self.safety.decide(NOTHING, rule), None
        embeddings = embed_pieces(self.encoder, pieces)
        scores = strongest(self.safety.head, embeddings, pieces, wholes)
        plain = says_it_plainly(self.safety.rules, rule, text)
        assessment = self.safety.decide(scores, rule, plain=plain, brief=is_brief(text))
        understanding = (
            self.bank.understand(own, embeddings[: len(own)], lambda texts: embed_pieces(self.encoder, texts))
            if self.bank is not None
            else None
        )
        return assessment, understanding
