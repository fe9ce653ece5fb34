"""A boundary that only the model read can be taken back by the person, while its reply is in front
of them: they know what their ex said, and a misreading ("he never asked me to stop") must not cost
them the reconnect track for good. A boundary in plain words, or any danger, stands."""

from __future__ import annotations

from dialogs.assessment import Assessment, CrisisZone
from tests.driver import Conversation

MODEL_BOUNDARY = Assessment(boundary=True, source="model")
PLAIN_BOUNDARY = Assessment(boundary=True, source="model", rule="boundary")
UNDO = "They didn't ask that"


def test_a_boundary_only_the_model_read_can_be_taken_back(kit):
    conv = Conversation(kit)
    conv.onboard()
    said = conv.say("he never asked me to stop or anything, he just went quiet", MODEL_BOUNDARY)
    text = "\n".join(r.text for r in said)
    assert "can't be undone" not in text
    assert kit.content.text("boundary_check") in text
    assert UNDO in conv.labels() and conv.state.contact_forbidden

    said = conv.tap(UNDO)
    assert kit.content.text("boundary_undone") in "\n".join(r.text for r in said)
    assert not conv.state.contact_forbidden and conv.state.track == "reconnect"
    assert "boundary" not in conv.state.flags and conv.state.boundary_undo is None


def test_a_boundary_in_plain_words_stands(kit):
    conv = Conversation(kit)
    conv.onboard()
    text = "\n".join(r.text for r in conv.say("she told me to stop contacting her", PLAIN_BOUNDARY))
    assert "can't be undone" in text and UNDO not in conv.labels()
    conv.press("undo_boundary", nonce=conv.state.nonce)  # a crafted press changes nothing
    assert conv.state.contact_forbidden and "boundary" in conv.state.flags


def test_the_way_back_closes_with_the_next_prompt_and_never_opens_for_danger(kit):
    conv = Conversation(kit)
    conv.onboard()
    conv.say("he never asked me to stop", MODEL_BOUNDARY)
    old = conv.state.nonce
    conv.tap("Continue")
    conv.press("undo_boundary", nonce=old)
    assert conv.text() == kit.content.text("button_expired", 0)
    assert conv.state.contact_forbidden

    other = Conversation(kit)
    other.onboard()
    other.say("he said stop or he'll hurt me", Assessment(boundary=True, danger=True, source="model"))
    assert UNDO not in [b.label for r in other.history for row in r.buttons for b in row]
    other.press("undo_boundary")
    assert other.state.contact_forbidden, "while the harm stands, so does the boundary read with it"


def test_during_intake_the_way_back_leaves_intake_on_the_reconnect_track(kit):
    conv = Conversation(kit)
    conv.command("start")
    conv.tap("agree")
    conv.say("Max")
    conv.tap("1-6 months")
    conv.tap("We both did")
    conv.say("growing apart, and she barely answers my texts now", MODEL_BOUNDARY)
    assert conv.screen.startswith("intake."), "intake goes on, its own buttons live"
    for label in ("Done", "No contact", "^No$", "None of these", "London", "United Kingdom"):
        conv.tap(label)
    said = conv.tap("09:00")
    text = "\n".join(r.text for r in said)
    assert "can't be undone" not in text and text.count("It sounds like they've asked") == 0, "said once"
    # The route comes with the way back on its own message; the first step, with its buttons, follows.
    assert any(b.label == UNDO for r in said for line in r.buttons for b in line)
    said = conv.press("undo_boundary", nonce=conv.state.nonce)
    assert conv.state.track == "reconnect" and not conv.state.contact_forbidden
    assert "Here's the plan" in "\n".join(r.text for r in said), "the plan they would have heard"


