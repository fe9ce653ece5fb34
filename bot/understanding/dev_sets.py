"""Choosing bars on the development sets in `content/dev/` (see its README).

Those messages and drafts were written by writers who saw no other set, and nothing is trained on
them. So a bar chosen here is chosen on text the model has never learnt, the way people will type
to it, and the held-out split and the test sets stay for measuring only.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from bot.understanding.evaluate import read_tsv
from bot.understanding.head import Thresholds
from bot.understanding.safety_model import Scores, decide
from dialogs.assessment import CrisisZone
from dialogs.safety import SafetyLabel
from dialogs.yamlfile import ContentError, load_model

__all__ = [
    "ASK_FALSE_ALARMS",
    "COACH_FALSE_ALARM_COST",
    "CoachDrafts",
    "DevMessage",
    "ask_bar",
    "coach_bar",
    "count_dev_messages",
    "load_coach_drafts",
    "load_safety_messages",
    "load_training_drafts",
]

DEV_DIR = "dev"
SAFETY_FILES = "safety*.tsv"  # every writer's messages, together
COACH_FILES = "coach_drafts*.yaml"  # one file per writer
TRAINING_DRAFTS = "coach_drafts"  # content/coach_drafts/: drafts the coach learns from, not a development set

# Half the 10%: ordinary messages by different writers draw the question at rates up to about
# twice each other's, and this set is one writer's.
ASK_FALSE_ALARMS = 0.05
BAR_STEP = 0.0001  # bars are compared at four decimals
COACH_FALSE_ALARM_COST = 3  # a kind draft told it has a problem costs three problems found


@dataclass(frozen=True)
class DevMessage:
    text: str
    ordinary: bool  # labelled none and nothing else


@dataclass(frozen=True)
class CoachDrafts:
    poor: list[tuple[str, str]]  # (problem, draft)
    good: list[str]


class _PoorDraft(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    problem: str
    text: Annotated[str, Field(min_length=1)]


class _DraftsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    poor: list[_PoorDraft]
    good: list[Annotated[str, Field(min_length=1)]]


def load_safety_messages(content_root: Path) -> list[DevMessage]:
    """Raises ContentError (file, line, reason) for a file a counsellor broke."""
    paths = sorted((content_root / DEV_DIR).glob(SAFETY_FILES))
    cases = [case for path in paths for case in read_tsv(path)]
    return [DevMessage(case.text, case.required == frozenset({"none"}) and not case.accepted) for case in cases]


def count_dev_messages(content_root: Path) -> int:
    """Every development message, those that choose no bar too (`typing_slips.tsv`, read for its
    misses only). Raises ContentError (file, line, reason) for a file a counsellor broke."""
    return sum(len(read_tsv(path)) for path in sorted((content_root / DEV_DIR).glob("*.tsv")))


def load_coach_drafts(content_root: Path, problems: Collection[str] = ()) -> CoachDrafts:
    """Every writer's development drafts, together. Raises ContentError (file, line, reason) for a
    file a counsellor broke, or for a draft labelled with a problem the coach does not have (when
    `problems` names the coach's)."""
    paths = sorted((content_root / DEV_DIR).glob(COACH_FILES))
    if not paths:  # without drafts the coach's bar would be chosen on nothing
        raise ContentError(content_root / DEV_DIR / COACH_FILES, None, "no development drafts for the coach")
    return _read_drafts(paths, problems)


def load_training_drafts(content_root: Path, problems: Collection[str] = ()) -> CoachDrafts:
    """The whole drafts the coach learns from (`content/coach_drafts/`), every writer's together."""
    return _read_drafts(sorted((content_root / TRAINING_DRAFTS).glob("*.yaml")), problems)


def _read_drafts(paths: Sequence[Path], problems: Collection[str]) -> CoachDrafts:
    poor: list[tuple[str, str]] = []
    good: list[str] = []
    for path in paths:
        drafts = load_model(path, _DraftsFile)
        for number, draft in enumerate(drafts.poor, start=1):
            if problems and draft.problem not in problems:
                raise ContentError(path, None, f"poor draft {number}: the coach has no problem {draft.problem!r}")
        poor += [(d.problem, d.text) for d in drafts.poor]
        good += drafts.good
    return CoachDrafts(poor, good)


def ask_bar(thresholds: Thresholds, scored: Sequence[tuple[Scores, SafetyLabel]], ordinary: Sequence[bool]) -> float:
    """The lowest crisis score for the question at which at most ASK_FALSE_ALARMS of the ordinary
    development messages would get the question or the reply (rules hits included).

    It only ever lowers the bar the training examples chose (`thresholds.crisis_ask`): a question
    asked in error is a kind question, a crisis missed is not, so when this set's ordinary messages
    draw more alarms than that, the training's bar stands."""
    ordinary_scored = [s for s, plain in zip(scored, ordinary, strict=True) if plain]
    allowed = int(len(ordinary_scored) * ASK_FALSE_ALARMS)
    # Each ordinary message's own score, and just above it: the lowest bar that keeps within the
    # budget often sits just above the last ordinary message it must leave alone.
    scores = {round(s.crisis, 4) for s, _ in ordinary_scored}
    candidates = sorted(scores | {round(c + BAR_STEP, 4) for c in scores})
    for bar in candidates:
        if bar >= thresholds.crisis_ask:
            break
        trial = replace(thresholds, crisis_ask=bar)
        flagged = sum(decide(s, rule, trial).crisis != CrisisZone.NONE for s, rule in ordinary_scored)
        if flagged <= allowed:
            return bar
    return thresholds.crisis_ask


def coach_bar(
    problems: Sequence[dict[str, float]], wanted: Sequence[str], good: Sequence[dict[str, float]]
) -> tuple[float, dict[str, float]]:
    """The probability a problem must reach: most poor drafts read right, a good draft flagged
    costing COACH_FALSE_ALARM_COST. `problems` and `good` hold, per draft, each problem's highest
    probability over its sentences (where that problem was the sentence's top reading). Ties go to
    the higher bar."""
    candidates = np.unique(np.round([p for d in (*problems, *good) for p in d.values()], 3))
    best, best_gain, best_figures = 1.0, -1e9, {"right": 0.0, "false_alarms": 0.0}
    for bar in sorted(candidates, reverse=True):
        right = sum(d.get(want, 0.0) >= bar for d, want in zip(problems, wanted, strict=True))
        alarms = sum(any(p >= bar for p in d.values()) for d in good)
        gain = right - COACH_FALSE_ALARM_COST * alarms
        if gain > best_gain:
            best, best_gain = float(bar), gain
            best_figures = {
                "right": right / max(len(problems), 1),
                "false_alarms": alarms / max(len(good), 1),
            }
    return round(best, 4), {k: round(v, 4) for k, v in best_figures.items()}
