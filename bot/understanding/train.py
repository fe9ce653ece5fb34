"""Rebuild the safety head from `content/safety/examples/train/`: `python -m bot safety train`.

Thresholds are chosen on out-of-fold scores from the training examples alone (five folds, each
scored by a head that never saw it, reading each message piece by piece as the bot does). The
held-out split is never read here: it only measures the result (`python -m bot safety eval`).
"""

from __future__ import annotations

import platform
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bot.understanding.encoder import Encoder
from bot.understanding.head import FINDINGS, Head, Thresholds
from bot.understanding.meaning import Bars, PhraseBank, bank_digest, bank_texts
from bot.understanding.safety_model import Scores, embed_pieces, strongest
from bot.understanding.segments import segments
from dialogs.safety_examples import Example, examples_digest, load_examples

__all__ = ["TrainReport", "train"]

FOLDS = 5
C = 2.0  # inverse regularisation of every regression
SEED = 20261201

# What each threshold is chosen for, on the out-of-fold scores.
ACT_PRECISION = 0.93  # the full crisis reply is given when we are this sure
ASK_FALSE_ALARMS = 0.06  # at most this share of non-crisis messages get the question
FINDING_MIN_PRECISION = 0.80

Floats = NDArray[np.float32]


@dataclass(frozen=True)
class TrainReport:
    examples: int
    thresholds: Thresholds
    out_of_fold: dict[str, float]


def _findings(examples: Sequence[Example]) -> NDArray[np.bool_]:
    return np.array([[f in ex.labels for f in FINDINGS] for ex in examples], dtype=bool)


def _fit_regression(x: Floats, y: NDArray[np.bool_]) -> tuple[Floats, float]:
    from sklearn.linear_model import LogisticRegression

    if y.all() or not y.any():
        return np.zeros(x.shape[1], dtype=np.float32), 10.0 if y.all() else -10.0
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=5000)
    model.fit(x, y)
    return model.coef_[0].astype(np.float32), float(model.intercept_[0])


def fit_head(x: Floats, examples: Sequence[Example], thresholds: Thresholds) -> Head:
    """Regressions for every finding and refiner, and the neighbour bank, from whole-message embeddings."""
    labels = _findings(examples)
    weights, biases = [], []
    for i in range(len(FINDINGS)):
        w, b = _fit_regression(x, labels[:, i])
        weights.append(w)
        biases.append(b)
    crisis = np.array(["crisis" in ex.labels for ex in examples])
    attempt = np.array([ex.label == "crisis" and ex.category == "attempt" for ex in examples])
    w, b = _fit_regression(x[crisis], attempt[crisis])
    weights.append(w)
    biases.append(b)
    danger = np.array([ex.label == "danger" for ex in examples])
    by_user = np.array([ex.direction == "by_user" for ex in examples])
    w, b = _fit_regression(x[danger], by_user[danger])
    weights.append(w)
    biases.append(b)
    return Head(
        weights=np.stack(weights),
        biases=np.array(biases, dtype=np.float32),
        bank=x.astype(np.float32),
        bank_labels=labels,
        thresholds=thresholds,
    )


def _precision_threshold(scores: Floats, truth: NDArray[np.bool_], precision: float) -> float:
    """The lowest threshold whose hits are at least `precision` right."""
    best = 1.0
    for t in np.unique(scores)[::-1]:
        hits = scores >= t
        if truth[hits].mean() >= precision:
            best = float(t)
    return best


def _false_alarm_threshold(scores: Floats, truth: NDArray[np.bool_], rate: float) -> float:
    """The lowest threshold that flags at most `rate` of the negatives."""
    negatives = np.sort(scores[~truth])[::-1]
    allowed = int(len(negatives) * rate)
    return float(negatives[allowed]) + 1e-6 if allowed < len(negatives) else 0.0


