"""Plain text for Discord: escape what Discord would render, and split to its 2000-character limit.

`Reply.text` is plain text that may quote the user, so nothing in it may format, ping or link-pill.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import discord.utils

__all__ = ["MESSAGE_LIMIT", "plain", "split_plain", "split_text"]

MESSAGE_LIMIT = 2000

_PILL = re.compile(r"<(?=[@#:/a-zA-Z])")  # <@id>, <#id>, <t:...>, </cmd:id>, <a:emoji:id>
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def plain(text: str) -> str:
    """Text exactly as written: markdown, @everyone/@here and <@id>-style pills are neutralised."""
    escaped = discord.utils.escape_markdown(text)
    escaped = discord.utils.escape_mentions(escaped)
    return _PILL.sub(r"\\<", escaped)


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


def split_plain(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """The Discord message bodies for `text`: escaped, each within `limit` after escaping."""
    return [plain(piece) for piece in split_text(text, limit, lambda s: len(plain(s)))]