def test_danger_typed_during_intake_is_answered_once_not_again_at_its_end(kit):
    conv = Conversation(kit)
    conv.command("start")
    conv.tap("agree")
    conv.say("Max")
    conv.tap("1-6 months")
    said = conv.say("we argued and i punched the wall next to her", Assessment(danger=True, danger_by_user=True))
    first = kit.resources.reply("danger_by_user", "", "Max")[0]
    assert first in "\n".join(r.text for r in said)
    answers = {"intake.ended_by": "We both did", "intake.reasons": "Done", "intake.contact": "No contact",
               "intake.shares": "^No$", "intake.safety": "None of these", "intake.timezone": "London",
               "intake.country": "United Kingdom"}  # fmt: skip
    while conv.screen in answers:
        conv.tap(answers[conv.screen])
    assert conv.screen == "intake.time"
    end = "\n".join(r.text for r in conv.tap("09:00"))
    assert first not in end, "not the same reply twice"
    assert kit.content.text("route_moving_on") in end and conv.state.track == "moving_on"


def test_a_short_answer_to_a_closed_question_is_an_answer_not_a_model_finding(kit):
    conv = Conversation(kit)
    conv.command("start")
    conv.tap("agree")
    conv.say("Jo")
    conv.tap("1-4 weeks")
    model_reading = Assessment(danger=True, danger_by_user=True, source="model")
    conv.say("he did i just said that lol", model_reading)  # answering "Who ended it?"
    assert not conv.state.flags and conv.state.profile.ended_by == "them"
    assert conv.screen == "intake.reasons"

    other = Conversation(kit)
    other.command("start")
    other.tap("agree")
    other.say("Jo")
    other.tap("1-4 weeks")
    other.say("he did, and he hit me", Assessment(danger=True, source="model", rule="danger"))
    assert "danger" in other.state.flags, "what the rules read in the words still stands"
    crisis = Assessment(crisis=CrisisZone.ACT, source="model")
    other.say("he did and i want to die", crisis)
    assert other.state.crisis_active, "crisis is never set aside"


def test_once_taken_back_the_models_reading_alone_does_not_move_them_again_for_a_week(kit):
    conv = Conversation(kit)
    conv.onboard()
    conv.say("she said she needs space", MODEL_BOUNDARY)
    conv.tap(UNDO)
    said = "\n".join(r.text for r in conv.say("i keep thinking about the space thing", MODEL_BOUNDARY))
    assert kit.content.text("boundary_check") not in said, "not moved, and not asked again"
    assert not conv.state.contact_forbidden and "boundary" not in conv.state.flags

    text = "\n".join(r.text for r in conv.say("she blocked me everywhere tonight", PLAIN_BOUNDARY))
    assert "boundary" in conv.state.flags and conv.state.contact_forbidden, "plain words still count"
    assert UNDO not in conv.labels() and text

    later = Conversation(kit)
    later.onboard()
    later.say("she said she needs space", MODEL_BOUNDARY)
    later.tap(UNDO)
    later.advance(days=8)
    later.say("she wants space from me, her words", MODEL_BOUNDARY)
    assert "boundary" in later.state.flags, "a week on, the model's reading counts again"


def test_words_typed_under_the_notice_say_what_happens_next_and_keep_the_way_back(kit):
    conv = Conversation(kit)
    conv.onboard()
    conv.say("she said she needs space", MODEL_BOUNDARY)
    said = "\n".join(r.text for r in conv.say("so what do i do now"))
    assert kit.content.text("notice_typed") in said and kit.content.text("notice_typed_undo") in said
    assert kit.content.text("use_buttons") not in said
    assert conv.labels() == ["Continue", "Help now", UNDO], "the way back is still there"
    conv.tap(UNDO)
    assert not conv.state.contact_forbidden

    plain = Conversation(kit)
    plain.onboard()
    plain.say("she told me to stop contacting her", PLAIN_BOUNDARY)
    said = "\n".join(r.text for r in plain.say("ugh. ok then"))
    assert kit.content.text("notice_typed") in said and kit.content.text("notice_typed_undo") not in said
    assert plain.labels() == ["Continue", "Help now"]
    # Said once is enough (trial 23 heard it five times): then the words are heard where they were.
    said = "\n".join(r.text for r in plain.say("we dont even have kids. its a car and a dog"))
    assert kit.content.text("notice_typed") not in said and said.startswith(kit.content.text("heard_short")[:30])
    assert plain.screen != "notice"


