"""The engine's answer to each safety finding, and every path to contact coaching that testing found.

The safety model's reading is given as an `Assessment` (what the service attaches to an event), so
these tests pin the engine's behaviour for each zone whatever the model scores; the model itself is
measured in tests/safety/test_model.py.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from dialogs.assessment import Assessment, CrisisZone, Understanding
from dialogs.model import Reply
from tests.driver import Conversation

ACT = Assessment(crisis=CrisisZone.ACT, source="model")
ASK = Assessment(crisis=CrisisZone.ASK, source="model")
ATTEMPT = Assessment(crisis=CrisisZone.ACT, attempt=True, source="model")
DANGER = Assessment(danger=True, source="model")
BY_USER = Assessment(danger=True, danger_by_user=True, source="model")
BOUNDARY = Assessment(boundary=True, source="model")
NONE = Assessment(source="model")


def texts(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies)


@pytest.fixture
def conv(kit) -> Conversation:
    c = Conversation(kit)
    c.onboard()
    return c


def test_high_zone_gives_the_crisis_reply_at_once(conv: Conversation, kit) -> None:
    said = texts(conv.say("whatever, tonight's the night", ACT))
    assert "Samaritans: call 116 123" in said, "the UK person gets the UK line"
    assert conv.screen == "crisis" and conv.state.crisis_active
    assert conv.labels()[:2] == ["A grounding exercise", "My safety plan"]
    assert kit.content.text("screen_question") not in said


def test_middle_zone_asks_directly_with_three_answers(conv: Conversation, kit) -> None:
    said = texts(conv.say("i dont see the point of anything anymore", ASK))
    assert "Are you having thoughts of ending your life?" in said
    assert conv.labels() == ["Yes", "Not sure", "No"]
    assert "Samaritans" not in said, "the question comes before any crisis reply"
    assert not conv.state.crisis_active


@pytest.mark.parametrize("answer", ["Yes", "Not sure"])
def test_yes_and_not_sure_lead_to_crisis_care(conv: Conversation, answer: str) -> None:
    conv.say("i dont see the point of anything anymore", ASK)
    said = texts(conv.tap(f"^{answer}$"))
    assert "Samaritans: call 116 123" in said
    assert conv.screen == "crisis" and conv.state.crisis_active


def test_typed_yes_counts_as_yes(conv: Conversation) -> None:
    conv.say("i dont see the point", ASK)
    assert "Samaritans" in texts(conv.say("kinda yeah"))
    assert conv.screen == "crisis"


def test_no_thanks_them_mentions_sos_and_handles_the_held_message(conv: Conversation, kit) -> None:
    lesson = conv.state.data["lesson"]
    conv.say("honestly what's the point of even trying, but ok: i keep replaying the last fight", ASK)
    said = texts(conv.tap("^No$"))
    assert any(kit.content.text("screen_no", n) in said for n in range(2)) and "/sos" in said
    assert conv.screen == "guide.after" and conv.state.data["lesson"] == lesson
    assert not conv.state.crisis_active
    journal = [e for e in conv.effects if type(e).__name__ == "JournalWrite"]
    assert journal and "last fight" in journal[0].text, "the held answer was filed as the reflection it was"


def test_after_a_no_the_same_zone_gets_a_gentle_line_not_the_question_again(conv: Conversation, kit) -> None:
    conv.say("what's the point", ASK)
    conv.tap("^No$")
    conv.advance(minutes=30)
    said = texts(conv.say("everything is pointless tbh", ASK))
    assert kit.content.text("screen_question") not in said
    assert kit.content.text("screen_question_after_no") not in said, "only a reading strong enough asks again"
    assert said.startswith(kit.content.text("screen_reminder"))
    conv.advance(minutes=30)
    assert kit.content.text("screen_reminder") not in texts(conv.say("so tired of it all", ASK)), "once a day"
    conv.advance(hours=7)
    assert kit.content.text("screen_question") in texts(conv.say("what's the point", ASK))


def test_unsure_again_on_the_question_screen_is_crisis_care(conv: Conversation) -> None:
    conv.say("i'm so tired of everything", ASK)
    said = texts(conv.say("i just don't want to wake up tomorrow", ASK))
    assert "Samaritans" in said and conv.screen == "crisis"


def test_attempt_in_progress_puts_the_emergency_number_first(conv: Conversation) -> None:
    replies = conv.say("i took all of them an hour ago", ATTEMPT)
    first_line = replies[0].text.splitlines()[0]
    assert "999" in first_line
    assert "Samaritans" in texts(replies), "the crisis line follows"


def test_nothing_taken_after_the_attempt_reply_is_owned_and_care_goes_on(conv: Conversation, kit) -> None:
    # A trial's student, in grounding, drank the water the step asked for: "drank water. ok" got the
    # reply for something taken, and her protest got "I'm still here, and I'm listening".
    conv.say("everything hurts tonight and i want to cut again", ACT)
    assert "999" in texts(conv.say("drank water. ok", ATTEMPT))
    denial = "wait what?? i didnt take anything. i just drank WATER. why r u telling me to call 999"
    said = texts(conv.say(denial, ATTEMPT))
    assert said.startswith(kit.content.text("crisis_attempt_misread")[:40]) and "999" not in said
    assert conv.screen == "crisis" and conv.state.crisis_active, "the crisis that brought her here is still cared for"
    assert conv.labels()[:2] == ["A grounding exercise", "My safety plan"]
    assert "999" in texts(conv.say("no i really did take the pills", ATTEMPT)), "a later attempt is heard again"


def test_nothing_taken_words_mean_nothing_without_an_attempt_reply(conv: Conversation, kit) -> None:
    conv.say("everything hurts tonight and i want to cut again", ACT)
    said = texts(conv.say("i didnt take anything, i just want it to stop", ACT))
    assert kit.content.text("crisis_attempt_misread")[:40] not in said


def test_attempt_with_an_unknown_country_still_says_call_now(kit) -> None:
    conv = Conversation(kit)
    conv.command("start")
    replies = conv.say("swallowed the lot", ATTEMPT)
    assert "local emergency number" in replies[0].text.splitlines()[0]
    assert "Numbers for my country" in conv.labels()


def test_crisis_and_danger_in_one_message_set_both(conv: Conversation) -> None:
    said = texts(
        conv.say("he strangled me again and i want to die", Assessment(crisis=CrisisZone.ACT, danger=True))
    )
    assert conv.state.crisis_active and "danger" in conv.state.flags
    assert conv.state.track == "moving_on"
    assert said.index("Samaritans") < said.index("Refuge"), "crisis lines first, abuse lines after"
    assert conv.screen == "crisis"


def test_danger_reported_during_a_crisis_keeps_the_crisis_follow_up(conv: Conversation) -> None:
    conv.say("i want to end it", ACT)
    said = texts(conv.say("and he keeps turning up at my door at night", DANGER))
    assert "Refuge" in said or "Stalking" in said
    assert conv.screen == "crisis" and conv.state.crisis_active
    assert "danger" in conv.state.flags
    assert "A grounding exercise" in conv.labels()


def test_safe_now_returns_to_a_calm_place_not_into_contact_topics(kit) -> None:
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard()
    conv.command("urge")
    assert conv.screen.startswith("urge.")
    conv.say("i want to kill myself", ACT)
    said = texts(conv.say("i'm safe now, go on", NONE))
    assert conv.screen == "care.calm"
    assert not conv.state.crisis_active
    assert "urge" not in said.lower() and not conv.screen.startswith(("urge", "draft"))
    assert conv.labels() == ["Today's step", "Menu", "Help now"]


@pytest.mark.parametrize(
    "words", ["what?? i just asked if hes thinking about me. im fine", "you misread me, i’m ok", "im alright x"]
)
def test_saying_you_are_fine_in_your_own_words_also_returns_to_the_calm_place(kit, words: str) -> None:
    conv = Conversation(kit)
    conv.onboard()
    conv.say("do u think hes even thinking about me at all", ACT)  # a misreading the person corrects
    said = texts(conv.say(words, NONE))
    assert not conv.state.crisis_active
    if "misread" in words:  # said so outright: back at the lesson, the question handled there
        assert said.startswith(kit.content.text("crisis_misread_back")) and conv.screen.startswith("guide.")
    else:
        assert conv.screen == "care.calm"


def test_text_on_the_crisis_screen_is_assessed_again(conv: Conversation) -> None:
    conv.say("i want to die", ACT)
    said = texts(conv.say("i already took some", ATTEMPT))
    assert "999" in said.splitlines()[0]


LEAN = Assessment(crisis_lean=True, source="model")
HOPELESS = "whats the point of any of it if she takes the little one to cork"


def test_a_question_with_no_answer_on_the_crisis_screen_is_not_sent_to_the_faq(conv: Conversation, kit) -> None:
    """A trial: this, typed on the crisis screen, got "That's a fair question... /faq shows the
    questions I can answer"."""
    conv.say("i dont see the point of anything anymore", ASK)
    conv.tap("^Not sure$")
    said = texts(conv.say(HOPELESS, NONE, Understanding(faq=(("when_better", 0.01),), faq_bar=0.5, intent_bar=0.5)))
    assert kit.content.text("unanswered_question", 0) not in said and "/faq" not in said
    assert conv.screen == "crisis" and kit.content.text("crisis_listening", 0) in said


def test_a_lean_towards_crisis_is_asked_about_on_the_evening_of_a_crisis_reply(conv: Conversation, kit) -> None:
    """The same trial, two hours after "Not sure" and "I'm safe now": it got "I don't have a good
    answer for that one"."""
    conv.say("i dont see the point of anything anymore", ASK)
    conv.tap("^Not sure$")
    conv.tap("I'm safe now")
    conv.advance(hours=2)
    said = texts(conv.say(HOPELESS, LEAN))
    assert kit.content.text("screen_question") in said and conv.labels() == ["Yes", "Not sure", "No"]


WISH = "sometimes i think i wouldnt mind not waking up, not that id do anything, ive got chloe"


def test_a_goodnight_after_saying_safe_is_wished_rest_with_help_named_not_asked_again(
    conv: Conversation, kit
) -> None:
    """Trial 20: five minutes after "im not going to do anything i just needed to say it", her "ok. im
    going to try and sleep. night" was asked the question again, and "i just told you. no. goodnight"
    then got the full reply."""
    conv.say(WISH, ACT)
    conv.say("im not going to do anything i just needed to say it to someone", NONE)
    said = texts(conv.say("ok. im going to try and sleep. night", LEAN))
    assert said == kit.content.text("crisis_goodnight") and conv.screen == "care.calm"
    conv.advance(hours=13)
    said = texts(conv.say("ok. night", NONE))  # the next night, a goodnight is only that
    assert kit.content.text("resting") in said and kit.content.text("crisis_goodnight") not in said


def test_a_plain_no_after_told_you_is_the_no_whatever_the_model_half_hears(conv: Conversation, kit) -> None:
    conv.say("ok. im going to try and sleep. night", ASK)
    said = texts(conv.say("i just told you. no. goodnight", ASK))
    assert kit.content.text("screen_no") in said and conv.screen != "crisis" and not conv.state.crisis_active


def test_not_wanting_to_ring_anyone_is_met_when_they_say_they_are_safe(conv: Conversation, kit) -> None:
    conv.say(WISH, ACT)
    typed = "i dont want to ring anyone at this time of night id feel daft. im not going to do anything"
    said = texts(conv.say(typed, NONE))
    assert said == kit.content.text("crisis_go_on_no_call") and conv.screen == "care.calm"


def test_safe_but_carrying_something_heavy_is_not_met_with_glad_to_hear_it(conv: Conversation, kit) -> None:
    """Trial 27: "yeah nah im not gonna do anything stupid. just feel like a burden to everyone atm"."""
    conv.say(WISH, ACT)
    said = texts(conv.say("yeah nah im not gonna do anything stupid. just feel like a burden to everyone atm", NONE))
    assert said == kit.content.text("crisis_go_on_heavy") and "glad to hear it" not in said
    assert conv.screen == "care.calm" and not conv.state.crisis_active


@pytest.mark.parametrize("before", ["nothing", "misread", "a day ago"])
def test_a_lean_alone_is_not_asked_about(kit, before: str) -> None:
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard()
    if before == "misread":
        conv.say("do u think hes even thinking about me at all", ACT)
        conv.say("you misread me, i'm ok", NONE)
    elif before == "a day ago":
        conv.say("i want to die", ACT)
        conv.tap("I'm safe now")
        conv.advance(hours=25)
    said = texts(conv.say(HOPELESS, LEAN))
    assert kit.content.text("screen_question") not in said


GATE = "what do i do when i see her new fella at the school gate. he was there today waiting in the car"


def test_the_models_hunch_of_a_threat_typed_at_the_crisis_question_is_not_acted_on(conv: Conversation, kit) -> None:
    """A trial: this, typed at "Are you having thoughts of ending your life?", got the perpetrator
    line, the moving-on track for good and crisis care, though he had answered nothing."""
    conv.say("havent really tried it yet tbh", ASK)
    said = texts(conv.say(GATE, BY_USER))
    assert "danger_by_user" not in conv.state.flags and conv.state.track == "reconnect"
    assert conv.screen == "safety.ask" and not conv.state.crisis_active
    assert kit.content.text("screen_again") in said


@pytest.mark.parametrize(
    ("typed", "crisis_care"),
    [
        ("i do", True),
        ("yeah sometimes, mostly late at night when the house is quiet", True),
        ("honestly idk anymore", True),
        ("what do i do when i see her new fella at the school gate", False),
        ("can you tell me how the pick ups should work, i need a plan for wednesday", False),
        ("a bit, late at night", True),
        ("it helped a bit tho", False),  # trial 30: about a walk, sent in a burst under the question
    ],
)
def test_typed_words_answer_the_crisis_question_only_in_their_opening(
    conv: Conversation, typed: str, crisis_care: bool
) -> None:
    conv.say("havent really tried it yet tbh", ASK)
    conv.say(typed, NONE)
    assert (conv.screen == "crisis") is crisis_care


