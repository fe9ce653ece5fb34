"""What only PostgreSQL has to prove: several processes' worth of pools on one database."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from bot.crypto import Cipher
from bot.store.base import UserKey, ts
from bot.store.postgres import MIGRATIONS, PostgresStore, StoreUnavailable, open_postgres
from tests.store.conftest import PG_DSN
from tests.store.pg import fresh_database

pytestmark = pytest.mark.skipif(not PG_DSN, reason="no PostgreSQL (set REKINDLE_TEST_PG_DSN)")

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ALICE = UserKey("test", "alice")
BOB = UserKey("test", "bob")


@pytest.fixture
async def dsn() -> str:
    return await fresh_database(PG_DSN)


@pytest.fixture
async def stores(dsn: str) -> AsyncIterator[list[PostgresStore]]:
    """Four stores with pools of their own, as four worker processes would have."""
    opened = [await open_postgres(dsn, Cipher(None)) for _ in range(4)]
    try:
        yield opened
    finally:
        for store in opened:
            await store.close()


async def test_four_claimers_share_2000_due_rows_without_duplicates(dsn, stores):
    con = await asyncpg.connect(dsn)
    try:
        await con.executemany(
            "INSERT INTO users (platform, user_id, state, created_at, last_seen, next_due_at, due_kind,"
            " due_local_date) VALUES ('test', $1, '{}', $2, $2, $3, 'checkin', '2026-03-02')",
            [(f"u{i}", ts(NOW), ts(NOW - timedelta(seconds=i % 97))) for i in range(2000)],
        )
    finally:
        await con.close()

    async def claimer(store: PostgresStore) -> list[str]:
        taken: list[str] = []
        while batch := await store.claim_due(NOW, 50, timedelta(minutes=5)):
            taken.extend(row.user_id for row in batch)
        return taken

    results = await asyncio.gather(*(claimer(s) for s in stores))
    counts = Counter(user for taken in results for user in taken)
    assert len(counts) == 2000
    assert max(counts.values()) == 1, "a due row was claimed twice"
    assert sum(1 for taken in results if taken) >= 2, "the claimers did not actually run side by side"
    assert await stores[0].claim_due(NOW, 50, timedelta(minutes=5)) == []


async def test_two_workers_on_one_user_serialise_and_lose_no_update(stores):
    first, second = stores[0], stores[1]
    async with first.user(ALICE) as tx:
        await tx.save_state(json.dumps({"count": 0}), NOW, None)

    async def bump(store: PostgresStore, times: int) -> None:
        for _ in range(times):
            async with store.user(ALICE) as tx:
                state = json.loads(await tx.load_state() or "{}")
                await asyncio.sleep(0.002)  # widen the read-modify-write window
                await tx.save_state(json.dumps({"count": state["count"] + 1}), NOW, None)

    await asyncio.gather(bump(first, 40), bump(second, 40))
    async with first.user(ALICE) as tx:
        assert json.loads(await tx.load_state() or "{}") == {"count": 80}


async def test_the_user_lock_blocks_that_user_only(stores):
    first, second, third = stores[0], stores[1], stores[2]
    entered = asyncio.Event()

    async def second_worker() -> None:
        async with second.user(ALICE) as tx:
            entered.set()
            await tx.load_state()

    async with first.user(ALICE) as tx:
        await tx.save_state("{}", NOW, None)
        waiting = asyncio.create_task(second_worker())
        await asyncio.sleep(0.3)
        assert not entered.is_set(), "a second worker got into the same user's transaction"
        async with third.user(BOB) as other:  # another user is not held up
            await other.save_state("{}", NOW, None)
    await asyncio.wait_for(waiting, 5)
    assert entered.is_set()


async def test_a_dropped_connection_surfaces_as_retryable_and_the_pool_recovers(dsn, stores):
    store = stores[0]
    admin = await asyncpg.connect(dsn)
    try:
        with pytest.raises(StoreUnavailable) as caught:
            async with store.user(ALICE) as tx:
                assert await tx.claim_event("e1", NOW)
                pid = await tx._con.fetchval("SELECT pg_backend_pid()")
                assert await admin.fetchval("SELECT pg_terminate_backend($1)", pid)
                await asyncio.sleep(0.2)
                await tx.save_state('{"screen": "half"}', NOW, None)
        assert isinstance(caught.value, ConnectionError)
    finally:
        await admin.close()
    # The retry of the whole step runs on a fresh connection and sees nothing of the lost attempt.
    async with store.user(ALICE) as tx:
        assert await tx.claim_event("e1", NOW)
        assert await tx.load_state() is None
        await tx.save_state('{"screen": "done"}', NOW, None)
    async with store.user(ALICE) as tx:
        assert await tx.load_state() == '{"screen": "done"}'


async def test_workers_starting_together_migrate_once(dsn):
    opened = await asyncio.gather(*(open_postgres(dsn, Cipher(None)) for _ in range(5)))
    try:
        con = await asyncpg.connect(dsn)
        try:
            assert await con.fetch("SELECT version FROM schema_version") == [(len(MIGRATIONS),)]
        finally:
            await con.close()
    finally:
        for store in opened:
            await store.close()


async def test_an_unreachable_server_fails_with_store_unavailable():
    port = await _closed_port()
    with pytest.raises(StoreUnavailable):
        await open_postgres(f"postgresql://postgres@127.0.0.1:{port}/postgres", Cipher(None), wait=0.5)


async def _closed_port() -> int:
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = int(server.sockets[0].getsockname()[1])
    server.close()
    await server.wait_closed()
    return port
