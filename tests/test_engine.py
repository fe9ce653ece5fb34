"""The engine on its own: pure, deterministic, no adapter, driven as a person would."""

from __future__ import annotations

import pytest

from dialogs.model import Reply
from dialogs.screens import SCREENS
from dialogs.state import UserState
from tests.driver import Conversation


OUTCOME_ANSWERS = {
    "first": "^No reply yet$",
    "no_reply": "^Still nothing$",
    "warm": "talking again",
    "cool": "Still cool",
}


def walk_days(
    conv: Conversation, days: int, *, outcome: dict[str, str] | None = None, extra: int = 0
) -> list[list[str]]:
    """Live `days` days as a person would: the check-in, today's step, an answer now and then,
    `extra` more steps a day, and an answer whenever the guide asks what happened.

    Returns the lessons opened on each day."""
    answers = {**OUTCOME_ANSWERS, **(outcome or {})}
    per_day: list[list[str]] = []
    for day in range(days):
        before = list(conv.state.guide.read)
        conv.command("today")
        for _ in range(4):  # what happened after reaching out may be asked before the step
            if conv.screen != "guide.outcome":
                break
            conv.tap(answers[str(conv.state.data.get("moment"))])
            if conv.screen == "guide.outcome" or conv.screen.startswith("guide.lesson"):
                continue
            conv.command("today")
        if conv.screen == "guide.lesson":
            if "30 days" in conv.labels():
                conv.tap("30 days")
            elif day % 2 == 0:
                conv.say(f"my honest answer on day {day}")
            else:
                conv.tap("Skip the question")
        for _ in range(extra):
            more = next((label for label in conv.labels() if label.startswith("One more step")), None)
            if more is None:
                break
            conv.tap(more)
            conv.tap("30 days" if "30 days" in conv.labels() else "Skip the question")
        per_day.append([i for i in conv.state.guide.read if i not in before])
        conv.advance(days=1)
    return per_day


def test_consent_comes_first(kit):
    conv = Conversation(kit)
    replies = conv.say("hello?")
    text = "\n".join(r.text for r in replies)
    assert "not a therapist" in text and "18" in text and "/sos" in text
    assert conv.labels() == ["I'm 18+ and I agree", "What do you keep?", "Not now"]


def _before(kit) -> list[str]:
    return [
        i
        for section in kit.content.tracks.reconnect.before
        for i in section.lessons
        if i != "limited_contact"
    ]


def test_the_lessons_before_reaching_out_are_spread_over_no_contact(kit):
    conv = Conversation(kit)
    conv.onboard()
    assert conv.state.track == "reconnect" and conv.state.profile.timezone == "Europe/London"
    days = walk_days(conv, 29)
    opened = [i for day in days for i in day]
    assert opened == _before(kit)[1:], (
        "in order, nothing twice, limited contact only for people who share a life"
    )
    assert all(len(day) <= 1 for day in days), "one new step a day by default"
    assert sum(1 for day in days if day) >= 15, "something new on most days"
    assert not any(kit.content.lessons[i].contact_coaching for i in conv.state.guide.read)


def test_reaching_out_opens_when_no_contact_ends_then_asks_what_happened(kit):
    conv = Conversation(kit)
    conv.onboard()
    walk_days(conv, 29)
    days = walk_days(conv, 3)
    assert [i for day in days for i in day] == ["ready_to_reach_out", "apology", "first_message"]
    conv.command("today")
    assert conv.screen == "guide.outcome"
    assert "Not sent yet" in conv.labels() and "They asked me to stop" in conv.labels()


@pytest.mark.parametrize(
    ("answer", "first_lesson"),
    [
        ("No reply yet", "no_reply"),
        ("They replied warmly", "friendship_first"),
        ("replied, but coolly", "cool_reply"),
    ],
)
def test_each_answer_opens_its_branch(kit, answer, first_lesson):
    conv = Conversation(kit)
    conv.onboard()
    walk_days(conv, 32)
    conv.command("today")
    conv.tap(answer)
    assert conv.state.guide.read[-1] == first_lesson
    assert conv.screen == "guide.lesson"


def test_couple_lessons_open_only_when_they_are_talking_again(kit):
    conv = Conversation(kit)
    conv.onboard()
    walk_days(conv, 32)
    together = set(kit.content.tracks.reconnect.branches["together"].lessons)
    walk_days(conv, 6, outcome={"first": "replied warmly", "warm": "Not yet"})
    assert not together & set(conv.state.guide.read), "still slow: no couple lessons"
    walk_days(conv, 12, outcome={"first": "replied warmly", "warm": "talking again"})
    assert {"past_issues", "rebuild_trust"} <= set(conv.state.guide.read)