def test_a_second_message_under_the_question_about_hurting_the_ex_waits_for_its_answer(conv: Conversation, kit) -> None:
    """Trial 11: "ngl i made a finsta to see her private acc", then "like a week ago": the second
    got the perpetrator line before he had answered the question the first raised."""
    said = texts(conv.say("ngl i made a finsta to see her private acc", BY_USER))
    assert conv.screen == "safety.by_user"
    said = texts(conv.say("like a week ago", BY_USER))
    assert "danger_by_user" not in conv.state.flags and conv.screen == "safety.by_user"
    assert "Thank you for being honest with me" not in said
    conv.tap("No, that's not it")
    assert "danger_by_user" not in conv.state.flags and conv.state.track == "reconnect"


def test_harm_in_plain_words_at_the_crisis_question_is_answered_and_the_question_waits(conv: Conversation) -> None:
    conv.say("havent really tried it yet tbh", ASK)
    said = texts(conv.say("he hit me last night", Assessment(danger=True, source="rules", rule="danger")))
    assert "danger" in conv.state.flags and conv.state.track == "moving_on"
    assert conv.screen == "safety.ask" and not conv.state.crisis_active, "they never said yes"
    assert "Are you having thoughts of ending your life?" in said


def test_a_co_parent_told_to_write_only_through_the_app_still_gets_practical_drafts_read(kit) -> None:
    """A trial: after "her solicitor says only through the co-parenting app" every draft was refused,
    and the father sent a message about a swimming bag that he called "not nice"."""
    conv = Conversation(kit)
    conv.onboard(contact="must stay in touch")
    conv.say("her solicitor says i can only contact her through the app", BOUNDARY)
    assert conv.state.contact_forbidden
    pick_up = "Hi Niamh, I'll collect Ella at 3 tomorrow and drop her back Thursday at 6. Thanks"
    said = texts(conv.command("draft", pick_up))
    assert said == kit.coach.spec.texts.clean_practical, "no 'after a night's sleep' for tomorrow's pick-up"
    said = texts(conv.command("draft", "her swimming bag was left at yours AGAIN. thanks a lot for nothing"))
    assert "Sarcasm" in said and all(len(r.text) <= 700 for r in conv.history[-3:])
    other = Conversation(kit)  # danger keeps the refusal, with how to keep those messages safe
    other.onboard(contact="must stay in touch", safety="Threats")
    said = texts(other.command("draft", "Hi, pick up at 3 tomorrow?"))
    assert said.startswith(kit.content.text("draft_refused_danger_shared")[:40])


@pytest.mark.parametrize(
    ("words", "safer"),
    [
        ("I have put the box back in the cabinet. Thank you for staying with me.", True),
        ("asked my brother to keep the car keys tonight", True),
        ("the blade box is up in the loft now. im staying here", True),  # trial 17
        ("its back. the urge is back and the box is next to me", False),
        ("gave my dog to my sister", False),  # giving things away is no step to safety
    ],
)
def test_means_put_out_of_reach_on_the_crisis_screen_are_named_and_thanked(
    conv: Conversation, kit, words: str, safer: bool
) -> None:
    """Trial 10: "I have put the box back in the cabinet" got "I'm still here... tap a button"."""
    conv.say("i moved the pills to my bedside table tonight", ACT)
    said = texts(conv.say(words, NONE))
    assert said.startswith(kit.content.text("crisis_safer")) is safer
    assert conv.screen == "crisis" and conv.labels()[:2] == ["A grounding exercise", "My safety plan"]


def test_feeling_a_bit_better_on_the_crisis_screen_is_met_as_safe_now(conv: Conversation, kit) -> None:
    """Trial 17: "thoda better now. box is up there. ill try to sleep" got the listening line that had
    answered her fear an hour before, word for word."""
    conv.say("i took out the blade box, i want to feel something else", ACT)
    said = texts(conv.say("thoda better now. ill try to sleep", ASK))
    assert said.startswith(kit.content.text("crisis_go_on")[:40]) and not conv.state.crisis_active


THREAT_IN_WORDS = Assessment(danger=True, danger_by_user=True, source="model", rule="danger")


def test_a_threat_in_a_draft_is_danger_never_a_style_review(kit) -> None:
    conv = Conversation(kit)
    conv.onboard()
    conv.advance(days=31)
    said = texts(
        conv.command("draft", "if you dont answer me tonight ill come to your house and wait", THREAT_IN_WORDS)
    )
    assert "danger_by_user" in conv.state.flags and conv.state.track == "moving_on"
    own_behaviour = kit.resources.reply("danger_by_user", "GB", "Sam")
    assert own_behaviour[0] in said
    assert "Refuge" not in said, "victim services are not for the person who threatens"
    assert "tone" not in said.lower() and "suggest" not in said.lower()


BILLS = (
    "Gary the agent came today since you couldnt be bothered. I have been paying the mortgage and every bill"
    " on my own since september while you swan about with HER so I think its only fair I get more than half."
)


@pytest.mark.parametrize("how", ["/draft", "pasted"])
def test_a_draft_only_the_model_reads_as_a_threat_is_asked_about_then_reviewed(kit, how: str) -> None:
    """Trial 20: a mother's sharp note about the bills, pasted with "this is what i wrote.", was read
    as her own words; read as a draft, the model's hunch alone gave the perpetrator line for good."""
    conv = Conversation(kit)
    conv.onboard()
    conv.advance(days=31)
    if how == "/draft":
        said = texts(conv.command("draft", BILLS, BY_USER))
    else:
        said = texts(conv.say(f"this is what i wrote. {BILLS}", BY_USER))
    assert kit.content.text("by_user_question") in said and not conv.state.flags
    said = texts(conv.tap("No"))
    assert "Respect" not in said and not conv.state.flags and conv.state.track == "reconnect"
    assert conv.screen == "draft" and conv.state.data.get("reviewed"), "the draft is reviewed"


def test_a_message_that_only_mentions_what_was_written_is_no_draft(kit) -> None:
    conv = Conversation(kit)
    conv.onboard()
    conv.say("this is what i wrote in my diary last night", NONE)
    assert conv.screen != "draft"


def test_a_model_only_danger_finding_is_not_answered_with_the_full_reply_twice_in_a_week(kit) -> None:
    """The model over-reads danger in everyday talk about an ex: after the full reply, a week of such
    findings gets one short line, and the message is handled as usual. Plain words get it in full."""
    conv = Conversation(kit)
    conv.onboard()
    own_behaviour = kit.resources.reply("danger_by_user", "GB", "Sam")[0]
    said = texts(conv.say("i keep checking her insta like 30 times a day", BY_USER))
    assert kit.content.text("by_user_question") in said, "the model alone: asked first"
    said = texts(conv.tap("Yes"))
    assert own_behaviour in said and conv.screen == "notice"
    conv.tap("Continue")

    conv.advance(days=2)
    said = texts(conv.say("do i have to give her back the box of her stuff", BY_USER))
    assert own_behaviour not in said and "/sos" not in said, "nothing more said about it this week"
    assert conv.screen != "notice", "the message goes on to be handled as usual"
    assert conv.state.track == "moving_on" and conv.state.contact_forbidden, "still off contact coaching"

    victim = kit.resources.reply("danger", "GB", "Sam")[0]
    said = texts(conv.say("he keeps turning up outside my work", DANGER))
    assert victim in said, "the other direction's lines have not been given yet"
    conv.tap("Continue")
    said = texts(conv.say("saw his car on my road again", DANGER))
    again = kit.content.text("danger_again", emergency="999")
    assert victim not in said and said == again, "someone who may be in danger: what to do now, nothing else"
    assert conv.labels() == ["Continue", "Help now"]
    said = texts(conv.say("he was outside my work again, im shaking", DANGER))
    assert "Give them room" not in said and said == again, "never the answer for running into an ex"

    plain = Assessment(danger=True, danger_by_user=True, source="model", rule="danger")
    said = texts(conv.say("i will make her regret this", plain))
    assert own_behaviour in said, "danger in plain words gets the full reply every time"

    conv.advance(days=7)
    said = texts(conv.say("i sat in the car outside her place again", BY_USER))
    assert own_behaviour in said, "a week on, the full reply again"


def test_the_rules_still_catch_a_threatening_draft_without_the_model(kit) -> None:
    conv = Conversation(kit)
    conv.onboard()
    conv.advance(days=31)
    conv.command("draft", "i know where you live and ill make you regret ignoring me")
    assert "danger" in conv.state.flags


def test_i_slipped_gets_the_moving_on_answer_when_contact_is_forbidden(conv: Conversation, kit) -> None:
    entry = next(e for e in kit.content.faq if e.id == "i_slipped")
    assert entry.contact_coaching and entry.moving_on_answer
    conv.say("she told me to never contact her again", BOUNDARY)
    conv.command("faq", "i slipped and texted her")
    said = texts(conv.history[-3:])
    assert "restart your count" not in said
    assert "please don't send anything more" in said


def test_every_faq_answer_that_permits_contact_has_a_moving_on_version(kit) -> None:
    permits = ("restart your count", "quick hello", "limited contact", "keep them short")
    for entry in kit.content.faq:
        answer = " ".join(entry.answer).lower()
        if any(p in answer for p in permits):
            assert entry.contact_coaching and entry.moving_on_answer, entry.id


@pytest.mark.parametrize("screen_word", ["name", "when", "contact"])
def test_a_boundary_typed_during_intake_still_finishes_intake(kit, screen_word: str) -> None:
    conv = Conversation(kit)
    conv.command("start")
    conv.tap("agree")
    if screen_word != "name":
        conv.say("Sam")
    if screen_word == "contact":
        conv.tap("1-4 weeks")
        conv.tap("They did")
        conv.tap("Done")
    said = texts(conv.say("she said never contact her again, she meant it", BOUNDARY))
    assert "boundary" in conv.state.flags and conv.state.track == "moving_on"
    assert conv.screen.startswith("intake."), "intake goes on"
    assert "moving-on" in said.lower() or "moving on" in said.lower()
    # Finish whatever is left, by buttons, and land on the moving-on track's guide.
    for _ in range(12):
        if conv.screen == "guide.lesson":
            break
        labels = conv.labels()
        pick = next(
            (lb for lb in labels if lb in {"Skip", "1-4 weeks ago", "They did", "Done", "London"}), None
        )
        if conv.screen == "intake.name":
            conv.say("Sam")
        elif conv.screen == "intake.contact":
            conv.tap("asked me not")
        elif conv.screen == "intake.shares":
            conv.tap("^No$")
        elif conv.screen == "intake.safety":
            conv.tap("None of these")
        elif conv.screen == "intake.country":
            conv.tap("United Kingdom")
        elif conv.screen == "intake.time":
            conv.tap("09:00")
        else:
            assert pick, f"stuck on {conv.screen} with {labels}"
            conv.tap(pick)
    assert conv.screen == "guide.lesson"
    assert conv.state.profile.country == "GB" and conv.state.checkins.time is not None
    assert conv.state.track == "moving_on"


def test_none_of_these_never_clears_ticked_concerns_without_asking(kit) -> None:
    conv = Conversation(kit)
    conv.command("start")
    conv.tap("agree")
    conv.say("Sam")
    conv.tap("1-4 weeks")
    conv.tap("They did")
    conv.tap("Done")
    conv.tap("No contact")
    conv.tap("^No$")
    conv.tap("Threats")
    said = texts(conv.tap("None of these"))
    assert "threats" in said.lower() and conv.state.profile.safety_screen == ["threats"]
    conv.tap("Keep what I ticked")
    assert conv.state.profile.safety_screen == ["threats"]
    assert conv.screen == "intake.timezone"


def test_none_of_these_can_be_confirmed(kit) -> None:
    conv = Conversation(kit)
    conv.command("start")
    conv.tap("agree")
    conv.say("Sam")
    conv.tap("1-4 weeks")
    conv.tap("They did")
    conv.tap("Done")
    conv.tap("No contact")
    conv.tap("^No$")
    conv.tap("Threats")
    conv.tap("None of these")
    conv.tap("None of these apply")
    assert conv.state.profile.safety_screen == [] and conv.screen == "intake.timezone"


def test_a_photo_caption_is_read_like_any_message(conv: Conversation) -> None:
    said = texts(conv.media("photo", caption="the last pic of us. i want to die"))
    assert "Samaritans" in said and conv.state.crisis_active


def test_a_caption_with_nothing_in_it_gets_the_usual_media_reply(conv: Conversation, kit) -> None:
    said = texts(conv.media("photo", caption="us at the beach", assessment=NONE))
    assert not conv.state.crisis_active
    assert kit.content.text("media_photo").split(".")[0] in said


def test_without_the_model_the_rules_decide(conv: Conversation) -> None:
    said = texts(conv.say("i want to kill myself"))
    assert "Samaritans" in said and conv.screen == "crisis"


# --- check-ins ------------------------------------------------------------------------------------------
def _checkin_to_mood(conv: Conversation, mood: int) -> str:
    conv.due()
    return texts(conv.tap(f"^{mood}"))


def test_a_mood_of_one_brings_care_and_the_question_once_a_day(kit) -> None:
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    said = _checkin_to_mood(conv, 1)
    assert any(line in said for line in kit.content.checkins.low_mood_care)
    assert "Are you having thoughts of ending your life?" in said
    said = texts(conv.tap("^No$"))
    assert kit.content.checkins.urge_question in said, "the check-in goes on after a No"
    conv.tap("^3$")
    conv.tap("^No$")
    conv.tap("Skip")
    conv.command("checkin")
    said = texts(conv.tap("^1"))
    assert "ending your life" not in said, "at most once a day"


