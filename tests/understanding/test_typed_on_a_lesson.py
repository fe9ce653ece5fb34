"""Words typed on a lesson's question that are about the question, read by the real model."""

from __future__ import annotations

import pytest

from bot.understanding.model import Model
from dialogs.kit import Kit
from dialogs.model import JournalWrite
from tests.driver import Conversation


def test_thinking_the_question_was_answered_already_is_not_filed_as_its_answer(model: Model, kit: Kit) -> None:
    """A trial: "i already answered this one na?" was kept in the journal as the answer."""
    conv = Conversation(kit)
    conv.onboard()
    assert conv.screen == "guide.lesson"
    text = "didnt i answer this one already"
    assessment, understanding = model.read(text)
    said = conv.say(text, assessment, understanding)
    assert not [e for e in conv.effects if isinstance(e, JournalWrite)]
    assert said[0].text.startswith("No need to answer it twice"), said[0].text
    assert conv.screen == "guide.after" and said[-1].buttons


RANT = (
    "ok i need to rant sorry. how do you go from planning a trip together in january to 'i need to find "
    "myself' in three weeks?? i said some stuff i regret about her new job, but we talked it through, or "
    "i thought we did. then she sat on my bed and said she'd been thinking about it for a while. so the "
    "whole time we were doing normal stuff she was already halfway out the door. i keep replaying every "
    "day trying to find the moment. my housemates are going home for summer and ill be alone in the "
    "share house. i deleted our chat then got it back then deleted it again. i still have her hoodie. "
    "i still sleep in it. is that pathetic. probably. anyway sorry thats a lot lol"
)


def test_a_long_rant_is_heard_and_its_nearest_answer_offered_not_given(model: Model, kit: Kit) -> None:
    """A trial: a long rant ending "i still have her hoodie... is that pathetic" was answered with
    how to get belongings back."""
    conv = Conversation(kit)
    conv.onboard()
    conv.command("menu")
    _, understanding = model.read(RANT)  # the meaning read by the model; the safety check by the rules
    said = conv.say(RANT, None, understanding)
    assert said[0].text.startswith(kit.content.text("heard_long"))
    assert not any(e.answer[0] in conv.text() for e in kit.content.faq), "no answer given outright"


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        ("is it normal I cant eat? since 3 weeks I am hardly eating anything, mom is worried", "eating_and_sleep"),
        ("maybe if I talk to his mother she will understand. should I call aunty?", "their_family"),
        ("we work in the same office, how do i face him every day?", "work_together"),
        ("is normal to feel it is my fault when he cheat?", "they_cheated"),
        ("is it normal to still wear the ring", "photos_and_reminders"),
        ("should I go to the pub quiz we used to do", "our_places"),
    ],
)
def test_a_question_typed_on_a_lesson_about_body_family_or_work_is_answered(
    model: Model, kit: Kit, text: str, entry: str
) -> None:
    """A trial: these were kept in the journal with "I don't have a ready answer"."""
    conv = Conversation(kit)
    conv.onboard()
    assessment, understanding = model.read(text)
    conv.say(text, assessment, understanding)
    answer = next(e for e in kit.content.faq if e.id == entry)
    assert answer.answer[0][:40] in conv.text() or (answer.moving_on_answer or [""])[0][:40] in conv.text()
    assert not [e for e in conv.effects if isinstance(e, JournalWrite)]


@pytest.mark.parametrize(
    "text",
    [
        "did i do alright",
        "what are you on about. i didnt contact her. i did the handover",
        "did the 5 things you can see thing. wrote it here instead of texting her. went to bed",
    ],
)
def test_words_that_tell_of_no_contact_never_get_the_slip_answer(model: Model, kit: Kit, text: str) -> None:
    """A trial's co-parent heard "There's no need for shame... restart your count" three times, for a
    calm handover and for writing here instead of texting her."""
    conv = Conversation(kit)
    conv.onboard(shares="Yes, we share")
    conv.command("menu")
    assessment, understanding = model.read(text)
    said = "\n".join(r.text for r in conv.say(text, assessment, understanding))
    slip = next(e for e in kit.content.faq if e.id == "i_slipped")
    assert not any(m[:40] in said for m in (*slip.answer, *(slip.moving_on_answer or [])))
    assert "Restart my count" not in conv.labels()