def test_taken_back_the_words_are_handled_where_they_were_typed(kit):
    conv = Conversation(kit)
    conv.onboard()
    lesson = conv.state.data["lesson"]
    typed = "honestly i dont get urges. what sets me off is when he texts me about money"
    conv.say(typed, MODEL_BOUNDARY)
    assert conv.screen == "notice"
    conv.tap(UNDO)
    written = [e.text for e in conv.effects if type(e).__name__ == "JournalWrite"]
    assert written == [typed], "the answer is kept, not thrown away"
    assert conv.state.data.get("lesson") == lesson and conv.screen.startswith("guide.")


def test_at_a_check_in_note_a_boundary_only_the_model_read_can_be_taken_back_in_words(kit):
    """A trial: the note "he replied thanks only. 4 years and just thanks" was read as a boundary at
    the check-in, with no way back, and her export said "your ex asked for no contact"."""
    from tests.test_checkins_engine import at_the_check_in

    conv = at_the_check_in(kit)
    conv.tap("^3")
    conv.tap("^4$")
    conv.tap("^Yes$")
    assert conv.screen == "checkin.note"
    said = "\n".join(r.text for r in conv.say("he replied thanks only. 4 years and just thanks", MODEL_BOUNDARY))
    assert kit.content.text("boundary_check") in said and conv.state.contact_forbidden
    said = "\n".join(r.text for r in conv.say("he didnt ask that, he just said thanks"))
    assert kit.content.text("boundary_undone") in said
    assert "boundary" not in conv.state.flags and conv.state.track == "reconnect"


def _told_who_ended_it(kit, words: str) -> Conversation:
    """Intake up to "Who ended it?", answered in words the model reads as a new partner."""
    from dialogs.assessment import Assessment

    conv = Conversation(kit)
    conv.command("start")
    conv.tap("agree")
    conv.say("Sam")
    conv.tap("1-4 weeks ago")
    conv.say(words, Assessment(moved_on=True))
    return conv


def test_a_new_partner_read_at_intake_can_be_taken_back_in_words(kit):
    """Trial 18: "i found out she was seeing someone else so" was read as a new partner at intake; the
    correction "she's not like dating him?? idk what they are" was filed as an answer, and the
    moving-on path stayed all week, the message coach closed."""
    conv = _told_who_ended_it(kit, "i mean technically me?? i found out she was seeing someone else so")
    assert "moved_on" in conv.state.flags
    screen = conv.screen
    said = "\n".join(r.text for r in conv.say("she's not like dating him?? idk what they are"))
    assert said.startswith(kit.content.text("moved_on_no")) and "moved_on" not in conv.state.flags
    assert conv.screen == screen, "intake's question is asked again"


def test_a_new_partner_taken_back_after_intake_offers_the_reconnect_path_back(kit):
    conv = _told_who_ended_it(kit, "she was seeing someone else so i ended it")
    for label in ("Trust", "Done", "^No$", "None of these", "New York", "United States", "20:00"):
        conv.tap(label)
    assert conv.state.track == "moving_on" and conv.screen == "guide.lesson"
    said = "\n".join(r.text for r in conv.say("wait shes not dating him, idk what they are"))
    assert kit.content.text("moved_on_undone_path") in said
    conv.command("menu")
    assert "Reconnect track" in conv.labels()


def test_a_correction_the_model_reads_as_the_boundary_again_still_takes_it_back(kit):
    """Trial 20, at a check-in: "i dont want to contact him i HAVE to theres a difference" was read as
    a boundary; "no he hasnt asked me to stop hes just ignoring me", read as one too, was filed in the
    journal, and had closed the way back, so "HE NEVER SAID THAT" was filed as well."""
    conv = Conversation(kit)
    conv.onboard()
    conv.command("checkin")
    conv.tap("^2$")
    conv.say("i dont want to contact him i HAVE to theres a difference", MODEL_BOUNDARY)
    assert "boundary" in conv.state.flags and conv.screen == "checkin.urge"
    said = conv.say("no he hasnt asked me to stop hes just ignoring me", MODEL_BOUNDARY)
    assert kit.content.text("boundary_undone") in "\n".join(r.text for r in said)
    assert "boundary" not in conv.state.flags and conv.state.track == "reconnect"
    assert conv.screen == "checkin.urge", "the check-in's question still waits"