def _asked_on_low_days(conv: Conversation, days: range, mood: int = 2) -> list[bool]:
    """A check-in each morning of `days` (March), at `mood`: whether each brought the question."""
    asked = []
    for day in days:
        conv.now = datetime(2026, 3, 2 + day, 9, 0, tzinfo=UTC)
        said = _checkin_to_mood(conv, mood)
        asked.append("ending your life" in said)
        if conv.screen == "safety.ask":
            conv.tap("^No$")
        conv.tap("^3$")
        conv.tap("^No$")
        conv.tap("Skip")
    return asked


def _safe_the_night_after_a_crisis_reply(kit, checkin_time: str, words: str) -> Conversation:
    """Onboarded on 2 March (check-ins at `checkin_time`), the crisis reply at 23:00, then "I'm safe now"."""
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time=checkin_time)
    conv.now = datetime(2026, 3, 2, 23, 0, tzinfo=UTC)
    conv.say(words, ACT)
    conv.tap("I'm safe now")
    return conv


def test_the_first_checkin_after_a_crisis_reply_asks_directly_whatever_the_mood(kit) -> None:
    """Trial 17: the day after she told of the blade box, the check-in asked only about her ex; four
    days later the urge came back in a note and was filed in her journal."""
    checkins = kit.content.checkins
    conv = _safe_the_night_after_a_crisis_reply(kit, "09:00", "the old habit is calling, i took out the blade box")
    conv.now = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    said = _checkin_to_mood(conv, 4)
    assert any(line in said for line in checkins.after_crisis_care)
    assert kit.content.text("screen_question") in said and conv.screen == "safety.ask"
    assert checkins.urge_question in texts(conv.tap("^No$")), "after a No the check-in goes on"
    conv.tap("^3$")
    conv.tap("^No$")
    conv.tap("Skip")
    conv.now = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    assert "ending your life" not in _checkin_to_mood(conv, 4), "once after each crisis reply"


def test_low_mood_three_days_running_brings_the_question(kit) -> None:
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    assert _asked_on_low_days(conv, range(3)) == [False, False, True]


def test_a_run_of_low_days_is_named_before_the_question_and_a_second_day_says_it_asked_before(kit) -> None:
    checkins = kit.content.checkins
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    heard: list[str] = []
    thanked: list[str] = []
    for day, mood in enumerate((2, 2, 2, 1)):
        conv.now = datetime(2026, 3, 2 + day, 9, 0, tzinfo=UTC)
        heard.append(_checkin_to_mood(conv, mood))
        if conv.screen == "safety.ask":
            after_no = texts(conv.tap("^No$"))
            ways = [kit.content.text("screen_no_checkin", n) for n in range(2)]
            assert any(w in after_no for w in ways), "the check-in says a few taps are left"
            thanked.append(next(w for w in ways if w in after_no))
            assert checkins.urge_question in after_no
        conv.tap("^3$")
        conv.tap("^No$")
        conv.tap("Skip")
    first, second, third, fourth = heard
    assert any(line in first for line in checkins.mood_ack[2]), "one low day is named as it is"
    assert any(line in second for line in checkins.low_again), "a second one says it is low again"
    assert any(line in third for line in checkins.low_run_care), "the question comes with its reason"
    assert kit.content.text("screen_question") in third
    assert kit.content.text("screen_question_again") in fourth, "asked the day before: it says so"
    assert not any(line in first + second for line in checkins.low_run_care)
    assert len(thanked) == 2 and thanked[0] != thanked[1], "a No on two days running is not met word for word"


def test_two_low_days_are_not_called_several(kit) -> None:
    checkins = kit.content.checkins
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    _checkin_to_mood(conv, 2)
    conv.tap("^3$")
    conv.tap("^No$")
    conv.tap("Skip")
    conv.now = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    said = _checkin_to_mood(conv, 1)
    assert kit.content.text("screen_question") in said, "a 1 is asked about"
    assert not any(line in said for line in checkins.low_run_care), "a run of two is not 'several'"
    assert any(line in said for line in checkins.low_mood_care)


def test_a_mood_of_one_without_low_days_before_it_is_not_called_a_run(kit) -> None:
    checkins = kit.content.checkins
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    for day in range(3):  # whichever wording the date picks
        conv.now = datetime(2026, 3, 2 + 2 * day, 9, 0, tzinfo=UTC)
        said = _checkin_to_mood(conv, 1)
        assert any(line in said for line in checkins.low_mood_care)
        assert not any(line in said for line in checkins.low_run_care + checkins.low_again)
        assert "again" not in said.split("Are you")[0], said
        conv.tap("^No$")
        conv.tap("^3$")
        conv.tap("^No$")
        conv.tap("Skip")


def test_a_low_day_hears_its_note_and_a_mood_of_one_gets_the_larger_offer(kit) -> None:
    checkins = kit.content.checkins
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    conv.due()
    conv.tap("^1")
    conv.tap("^No$")
    conv.tap("^3$")
    conv.tap("^No$")
    said = texts(conv.say("couldn't face getting up"))
    assert any(line in said for line in checkins.thanks_noted_low)
    assert not any(line in said for line in checkins.thanks_noted)
    assert any(line in said for line in checkins.very_low_offer)
    assert not any(line in said for line in checkins.low_mood_offer)
    assert "Help now" in conv.labels(), "the offer names the button that keeps it"
    conv.now = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    conv.due()
    conv.tap("^2")
    conv.tap("^3$")
    conv.tap("^No$")
    said = texts(conv.say("meh"))
    assert any(line in said for line in checkins.low_mood_offer), "a 2 gets the usual small offer"


def test_yes_during_a_check_in_records_the_mood_and_gives_crisis_care(kit) -> None:
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    conv.due()
    conv.tap("^1")
    writes = [e for e in conv.effects if type(e).__name__ == "CheckinWrite"]
    assert writes and writes[0].mood == 1
    assert "Samaritans" in texts(conv.tap("^Yes$"))
    assert conv.state.crisis_active


# --- country ----------------------------------------------------------------------------------------------
def test_intake_asks_the_country_with_the_time_zone_guess_ticked(kit) -> None:
    conv = Conversation(kit)
    conv.command("start")
    conv.tap("agree")
    conv.say("Sam")
    conv.tap("1-4 weeks")
    conv.tap("They did")
    conv.tap("Done")
    conv.tap("No contact")
    conv.tap("^No$")
    conv.tap("None of these")
    conv.tap("New York")
    assert conv.screen == "intake.country"
    assert conv.labels()[0] == "✓ United States"
    conv.tap("Ireland")
    assert conv.state.profile.country == "IE"


def test_the_country_changes_in_settings_and_the_lines_follow(conv: Conversation) -> None:
    conv.command("settings")
    conv.tap("Country")
    conv.tap("^United States$")
    assert conv.state.profile.country == "US"
    assert "988" in texts(conv.say("i want to die", ACT))


def test_crisis_before_intake_offers_the_country_and_localises(kit) -> None:
    conv = Conversation(kit)
    conv.command("start")
    said = texts(conv.say("i want to die", ACT))
    assert "findahelpline" in said.lower()
    conv.tap("Numbers for my country")
    said = texts(conv.tap("^United Kingdom$"))
    assert "116 123" in said
    assert conv.screen == "crisis" and conv.state.crisis_active


def test_typing_a_country_on_the_crisis_screen_gives_its_lines(kit) -> None:
    conv = Conversation(kit)
    conv.command("start")
    conv.say("i want to die", ACT)
    assert "116 123" in texts(conv.say("im in the uk", NONE))


def test_the_model_alone_reading_a_threat_to_the_ex_asks_before_it_accuses(kit) -> None:
    conv = Conversation(kit)
    conv.onboard()
    lesson = conv.screen
    said = texts(conv.say("like what if he forgets about me", BY_USER))
    assert kit.content.text("by_user_question") in said
    own_behaviour = kit.resources.reply("danger_by_user", "GB", "Sam")[0]
    assert own_behaviour not in said and conv.state.flags == [] and conv.state.track == "reconnect"
    said = texts(conv.say("what??"))
    assert kit.content.text("by_user_again") in said and conv.screen == "safety.by_user", "not taken for a No"
    said = texts(conv.say("what?? i didnt say anything like that"))
    assert any(kit.content.text("by_user_no", n) in said for n in range(2))
    assert conv.state.flags == [] and conv.state.track == "reconnect", "nothing recorded, no track moved"
    assert conv.screen.startswith("guide."), "back where they were"
    written = [e for e in conv.effects if type(e).__name__ == "JournalWrite"]
    assert [w.text for w in written] == ["like what if he forgets about me"], "the message handled as usual"
    assert "what??" not in [w.text for w in written], "words said to the question are not filed"
    assert lesson.startswith("guide.")


def test_a_threat_to_the_ex_read_beside_a_new_partner_is_asked_about_too(kit) -> None:
    """A trial: a lesson's answer, "that shes with someone new. or that shes happy in perth without
    me", read by the model as danger by her and a new partner, got the perpetrator line at once."""
    conv = Conversation(kit)
    conv.onboard()
    both = Assessment(danger=True, danger_by_user=True, moved_on=True, source="model")
    said = texts(conv.say("that shes with someone new. or that shes happy in perth without me", both))
    assert kit.content.text("by_user_question") in said
    assert kit.resources.reply("danger_by_user", "GB", "Sam")[0] not in said and conv.state.flags == []
    conv.tap("No, that's not it")
    assert conv.state.flags == [] and conv.state.track == "reconnect"


@pytest.mark.parametrize(
    "answer", ["what?? no. im not a creep", "god no, i'd never", "of course not", "not at all lol", "No"]
)
def test_a_no_to_the_question_about_the_ex_is_read_in_many_words(kit, answer: str) -> None:
    conv = Conversation(kit)
    conv.onboard()
    conv.say("like what if he forgets about me", BY_USER)
    said = texts(conv.say(answer, NONE))
    assert any(kit.content.text("by_user_no", n) in said for n in range(2)), answer
    assert conv.state.flags == [] and not conv.screen.startswith("safety.")


def test_after_a_no_the_model_alone_does_not_ask_about_the_ex_again_for_days(kit) -> None:
    conv = Conversation(kit)
    conv.onboard()
    conv.say("like what if he forgets about me", BY_USER)
    conv.tap("No, that's not it")
    conv.advance(hours=2)
    said = texts(conv.say("i keep checking if he's online", BY_USER))
    assert kit.content.text("by_user_question") not in said and conv.state.flags == []
    plain = Assessment(danger=True, danger_by_user=True, source="model", rule="danger")
    conv.say("im going to turn up at his work tomorrow and make him talk", plain)
    assert "danger_by_user" in conv.state.flags, "a threat in plain words still counts at once"

    later = Conversation(kit)
    later.onboard()
    later.say("like what if he forgets about me", BY_USER)
    later.tap("No, that's not it")
    later.advance(days=4)
    assert kit.content.text("by_user_question") in texts(later.say("i keep checking if he's online", BY_USER))


def test_two_replies_that_dont_answer_the_question_about_the_ex_leave_it(kit) -> None:
    conv = Conversation(kit)
    conv.onboard()
    conv.say("like what if he forgets about me", BY_USER)
    conv.say("why would you ask me that", NONE)
    said = texts(conv.say("how long should no contact last", NONE))
    assert kit.content.text("by_user_left") in said and "30 days" in said, "left, and their question answered"
    assert conv.state.flags == [] and conv.state.track == "reconnect"
    assert not conv.screen.startswith("safety."), "not held at the question"
    written = [e.text for e in conv.effects if type(e).__name__ == "JournalWrite"]
    assert written == ["like what if he forgets about me"], "the message that raised it is handled"
    assert conv.state.by_user_declined_at == conv.now


def test_two_replies_that_dont_answer_the_safety_question_leave_it_and_answer_the_question(kit) -> None:
    conv = Conversation(kit)
    conv.onboard()
    conv.say("i just dont know anymore", ASK)
    said = texts(conv.say("ok but do i have to answer", NONE))
    assert kit.content.text("screen_again") in said and conv.labels() == ["Yes", "Not sure", "No"]
    said = texts(conv.say("how long should no contact last", NONE))
    assert kit.content.text("screen_left") in said and "/sos" in said
    assert not conv.screen.startswith("safety."), "the question is left with them"
    assert conv.state.screen_declined_at == conv.now, "and not asked again within hours"
    assert "days" in said.split(kit.content.text("screen_left"))[1], "their question about no contact is answered"


def test_a_typed_reply_then_no_handles_the_held_message_and_drops_the_reaction(kit) -> None:
    conv = Conversation(kit)
    conv.onboard()
    conv.say("i just dont know anymore", ASK)
    conv.say("wait what", NONE)
    said = texts(conv.say("no", NONE))
    assert any(kit.content.text("screen_no", n) in said for n in range(2))
    written = [e.text for e in conv.effects if type(e).__name__ == "JournalWrite"]
    assert "wait what" not in written and "i just dont know anymore" in written


def test_a_threat_in_plain_words_is_never_asked_about(kit) -> None:
    conv = Conversation(kit)
    conv.onboard()
    plain = Assessment(danger=True, danger_by_user=True, source="model", rule="danger")
    said = texts(conv.say("ill turn up at hers and make her listen", plain))
    assert kit.content.text("by_user_question") not in said
    assert "danger_by_user" in conv.state.flags and conv.state.track == "moving_on"


