"""Two dispatcher processes sweep one database at the same moment: every check-in is sent once."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.faults.kit import (
    database,
    finish,
    handled_event_ids,
    open_db,
    pending_count,
    seed_due,
    sent_lines,
    start_worker,
)
from tests.store.conftest import BACKENDS

NOW = datetime(2026, 6, 1, 9, 0, 20, tzinfo=UTC)
USERS = 80


@pytest.mark.parametrize("backend", BACKENDS)
async def test_two_dispatcher_processes_send_each_checkin_once(backend: str, tmp_path: Path) -> None:
    url = await database(backend, tmp_path)
    store = await open_db(url)
    try:
        keys = await seed_due(store, USERS, NOW)
    finally:
        await store.close()

    logs = [tmp_path / "a.jsonl", tmp_path / "b.jsonl"]
    # A delay per send keeps both sweeps running at the same time, however slowly the second starts
    # (80 sends x 50 ms is 4 s alone; a process starts in about 1 s, 3 s on a busy machine).
    workers = [
        await start_worker("sweep", url, NOW.isoformat(), str(log), "0.05", cwd=tmp_path) for log in logs
    ]
    await asyncio.gather(*(finish(worker) for worker in workers))

    by_process = [sent_lines(log) for log in logs]
    assert all(by_process), "both dispatchers took part"
    checkins = Counter(str(line["user"]) for lines in by_process for line in lines)
    assert set(checkins) == {key.user_id for key in keys}, "someone got no check-in"
    per_user = set(checkins.values())
    assert len(per_user) == 1, f"some users got more messages than others: {checkins}"
    store = await open_db(url)
    try:
        handled = await handled_event_ids(store, keys)
        assert all(ids == ["due:checkin:2026-06-01"] for ids in handled.values()), handled
        assert await pending_count(store, keys) == 0
    finally:
        await store.close()
