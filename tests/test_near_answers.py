"""An answer close to a question the guide answers: filed as the answer, and that answer offered.

The understanding model's scores are chosen by hand (`Understanding`); everything else is the real
engine and content, driven as a person would."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dialogs.assessment import Understanding
from dialogs.model import JournalWrite
from dialogs.understanding import STATEMENT_BAR
from tests.driver import Conversation

SLIP = "i messed up. i texted him last night and now i feel like an idiot"
FAQ_BAR = 0.185


def near(entry_id: str, score: float = 0.78) -> Understanding:
    """Scores that put `entry_id` below the bar that would answer a statement, above the near bar."""
    assert score < STATEMENT_BAR
    return Understanding(faq=((entry_id, score), ("when_better", 0.04)), faq_bar=FAQ_BAR, intent_bar=0.165)


def _journal(conv: Conversation) -> list[JournalWrite]:
    return [e for e in conv.effects if isinstance(e, JournalWrite)]


def _offer(kit, entry_id: str = "") -> str:
    """The line that offers an entry's answer: its own, or the usual one."""
    entry = next((e for e in kit.content.faq if e.id == entry_id), None)
    return (entry.near_offer if entry else None) or kit.content.text("near_offer", 0)


def test_a_slip_on_a_lessons_question_is_saved_and_the_slip_answer_offered(kit):
    conv = Conversation(kit)
    conv.onboard()
    assert conv.screen == "guide.lesson"
    lesson = kit.content.lessons[conv.state.data["lesson"]]
    question = lesson.text_for(conv.state.track).question

    replies = conv.say(SLIP, understanding=near("i_slipped"))
    assert [(w.kind, w.text) for w in _journal(conv)] == [("reflection", SLIP)], "filed as the answer"
    assert len(replies) == 1, "the thanks and the offer read as one message"
    said = replies[0].text
    offer = _offer(kit, "i_slipped")
    assert offer in said and said.index(offer) > 0, "after the usual acknowledgement"
    assert len(said) <= 500 and not said.rstrip().endswith("?")
    assert conv.screen == "guide.after"
    labels = conv.labels()
    assert labels[0] == "I slipped and contacted them"
    assert {"Done for today", "Menu"} <= set(labels), "the screen's own buttons stay"

    conv.tap("I slipped")
    entry = next(e for e in kit.content.faq if e.id == "i_slipped")
    assert entry.answer[0] in conv.text()
    assert conv.labels() == ["Restart my count", "Keep my count"], "counting days: the count's choice"

    conv.tap("Keep my count")
    assert conv.state.no_contact.slips == 1
    assert conv.screen == "guide.lesson", "then back where they were"
    assert f'Back to "{lesson.title}"' in conv.text() and question in conv.text()
    assert "Skip the question" in conv.labels()


def _to_a_practice_day(conv: Conversation) -> None:
    """The next day with no new lesson, whose step is a practice (a lesson day has none)."""
    for _ in range(6):
        conv.advance(days=1)
        conv.command("today")
        if "practice" in conv.state.data:
            assert conv.screen == "guide.today"
            return
        conv.tap("Skip the question")
        conv.tap("Done for today")
        conv.command("today")
        assert "practice" not in conv.state.data, "no practice on the day of a new lesson"
    raise AssertionError("no practice day within six days")


def test_a_second_thought_and_a_practice_are_offered_the_near_answer_too(kit):
    conv = Conversation(kit)
    conv.onboard()
    conv.say("angry, mostly")
    assert conv.screen == "guide.after"
    conv.say(SLIP, understanding=near("i_slipped"))
    assert _journal(conv)[0].kind == "reflection"
    assert _offer(kit, "i_slipped") in conv.text() and "Done for today" in conv.labels()
    conv.tap("I slipped")
    conv.tap("Restart my count")
    assert conv.state.no_contact.start == conv.now.date()
    assert conv.screen == "guide.after", "back where the person was"

    conv.tap("Done for today")
    _to_a_practice_day(conv)
    conv.say(SLIP, understanding=near("i_slipped"))
    assert _journal(conv)[0].kind == "practice"
    assert _offer(kit, "i_slipped") in conv.text() and "I slipped and contacted them" in conv.labels()