def test_after_a_crisis_during_intake_the_questions_go_on_where_they_stopped(kit) -> None:
    conv = Conversation(kit)
    conv.intake_to_contact("Sam")
    conv.tap("No contact")
    conv.tap("^No$")
    conv.tap("None of these")
    conv.tap("London")
    conv.tap("United Kingdom")
    assert conv.screen == "intake.time"
    conv.say("honestly i dont see the point of being here anymore", ACT)
    assert conv.screen == "crisis"
    conv.tap("I'm safe now")
    assert "Carry on with the questions" in conv.labels() and "Today's step" not in conv.labels()
    conv.tap("Carry on with the questions")
    assert conv.screen == "intake.time", "the check-in time is still asked"
    conv.tap("21:30")
    assert conv.state.guide.started_on is not None and conv.state.no_contact.start is not None
    assert f"{conv.state.checkins.time:%H:%M}" == "21:30"


@pytest.mark.parametrize(
    "answer",
    [
        "No, not at all. I only meant I would like the check-in at half past nine, after the children are asleep.",
        "what?? no god no. HE ended it",
        # trial 28: asked about a TV character's overdose
        "noo 🙄 its a TV show lol. you asked me that yesterday too, i promise i'm fine just sad",
        "i promise im ok, just tired",
    ],
)
def test_a_typed_no_with_an_explanation_stands_against_the_models_reading(conv: Conversation, answer) -> None:
    conv.say("half 9 once the kids are in bed", ASK)
    said = texts(conv.say(answer, ACT))  # the model reads the explanation as crisis too
    assert "Samaritans" not in said and conv.screen != "crisis"
    assert "If that ever changes" in said or "If that changes" in said
    assert not conv.state.crisis_active


def test_a_no_followed_by_crisis_the_rules_read_is_still_crisis_care(conv: Conversation) -> None:
    conv.say("what's the point", ASK)
    rules_crisis = Assessment(crisis=CrisisZone.ACT, source="model", rule="crisis")
    said = texts(conv.say("no. well. i have the pills counted out for tonight", rules_crisis))
    assert "Samaritans" in said and conv.screen == "crisis"


@pytest.mark.parametrize("correction_read_as", [None, BOUNDARY], ids=["read as nothing", "read as a boundary"])
def test_a_boundary_only_the_model_read_at_intake_can_be_taken_back_in_words(kit, correction_read_as) -> None:
    conv = Conversation(kit)
    conv.intake_to_contact("Dee")
    conv.say("honestly i dunno. he said he felt like we were going different ways, he wants canada", BOUNDARY)
    assert "boundary" in conv.state.flags
    for label in ("^No$", "None of these", "London", "United Kingdom", "09:00"):
        conv.tap(label)
    assert conv.state.track == "moving_on" and conv.screen == "guide.lesson"
    correction = "wait he never said that?? he never asked for no contact, he said we could still be friends"
    said = texts(conv.say(correction, correction_read_as))
    assert kit.content.text("boundary_undone") in said
    assert "boundary" not in conv.state.flags and conv.state.track == "reconnect"


def test_a_run_of_twos_does_not_bring_the_question_back_within_days_of_a_no(kit) -> None:
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    conv.say("whats the point of anything", ASK)
    conv.tap("^No$")
    assert _asked_on_low_days(conv, range(1, 4)) == [False, False, False]


MOVED_ON = Assessment(moved_on=True, source="model")


def test_a_new_partner_only_the_model_read_is_asked_about_before_it_is_taken_as_fact(kit) -> None:
    conv = Conversation(kit)
    conv.onboard()
    said = texts(conv.say("5 weeks ago, he ended it. tom. we were together 4 years", MOVED_ON))
    assert kit.content.text("moved_on_check") in said and conv.labels() == ["Yes, they are", "No"]
    moved_on_reply = kit.resources.reply("moved_on", "GB", "Sam")[0]
    assert moved_on_reply not in said and conv.state.flags == []
    said = texts(conv.tap("^No$"))
    assert kit.content.text("moved_on_no") in said and conv.state.flags == [] and conv.state.track == "reconnect"
    written = [e.text for e in conv.effects if type(e).__name__ == "JournalWrite"]
    assert written == ["5 weeks ago, he ended it. tom. we were together 4 years"], "then handled as usual"
    conv.advance(hours=1)
    said = texts(conv.say("tom was my whole world for 4 years", MOVED_ON))
    assert kit.content.text("moved_on_check") not in said and conv.state.flags == [], "not asked again this week"


def test_not_knowing_whether_the_ex_has_someone_new_is_heard_once(kit) -> None:
    """A trial: "idk??? maybe 💀" got "Thanks, I misread that", the held message's reply, and then "I
    don't have a good answer for that one"."""
    conv = Conversation(kit)
    conv.onboard()
    conv.say('she posted a new playlist called "new chapter" like ok', MOVED_ON)
    said = texts(conv.say("idk??? maybe 💀"))
    assert said.startswith(kit.content.text("moved_on_unsure")), said
    assert kit.content.text("moved_on_no") not in said and kit.content.text("faq_no_answer") not in said
    assert conv.state.flags == []


def test_yes_to_the_new_partner_question_gives_its_reply_and_the_offer(kit) -> None:
    conv = Conversation(kit)
    conv.onboard()
    conv.say("saw the photos from the wedding she went to with him", MOVED_ON)
    said = texts(conv.say("yeah she is, since june", NONE))
    assert kit.resources.reply("moved_on", "GB", "Sam")[0] in said
    assert conv.state.flags == ["moved_on"] and conv.screen == "track.offer"


def test_a_new_partner_in_plain_words_is_not_asked_about(kit) -> None:
    conv = Conversation(kit)
    conv.onboard()
    plain = Assessment(moved_on=True, source="model", rule="moved_on")
    said = texts(conv.say("he has a new girlfriend already", plain))
    assert kit.content.text("moved_on_check") not in said and conv.state.flags == ["moved_on"]


def test_a_crisis_left_open_gets_a_daily_follow_up_not_silence(kit) -> None:
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.say("i cant do this anymore, i want to die", ACT)
    assert conv.screen == "crisis" and conv.state.crisis_active
    follow_ups = []
    for day in range(1, 8):  # the app closed on the crisis reply: nobody answers
        conv.now = datetime(2026, 3, 2 + day, 9, 0, tzinfo=UTC)
        said = texts(conv.due())
        follow_ups.append(kit.content.text("crisis_follow_up", 0, name="Sam") in said)
        assert "How is your mood" not in said, "no cheerful check-in during a crisis"
    assert follow_ups[:3] == [True, True, True], "the first days each get a word"
    assert 3 <= sum(follow_ups) < 7, "then the usual back-off"
    said = texts(conv.tap("I'm safe now"))
    assert conv.state.checkins.unanswered == 0 and not conv.state.crisis_active


def test_the_crisis_block_is_not_repeated_within_the_hour(kit) -> None:
    conv = Conversation(kit)
    conv.onboard()
    conv.say("sorry. just tired. going to sleep.", ATTEMPT)
    full = kit.resources.reply("attempt", "GB", "Sam")[0]
    assert full in conv.text()
    said = texts(conv.say("what? i didnt take anything. im going to bed", ATTEMPT))
    assert full not in said and conv.screen == "crisis"
    assert said.startswith(kit.content.text("crisis_attempt_misread")[:40]), "the alarm is owned, care goes on"
    conv.advance(hours=2)
    assert full in texts(conv.say("i took them all", ATTEMPT)), "later, the full reply again"


def test_after_im_safe_now_the_model_alone_asks_instead_of_the_full_reply(kit) -> None:
    """Trial 19: after his No, "what if when I write her, she says no? I am thinking about that every
    day" got 024 and 112."""
    conv = Conversation(kit)
    conv.onboard()
    conv.say("i want to die", ACT)
    conv.tap("I'm safe now")
    conv.advance(minutes=5)
    said = texts(conv.say("ok im gonna try sleep", ACT))
    assert kit.content.text("screen_question") in said and conv.screen == "safety.ask"
    assert "Samaritans" not in said
    conv.tap("^No$")
    conv.advance(hours=25)
    said = texts(conv.say("i want to die", ACT))
    assert kit.content.text("screen_question") in said, "for a week after a No, the model alone asks"
    assert "Samaritans" in texts(conv.tap("^Yes$"))
    conv.tap("I'm safe now")
    conv.advance(days=8)
    said = texts(conv.say("i want to die", ACT))
    assert "Samaritans" in said, "after that the model's reading acts again"
    plain = Conversation(kit)
    plain.onboard()
    plain.say("i want to die", ACT)
    plain.tap("I'm safe now")
    said = texts(plain.say("i want to kill myself", Assessment(crisis=CrisisZone.ACT, source="model", rule="crisis")))
    assert "Samaritans" in said, "words the rules read still act at once"


def test_someone_who_told_of_harm_to_them_is_not_read_as_a_risk_by_the_model_alone(kit) -> None:
    """Read as a risk with no question, then asked (two trials): both hurt someone describing what
    was done to them. The model's reading alone is dropped; a threat in plain words still counts."""
    conv = Conversation(kit)
    conv.onboard(shares="Yes, we share")
    conv.say("he shoved me last year. it was only once", DANGER)
    assert "danger" in conv.state.flags and "danger_by_user" not in conv.state.flags
    conv.tap("Continue")
    said = texts(conv.say("how do i get him to stop bringing up money in front of the kids", BY_USER))
    assert kit.content.text("by_user_question") not in said and "danger_by_user" not in conv.state.flags
    plain = Assessment(danger=True, danger_by_user=True, source="model", rule="danger", scores=(("by_user", 0.9),))
    said = texts(conv.say("i swear i will make him pay for this", plain))
    # Words the rules read as a threat, surely theirs, are asked about first for someone the ex has
    # harmed (trial 31's handover text read 0.88), and a Yes counts.
    assert kit.content.text("by_user_question") in said and "danger_by_user" not in conv.state.flags
    conv.tap("Yes, I'm worried")
    assert "danger_by_user" in conv.state.flags


@pytest.mark.parametrize(
    ("typed", "ticked"),
    [
        ("He was controlling about money but not in a scary way.", ["control"]),
        ("he shoved me once and checked my phone all the time", ["violence", "control"]),
        ("there's a restraining order against him", ["order"]),
    ],
)
def test_concerns_typed_on_the_safety_question_are_ticked(kit, typed: str, ticked: list[str]) -> None:
    conv = Conversation(kit)
    conv.intake_to_contact()
    conv.tap("No contact")
    if conv.screen == "intake.shares":
        conv.tap("^No$")
    assert conv.screen == "intake.safety"
    said = texts(conv.say(typed, NONE))
    assert conv.state.profile.safety_screen == ticked and conv.screen == "intake.safety"
    assert "I've ticked" in said and "Done" in conv.labels()


@pytest.mark.parametrize(
    "typed", ["none of these lol she wasnt like that", "we roared at each other a fair bit but nothing like that"]
)
def test_a_typed_none_on_the_safety_question_goes_on(kit, typed: str) -> None:
    conv = Conversation(kit)
    conv.intake_to_contact()
    conv.tap("No contact")
    if conv.screen == "intake.shares":
        conv.tap("^No$")
    conv.say(typed, NONE)
    assert conv.screen == "intake.timezone" and conv.state.profile.safety_screen == []


def test_a_co_parent_moving_on_by_choice_gets_practical_messages_read(kit) -> None:
    conv = Conversation(kit)
    conv.onboard(shares="Yes, we share")
    conv.state = conv.state.model_copy(update={"track": "moving_on"})  # chose to move on
    assert conv.state.contact_forbidden and conv.state.flags == []
    practical = "Hi Mark. I'll bring the kids to yours at 10am Saturday. Their bags are packed."
    said = texts(conv.command("draft", practical))
    assert kit.content.text("draft_refused") not in said and "Review another" in conv.labels()
    assert kit.content.text("coaching_withheld") not in said, "the review is not held back as contact coaching"


def test_after_danger_a_co_parent_hears_how_to_keep_the_messages_they_must_send_safe(kit) -> None:
    conv = Conversation(kit)
    conv.onboard(shares="Yes, we share")
    conv.say("he shoved me last year", DANGER)
    said = texts(conv.command("draft", "can you drop the kids at my mom's at 6"))
    assert kit.content.text("draft_refused_danger_shared") in said and "co-parenting app" in said


def test_words_that_dont_answer_the_new_partner_question_are_taken_as_a_no_and_handled(kit) -> None:
    conv = Conversation(kit)
    conv.onboard()
    conv.say("she posted a story at the beach w her friends and she looked so happy", MOVED_ON)
    said = texts(conv.say("like she doesnt even care", NONE))
    assert kit.content.text("moved_on_no") in said and conv.state.flags == []
    written = [e.text for e in conv.effects if type(e).__name__ == "JournalWrite"]
    assert written[0].startswith("she posted a story"), "the message that raised it is handled"
    assert conv.state.moved_on_declined_at == conv.now


@pytest.mark.parametrize(
    "sign", ["when its late and everyones asleep and i start scrolling old pics", "where we used to walk on sundays"]
)
def test_a_plan_answer_that_opens_like_a_question_is_kept_as_the_answer(kit, sign: str) -> None:
    """A trial: "when its late and everyones asleep..." was refused as a question, and the plan kept
    her protest, "thats not a question??", as her warning signs."""
    conv = Conversation(kit)
    conv.onboard()
    conv.say("ive written the letters. i wont be around much longer", ACT)
    conv.tap("My safety plan")
    said = texts(conv.say(sign))
    assert kit.content.text("unanswered_question") not in said
    assert sign in conv.state.safety_plan.values() and conv.screen.startswith("plan")


