"""Character and word n-gram TF-IDF, computed the way scikit-learn's TfidfVectorizer does.

The safety head reads a message two ways: its meaning (sentence embeddings) and its surface
(n-grams catch slang, typos and spellings the embedding model never saw: "kms", "unalive",
"sewerslide"). Training uses scikit-learn; at run time this module turns a fitted vocabulary and
its idf weights into the same vectors without it (tests/understanding checks they agree).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

__all__ = ["CHAR_NGRAMS", "WORD_NGRAMS", "NgramSpace", "char_wb_ngrams", "word_ngrams"]

CHAR_NGRAMS = (2, 5)
WORD_NGRAMS = (1, 2)
_WHITE = re.compile(r"\s\s+")
_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def char_wb_ngrams(text: str, low: int = CHAR_NGRAMS[0], high: int = CHAR_NGRAMS[1]) -> list[str]:
    """N-grams of characters inside word boundaries, each word padded with a space either side."""
    out: list[str] = []
    for word in _WHITE.sub(" ", text.lower()).split():
        padded = f" {word} "
        size = len(padded)
        for n in range(low, high + 1):
            if n >= size:  # a word shorter than n is counted once, whole
                out.append(padded)
                break
            out += [padded[i : i + n] for i in range(size - n + 1)]
    return out


def word_ngrams(text: str, low: int = WORD_NGRAMS[0], high: int = WORD_NGRAMS[1]) -> list[str]:
    tokens = _TOKEN.findall(text.lower())
    out: list[str] = []
    for n in range(low, high + 1):
        out += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
    return out


# The safety head and the coach each read every message's n-grams against their own vocabulary; the
# n-grams are counted once for both. This runs in the reader's thread holding the GIL, so each
# millisecond here is one the event loop waits for.
@lru_cache(maxsize=64)
def _counted(text: str, words: bool) -> tuple[tuple[str, ...], tuple[int, ...]]:
    counts = Counter(word_ngrams(text) if words else char_wb_ngrams(text))
    return tuple(counts), tuple(counts.values())


@dataclass
class NgramSpace:
    """One fitted vocabulary: term -> column, and each column's idf."""

    vocabulary: dict[str, int]
    idf: NDArray[np.float32]
    words: bool  # word n-grams rather than character n-grams

    def vector(self, text: str) -> NDArray[np.float32]:
        """Sublinear tf times idf, L2-normalised: a dense row for one text."""
        out = np.zeros(len(self.idf), dtype=np.float32)
        columns, values = self.sparse(text)
        out[columns] = values
        return out

    def sparse(self, text: str) -> tuple[NDArray[np.intp], NDArray[np.float32]]:
        """The same row as (columns, values) of its non-zero entries: a text has a few dozen n-grams
        in a vocabulary of tens of thousands, so products over these are what is cheap."""
        grams, counts = _counted(text, self.words)
        vocabulary = self.vocabulary
        found = [(column, count) for gram, count in zip(grams, counts, strict=True)
                 if (column := vocabulary.get(gram)) is not None]
        columns = np.fromiter((c for c, _ in found), dtype=np.intp, count=len(found))
        hits = np.fromiter((n for _, n in found), dtype=np.float32, count=len(found))
        values = ((1.0 + np.log(hits)) * self.idf[columns]).astype(np.float32)
        norm = float(np.linalg.norm(values))
        return columns, values / norm if norm > 0 else values
