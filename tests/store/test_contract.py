"""One contract, every backend: what the service relies on the store for."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.crypto import Cipher, WrongKeyError, generate_key
from bot.store.base import UserKey
from dialogs.calendar import Due
from dialogs.model import Button, Image, Reply
from dialogs.progress import CheckinRecord, UrgeRecord
from tests.store.conftest import make_store

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ALICE = UserKey("test", "alice")
BOB = UserKey("test", "bob")


async def test_a_replayed_event_changes_nothing(store):
    async with store.user(ALICE) as tx:
        assert await tx.claim_event("e1", NOW)
        await tx.save_state('{"screen": "a"}', NOW, None)
    async with store.user(ALICE) as tx:
        assert not await tx.claim_event("e1", NOW)
    async with store.user(BOB) as tx:
        assert await tx.claim_event("e1", NOW), "event ids are per user"


async def test_a_failed_transaction_leaves_no_trace(store):
    with pytest.raises(RuntimeError):
        async with store.user(ALICE) as tx:
            await tx.claim_event("e1", NOW)
            await tx.save_state('{"screen": "a"}', NOW, None)
            await tx.add_journal(NOW, "reflection", "", "half-written")
            raise RuntimeError("crash mid-step")
    async with store.user(ALICE) as tx:
        assert await tx.load_state() is None
        assert await tx.journal() == []
        assert await tx.claim_event("e1", NOW), "the event was not recorded, so its retry runs"


async def test_outbox_keeps_order_and_round_trips_replies(store):
    replies = [
        Reply("one", buttons=((Button("Next", "next"), Button("Back", "back")),), nonce=3),
        Reply("two", image=Image("progress", "chart")),
        Reply("three", attachment="export"),
    ]
    async with store.user(ALICE) as tx:
        await tx.save_state("{}", NOW, None)
        await tx.enqueue(replies, NOW)
    pending = await store.pending(ALICE)
    assert [p.reply for p in pending] == replies
    assert await store.pending_keys("test", NOW) == [ALICE]
    await store.delivered(pending[0])
    await store.postpone(pending[1], NOW + timedelta(seconds=5))
    left = await store.pending(ALICE)
    assert [p.reply.text for p in left] == ["two", "three"]
    assert left[0].attempts == 1 and left[0].not_before == NOW + timedelta(seconds=5)
    assert await store.pending_keys("test", NOW) == [ALICE], "a reply waiting for its retry holds none back"
    await store.postpone(left[1], NOW + timedelta(seconds=5))
    assert await store.pending_keys("test", NOW) == [], "nothing is ready before not_before"
    assert await store.pending_keys("test", NOW + timedelta(seconds=5)) == [ALICE]


async def test_a_revised_reply_takes_the_failed_ones_place_ready_at_once(store):
    async with store.user(ALICE) as tx:
        await tx.save_state("{}", NOW, None)
        await tx.enqueue([Reply("with buttons", ((Button("Go", "go"),),), nonce=4, urgent=True), Reply("after")], NOW)
    first, second = await store.pending(ALICE)
    await store.postpone(first, NOW + timedelta(minutes=5))
    await store.revise((await store.pending(ALICE))[0], Reply("plain", urgent=True))
    revised, after = await store.pending(ALICE)
    assert (revised.id, revised.reply, revised.attempts, revised.not_before) == (
        first.id, Reply("plain", urgent=True), 0, None
    )
    assert after == second
    assert await store.pending_keys("test", NOW) == [ALICE]


async def test_one_holder_at_a_time_delivers_a_users_outbox(store):
    lease = timedelta(seconds=60)
    async with store.user(ALICE) as tx:
        await tx.save_state("{}", NOW, None)
        await tx.enqueue([Reply("one"), Reply("two")], NOW)
    first = await store.claim_outbox(ALICE, "worker-a", NOW, lease)
    assert first is not None and [i.reply.text for i in first] == ["one", "two"]
    assert await store.claim_outbox(ALICE, "worker-b", NOW, lease) is None, "a second sender is refused"
    assert await store.claim_outbox(BOB, "worker-b", NOW, lease) == [], "other users are not held up"
    renewed = await store.claim_outbox(ALICE, "worker-a", NOW + timedelta(seconds=40), lease)
    assert renewed is not None, "the holder renews its own lease"
    assert await store.claim_outbox(ALICE, "worker-b", NOW + timedelta(seconds=70), lease) is None
    await store.delivered(first[0])

    # Another process commits a reply while worker-a holds the lease: releasing says so.
    async with store.user(ALICE) as tx:
        await tx.enqueue([Reply("three")], NOW)
    assert await store.release_outbox(ALICE, "worker-a", NOW) is True
    taken = await store.claim_outbox(ALICE, "worker-b", NOW, lease)
    assert taken is not None and [i.reply.text for i in taken] == ["two", "three"]
    for item in taken:
        await store.delivered(item)
    assert await store.release_outbox(ALICE, "worker-a", NOW) is False, "only the holder releases"
    assert await store.claim_outbox(ALICE, "worker-a", NOW, lease) is None, "worker-b still holds it"
    assert await store.release_outbox(ALICE, "worker-b", NOW) is False, "nothing left to send"
    assert await store.claim_outbox(ALICE, "worker-a", NOW, lease) == []


async def test_a_crashed_holders_lease_runs_out(store):
    lease = timedelta(seconds=60)
    async with store.user(ALICE) as tx:
        await tx.save_state("{}", NOW, None)
        await tx.enqueue([Reply("one")], NOW)
    assert await store.claim_outbox(ALICE, "crashed", NOW, lease) is not None
    assert await store.claim_outbox(ALICE, "next", NOW + timedelta(seconds=59), lease) is None
    after = await store.claim_outbox(ALICE, "next", NOW + timedelta(seconds=60), lease)
    assert after is not None and [i.reply.text for i in after] == ["one"]


async def test_a_dead_holders_leases_can_be_dropped(store):
    lease = timedelta(seconds=60)
    for key in (ALICE, BOB):
        async with store.user(key) as tx:
            await tx.save_state("{}", NOW, None)
    assert await store.claim_outbox(ALICE, "dead", NOW, lease) == []
    assert await store.claim_outbox(BOB, "dead", NOW, lease) == []
    assert await store.lease_holders() == {"dead"}
    assert await store.drop_leases("dead") == 2
    assert await store.lease_holders() == set()
    assert await store.claim_outbox(ALICE, "alive", NOW, lease) == []


async def test_send_slots_follow_one_another_after_a_burst(store):
    # Slots 10 s apart with a 20 s burst, so the few milliseconds between calls do not matter.
    waits = [await store.reserve_send_slot("telegram:1", 10.0, 20.0) for _ in range(5)]
    for got, expected in zip(waits, (-20.0, -10.0, 0.0, 10.0, 20.0), strict=True):
        assert abs(got - expected) < 1.0, waits
    assert await store.reserve_send_slot("telegram:2", 10.0, 20.0) < -19.0, "each token has its own budget"


async def test_release_reports_only_a_ready_reply(store):
    lease = timedelta(seconds=60)
    async with store.user(ALICE) as tx:
        await tx.save_state("{}", NOW, None)
        await tx.enqueue([Reply("later")], NOW)
    items = await store.claim_outbox(ALICE, "w", NOW, lease)
    assert items is not None
    await store.postpone(items[0], NOW + timedelta(seconds=30))
    assert await store.release_outbox(ALICE, "w", NOW) is False, "a postponed reply is not ready yet"
    assert await store.claim_outbox(ALICE, "w", NOW, lease) is not None
    assert await store.release_outbox(ALICE, "w", NOW + timedelta(seconds=30)) is True
    assert await store.release_outbox(ALICE, "w", NOW + timedelta(seconds=30)) is False, "released already"
    async with store.user(ALICE) as tx:
        await tx.enqueue([Reply("now")], NOW)
        assert await tx.claim_outbox("w", NOW, lease) is not None, "a step takes the lease in its transaction"
    assert await store.claim_outbox(ALICE, "other", NOW, lease) is None, "committed with the step"
    assert await store.release_outbox(ALICE, "w", NOW) is True, "a ready reply behind a postponed one counts"


async def test_claim_due_takes_each_due_user_once(store):
    for i in range(40):
        key = UserKey("test", f"u{i}")
        async with store.user(key) as tx:
            due = Due(at=NOW - timedelta(minutes=i % 3), kind="checkin", local_date=date(2026, 3, 2))
            await tx.save_state("{}", NOW, due if i % 4 else None)
    claims = await asyncio.gather(*(store.claim_due(NOW, 7, timedelta(minutes=5)) for _ in range(6)))
    claimed = [(row.platform, row.user_id) for batch in claims for row in batch]
    assert len(claimed) == len(set(claimed)) == 30
    assert all(row.due_local_date == date(2026, 3, 2) for batch in claims for row in batch)
    assert await store.claim_due(NOW, 100, timedelta(minutes=5)) == []
    assert len(await store.claim_due(NOW + timedelta(minutes=6), 100, timedelta(minutes=5))) == 30


async def test_unreachable_users_are_not_claimed(store):
    async with store.user(ALICE) as tx:
        await tx.save_state("{}", NOW, Due(NOW, "checkin", NOW.date()))
    await store.set_unreachable(ALICE, True)
    assert await store.is_unreachable(ALICE)
    assert await store.claim_due(NOW, 10, timedelta(minutes=1)) == []
    async with store.user(ALICE) as tx:
        await tx.save_state("{}", NOW, None)
    assert await store.is_unreachable(ALICE), "a scheduled step does not make them reachable"
    async with store.user(ALICE) as tx:
        await tx.save_state("{}", NOW, None, seen=True)
    assert not await store.is_unreachable(ALICE)


async def test_export_has_every_row_and_erase_removes_them(store):
    async with store.user(ALICE) as tx:
        await tx.claim_event("e1", NOW)
        await tx.save_state('{"screen": "x"}', NOW, None)
        await tx.add_journal(NOW, "reflection", "l1", "canary-7f3a journal words")
        await tx.record_checkin(NOW, CheckinRecord(NOW.date(), 3, 6, False))
        await tx.record_urge(NOW, UrgeRecord(NOW.date(), 8))
        await tx.enqueue([Reply("hello")], NOW)
        await tx.add_report(NOW, "felt off")
    async with store.user(BOB) as tx:
        await tx.save_state("{}", NOW, None)
    async with store.user(ALICE) as tx:
        data = await tx.export()
    assert {t: len(rows) for t, rows in data.items()} == {
        "processed_events": 1,
        "journal": 1,
        "checkins": 1,
        "urges": 1,
        "outbox": 1,
        "reports": 1,
        "users": 1,
    }
    assert data["journal"][0]["text"] == "canary-7f3a journal words"
    async with store.user(ALICE) as tx:
        await tx.erase()
    async with store.user(ALICE) as tx:
        assert all(not rows for rows in (await tx.export()).values())
    async with store.user(BOB) as tx:
        assert await tx.load_state() == "{}", "other users are untouched"


async def test_history_and_journal_read_back(store):
    async with store.user(ALICE) as tx:
        await tx.save_state("{}", NOW, None)
        for d in range(5):
            day = date(2026, 3, 1) + timedelta(days=d)
            await tx.record_checkin(NOW, CheckinRecord(day, d % 5 + 1, d, d == 2))
            await tx.add_journal(NOW + timedelta(minutes=d), "checkin", "", f"note {d}")
        await tx.record_checkin(NOW, CheckinRecord(date(2026, 3, 1), 5, 0, None))  # a second answer that day
        checkins, urges = await tx.history(date(2026, 3, 2))
        journal = await tx.journal()
    assert [c.local_date.day for c in checkins] == [2, 3, 4, 5]
    assert checkins[1].contacted is True
    assert urges == []
    assert [j.text for j in journal] == [f"note {d}" for d in range(4, -1, -1)]


async def test_a_mood_put_right_later_keeps_the_days_other_answers(store):
    async with store.user(ALICE) as tx:
        await tx.save_state("{}", NOW, None)
        await tx.record_checkin(NOW, CheckinRecord(date(2026, 3, 3), 1, 4, True))
        await tx.record_checkin(NOW, CheckinRecord(date(2026, 3, 3), 3, None, None))  # "mood is like a 3"
        checkins, _ = await tx.history(date(2026, 3, 1))
    assert [(c.mood, c.urge, c.contacted) for c in checkins] == [(3, 4, True)]


async def test_encrypted_at_rest_and_wrong_key_refused(backend, tmp_path):
    key = generate_key()
    store = await make_store(backend, tmp_path, Cipher(key))
    async with store.user(ALICE) as tx:
        await tx.save_state('{"name": "canary-state-91"}', NOW, None)
        await tx.add_journal(NOW, "reflection", "", "canary-journal-42")
    await store.close()
    if backend == "sqlite":
        raw = b"".join(p.read_bytes() for p in tmp_path.glob("rekindle.db*"))
        assert b"canary-journal-42" not in raw and b"canary-state-91" not in raw
    with pytest.raises(WrongKeyError):
        await make_store(backend, tmp_path, Cipher(generate_key()))
    with pytest.raises(WrongKeyError):
        await make_store(backend, tmp_path, Cipher(None))
    store = await make_store(backend, tmp_path, Cipher(key))
    async with store.user(ALICE) as tx:
        assert (await tx.journal())[0].text == "canary-journal-42"
    await store.close()


async def test_rotate_key_re_encrypts_every_row(backend, tmp_path):
    old, new = generate_key(), generate_key()
    store = await make_store(backend, tmp_path, Cipher(old))
    async with store.user(ALICE) as tx:
        await tx.save_state('{"a": 1}', NOW, None)
        await tx.add_journal(NOW, "reflection", "", "secret words")
        await tx.enqueue([Reply("queued")], NOW)
    await store.close()
    store = await make_store(backend, tmp_path, Cipher(new, (old,)))
    touched = await store.rotate_key()
    await store.close()
    assert touched >= 3
    store = await make_store(backend, tmp_path, Cipher(new))  # the old key is no longer needed
    async with store.user(ALICE) as tx:
        assert (await tx.journal())[0].text == "secret words"
        assert await tx.load_state() == '{"a": 1}'
    assert (await store.pending(ALICE))[0].reply.text == "queued"
    await store.close()
    with pytest.raises(WrongKeyError):
        await make_store(backend, tmp_path, Cipher(old))


async def test_a_key_on_plain_text_is_refused_until_encrypt_plain_has_run(backend, tmp_path):
    from bot.crypto import PREFIX, PlainTextStored

    url = await _database(backend, tmp_path)
    store = await _open(url, Cipher(None))
    try:
        async with store.user(ALICE) as tx:
            await tx.save_state('{"screen": "menu"}', NOW, None)
            await tx.add_journal(NOW, "reflection", "", "written before the key")
            await tx.enqueue([Reply("a reply in waiting")], NOW)
            await tx.add_report(NOW, "a note")
    finally:
        await store.close()
    key = generate_key()
    with pytest.raises(PlainTextStored, match="python -m bot encrypt"):
        await _open(url, Cipher(key))
    seen: list[tuple[int, int]] = []
    store = await _open(url, Cipher(key), allow_plain=True)
    try:
        assert await store.encrypt_plain(1, lambda done, total: seen.append((done, total))) == 4
        assert seen[0] == (0, 4) and seen[-1] == (4, 4), "the progress ends at the total"
        assert await store.encrypt_plain(1, lambda done, total: None) == 0, "a second run finds nothing"
    finally:
        await store.close()
    raw = await _raw_encrypted(url)
    assert "written before the key" not in str(raw)
    assert raw and all(v == "" or v.startswith(PREFIX) for v in raw), raw
    store = await _open(url, Cipher(key))
    try:
        async with store.user(ALICE) as tx:
            assert [e.text for e in await tx.journal()] == ["written before the key"]
            assert (await tx.export())["reports"][0]["note"] == "a note"
        assert [i.reply.text for i in await store.pending(ALICE)] == ["a reply in waiting"]
    finally:
        await store.close()
    with pytest.raises(WrongKeyError):
        await _open(url, Cipher(None))


async def _database(backend: str, tmp_path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'plain.db'}"
    from tests.store.conftest import PG_DSN
    from tests.store.pg import fresh_database

    return await fresh_database(PG_DSN)


async def _open(url: str, cipher: Cipher, **options):
    if url.startswith("sqlite:///"):
        from pathlib import Path

        from bot.store.sqlite import open_sqlite

        return await open_sqlite(Path(url.removeprefix("sqlite:///")), cipher, **options)
    from bot.store.postgres import open_postgres

    return await open_postgres(url, cipher, **options)


async def _raw_encrypted(url: str) -> list[str]:
    """Every encrypted column as stored, read around the store."""
    from bot.store.rows import ENCRYPTED_COLUMNS

    queries = [f"SELECT {c} FROM {t}" for t, (_, cols) in ENCRYPTED_COLUMNS.items() for c in cols]
    if url.startswith("sqlite:///"):
        import sqlite3
        from contextlib import closing

        with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as con:
            return [row[0] for q in queries for row in con.execute(q)]
    import asyncpg

    con = await asyncpg.connect(url)
    try:
        return [row[0] for q in queries for row in await con.fetch(q)]
    finally:
        await con.close()


async def test_claim_and_load_claims_once_and_returns_the_state_as_it_was(store):
    async with store.user(ALICE) as tx:
        claimed = await tx.claim_and_load("e1", NOW)
        assert claimed is not None and claimed.state is None, "someone new has no state yet"
        await tx.save_state('{"screen": "a"}', NOW, None)
    async with store.user(ALICE) as tx:
        assert await tx.claim_and_load("e1", NOW) is None, "a replay is refused"
        claimed = await tx.claim_and_load("e2", NOW)
        assert claimed is not None and claimed.state == '{"screen": "a"}'
    async with store.user(ALICE) as tx:
        assert not await tx.claim_event("e2", NOW), "both ways of claiming share the record"
