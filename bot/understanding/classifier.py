"""A text classifier that reads two ways and averages them: meaning (a multinomial logistic
regression on the sentence embedding) and surface (the same on character and word n-gram TF-IDF,
which catches slang, typos and emoji the embedding model never met).

The safety head and the message coach are each one of these. Fitting needs scikit-learn (a dev
dependency, used by `python -m bot safety train`); reading needs only numpy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bot.understanding.tfidf import CHAR_NGRAMS, WORD_NGRAMS, NgramSpace

__all__ = ["TwoViews", "fit_two_views"]

Floats = NDArray[np.float32]


def _softmax(logits: Floats) -> Floats:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    out: Floats = (exp / exp.sum(axis=1, keepdims=True)).astype(np.float32)
    return out


@dataclass
class TwoViews:
    categories: list[str]  # the columns of every probability
    embedding_weights: Floats  # (categories, 384)
    embedding_biases: Floats
    chars: NgramSpace
    words: NgramSpace
    ngram_weights: Floats  # (categories, character features + word features)
    ngram_biases: Floats

    def probabilities(self, embeddings: Floats, texts: Sequence[str]) -> Floats:
        """(texts, categories): the mean of the two views' probabilities."""
        meaning, form = self.views(embeddings, texts)
        out: Floats = ((meaning + form) / 2).astype(np.float32)
        return out

    def views(self, embeddings: Floats, texts: Sequence[str]) -> tuple[Floats, Floats]:
        """Each view's (texts, categories) probabilities: meaning, then surface."""
        meaning = _softmax(embeddings @ self.embedding_weights.T + self.embedding_biases)
        logits = np.empty((len(texts), len(self.categories)), dtype=np.float32)
        offset = len(self.chars.idf)
        for row, text in enumerate(texts):
            # Only the weights of the n-grams the text has: a dense row would multiply tens of
            # thousands of zeros for every piece of every message.
            char_cols, char_vals = self.chars.sparse(text)
            word_cols, word_vals = self.words.sparse(text)
            columns = np.concatenate([char_cols, word_cols + offset])
            logits[row] = self.ngram_weights[:, columns] @ np.concatenate([char_vals, word_vals])
        return meaning, _softmax(logits + self.ngram_biases)

    def arrays(self, prefix: str) -> dict[str, NDArray[Any]]:
        return {
            f"{prefix}embedding_weights": self.embedding_weights.astype(np.float32),
            f"{prefix}embedding_biases": self.embedding_biases.astype(np.float32),
            f"{prefix}ngram_weights": self.ngram_weights.astype(np.float16),
            f"{prefix}ngram_biases": self.ngram_biases.astype(np.float32),
            f"{prefix}char_idf": self.chars.idf.astype(np.float32),
            f"{prefix}word_idf": self.words.idf.astype(np.float32),
        }

    def document(self) -> dict[str, Any]:
        return {
            "categories": self.categories,
            "char_vocabulary": sorted(self.chars.vocabulary, key=self.chars.vocabulary.__getitem__),
            "word_vocabulary": sorted(self.words.vocabulary, key=self.words.vocabulary.__getitem__),
        }

    @classmethod
    def load(cls, document: dict[str, Any], arrays: Any, prefix: str) -> TwoViews:
        return cls(
            categories=list(document["categories"]),
            embedding_weights=arrays[f"{prefix}embedding_weights"],
            embedding_biases=arrays[f"{prefix}embedding_biases"],
            chars=NgramSpace(
                {g: i for i, g in enumerate(document["char_vocabulary"])},
                arrays[f"{prefix}char_idf"],
                words=False,
            ),
            words=NgramSpace(
                {g: i for i, g in enumerate(document["word_vocabulary"])},
                arrays[f"{prefix}word_idf"],
                words=True,
            ),
            ngram_weights=arrays[f"{prefix}ngram_weights"].astype(np.float32),
            ngram_biases=arrays[f"{prefix}ngram_biases"],
        )


def fit_two_views(
    embeddings: Floats,
    texts: Sequence[str],
    targets: Sequence[str],
    *,
    c_meaning: float,
    c_surface: float,
    categories: list[str] | None = None,
    weights: Sequence[float] | None = None,
) -> TwoViews:
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    chars = TfidfVectorizer(
        analyzer="char_wb", ngram_range=CHAR_NGRAMS, min_df=2, sublinear_tf=True, dtype=np.float32
    )
    words = TfidfVectorizer(ngram_range=WORD_NGRAMS, min_df=1, sublinear_tf=True, dtype=np.float32)
    surface = sparse.hstack([chars.fit_transform(texts), words.fit_transform(texts)]).tocsr()
    weight = None if weights is None else np.asarray(weights, dtype=np.float64)
    meaning_model = LogisticRegression(C=c_meaning, max_iter=2000).fit(embeddings, targets, sample_weight=weight)
    surface_model = LogisticRegression(C=c_surface, max_iter=1000, tol=1e-3).fit(
        surface, targets, sample_weight=weight
    )
    order = categories or sorted(set(targets))

    def columns(model: Any) -> NDArray[np.intp]:
        classes = list(model.classes_)
        return np.array([classes.index(c) for c in order])

    m, f = columns(meaning_model), columns(surface_model)
    return TwoViews(
        categories=order,
        embedding_weights=meaning_model.coef_[m].astype(np.float32),
        embedding_biases=meaning_model.intercept_[m].astype(np.float32),
        chars=NgramSpace(
            {g: int(i) for g, i in chars.vocabulary_.items()}, chars.idf_.astype(np.float32), words=False
        ),
        words=NgramSpace(
            {g: int(i) for g, i in words.vocabulary_.items()}, words.idf_.astype(np.float32), words=True
        ),
        ngram_weights=surface_model.coef_[f].astype(np.float32),
        ngram_biases=surface_model.intercept_[f].astype(np.float32),
    )
