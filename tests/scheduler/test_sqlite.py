"""The dispatcher and the real service on the real SQLite store: two dispatchers, two processes,
restarts, leases. No sender is registered, so every check-in the engine decided to send is still in
the outbox to be counted."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.scheduler import Dispatcher, due_event
from bot.store.base import DueRow
from tests.scheduler.fakes import ManualClock
from tests.scheduler.kit import NOW, checkins_waiting, due_events, open_service, seed_many

REPO = Path(__file__).resolve().parents[2]
SCHEDULED = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)
TODAY = ["due:checkin:2026-06-01"]


async def test_two_dispatchers_on_one_database_send_each_checkin_once(tmp_path: Path) -> None:
    db = tmp_path / "rekindle.db"
    clock = ManualClock(NOW)
    services = [await open_service(db, clock), await open_service(db, clock)]
    try:
        keys = await seed_many(services[0].store, 120, SCHEDULED)
        dispatchers = [Dispatcher(s, s.store, clock=clock, batch_size=7, concurrency=4) for s in services]
        results = await asyncio.gather(*(d.tick() for d in dispatchers))
        assert sum(r.claimed for r in results) == 120
        # Which dispatcher wins each batch depends on timing; what matters is that none is sent twice.
        assert all(r.failed == 0 for r in results), results
        assert await checkins_waiting(services[0].store, keys) == {key.user_id: 1 for key in keys}
        # The next day, again once each.
        clock.advance(timedelta(days=1))
        await asyncio.gather(*(Dispatcher(s, s.store, clock=clock, batch_size=7).tick() for s in services))
        assert await checkins_waiting(services[1].store, keys) == {key.user_id: 2 for key in keys}
        events = await due_events(services[0].store, keys)
        assert events == {key.user_id: [*TODAY, "due:checkin:2026-06-02"] for key in keys}
    finally:
        for s in services:
            await s.close()


async def test_two_bot_processes_on_one_database_send_each_checkin_once(tmp_path: Path) -> None:
    db = tmp_path / "rekindle.db"
    service = await open_service(db)
    try:
        keys = await seed_many(service.store, 150, SCHEDULED)
    finally:
        await service.close()
    barrier = tmp_path / "ready"  # both past their imports, then both tick at once
    barrier.mkdir()
    workers = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.scheduler.sqlite_worker", str(db), NOW.isoformat(), str(barrier), name,
            cwd=REPO, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        for name in ("a", "b")
    ]
    outputs = [await asyncio.wait_for(w.communicate(), 60) for w in workers]
    for worker, (_, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err.decode()
    reports = [out.split() for out, _ in outputs]
    assert sum(int(claimed) for claimed, _, _ in reports) == 150
    (_, began_a, ended_a), (_, began_b, ended_b) = reports
    assert max(float(began_a), float(began_b)) < min(float(ended_a), float(ended_b))  # the ticks overlapped
    service = await open_service(db)
    try:
        assert await checkins_waiting(service.store, keys) == {key.user_id: 1 for key in keys}
    finally:
        await service.close()


async def test_restart_right_after_a_send_does_not_send_again(tmp_path: Path) -> None:
    db = tmp_path / "rekindle.db"
    service = await open_service(db)
    keys = await seed_many(service.store, 20, SCHEDULED)
    assert (await Dispatcher(service, service.store, clock=lambda: NOW).tick()).claimed == 20
    await service.close()

    clock = ManualClock(NOW)
    service = await open_service(db, clock)  # the restarted process
    try:
        for moment in (NOW, NOW + timedelta(minutes=1), NOW + timedelta(hours=12)):
            clock.set(moment)
            assert (await Dispatcher(service, service.store, clock=clock).tick()).claimed == 0
        # The same due event delivered again (a row reclaimed after its lease) is refused by its id.
        replay = DueRow(keys[0].platform, keys[0].user_id, "checkin", date(2026, 6, 1))
        await service.handle(due_event(replay, NOW))
        assert await checkins_waiting(service.store, keys) == {key.user_id: 1 for key in keys}
    finally:
        await service.close()


async def test_a_crashed_dispatchers_rows_come_back_after_the_lease(tmp_path: Path) -> None:
    clock = ManualClock(NOW)
    service = await open_service(tmp_path / "rekindle.db", clock)
    try:
        keys = await seed_many(service.store, 5, SCHEDULED)
        lease = timedelta(minutes=5)
        taken = await service.store.claim_due(NOW, 100, lease)  # claimed, then the process died
        assert len(taken) == 5
        clock.advance(timedelta(minutes=1))
        survivor = Dispatcher(service, service.store, clock=clock)
        assert (await survivor.tick()).claimed == 0
        assert await checkins_waiting(service.store, keys) == {key.user_id: 0 for key in keys}
        clock.set(NOW + lease + timedelta(seconds=1))
        assert (await survivor.tick()).claimed == 5
        assert await checkins_waiting(service.store, keys) == {key.user_id: 1 for key in keys}
    finally:
        await service.close()


async def test_unreachable_users_are_skipped(tmp_path: Path) -> None:
    service = await open_service(tmp_path / "rekindle.db")
    try:
        keys = await seed_many(service.store, 3, SCHEDULED)
        await service.store.set_unreachable(keys[1], True)
        assert (await Dispatcher(service, service.store, clock=lambda: NOW).tick()).claimed == 2
        assert await checkins_waiting(service.store, keys) == {"user0": 1, "user1": 0, "user2": 1}
    finally:
        await service.close()
