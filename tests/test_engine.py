"""The engine on its own: pure, deterministic, no adapter, driven as a person would."""

from __future__ import annotations

import pytest

from dialogs.model import Reply
from dialogs.screens import SCREENS
from dialogs.state import UserState
from tests.driver import Conversation


def walk_track(conv: Conversation, *, answer_every: int = 3, limit: int = 200) -> list[str]:
    """Tap Next through the whole track, typing a reflection now and then; wait out no contact."""
    titles: list[str] = []
    for i in range(limit):
        if conv.screen == "guide.done":
            return titles
        if conv.screen == "guide.locked":
            conv.advance(days=31)
            conv.command("menu")
            conv.tap("Continue the guide")
            continue
        assert conv.screen == "guide.lesson", conv.screen
        lesson_id = conv.state.data["lesson"]
        titles.append(str(lesson_id))
        if i % answer_every == 0:
            replies = conv.say(f"my honest answer to {lesson_id}")
            assert "journal" in replies[-1].text.lower()
        conv.tap("^Next$")
    raise AssertionError("the track never ended")


def test_consent_comes_first(kit):
    conv = Conversation(kit)
    replies = conv.say("hello?")
    text = "\n".join(r.text for r in replies)
    assert "not a therapist" in text and "18" in text and "/sos" in text
    assert conv.labels() == ["I'm 18+ and I agree", "What do you keep?", "Not now"]


def test_full_reconnect_journey_reaches_the_end(kit):
    conv = Conversation(kit)
    conv.onboard()
    assert conv.state.track == "reconnect"
    assert conv.state.profile.name == "Sam"
    assert conv.state.profile.timezone == "Europe/London"
    assert conv.state.checkins.time.strftime("%H:%M") == "09:00"
    seen = walk_track(conv)
    assert seen == [lid for lid in kit.content.tracks.reconnect]
    assert conv.screen == "guide.done"
    assert "end of the guide" in conv.text()


def test_contact_lessons_wait_for_the_no_contact_period(kit):
    conv = Conversation(kit)
    conv.onboard()
    lessons = kit.content.lessons
    while conv.screen == "guide.lesson":
        conv.tap("^Next$")
    assert conv.screen == "guide.locked"
    assert "30 more" in conv.text() or "days" in conv.text()
    first_locked = kit.content.tracks.reconnect[conv.state.lesson_index]
    assert lessons[first_locked].after_no_contact
    # Nothing earlier on the track needed the period to be over.
    assert not any(
        lessons[i].after_no_contact for i in kit.content.tracks.reconnect[: conv.state.lesson_index]
    )
    conv.advance(days=30)
    conv.tap("Menu")
    conv.tap("Continue the guide")
    assert conv.screen == "guide.lesson"
    assert conv.state.data["lesson"] == first_locked


@pytest.mark.parametrize(
    ("contact", "safety", "flag"),
    [
        ("blocked me everywhere", "None of these", "boundary"),
        ("asked me not to contact", "None of these", "boundary"),
        ("someone new", "None of these", "moved_on"),
        ("No contact", "Violence", "danger"),
        ("No contact", "Threats", "danger"),
        ("No contact", "Controlling", "danger"),
        ("No contact", "protection", "danger"),
    ],
)
def test_intake_routes_to_moving_on_when_contact_must_not_be_coached(kit, contact, safety, flag):
    conv = Conversation(kit)
    conv.onboard(contact=contact, safety=safety)
    assert flag in conv.state.flags
    assert conv.state.track == "moving_on"
    seen = walk_track(conv)
    assert seen == [i for i in kit.content.tracks.moving_on]
    coaching_text = {
        m for lesson in kit.content.lessons.values() if lesson.contact_coaching for m in lesson.messages
    }
    assert not any(r.text in coaching_text for r in conv.history)
    assert not any(r.contact_coaching for r in conv.history)


def test_danger_route_cannot_be_undone_with_a_button(kit):
    conv = Conversation(kit)
    conv.onboard(safety="Threats")
    conv.command("movingon")
    assert "can't" in conv.text().lower() or "not something a button" in conv.text()
    assert "Yes, switch" not in conv.labels()
    assert conv.state.track == "moving_on"


@pytest.mark.parametrize("screen", sorted(SCREENS))
@pytest.mark.parametrize("command", ["help", "menu", "sos", "nonsense"])
def test_every_screen_answers_global_commands(kit, screen, command):
    conv = Conversation(kit)
    conv.onboard()
    conv.state = conv.state.model_copy(update={"screen": screen, "data": {}})
    replies = conv.command(command)
    assert replies, f"{screen} gave no answer to /{command}"
    assert any(r.buttons for r in replies) or command == "sos"
    if command == "nonsense":
        assert "/nonsense" in replies[0].text
    if command == "sos":
        assert "988" in conv.text() or "116 123" in conv.text() or "findahelpline" in conv.text()