def test_words_hours_after_a_practice_are_heard_not_filed_as_its_answer(kit):
    conv = Conversation(kit)
    conv.onboard()
    conv.say("angry, mostly")
    conv.tap("Done for today")
    _to_a_practice_day(conv)
    conv.advance(hours=13)  # the morning's practice left open; the words come that night
    conv.say(SLIP, understanding=near("i_slipped"))
    assert not _journal(conv), "not filed under the morning's practice"
    assert kit.content.text("after_words") in conv.text()
    assert _offer(kit, "i_slipped") in conv.text() and "I slipped and contacted them" in conv.labels()
    assert "practice" not in conv.state.data
    conv.say("and i keep checking his instagram")
    assert not _journal(conv)


def test_a_check_in_note_is_offered_the_near_answer_unless_care_comes_next(kit):
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.now = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    conv.due()
    for label in ("^4", "^3$", "^No$"):
        conv.tap(label)
    assert conv.screen == "checkin.note"
    conv.say("keep scrolling through her photos", understanding=near("checking_socials"))
    assert _journal(conv)[0].kind == "checkin"
    assert _offer(kit) in conv.text()
    assert any(b.value == "q:checking_socials" for r in conv.effects if hasattr(r, "buttons") for b in r.buttons[0])

    conv.now = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    conv.due()
    conv.tap("^2")  # a low mood: its care comes next, nothing else is offered beside the note
    if conv.screen == "safety.ask":
        conv.tap("^No$")
    conv.tap("^3$")
    conv.tap("^No$")
    conv.say("keep scrolling through her photos", understanding=near("checking_socials"))
    assert _journal(conv)[0].kind == "checkin"
    assert _offer(kit) not in conv.text()


@pytest.mark.parametrize("route", [{"contact": "asked me not to contact"}, {"safety": "Violence"}])
def test_an_entry_the_track_excludes_is_never_offered_nor_opened(kit, route):
    conv = Conversation(kit)
    conv.onboard(**route)
    assert conv.state.contact_forbidden
    excluded = [e for e in kit.content.faq if "moving_on" not in e.tracks]
    assert excluded
    for entry in excluded:  # the lesson's question first, then second thoughts on guide.after
        conv.say("he never answered and i keep waiting for him", understanding=near(entry.id))
        assert _journal(conv), "still filed as the answer"
        assert _offer(kit, entry.id) not in conv.text()
        assert all(not b.value.startswith("q:") for b in conv.keyboard())
        conv.press(f"q:{entry.id}")  # a crafted or remembered button: refused like a stale one
        assert conv.text() == kit.content.text("button_expired", 0)
        assert all(message not in conv.text() for message in entry.answer)
    assert conv.screen == "guide.after"
    # An entry on their list is offered, in the version they may hear.
    conv.say(SLIP, understanding=near("i_slipped"))
    assert _offer(kit, "i_slipped") in conv.text()
    conv.tap("I slipped")
    entry = next(e for e in kit.content.faq if e.id == "i_slipped")
    # Someone the ex harmed hears the version written for them.
    version = entry.danger_answer if conv.state.harmed_by_ex else entry.moving_on_answer
    assert version and version[0] in conv.text()
    assert all(message not in conv.text() for message in entry.answer)
    assert conv.labels() == ["More questions", "Back"], "no count to restart on this track"


def test_an_unknown_or_stale_answer_button_gets_the_stale_reply(kit):
    conv = Conversation(kit)
    conv.onboard()
    nonce = conv.state.nonce
    conv.press("q:no_such_question")
    assert conv.text() == kit.content.text("button_expired", 0)
    conv.say(SLIP, understanding=near("i_slipped"))
    conv.command("menu")  # a newer prompt: the offer's button has expired
    conv.press("q:i_slipped", nonce=nonce + 1)
    assert conv.text() == kit.content.text("button_expired", 0)


