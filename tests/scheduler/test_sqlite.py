"""The dispatcher on the real SQLite store: two dispatchers, two processes, restarts, leases."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.scheduler import Dispatcher, due_event
from bot.store.base import DueRow
from bot.store.sqlite import SqliteStore
from tests.scheduler.fakes import ManualClock
from tests.scheduler.sqlite_kit import StoreCheckinService, open_db, seed, sent_texts

REPO = Path(__file__).resolve().parents[2]
SCHEDULED = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)
NOW = datetime(2026, 6, 1, 9, 0, 20, tzinfo=UTC)
ONCE = ["check-in 2026-06-01"]


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Path]:
    path = tmp_path / "rekindle.db"
    store = await open_db(path)
    try:
        yield path
    finally:
        await store.close()


async def test_two_dispatchers_on_one_database_send_each_checkin_once(db: Path) -> None:
    stores = [await open_db(db), await open_db(db)]
    try:
        keys = await seed(stores[0], 120, SCHEDULED)
        dispatchers = [
            Dispatcher(StoreCheckinService(s), s, clock=lambda: NOW, batch_size=7, concurrency=4)
            for s in stores
        ]
        results = await asyncio.gather(*(d.tick() for d in dispatchers))
        assert sum(r.claimed for r in results) == 120
        assert all(r.failed == 0 for r in results)
        texts = await sent_texts(stores[0], keys)
        assert texts == {key.user_id: ONCE for key in keys}
        # The next day, again once each.
        tomorrow = NOW + timedelta(days=1)
        again = [Dispatcher(StoreCheckinService(s), s, clock=lambda: tomorrow, batch_size=7) for s in stores]
        await asyncio.gather(*(d.tick() for d in again))
        texts = await sent_texts(stores[1], keys)
        assert texts == {key.user_id: [*ONCE, "check-in 2026-06-02"] for key in keys}
    finally:
        for s in stores:
            await s.close()


async def test_two_bot_processes_on_one_database_send_each_checkin_once(db: Path) -> None:
    store = await open_db(db)
    try:
        keys = await seed(store, 150, SCHEDULED)
    finally:
        await store.close()
    start_at = str(time.time() + 3)  # both past their imports, then both tick at once
    workers = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.scheduler.sqlite_worker", str(db), NOW.isoformat(), start_at,
            cwd=REPO, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        for _ in range(2)
    ]
    outputs = [await asyncio.wait_for(w.communicate(), 60) for w in workers]
    for worker, (_, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err.decode()
    reports = [out.split() for out, _ in outputs]
    assert sum(int(claimed) for claimed, _, _ in reports) == 150
    (_, began_a, ended_a), (_, began_b, ended_b) = reports
    assert max(float(began_a), float(began_b)) < min(float(ended_a), float(ended_b))  # the ticks overlapped
    store = await open_db(db)
    try:
        assert await sent_texts(store, keys) == {key.user_id: ONCE for key in keys}
    finally:
        await store.close()


async def test_restart_right_after_a_send_does_not_send_again(db: Path) -> None:
    store = await open_db(db)
    keys = await seed(store, 20, SCHEDULED)
    assert (await Dispatcher(StoreCheckinService(store), store, clock=lambda: NOW).tick()).claimed == 20
    await store.close()

    store = await open_db(db)  # the restarted process
    try:
        service = StoreCheckinService(store)
        for moment in (NOW, NOW + timedelta(minutes=1), NOW + timedelta(hours=12)):
            clock = ManualClock(moment)
            assert (await Dispatcher(service, store, clock=clock).tick()).claimed == 0
        # The same due event delivered again (a row reclaimed after its lease) is refused by its id.
        replay = DueRow(keys[0].platform, keys[0].user_id, "checkin", date(2026, 6, 1))
        await service.handle(due_event(replay, NOW))
        assert await sent_texts(store, keys) == {key.user_id: ONCE for key in keys}
    finally:
        await store.close()


async def test_a_crashed_dispatchers_rows_come_back_after_the_lease(db: Path) -> None:
    store: SqliteStore = await open_db(db)
    try:
        keys = await seed(store, 5, SCHEDULED)
        lease = timedelta(minutes=5)
        taken = await store.claim_due(NOW, 100, lease)  # claimed, then the process died
        assert len(taken) == 5
        survivor = Dispatcher(StoreCheckinService(store), store, clock=lambda: NOW + timedelta(minutes=1))
        assert (await survivor.tick()).claimed == 0
        assert await sent_texts(store, keys) == {key.user_id: [] for key in keys}
        later = NOW + lease + timedelta(seconds=1)
        assert (await Dispatcher(StoreCheckinService(store), store, clock=lambda: later).tick()).claimed == 5
        assert await sent_texts(store, keys) == {key.user_id: ONCE for key in keys}
    finally:
        await store.close()


async def test_unreachable_users_are_skipped(db: Path) -> None:
    store = await open_db(db)
    try:
        keys = await seed(store, 3, SCHEDULED)
        await store.set_unreachable(keys[1], True)
        assert (await Dispatcher(StoreCheckinService(store), store, clock=lambda: NOW).tick()).claimed == 2
        texts = await sent_texts(store, keys)
        assert texts == {"user0": ONCE, "user1": [], "user2": ONCE}
    finally:
        await store.close()