def test_the_same_boundary_read_again_keeps_the_way_back(kit):
    conv = Conversation(kit)
    conv.onboard()
    conv.say("he needs space from me", MODEL_BOUNDARY)
    conv.say("i keep thinking about the space thing", MODEL_BOUNDARY)
    assert conv.state.boundary_undo is not None
    conv.say("HE NEVER SAID THAT", MODEL_BOUNDARY)
    assert "boundary" not in conv.state.flags


def test_deleting_says_that_the_ex_s_request_goes_too(kit):
    """Trial 22: after /delete, "No contact at the moment" at the new intake gave the reconnect plan;
    the confirmation had not said that the request was erased with the rest."""
    conv = Conversation(kit)
    conv.onboard()
    conv.say("she told me to stop contacting her", PLAIN_BOUNDARY)
    said = "\n".join(r.text for r in conv.command("delete"))
    assert kit.content.text("delete_confirm_protected") in said
    other = Conversation(kit)
    other.onboard()
    assert kit.content.text("delete_confirm_protected") not in "\n".join(r.text for r in other.command("delete"))


def test_asking_to_write_to_an_ex_who_asked_for_no_contact_gets_a_plain_answer(kit):
    """Trial 22: "can I just send one last message to explain myself?" got "I don't have a ready
    answer to it", which at 11pm can read as "not forbidden"."""
    conv = Conversation(kit)
    conv.onboard()
    conv.say("she told me to stop contacting her", PLAIN_BOUNDARY)
    conv.tap("Continue")
    said = "\n".join(r.text for r in conv.say("can I just send one last message to explain myself?"))
    assert kit.content.text("contact_question_boundary") in said
    conv.tap("Write it unsent")
    assert conv.screen.startswith("urge")
    other = Conversation(kit)
    other.onboard()
    said = "\n".join(r.text for r in other.say("can I just send one last message to explain myself?"))
    assert kit.content.text("contact_question_boundary") not in said


def test_a_draft_telling_the_ex_to_stop_is_not_their_boundary_and_gets_a_plain_answer(kit) -> None:
    """Trial 23: Mei, whose ex kept texting from new numbers and turning up at her work, pasted "ok i
    wrote this, is it ok to send: "darren please stop texting me... dont come to my work again"" and
    was told he had asked for no contact, which her export then said."""
    conv = Conversation(kit)
    conv.onboard()
    conv.say("he keeps texting from new numbers and turned up at my work", Assessment(danger=True, source="model"))
    assert "danger" in conv.state.flags
    draft = (
        'ok i wrote this, is it ok to send: "darren please stop texting me from different numbers. '
        'dont come to my work again"'
    )
    said = "\n".join(r.text for r in conv.say(draft, MODEL_BOUNDARY))
    assert "boundary" not in conv.state.flags
    assert said.startswith(kit.content.text("draft_stop_harmed")), said
    # The ex's own wish, written back to them, is still theirs.
    other = Conversation(kit)
    other.onboard()
    their_wish = 'this is what i wrote: "i know you asked me not to contact you, but please stop ignoring me"'
    other.say(their_wish, MODEL_BOUNDARY)
    assert "boundary" in other.state.flags


def test_words_that_deny_a_boundary_do_not_raise_and_drop_it_in_one_breath(kit) -> None:
    """Trial 25: "She says I never asked what she wanted" was read as a boundary and taken back in the
    same reply ("Thank you for putting me right"); then "I did not say she asked for no contact", read
    by the rules, moved him to moving on for good."""
    conv = Conversation(kit)
    conv.onboard()
    replies = conv.say("She says I never asked what she wanted. Maybe she is right.", MODEL_BOUNDARY)
    said = "\n".join(r.text for r in replies)
    assert "boundary" in conv.state.flags and conv.state.boundary_undo is not None, "a guess, with its way back"
    assert "putting me right" not in said
    conv.say("I did not say she asked for no contact. We must still write about the house.", PLAIN_BOUNDARY)
    assert "boundary" not in conv.state.flags and conv.state.track == "reconnect"
    fresh = Conversation(kit)
    fresh.onboard()
    fresh.say("I did not say she asked for no contact. We must still write about the house.", PLAIN_BOUNDARY)
    assert fresh.state.boundary_undo is not None, "denied in its own words, it can be taken back"
