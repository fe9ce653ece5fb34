"""Safety in the engine: crisis first from every screen, reminders paused, contact never coached."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialogs.assessment import Assessment, Understanding
from dialogs.content import CONTENT_DIR
from dialogs.model import Reply
from dialogs.screens import SCREENS
from tests.driver import Conversation

CRISIS = ["i want to die", "thinking about ending it all tonight", "kms", "I don't want to be here anymore"]


def test_stopping_grounding_partway_is_fine_not_praised(kit) -> None:
    """Trial 22 tapped Stop on the second step and got "Well done", which read as canned."""
    conv = Conversation(kit)
    conv.onboard()
    conv.say("i want to end my life")
    conv.tap("grounding")
    conv.tap("^Next$")
    said = "\n".join(r.text for r in conv.tap("^Stop$"))
    assert kit.content.text("grounding_stopped") in said and "Well done" not in said
    assert conv.screen == "crisis"


@pytest.mark.parametrize("screen", sorted(SCREENS))
@pytest.mark.parametrize("message", CRISIS[:2])
def test_crisis_is_answered_first_from_every_screen(kit, screen, message):
    conv = Conversation(kit)
    conv.onboard()
    conv.state = conv.state.model_copy(update={"screen": screen, "data": {}})
    replies = conv.say(message)
    assert "988" in replies[0].text or "116 123" in replies[0].text or "findahelpline" in replies[0].text
    assert conv.state.crisis_active
    assert conv.screen == "crisis"
    assert not any(r.contact_coaching for r in replies)


def test_crisis_before_consent_still_gets_help(kit):
    conv = Conversation(kit)
    replies = conv.say("i want to kill myself")
    assert "988" in replies[0].text or "findahelpline" in replies[0].text


def test_no_cheerful_check_in_until_the_user_chooses_to_go_on(kit):
    conv = Conversation(kit)
    conv.onboard(time="09:00")
    conv.say("i want to die")
    mood = kit.content.checkins.mood_question
    for _ in range(2):
        conv.advance(days=1)
        said = "\n".join(r.text for r in conv.due())
        assert mood not in said, "no cheerful check-in while the crisis is open"
        assert kit.content.text("crisis_follow_up", 0, name="Sam") in said, "a gentle word instead of silence"
    conv.tap("I'm safe now")
    assert not conv.state.crisis_active
    conv.advance(days=1)
    conv.now = conv.now.replace(hour=9, minute=0)
    assert conv.due(), "check-ins resume after the user chose to go on"


@pytest.mark.parametrize(
    "typed",
    ["I am not going to do anything yaar dont worry. just very tired and its 1 am", "i wont do anything, promise"],
)
def test_saying_they_wont_do_anything_on_the_crisis_screen_is_safe_now(kit, typed):
    """A trial: "I am not going to do anything yaar dont worry..." got the crisis screen's stock
    line, which also claimed the lines listed take texts."""
    conv = Conversation(kit)
    conv.onboard()
    conv.say("i want to die")
    assert conv.state.crisis_active
    said = "\n".join(r.text for r in conv.say(typed))
    assert not conv.state.crisis_active and conv.screen == "care.calm"
    assert kit.content.text("crisis_go_on") in said


def test_asking_for_a_number_in_the_safety_plan_gets_the_lines_and_the_same_step(kit):
    """A trial: "no sé. the psicóloga of the university maybe? what is the number in spain?" was saved
    into her plan word for word, and never answered."""
    conv = Conversation(kit)
    conv.onboard()
    conv.say("i want to end my life")
    conv.tap("safety plan")
    step = conv.state.data["step"]
    said = "\n".join(r.text for r in conv.say("no se. what is the number in the uk?"))
    first = kit.resources.crisis_lines("GB")[0]
    assert first.how in said and conv.state.data["step"] == step
    assert not any("number in the uk" in v for v in conv.state.safety_plan.values())


def _at_the_check_in_after_a_crisis_night(kit) -> Conversation:
    """A crisis reply at 23:00, "I'm safe now", and the next morning's check-in open."""
    from datetime import UTC, datetime

    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.now = datetime(2026, 3, 2, 23, 0, tzinfo=UTC)
    conv.say("i want to die")
    conv.tap("I'm safe now")
    conv.now = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    conv.due()
    assert conv.screen.startswith("checkin.")
    return conv


def test_a_typed_answer_at_the_next_check_in_is_not_met_with_the_welcome_back(kit):
    """A trial: "yes", typed to "have you been in touch with your ex?" the morning after a crisis
    reply, got "Nothing you told me... needs an apology", and nothing about the contact."""
    conv = _at_the_check_in_after_a_crisis_night(kit)
    conv.tap("^3")
    conv.tap("^No$")  # the first check-in after a crisis reply asks directly
    conv.tap("^3$")
    assert conv.screen == "checkin.contact"
    said = "\n".join(r.text for r in conv.say("yes"))
    assert kit.content.text("after_crisis_welcome", name="Sam")[:40] not in said


