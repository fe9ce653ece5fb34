"""`decide` on scores chosen by hand: the plain-words rule and the zones around it."""

from __future__ import annotations

import pytest

from bot.understanding.head import Thresholds
from bot.understanding.safety_model import Scores, decide, is_brief, says_it_plainly
from dialogs.assessment import CrisisZone
from dialogs.content import CONTENT_DIR
from dialogs.safety import SafetyLabel, load_classifier

T = Thresholds(
    crisis_act=0.5, crisis_ask=0.4, danger=0.3, boundary=0.3, moved_on=0.3, attempt=0.2, by_user=0.3,
    piece_penalty=0.3, crisis_act_with_rule=0.45,
)


def _crisis(score: float) -> Scores:
    return Scores(score, 0.0, 0.0, 0.0, 0.0, 0.0)


@pytest.mark.parametrize(
    ("score", "rule", "plain", "zone"),
    [
        (0.30, SafetyLabel.CRISIS, True, CrisisZone.ACT),  # said plainly, the model over the rules' floor
        (0.42, SafetyLabel.CRISIS, False, CrisisZone.ASK),  # not plainly: there is something to ask
        (0.42, SafetyLabel.NONE, True, CrisisZone.ASK),  # the model alone never skips the question
        (0.20, SafetyLabel.CRISIS, True, CrisisZone.ASK),  # under the floor (a negation): the rules' backstop only
        (0.46, SafetyLabel.CRISIS, False, CrisisZone.ACT),  # the rules' own lower bar for the full reply
    ],
)
def test_plain_words_get_the_full_reply_only_when_the_model_agrees(score, rule, plain, zone) -> None:
    assert decide(_crisis(score), rule, T, plain=plain).crisis == zone


@pytest.fixture(scope="module")
def rules():
    return load_classifier(CONTENT_DIR)


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("i want to die", True),
        ("it's late\ncan't sleep\ni want to die\nsorry\nignore me", True),  # one short sentence of a burst
        ("so work was awful again and i honestly just want to die whenever i think about monday", False),
        ("this exam is killing me", False),  # the rules do not call it crisis
    ],
)
def test_a_short_sentence_the_rules_call_crisis_is_said_plainly(rules, text, plain) -> None:
    assert says_it_plainly(rules, rules.assess(text), text) is plain


def test_a_brief_message_needs_the_rules_for_danger_boundary_and_moved_on_not_for_crisis() -> None:
    # "she did", answering "Who ended it?": no finding of these kinds under four words was ever learnt.
    assert is_brief("she did") and is_brief("he hit me") and not is_brief("she said stop texting me")
    strong = Scores(0.6, 0.6, 0.6, 0.6, 0.0, 0.9)
    alone = decide(strong, SafetyLabel.NONE, T, brief=True)
    assert not (alone.danger or alone.boundary or alone.moved_on), "the model's guess alone does not count"
    assert alone.crisis == CrisisZone.ACT, "crisis keeps both readings"
    assert decide(strong, SafetyLabel.DANGER, T, brief=True).danger, "plain words, with the model over the floor"
    assert decide(strong, SafetyLabel.NONE, T, brief=False).danger, "a longer message: the model as before"


@pytest.mark.parametrize(
    ("score", "brief", "lean"),
    [
        (0.30, False, True),  # over the rules' floor, under the question's bar
        (0.20, False, False),  # ordinary sadness
        (0.42, False, False),  # asked anyway: no lean to note
        (0.30, True, False),  # three words or fewer: too little to go on
    ],
)
def test_a_lean_towards_crisis_sits_between_the_floor_and_the_question(score, brief, lean) -> None:
    assert decide(_crisis(score), SafetyLabel.NONE, T, brief=brief).crisis_lean is lean