def _f2_threshold(scores: Floats, truth: NDArray[np.bool_], min_precision: float) -> float:
    best, best_f = 0.5, -1.0
    for t in np.unique(scores):
        hits = scores >= t
        tp = float((hits & truth).sum())
        if not hits.any() or tp / hits.sum() < min_precision:
            continue
        recall = tp / max(truth.sum(), 1)
        precision = tp / hits.sum()
        f2 = 5 * precision * recall / max(4 * precision + recall, 1e-9)
        if f2 > best_f:
            best, best_f = float(t), f2
    return best


def _pieces(encoder: Encoder, examples: Sequence[Example]) -> list[Floats]:
    all_pieces = [segments(ex.text) for ex in examples]
    flat = [p for pieces in all_pieces for p in pieces]
    embedded = embed_pieces(encoder, flat)
    out, at = [], 0
    for pieces in all_pieces:
        out.append(embedded[at : at + len(pieces)])
        at += len(pieces)
    return out


def out_of_fold(examples: Sequence[Example], pieces: Sequence[Floats]) -> list[Scores]:
    """Each example scored by a head trained on the other folds."""
    rng = np.random.default_rng(SEED)
    fold = rng.permutation(len(examples)) % FOLDS
    whole = np.stack([p[0] for p in pieces])
    placeholder = Thresholds(1, 1, 1, 1, 1, 1, 1)
    scored: list[Scores | None] = [None] * len(examples)
    for k in range(FOLDS):
        train_idx = np.flatnonzero(fold != k)
        head = fit_head(whole[train_idx], [examples[i] for i in train_idx], placeholder)
        for i in np.flatnonzero(fold == k):
            scored[i] = strongest(head, pieces[i])
    return [s for s in scored if s is not None]


def choose_thresholds(
    examples: Sequence[Example], oof: Sequence[Scores]
) -> tuple[Thresholds, dict[str, float]]:
    labels = _findings(examples)
    col = {name: np.array([getattr(s, name) for s in oof], dtype=np.float32) for name in Scores.__slots__}
    crisis = labels[:, 0]
    act = _precision_threshold(col["crisis"], crisis, ACT_PRECISION)
    ask = min(act, _false_alarm_threshold(col["crisis"], crisis, ASK_FALSE_ALARMS))
    found = {
        name: _f2_threshold(col[name], labels[:, i], FINDING_MIN_PRECISION)
        for i, name in enumerate(FINDINGS)
        if name != "crisis"
    }
    attempt_truth = np.array([ex.category == "attempt" for ex in examples])
    on_crisis = crisis
    attempt = _f2_threshold(col["attempt"][on_crisis], attempt_truth[on_crisis], 0.5)
    danger = np.array([ex.label == "danger" for ex in examples])
    by_user_truth = np.array([ex.direction == "by_user" for ex in examples])
    by_user = _f2_threshold(col["by_user"][danger], by_user_truth[danger], 0.7)
    thresholds = Thresholds(
        crisis_act=act,
        crisis_ask=ask,
        danger=found["danger"],
        boundary=found["boundary"],
        moved_on=found["moved_on"],
        attempt=attempt,
        by_user=by_user,
    )
    caught = col["crisis"] >= ask
    figures = {
        "crisis_caught": float(caught[crisis].mean()),
        "crisis_act_precision": float(crisis[col["crisis"] >= act].mean()),
        "non_crisis_asked": float(caught[~crisis].mean()),
    }
    for i, name in enumerate(FINDINGS[1:], start=1):
        hits = col[name] >= found[name]
        figures[f"{name}_recall"] = float(hits[labels[:, i]].mean())
        figures[f"{name}_precision"] = float(labels[hits, i].mean()) if hits.any() else 0.0
    return thresholds, {k: round(v, 4) for k, v in figures.items()}


