"""How one message is cut into the pieces the safety model scores.

A crisis sentence often sits in the middle of a long, chatty message, where it barely moves the
embedding of the whole. So the model reads the whole message, each sentence (long run-ons in
overlapping windows of words), and, when the person wrote in the last few minutes, their recent
messages read together, so a thought split across two sends is read as one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from dialogs.safety import visible

__all__ = ["readings", "segments"]

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+|(?<=[.!?…])(?=[A-Z])")
MIN_WORDS = 4  # shorter fragments join their neighbour: "ok." alone means little
WINDOW_WORDS = 24  # a run-on sentence is read in windows this long...
WINDOW_STEP = 16  # ...overlapping by the rest
MAX_SEGMENTS = 48  # a 4,000-character rant stays within a few dozen pieces
RECENT_WORDS = 120  # the recent messages read together, from the end


def _sentences(text: str) -> list[str]:
    pieces = [p.strip() for p in _SENTENCE_END.split(text) if p and p.strip()]
    merged: list[str] = []
    for piece in pieces:
        if merged and len(merged[-1].split()) < MIN_WORDS:
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    if len(merged) > 1 and len(merged[-1].split()) < MIN_WORDS:
        tail = merged.pop()
        merged[-1] = f"{merged[-1]} {tail}"
    return merged


def _windows(sentence: str) -> list[str]:
    words = sentence.split()
    if len(words) <= WINDOW_WORDS + WINDOW_WORDS // 2:
        return [sentence]
    starts = range(0, max(1, len(words) - WINDOW_WORDS + WINDOW_STEP), WINDOW_STEP)
    return [" ".join(words[i : i + WINDOW_WORDS]) for i in starts]


def segments(text: str, recent: Sequence[str] = ()) -> list[str]:
    """The whole message first, then its sentences or windows, then recent messages read together,
    each as a reader sees it (styled letters made plain, invisible characters dropped)."""
    text = visible(text).strip()
    recent = [visible(r) for r in recent]
    if not text:
        return []
    out = [text]
    pieces = [w for s in _sentences(text) for w in _windows(s)]
    if len(pieces) > 1 or (pieces and pieces[0] != text):
        out.extend(pieces)
    if len(out) > MAX_SEGMENTS:
        # Keep the start and the end of a very long message: risk is often said last.
        half = (MAX_SEGMENTS - 1) // 2
        out = [out[0], *out[1 : 1 + half], *out[-half:]]
    if recent:
        joined = " ".join([*recent, text]).split()
        out.append(" ".join(joined[-RECENT_WORDS:]))
    return list(dict.fromkeys(out))


def readings(
    text: str, recent: Sequence[str] = (), mend: Callable[[str], str] | None = None
) -> tuple[list[str], frozenset[int]]:
    """`segments`, then, when `mend` changes the message (see spelling.py), the mended message and
    its mended sentences; and which pieces are the whole message, as typed or mended."""
    pieces = segments(text, recent)
    if mend is None or not pieces:
        return pieces, frozenset({0})
    mended = segments(mend(pieces[0]))
    if mended[0] in pieces:
        return pieces, frozenset({0})
    return [*pieces, *(p for p in mended if p not in pieces)], frozenset({0, len(pieces)})
