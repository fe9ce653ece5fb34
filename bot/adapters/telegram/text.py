"""Splitting long text for Telegram: limits count UTF-16 code units, not Python characters."""

from __future__ import annotations

import re

__all__ = ["CAPTION_LIMIT", "TEXT_LIMIT", "split_text", "utf16_len"]

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024

# Boundaries to split on, best first: paragraphs, lines, sentences, words.
_BOUNDARIES = (
    re.compile(r"(?<=\n\n)"),
    re.compile(r"(?<=\n)"),
    re.compile(r"(?<=[.!?…])\s+"),
    re.compile(r"(?<=\s)"),
)


_SENTENCES = 2


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Parts of at most `limit` UTF-16 units, cut at the best boundary available, never empty."""
    if utf16_len(text) <= limit:
        return [text] if text.strip() else []
    return [part for part in (p.strip() for p in _split(text, limit, 0)) if part]


def _split(text: str, limit: int, level: int) -> list[str]:
    if utf16_len(text) <= limit:
        return [text]
    if level == len(_BOUNDARIES):
        return _hard_cut(text, limit)
    pieces = [p for p in _BOUNDARIES[level].split(text) if p]
    if len(pieces) == 1:
        return _split(text, limit, level + 1)
    parts: list[str] = []
    current = ""
    for piece in pieces:
        if utf16_len(piece) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.extend(_split(piece, limit, level + 1))
            continue
        # Sentence splitting consumed the space between sentences; the other boundaries keep theirs.
        joined = f"{current} {piece}" if level == _SENTENCES and current else current + piece
        if utf16_len(joined) <= limit:
            current = joined
        else:
            parts.append(current)
            current = piece
    if current:
        parts.append(current)
    return parts


def _hard_cut(text: str, limit: int) -> list[str]:
    """Last resort for a single word longer than the limit: cut by code units, never inside a character."""
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for char in text:
        width = utf16_len(char)
        if size + width > limit:
            parts.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    if current:
        parts.append("".join(current))
    return parts