def test_a_co_parents_message_about_the_children_is_not_a_slip(model: Model, kit: Kit) -> None:
    conv = Conversation(kit)
    conv.onboard(shares="Yes, we share")
    conv.command("menu")
    text = "its my daughters birthday mate not jos. i had to message her"
    assessment, understanding = model.read(text)
    said = "\n".join(r.text for r in conv.say(text, assessment, understanding))
    assert said == kit.content.text("practical_contact_ok")


def test_every_way_of_telling_a_slip_tells_of_contact(kit: Kit) -> None:
    from dialogs.understanding import tells_of_contact

    slip = next(e for e in kit.content.faq if e.id == "i_slipped")
    assert all(tells_of_contact(p) for p in (slip.question, *slip.phrasings))


@pytest.mark.parametrize(
    "text",
    [
        "what i must do now? i break the no contact",
        "i have broken the no contact",
        "ok so i broke nc. again.",
    ],
)
def test_saying_no_contact_was_broken_gets_the_slip_answer(model: Model, kit: Kit, text: str) -> None:
    """A trial (second-language English): "what i must do now? i break the no contact" got the
    definition of no contact."""
    conv = Conversation(kit)
    conv.onboard()
    conv.command("menu")
    assessment, understanding = model.read(text)
    said = "\n".join(r.text for r in conv.say(text, assessment, understanding))
    slip = next(e for e in kit.content.faq if e.id == "i_slipped")
    assert any(m[:40] in said for m in (*slip.answer, *(slip.moving_on_answer or []))), said


@pytest.mark.parametrize(
    "text",
    ["what happens if i break no contact", "i didnt break no contact", "worried i'll break no contact tonight"],
)
def test_breaking_no_contact_not_done_is_not_a_slip(text: str) -> None:
    from dialogs.understanding import broke_no_contact

    assert not broke_no_contact(text)


def test_good_news_with_question_marks_is_not_called_an_unanswered_question(model: Model, kit: Kit) -> None:
    """A trial: "sorry i disappeared. today was actually good?? samira took me to the market..." got
    "If you were asking me something there, I'm sorry, I don't have a ready answer"."""
    conv = Conversation(kit)
    conv.onboard()
    text = "sorry i disappeared. today was actually good?? my sister took me to the market and i laughed for once"
    assessment, understanding = model.read(text)
    said = "\n".join(r.text for r in conv.say(text, assessment, understanding))
    assert "ready answer" not in said, said


def test_where_things_stand_typed_in_words_goes_on_with_intake(model: Model, kit: Kit) -> None:
    """A read-through: "He's with someone new", typed for the button, got the FAQ's answer on a new
    partner, and intake's next question waited behind "More questions" and "Back"."""
    conv = Conversation(kit)
    conv.intake_to_contact()
    assessment, understanding = model.read("He's with someone new")
    conv.say("He's with someone new", assessment, understanding)
    assert conv.state.profile.contact == "new" and conv.screen == "intake.shares"
    assert "More questions" not in conv.labels()


def test_a_question_about_themselves_after_a_review_leaves_the_coach(model: Model, kit: Kit) -> None:
    """A read-through: "how do i stop crying in the car before work", typed after a draft was
    reviewed, was reviewed too, and called a guilt trip."""
    conv = Conversation(kit)
    conv.onboard()
    conv.command("draft")
    draft = "Pickup is at 3:15 on Friday. If anything changes, a text by 3 would help the kids."
    conv.say(draft, *model.read(draft))
    question = "how do i stop crying in the car before work"
    said = "\\n".join(r.text for r in conv.say(question, *model.read(question)))
    entry = next(e for e in kit.content.faq if e.id == "crying_at_bad_times")
    assert said.startswith(entry.answer[0]) and "Guilt" not in said and conv.screen != "draft"
    to_them = "how do you not see what you did to the kids"  # a draft in the second person is still one
    conv.command("draft")
    conv.say(draft, *model.read(draft))
    conv.say(to_them, *model.read(to_them))
    assert conv.screen == "draft"
