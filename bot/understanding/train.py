"""Rebuild the safety head from `content/safety/examples/train/`: `python -m bot safety train`.

Thresholds are chosen on out-of-fold scores from the training examples alone (five folds, each
scored by a head that never saw it, reading each message piece by piece as the bot does). The
held-out split is never read here: it only measures the result (`python -m bot safety eval`).
"""

from __future__ import annotations

import hashlib
import platform
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bot.understanding.classifier import TwoViews, fit_two_views
from bot.understanding.dev_sets import (
    CoachDrafts,
    ask_bar,
    coach_bar,
    load_coach_drafts,
    load_safety_messages,
    load_training_drafts,
)
from bot.understanding.encoder import Encoder
from bot.understanding.head import FINDINGS, Head, Thresholds
from bot.understanding.meaning import (
    GOOD,
    NONE,
    Bars,
    PhraseBank,
    bank_digest,
    bank_texts,
    coach_readings,
    coach_texts,
    draft_texts,
)
from bot.understanding.safety_model import SafetyModel, Scores, embed_pieces
from bot.understanding.segments import segments
from dialogs.safety import SafetyLabel, load_classifier
from dialogs.safety_examples import Example, examples_digest, load_examples

__all__ = ["TrainReport", "build_bank", "train"]

FOLDS = 5
C_MEANING = 4.0  # inverse regularisation of the embedding regression
C_SURFACE = 10.0  # ... and of the n-gram regression
SEED = 20261201
PIECE_PENALTIES = (0.1, 0.15, 0.2, 0.25, 0.3)
# An example that also carries a second label is learnt a second time under that label, in the
# category such messages most often have.
ALSO_CATEGORY = {
    "crisis": "active_thoughts",
    "danger": "to_user_violence",
    "boundary": "stated",
    "moved_on": "new_partner",
}

# What each threshold is chosen for, on the out-of-fold scores. (The question's bar is then set again
# on the development messages: see dev_sets.py.)
ACT_PRECISION = 0.93  # the full crisis reply is given when we are this sure
ASK_FALSE_ALARMS = (
    0.09  # at most this share of ordinary ("none") messages get the question, rules hits included
)
# Danger and boundary move a person to moving on for good, so a false alarm costs a lot.
FINDING_MIN_PRECISION = {"danger": 0.85, "boundary": 0.88, "moved_on": 0.80}

Floats = NDArray[np.float32]


@dataclass(frozen=True)
class TrainReport:
    examples: int
    thresholds: Thresholds
    out_of_fold: dict[str, float]


def _rows(examples: Sequence[Example]) -> tuple[list[int], list[str]]:
    """(example index, category) for every row learnt: each example once, and again for its `also`."""
    index, categories = [], []
    for i, ex in enumerate(examples):
        index.append(i)
        categories.append(f"{ex.label}:{ex.category}")
        for extra in sorted(ex.labels - {ex.label}):
            index.append(i)
            categories.append(f"{extra}:{ALSO_CATEGORY[extra]}")
    return index, categories


def fit_head(whole: Floats, examples: Sequence[Example], thresholds: Thresholds) -> Head:
    """Both views, fitted on whole messages."""
    index, targets = _rows(examples)
    weights = [PHRASING_WEIGHT if examples[i].where == PHRASINGS else 1.0 for i in index]
    views = fit_two_views(
        whole[index],
        [examples[i].text for i in index],
        targets,
        c_meaning=C_MEANING,
        c_surface=C_SURFACE,
        weights=weights,
    )
    return Head(views, thresholds)


def _pieces(encoder: Encoder, examples: Sequence[Example]) -> tuple[list[list[str]], list[Floats]]:
    all_pieces = [segments(ex.text) for ex in examples]
    flat = [p for pieces in all_pieces for p in pieces]
    embedded = embed_pieces(encoder, flat)
    out, at = [], 0
    for pieces in all_pieces:
        out.append(embedded[at : at + len(pieces)])
        at += len(pieces)
    return all_pieces, out