def test_they_asked_me_to_stop_moves_to_moving_on_for_good(kit):
    conv = Conversation(kit)
    conv.onboard()
    walk_days(conv, 32)
    conv.command("today")
    conv.tap("asked me to stop")
    assert "boundary" in conv.state.flags and conv.state.track == "moving_on"
    assert conv.screen == "guide.lesson"
    assert not kit.content.lessons[conv.state.guide.read[-1]].contact_coaching


def test_they_are_with_someone_new_respects_it(kit):
    conv = Conversation(kit)
    conv.onboard()
    walk_days(conv, 32)
    conv.command("today")
    conv.tap("with someone new")
    assert "moved_on" in conv.state.flags
    assert "Switch to moving on" in conv.labels()


def test_no_reply_for_weeks_offers_letting_go_first(kit):
    conv = Conversation(kit)
    conv.onboard()
    walk_days(conv, 32)
    walk_days(conv, 22, outcome={"first": "No reply yet", "no_reply": "Still nothing"})
    conv.command("today")
    if conv.screen != "guide.outcome":
        conv.advance(days=7)
        conv.command("today")
    assert conv.screen == "guide.outcome"
    assert conv.labels()[0] == "I'm ready to let go"
    conv.tap("ready to let go")
    assert conv.state.guide.read[-1] == kit.content.tracks.reconnect.branches["let_go"].lessons[0]


def test_one_more_step_at_most_two_extra_a_day(kit):
    conv = Conversation(kit)
    conv.onboard()
    conv.advance(days=1)
    days = walk_days(conv, 2, extra=5)
    assert [len(day) for day in days] == [3, 3]
    assert "One more step" not in conv.labels()


def test_the_no_contact_length_is_chosen_in_its_lesson(kit):
    conv = Conversation(kit)
    conv.onboard()
    for _ in range(10):
        conv.advance(days=1)
        conv.command("today")
        if conv.state.data.get("lesson") == "no_contact_why":
            break
    assert conv.labels()[:4] == ["21 days", "30 days", "45 days", "60 days"]
    said = "\n".join(r.text for r in conv.tap("45 days"))
    assert conv.state.no_contact.days == 45 and "45 days" in said


def test_returning_shows_one_line_not_the_whole_lesson(kit):
    conv = Conversation(kit)
    conv.onboard()
    lesson = kit.content.lessons[conv.state.guide.read[-1]]
    conv.command("sos")
    replies = conv.tap("Back")
    said = "\n".join(r.text for r in replies)
    assert lesson.title in said and lesson.messages[0] not in said
    assert len(replies) == 1


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
    walk_days(conv, 40, extra=1)
    moving_on = [
        i for s in kit.content.tracks.moving_on.sections for i in s.lessons if i != "limited_contact"
    ]
    assert conv.state.guide.read == moving_on
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
    conv.tap("Skip the question")
    before = conv.state.model_dump()
    replies = conv.press("skip", nonce=old_nonce)
    assert "expired" in replies[0].text
    assert conv.state.model_dump() == before


def test_commands_bring_the_user_back_where_they_were(kit):
    conv = Conversation(kit)
    conv.onboard()
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
    conv.say("germany")
    assert conv.state.profile.country == "DE"
    conv.say("21:30")
    assert conv.state.checkins.time.strftime("%H:%M") == "21:30"
    assert conv.state.no_contact.limited and conv.state.profile.shares_life
    assert conv.screen == "guide.lesson"


def test_restart_asks_first(kit):
    conv = Conversation(kit)
    conv.onboard()
    walk_days(conv, 3)
    read = list(conv.state.guide.read)
    conv.command("restart")
    conv.tap("No, keep")
    assert conv.state.guide.read == read
    conv.command("restart")
    conv.tap("Yes, start over")
    assert conv.state.guide.read == ["emotions_name"], "the first step again, today"


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
    walk_days(conv, 2)
    raw = conv.state.model_dump_json()
    assert UserState.model_validate_json(raw) == conv.state


def test_engine_is_deterministic(kit):
    a, b = Conversation(kit), Conversation(kit)
    for conv in (a, b):
        conv.onboard()
        walk_days(conv, 2)
        conv.say("a thought")
    assert a.state == b.state
    assert [r for r in a.history] == [r for r in b.history]


def test_replies_are_plain_text_within_limits(kit):
    conv = Conversation(kit)
    conv.onboard()
    walk_days(conv, 45, extra=1)
    for reply in conv.history:
        assert isinstance(reply, Reply)
        assert 0 < len(reply.text) <= 500, reply.text
        for row in reply.buttons:
            for button in row:
                assert len(f"{reply.nonce}|{button.value}".encode()) <= 64