ASKED = "should i send another one just to check it arrived"


def nothing_close() -> Understanding:
    """Scores that answer nothing and are near nothing."""
    return Understanding(faq=(("how_long_to_wait", 0.09), ("no_reply", 0.05)), faq_bar=FAQ_BAR, intent_bar=0.165)


def test_a_question_with_no_answer_on_a_lessons_question_is_said_so_and_not_filed(kit):
    conv = Conversation(kit)
    conv.onboard()
    assert conv.screen == "guide.lesson"
    conv.say(ASKED, understanding=nothing_close())
    assert _journal(conv) == [], "a question alone is not the lesson's answer"
    said = conv.text()
    assert kit.content.text("unanswered_question") in said and "/faq" in said
    assert conv.screen == "guide.lesson" and "Skip the question" in conv.labels(), "its question stays open"


def test_an_answer_with_a_question_in_it_is_saved_and_said_so(kit):
    conv = Conversation(kit)
    conv.onboard()
    typed = f"lonely mostly. {ASKED}"
    replies = conv.say(typed, understanding=nothing_close())
    assert [(w.kind, w.text) for w in _journal(conv)] == [("reflection", typed)], "filed as the answer"
    assert len(replies) == 1
    said = replies[0].text
    note = kit.content.text("unanswered_note", 0)
    assert note in said and said.index(note) > 0, "after the usual acknowledgement"
    assert "/faq" in note and len(said) <= 500
    assert {"Done for today", "Menu"} <= set(conv.labels()), "the screen's own buttons stay"


@pytest.mark.parametrize(
    "typed",
    [
        "angry mostly, and tired",
        # trial 28: a tentative answer, its question mark no question
        "sad, angry and kind of stupid??",
        "maybe independence?",
    ],
)
def test_an_answer_that_is_no_question_gets_no_note(kit, typed):
    conv = Conversation(kit)
    conv.onboard()
    replies = conv.say(typed, understanding=nothing_close())
    assert kit.content.text("unanswered_note", 0) not in replies[0].text
    assert [w.text for w in _journal(conv)] == [typed]


def test_words_soon_after_answering_add_to_the_answer(kit):
    conv = Conversation(kit)
    conv.onboard()
    conv.say("sad, angry, weirdly relieved")
    conv.advance(minutes=5)
    conv.say("and tired, mostly tired")
    assert [w.text for w in _journal(conv)] == ["and tired, mostly tired"]
    assert kit.content.text("ack_more_words", 0) in conv.text()


def test_a_question_soon_after_answering_is_not_added_to_the_answer(kit):
    """Trial 23: "what do i do about the car tho. its on both our names and the loan too", typed a
    minute after naming her feelings, was filed with them as "Added to what you wrote"."""
    conv = Conversation(kit)
    conv.onboard()
    conv.say("tired. kind of scared. and i miss him which is stupid")
    conv.advance(minutes=1)
    said = "\n".join(r.text for r in conv.say(
        "what do i do about the car tho. its on both our names and the loan too", understanding=nothing_close()
    ))
    assert _journal(conv) == [], "not filed"
    assert kit.content.text("unanswered_question", 0) in said
    assert kit.content.text("ack_more_words", 0) not in said
    assert conv.labels() == ["Done for today", "Menu"]
    said = "\n".join(r.text for r in conv.say("so what do i say to his mum", understanding=nothing_close()))
    assert _journal(conv) == [] and kit.content.text("unanswered_question", 0) in said