def out_of_fold(
    examples: Sequence[Example], pieces: Sequence[list[str]], embedded: Sequence[Floats]
) -> list[dict[str, Floats]]:
    """Each example's per-piece scores, from a head trained on the other folds."""
    fold = np.array([_fold(ex.text) for ex in examples])
    whole = np.stack([e[0] for e in embedded])
    placeholder = Thresholds(1, 1, 1, 1, 1, 1, 1, 0)
    scored: list[dict[str, Floats]] = [{} for _ in examples]
    for k in range(FOLDS):
        train_idx = np.flatnonzero(fold != k)
        head = fit_head(whole[train_idx], [examples[int(i)] for i in train_idx], placeholder)
        for i in np.flatnonzero(fold == k):
            scored[int(i)] = head.scores(head.probabilities(embedded[int(i)], pieces[int(i)]))
    return scored


def _fold(text: str) -> int:
    """Each example's fold, from its own words. With folds dealt by a shuffle of the whole list, one
    FAQ phrasing taken out moved every example to another fold, and the bars chosen on them moved
    (the piece penalty from 0.3 to 0.2, and 2.8 points more ordinary messages asked on the
    realistic set). Now an edit moves only the examples it touches."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:4], "big") % FOLDS


def _combine(per_piece: dict[str, Floats], penalty: float) -> Scores:
    adjusted = {
        name: per_piece[name] - np.r_[0.0, np.full(len(per_piece[name]) - 1, penalty)] for name in FINDINGS
    }
    at = {name: int(adjusted[name].argmax()) for name in FINDINGS}
    return Scores(
        **{name: float(adjusted[name][at[name]]) for name in FINDINGS},
        attempt=float(per_piece["attempt"][at["crisis"]]),
        by_user=float(per_piece["by_user"][at["danger"]]),
    )


def _precision_threshold(scores: Floats, truth: NDArray[np.bool_], precision: float) -> float:
    """The lowest threshold whose hits are at least `precision` right."""
    best = 1.0
    for t in np.unique(scores)[::-1]:
        hits = scores >= t
        if truth[hits].mean() >= precision:
            best = float(t)
    return best


def _false_alarm_threshold(scores: Floats, rate: float) -> float:
    """The lowest threshold that flags at most `rate` of these (ordinary) messages."""
    ordered = np.sort(scores)[::-1]
    allowed = int(len(ordered) * rate)
    return float(ordered[allowed]) + 1e-6 if allowed < len(ordered) else 0.0


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


def choose_thresholds(
    examples: Sequence[Example], per_piece: Sequence[dict[str, Floats]], rule_hits: NDArray[np.bool_]
) -> tuple[Thresholds, dict[str, float]]:
    """The piece penalty that catches most crisis messages at the allowed false alarms, then every
    threshold at that penalty."""
    truth = {name: np.array([name in ex.labels for ex in examples]) for name in FINDINGS}
    # False alarms are counted on the example files' ordinary messages, the hard ones written for it,
    # not on the easy phrasings added from the FAQ (which would make any bar look safe).
    ordinary = np.array(
        [ex.labels == {"none"} and ex.split == "train" and ex.where != PHRASINGS for ex in examples]
    )

    def caught(penalty: float) -> float:
        crisis = np.array([_combine(p, penalty).crisis for p in per_piece], dtype=np.float32)
        bar = _false_alarm_threshold(crisis[ordinary], ASK_FALSE_ALARMS)
        return float((crisis[truth["crisis"]] >= bar).mean())

    penalty = max(PIECE_PENALTIES, key=caught)
    scores = [_combine(p, penalty) for p in per_piece]
    col = {name: np.array([getattr(s, name) for s in scores], dtype=np.float32) for name in Scores.__slots__}
    act = _precision_threshold(col["crisis"], truth["crisis"], ACT_PRECISION)
    # The rules' own hits are asked anyway: the model gets what is left of the budget.
    rule_alarms = float(rule_hits[ordinary].mean())
    quiet = ordinary & ~rule_hits
    budget = max(0.0, ASK_FALSE_ALARMS - rule_alarms) * ordinary.sum() / max(quiet.sum(), 1)
    ask = min(act, _false_alarm_threshold(col["crisis"][quiet], budget))
    # Where the rules see crisis words too, the full reply may come at a lower score, as long as
    # it stays as precise: "i want to die" is said in jest often enough to cost it on its own.
    act_with_rule = _precision_threshold(col["crisis"][rule_hits], truth["crisis"][rule_hits], ACT_PRECISION)
    found = {
        name: _f2_threshold(col[name], truth[name], FINDING_MIN_PRECISION[name]) for name in FINDINGS[1:]
    }
    crisis = truth["crisis"]
    attempt_truth = np.array([ex.category == "attempt" for ex in examples])
    attempt = _f2_threshold(col["attempt"][crisis], attempt_truth[crisis], 0.5)
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
        piece_penalty=penalty,
        crisis_act_with_rule=min(act, act_with_rule),
        crisis_agree=round(act / 2, 4),  # set by design, not fitted: each view at least half the bar
    )
    flagged = (col["crisis"] >= ask) | rule_hits
    acted = (col["crisis"] >= act) | (rule_hits & (col["crisis"] >= min(act, act_with_rule)))
    figures = {
        "crisis_caught": float(flagged[crisis].mean()),
        "crisis_act_precision": float(crisis[acted].mean()),
        "ordinary_asked": float(flagged[ordinary].mean()),
    }
    for name in FINDINGS[1:]:
        hits = col[name] >= found[name]
        figures[f"{name}_recall"] = float(hits[truth[name]].mean())
        figures[f"{name}_precision"] = float(truth[name][hits].mean()) if hits.any() else 0.0
    return thresholds, {k: round(v, 4) for k, v in figures.items()}


def ordinary_phrasings(content_root: Path) -> list[Example]:
    """What people type to the bot about the guide (FAQ questions, commands): ordinary messages the
    safety check must leave alone, however often they name the ex or contacting them."""
    from dialogs.kit import load_kit

    content = load_kit(content_root).content
    texts = [p for e in content.faq for p in (e.question, *e.phrasings)]
    texts += [p for i in content.intents for p in i.phrasings]
    return [Example(t, frozenset({"none"}), "none", PHRASING_CATEGORY, "train", PHRASINGS) for t in texts]


def train(
    content_root: Path, encoder: Encoder, *, progress: Callable[[str], None] = lambda _: None
) -> TrainReport:
    examples = [*load_examples(content_root, ("train",)), *ordinary_phrasings(content_root)]
    progress(f"embedding {len(examples)} training examples piece by piece")
    pieces, embedded = _pieces(encoder, examples)
    progress(f"scoring them out of fold ({FOLDS} folds)")
    per_piece = out_of_fold(examples, pieces, embedded)
    rules = load_classifier(content_root)
    rule_hits = np.array([rules.assess(ex.text) == SafetyLabel.CRISIS for ex in examples])
    thresholds, figures = choose_thresholds(examples, per_piece, rule_hits)
    progress("fitting the head on every training example")
    head = fit_head(np.stack([e[0] for e in embedded]), examples, thresholds)
    progress("setting the question's bar on the development messages")
    dev = load_safety_messages(content_root)
    judge = SafetyModel(encoder, head, rules)
    scored = [(judge.scores(m.text), rules.assess(m.text)) for m in dev]
    head.thresholds = replace(thresholds, crisis_ask=ask_bar(thresholds, scored, [m.ordinary for m in dev]))
    figures["crisis_ask_out_of_fold"] = thresholds.crisis_ask
    bank_figures = train_phrases(content_root, encoder, examples, progress=progress)
    meta: dict[str, Any] = {
        "examples_digest": examples_digest(content_root),
        "examples": len(examples),
        "encoder": encoder.fingerprint,
        "out_of_fold": figures,
        "versions": _versions(),
        "regularisation": {"meaning": C_MEANING, "surface": C_SURFACE},
        "folds": FOLDS,
    }
    head.save(content_root, meta)
    return TrainReport(len(examples), head.thresholds, {**figures, **bank_figures})


def train_phrases(
    content_root: Path,
    encoder: Encoder,
    examples: Sequence[Example] | None = None,
    *,
    progress: Callable[[str], None] = lambda _: None,
) -> dict[str, float]:
    """Rebuild the phrase bank alone (FAQ, commands, the coach) and save it; the safety head is left
    as it is. `examples`: the safety training examples, whose ordinary messages are the bank's
    "none"; loaded when not given."""
    if examples is None:
        examples = [*load_examples(content_root, ("train",)), *ordinary_phrasings(content_root)]
    progress("embedding the FAQ, command and coach phrasings")
    bank, figures = build_bank(content_root, encoder, examples)
    bank.save(content_root, {"encoder": encoder.fingerprint, "held_out": figures})
    return figures


def _versions() -> dict[str, str]:
    import sklearn

    return {"python": platform.python_version(), "numpy": np.__version__, "scikit-learn": sklearn.__version__}


# --- questions, commands and the coach's problems ------------------------------------------------------------
# Ordinary messages that ask nothing and command nothing: the classifier's "none" class. (The
# everyday category is left out: it holds questions about the guide, which are FAQ questions.)
COACH_GOOD_WEIGHT = 4.0  # fine sentences outnumber problems in real drafts (chosen on the dev drafts)
# A whole draft counts twice as much as an example sentence. Chosen on the fifth writer's drafts, with
# the coach learning from the other four sets: 1x found 108 of 150 problems (8 of 120 good flagged),
# 2x and 3x 110 (7 flagged); learning from none of them, 102 (12 flagged).
DRAFT_WEIGHT = 2.0
_ORDINARY = frozenset({"sadness", "anger", "past_resolved", "figure_of_speech", "contact_ok", "negation"})
C_PHRASES = 4.0
PHRASINGS = "faq.yaml/intents.yaml"
# The phrasings get a category of their own and a light weight: there are a thousand of them, built on
# a few openings ("i want to", "how do i"), and at full weight those openings alone read as ordinary,
# even in "i want to die".
PHRASING_CATEGORY = "about_the_guide"
PHRASING_WEIGHT = 0.3


def _gains(
    probs: Floats, predicted: NDArray[np.intp], truth: NDArray[np.intp], none: int, rows: NDArray[np.bool_]
) -> NDArray[np.float64]:
    """At each bar of BAR_GRID: right matches, less two for a wrong one and one for an ordinary
    message matched."""
    top = probs.max(axis=1)
    gains = []
    for bar in BAR_GRID:
        hit = rows & (top >= bar) & (predicted != none)
        right = (hit & (predicted == truth)).sum()
        wrong = (hit & (predicted != truth) & (truth != none)).sum()
        gains.append(float(right - 2 * wrong - (hit & (truth == none)).sum()))
    return np.array(gains)


# The gain is flat over a wide range of bars (0.08 to 0.26 within 1% in December 2026), so the best
# single bar of one fold split was noise: adding one intent moved the question's bar from 0.12 to
# 0.24. The gains are averaged over a few splits, and the bar is the middle of those within
# BAR_TOLERANCE of the best.
BAR_GRID = np.round(np.arange(0.05, 0.6, 0.01), 2)
BAR_SPLITS = 3
BAR_TOLERANCE = 0.01


def _steady_bar(gains: NDArray[np.float64]) -> float:
    near = BAR_GRID[gains >= gains.max() - BAR_TOLERANCE * abs(gains.max())]
    return round(float(np.median(near)), 4)


def _coach_bar(
    encoder: Encoder,
    vectors: Floats,
    texts: list[str],
    labels: list[str],
    counts: list[float],
    drafts: CoachDrafts,
) -> tuple[TwoViews, float, dict[str, float]]:
    """The coach classifier, fitted on every example sentence and training draft (`counts`: how much
    each counts), and the probability a problem must reach, chosen on the development drafts (see
    dev_sets.py)."""
    weights = [c * (COACH_GOOD_WEIGHT if label == GOOD else 1.0) for c, label in zip(counts, labels, strict=True)]
    views = fit_two_views(
        vectors,
        texts,
        labels,
        c_meaning=C_MEANING,
        c_surface=C_SURFACE,
        categories=sorted(set(labels)),
        weights=weights,
    )

    def worst(draft: str) -> dict[str, float]:
        """Each problem's highest probability over the sentences it is the top reading of."""
        pieces = segments(draft)
        out: dict[str, float] = {}
        embed = partial(embed_pieces, encoder)
        for _, problem, p in coach_readings(views, pieces, embed(pieces), embed):
            if problem != GOOD:
                out[problem] = max(out.get(problem, 0.0), p)
        return out

    learnt = set(labels) - {GOOD}
    poor = [(problem, text) for problem, text in drafts.poor if problem in learnt]
    bar, figures = coach_bar(
        [worst(t) for _, t in poor], [p for p, _ in poor], [worst(t) for t in drafts.good]
    )
    return views, bar, {f"coach_dev_{k}": v for k, v in figures.items()}


