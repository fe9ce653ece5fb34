"""A second reading of a message with its typing slips mended, for the safety check.

The encoder reads a slip as other words: "i wsh i was dead" scored 0.21 where "i wish i was dead"
scores 0.90. So a message with words neither an English dictionary (pyspellchecker's) nor the
training examples know is read twice, as typed and mended, and the higher reading counts. Only one
slip per word is mended: a letter missing, doubled, swapped with the next, or hit on a key beside
the right one ("pils" is "pills", not "piss"). A word of three letters is mended only by a missing
letter, and only into a word the examples use: "cuz" is neither "cut" nor "cruz", "wsh" is "wish".
Chat words the examples use ("ngl", "idk", "tonite") are known, so they are left as typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from spellchecker import SpellChecker

__all__ = ["Spelling"]

_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_SHORTEST = 3  # "u", "rn", "ok": too short to tell a slip from a word
# Longer "words" are keyboard mashing or a pasted blob: their one-slip neighbours cost the square of
# their length (a 20,000-letter one took 20 s of a reader thread), and none is a word.
_LONGEST = 24
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_TWO_SLIPS_FROM, _TWO_SLIPS_TO = 6, 14  # shorter words have too many two-slip neighbours to choose from
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


def _neighbours() -> dict[str, str]:
    """Each letter's neighbours on a QWERTY keyboard: beside it, and above or below it."""
    where = {c: (r, i) for r, row in enumerate(_ROWS) for i, c in enumerate(row)}
    return {
        c: "".join(d for d, (r2, i2) in where.items() if d != c and abs(r - r2) <= 1 and abs(i - i2) <= 1)
        for c, (r, i) in where.items()
    }


_NEAR = _neighbours()


class Spelling:
    def __init__(self, known: Iterable[str] = ()) -> None:
        self._extra = frozenset(w.lower() for w in known)
        self._checker = SpellChecker(distance=1)  # its dictionary loads here, not on someone's message

    def mended(self, text: str) -> str:
        """`text` with each unknown word replaced by its likeliest one-slip neighbour, or `text`
        itself when nothing needs mending."""
        return _WORD.sub(self._word, text)

    def _word(self, match: re.Match[str]) -> str:
        word = match.group()
        lower = word.lower()
        if not _SHORTEST <= len(lower) <= _LONGEST or "'" in lower or self._known(lower):
            return word
        if len(lower) == _SHORTEST:
            candidates = [c for c in self._one_slip(lower) if c in self._extra]
        else:
            candidates = [c for c in self._one_slip(lower) if self._known(c)]
        if not candidates and _TWO_SLIPS_FROM <= len(lower) <= _TWO_SLIPS_TO:
            candidates = [c for c in self._two_slips(lower) if self._known(c)]
        if not candidates:
            return word
        frequency = self._checker.word_frequency
        return max(candidates, key=lambda c: (frequency[c], c in self._extra, c))

    def _known(self, word: str) -> bool:
        return word in self._extra or word in self._checker

    @classmethod
    def _two_slips(cls, word: str) -> set[str]:
        """Two slips in a longer word ("tabelts", "evrythng"): a slip of a slip, the second never an
        extra letter, which keeps the search to thousands of strings, not hundreds of thousands."""
        out: set[str] = set()
        for once in cls._one_slip(word):
            out |= cls._one_slip(once, inserts=False)
        return out

    @staticmethod
    def _one_slip(word: str, *, inserts: bool = True) -> set[str]:
        splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
        added = {a + c + b for a, b in splits for c in _LETTERS} if inserts else set()
        if len(word) <= _SHORTEST:
            return added
        deletes = {a + b[1:] for a, b in splits if b}
        swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        replaces = {a + c + b[1:] for a, b in splits if b for c in _NEAR.get(b[0], "")}
        return added | deletes | swaps | replaces
