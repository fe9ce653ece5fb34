"""kill -9 a worker in the middle of a check-in sweep, restart: no check-in lost, none sent twice.

The event id `due:checkin:<local date>` makes a redo harmless; rows the killed worker had
claimed but not committed come back when their lease runs out.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.faults.kit import (
    collapse_repeats,
    database,
    finish,
    handled_event_ids,
    kill_when,
    open_db,
    pending_count,
    seed_due,
    sent_lines,
    start_worker,
    transcripts,
)
from tests.faults.worker import sweep
from tests.store.conftest import BACKENDS

NOW = datetime(2026, 6, 1, 9, 0, 20, tzinfo=UTC)
USERS = 60
CONCURRENCY = 4  # the worker's dispatcher handles this many users at once


async def _seeded(url: str) -> list:
    store = await open_db(url)
    try:
        return await seed_due(store, USERS, NOW)
    finally:
        await store.close()


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_sweep_killed_midway_sends_every_checkin_once(backend: str, tmp_path: Path) -> None:
    reference = tmp_path / "reference"
    reference.mkdir()
    ref_url = f"sqlite:///{reference / 'bot.db'}"
    await _seeded(ref_url)
    assert await sweep(ref_url, NOW, reference / "sent.jsonl", 0.0) == USERS
    expected = transcripts(reference / "sent.jsonl")
    total = sum(map(len, expected.values()))
    assert len(expected) == USERS and total >= USERS

    url = await database(backend, tmp_path)
    keys = await _seeded(url)
    sent = tmp_path / "sent.jsonl"
    killed = await start_worker("sweep", url, NOW.isoformat(), str(sent), "0.03", cwd=tmp_path)
    await kill_when(killed, sent, total // 3)
    killed_pid = killed.pid
    assert len(sent_lines(sent)) < total, "the kill came after the sweep had finished"

    # Restart at once (the outbox it left is delivered, unclaimed rows are swept), then a tick
    # after the lease has run out picks up the rows the killed worker held.
    await finish(await start_worker("sweep", url, NOW.isoformat(), str(sent), cwd=tmp_path))
    later = (NOW + timedelta(minutes=6)).isoformat()
    await finish(await start_worker("sweep", url, later, str(sent), cwd=tmp_path))

    got = transcripts(sent)
    assert set(got) == set(expected), "some users got no check-in"
    for user, texts in expected.items():
        assert collapse_repeats(got[user])[0] == collapse_repeats(texts)[0], f"{user}'s check-in is wrong"

    # The only repeats allowed: a reply the killed worker wrote but had not marked delivered.
    lines = sent_lines(sent)
    allowed = Counter((user, text) for user, texts in expected.items() for text in texts)
    seen: Counter[tuple[str, str]] = Counter()
    repeats = []
    for line in lines:
        pair = (str(line["user"]), str(line["text"]))
        seen[pair] += 1
        if seen[pair] > allowed[pair]:
            repeats.append(pair)
    assert len(repeats) <= CONCURRENCY, f"{len(repeats)} replies were sent twice"
    for user, text in repeats:
        first = next(line for line in lines if line["user"] == user and line["text"] == text)
        assert first["pid"] == killed_pid, "a reply was repeated without a kill to explain it"

    store = await open_db(url)
    try:
        handled = await handled_event_ids(store, keys)
        assert all(ids == ["due:checkin:2026-06-01"] for ids in handled.values()), handled
        assert await pending_count(store, keys) == 0
    finally:
        await store.close()