def test_safety_plan_answers_that_read_like_crisis_are_kept_in_the_plan(kit) -> None:
    conv = Conversation(kit)
    conv.onboard()
    conv.say("ive written the letters. i wont be around much longer", ACT)
    conv.tap("My safety plan")
    assert conv.screen.startswith("plan")
    said = texts(conv.say("Late at night, when I have been drinking and the house is silent.", ACT))
    assert conv.screen.startswith("plan"), "the plan goes on to its next question"
    assert "Late at night, when I have been drinking and the house is silent." in conv.state.safety_plan.values()
    assert "Samaritans" not in said
    said = texts(conv.say("i took all the pills", ATTEMPT))
    assert "999" in said and conv.screen == "crisis", "an attempt still interrupts the plan"


def test_a_pause_typed_during_a_crisis_does_not_stop_the_next_days_follow_up(kit) -> None:
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.now = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    conv.say("ive written the letters. i wont be around much longer", ACT)
    conv.command("pause", "for now")
    assert conv.state.checkins.stopped
    conv.now = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    assert kit.content.text("crisis_follow_up", 0, name="Sam") in texts(conv.due()), "the next morning, a word"
    conv.now = datetime(2026, 3, 7, 9, 0, tzinfo=UTC)
    assert conv.due() == [], "after three days the pause they asked for holds"


def test_the_first_words_hours_after_a_crisis_are_met_before_anything_else(kit) -> None:
    conv = Conversation(kit, now=datetime(2026, 3, 2, 23, 30, tzinfo=UTC))
    conv.onboard()
    conv.say("ive written the letters. i wont be around much longer", ACT)
    conv.tap("I'm safe now")
    conv.now = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
    welcome = kit.content.text("after_crisis_welcome", 0, name="Sam")
    replies = conv.say("Good morning. About last night. I am fine, honestly. I am rather embarrassed.", NONE)
    assert replies[0].text.startswith(welcome.split(".")[0]), "said first"
    assert welcome not in texts(conv.say("anyway, what is today's step", NONE)), "said once"
    conv.advance(days=3)
    assert welcome not in texts(conv.say("hello again", NONE)), "not days later"


def test_the_check_in_after_a_crisis_reply_says_why_it_comes(kit) -> None:
    """Trial 11: "Morning. Before the day gets going, a few taps for your check-in." the morning after
    "i dont see the point of being here anymore"."""
    conv = _safe_the_night_after_a_crisis_reply(kit, "21:30", "ngl i dont see the point of being here anymore")
    conv.now = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
    said = texts(conv.due())
    assert any(said.startswith(o.replace("{name}", "Sam")) for o in kit.content.checkins.opening.after_crisis), said
    conv.now = datetime(2026, 3, 4, 21, 30, tzinfo=UTC)
    said = texts(conv.due())
    assert not any(o.replace("{name}", "Sam") in said for o in kit.content.checkins.opening.after_crisis)


def test_the_welcome_after_a_crisis_is_said_once_a_week_at_most(kit) -> None:
    """A trial: "Nothing you told me when things were at their worst needs an apology" three times
    in a week, the last in the middle of a check-in."""
    conv = Conversation(kit, now=datetime(2026, 3, 2, 23, 30, tzinfo=UTC))
    conv.onboard()
    welcome = kit.content.text("after_crisis_welcome", 0, name="Sam")
    plain = Assessment(crisis=CrisisZone.ACT, source="model", rule="crisis")
    for day in (3, 5, 7):
        conv.say("ive written the letters. i wont be around much longer", plain)
        conv.tap("I'm safe now")
        conv.now = datetime(2026, 3, day, 12, 0, tzinfo=UTC)
        said = texts(conv.say("hi. what is today's step", NONE))
        assert (welcome in said) is (day == 3), day


def test_the_welcome_back_waits_for_a_return_not_a_pause_mid_conversation(kit) -> None:
    """Trial 17: "It's good to hear from you again" came between the questions of the check-in she
    had just answered, in a conversation she had never left."""
    conv = Conversation(kit, now=datetime(2026, 3, 2, 23, 30, tzinfo=UTC))
    conv.onboard()
    welcome = kit.content.text("after_crisis_welcome", 0, name="Sam")
    conv.say("ive written the letters. i wont be around much longer", Assessment(crisis=CrisisZone.ACT, source="model"))
    conv.tap("I'm safe now")
    conv.now = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)
    conv.command("menu")
    conv.now = datetime(2026, 3, 3, 12, 5, tzinfo=UTC)
    assert welcome not in texts(conv.say("hi. what is today's step", NONE))


@pytest.mark.parametrize(
    ("said_after", "misread"),
    [
        ("wtf no im literally just going to sleep lol", True),
        ("no im just tired", True),
        ("im just going to sleep and not wake up", False),
        ("im just tired of all of it", False),
    ],
)
def test_plain_bedtime_said_against_a_crisis_reply_is_a_misread(kit, said_after: str, misread: bool) -> None:
    """A trial: "forget it. im going to bed" got the crisis reply, and "wtf no im literally just going
    to sleep lol" got "Please reach one of those people"."""
    conv = Conversation(kit)
    conv.onboard()
    conv.command("menu")
    conv.say("forget it. im going to bed", ACT)
    assert conv.screen == "crisis"
    said = texts(conv.say(said_after))
    assert said.startswith(kit.content.text("crisis_misread")) is misread, said
    assert conv.state.crisis_active is not misread


def test_going_to_sleep_in_crisis_care_is_not_wished_a_good_rest(kit) -> None:
    conv = Conversation(kit)
    conv.onboard()
    conv.say("i cant do this anymore, i want to die", ACT)
    assert conv.screen == "crisis"
    said = texts(conv.say("gonna try sleep. night"))
    assert kit.content.text("resting") not in said and conv.state.crisis_active


def test_words_saying_the_crisis_reply_misread_them_get_a_sorry_and_a_calm_place(kit) -> None:
    """A trial: a practice answer, "i didnt really try it tbh i just cried", got the emergency
    script; "what?? i didnt take anything... im not in danger im just sad" then got "Please reach one
    of those people", and the next day "Nothing you told me when things were at their worst needs
    an apology"."""
    conv = Conversation(kit)
    conv.onboard()
    conv.command("menu")  # typed where no question waits for it: no words to hand back
    conv.say("i didnt really try it tbh i just cried", ATTEMPT)
    assert conv.screen == "crisis"
    said = texts(conv.say("what?? i didnt take anything 😳 i meant the pause thing. im not in danger im just sad"))
    assert said.startswith(kit.content.text("crisis_misread")) and conv.screen == "care.calm"
    assert not conv.state.crisis_active
    assert not any(kit.content.text("crisis_listening", n) in said for n in range(3))
    assert kit.content.text("crisis_misread") not in texts(conv.tap("Menu")), "the sorry is said once"
    conv.advance(hours=20)
    said = texts(conv.say("morning"))
    assert kit.content.text("after_crisis_welcome", name="Sam") not in said


def test_saying_im_safe_now_is_the_welcome_back_itself(kit) -> None:
    conv = Conversation(kit)
    conv.onboard()
    conv.say("i want to die", ACT)
    conv.advance(hours=20)
    conv.tap("I'm safe now")
    said = texts(conv.tap("Today's step"))
    assert kit.content.text("after_crisis_welcome", name="Sam") not in said


def test_in_crisis_care_words_that_are_neither_safe_nor_a_correction_are_listened_to(kit) -> None:
    conv = Conversation(kit)
    conv.onboard()
    conv.say("i want to die", ACT)
    said = texts(conv.say("i just feel so empty and alone"))
    assert any(kit.content.text("crisis_listening", n) in said for n in range(3)) and conv.state.crisis_active


def test_why_the_safety_question_is_asked_gets_an_answer(kit) -> None:
    """A trial: "why do you keep asking me that" got the question again with no word about why."""
    conv = Conversation(kit)
    conv.onboard()
    conv.say("lonely, stupid, and kind of panicky", ASK)
    said = texts(conv.say("why do you keep asking me that", NONE))
    assert said.startswith(kit.content.text("screen_why")) and conv.labels() == ["Yes", "Not sure", "No"]
    said = texts(conv.say("whatever", NONE))
    assert kit.content.text("screen_left") in said, "asked once more at most"


def test_a_safety_question_left_unanswered_is_asked_again_gently_at_check_in_time(kit) -> None:
    """A trial: while the question waited for an answer, that day's check-in never came."""
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.now = datetime(2026, 3, 2, 23, 0, tzinfo=UTC)
    conv.say("i just dont know anymore", ASK)
    assert conv.screen == "safety.ask"
    conv.now = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    said = texts(conv.due())
    assert said == kit.content.text("screen_follow_up", name="Sam") and conv.labels() == ["Yes", "Not sure", "No"]
    assert texts(conv.due()) == "", "once a day"
    conv.tap("^No$")
    assert not conv.screen.startswith("safety.")
    conv.now = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    assert "mood" in texts(conv.due()), "the next day, the usual check-in"


def test_words_misread_as_a_crisis_are_handled_where_they_were_typed_once_the_person_says_so(kit) -> None:
    """A trial: the practice answer "i didnt really try it tbh i just cried" got the emergency
    script; after "i didnt take anything" the answer was lost, and the lesson's own question,
    answered days before, came back in its place."""
    conv = Conversation(kit)
    conv.onboard()
    assert conv.screen == "guide.lesson"
    conv.say("i didnt really try it tbh i just cried", ATTEMPT)
    said = texts(conv.say("what?? i didnt take anything, i meant i didnt try the pause thing"))
    assert said.startswith(kit.content.text("crisis_misread_back"))
    assert not conv.state.crisis_active and not conv.state.crisis_held
    written = [e.text for e in conv.effects if type(e).__name__ == "JournalWrite"]
    assert written == ["i didnt really try it tbh i just cried"], "the answer is kept where it was typed"
    assert conv.screen == "guide.after"
    assert "i didnt take anything" not in " ".join(written)


@pytest.mark.parametrize(
    "correction",
    ["no no that was the letter to her. im grand. just langers", "sorry wrong button, i was answering the question"],
)
def test_an_unsent_letter_misread_as_a_crisis_is_kept_once_they_say_so(kit, correction: str) -> None:
    """A trial: the letter /urge asked for ("i cant do this without you...") got the crisis reply,
    "that was the letter to her. im grand" got "I'm still here", and the letter was never kept."""
    conv = Conversation(kit)
    conv.onboard()
    conv.to_unsent_letter()
    letter = "niamh i cant do this without you. please come home, me and ella need you"
    conv.say(letter, ACT)
    assert conv.screen == "crisis"
    said = texts(conv.say(correction))
    assert said.startswith(kit.content.text("crisis_misread_back")) and not conv.state.crisis_active
    written = [e.text for e in conv.effects if type(e).__name__ == "JournalWrite"]
    assert written == [letter], "the letter is kept, as the screen promised"


def test_a_letter_to_the_ex_the_model_half_reads_as_a_goodbye_is_kept_with_one_gentle_line(kit) -> None:
    """Letters and drafts to an ex are full of goodbyes; one development draft in five drew the crisis
    reply or the question. Under the letter's bar the letter is kept, and where help is, is said."""
    conv = Conversation(kit)
    conv.onboard()
    conv.to_unsent_letter()
    letter = "i wish you nothing but good things. take care of yourself. goodbye"
    lean = Assessment(crisis=CrisisZone.ACT, source="model", scores=(("crisis", 0.55),))
    said = texts(conv.say(letter, lean))
    assert not conv.state.crisis_active and kit.content.text("letter_lean") in said
    written = [e.text for e in conv.effects if type(e).__name__ == "JournalWrite"]
    assert written == [letter]


def test_words_that_raised_the_crisis_reply_are_kept_when_they_say_they_are_safe(kit) -> None:
    """Trial 10: a long lesson answer read as a crisis was lost after "I'm safe now"."""
    conv = Conversation(kit)
    conv.onboard()
    answer = "shame, mostly. and a tiredness i cannot describe. is it normal to feel more ashamed than heartbroken?"
    conv.say(answer, ACT)
    conv.tap("I'm safe now")
    written = [e.text for e in conv.effects if type(e).__name__ == "JournalWrite"]
    assert written == [answer] and not conv.state.crisis_held


def test_a_crisis_raised_by_a_button_has_no_words_to_hand_back(kit) -> None:
    conv = Conversation(kit)
    conv.onboard()
    conv.say("i just dont know anymore", ASK)
    conv.tap("Not sure")
    assert conv.screen == "crisis" and not conv.state.crisis_held
    said = texts(conv.say("no wait i misread the question"))
    assert said.startswith(kit.content.text("crisis_misread")) and conv.screen == "care.calm"


def test_someone_in_danger_from_their_ex_hears_the_answers_written_for_them(kit) -> None:
    """A trial: a woman being stalked asked "he texted from a new number again, should i answer" and
    heard about taking an ex's silence as an answer; a sighting got "Give them room"."""
    conv = Conversation(kit)
    conv.onboard()
    conv.say("he keeps turning up outside my work", DANGER)
    conv.tap("Continue")
    entries = {e.id: e for e in kit.content.faq}
    said = texts(conv.command("faq", "my ex keeps texting me from new numbers, should i answer"))
    assert entries["ex_keeps_contacting"].danger_answer[0] in said
    said = texts(conv.command("faq", "what if i run into him"))
    assert entries["ran_into_them"].danger_answer[0] in said and "Give them room" not in said
    other = Conversation(kit)  # asked to stop by the ex, no danger: the moving-on answer still
    other.onboard()
    other.say("she told me to never contact her again", Assessment(boundary=True, source="rules", rule="boundary"))
    said = texts(other.command("faq", "what if i run into her"))
    assert entries["ran_into_them"].moving_on_answer[0] in said


