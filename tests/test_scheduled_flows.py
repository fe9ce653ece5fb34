"""Scheduler-driven flows end to end: real SQLite, real Dispatcher, an injected clock."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.scheduler import Dispatcher
from bot.store.base import UserKey
from tests.service_kit import FakeClock, User, make_service


async def test_daily_check_in_is_sent_once_and_recorded(tmp_path):
    clock = FakeClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))  # 08:00 in London
    service, sender = await make_service(tmp_path / "r.db", clock)
    try:
        user = User(service, sender, "u1", clock)
        await user.onboard(time="09:00")
        dispatcher = Dispatcher(service, service.store, clock=clock)
        await dispatcher.tick()
        before = len(user.texts)
        assert before and "1 awful" not in str(sender.last_buttons("u1"))
        clock.advance(hours=1, minutes=1)
        await dispatcher.tick()
        await dispatcher.tick()
        assert sender.last_buttons("u1")[1][0][0] == "1 awful"
        assert sum("No contact: day 1 of 30" in t or "day 1" in t.lower() for t in user.texts[before:]) >= 1
        await user.tap("^2$")
        await user.tap("^8$")
        await user.tap("^Yes$")
        await user.say("texted her at midnight")
        assert any("count" in t.lower() for t in user.texts[-3:]), "a slip is met with a choice, not shame"
        await user.tap("Restart my count")
        async with service.store.user(UserKey("test", "u1")) as tx:
            checkins, _ = await tx.history(clock().date())
        assert [(c.mood, c.urge, c.contacted) for c in checkins] == [(2, 8, True)]
    finally:
        await service.close()


async def test_urge_flow_with_next_day_follow_up(tmp_path):
    clock = FakeClock(datetime(2026, 3, 2, 20, 0, tzinfo=UTC))
    service, sender = await make_service(tmp_path / "r.db", clock)
    try:
        user = User(service, sender, "u1", clock)
        await user.onboard(time="No daily")
        dispatcher = Dispatcher(service, service.store, clock=clock)
        await user.command("urge")
        await user.tap("^9$")
        await user.say("saw her photo with friends")
        await user.tap("let's do it")
        await user.tap("On to writing")
        await user.say("I still love you and I'm sorry for everything")
        assert any("day 1 of 30" in t for t in user.texts[-3:])
        clock.advance(hours=6)
        await dispatcher.tick()
        assert "Yesterday you wrote" not in user.texts[-1]
        clock.advance(hours=8, minutes=30)  # 10:30 the next morning
        await dispatcher.tick()
        assert "Yesterday you wrote" in user.texts[-1]
        await user.tap("glad I waited")
        async with service.store.user(UserKey("test", "u1")) as tx:
            kinds = {e.kind: e.text for e in await tx.journal()}
            _, urges = await tx.history(clock().date().replace(day=1))
        assert kinds["unsent"] == "I still love you and I'm sorry for everything"
        assert kinds["urge"] == "saw her photo with friends"
        assert [u.strength for u in urges] == [9]
        await dispatcher.tick()
        assert "Yesterday you wrote" not in user.texts[-1], "the follow-up is asked once"
    finally:
        await service.close()


async def test_progress_picture_after_check_ins(tmp_path):
    clock = FakeClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    service, sender = await make_service(tmp_path / "r.db", clock)
    try:
        user = User(service, sender, "u1", clock)
        await user.onboard(time="09:00")
        await user.command("progress")
        assert "nothing to chart yet" in user.texts[-2] or "nothing to chart yet" in user.texts[-1]
        for day in range(5):
            await user.command("checkin")
            await user.tap(f"^{(3, 2, 4, 5, 3)[day]}")  # no 1: that brings the safety question first
            await user.tap(f"^{10 - day}$")
            await user.tap("^No$")
            await user.tap("Skip")
            clock.advance(days=1)
        await user.command("progress")
        pictures = [r for r in sender.inbox["u1"] if r.image]
        assert len(pictures) == 1
        assert pictures[0].image.startswith(b"\x89PNG\r\n\x1a\n")
    finally:
        await service.close()


async def test_a_check_in_held_back_by_quiet_hours_comes_in_the_morning_and_the_rhythm_goes_on(tmp_path):
    # The dispatcher was down at 21:30 and first runs at 23:05, inside the quiet hours (22:00-08:00):
    # the missed check-in waits for 08:00, and that later wake-up must not be taken for the first.
    clock = FakeClock(datetime(2026, 3, 2, 20, 0, tzinfo=UTC))  # London is on UTC in early March
    service, sender = await make_service(tmp_path / "r.db", clock)
    try:
        user = User(service, sender, "u1", clock)
        await user.onboard(time="21:30")
        dispatcher = Dispatcher(service, service.store, clock=clock)
        clock.advance(hours=3, minutes=5)
        await dispatcher.tick()
        assert "1 awful" not in str(sender.last_buttons("u1")), "nothing in the quiet hours"
        clock.advance(hours=8, minutes=56)  # 08:01
        await dispatcher.tick()
        assert sender.last_buttons("u1")[1][0][0] == "1 awful", "the missed check-in, in the morning"
        for label in ("^3$", "^4$", "^No$", "Skip"):
            await user.tap(label)
        clock.advance(hours=13, minutes=30)  # 21:31, the next evening
        await dispatcher.tick()
        assert sender.last_buttons("u1")[1][0][0] == "1 awful", "and that evening's as usual"
        async with service.store.user(UserKey("test", "u1")) as tx:
            checkins, _ = await tx.history(datetime(2026, 3, 1).date())
        assert [c.local_date.isoformat() for c in checkins] == ["2026-03-02"], "filed under the day it was for"
    finally:
        await service.close()


async def _progress_words(tmp_path, now: datetime, moods: dict[int, int]) -> list[str]:
    """What /progress says at `now` to someone whose check-ins gave `moods` (days ago -> mood)."""
    from datetime import timedelta

    from dialogs.progress import CheckinRecord

    clock = FakeClock(now)
    service, sender = await make_service(tmp_path / "r.db", clock)
    try:
        user = User(service, sender, "u1", clock)
        await user.onboard(time="09:00")
        today = clock().date()
        async with service.store.user(UserKey("test", "u1")) as tx:
            for back, mood in moods.items():
                await tx.record_checkin(clock(), CheckinRecord(today - timedelta(days=back), mood, 5, False))
        await user.command("progress")
        return user.texts[-3:]
    finally:
        await service.close()


async def test_progress_compares_this_fortnight_with_the_one_before(tmp_path):
    """The chart shows the last fortnight, but the words compare it with the one before: both must
    be read from the store."""
    said = await _progress_words(tmp_path, datetime(2026, 3, 30, 12, 0, tzinfo=UTC),
                                 {back: 4 if back < 14 else 2 for back in range(1, 28)})  # fmt: skip
    assert any("Your mood is up from 2.0 to 4.0 this fortnight." in t for t in said), said


async def test_the_days_running_count_is_the_whole_run_in_words_and_picture(tmp_path):
    """Trial 28 checked in 43 days running: the words said 30, the picture 14."""
    said = await _progress_words(tmp_path, datetime(2026, 5, 20, 12, 0, tzinfo=UTC), dict.fromkeys(range(43), 3))
    assert any("You have checked in 43 days running." in t for t in said), said