@pytest.mark.parametrize("answered", [False, True], ids=["question skipped", "answered hours earlier"])
def test_words_long_after_the_step_are_heard_not_filed_under_it(kit, answered):
    conv = Conversation(kit)
    conv.onboard()
    if answered:
        conv.say("sad, angry, weirdly relieved")
    else:
        conv.tap("Skip the question")
    conv.advance(hours=14)
    replies = conv.say(SLIP, understanding=near("i_slipped"))
    assert _journal(conv) == [], "not filed as this morning's step"
    said = "\n".join(r.text for r in replies)
    assert kit.content.text("after_words", 0) in said
    assert kit.content.text("ack_more_words", 0) not in said
    assert _offer(kit, "i_slipped") in said, "what they said is still answered"
    assert conv.labels()[0] == "I slipped and contacted them"


def test_an_answer_is_thanked_in_the_lessons_own_words(kit):
    conv = Conversation(kit)
    conv.onboard()
    lesson = kit.content.lessons[conv.state.data["lesson"]]
    assert lesson.thanks, "every lesson with a question says its own thanks"
    said = conv.text() if conv.say("sad, angry, weirdly relieved") else ""
    assert said.startswith(f"{lesson.thanks} {kit.content.text('ack_saved', 0)}")


def test_every_lesson_question_has_its_own_thanks(kit):
    texts = [(lesson.id, lesson) for lesson in kit.content.lessons.values()]
    texts += [(f"{lesson.id} (moving on)", lesson.moving_on) for lesson in kit.content.lessons.values()
              if lesson.moving_on]  # fmt: skip
    missing = [name for name, text in texts if not text.thanks]
    assert not missing
    thanks = [text.thanks for _, text in texts]
    assert len(set(thanks)) == len(thanks), "each one its own"


def test_a_question_with_no_answer_offers_the_nearest_entry_as_a_button(kit):
    """A trial: "so how am i meant to arrange pick ups for my daughter then" scored just under the
    bar for "We have to stay in touch. What then?" and got only "I don't have a good answer"."""
    conv = Conversation(kit)
    conv.onboard()
    conv.command("menu")
    nearly = Understanding(faq=(("must_stay_in_contact", 0.15),), faq_bar=0.2, intent_bar=0.5)
    conv.say("so how am i meant to arrange pick ups for my daughter then", understanding=nearly)
    # Trials 27 and 28 heard "I don't have a ready answer" above the very answer they needed.
    assert kit.content.text("faq_no_answer_near") in conv.text() and "have a good answer" not in conv.text()
    assert "We have to stay in touch. What then?" in conv.labels()
    said = conv.tap("We have to stay in touch")
    entry = next(e for e in kit.content.faq if e.id == "must_stay_in_contact")
    assert said[0].text.startswith(entry.answer[0])


@pytest.mark.parametrize("where", ["words hours after the step", "a long message"])
def test_words_heard_but_not_filed_are_kept_with_one_tap(kit, where):
    """A trial: "If you'd like to keep it as a note, type /journal and then your words", after a
    1,288-character message."""
    conv = Conversation(kit)
    conv.onboard()
    if where == "a long message":
        conv.command("menu")
        words = " ".join(["she told me on the doorstep she might move to cork with our daughter."] * 8)
    else:
        conv.tap("Skip the question")
        conv.advance(hours=5)
        words = "went for a long walk by the canal this evening"
    conv.say(words)
    assert not [e for e in conv.effects if isinstance(e, JournalWrite)], "heard, not filed"
    assert "Keep it in my journal" in conv.labels()
    conv.tap("Keep it in my journal")
    assert [e.text for e in conv.effects if isinstance(e, JournalWrite)] == [words]
    assert conv.state.unfiled == ""


def test_a_retired_buttons_label_typed_out_is_a_stale_tap_not_a_note(kit):
    """Trial 11: "Keep it in my journal", typed from an earlier screen, was kept as a journal note."""
    conv = Conversation(kit)
    conv.onboard()
    conv.tap("Skip the question")
    conv.advance(hours=5)
    conv.say("went for a long walk by the canal this evening")
    assert "Keep it in my journal" in conv.labels()
    conv.tap("Done for today")
    assert "Keep it in my journal" not in conv.labels()
    said = conv.say("Keep it in my journal")
    assert said[0].text.startswith(kit.content.text("button_expired"))
    assert not [e for e in conv.effects if isinstance(e, JournalWrite)], "nothing filed"