def test_an_apology_for_the_crisis_night_at_the_next_check_in_is_met(kit):
    """Trial 26: "sorry abt last night" / "thats so embarrassing omg", at the morning's check-in, got
    "pick the number from 1 to 5"."""
    conv = _at_the_check_in_after_a_crisis_night(kit)
    said = "\n".join(r.text for r in conv.say("sorry abt last night. thats so embarrassing omg"))
    assert kit.content.text("after_crisis_welcome", name="Sam")[:40] in said


def test_grounding_and_safety_plan_from_the_crisis_reply(kit):
    conv = Conversation(kit)
    conv.onboard()
    conv.say("i want to end my life")
    conv.tap("grounding")
    steps = 0
    while "Next" in conv.labels():
        conv.tap("^Next$")
        steps += 1
    assert steps >= 3 and kit.content.text("grounding_done") in conv.text()
    conv.tap("safety plan")
    answers = [
        "I stop answering friends",
        "a hot shower",
        "my sister Ana",
        "Dr Patel",
        "give my pills to Ana",
    ]
    for answer in answers:
        conv.say(answer)
    assert set(conv.state.safety_plan.values()) == set(answers)
    conv.command("sos")
    assert all(a in conv.text() for a in answers)


@pytest.mark.parametrize(
    "message",
    ["he hit me when we argued", "she has a restraining order against me", "he said never contact me again"],
)
def test_danger_or_boundary_in_free_text_moves_to_moving_on_for_good(kit, message):
    conv = Conversation(kit)
    conv.onboard()
    conv.say(message)
    assert conv.state.track == "moving_on"
    assert conv.state.flags
    conv.command("draft", "hey, can we talk?")
    assert "won't help" in conv.text() or "can't help" in conv.text()
    # The refusal gives the reason the person told us, not a vaguer one.
    if "never contact me" in message:
        assert "asked you not to contact them" in conv.text() and "safe" not in conv.text()
    else:
        assert "might not be safe" in conv.text()
    conv.command("movingon")
    assert "Yes, switch" not in conv.labels()


def test_moved_on_offers_the_moving_on_track(kit):
    conv = Conversation(kit)
    conv.onboard()
    conv.say("she is engaged to someone else now")
    assert "moved_on" in conv.state.flags
    assert "Switch to moving on" in conv.labels()


def test_figures_of_speech_are_not_crises(kit):
    conv = Conversation(kit)
    conv.onboard()
    for text in ["this is killing me", "I'm dying to know if she misses me", "I killed it at work today"]:
        conv.say(text)
        assert not conv.state.crisis_active, text


# --- property-based: random event sequences ------------------------------------------------------------------
TEXTS = st.sampled_from(
    [
        "hi",
        "Sam",
        "3 weeks ago",
        "yes",
        "no",
        "9am",
        "Europe/Berlin",
        "",
        "how long should i wait",
        "i want to die",
        "he hit me",
        "she blocked me everywhere",
        "he's married now",
        "🙂" * 3,
        "x" * 5000,
        "\u200b\u200bkms",
        "I miss her",
        "5",
        "42",
    ]
)
COMMANDS = st.sampled_from(
    [
        "start",
        "menu",
        "help",
        "progress",
        "journal",
        "faq",
        "pause",
        "resume",
        "restart",
        "sos",
        "about",
        "checkin",
        "settings",
        "stop",
        "urge",
        "draft",
        "movingon",
        "export",
        "report",
        "bogus",
        "snooze",
    ]
)
# Every FAQ entry's answer button (`q:<id>`, pressable from any screen) and one for no entry at all.
FAQ_IDS = [entry["id"] for entry in yaml.safe_load((CONTENT_DIR / "faq.yaml").read_text("utf-8"))["faq"]]
ANSWER_BUTTONS = st.sampled_from([f"q:{i}" for i in [*FAQ_IDS, "no_such_question"]])
# Text the meaning model reads as close to an FAQ entry, below the bar that would answer it.
NEAR = st.tuples(TEXTS, st.sampled_from(FAQ_IDS), st.floats(0.2, 0.84))
ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("say"), TEXTS),
        st.tuples(st.just("near"), NEAR),
        st.tuples(st.just("answer"), ANSWER_BUTTONS),
        st.tuples(st.just("command"), COMMANDS),
        st.tuples(st.just("tap"), st.integers(0, 12)),
        st.tuples(st.just("stale"), st.integers(0, 12)),
        st.tuples(st.just("media"), st.sampled_from(["sticker", "photo", "voice", "edited", "location"])),
        st.tuples(st.just("due"), st.sampled_from(["checkin", "urge_followup"])),
        st.tuples(st.just("wait"), st.integers(1, 60 * 24 * 40)),
    ),
    max_size=60,
)


