"""Split long text for chat platforms at the best boundary: paragraph, then sentence, then word.

Each platform measures length its own way (Telegram counts UTF-16 units, Discord counts characters
after escaping), so the measure is a parameter.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["split_text"]

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def split_text(text: str, limit: int, measure: Callable[[str], int] = len) -> list[str]:
    """Pieces with measure(piece) <= limit, cut at paragraph, then sentence, then word boundaries."""
    text = text.strip()
    if not text:
        return []
    if measure(text) <= limit:
        return [text]
    return _pack(text, limit, measure, level=0)


_SEPARATORS: tuple[tuple[str, Callable[[str], list[str]]], ...] = (
    ("\n\n", lambda t: [p for p in re.split(r"\n\s*\n", t) if p.strip()]),
    (" ", lambda t: [s for s in _SENTENCE_END.split(t) if s]),
    (" ", lambda t: t.split()),
)


def _pack(text: str, limit: int, measure: Callable[[str], int], level: int) -> list[str]:
    if level == len(_SEPARATORS):
        return _hard_cut(text, limit, measure)
    joiner, cut = _SEPARATORS[level]
    pieces: list[str] = []
    current = ""
    for unit in cut(text):
        unit = unit.strip()
        candidate = f"{current}{joiner}{unit}" if current else unit
        if measure(candidate) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
        if measure(unit) <= limit:
            current = unit
        else:
            smaller = _pack(unit, limit, measure, level + 1)
            pieces.extend(smaller[:-1])
            current = smaller[-1]
    if current:
        pieces.append(current)
    return pieces


def _hard_cut(text: str, limit: int, measure: Callable[[str], int]) -> list[str]:
    """A single 'word' longer than the limit (a long URL, say): cut by characters."""
    pieces: list[str] = []
    while text:
        low, high = 1, len(text)  # the longest prefix that fits; at least one character
        while low < high:
            middle = (low + high + 1) // 2
            if measure(text[:middle]) <= limit:
                low = middle
            else:
                high = middle - 1
        pieces.append(text[:low])
        text = text[low:]
    return pieces