def train(
    content_root: Path, encoder: Encoder, *, progress: Callable[[str], None] = lambda _: None
) -> TrainReport:
    examples = load_examples(content_root, ("train",))
    progress(f"embedding {len(examples)} training examples piece by piece")
    pieces = _pieces(encoder, examples)
    progress(f"scoring them out of fold ({FOLDS} folds)")
    oof = out_of_fold(examples, pieces)
    thresholds, figures = choose_thresholds(examples, oof)
    progress("fitting the head on every training example")
    head = fit_head(np.stack([p[0] for p in pieces]), examples, thresholds)
    progress("embedding the FAQ, command and coach phrasings")
    bank, bank_figures = build_bank(content_root, encoder, examples)
    figures.update(bank_figures)
    meta: dict[str, Any] = {
        "examples_digest": examples_digest(content_root),
        "examples": len(examples),
        "encoder": encoder.fingerprint,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "out_of_fold": figures,
        "versions": _versions(),
        "regularisation_c": C,
        "folds": FOLDS,
    }
    head.save(content_root, meta)
    bank.save(content_root, {"encoder": encoder.fingerprint, "held_out": bank_figures})
    return TrainReport(len(examples), thresholds, figures)


def _versions() -> dict[str, str]:
    import sklearn

    return {"python": platform.python_version(), "numpy": np.__version__, "scikit-learn": sklearn.__version__}


# --- the phrase bank: FAQ questions, command words, the coach's problems -------------------------------------
_NOT_A_QUESTION = frozenset(
    {"sadness", "anger", "past_resolved", "figure_of_speech", "contact_ok", "negation"}
)


def _bar(positive: Floats, right: NDArray[np.bool_], negative: Floats) -> float:
    """The bar that best separates right matches from wrong ones and from text that asks nothing."""
    best, best_gain = 1.0, -1e9
    for bar in np.unique(np.concatenate([positive, negative])):
        gain = float(((positive >= bar) & right).sum() - ((positive >= bar) & ~right).sum())
        gain -= float((negative >= bar).sum())
        if gain > best_gain:
            best, best_gain = float(bar), gain
    return round(best, 4)


def _held_out_best(
    vectors: Floats, labels: list[str], rows: NDArray[np.intp], others: NDArray[np.intp]
) -> tuple[Floats, NDArray[np.bool_]]:
    """For each row, its best similarity to the other phrasings of `others`, and whether that
    nearest phrasing carries the same label (each phrasing held out in turn)."""
    similarity = vectors[rows] @ vectors[others].T
    for i, row in enumerate(rows):
        similarity[i, others == row] = -1.0
    nearest = similarity.argmax(axis=1)
    right = np.array([labels[others[n]] == labels[row] for n, row in zip(nearest, rows, strict=True)])
    return similarity.max(axis=1).astype(np.float32), right


def build_bank(
    content_root: Path, encoder: Encoder, examples: Sequence[Example]
) -> tuple[PhraseBank, dict[str, float]]:
    from dialogs.kit import load_kit

    kit = load_kit(content_root)
    texts = bank_texts(kit.content, kit.coach)
    labels = [label for label, _ in texts]
    vectors = embed_pieces(encoder, [text for _, text in texts])
    kinds = np.array([label.split(":", 1)[0] for label in labels])
    negatives = [ex.text for ex in examples if ex.label == "none" and ex.category in _NOT_A_QUESTION]
    negative_vectors = embed_pieces(encoder, negatives)
    bars: dict[str, float] = {}
    figures: dict[str, float] = {}
    for kind in ("faq", "intent"):
        rows = np.flatnonzero(kinds == kind)
        best, right = _held_out_best(vectors, labels, rows, rows)
        negative = (negative_vectors @ vectors[rows].T).max(axis=1).astype(np.float32)
        bars[kind] = _bar(best, right, negative)
        figures[f"{kind}_held_out_right"] = round(float(((best >= bars[kind]) & right).mean()), 4)
        figures[f"{kind}_none_matched"] = round(float((negative >= bars[kind]).mean()), 4)
    rows = np.flatnonzero(kinds == "coach")
    best, right = _held_out_best(vectors, labels, rows, rows)
    problem = np.array([labels[r] != "coach:good" for r in rows])
    # A problem read where there is none costs as much as a wrong one: good drafts are negatives.
    bars["coach"] = _bar(best[problem], right[problem], best[~problem])
    figures["coach_held_out_right"] = round(float(((best >= bars["coach"]) & right)[problem].mean()), 4)
    bank = PhraseBank(labels, vectors, Bars(**bars), bank_digest(texts))
    return bank, figures
