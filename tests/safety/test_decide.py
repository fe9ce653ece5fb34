"""`decide` on scores chosen by hand: the plain-words rule and the zones around it."""

from __future__ import annotations

import pytest

from bot.understanding.head import Thresholds
from bot.understanding.safety_model import PLAIN_WORDS, Scores, decide
from dialogs.assessment import CrisisZone
from dialogs.safety import SafetyLabel

T = Thresholds(
    crisis_act=0.5, crisis_ask=0.4, danger=0.3, boundary=0.3, moved_on=0.3, attempt=0.2, by_user=0.3,
    piece_penalty=0.3, crisis_act_with_rule=0.45,
)


def _crisis(score: float) -> Scores:
    return Scores(score, 0.0, 0.0, 0.0, 0.0, 0.0)


@pytest.mark.parametrize(
    ("score", "rule", "words", "zone"),
    [
        (0.30, SafetyLabel.CRISIS, 4, CrisisZone.ACT),  # short, the rules agree, the model over the rules' floor
        (0.42, SafetyLabel.CRISIS, PLAIN_WORDS + 1, CrisisZone.ASK),  # longer: there is something to ask
        (0.42, SafetyLabel.NONE, 4, CrisisZone.ASK),  # the model alone never skips the question
        (0.20, SafetyLabel.CRISIS, 4, CrisisZone.ASK),  # under the floor (a negation): the rules' backstop only
        (0.42, SafetyLabel.CRISIS, 0, CrisisZone.ASK),  # length unknown: no plain-words rule
        (0.46, SafetyLabel.CRISIS, 30, CrisisZone.ACT),  # the rules' own lower bar for the full reply
    ],
)
def test_plain_words_get_the_full_reply_only_when_short_and_both_agree(score, rule, words, zone) -> None:
    assert decide(_crisis(score), rule, T, words=words).crisis == zone