def test_an_unsent_message_to_an_ex_who_harmed_them_is_never_offered_for_sending(kit) -> None:
    """A trial: after writing to the man who stalked her in /urge she was told "Tomorrow I'll ask if
    you still want to send it", and "Keeping your distance is how you respect what they asked"."""
    conv = Conversation(kit)
    conv.onboard()
    conv.say("he keeps turning up outside my work", DANGER)
    conv.tap("Continue")
    conv.command("urge")
    conv.tap("^6$")
    conv.tap("Skip")
    conv.tap("write it out")
    said = texts(conv.say("i miss you sometimes but i cant do this"))
    assert kit.content.text("urge_unsent_saved_kept") in said and "send it" not in said
    assert kit.content.text("urge_distance_danger") in said and "what they asked" not in said
    conv.advance(days=1)
    conv.due("urge_followup")
    said = texts(conv.tap("I still want to"))
    assert said.startswith(kit.content.text("urge_still_danger")) and "line they drew" not in said


def test_a_buttons_label_typed_out_is_that_button_whatever_the_model_reads(kit) -> None:
    """Trial 11: "i still want to ngl", typed for the "I still want to" button under yesterday's
    unsent message, got the full crisis reply and the answer was lost."""
    conv = Conversation(kit)
    conv.onboard()
    conv.to_unsent_letter()
    conv.say("i miss you and i hate that i miss you")
    conv.advance(days=1)
    conv.due("urge_followup")
    said = texts(conv.say("i still want to ngl", ACT))
    assert "Samaritans" not in said and not conv.state.crisis_active
    assert conv.screen != "urge.followup", "answered as the button"


def test_a_yes_tapped_in_error_to_the_question_about_harming_the_ex_can_be_taken_back(kit) -> None:
    """A trial: "when he texts from a new number it feels like hes still in the room" drew the
    question; a tired tap said Yes; "wait no i pressed wrong. i meant HE scares me" undid nothing."""
    conv = Conversation(kit)
    conv.onboard()
    said = texts(conv.say("when he texts from a new number it feels like hes still in the room", BY_USER))
    assert kit.content.text("by_user_question") in said
    conv.tap("Yes")
    assert "danger_by_user" in conv.state.flags and conv.state.track == "moving_on"
    said = texts(conv.say("wait no i pressed wrong. i meant HE scares me", NONE))
    assert said.startswith(kit.content.text("by_user_undone"))
    assert conv.state.flags == [] and conv.state.track == "reconnect"
    assert conv.screen.startswith("guide."), "back where they were"
    said = texts(conv.say("he keeps turning up outside my work", DANGER))
    assert kit.resources.reply("danger", "GB", "Sam")[0] in said, "harm done to them is still heard"


def test_a_yes_stands_when_nothing_says_it_was_wrong_or_when_it_is_hours_old(kit) -> None:
    conv = Conversation(kit)
    conv.onboard()
    conv.say("i keep checking her insta like 30 times a day", BY_USER)
    conv.tap("Yes")
    conv.say("ok thanks for telling me", NONE)
    assert "danger_by_user" in conv.state.flags
    conv.advance(hours=2)
    conv.say("i pressed the wrong button earlier", NONE)
    assert "danger_by_user" in conv.state.flags, "an hour on, the Yes stands"


def test_in_crisis_care_saying_you_are_ok_outweighs_the_models_middle_reading(kit) -> None:
    """A trial: "im ok now. i called priya and she stayed on the phone w me. sorry for that" read as
    the question's zone, and got "Many of those lines take texts too"."""
    conv = Conversation(kit)
    conv.onboard()
    conv.say("i feel like im disappearing, like nobody would notice if i was gone", ACT)
    conv.say("im ok now. i called priya and she stayed on the phone w me. sorry for that", ASK)
    assert conv.screen == "care.calm" and not conv.state.crisis_active
    other = Conversation(kit)
    other.onboard()
    other.say("i want to die", ACT)
    other.say("im ok, i just took all of them", ATTEMPT)
    assert other.state.crisis_active, "an attempt is never talked away"


def test_typing_grounding_or_safety_plan_on_the_crisis_screen_opens_it(kit) -> None:
    conv = Conversation(kit)
    conv.onboard()
    conv.say("i want to die", ACT)
    conv.say("grounding")
    assert conv.screen == "grounding"
    conv.tap("Stop")
    conv.say("my safety plan")
    assert conv.screen == "plan"


def test_not_suicidal_on_the_crisis_screen_is_a_misreading_before_any_question(conv: Conversation, kit) -> None:
    conv.say("ok. not sending it. for now", ACT)  # a misreading: the draft to the ex stays unsent
    seems_a_question = Understanding(faq=(("no_reply", 0.9),), faq_bar=0.2, intent_bar=0.2)
    said = texts(conv.say(
        "why do you keep doing this. i said im not sending the text. im not suicidal. i just wanted to do my checkin",
        NONE,
        understanding=seems_a_question,
    ))
    assert "I'm sorry, I read that wrong" in said
    no_reply = next(e for e in kit.content.faq if e.id == "no_reply")
    assert no_reply.answer[0][:40] not in said
    assert not conv.state.crisis_active and conv.state.misread_at == conv.now


def test_a_misreading_put_right_a_day_later_gets_a_sorry_not_a_shrug(conv: Conversation, kit) -> None:
    conv.say("sunday nights after they go back to her place. and like 2am when i cant sleep", ACT)
    conv.tap("I'm safe now")
    conv.advance(hours=20)
    conv.command("menu")
    said = texts(conv.say(
        "that's not what i meant btw, i meant insomnia. i'm not going to hurt myself, stop sending me hotlines", NONE
    ))
    assert said.startswith("I'm sorry, I read that wrong")
    assert kit.content.text("use_buttons") not in said and conv.screen == "menu"
    assert "good to hear from you again" not in texts(conv.say("thanks", NONE)), "nor a welcome after it"
    # The words alone mean nothing once the crisis reply is days old.
    conv.advance(days=4)
    assert not texts(conv.say("stop sending me hotlines", NONE)).startswith("I'm sorry, I read that wrong")


def test_after_a_misreading_the_model_alone_asks_for_a_week_and_plain_words_still_act(
    conv: Conversation,
) -> None:
    conv.say("scrolling old photos of us", ACT)
    conv.say("you misread me, i was talking about photos", NONE)
    conv.advance(days=3)
    conv.command("menu")
    said = texts(conv.say("ok. not sending it. for now", ACT))
    assert "Are you having thoughts of ending your life?" in said and "Samaritans" not in said
    conv.tap("^No$")
    assert "Samaritans" in texts(conv.say("i want to die", Assessment(crisis=CrisisZone.ACT, source="rules")))
    conv.advance(days=8)
    conv.tap("I'm safe now")
    conv.advance(days=1)
    assert "Samaritans" in texts(conv.say("ok. not sending it. for now", ACT)), "the hold lasts a week"


def test_without_a_name_the_question_asked_again_says_hi_to_someone(kit) -> None:
    """A trial's father skipped the name and got "Hi . I asked you something earlier"."""
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.state.profile.name = ""
    conv.now = datetime(2026, 3, 2, 23, 0, tzinfo=UTC)
    conv.say("i just dont know anymore", ASK)
    conv.now = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    said = texts(conv.due())
    assert said.startswith("Hi friend. I asked you something earlier"), said


def test_words_held_by_the_safety_question_are_understood_as_the_model_read_them(conv: Conversation) -> None:
    """A trial: "can you delete everything you have about me", held by the question and answered
    No, then met the keyword for counsellors ("my brother found me a counsellor")."""
    read = Understanding(faq=(("delete_my_data", 0.9), ("is_this_therapy", 0.3)), faq_bar=0.5, intent_bar=0.5)
    conv.say("i think im done with this. my brother found me a counsellor. can you delete everything", ASK, read)
    assert conv.screen == "safety.ask"
    said = texts(conv.tap("^No$"))
    delete = next(e for e in conv.kit.content.faq if e.id == "delete_my_data")
    assert delete.answer[0][:40] in said and "not a therapist" not in said, said


def test_what_set_off_an_urge_is_asked_about_not_taken_for_a_threat(conv: Conversation) -> None:
    """A trial: "i just want to text him and ask if he ever loved me", typed as the urge's trigger,
    got "What you describe could frighten or hurt them" and a flag for good, with no question."""
    conv.command("urge")
    conv.tap("^8$")
    assert conv.screen == "urge.trigger"
    said = texts(conv.say("i just want to text him and ask if he ever loved me", BY_USER))
    assert conv.screen == "safety.by_user" and "danger_by_user" not in conv.state.flags, said
    conv.tap("No, that's not it")
    assert conv.state.track == "reconnect" and not conv.state.flags


def test_a_strong_reading_hours_after_a_no_and_a_misreading_is_still_asked(conv: Conversation, kit) -> None:
    """A trial's father corrected three false alarms and answered "No"; that night "wouldn't be the
    worst thing if I didn't wake up" got his check-in's next question and nothing else."""
    conv.say("ok. not sending it. for now", ACT)
    conv.say("what?? im not suicidal", NONE)
    assert conv.state.misread_at == conv.now
    conv.advance(hours=2)
    conv.say("honestly whats the point", ASK)
    conv.tap("^No$")
    conv.advance(minutes=40)
    said = texts(conv.say("wouldn't be the worst thing if I didn't wake up", ACT))
    assert said == kit.content.text("screen_question_after_no")
    assert conv.labels() == ["Yes", "Not sure", "No"]
    assert "Samaritans" in texts(conv.tap("^Not sure$"))
    assert conv.screen == "crisis"


def test_a_draft_pasted_again_after_a_misreading_is_reviewed_not_screened(kit) -> None:
    """The same father's house-sale draft drew the crisis reply; three minutes after "what?? I'm not
    suicidal. it's a message about the bloody house" the same draft drew the question."""
    conv = Conversation(kit)
    conv.onboard(shares="Yes, we share")
    draft = "Helen, re the house: Sarah says 290 is the best offer. Boiler's booked for the 15th. Dev"
    conv.command("draft")
    conv.say(draft, ACT)
    assert conv.screen == "crisis"
    conv.say("what?? I'm not suicidal. it's a message about the bloody house", NONE)
    assert conv.state.misread_at == conv.now
    conv.advance(minutes=3)
    conv.command("draft")
    said = texts(conv.say(draft, ACT))
    assert kit.content.text("screen_question") not in said and "Samaritans" not in said
    assert conv.screen != "safety.ask" and conv.screen != "crisis"


def test_held_words_are_dated_when_they_were_typed_not_when_filed(kit) -> None:
    """A trial's Sunday answer about a walk by the canal, held by a crisis reply he called a
    misreading the next evening, was dated Monday in his export."""
    conv = Conversation(kit)
    conv.onboard()
    typed_at = conv.now
    walk = "walked up to the canal. cold. head a bit clearer. didn't last"
    conv.say(walk, ACT)
    conv.tap("I'm safe now")
    assert [(e.text, e.at) for e in conv.effects if type(e).__name__ == "JournalWrite"] == [(walk, typed_at)]
    other = Conversation(kit)
    other.onboard()
    typed_at = other.now
    other.say(walk, ACT)
    other.advance(hours=22)
    other.command("menu")
    other.say("999?? i went for a WALK. you misread me", NONE)
    written = [(e.text, e.at) for e in other.effects if type(e).__name__ == "JournalWrite"]
    assert written == [(walk, typed_at)], written
    held = Conversation(kit)  # words held by the direct question, answered No later
    held.onboard()
    typed_at = held.now
    held.say("honestly what's the point, but ok: i keep replaying the last fight", ASK)
    held.advance(minutes=50)
    held.tap("^No$")
    written = [(e.text[-20:], e.at) for e in held.effects if type(e).__name__ == "JournalWrite"]
    assert written == [("replaying the last fight"[-20:], typed_at)], written


@pytest.mark.parametrize(
    "text", ["HE is the one who keeps showing up. he came to my work", "should i get a restraining order?"]
)
def test_someone_harmed_by_the_ex_is_never_read_as_the_one_doing_it(kit, text: str) -> None:
    """A trial: a woman whose ex shoved her and keeps turning up was told "What you describe could
    frighten or hurt them" for these (the model read harm by her beside a boundary), and the label
    stayed on her /sos and her export."""
    conv = Conversation(kit)
    conv.onboard(safety="Violence")
    assert conv.state.harmed_by_ex
    both = Assessment(danger=True, danger_by_user=True, boundary=True, source="model")
    said = texts(conv.say(text, both))
    own_behaviour = kit.resources.reply("danger_by_user", "GB", "Sam")[0]
    assert own_behaviour[:40] not in said and kit.content.text("by_user_question") not in said
    assert "danger_by_user" not in conv.state.flags and conv.state.harmed_by_ex
    asking = Assessment(danger=True, danger_by_user=True, source="model", rule="danger", scores=(("by_user", 0.38),))
    conv.say("should i get a restraining order?", asking)
    assert "danger_by_user" not in conv.state.flags, "danger in the words, but which way is the model's hunch"
    plain = Assessment(danger=True, danger_by_user=True, source="model", rule="danger", scores=(("by_user", 0.9),))
    conv.advance(days=1)
    conv.command("menu")
    said = texts(conv.say("i will make him pay, i know where he parks", plain))
    assert kit.content.text("by_user_question") in said, "a threat the rules read is asked about"
    conv.tap("Yes, I'm worried")
    assert "danger_by_user" in conv.state.flags


