"""The second reading with typing slips mended (bot/understanding/spelling.py)."""

from __future__ import annotations

import pytest

from bot.understanding.model import Model
from bot.understanding.segments import readings, segments
from bot.understanding.spelling import Spelling
from dialogs.assessment import CrisisZone


@pytest.fixture(scope="module")
def spelling() -> Spelling:
    return Spelling({"ngl", "idk", "tonite", "wish", "each"})  # as if the examples used these


def test_a_word_one_slip_from_a_known_word_is_mended(spelling: Spelling) -> None:
    assert spelling.mended("i wsh i was dead") == "i wish i was dead"
    assert spelling.mended("i relly cant do this anymor") == "i really cant do this anymore"
    assert spelling.mended("hurt myslef agian") == "hurt myself again"


def test_a_wrong_letter_is_mended_only_from_a_key_beside_it(spelling: Spelling) -> None:
    # "piss" is commoner than "pills", but s is nowhere near l on a keyboard.
    assert spelling.mended("saved my pils") == "saved my pills"
    assert spelling.mended("so tirsd") == "so tired"  # s is beside e


def test_a_longer_word_two_slips_from_a_known_word_is_mended(spelling: Spelling) -> None:
    assert spelling.mended("took all my medcaiton") == "took all my medication"
    assert spelling.mended("i feel so wothlesss") == "i feel so worthless"
    # A short word two slips away from many is left alone: "nigth" is one slip, "bsd" is not mended.
    assert spelling.mended("so bsd") == "so bsd"


def test_known_words_and_chat_words_are_left_as_typed(spelling: Spelling) -> None:
    text = "ngl idk if ill sleep tonite, u up rn?"
    assert spelling.mended(text) == text


def test_a_three_letter_word_is_mended_only_into_a_word_the_examples_use(spelling: Spelling) -> None:
    # "cuz" is a letter from "cut" and from "cruz": a slang word must never be read as self-harm.
    assert spelling.mended("cuz i said so") == "cuz i said so"
    assert spelling.mended("gave ech one away") == "gave each one away"
    assert Spelling().mended("gave ech one away") == "gave ech one away"


def test_words_nothing_is_near_are_left_as_typed(spelling: Spelling) -> None:
    assert spelling.mended("xqzvw") == "xqzvw"


def test_the_mended_message_is_a_whole_reading_read_after_the_typed_pieces(spelling: Spelling) -> None:
    text = "its 3am again and the house is so quiet. i wsh i was dead honestly"
    pieces, wholes = readings(text, (), spelling.mended)
    typed = segments(text)
    assert pieces[: len(typed)] == typed  # what the phrase bank reads stays first
    assert pieces[len(typed)] == "its 3am again and the house is so quiet. i wish i was dead honestly"
    assert wholes == {0, len(typed)}
    assert "i wish i was dead honestly" in pieces[len(typed) + 1 :]


def test_a_message_with_nothing_to_mend_is_read_once(spelling: Spelling) -> None:
    text = "i wish i could sleep. long day"
    assert readings(text, (), spelling.mended) == (segments(text), {0})


def test_the_safety_model_catches_a_crisis_hidden_by_a_slip(model: Model) -> None:
    text = "i wsh i was dead"
    assert model.safety.assess(text).crisis != CrisisZone.NONE
    as_typed = model.safety.head.scored(model.encoder.embed([text]), [text])["crisis"][0]
    assert as_typed < model.safety.head.thresholds.crisis_ask  # caught only by the mended reading


def test_the_head_knows_the_words_of_its_examples(model: Model) -> None:
    known = model.safety.head.known_words
    assert {"ngl", "idk", "im", "dont"} <= known
    assert not any(" " in w for w in known)


def test_a_blob_longer_than_any_word_is_left_as_typed(spelling: Spelling) -> None:
    """Its one-slip neighbours grow with the square of its length: a 20,000-letter one held a
    reader thread for 20 s, and none of them is a word."""
    blob = "x" * 20_000
    assert spelling.mended(f"i wsh {blob}") == f"i wish {blob}"