def build_bank(
    content_root: Path, encoder: Encoder, examples: Sequence[Example]
) -> tuple[PhraseBank, dict[str, float]]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    from dialogs.kit import load_kit

    kit = load_kit(content_root)
    problems = {rule.id for rule in kit.coach.spec.rules}
    drafts = load_training_drafts(content_root, problems)
    texts = bank_texts(kit.content, kit.coach, drafts)
    phrasings = [(label, text) for label, text in texts if not label.startswith("coach:")]
    ordinary = [ex.text for ex in examples if ex.label == "none" and ex.category in _ORDINARY]
    rows = [*phrasings, *((NONE, text) for text in ordinary)]
    vectors = embed_pieces(encoder, [text for _, text in rows])
    classes = sorted({label for label, _ in rows})
    truth = np.array([classes.index(label) for label, _ in rows])
    model = LogisticRegression(C=C_PHRASES, max_iter=5000)
    none = classes.index(NONE)
    kinds = np.array([classes[t].split(":", 1)[0] for t in truth])
    gains: dict[str, NDArray[np.float64]] = {"faq": np.zeros(len(BAR_GRID)), "intent": np.zeros(len(BAR_GRID))}
    splits: list[Floats] = []
    for split in range(BAR_SPLITS):
        folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED + split)
        probs = cross_val_predict(model, vectors, truth, cv=folds, method="predict_proba", n_jobs=2)
        probs = probs.astype(np.float32)
        splits.append(probs)
        for kind in gains:
            predicted = probs.argmax(axis=1)
            predicted_kind = np.array([classes[p].startswith(f"{kind}:") for p in predicted])
            masked = np.where(predicted_kind, predicted, none)
            gains[kind] += _gains(probs, masked, truth, none, (kinds == kind) | (kinds == NONE)) / BAR_SPLITS
    probs = splits[0]  # the figures below are the first split's
    predicted = probs.argmax(axis=1)
    bars: dict[str, float] = {}
    figures: dict[str, float] = {}
    for kind in ("faq", "intent"):
        predicted_kind = np.array([classes[p].startswith(f"{kind}:") for p in predicted])
        bars[kind] = _steady_bar(gains[kind])
        top = probs.max(axis=1)
        hit = (top >= bars[kind]) & predicted_kind
        figures[f"{kind}_held_out_right"] = round(
            float((hit & (predicted == truth))[kinds == kind].mean()), 4
        )
        figures[f"{kind}_ordinary_matched"] = round(float(hit[kinds == NONE].mean()), 4)
    model.fit(vectors, truth)
    sentences, whole = coach_texts(kit.coach), draft_texts(drafts)
    coach = [*sentences, *whole]
    coach_text = [text for _, text in coach]
    coach_views, bars["coach"], coach_figures = _coach_bar(
        encoder,
        embed_pieces(encoder, coach_text),
        coach_text,
        [label.split(":", 1)[1] for label, _ in coach],
        [1.0] * len(sentences) + [DRAFT_WEIGHT] * len(whole),
        load_coach_drafts(content_root, problems),
    )
    figures.update(coach_figures)
    bank = PhraseBank(
        classes=classes,
        weights=model.coef_.astype(np.float32),
        biases=model.intercept_.astype(np.float32),
        coach=coach_views,
        bars=Bars(**bars),
        digest=bank_digest(texts),
    )
    return bank, figures