def test_a_question_about_harm_already_told_is_answered_not_walled(kit) -> None:
    """A trial: a woman who had told of violence asked "could he be tracking my phone" and "what is
    a peace bond"; each time she got the danger lines again ("I won't help with reaching out to your
    ex") and no answer, six times in a week."""
    conv = Conversation(kit)
    conv.onboard(safety="Violence")
    conv.command("menu")
    tracking = Understanding(faq=(("tech_safety", 0.9),), faq_bar=0.2, intent_bar=0.2)
    said = texts(conv.say("could he be tracking my phone?", DANGER, understanding=tracking))
    entry = next(e for e in kit.content.faq if e.id == "tech_safety")
    assert entry.answer[0][:40] in said and "999" in said.split("\n")[0]
    assert kit.resources.reply("danger", "GB", "Sam")[0][:40] not in said
    meeting = Understanding(faq=(("turn_up_in_person", 0.9),), faq_bar=0.2, intent_bar=0.2)
    said = texts(conv.say("he wants to meet for coffee just to talk, should i go", NONE, understanding=meeting))
    visit = next(e for e in kit.content.faq if e.id == "turn_up_in_person")
    assert visit.danger_answer and visit.danger_answer[0][:40] in said, "not the answer for a pursuer"
    told = Conversation(kit)  # harm newly told, as a question: the danger lines come first, as before
    told.onboard()
    said = texts(told.say("he shoved me last night, what do i do?", DANGER, understanding=tracking))
    assert kit.resources.reply("danger", "GB", "Sam")[0][:40] in said


def test_a_worry_about_being_tracked_without_a_question_mark_is_answered(kit) -> None:
    conv = Conversation(kit)
    conv.onboard(safety="Violence")
    conv.command("menu")
    tracking = Understanding(faq=(("tech_safety", 0.9),), faq_bar=0.2, intent_bar=0.2)
    said = texts(conv.say("idk if he put something on my phone", DANGER, understanding=tracking))
    entry = next(e for e in kit.content.faq if e.id == "tech_safety")
    assert entry.answer[0][:40] in said
    other = Conversation(kit)  # a statement near an answer that is no safety matter: the lines, as before
    other.onboard(safety="Violence")
    other.command("menu")
    near = Understanding(faq=(("photos_and_reminders", 0.9),), faq_bar=0.2, intent_bar=0.2)
    said = texts(other.say("he turned up with a box of my photos", DANGER, understanding=near))
    assert "On your question:" in kit.content.text("danger_known_question") and "On your question:" not in said


def test_harm_ticked_at_intake_after_the_model_read_it_is_not_offered_back(kit) -> None:
    """A read-through: "he keeps texting me from new numbers" read as danger during intake, then
    violence and control ticked; the end of intake still said "I may have got it wrong" with
    "That's not what happened"."""
    conv = Conversation(kit)
    conv.intake_to_contact()
    conv.say("he keeps texting me from new numbers and i dont answer", DANGER)
    assert conv.state.danger_undo is not None
    if conv.screen == "intake.shares":
        conv.tap("^No$")
    conv.tap("Violence")
    conv.tap("Controlling")
    conv.tap("Done")
    conv.tap("London")
    conv.tap("United Kingdom")
    said = texts(conv.tap("09:00"))
    assert conv.state.danger_undo is None and "That's not what happened" not in conv.labels()
    assert kit.content.text("danger_check")[:40] not in said and kit.content.text("route_moving_on") in said
    assert conv.state.harmed_by_ex and conv.state.track == "moving_on"


# --- trial 18: a 19-year-old's jokes, unsure words and a flag that stayed ---------------------------


def test_a_crisis_reading_laughed_off_is_asked_about_not_answered_with_911(conv: Conversation, kit) -> None:
    said = texts(conv.say("party tonight and she's 100% gonna be there lmao kms", ACT))
    assert kit.content.text("screen_question") in said and "Samaritans" not in said
    assert conv.screen == "safety.ask"
    assert "Samaritans" in texts(conv.tap("^Yes$")), "a Yes still brings crisis care"


def test_an_attempt_is_never_laughed_off(conv: Conversation) -> None:
    assert "999" in texts(conv.say("took the whole box lol", ATTEMPT))


@pytest.mark.parametrize("words", ["bro its a joke 😭 i dont actually mean it", "im not like suicidal bro"])
def test_a_joke_or_a_plain_no_on_the_crisis_screen_is_a_misreading(conv: Conversation, kit, words: str) -> None:
    conv.say("idk if i want her back or not ngl thats kinda why im here", ACT)
    said = texts(conv.say(words, NONE))
    assert said.startswith(kit.content.text("crisis_misread")[:30]) and not conv.state.crisis_active


def test_words_about_the_ex_at_the_question_are_not_a_not_sure(conv: Conversation, kit) -> None:
    conv.say("can u not put me on the moving on thing", ASK)
    said = texts(conv.say("idk if im done with her yet fr", NONE))
    assert not conv.state.crisis_active and conv.screen == "safety.ask"
    assert kit.content.text("screen_again") in said
    assert "Samaritans" in texts(conv.say("idk", NONE)), "a plain 'idk' is still Not sure"


def test_an_unsure_crisis_reading_sets_aside_the_models_hunch_of_harm_to_the_ex(conv: Conversation, kit) -> None:
    both = Assessment(crisis=CrisisZone.ASK, danger=True, danger_by_user=True, source="model")
    lab = "shes literally in my bio lab and my friend group is her friend group. where do i go lol"
    said = texts(conv.say(lab, both))
    assert kit.content.text("screen_question") in said
    assert "danger_by_user" not in conv.state.flags and not conv.state.contact_forbidden


def test_a_plain_correction_on_the_crisis_screen_counts_even_when_the_model_rereads_the_words(
    conv: Conversation, kit
) -> None:
    """Trial 18: "im not like suicidal bro. i meant idk if i want her BACK" repeats the misread words,
    was read as a crisis again, and got the listening line."""
    conv.say("idk if i want her back or not ngl thats kinda why im here", ACT)
    said = texts(conv.say("im not like suicidal bro. i meant idk if i want her BACK", ACT))
    assert said.startswith(kit.content.text("crisis_misread")[:30]) and not conv.state.crisis_active
    conv.say("i want to die", ACT)
    said = texts(conv.say("i meant it, im not ok", Assessment(crisis=CrisisZone.ACT, rule="crisis", source="model")))
    assert conv.state.crisis_active, "words the rules read as crisis are never a correction"


def test_going_to_sleep_on_the_crisis_screen_is_met_as_rest_and_the_crisis_stays_open(
    conv: Conversation, kit
) -> None:
    """Trial 18: "ok that was lowkey better ngl" and "im gonna try to sleep", after passive thoughts at
    1:30am, each got a plea to call someone."""
    conv.say("honestly if i just stopped existing nobody would even notice", ACT)
    said = texts(conv.say("im gonna try to sleep", NONE))
    assert said.startswith(kit.content.text("crisis_goodnight")[:30]) and conv.state.crisis_active
    said = texts(conv.say("gonna go to sleep and never wake up", NONE))
    assert kit.content.text("crisis_goodnight")[:30] not in said, "never words of not waking"
    assert texts(conv.say("ok that was lowkey better ngl", NONE)).startswith(kit.content.text("crisis_go_on")[:30])


def test_the_after_crisis_question_is_not_asked_again_after_a_no_or_within_a_week(kit) -> None:
    """Trial 19: read wrongly night after night, a man was asked at six check-ins running and felt
    "like a patient"."""
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    for day in (2, 3, 4):
        conv.now = datetime(2026, 3, day, 23, 0, tzinfo=UTC)
        conv.say("i want to die tonight", Assessment(crisis=CrisisZone.ACT, source="model", rule="crisis"))
        conv.tap("I'm safe now, go on")
        conv.now = datetime(2026, 3, day + 1, 9, 0, tzinfo=UTC)
        said = _checkin_to_mood(conv, 4)
        assert ("ending your life" in said) is (day == 2), day
        if conv.screen == "safety.ask":
            conv.tap("^No$")
        conv.tap("^3$")
        conv.tap("^No$")
        conv.tap("Skip")


def test_a_new_crisis_after_a_misreading_gets_the_lines_again_not_those_people(conv: Conversation, kit) -> None:
    """Trial 19: after "I read that wrong", his "Not sure" got "one of those people can be there with
    you" with no one listed, and "which people?" the same words again."""
    conv.say("i drank the whole bottle and took something", ATTEMPT)
    conv.say("no no, you misread me, i did not take anything", NONE)
    assert not conv.state.crisis_active
    conv.say("i just wanted to talk with someone. i feel so alone", ASK)
    said = texts(conv.tap("^Not sure$"))
    assert "Samaritans" in said, "the lines, not a pointer to lines taken back"


def test_nothing_taken_after_a_first_attempt_reply_keeps_care_for_the_wish_that_came_with_it(
    conv: Conversation, kit
) -> None:
    """Trial 19: "I drank the whole bottle... a veces pienso que sería mejor no despertar" got the
    attempt reply; "I did not take anything, only the wine... I am just very lonely tonight" took the
    whole reply back as a misreading and offered today's lesson at 1 a.m."""
    conv.say("drank the whole bottle. sometimes i think it would be better not to wake up", ATTEMPT)
    said = texts(conv.say("no no, I did not take anything, only the wine. I am just very lonely tonight", NONE))
    assert said.startswith(kit.content.text("crisis_attempt_misread")[:40])
    assert conv.state.crisis_active and conv.screen == "crisis"


def test_todays_step_the_day_after_a_crisis_is_not_called_done(conv: Conversation, kit) -> None:
    """Trial 20: the evening after a crisis night, "Today's step" under the calm screen said "Today's
    step is done" on a day she had done none."""
    conv.say("angry mostly, and scared about money", NONE)  # the first lesson's answer
    conv.say("i wouldnt mind not waking up", ACT)
    conv.tap("I'm safe now")
    conv.advance(hours=20)
    said = texts(conv.tap("Today's step"))
    assert kit.content.text("after_return") not in said and kit.content.text("after_return_no_more") not in said
    assert said, "something for today"


def test_after_two_nos_the_models_hunch_of_a_threat_is_not_asked_about_for_two_weeks(kit) -> None:
    """Trial 20: asked three times in ten days whether she might hurt her ex, about her daughter's
    weekend at her father's and how to tell her mother-in-law."""
    conv = Conversation(kit)
    conv.onboard()
    for day in range(2):
        said = texts(conv.say("chloe went to her dads for the weekend, the house is so quiet", BY_USER))
        assert kit.content.text("by_user_question") in said, day
        conv.tap("No")
        conv.advance(days=4)
    said = texts(conv.say("how do i tell his mother, shes 81 and doesnt know", BY_USER))
    assert kit.content.text("by_user_question") not in said and not conv.state.flags
    conv.advance(days=11)
    said = texts(conv.say("how do i tell his mother, shes 81 and doesnt know", BY_USER))
    assert kit.content.text("by_user_question") in said, "the hold ends"


def test_nos_in_a_row_hold_the_question_longer_and_stop_asking_is_heard(conv: Conversation, kit) -> None:
    """Trial 21: a woman never at risk was asked eight times in seven weeks; "No. Please stop asking
    me that every time I'm sad" changed nothing."""
    question = kit.content.text("screen_question")
    assert question in texts(conv.say("i just needed to tell someone", ASK))
    conv.tap("^No$")
    conv.advance(hours=7)
    assert question in texts(conv.say("busy week, sorry i went quiet", ASK)), "six hours after a first No"
    conv.tap("^No$")
    conv.advance(days=2)
    assert question not in texts(conv.say("what do i say in the first message", ASK)), "a second No: three days"
    conv.advance(days=2)
    assert question in texts(conv.say("a week since i sent it. nothing", ASK))
    said = texts(conv.say("No. Please stop asking me that every time I'm sad"))
    assert kit.content.text("screen_stop_asking") in said and not conv.state.crisis_active
    conv.advance(days=10)
    assert question not in texts(conv.say("friday night, ten days of silence", ASK)), "two weeks after stop"
    assert question in texts(conv.say("i have the pills counted out", ACT)) or conv.state.crisis_active, (
        "a reading strong enough for the full reply is still asked about"
    )


def test_stop_asking_said_after_the_question_is_heard_anywhere(conv: Conversation, kit) -> None:
    conv.say("i just needed to tell someone", ASK)
    conv.tap("^No$")
    said = texts(conv.say("please dont ask me that again"))
    assert kit.content.text("screen_stop_asking") in said
    assert conv.state.stop_asking_at is not None


def test_a_crisis_only_the_model_read_can_be_called_a_misreading_with_a_tap(conv: Conversation, kit) -> None:
    """Trial 21: the crisis screen had no "that's not what I meant", as the boundary and danger notices
    have; she had to find the words."""
    conv.say("what do i actually say in the first message when no contact ends", ACT)
    assert "You misread me" in conv.labels()
    conv.tap("You misread me")
    assert not conv.state.crisis_active and conv.state.misread_at == conv.now
    assert conv.screen != "crisis", "the words that were misread are handled as usual"


@pytest.mark.parametrize("how", ["in words", "attempt", "answered yes"])
def test_no_misreading_button_for_crisis_in_words_an_attempt_or_a_yes(conv: Conversation, how: str) -> None:
    if how == "in words":
        conv.say("i want to die", Assessment(crisis=CrisisZone.ACT, source="model", rule="crisis"))
    elif how == "attempt":
        conv.say("i took all of them an hour ago", ATTEMPT)
    else:
        conv.say("i dont see the point of anything anymore", ASK)
        conv.tap("^Yes$")
    assert conv.screen == "crisis" and "You misread me" not in conv.labels()


def test_the_unsent_letters_question_waits_while_the_question_about_their_life_is_open(kit) -> None:
    """Trial 22: the letter's follow-up came straight after "Are you having thoughts of ending your
    life?"; "No. sorry I pressed 1 by mistake" went to the letter, and the question was dropped."""
    conv = Conversation(kit)
    conv.onboard()
    conv.to_unsent_letter()
    conv.say("i miss you and i dont understand")
    conv.advance(days=1)
    conv.say("whats even the point anymore", ASK)
    assert conv.screen == "safety.ask"
    assert not conv.due("urge_followup") and conv.screen == "safety.ask"
    assert conv.state.urge_followup_on == conv.now.date() + timedelta(days=1)
    conv.tap("^No$")
    conv.advance(days=1)
    said = texts(conv.due("urge_followup"))
    assert kit.content.text("urge_followup") in said


