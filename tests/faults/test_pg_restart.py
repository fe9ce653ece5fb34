"""PostgreSQL restarted under load: workers reconnect, and the events in flight are not lost.

Runs on a PostgreSQL cluster of its own (scripts/pg.sh with REKINDLE_PG_DIR), so restarting it
disturbs no other test. Skipped when no test PostgreSQL is configured.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.store.base import UserKey
from tests.faults.kit import (
    PLATFORM,
    ROOT,
    SCRIPT,
    collapse_repeats,
    finish,
    handled_event_ids,
    open_db,
    pending_count,
    sent_lines,
    start_worker,
    transcripts,
    write_inbox,
)
from tests.faults.worker import chat
from tests.store.conftest import PG_DSN
from tests.store.pg import fresh_database

pytestmark = pytest.mark.skipif(not PG_DSN, reason="no PostgreSQL (set REKINDLE_TEST_PG_DSN)")

APOLOGY = "Something went wrong on my side"
WORKERS = 2
USERS_PER_WORKER = 5
MAX_RESTARTS = 6


@pytest.fixture
def cluster() -> Iterator[dict[str, str]]:
    """A private PostgreSQL cluster; `pg.sh restart` with this environment restarts only it."""
    env = {**os.environ, "REKINDLE_PG_DIR": str(ROOT / ".pg" / f"fault-{uuid.uuid4().hex[:8]}"),
           "REKINDLE_PG_PORT": "55433"}
    dsn = _pg("start", env)
    try:
        yield {**env, "DSN": dsn}
    finally:
        _pg("stop", env)
        shutil.rmtree(env["REKINDLE_PG_DIR"], ignore_errors=True)


def _pg(command: str, env: dict[str, str]) -> str:
    done = subprocess.run([str(ROOT / "scripts" / "pg.sh"), command], env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@dataclass
class Outcome:
    event_ids: list[str]
    handled: set[str]
    expected: dict[str, list[str]]
    got: dict[str, list[str]]
    restarts: int
    pending: int


async def _under_load(cluster: dict[str, str], tmp_path: Path) -> Outcome:
    url = await fresh_database(cluster["DSN"])
    script = SCRIPT * 3
    inboxes, event_ids, users = [], [], []
    for w in range(WORKERS):
        names = [f"w{w}u{i}" for i in range(USERS_PER_WORKER)]
        inbox = tmp_path / f"inbox{w}.jsonl"
        event_ids += write_inbox(inbox, names, script)
        inboxes.append(inbox)
        users += names

    expected: dict[str, list[str]] = {}
    for w, inbox in enumerate(inboxes):
        ref = tmp_path / f"ref{w}"
        ref.mkdir()
        await chat(f"sqlite:///{ref / 'bot.db'}", inbox, ref / "acks", ref / "sent.jsonl", 0.0)
        expected.update(transcripts(ref / "sent.jsonl"))

    sent = tmp_path / "sent.jsonl"
    procs = [
        await start_worker("chat", url, str(inbox), str(tmp_path / f"acks{w}"), str(sent), cwd=tmp_path)
        for w, inbox in enumerate(inboxes)
    ]
    restarts = 0
    # Restart while the workers are busy, until one of them has been caught mid-transaction
    # (it answers with the apology today) or the restarts run out.
    while restarts < MAX_RESTARTS and all(p.returncode is None for p in procs):
        await asyncio.sleep(0.3)
        await asyncio.to_thread(_pg, "restart", cluster)
        restarts += 1
        if any(APOLOGY in str(line["text"]) for line in sent_lines(sent)):
            break
    for proc in procs:
        await finish(proc, within=120)

    keys = [UserKey(PLATFORM, user) for user in users]
    store = await open_db(url)
    try:
        handled = {e for ids in (await handled_event_ids(store, keys)).values() for e in ids}
        pending = await pending_count(store, keys)
    finally:
        await store.close()
    return Outcome(event_ids, handled, expected, transcripts(sent), restarts, pending)


async def test_workers_reconnect_after_postgres_restarts(cluster, tmp_path: Path) -> None:
    out = await _under_load(cluster, tmp_path)
    assert out.restarts >= 1, "the workers finished before PostgreSQL could be restarted"
    assert out.pending == 0, "replies were left in the outbox"
    assert out.handled <= set(out.event_ids)
    # No event vanished silently: each one was committed, or its sender was told to try again.
    apologies = sum(text.startswith(APOLOGY) for texts in out.got.values() for text in texts)
    assert len(out.event_ids) - len(out.handled) <= apologies
    assert len(out.handled) > len(out.event_ids) // 2, "the workers did not get back to work"


async def test_no_event_is_lost_when_postgres_restarts(cluster, tmp_path: Path) -> None:
    out = await _under_load(cluster, tmp_path)
    assert set(out.event_ids) == out.handled, f"{len(set(out.event_ids) - out.handled)} events were lost"
    for user, texts in out.expected.items():
        assert collapse_repeats(out.got.get(user, []))[0] == collapse_repeats(texts)[0], f"{user} lost a reply"
