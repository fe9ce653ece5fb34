"""The development sets choose bars and nothing else: they load, they share no text with what the
model learns or is measured on, and the bars chosen on them follow their stated rules."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

from bot.understanding.dev_sets import (
    ASK_FALSE_ALARMS,
    COACH_FALSE_ALARM_COST,
    ask_bar,
    coach_bar,
    load_coach_drafts,
    load_safety_messages,
    load_training_drafts,
)
from bot.understanding.head import Thresholds
from bot.understanding.safety_model import Scores
from dialogs.content import CONTENT_DIR
from dialogs.kit import load_kit
from dialogs.safety import SafetyLabel
from dialogs.safety_examples import load_examples
from dialogs.yamlfile import ContentError

TESTS = Path(__file__).parents[1]


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def test_the_safety_messages_are_apart_from_every_other_set() -> None:
    dev = load_safety_messages(CONTENT_DIR)
    assert len(dev) >= 400 and sum(m.ordinary for m in dev) >= 100
    examples = load_examples(CONTENT_DIR, ("train", "heldout"))
    names = ("realistic.tsv", "short_chat.tsv", "sleep_and_night.tsv", "typos.tsv")
    tests = [t for name in names for t in _texts(TESTS / "safety" / name)]
    elsewhere = {_key(t) for t in [*(e.text for e in examples), *tests]}
    assert not [m.text for m in dev if _key(m.text) in elsewhere]


@pytest.mark.parametrize("name", ["short_chat.tsv", "sleep_and_night.tsv", "typos.tsv"])
def test_the_newer_test_sets_share_no_line_with_the_examples(name: str) -> None:
    examples = {_key(e.text) for e in load_examples(CONTENT_DIR, ("train", "heldout"))}
    assert not [t for t in _texts(TESTS / "safety" / name) if _key(t) in examples]


def _texts(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [row[1] for row in list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]]


def test_the_coach_drafts_are_apart_from_what_the_coach_learns_and_its_test() -> None:
    drafts = load_coach_drafts(CONTENT_DIR)
    coach = load_kit(CONTENT_DIR).coach.spec
    learnt = {_key(t) for rule in coach.rules for t in rule.examples} | {_key(t) for t in coach.good_examples}
    tested: set[str] = set()
    for path in sorted((TESTS / "understanding").glob("drafts_unseen*.yaml")):
        unseen = yaml.safe_load(path.read_text(encoding="utf-8"))
        tested |= {_key(item["text"]) for item in unseen["poor"]} | {_key(t) for t in unseen["good"]}
    whole = load_training_drafts(CONTENT_DIR)
    learnt |= {_key(t) for _, t in whole.poor} | {_key(t) for t in whole.good}
    mine = [_key(t) for _, t in drafts.poor] + [_key(t) for t in drafts.good]
    assert len(drafts.poor) >= 60 and len(drafts.good) >= 40
    assert len(whole.poor) >= 300 and len(whole.good) >= 250
    assert not set(mine) & (learnt | tested), "a development draft the coach learns from, or a test's"
    assert not learnt & tested, "the coach learns a test set's draft"
    problems = {rule.id for rule in coach.rules}
    assert {p for p, _ in drafts.poor} <= problems


def _scores(crisis: float) -> Scores:
    return Scores(crisis, 0.0, 0.0, 0.0, 0.0, 0.0)


THRESHOLDS = Thresholds(
    crisis_act=0.5, crisis_ask=0.5, danger=1, boundary=1, moved_on=1, attempt=1, by_user=1, piece_penalty=0
)


def test_the_question_bar_lets_through_at_most_the_allowed_share() -> None:
    # 40 ordinary messages scoring 0.00 .. 0.39: 5% of 40 is 2, so the bar sits just above the third
    # highest, and the two above it get the question.
    scored = [(_scores(i / 100), SafetyLabel.NONE) for i in range(40)]
    assert int(40 * ASK_FALSE_ALARMS) == 2
    assert ask_bar(THRESHOLDS, scored, [True] * 40) == 0.3701
    # A risky message among them does not count against the budget; an ordinary one the rules flag does.
    with_crisis = [*scored, (_scores(0.45), SafetyLabel.CRISIS)]
    assert ask_bar(THRESHOLDS, with_crisis, [True] * 40 + [False]) == 0.3701
    ruled = [(s, SafetyLabel.CRISIS) if i == 0 else (s, r) for i, (s, r) in enumerate(scored)]
    assert ask_bar(THRESHOLDS, ruled, [True] * 40) == 0.3801


def test_the_question_bar_can_sit_just_above_ordinary_messages_with_no_score_between() -> None:
    # Found when FAQ phrasings were added: the messages the budget allows were all flagged by the
    # rules anyway, and no ordinary score lay between the last one left alone and the training's bar.
    # Trying only the messages' own scores as bars, the search found none within the budget and the
    # question's zone closed (its bar rose to the full reply's).
    scored = [(_scores(0.45), SafetyLabel.NONE) for _ in range(38)]
    scored += [(_scores(0.6), SafetyLabel.CRISIS), (_scores(0.6), SafetyLabel.CRISIS)]
    assert ask_bar(THRESHOLDS, scored, [True] * 40) == 0.4501


def test_the_question_bar_never_rises_above_the_trainings() -> None:
    # Three ordinary messages of forty are flagged by the rules whatever the bar: the budget (two) is
    # spent, so the bar stays where the training examples put it (0.5), not higher.
    scored = [(_scores(0.1), SafetyLabel.CRISIS if i < 3 else SafetyLabel.NONE) for i in range(40)]
    assert ask_bar(THRESHOLDS, scored, [True] * 40) == THRESHOLDS.crisis_ask


def test_the_coach_bar_weighs_a_false_alarm_against_problems_found() -> None:
    poor = [{"blame": 0.9}, {"blame": 0.6}, {"blame": 0.4}, {"guilt": 0.8}]
    wanted = ["blame", "blame", "blame", "blame"]
    good = [{"sarcasm": 0.5}, {}]
    bar, figures = coach_bar(poor, wanted, good)
    # Down to 0.6: two found, no alarm. At 0.5 the alarm costs more than the 0.4 draft would bring.
    assert COACH_FALSE_ALARM_COST > 1
    assert bar == 0.6
    assert figures == {"right": 0.5, "false_alarms": 0.0}


def test_a_broken_development_file_is_reported_with_file_and_line(tmp_path: Path) -> None:
    dev = tmp_path / "dev"
    dev.mkdir()
    (dev / "safety.tsv").write_text("label\ttext\nnone\tall good\ncrises\ti typed the label wrong\n", "utf-8")
    with pytest.raises(ContentError) as tsv:
        load_safety_messages(tmp_path)
    assert tsv.value.line == 3 and "unknown label 'crises'" in str(tsv.value)

    (dev / "coach_drafts.yaml").write_text('poor:\n  - problem: blame\n    text: ""\ngood: []\n', "utf-8")
    with pytest.raises(ContentError) as empty:
        load_coach_drafts(tmp_path)
    assert str(empty.value).startswith(f"{dev / 'coach_drafts.yaml'}:3:")

    (dev / "coach_drafts.yaml").write_text('poor:\n  - problem: blaem\n    text: "you never"\ngood: []\n', "utf-8")
    assert load_coach_drafts(tmp_path).poor == [("blaem", "you never")]
    with pytest.raises(ContentError, match="no problem 'blaem'"):
        load_coach_drafts(tmp_path, {"blame", "guilt"})


def test_each_writers_coach_drafts_are_read_together(tmp_path: Path) -> None:
    dev = tmp_path / "dev"
    dev.mkdir()
    with pytest.raises(ContentError, match="no development drafts"):
        load_coach_drafts(tmp_path)
    (dev / "coach_drafts.yaml").write_text('poor:\n  - problem: blame\n    text: "you never"\ngood: ["hi"]\n', "utf-8")
    second = 'poor:\n  - problem: guilt\n    text: "after all i did"\ngood: []\n'
    (dev / "coach_drafts_2.yaml").write_text(second, "utf-8")
    drafts = load_coach_drafts(tmp_path)
    assert drafts.poor == [("blame", "you never"), ("guilt", "after all i did")]
    assert drafts.good == ["hi"]

    (dev / "coach_drafts_2.yaml").write_text("poor: [\n", "utf-8")
    with pytest.raises(ContentError) as broken:
        load_coach_drafts(tmp_path)
    assert str(broken.value).startswith(str(dev / "coach_drafts_2.yaml"))


def test_the_held_out_split_is_at_least_a_fifth_of_the_examples() -> None:
    train, held_out = (len(load_examples(CONTENT_DIR, (split,))) for split in ("train", "heldout"))
    assert held_out / (train + held_out) >= 0.20, "write new held-out examples (see the examples README)"
