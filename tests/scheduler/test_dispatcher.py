"""Dispatcher.tick against an in-memory due index: batches, event ids, failures, leases, scale.

The handler here only records events: what a check-in says and when one is owed is the engine's,
tested through the real service in test_scheduler.py and test_sqlite.py.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.scheduler import Dispatcher, Scheduler, SystemClock, TickResult, due_event
from dialogs import calendar
from dialogs.model import Event, EventKind
from dialogs.state import UserState
from tests.scheduler.fakes import Account, ManualClock, MemoryDueStore, Recorder, Row

T0 = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)


def daily(zone: str = "UTC", at: dt.time = dt.time(9, 0)) -> UserState:
    state = UserState()
    state.profile.timezone = zone
    state.checkins.time = at
    return state


def test_due_event_names_user_kind_and_local_date() -> None:
    event = due_event(Row("telegram", "42", "checkin", date(2026, 3, 8)), T0)
    assert event == Event(
        kind=EventKind.DUE,
        platform="telegram",
        user_id="42",
        event_id="due:checkin:2026-03-08",
        at=T0,
        due="checkin",
    )


@pytest.mark.parametrize(
    "kwargs",
    [{"batch_size": 0}, {"concurrency": 0}, {"max_rows_per_tick": 0}, {"lease": timedelta(0)}],
)
def test_rejects_nonsense_settings(kwargs: dict[str, object]) -> None:
    store = MemoryDueStore()
    with pytest.raises(ValueError, match="positive"):
        Dispatcher(Recorder(store), store, **kwargs)  # type: ignore[arg-type]


async def test_tick_takes_only_due_rows_in_batches() -> None:
    clock = ManualClock(T0)
    store = MemoryDueStore()
    for i in range(25):
        store.add("telegram", f"due{i}", daily(), T0)  # 09:00 UTC
    for i in range(10):
        store.add("telegram", f"later{i}", daily(at=dt.time(18, 0)), T0)
    service = Recorder(store)
    dispatcher = Dispatcher(service, store, clock=clock, batch_size=10)

    assert await dispatcher.tick() == TickResult(claimed=0, failed=0, capped=False)
    clock.set(datetime(2026, 6, 1, 9, 0, 30, tzinfo=UTC))
    store.claim_calls = 0
    assert await dispatcher.tick() == TickResult(claimed=25, failed=0, capped=False)
    assert store.claim_calls == 3  # 10 + 10 + 5
    assert sorted(e.user_id for e in service.events) == sorted(f"due{i}" for i in range(25))
    assert {e.event_id for e in service.events} == {"due:checkin:2026-06-01"}
    assert {e.at for e in service.events} == {clock.now()}
    # Nothing more until tomorrow's 09:00 or the 18:00 group.
    assert (await dispatcher.tick()).claimed == 0


async def test_one_failing_user_does_not_stop_the_others_and_is_retried_after_the_lease(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = ManualClock(datetime(2026, 6, 1, 9, 1, tzinfo=UTC))
    store = MemoryDueStore()
    for name in ("a", "b", "c"):
        store.add("discord", name, daily(), T0)
    inner = Recorder(store)
    failures = {"b": 1}

    class Flaky:
        async def handle(self, event: Event) -> None:
            if failures.get(event.user_id, 0) > 0:
                failures[event.user_id] -= 1
                raise RuntimeError("database is locked")
            await inner.handle(event)

    lease = timedelta(minutes=5)
    dispatcher = Dispatcher(Flaky(), store, clock=clock, lease=lease)
    with caplog.at_level(logging.ERROR, logger="bot.scheduler"):
        assert await dispatcher.tick() == TickResult(claimed=3, failed=1, capped=False)
    assert "due:checkin:2026-06-01" in caplog.text
    assert sorted(inner.dates("a") + inner.dates("c")) == [date(2026, 6, 1)] * 2
    assert inner.dates("b") == []
    clock.advance(lease - timedelta(seconds=1))
    assert (await dispatcher.tick()).claimed == 0  # still leased
    clock.advance(timedelta(seconds=2))
    assert (await dispatcher.tick()).claimed == 1
    assert inner.dates("b") == [date(2026, 6, 1)]


async def test_concurrency_is_bounded() -> None:
    clock = ManualClock(datetime(2026, 6, 1, 9, 1, tzinfo=UTC))
    store = MemoryDueStore()
    for i in range(40):
        store.add("telegram", str(i), daily(), T0)
    inner = Recorder(store)
    active = peak = 0

    class Slow:
        async def handle(self, event: Event) -> None:
            nonlocal active, peak
            active += 1
            peak = max(peak, active)
            await asyncio.sleep(0.001)
            await inner.handle(event)
            active -= 1

    await Dispatcher(Slow(), store, clock=clock, concurrency=4, batch_size=40).tick()
    assert peak == 4
    assert len(inner.events) == 40


async def test_two_dispatchers_on_one_store_send_each_checkin_once() -> None:
    clock = ManualClock(datetime(2026, 6, 1, 9, 1, tzinfo=UTC))
    store = MemoryDueStore()
    for i in range(1000):
        store.add("telegram", str(i), daily(), T0)
    service = Recorder(store)
    first = Dispatcher(service, store, clock=clock, batch_size=50)
    second = Dispatcher(service, store, clock=clock, batch_size=50)
    a, b = await asyncio.gather(first.tick(), second.tick())
    assert a.claimed > 0
    assert b.claimed > 0
    assert a.claimed + b.claimed == 1000
    assert len(service.events) == 1000
    assert len({e.user_id for e in service.events}) == 1000


async def test_a_hundred_thousand_users_cost_per_tick_follows_the_due_rows() -> None:
    start = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)
    clock = ManualClock(start)
    store = MemoryDueStore()
    users = 100_000
    step = timedelta(days=1) / users
    recorded: list[str] = []

    class Recorder:
        async def handle(self, event: Event) -> None:
            recorded.append(event.user_id)
            key = (event.platform, event.user_id)
            tomorrow = store.accounts[key].due_local_date + timedelta(days=1)
            store.schedule(key, calendar.Due(event.at + timedelta(days=1), "checkin", tomorrow))

    shared = UserState()  # never read by the recorder
    for i in range(users):
        key = (f"p{i % 2}", str(i))
        store.accounts[key] = Account(state=shared)
        store.schedule(key, calendar.Due(start + i * step, "checkin", date(2026, 6, 1)))

    dispatcher = Dispatcher(Recorder(), store, clock=clock, batch_size=500, max_rows_per_tick=20_000)
    clock.set(start + timedelta(seconds=30))
    store.rows_touched = 0
    result = await dispatcher.tick()
    due_now = int(timedelta(seconds=30) / step) + 1
    assert result == TickResult(claimed=due_now, failed=0, capped=False)
    assert store.rows_touched == due_now  # not 100,000
    assert store.claim_calls == 1

    # All of them at once (a long outage): the tick stops at its cap and the next one goes on.
    clock.set(start + timedelta(days=1) - step / 2)
    first = await dispatcher.tick()
    assert first.capped
    assert first.claimed == 20_000
    total = due_now + first.claimed
    while True:
        more = await dispatcher.tick()
        total += more.claimed
        if not more.capped:
            break
    assert total == users
    assert len(set(recorded)) == users


def test_slots() -> None:
    store = MemoryDueStore()
    dispatcher = Dispatcher(Recorder(store), store)
    for obj in (dispatcher, Scheduler(dispatcher), SystemClock(), TickResult(0, 0, False)):
        assert not hasattr(obj, "__dict__"), type(obj).__name__
