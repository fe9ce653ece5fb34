"""The APScheduler heartbeat, and whole stretches of calendar driven through the dispatcher's job body
and the real service: the engine decides what is owed, the SQLite store keeps the next due time."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.scheduler import JOB_ID, Dispatcher, Scheduler, dispatch_job
from dialogs import calendar
from dialogs.model import Event
from dialogs.state import UserState
from tests.scheduler.fakes import ManualClock, MemoryDueStore, Recorder, Row, wait_for
from tests.scheduler.kit import CalendarRun, Sent, person

FAST = timedelta(milliseconds=20)
EARLY = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)  # when the test users were scheduled


def user(zone: str, at: dt.time, *, quiet: tuple[dt.time, dt.time] | None = None, **prefs: Any) -> UserState:
    state = UserState()
    state.profile.timezone = zone
    state.checkins.time = at
    if quiet is not None:
        state.checkins.quiet_start, state.checkins.quiet_end = quiet
    for name, value in prefs.items():
        setattr(state.checkins, name, value)
    return state


def wall(sent: Sent, zone: str) -> datetime:
    return sent.at.astimezone(ZoneInfo(zone))


# --- the real APScheduler heartbeat ---------------------------------------------------------------


async def test_heartbeat_dispatches_each_due_user_once_and_stops(tmp_path: Path) -> None:
    """The real APScheduler ticking every 20 ms, the dispatcher and the service on an injected clock."""
    run = await CalendarRun.open(tmp_path / "bot.db", datetime(2026, 6, 1, 8, 59, tzinfo=UTC))
    try:
        # 09:00 UTC for all three: London is on summer time in June.
        nine_utc = {"UTC": dt.time(9, 0), "Europe/London": dt.time(10, 0), "Africa/Abidjan": dt.time(9, 0)}
        for zone, at in nine_utc.items():
            await run.add(zone, person(zone, at))
        scheduler = Scheduler(run.scheduler._dispatcher, interval=FAST)
        async with scheduler:
            assert scheduler.running
            await wait_for(lambda: scheduler.ticks >= 3)
            assert run.checkins() == []
            run.clock.set(datetime(2026, 6, 1, 9, 0, 5, tzinfo=UTC))
            await wait_for(lambda: len(run.checkins()) == 3)
            seen = scheduler.ticks
            await wait_for(lambda: scheduler.ticks >= seen + 5)
            assert sorted(s.user_id for s in run.checkins()) == ["Africa/Abidjan", "Europe/London", "UTC"]
            assert {s.local_date for s in run.checkins()} == {date(2026, 6, 1)}
        assert not scheduler.running
        stopped_at = scheduler.ticks
        run.clock.advance(timedelta(days=1))
        await asyncio.sleep(5 * FAST.total_seconds())
        assert scheduler.ticks == stopped_at
        assert len(run.checkins()) == 3
    finally:
        await run.close()


async def test_job_is_one_utc_interval_job_that_coalesces_and_never_overlaps() -> None:
    store = MemoryDueStore()
    scheduler = Scheduler(Dispatcher(Recorder(store), store), interval=timedelta(seconds=30))
    scheduler.start()
    try:
        aps = scheduler._aps
        assert aps is not None
        jobs = aps.get_jobs()
        assert [job.id for job in jobs] == [JOB_ID]
        job = jobs[0]
        assert job.coalesce is True
        assert job.max_instances == 1
        assert job.misfire_grace_time == 60
        assert job.trigger.interval == timedelta(seconds=30)
        assert job.trigger.timezone == UTC
        assert aps.timezone == UTC
        assert job.func is dispatch_job
        assert all(isinstance(arg, str) for arg in job.args)
        # The first tick runs at start, not one interval later: the catch-up after downtime.
        await wait_for(lambda: scheduler.ticks == 1, within=2)
    finally:
        await scheduler.stop()


async def test_a_slow_tick_is_never_run_twice_at_once(caplog: pytest.LogCaptureFixture) -> None:
    clock = ManualClock(datetime(2026, 6, 1, 9, 1, tzinfo=UTC))
    store = MemoryDueStore()
    for i in range(6):
        store.add("telegram", str(i), user("UTC", dt.time(9, 0)), EARLY)
    inner = Recorder(store)
    active = peak = 0

    class Slow:
        async def handle(self, event: Event) -> None:
            nonlocal active, peak
            active += 1
            peak = max(peak, active)
            await asyncio.sleep(0.03)
            await inner.handle(event)
            active -= 1

    dispatcher = Dispatcher(Slow(), store, clock=clock, batch_size=1, concurrency=1)
    with caplog.at_level(logging.WARNING, logger="apscheduler"):
        async with Scheduler(dispatcher, interval=timedelta(milliseconds=10)):
            await wait_for(lambda: len(inner.events) == 6)
    assert peak == 1
    assert "maximum number of running instances reached" in caplog.text
    assert Counter(e.user_id for e in inner.events) == Counter({str(i): 1 for i in range(6)})


async def test_stop_lets_the_tick_in_progress_finish() -> None:
    clock = ManualClock(datetime(2026, 6, 1, 9, 1, tzinfo=UTC))
    store = MemoryDueStore()
    store.add("discord", "u", user("UTC", dt.time(9, 0)), EARLY)
    inner = Recorder(store)
    entered, release = asyncio.Event(), asyncio.Event()

    class Blocking:
        async def handle(self, event: Event) -> None:
            entered.set()
            await release.wait()
            await inner.handle(event)

    scheduler = Scheduler(Dispatcher(Blocking(), store, clock=clock), interval=FAST)
    scheduler.start()
    await asyncio.wait_for(entered.wait(), 2)
    stopping = asyncio.create_task(scheduler.stop())
    await asyncio.sleep(0.05)
    assert not stopping.done()
    release.set()
    await asyncio.wait_for(stopping, 2)
    assert inner.dates("u") == [date(2026, 6, 1)]
    assert not scheduler.running


async def test_sync_shutdown_and_failing_ticks(caplog: pytest.LogCaptureFixture) -> None:
    clock = ManualClock(datetime(2026, 6, 1, 9, 1, tzinfo=UTC))
    store = MemoryDueStore()
    store.add("discord", "u", user("UTC", dt.time(9, 0)), EARLY)
    service = Recorder(store)
    outages = 2

    class Flaky:
        async def claim_due(self, now: datetime, limit: int, lease: timedelta) -> list[Row]:
            nonlocal outages
            if outages:
                outages -= 1
                raise OSError("disk I/O error")
            return await store.claim_due(now, limit, lease)

    scheduler = Scheduler(Dispatcher(service, Flaky(), clock=clock), interval=FAST)
    with caplog.at_level(logging.ERROR, logger="bot.scheduler"):
        scheduler.start()
        await wait_for(lambda: service.dates("u") == [date(2026, 6, 1)])
    assert caplog.text.count("dispatch tick failed") == 2
    scheduler.shutdown()
    assert not scheduler.running
    await asyncio.sleep(0)
    await dispatch_job("no-such-scheduler")  # a stale trigger after shutdown does nothing


# --- whole stretches of calendar through the job body and the real service -----------------------


DST_USERS = {
    # user: zone, chosen local time that falls in that zone's spring-forward gap
    "la": ("America/Los_Angeles", dt.time(2, 30)),
    "helsinki": ("Europe/Helsinki", dt.time(3, 30)),
    "lord_howe": ("Australia/Lord_Howe", dt.time(2, 15)),
}


@pytest.fixture
async def open_run(tmp_path: Path):
    runs: list[CalendarRun] = []

    async def start(at: datetime) -> CalendarRun:
        runs.append(await CalendarRun.open(tmp_path / f"cal{len(runs)}.db", at))
        return runs[-1]

    try:
        yield start
    finally:
        for run in runs:
            await run.close()


@pytest.mark.parametrize(
    ("first", "last", "in_gap"),
    [
        # LA springs forward on March 8, Helsinki on March 29; Lord Howe falls back on April 5.
        (date(2026, 3, 1), date(2026, 4, 10), {"la": 1, "helsinki": 1, "lord_howe": 0}),
        # Lord Howe springs forward on October 4; Helsinki falls back on October 25, LA on November 1.
        (date(2026, 9, 25), date(2026, 11, 6), {"la": 0, "helsinki": 0, "lord_howe": 1}),
    ],
    ids=["march-april", "october-november"],
)
async def test_three_zones_across_their_dst_changes_one_checkin_per_local_day(
    open_run, first: date, last: date, in_gap: dict[str, int]
) -> None:
    step = timedelta(minutes=10)
    no_quiet = (dt.time(0, 0), dt.time(0, 0))
    run = await open_run(datetime.combine(first, dt.time(0, 0), UTC) - timedelta(days=1))
    for name, (zone, at) in DST_USERS.items():
        await run.add(name, person(zone, at, quiet=no_quiet))
    await run.run_until(datetime.combine(last, dt.time(0, 0), UTC) + timedelta(days=1), step)

    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    for name, (zone, at) in DST_USERS.items():
        mine = run.checkins(name)
        dates = [s.local_date for s in mine]
        assert len(dates) == len(set(dates)), f"{name} got a check-in twice on one day"
        assert set(days) <= set(dates), f"{name} missed {sorted(set(days) - set(dates))}"
        moved = 0
        for sent in mine:
            assert wall(sent, zone).date() == sent.local_date
            intended = calendar.fire_at(run.states[name], sent.local_date)
            assert intended is not None
            assert timedelta(0) <= sent.at - intended <= step
            local = intended.astimezone(ZoneInfo(zone))
            if local.time() != at:
                moved += 1  # the chosen time did not exist that day: the first instant after the gap
                assert (intended - timedelta(seconds=1)).astimezone(ZoneInfo(zone)).time() < at < local.time()
            for back in (timedelta(minutes=30), timedelta(hours=1)):  # never the second of a repeated hour
                assert (intended - back).astimezone(ZoneInfo(zone)).time() != at
        assert moved == in_gap[name]


async def test_three_days_of_downtime_give_one_catch_up_then_the_usual_rhythm(open_run) -> None:
    zone = "America/Los_Angeles"
    tz = ZoneInfo(zone)
    step = timedelta(minutes=15)
    run = await open_run(datetime(2026, 6, 1, 0, 0, tzinfo=tz).astimezone(UTC))
    times = {"morning": dt.time(9, 0), "afternoon": dt.time(14, 30), "evening": dt.time(20, 0)}
    for name, at in times.items():
        await run.add(name, person(zone, at))
    await run.run_until(datetime(2026, 6, 2, 23, 0, tzinfo=tz).astimezone(UTC), step)
    assert {n: run.dates(n) for n in times} == {n: [date(2026, 6, 1), date(2026, 6, 2)] for n in times}

    # Down from June 2 23:00 to June 5 15:00 local. The first tick after the restart:
    run.clock.set(datetime(2026, 6, 5, 15, 0, tzinfo=tz).astimezone(UTC))
    await run.tick()
    after_restart = [s for s in run.checkins() if s.at == run.clock()]
    assert sorted((s.user_id, s.local_date) for s in after_restart) == [
        ("afternoon", date(2026, 6, 5)),  # missed half an hour ago
        ("morning", date(2026, 6, 5)),  # missed six hours ago, still today
    ]  # the evening user's time is still ahead today: no catch-up for them
    await run.run_until(datetime(2026, 6, 8, 23, 0, tzinfo=tz).astimezone(UTC), step)
    for name, at in times.items():
        assert run.dates(name) == [date(2026, 6, d) for d in (1, 2, 5, 6, 7, 8)], name
        for sent in run.checkins(name):
            if sent.local_date.day > 5:
                assert wall(sent, zone).time().replace(second=0, microsecond=0) >= at
                intended = calendar.fire_at(run.states[name], sent.local_date)
                assert intended is not None
                assert timedelta(0) <= sent.at - intended <= step


async def test_pause_snooze_stop_unreachable_quiet_hours_and_back_off(open_run) -> None:
    zone = "Europe/Helsinki"
    tz = ZoneInfo(zone)
    step = timedelta(minutes=15)
    run = await open_run(datetime(2026, 6, 1, 0, 0, tzinfo=tz).astimezone(UTC))
    june = [date(2026, 6, d) for d in range(1, 31)]
    may31 = date(2026, 5, 31)

    def existing(at: dt.time, **prefs: Any) -> UserState:
        """Someone who has had (and answered) check-ins before."""
        return person(zone, at, last_sent_on=may31, last_answered_on=may31, **prefs)

    await run.add("paused", existing(dt.time(9, 0), paused_until=date(2026, 6, 5)))
    await run.add("snoozed", existing(dt.time(9, 0), snoozed_on=date(2026, 6, 2)))
    await run.add("stopped", existing(dt.time(9, 0), stopped=True))
    gone = await run.add("unreachable", existing(dt.time(9, 0)))
    await run.add("night_owl", existing(dt.time(23, 30)))
    await run.add("silent", existing(dt.time(9, 0)), silent=True)

    await run.service.store.set_unreachable(gone, True)
    await run.run_until(datetime(2026, 6, 10, 10, 0, tzinfo=tz).astimezone(UTC), step)
    await run.write("unreachable", "hi, I'm back")  # writing to the bot makes them reachable again
    assert not await run.service.store.is_unreachable(gone)
    await run.run_until(datetime(2026, 6, 30, 23, 59, tzinfo=tz).astimezone(UTC), step)

    assert run.dates("paused") == june[4:]
    assert run.dates("snoozed") == [june[0], *june[2:]]
    assert run.dates("stopped") == []
    assert run.dates("unreachable") == june[9:]  # June 10 once, as a catch-up, then daily
    assert run.dates("night_owl") == june
    for sent in run.checkins():
        local = wall(sent, zone).time()
        assert not calendar.in_quiet_hours(local, dt.time(22, 0), dt.time(8, 0)), sent
    night_owl = {wall(s, zone).time().replace(second=0) for s in run.checkins("night_owl")}
    assert night_owl == {dt.time(8, 0)}  # 23:30 is inside quiet hours: their end instead
    # Daily, then (from three unanswered) every other day, then (from six) weekly.
    offsets = [(d - june[0]).days for d in run.dates("silent")]
    assert offsets == [0, 1, 2, 3, 5, 7, 9, 16, 23]
    assert any(run.service.kit.content.checkins.gentle_backoff in r.reply.text for r in run.sender.inbox["silent"])