def _run(conv: Conversation, actions) -> None:
    for action, arg in actions:
        if action == "say":
            replies = conv.say(arg)
        elif action == "near":
            text, entry_id, score = arg
            replies = conv.say(text, understanding=Understanding(faq=((entry_id, score),), faq_bar=0.185))
        elif action == "answer":
            replies = conv.press(arg, nonce=conv.state.nonce if conv.state else 0)
        elif action == "command":
            replies = conv.command(arg)
        elif action == "tap":
            keyboard = conv.keyboard()
            if not keyboard:
                continue
            replies = conv.press(keyboard[arg % len(keyboard)].value)
        elif action == "stale":
            replies = conv.press("next", nonce=conv.state.nonce - 1 - arg if conv.state else 0)
        elif action == "media":
            replies = conv.media(arg)
        elif action == "due":
            conv.due(arg)
            continue
        else:
            conv.advance(minutes=arg)
            continue
        answered = replies or any(type(e).__name__ == "DataRequest" for e in conv.effects)
        assert answered, f"silence after {action} {arg!r}"  # a data request is answered by the service
        check_not_stranded(conv, replies)


def check_not_stranded(conv: Conversation, replies: list[Reply]) -> None:
    assert conv.screen in SCREENS
    # Never stranded: the latest keyboard, a question, or a typed answer always leads somewhere.
    assert conv.keyboard() or SCREENS[conv.screen].takes_text
    for reply in replies:
        assert reply.text.strip()
        assert len(reply.text) <= 4000


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=ACTIONS)
def test_random_sequences_never_crash_or_strand(kit, actions):
    _run(Conversation(kit), actions)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    actions=ACTIONS, route=st.sampled_from(["asked me not to contact", "blocked me everywhere", "Violence"])
)
def test_no_contact_coaching_ever_reaches_a_protected_user(kit, actions, route):
    conv = Conversation(kit)
    if route == "Violence":
        conv.onboard(safety=route)
    else:
        conv.onboard(contact=route)
    start = len(conv.history)
    _run(conv, actions)
    coaching = {
        m for lesson in kit.content.lessons.values() if lesson.contact_coaching for m in lesson.texts
    }
    coaching |= {m for e in kit.content.faq if e.contact_coaching for m in e.answer}
    for reply in conv.history[start:]:
        assert not reply.contact_coaching
        assert reply.text not in coaching
    assert conv.state.track == "moving_on" and conv.state.contact_forbidden


def test_a_known_boundary_written_as_a_reflection_is_simply_saved(kit):
    conv = Conversation(kit)
    conv.onboard(contact="asked me not to contact")
    replies = conv.say("she said never contact me again and it still hurts")
    assert conv.effects[0].kind == "reflection"
    assert "journal" in replies[-1].text.lower()
    assert conv.screen == "guide.after"


def test_someone_worried_about_their_own_behaviour_gets_no_victims_lines(kit) -> None:
    """Trial 27: Sam, who had driven past his ex's flat and said so, opened /sos at 1am on "For
    support with abuse or stalking"; /draft told him contact "might not be safe"; his export said so."""
    conv = Conversation(kit)
    conv.onboard()
    own = Assessment(danger=True, danger_by_user=True, rule="danger")
    said = "\n".join(r.text for r in conv.say("drove past her flat twice last night to see if her car was there", own))
    assert "could frighten them" in said and "break an order" not in said
    said = "\n".join(r.text for r in conv.command("sos"))
    assert said.startswith("If you might hurt yourself"), said
    assert "abuse or stalking" not in said and "worried about how you might act" in said
    said = "\n".join(r.text for r in conv.command("draft", "hey, can we talk"))
    assert kit.content.text("draft_refused_behaviour") in said and "might not be safe" not in said


def test_sos_for_someone_the_ex_has_harmed_opens_with_help_about_the_ex(kit) -> None:
    """Trial 23: Mei, stalked by her ex and not at risk herself, opened /sos on "If you might hurt
    yourself, please reach a person now"."""
    conv = Conversation(kit)
    conv.onboard()
    conv.say("he keeps turning up outside my work", Assessment(danger=True, source="model"))
    said = "\n".join(r.text for r in conv.command("sos"))
    assert said.startswith("For support with abuse or stalking"), said
    assert "If you might hurt yourself" in said, "the crisis lines are still there"
    conv.say("i want to end my life")
    assert conv.state.crisis_active
    said = "\n".join(r.text for r in conv.command("sos"))
    assert said.startswith("If you might hurt yourself"), "in a crisis, the crisis lines first"


def test_a_sure_reading_of_harm_by_someone_the_ex_harms_is_asked_about_first(kit) -> None:
    """Trial 31: Chloe, stalked by her ex, asked the bot to check "Hi Ryan, handover Saturday at 11 at
    the Garda station car park": the rules read the Garda, the model read it as hers (0.88), and she
    was told she might frighten him, lost her abuse lines in /sos and had it in her export."""
    conv = Conversation(kit)
    conv.onboard()
    conv.say("he keeps turning up outside my shop and texting from new numbers", Assessment(danger=True, rule="danger"))
    assert conv.state.harmed_by_ex
    sure = Assessment(danger=True, danger_by_user=True, source="model", rule="danger", scores=(("by_user", 0.881),))
    conv.say('Can you check this: "Hi Ryan, handover Saturday at 11 at the Garda station car park."', sure)
    assert conv.screen == "safety.by_user" and "danger_by_user" not in conv.state.flags
    conv.tap("No, that's not it")
    assert conv.state.harmed_by_ex
    said = "\n".join(r.text for r in conv.command("sos"))
    assert said.startswith("For support with abuse or stalking")
