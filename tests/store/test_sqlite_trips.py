"""SQLite sends a transaction's writes with its next read or its COMMIT: batching must not change
what commits. All or nothing still holds, and nothing can be written after the commit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.crypto import Cipher
from bot.store.base import UserKey
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
