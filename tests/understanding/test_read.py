"""`read` on scores chosen by hand: what a statement typed where the screen asked something means."""

from __future__ import annotations

import pytest

from dialogs.assessment import Understanding
from dialogs.content import CONTENT_DIR, load_content
from dialogs.understanding import STATEMENT_BAR, near_bar, read

SLIP = "i messed up. i texted him last night and now i feel like an idiot"


@pytest.fixture(scope="module")
def content():
    return load_content(CONTENT_DIR)


def scores(faq: float, bar: float = 0.2, entry: str = "i_slipped") -> Understanding:
    second = "urge_to_contact" if entry != "urge_to_contact" else "i_slipped"
    return Understanding(faq=((entry, faq), (second, 0.05)), faq_bar=bar, intent_bar=0.2)


def test_a_statement_close_to_a_question_is_filed_and_names_the_near_entry(content):
    meaning = read(SLIP, scores(0.78), content, answer_screen=True)
    assert meaning.faq is None and meaning.intent is None, "filed as the answer, not answered"
    assert meaning.near is not None and meaning.near.id == "i_slipped"


@pytest.mark.parametrize(
    ("score", "near"),
    [
        (0.2 + 0.08, True),  # exactly the bar a question on this screen needs
        (0.27, False),  # below it: not close enough to offer
        (STATEMENT_BAR - 0.01, True),
    ],
)
def test_near_starts_at_the_bar_a_question_on_the_same_screen_must_clear(content, score, near):
    u = scores(score)
    assert near_bar(u) == pytest.approx(0.28)
    meaning = read(SLIP, u, content, answer_screen=True)
    assert (meaning.near is not None) is near
    assert meaning.faq is None


def test_a_statement_that_clears_the_statement_bar_is_answered_not_offered(content):
    meaning = read(SLIP, scores(0.9), content, answer_screen=True)
    assert meaning.faq is not None and meaning.faq.id == "i_slipped"
    assert meaning.near is None


def test_nothing_is_near_where_the_screen_asked_nothing(content):
    # Off an answer screen the same words are answered outright: there is no answer to file.
    meaning = read(SLIP, scores(0.78), content, answer_screen=False)
    assert meaning.faq is not None and meaning.near is None


def test_a_question_below_its_bar_is_not_near(content):
    meaning = read("did i ruin everything?", scores(0.25), content, answer_screen=True)
    assert meaning.faq is None and meaning.near is None


def test_an_unknown_entry_is_never_near(content):
    u = Understanding(faq=(("no_such_entry", 0.7),), faq_bar=0.2, intent_bar=0.2)
    assert read(SLIP, u, content, answer_screen=True).near is None


def test_without_the_model_nothing_is_near(content):
    meaning = read(SLIP, None, content, answer_screen=True)
    assert meaning.near is None and meaning.faq is None


def test_a_question_nothing_answers_is_filed_and_marked_unanswered_on_an_answer_screen(content) -> None:
    u = Understanding(faq=(("no_reply", 0.05),), faq_bar=0.185, intent_bar=0.165)
    asked = read("should i send another one just to check it arrived", u, content, answer_screen=True)
    assert asked.faq is None and asked.near is None and asked.unanswered
    said = read("tired, mostly", u, content, answer_screen=True)
    assert not said.unanswered, "a statement is only an answer"
    elsewhere = read("should i send another one just to check it arrived", u, content, answer_screen=False)
    assert not elsewhere.unanswered, "off an answer screen the engine says it has no answer itself"


def _command(score: float) -> Understanding:
    return Understanding(intent=(("more", score),), faq_bar=0.2, intent_bar=0.15)


@pytest.mark.parametrize(
    ("text", "score", "command"),
    [
        ("two", 0.19, False),  # one word the exact table does not know: the higher bar
        ("two", 0.15 + 0.08, True),
        ("another one please", 0.19, True),  # several words: the model's own bar
        ("another one please", 0.14, False),
    ],
)
def test_one_unknown_word_needs_the_higher_bar_to_be_a_command(content, text, score, command) -> None:
    meaning = read(text, _command(score), content, answer_screen=False)
    assert (meaning.intent is not None and meaning.intent.id == "more") is command


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("i still love her, is that normal", True),  # a trial: read as a statement, filed as an answer
        ("cried at a car advert today lol is that weird", True),
        ("i keep checking his page. or is it just me", True),
        ("she said it's normal to feel like this", False),
        ("it is what it is", False),
    ],
)
def test_a_statement_that_ends_by_asking_about_itself_is_a_question(content, text, asked):
    meaning = read(text, scores(0.5, entry="still_love_them"), content, answer_screen=True)
    assert (meaning.faq is not None) is asked, "a question clears the question's bar, a statement the statement's"


@pytest.mark.parametrize(
    ("text", "score", "offered"),
    [
        ("so how am i meant to arrange pick ups then", 0.15, True),  # under the bar: offered, not given
        ("so how am i meant to arrange pick ups then", 0.05, False),  # too far from anything
        ("i texted him last night", 0.15, False),  # no question: nothing to offer in its place
    ],
)
def test_a_question_just_under_the_bar_has_its_nearest_entry_offered(content, text, score, offered):
    meaning = read(text, scores(score), content, answer_screen=False)
    assert meaning.faq is None
    assert (meaning.closest is not None and meaning.closest.id == "i_slipped") is offered