def test_a_misreading_said_during_grounding_or_after_safe_now_is_owned(kit) -> None:
    """Trial 22: "wait what? I'm not in danger, I just meant she never explained why she left" got the
    next grounding step; after "I'm safe now", "why do you keep sending me the Samaritans number? it
    was HER hoodie. I'm sad, not in danger" got the FAQ's "I don't have a good answer"."""
    conv = Conversation(kit)
    conv.onboard()
    conv.say("that I'll never get a proper answer. she just decided and I don't get a say", ACT)
    conv.tap("grounding")
    conv.say("wait what? I'm not in danger, I just meant she never explained why she left", NONE)
    assert not conv.state.crisis_active and conv.state.misread_at == conv.now and conv.screen != "grounding"

    other = Conversation(kit)
    other.onboard()
    other.say("gave the hoodie to niamh to mind for me", ACT)
    other.tap("I'm safe now")
    said = texts(other.say("why do you keep sending me the Samaritans number? I'm sad, not in danger", NONE))
    assert kit.content.text("crisis_misread") in said and other.state.misread_at == other.now


def test_a_check_in_note_that_raised_the_crisis_reply_is_kept(kit) -> None:
    """Trial 22: "gave the hoodie to Niamh to mind for me. couldn't bin it", the day's note, drew the
    crisis reply and was lost from the journal and the export."""
    conv = Conversation(kit)
    conv.onboard()
    conv.command("checkin")
    conv.tap("^3$")
    conv.tap("^2$")
    conv.tap("^No$")
    assert conv.screen == "checkin.note"
    note = "gave the hoodie to Niamh to mind for me. couldn't bin it"
    conv.say(note, ACT)
    conv.tap("I'm safe now")
    kept = [(e.kind, e.text) for e in conv.effects if type(e).__name__ == "JournalWrite"]
    assert ("checkin", note) in kept


def test_a_draft_that_ends_asking_whether_to_send_it_is_read_as_a_draft(kit) -> None:
    """Trial 22, on the moving-on track: "Hi Aoife, I know you said not to contact you, I just want to
    say sorry... is that ok to send?" got "I don't have a good answer for that one"."""
    conv = Conversation(kit)
    conv.onboard()
    conv.say("she told me to stop contacting her", Assessment(boundary=True, source="model", rule="boundary"))
    conv.tap("Continue")
    draft = "Hi Aoife, I know you said not to contact you, I just want to say sorry. is that ok to send?"
    said = texts(conv.say(draft))
    assert kit.content.text("draft_refused_boundary") in said


def test_the_unsent_letters_question_waits_under_the_notice_after_a_danger_reply(kit) -> None:
    """Trial 23: at 2am Mei told of her ex parked outside her work; the danger reply was followed, in
    the same breath, by "Yesterday you wrote a message you didn't send"."""
    conv = Conversation(kit)
    conv.onboard()
    conv.to_unsent_letter()
    conv.say("i miss him and i hate that i do")
    conv.advance(days=1)
    conv.say("he was parked outside my work again at 1am", Assessment(danger=True, source="model"))
    assert conv.screen == "notice"
    assert not conv.due("urge_followup") and conv.screen == "notice"
    assert conv.state.urge_followup_on == conv.now.date() + timedelta(days=1)


def test_harm_by_them_and_a_boundary_read_by_the_model_alone_are_asked_about_first(kit) -> None:
    """Trial 24: on a lesson asking what was hardest for her, "she had to defend me in front of them for
    1 year. that must have been so tiring for her" was read as harm by him and her asking for no
    contact: the perpetrator line and the moving-on track for good, with no way back."""
    conv = Conversation(kit)
    conv.onboard()
    both = Assessment(danger=True, danger_by_user=True, boundary=True, source="model")
    answer = "she had to defend me in front of them for 1 year. that must have been so tiring for her"
    said = texts(conv.say(answer, both))
    assert kit.content.text("by_user_question") in said
    assert conv.state.track == "reconnect" and not conv.state.contact_forbidden
    conv.tap("No, that's not it")
    assert not {"danger", "danger_by_user", "boundary"} & set(conv.state.flags)
    assert conv.state.track == "reconnect"
    # Said in plain words, both stand at once.
    plain = Conversation(kit)
    plain.onboard()
    plain.say("she told me to stop and i keep going round hers at night", replace(both, rule="boundary"))
    assert "boundary" in plain.state.flags


def test_a_practical_draft_from_someone_sharing_a_home_draws_no_goodbye_line(kit) -> None:
    """Trial 25: an email about the house sale, the car and "4,700 euros by the end of the month", from
    a man selling the family home with his wife, drew "If any part of you is thinking about not being
    here"."""
    conv = Conversation(kit)
    conv.onboard(shares="^Yes")
    conv.command("draft")
    email = "Dear Ingrid, the viewing is on Saturday. I will transfer 4,700 euros by the end of the month."
    lean = Assessment(crisis=CrisisZone.ASK, source="model", scores=(("crisis", 0.37),))
    said = texts(conv.say(email, lean))
    assert kit.content.text("letter_lean") not in said and not conv.state.crisis_active
    assert conv.screen == "draft"


@pytest.mark.parametrize(
    ("words", "asked_to_stop"),
    [
        ("She said yes, Klaus, I am, and please do not ask me that again. I felt like a fool.", False),
        ("like i said, please stop asking me that", True),
        ("No. Please stop asking me that every time I'm sad", True),
        ("no. you keep asking me that 😭", True),  # trial 30
        ("my mum keeps asking me that and i never know what to say", False),
    ],
)
def test_someone_elses_words_told_are_not_a_request_to_stop_asking(words: str, asked_to_stop: bool) -> None:
    """Trial 25: Ingrid's "please do not ask me that again", told in a note, was taken as his."""
    from dialogs.screens import screening

    assert screening.asks_to_stop(words) is asked_to_stop


def test_a_crisis_night_keeps_to_the_person_means_and_their_question_about_the_line(kit) -> None:
    """Trial 26: "i keep looking at my meds" was filed in a safety plan with no word about them, and "if
    i text 988 do they call the cops or my parents" got the line for people who harm a partner."""
    conv = Conversation(kit)
    conv.onboard()
    conv.say("i dont wanna be here", ACT)
    said = texts(conv.say("i keep looking at my meds", ACT))
    assert kit.content.text("means_distance") in said
    lines = next(e for e in kit.content.faq if e.id == "crisis_line_privacy")
    asks = Understanding(faq=(("crisis_line_privacy", 0.8),), faq_bar=0.26, intent_bar=0.165)
    police = Assessment(danger=True, danger_by_user=True, source="model", rule="danger")
    said = texts(conv.say("if i text 988 do they call the cops or my parents", police, understanding=asks))
    assert lines.answer[0] in said and not {"danger", "danger_by_user"} & set(conv.state.flags)
    assert conv.screen == "crisis" and conv.state.crisis_active


def test_late_at_night_a_no_from_hours_before_holds_back_no_question(kit) -> None:
    """Trial 26: a "no" to a false alarm at 19:00 held back the question for "whats even the point" at
    00:40; twenty minutes later he wrote of his meds."""
    evening = datetime(2026, 3, 2, 19, 0, tzinfo=UTC)  # London
    conv = Conversation(kit, now=evening.replace(hour=8))
    conv.onboard()
    conv.now = evening
    conv.say("going to a party tn, should be fun", ASK)
    conv.tap("^No$")
    conv.now = evening.replace(day=3, hour=0, minute=40)
    said = texts(conv.say("whats even the point", ASK))
    assert kit.content.text("screen_question") in said


def test_a_lean_in_the_small_hours_is_asked_and_reaching_a_line_is_met(kit) -> None:
    """Trial 26: "whats even the point" at 00:40 got "I don't have a ready answer"; "i texted 988" and
    "someone is answering me" got "Please reach one of those people if you can"."""
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard()
    lean = Assessment(source="model", crisis_lean=True)
    conv.now = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # London, afternoon
    conv.command("menu")
    assert kit.content.text("screen_question") not in texts(conv.say("whats even the point", lean))
    conv.now = datetime(2026, 3, 3, 0, 40, tzinfo=UTC)
    conv.command("menu")
    assert kit.content.text("screen_question") in texts(conv.say("whats even the point", lean))
    conv.tap("^Yes$")
    assert conv.state.crisis_active
    said = texts(conv.say("i texted 988", NONE))
    assert said.startswith(kit.content.text("crisis_reached")), said
    said = texts(conv.say("someone is answering me", NONE))
    assert said.startswith(kit.content.text("crisis_reached_again")), "not the same words twice"


def test_safe_now_in_the_small_hours_offers_no_step(kit) -> None:
    """Trial 26: "ok im safe" at 01:55 was answered with "Today's step" among the buttons."""
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard()
    conv.now = datetime(2026, 3, 3, 1, 55, tzinfo=UTC)  # London
    conv.say("i dont wanna be here", ACT)
    conv.tap("I'm safe now")
    assert "Today's step" not in conv.labels() and "Help now" in conv.labels()
    day = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    day.onboard()
    day.say("i dont wanna be here", ACT)
    day.tap("I'm safe now")
    assert "Today's step" in day.labels()


def test_not_suicidal_in_a_crisis_about_self_harm_keeps_the_crisis_open(conv: Conversation, kit) -> None:
    """Trial 30: after "the old urge is really loud tonight / like the cutting one" and "i have a
    blade in my drawer still", "i'm not suicidal. it's not that" closed the crisis as a misreading."""
    conv.say("the old urge is really loud tonight. like the cutting one. not the texting one", ACT)
    conv.say("i have a blade in my drawer still", NONE)
    assert kit.content.text("means_distance") in conv.text()
    said = texts(conv.say("i'm not suicidal. it's not that", NONE))
    assert said.startswith(kit.content.text("crisis_self_harm")) and "read that wrong" not in said
    assert conv.state.crisis_active and conv.screen == "crisis" and conv.state.misread_at is None
    said = texts(conv.say("i didnt do it", ACT))  # read beside the words of minutes before
    assert said.startswith(kit.content.text("crisis_resisted"))
    said = texts(conv.say("i put it in the bin outside", ACT))
    assert said.startswith(kit.content.text("crisis_safer"))


def test_not_suicidal_after_a_misread_breakup_line_is_still_a_misreading(conv: Conversation, kit) -> None:
    conv.say("idk if i want her back or not ngl thats kinda why im here", ACT)
    said = texts(conv.say("im not suicidal lol i meant her", NONE))
    assert "read that wrong" in said and not conv.state.crisis_active


LETTER = ("daniel you promised me the kids would always come first. you send HER to get MY son while hes "
          "crying. i hope one day you understand what you did to us")


@pytest.mark.parametrize("answer", ["No, that's not it", "Yes, I'm worried"])
def test_an_unsent_letter_read_as_a_threat_by_the_model_alone_is_asked_about_and_kept(kit, answer) -> None:
    """Trial 29: the letter /urge asked for ("Say everything") got the perpetrator line, no way back,
    the coach closed for good, and the letter was never kept."""
    conv = Conversation(kit)
    conv.onboard(shares="Yes")
    conv.to_unsent_letter()
    conv.say(LETTER, BY_USER)
    assert conv.screen == "safety.by_user" and "danger_by_user" not in conv.state.flags
    conv.tap(answer)
    kept = [(e.kind, e.text) for e in conv.effects if type(e).__name__ == "JournalWrite"]
    assert kept == [("unsent", LETTER)]
    assert ("danger_by_user" in conv.state.flags) == answer.startswith("Yes")


def test_a_threat_the_rules_read_in_an_unsent_letter_is_one(kit) -> None:
    conv = Conversation(kit)
    conv.onboard()
    conv.to_unsent_letter()
    conv.say("if i see you with him again ill hurt you", Assessment(danger=True, danger_by_user=True, rule="danger"))
    assert "danger_by_user" in conv.state.flags and conv.screen != "safety.by_user"


def test_a_question_the_guide_answers_is_answered_in_crisis_care_but_not_one_about_contact(
    conv: Conversation, kit
) -> None:
    """Trial 30: "should i go back to therapy", typed on the crisis screen, got "Thank you for
    staying with me"; a question about texting the ex there got the countdown to contact."""
    conv.say(WISH, ACT)
    asks = Understanding(faq=(("free_help", 0.62),), faq_bar=0.24, intent_bar=0.165)
    said = texts(conv.say("should i go back to therapy", NONE, understanding=asks))
    entry = next(e for e in kit.content.faq if e.id == "free_help")
    assert said.startswith(entry.answer[0]) and conv.state.crisis_active
    conv.tap("Back")
    asks_contact = Understanding(faq=(("how_long_to_wait", 0.7),), faq_bar=0.24, intent_bar=0.165)
    said = texts(conv.say("how long until i can text her", NONE, understanding=asks_contact))
    assert said == kit.content.text("crisis_contact_later") and "30 days" not in said
    assert conv.screen == "crisis" and "I'm safe now, go on" in conv.labels()


@pytest.mark.parametrize("typed", ["no i'm not having thoughts of ending my life", "no sorry that was a mistap"])
def test_a_yes_taken_from_words_can_be_put_right_in_words(conv: Conversation, kit, typed: str) -> None:
    """Trial 30: "it helped a bit tho", about a walk, was taken for a Yes; her typed corrections got
    the listening line, and only the button undid it."""
    conv.say("ok been thinking all day", ASK)
    conv.say("Yes", NONE)  # as if a tap had gone wrong
    assert conv.state.crisis_active
    said = texts(conv.say(typed, NONE))
    assert "read that wrong" in said and not conv.state.crisis_active