@pytest.mark.parametrize(
    ("typed", "question"),
    [
        ("Did the walk. Coogee to Bronte. Cried a bit at the end but ok.", False),
        ("was a good day actually", False),
        ("Had the kids all weekend", False),
        ("did he read it", True),
        ("should i text her", True),
        ("is it normal to still cry", True),
    ],
)
def test_a_helping_verb_opens_a_question_only_before_who_it_asks_about(typed: str, question: bool) -> None:
    """Trial 21: the note "Did the walk. Coogee to Bronte..." was told "If you were asking me something
    there, I'm sorry"."""
    from dialogs.understanding import looks_like_question

    assert looks_like_question(typed) is question


def test_how_long_to_wait_ends_with_where_their_own_count_stands(kit):
    """Trial 28, on 30 days, heard "If you chose 21, 45 or 60 days, go with your own choice"."""
    conv = Conversation(kit)
    conv.onboard()
    conv.advance(days=4)
    conv.command("faq")
    said = conv.tap("How long before I can contact them")
    assert said[-1].text.startswith("Your count is 30 days: today is day 5, and the last day is ")
    assert "More questions" in conv.labels()
    assert "21, 45 or 60" not in conv.text()


def test_the_steps_answer_with_a_question_after_it_is_kept_and_the_question_answered(kit):
    """Trial 28: "...instead i called my sister and we talked about her stupid cat for 1h lol, it worked
    a bit. what if he texts first tho?? do i answer?" got the answer, and her own was never kept."""
    conv = Conversation(kit)
    conv.onboard()
    assert conv.screen == "guide.lesson"
    typed = ("yesterday night i wanted to text him and instead i called my sister and we talked about her "
             "stupid cat for 1h lol, it worked a bit. what if he texts first tho?? do i answer?")
    asks = Understanding(faq=(("ex_keeps_contacting", 0.61), ("no_reply", 0.05)), faq_bar=FAQ_BAR, intent_bar=0.165)
    said = "\n".join(r.text for r in conv.say(typed, understanding=asks))
    assert [(w.kind, w.text) for w in _journal(conv)] == [("reflection", typed)]
    entry = next(e for e in kit.content.faq if e.id == "ex_keeps_contacting")
    assert entry.answer[0] in said and "More questions" in conv.labels()
    conv.say("what if he texts first? do i answer?", understanding=asks)  # the question alone: only answered
    assert len(_journal(conv)) == 0


@pytest.mark.parametrize("shares", ["^No$", "Yes"])
def test_answers_about_children_are_offered_only_to_people_who_share_them(kit, shares):
    """Trial 28: a 23-year-old student who shares nothing with her ex was offered "What do I say to my
    grown-up children?" as the nearest answer to "he is less stressed maybe?"."""
    conv = Conversation(kit)
    conv.onboard(shares=shares)
    conv.command("menu")
    nearly = Understanding(faq=(("adult_children", 0.15),), faq_bar=0.2, intent_bar=0.5)
    conv.say("so what do i even say to them about it?", understanding=nearly)
    offered = "What do I say to my grown-up children?" in conv.labels()
    assert offered == (shares == "Yes")
    conv.command("faq")
    listed = "\n".join(b.label for b in conv.keyboard())
    for _ in range(8):  # the list's pages, as a person turns them
        if "How do I tell the children?" in listed or "Other questions" not in conv.labels():
            break
        conv.tap("^Other questions$")
        listed += "\n".join(b.label for b in conv.keyboard())
    assert ("How do I tell the children?" in listed) == (shares == "Yes")