@pytest.mark.parametrize("screen", sorted(SCREENS))
def test_every_screen_answers_unknown_text_and_media(kit, screen):
    conv = Conversation(kit)
    conv.onboard()
    conv.state = conv.state.model_copy(update={"screen": screen, "data": {}})
    assert conv.say("qwzx ptr")
    conv.state = conv.state.model_copy(update={"screen": screen, "data": {}})
    replies = conv.media("sticker")
    assert replies and "sticker" in replies[0].text.lower()


def test_stale_button_changes_nothing(kit):
    conv = Conversation(kit)
    conv.onboard()
    old_nonce = conv.state.nonce
    conv.tap("^Next$")
    before = conv.state.model_dump()
    replies = conv.press("next", nonce=old_nonce)
    assert "expired" in replies[0].text
    assert conv.state.model_dump() == before


def test_commands_bring_the_user_back_where_they_were(kit):
    conv = Conversation(kit)
    conv.onboard()
    conv.tap("^Next$")
    lesson = conv.state.data["lesson"]
    conv.command("help")
    conv.tap("Back")
    assert conv.screen == "guide.lesson"
    assert conv.state.data["lesson"] == lesson
    conv.command("faq")
    conv.tap("long")
    conv.tap("Back")
    assert conv.state.data["lesson"] == lesson


def test_typed_intake_answers(kit):
    conv = Conversation(kit)
    conv.command("start")
    conv.say("yes")
    conv.say("my name is alex")
    assert conv.state.profile.name == "Alex"
    conv.say("3 weeks ago")
    assert (conv.now.date() - conv.state.profile.breakup_date).days == 21
    conv.say("they ended it")
    conv.say("we kept arguing and I lied about money")
    assert {"arguments", "trust"} <= set(conv.state.profile.reasons)
    conv.tap("Done")
    conv.say("we have kids together")
    assert conv.state.profile.contact == "must"
    conv.say("no")
    conv.say("Europe/Berlin")
    assert conv.state.profile.timezone == "Europe/Berlin"
    conv.say("21:30")
    assert conv.state.checkins.time.strftime("%H:%M") == "21:30"
    assert conv.state.no_contact.limited
    assert conv.screen == "guide.lesson"


def test_restart_asks_first(kit):
    conv = Conversation(kit)
    conv.onboard()
    conv.tap("^Next$")
    conv.tap("^Next$")
    conv.command("restart")
    conv.tap("No, keep")
    assert conv.state.lesson_index == 2
    conv.command("restart")
    conv.tap("Yes, start over")
    assert conv.state.lesson_index == 0


def test_faq_answers_questions_in_the_users_own_words(kit):
    conv = Conversation(kit)
    conv.onboard()
    conv.command("menu")
    replies = conv.say("how long should I wait before I text my ex?")
    assert "30" in " ".join(r.text for r in replies)


def test_faq_never_coaches_contact_for_a_boundary_user(kit):
    conv = Conversation(kit)
    conv.onboard(contact="asked me not to contact")
    coaching = [e for e in kit.content.faq if e.contact_coaching]
    assert coaching
    for entry in coaching:
        conv.command("faq")
        conv.press(f"q:{entry.id}")
        said = conv.text()
        assert all(message not in said for message in entry.answer)


def test_returning_after_a_week_repeats_the_disclosure(kit):
    conv = Conversation(kit)
    conv.onboard()
    conv.advance(days=8)
    conv.say("hi")
    assert "not a therapist" in conv.history[-len(conv.effects)].text or "not a therapist" in conv.text()


def test_state_round_trips_through_json(kit):
    conv = Conversation(kit)
    conv.onboard()
    conv.tap("^Next$")
    raw = conv.state.model_dump_json()
    assert UserState.model_validate_json(raw) == conv.state


def test_engine_is_deterministic(kit):
    a, b = Conversation(kit), Conversation(kit)
    for conv in (a, b):
        conv.onboard()
        conv.tap("^Next$")
        conv.say("a thought")
    assert a.state == b.state
    assert [r for r in a.history] == [r for r in b.history]


def test_replies_are_plain_text_within_limits(kit):
    conv = Conversation(kit)
    conv.onboard()
    walk_track(conv)
    for reply in conv.history:
        assert isinstance(reply, Reply)
        assert 0 < len(reply.text) <= 4000
        for row in reply.buttons:
            for button in row:
                assert len(f"{reply.nonce}|{button.value}".encode()) <= 64
