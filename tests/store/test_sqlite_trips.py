"""SQLite sends a transaction's writes with its next read or its COMMIT: batching must not change
what commits. All or nothing still holds, and nothing can be written after the commit."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.crypto import Cipher
from bot.store.base import StoreUnavailable, UserKey
from bot.store.sqlite import open_sqlite
from dialogs.model import Reply

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ALICE = UserKey("test", "alice")
LEASE = timedelta(seconds=60)


@pytest.fixture
async def store(tmp_path):
    s = await open_sqlite(tmp_path / "rekindle.db", Cipher(None))
    try:
        yield s
    finally:
        await s.close()


async def test_a_failing_statement_in_the_last_trip_commits_nothing(store):
    with pytest.raises(Exception, match="no such table"):
        async with store.user(ALICE) as tx:
            assert await tx.claim_and_load("e1", NOW) is not None
            await tx.save_state('{"screen": "a"}', NOW, None)
            await tx.enqueue([Reply("hello")], NOW)
            tx._write("INSERT INTO no_such_table VALUES (1)", ())  # a write the database refuses
            await tx.claim_outbox("w", NOW, LEASE)
    async with store.user(ALICE) as tx:
        assert await tx.claim_and_load("e1", NOW) is not None, "the event was not recorded as handled"
        assert await tx.load_state() is None, "the state was not saved"
    assert await store.pending(ALICE) == [], "no reply was queued"


async def test_a_write_after_the_outbox_claim_is_refused_not_lost(store):
    with pytest.raises(RuntimeError, match="already committed"):
        async with store.user(ALICE) as tx:
            await tx.save_state('{"screen": "a"}', NOW, None)
            await tx.enqueue([Reply("first")], NOW)
            assert [i.reply.text for i in await tx.claim_outbox("w", NOW, LEASE) or []] == ["first"]
            await tx.enqueue([Reply("too late")], NOW)
    assert [i.reply.text for i in await store.pending(ALICE)] == ["first"]
    async with store.user(ALICE) as tx:
        assert await tx.load_state() == '{"screen": "a"}', "what came before the claim committed with it"


async def test_reads_see_the_writes_still_waiting_in_the_same_transaction(store):
    async with store.user(ALICE) as tx:
        await tx.add_journal(NOW, "note", "", "a line about the lake")
        assert [e.text for e in await tx.journal()] == ["a line about the lake"]
        await tx.erase()
        assert (await tx.export())["journal"] == []


BOB = UserKey("test", "bob")


async def _unreachable(store, key: UserKey) -> bool:
    return bool(await store.is_unreachable(key))


async def test_a_statement_waiting_for_an_open_transaction_never_lands_inside_it(store):
    async with store.user(BOB) as tx:
        await tx.save_state("{}", NOW, None)
    opened = asyncio.Event()

    async def failing_step() -> None:
        async with store.user(ALICE) as tx:
            await tx.claim_and_load("e1", NOW)
            await tx.add_journal(NOW, "note", "", "a line")
            assert len(await tx.journal()) == 1  # a read after a write: the transaction is open now
            opened.set()
            await asyncio.sleep(0.05)  # others queue up behind the lock meanwhile
            raise ValueError("the step failed")

    step = asyncio.create_task(failing_step())
    await opened.wait()
    await store.set_unreachable(BOB, True)
    with pytest.raises(ValueError):
        await step
    assert await _unreachable(store, BOB), "the write that waited committed on its own"
    async with store.user(ALICE) as tx:
        assert await tx.claim_and_load("e1", NOW) is not None, "the failed step's claim was rolled back"
        assert await tx.journal() == [], "and its journal line"


async def test_a_statement_queued_behind_a_failing_last_trip_still_commits(store):
    async with store.user(BOB) as tx:
        await tx.save_state("{}", NOW, None)

    async def failing_commit() -> None:
        async with store.user(ALICE) as tx:
            await tx.claim_and_load("e1", NOW)
            tx._write("INSERT INTO no_such_table VALUES (1)", ())
            await tx.claim_outbox("w", NOW, LEASE)  # the last trip: the lock is let go once it is queued

    step = asyncio.create_task(failing_commit())
    other = asyncio.create_task(store.set_unreachable(BOB, True))
    with pytest.raises(Exception, match="no such table"):
        await step
    await other
    assert await _unreachable(store, BOB)
    async with store.user(ALICE) as tx:
        assert await tx.claim_and_load("e1", NOW) is not None, "the failed step left nothing behind"


async def test_a_burst_claims_each_part_and_a_replay_of_any_part_is_refused(store):
    async with store.user(ALICE) as tx:
        assert await tx.claim_event("p1", NOW)
        assert await tx.claim_event("p2", NOW)
        assert await tx.load_state() is None
        await tx.save_state('{"screen": "a"}', NOW, None)
    async with store.user(ALICE) as tx:
        assert not await tx.claim_event("p2", NOW)
        assert not await tx.claim_event("p1", NOW)


async def test_a_step_whose_state_changed_underneath_writes_nothing_and_asks_to_run_again(store, tmp_path):
    other = await open_sqlite(tmp_path / "rekindle.db", Cipher(None))  # a second process on the file
    try:
        async with store.user(ALICE) as tx:
            await tx.save_state('{"screen": "a"}', NOW, None)
        with pytest.raises(StoreUnavailable, match="changed in another process"):
            async with store.user(ALICE) as tx:
                claimed = await tx.claim_and_load("e1", NOW)
                assert claimed is not None and claimed.state == '{"screen": "a"}'
                async with other.user(ALICE) as theirs:
                    await theirs.save_state('{"screen": "b"}', NOW, None)
                await tx.save_state('{"screen": "from a"}', NOW, None)
                await tx.enqueue([Reply("built on the old state")], NOW)
        async with store.user(ALICE) as tx:
            claimed = await tx.claim_and_load("e1", NOW)
            assert claimed is not None and claimed.state == '{"screen": "b"}', "the event is still to do"
        assert await store.pending(ALICE) == []
    finally:
        await other.close()


async def test_an_event_another_process_took_meanwhile_is_not_taken_twice(store, tmp_path):
    other = await open_sqlite(tmp_path / "rekindle.db", Cipher(None))
    try:
        with pytest.raises(StoreUnavailable):
            async with store.user(ALICE) as tx:
                assert await tx.claim_and_load("e1", NOW) is not None
                async with other.user(ALICE) as theirs:
                    assert await theirs.claim_event("e1", NOW)
                await tx.enqueue([Reply("twice")], NOW)
        async with store.user(ALICE) as tx:
            assert await tx.claim_and_load("e1", NOW) is None, "the run again sees it was handled"
        assert await store.pending(ALICE) == []
    finally:
        await other.close()
