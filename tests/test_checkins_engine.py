"""Check-ins in the engine: milestones, the unlock day, slips, low mood, pause and snooze."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tests.driver import Conversation

NINE_LONDON = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 09:00 in London before the clocks change


def answer_checkin(conv: Conversation, mood: int = 3, urge: int = 4, contacted: bool = False) -> None:
    conv.tap(f"^{mood}")
    conv.tap(f"^{urge}$")
    conv.tap("^Yes$" if contacted else "^No$")
    conv.tap("Skip")


def test_milestones_and_the_reconnect_phase_open_on_the_last_day(kit):
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    start = conv.state.no_contact.start
    said: dict[int, str] = {}
    for day in range(1, 31):
        conv.now = datetime.combine(start + timedelta(days=day - 1), time(9, 0), ZoneInfo("Europe/London"))
        replies = conv.due()
        assert replies, f"day {day}: no check-in"
        said[day] = "\n".join(r.text for r in replies)
        answer_checkin(conv)
    milestones = {m.day: m.text for m in kit.content.checkins.milestones}
    for day, text in milestones.items():
        assert text.split("{")[0][:30] in said[day], f"day {day} milestone missing"
    assert "No contact: day 2 of 30." in said[2]
    assert kit.content.checkins.no_contact_done.split("{")[0][:30] in said[30]
    conv.command("menu")
    conv.tap("Continue the guide")
    while conv.screen == "guide.lesson":
        conv.tap("^Next$")
        lesson = kit.content.lessons.get(str(conv.state.data.get("lesson", "")))
        if lesson and lesson.after_no_contact:
            break
    assert conv.screen == "guide.lesson", "on the last no-contact day the reconnect lessons are open"


def test_one_check_in_per_local_day_even_if_due_twice(kit):
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.now = NINE_LONDON
    assert conv.due()
    conv.advance(minutes=5)
    assert conv.due() == []


def test_slip_restart_and_limited_contact(kit):
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.now = NINE_LONDON.replace(day=5)
    conv.due()
    answer_checkin(conv, contacted=True)
    assert "shame" not in conv.text().lower() or "no shame" in conv.text().lower()
    assert {"Restart my count", "Carry on, limited contact"} <= set(conv.labels())
    conv.tap("Restart my count")
    assert conv.state.no_contact.start == conv.now.date()
    assert conv.state.no_contact.slips == 1


def test_low_mood_for_two_weeks_suggests_professional_help_once(kit):
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    suggestion = kit.content.checkins.low_mood_suggestion[0]
    shown = 0
    for day in range(14):
        conv.now = datetime(2026, 3, 2 + day, 9, 0, tzinfo=UTC)
        before = len(conv.history)
        conv.due()
        answer_checkin(conv, mood=1)
        shown += sum(suggestion in r.text for r in conv.history[before:])
    assert shown == 1


def test_pause_and_snooze_skip_check_ins(kit):
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.command("pause", "2")
    conv.now = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    assert conv.due() == []
    conv.now = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    assert conv.due(), "pause 2 days on the 2nd means check-ins resume on the 4th"
    answer_checkin(conv)
    conv.now = datetime(2026, 3, 5, 8, 0, tzinfo=UTC)
    conv.command("snooze")
    conv.now = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
    assert conv.due() == []
    conv.command("stop")
    conv.now = datetime(2026, 3, 6, 9, 0, tzinfo=UTC)
    assert conv.due() == []


def test_draft_review_after_no_contact(kit):
    conv = Conversation(kit, now=datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    conv.onboard(time="09:00")
    conv.advance(days=31)
    conv.now = conv.now.replace(hour=14)
    conv.command("draft", "You always ignored me. Please come back, we need to talk!! Why? When? How?")
    said = conv.text()
    assert "always" in said.lower()
    assert len([r for r in conv.effects]) <= 4
