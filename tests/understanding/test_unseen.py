"""Questions and drafts in people's own words that no content file or training step has seen.

`questions_unseen.tsv` and `drafts_unseen.yaml` to `drafts_unseen_7.yaml` (the others by second
to seventh writers) were written apart from `content/faq.yaml`, `content/intents.yaml`,
`content/coach.yaml` and `content/coach_drafts/`, and are never copied into them.
The issue's bars: common questions (starred) answered right at least 11 times in 12 on any screen
and never filed in the journal; the coach
flags the right problem in 14 of 15 poor drafts with no false alarm. The coach's floors (problems
found, false alarms) sit at what it measures today (docs/safety.md), short of that bar.
"""

from __future__ import annotations

import csv
import re
from datetime import time
from pathlib import Path

import pytest
import yaml

from bot.understanding.model import Model
from dialogs import understanding
from dialogs.kit import Kit

HERE = Path(__file__).parent


def _common_questions() -> list[tuple[str, str]]:
    with (HERE / "questions_unseen.tsv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t"))[1:]
    return [(label.rstrip("*"), text) for label, text in rows if label.endswith("*")]


def _understood(text: str, model: Model, kit: Kit, *, answer_screen: bool) -> str:
    _, u = model.read(text)
    meaning = understanding.read(text, u, kit.content, answer_screen=answer_screen)
    if meaning.faq is not None:
        return f"faq:{meaning.faq.id}"
    return f"intent:{meaning.intent.id}" if meaning.intent is not None else "journal"


@pytest.mark.parametrize("answer_screen", [True, False], ids=["on a lesson", "anywhere else"])
def test_common_questions_get_their_answer(model: Model, kit: Kit, answer_screen: bool) -> None:
    questions = _common_questions()
    assert len(questions) == 12
    got = [(want, _understood(text, model, kit, answer_screen=answer_screen), text) for want, text in questions]
    right = sum(want == found for want, found, _ in got)
    assert right >= 11, [g for g in got if g[0] != g[1]]
    assert not [g for g in got if g[1] == "journal"], "a question was filed in the journal"


# Seven writers, each apart from content/; the third to sixth wrote fifteen poor drafts a problem, as
# the bar reads. The fourth set was first measured on 2026-12-03 (seventh session): 68 of 75, with 6
# false alarms in 50 good drafts. The fifth was measured once, on 2026-12-03 (eighth session), after
# a problem sentence was made to hold up beside its neighbours (meaning.CONTEXT_KEEP, chosen on the
# development drafts): 58 of 75, no false alarm (62 and 1 without that check). The sixth was first
# measured on 2026-12-04 (ninth session), after short drafts were read in pairs of sentences
# (meaning.PAIR_BAR) and rules for ultimatums and ironic praise were added: 60 of 75, 3 false alarms
# (57 and 3 before); 59 once the coach's bar was chosen again with the pairs (0.279 -> 0.318), 61
# with the rules written from a fourth development set's constructions (content/dev/coach_drafts_4.yaml).
# The seventh was measured once, on 2026-12-04 (tenth session), after the coach learnt from four
# writers' whole drafts (content/coach_drafts/) and rules were written from a fifth development set:
# 58 of 75, 3 false alarms (52 and 2 for the coach before that session). With it, the seven sets:
# 433 of 492, 9 false alarms in 334 good drafts (415 and 6 before).
DRAFT_SETS = (
    "drafts_unseen.yaml",
    "drafts_unseen_2.yaml",
    "drafts_unseen_3.yaml",
    "drafts_unseen_4.yaml",
    "drafts_unseen_5.yaml",
    "drafts_unseen_6.yaml",
    "drafts_unseen_7.yaml",
)


def test_the_coach_reads_drafts_it_never_saw(model: Model, kit: Kit) -> None:
    poor: list[dict[str, str]] = []
    good: list[str] = []
    for name in DRAFT_SETS:
        drafts = yaml.safe_load((HERE / name).read_text(encoding="utf-8"))
        poor += drafts["poor"]
        good += drafts["good"]

    def problems(text: str) -> set[str]:
        _, u = model.read(text)
        assert u is not None
        review = kit.coach.review(text, local_time=time(12), no_contact_days_left=0, meaning=dict(u.coach))
        return {f.rule_id for f in review.findings}

    right = sum(item["problem"] in problems(item["text"]) for item in poor)
    false_alarms = [text for text in good if problems(text)]
    assert len(poor) == 492 and len(good) == 334
    assert right / len(poor) >= 0.875, f"{right} of {len(poor)}"  # 433 of 492
    assert len(false_alarms) <= 9, false_alarms


def test_the_coach_passes_its_own_suggestions(model: Model, kit: Kit) -> None:
    """A rule's `example` (and `practical_example`, for a message about children, work or a home) is
    what the coach suggests writing instead; sent back to the coach, the message in it (the first
    quoted part) must raise nothing."""
    suggestions = [
        (rule.id, quoted.group(1))
        for rule in kit.coach.spec.rules
        for example in (rule.example, rule.practical_example or "")
        if (quoted := re.search(r'"([^"]+)"', example)) is not None
    ]
    assert len(suggestions) >= 5
    for rule_id, text in suggestions:
        _, u = model.read(text)
        assert u is not None
        review = kit.coach.review(text, local_time=time(12), no_contact_days_left=0, meaning=dict(u.coach))
        assert not review.findings, (rule_id, text, [f.rule_id for f in review.findings])
