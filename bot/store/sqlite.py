"""The default store: one SQLite file through aiosqlite, WAL, and BEGIN IMMEDIATE for every write.

One connection per process, guarded by an asyncio lock, because SQLite has a single writer anyway
and interleaving two coroutines' statements on one connection would mix their transactions.
Other processes on the same file are kept in order by BEGIN IMMEDIATE and busy_timeout.

A person's transaction holds that lock, so its length is everyone's wait. Each statement sent on
its own is a trip to the connection's thread and back through a busy event loop, so a transaction
sends its statements in as few trips as it can (writes wait and go with the next read or the
COMMIT, see `_SqliteUserTx`), and the lock is let go as soon as the last trip is queued: the
thread runs trips in the order they were queued, so nothing can come between them any more.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sqlite3
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

from bot.crypto import Cipher, PlainTextStored
from bot.store.base import (
    BadDatabase,
    Claimed,
    Due,
    DueRow,
    JournalEntry,
    OutboxItem,
    StoreUnavailable,
    UserKey,
    ts,
)
from bot.store.codec import reply_to_json
from bot.store.rows import (
    ENCRYPTED_COLUMNS,
    USER_TABLES,
    Progress,
    checkin_record,
    decrypted,
    journal_entry,
    outbox_item,
    plain_text_where,
    urge_record,
)
from dialogs.model import Reply
from dialogs.progress import CheckinRecord, UrgeRecord

__all__ = ["SqliteStore", "open_sqlite"]

log = logging.getLogger("rekindle.store")
MIGRATIONS = ("sqlite_001_init.sql", "sqlite_002_send_leases.sql")
BUSY_TIMEOUT_MS = 10_000  # how long a write waits for another process's write
CLOSE_WAIT_MS = 2_000  # how long the last checkpoint at close waits for other processes' readers

_Statement = tuple[str, Any, bool]  # sql, its parameters (a list of them for executemany), executemany


class _Changed(StoreUnavailable):
    """What a transaction read changed before it could write (another process took the event or
    wrote the state): nothing was written, and the service runs the whole step again."""


def _queue_trip(
    db: aiosqlite.Connection,
    statements: list[_Statement],
    *,
    begin: bool = False,
    checks: Sequence[_Statement] = (),
    commit: bool = False,
) -> asyncio.Future[list[Any]]:
    """Queue statements to run back to back in the connection's own thread, now, before this
    coroutine yields; the future gets the last statement's rows.

    aiosqlite sends each call to its thread separately, through the queue its `_execute` fills;
    this fills it the same way, at once rather than when a task first runs, because the order
    of the queue is what keeps transactions apart once the lock is let go. A trip that fails
    rolls its transaction back in the thread, before any later trip can run inside it.
    """

    def run(conn: sqlite3.Connection) -> list[Any]:
        try:
            if begin:
                conn.execute("BEGIN IMMEDIATE")
            for sql, parameters, _ in checks:  # each must answer a row holding true
                found = conn.execute(sql, parameters).fetchall()
                if not (found and found[0][0]):
                    raise _Changed("this person's event or state changed in another process; running the step again")
            rows: list[Any] = []
            for sql, parameters, many in statements:
                if many:
                    conn.executemany(sql, parameters)
                    rows = []
                else:
                    rows = conn.execute(sql, parameters).fetchall()
            if commit:
                conn.execute("COMMIT")
            return rows
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    future: asyncio.Future[list[Any]] = asyncio.get_running_loop().create_future()
    db._tx.put_nowait((future, partial(run, db._conn)))
    return future


def _migration(name: str) -> str:
    return resources.files("bot.store.migrations").joinpath(name).read_text(encoding="utf-8")


class SqliteStore:
    def __init__(self, db: aiosqlite.Connection, cipher: Cipher, path: Path, *, allow_plain: bool = False) -> None:
        self._db = db
        self._cipher = cipher
        self._allow_plain = allow_plain  # only `python -m bot encrypt` opens a plain-text store with a key
        self._lock = asyncio.Lock()
        self.path = path

    # --- lifecycle -------------------------------------------------------------------------------------------
    async def _migrate(self) -> None:
        async with self._lock:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                await self._db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
                rows = list(await self._db.execute_fetchall("SELECT version FROM schema_version"))
                current = rows[0][0] if rows else 0
                for number, name in enumerate(MIGRATIONS, start=1):
                    if number > current:
                        await _run_script(self._db, _migration(name))
                if current < len(MIGRATIONS):
                    await self._db.execute("DELETE FROM schema_version")
                    await self._db.execute("INSERT INTO schema_version VALUES (?)", (len(MIGRATIONS),))
                rows = list(await self._db.execute_fetchall("SELECT value FROM meta WHERE key = 'key_check'"))
                self._cipher.verify(rows[0][0] if rows else None)
                if not rows and self._cipher.enabled and not self._allow_plain:
                    # The first start with a key: refuse if text was stored before there was one.
                    for table, (_, cols) in ENCRYPTED_COLUMNS.items():
                        found = f"SELECT 1 FROM {table} WHERE {plain_text_where(cols)} LIMIT 1"
                        if list(await self._db.execute_fetchall(found)):
                            raise PlainTextStored()
                    await self._db.execute(
                        "INSERT INTO meta (key, value) VALUES ('key_check', ?)", (self._cipher.key_check(),)
                    )
                await self._db.execute("COMMIT")
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise

    async def close(self) -> None:
        async with self._lock:
            try:
                # Readers in other processes get a moment, not the usual ten seconds: we are stopping.
                if not await self._checkpoint_locked(CLOSE_WAIT_MS):
                    log.info("the WAL is folded in on the next start: another connection is reading")
            except sqlite3.OperationalError as exc:
                # A statement cut short by shutdown can still hold the table; the WAL is folded in
                # on the next start instead, and nothing committed is lost either way.
                log.info("no WAL checkpoint at close (%s)", exc)
            await self._db.close()

    async def checkpoint(self) -> bool:
        """Fold the WAL into the main file and truncate it, so erased bytes leave the WAL too.

        Never waits for readers: while another connection (a backup, a second process) reads an
        older snapshot, the WAL must stay, and this returns False at once, for a later try.
        """
        async with self._lock:
            return await self._checkpoint_locked(0)

    async def _checkpoint_locked(self, wait_ms: int) -> bool:
        await self._db.execute(f"PRAGMA busy_timeout = {wait_ms}")
        try:
            rows = list(await self._db.execute_fetchall("PRAGMA wal_checkpoint(TRUNCATE)"))
        finally:
            await self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return bool(rows) and rows[0][0] == 0

    # --- one user's transaction ------------------------------------------------------------------------------
    @asynccontextmanager
    async def user(self, key: UserKey) -> AsyncIterator[_SqliteUserTx]:
        tx = _SqliteUserTx(self._db, self._cipher, key, self._lock)
        try:
            yield tx
            await tx.commit()
        except BaseException:
            await tx.rollback()
            raise
        finally:
            tx.let_go()

    async def _once(self, sql: str, parameters: Sequence[Any] = ()) -> list[Any]:
        """One statement on its own, its rows: the lock is held only while it is queued."""
        async with self._lock:
            trip = _queue_trip(self._db, [(sql, parameters, False)])
        return await trip

    # --- outbox ----------------------------------------------------------------------------------------------
    async def pending(self, key: UserKey) -> list[OutboxItem]:
        rows = await self._once(
            "SELECT id, payload, attempts, not_before FROM outbox WHERE platform = ? AND user_id = ? ORDER BY id",
            (key.platform, key.user_id),
        )
        return [outbox_item(key, row, self._cipher) for row in rows]

    async def pending_keys(self, platform: str, now: datetime) -> list[UserKey]:
        rows = await self._once(
            # Any ready reply makes the user ready: one waiting for a retry holds nothing back.
            "SELECT o.user_id FROM outbox o JOIN users u USING (platform, user_id)"
            " WHERE o.platform = ? AND u.unreachable = 0 AND (o.not_before = '' OR o.not_before <= ?)"
            " GROUP BY o.user_id ORDER BY min(o.id)",
            (platform, ts(now)),
        )
        return [UserKey(platform, row[0]) for row in rows]

    async def claim_outbox(
        self, key: UserKey, holder: str, now: datetime, lease: timedelta
    ) -> list[OutboxItem] | None:
        async with self.user(key) as tx:
            return await tx.claim_outbox(holder, now, lease)

    async def release_outbox(self, key: UserKey, holder: str, now: datetime) -> bool:
        # One statement: every round trip to the connection's thread keeps other people waiting.
        rows = await self._once(
            "DELETE FROM send_leases WHERE platform = ? AND user_id = ? AND holder = ?"
            " RETURNING EXISTS (SELECT 1 FROM outbox WHERE platform = ? AND user_id = ?"
            " AND (not_before = '' OR not_before <= ?))",
            (key.platform, key.user_id, holder, key.platform, key.user_id, ts(now)),
        )
        return bool(rows and rows[0][0])

    async def lease_holders(self) -> set[str]:
        async with self._lock:
            rows = await self._db.execute_fetchall("SELECT DISTINCT holder FROM send_leases")
        return {row[0] for row in rows}

    async def drop_leases(self, holder: str) -> int:
        async with self._lock:
            cursor = await self._db.execute("DELETE FROM send_leases WHERE holder = ?", (holder,))
            return cursor.rowcount

    async def reserve_send_slot(self, name: str, interval: float, window: float) -> float:
        async with self._lock:
            now = time.time()
            rows = list(
                await self._db.execute_fetchall(
                    "INSERT INTO send_budgets (name, next_at) VALUES (?, ?)"
                    " ON CONFLICT (name) DO UPDATE SET next_at = max(next_at, ?) + ?"
                    " RETURNING next_at",
                    (name, now - window + interval, now - window, interval),
                )
            )
        return float(rows[0][0]) - interval - now

    async def delivered(self, item: OutboxItem) -> None:
        await self._once("DELETE FROM outbox WHERE id = ?", (item.id,))

    async def postpone(self, item: OutboxItem, not_before: datetime) -> None:
        await self._once(
            "UPDATE outbox SET attempts = attempts + 1, not_before = ? WHERE id = ?", (ts(not_before), item.id)
        )

    async def drop(self, item: OutboxItem) -> None:
        await self._once("DELETE FROM outbox WHERE id = ?", (item.id,))

    async def revise(self, item: OutboxItem, reply: Reply) -> None:
        await self._once(
            "UPDATE outbox SET payload = ?, attempts = 0, not_before = '' WHERE id = ?",
            (self._cipher.encrypt(reply_to_json(reply)), item.id),
        )

    async def set_unreachable(self, key: UserKey, unreachable: bool) -> None:
        await self._once(
            "UPDATE users SET unreachable = ? WHERE platform = ? AND user_id = ?",
            (int(unreachable), key.platform, key.user_id),
        )

    async def is_unreachable(self, key: UserKey) -> bool:
        rows = await self._once(
            "SELECT unreachable FROM users WHERE platform = ? AND user_id = ?", (key.platform, key.user_id)
        )
        return bool(rows and rows[0][0])

    # --- scheduler -------------------------------------------------------------------------------------------
    async def claim_due(self, now: datetime, limit: int, lease: timedelta) -> list[DueRow]:
        """Take due users and push their wake-up time past the lease, in one statement."""
        rows = await self._once(
            "UPDATE users SET next_due_at = ? WHERE (platform, user_id) IN ("
            "  SELECT platform, user_id FROM users"
            "  WHERE next_due_at IS NOT NULL AND unreachable = 0 AND next_due_at <= ?"
            "  ORDER BY next_due_at LIMIT ?"
            ") RETURNING platform, user_id, due_kind, due_local_date",
            (ts(now + lease), ts(now), limit),
        )
        return [DueRow(r[0], r[1], r[2] or "checkin", date.fromisoformat(r[3])) for r in rows]

    # --- operator --------------------------------------------------------------------------------------------
    async def stats(self, now: datetime) -> dict[str, int]:
        async with self._lock:
            return await _stats(self._db, now)

    async def reports(self) -> list[dict[str, Any]]:
        async with self._lock:
            rows = await self._db.execute_fetchall(
                "SELECT id, platform, at, reply, note FROM reports WHERE resolved = 0 ORDER BY id"
            )
        return [
            {
                "id": r[0],
                "platform": r[1],
                "at": r[2],
                "reply": self._cipher.decrypt(r[3]),
                "note": self._cipher.decrypt(r[4]),
            }
            for r in rows
        ]

    async def inactive_since(self, before: datetime, limit: int) -> list[UserKey]:
        async with self._lock:
            rows = await self._db.execute_fetchall(
                "SELECT platform, user_id FROM users WHERE last_seen < ? LIMIT ?", (ts(before), limit)
            )
        return [UserKey(r[0], r[1]) for r in rows]

    async def prune_events(self, before: datetime) -> int:
        async with self._lock:
            cursor = await self._db.execute("DELETE FROM processed_events WHERE at < ?", (ts(before),))
            return cursor.rowcount

    async def rotate_key(self) -> int:
        touched = 0
        async with self._lock:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                for table, (keys, cols) in ENCRYPTED_COLUMNS.items():
                    rows = await self._db.execute_fetchall(f"SELECT {', '.join((*keys, *cols))} FROM {table}")
                    updates = [
                        (*(self._cipher.rotate(v) for v in row[len(keys) :]), *row[: len(keys)])
                        for row in rows
                    ]
                    sets = ", ".join(f"{c} = ?" for c in cols)
                    where = " AND ".join(f"{k} = ?" for k in keys)
                    await self._db.executemany(f"UPDATE {table} SET {sets} WHERE {where}", updates)
                    touched += len(updates)
                await self._db.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('key_check', ?)",
                    (self._cipher.key_check(),),
                )
                await self._db.execute("COMMIT")
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise
        await self.checkpoint()
        return touched

    async def encrypt_plain(self, batch: int, progress: Progress) -> int:
        """Encrypt every value stored as plain text, `batch` rows per transaction, so a large database
        does not hold writers for long and a stopped run resumes where it was; then write the check
        value, so the bot starts with the key. Returns the rows encrypted."""
        total = done = 0
        async with self._lock:
            for table, (_, cols) in ENCRYPTED_COLUMNS.items():
                found = f"SELECT count(*) FROM {table} WHERE {plain_text_where(cols)}"
                [(count,)] = await self._db.execute_fetchall(found)
                total += int(count)
        progress(0, total)
        for table, (keys, cols) in ENCRYPTED_COLUMNS.items():
            select = (
                f"SELECT {', '.join((*keys, *cols))} FROM {table} WHERE {plain_text_where(cols)} LIMIT {int(batch)}"
            )
            update = (
                f"UPDATE {table} SET {', '.join(f'{c} = ?' for c in cols)}"
                f" WHERE {' AND '.join(f'{k} = ?' for k in keys)}"
            )
            while True:
                async with self._lock:
                    await self._db.execute("BEGIN IMMEDIATE")
                    try:
                        rows = list(await self._db.execute_fetchall(select))
                        await self._db.executemany(
                            update,
                            [(*(self._cipher.seal(v) for v in r[len(keys) :]), *r[: len(keys)]) for r in rows],
                        )
                        await self._db.execute("COMMIT")
                    except BaseException:
                        await self._db.execute("ROLLBACK")
                        raise
                if not rows:
                    break
                done += len(rows)
                progress(done, total)
        async with self._lock:
            await self._db.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('key_check', ?)", (self._cipher.key_check(),)
            )
        await self.checkpoint()  # the plain text's old bytes leave the WAL too
        return done


async def _stats(db: aiosqlite.Connection, now: datetime) -> dict[str, int]:
    rows = list(
        await db.execute_fetchall(
            "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM users WHERE last_seen >= ?),"
            " (SELECT count(*) FROM checkins WHERE at >= ?),"
            " (SELECT count(*) FROM reports WHERE resolved = 0)",
            (ts(now - timedelta(days=7)), ts(now - timedelta(days=1))),
        )
    )
    users, active, checkins, reports = rows[0]
    return {"users": users, "active": active, "checkins": checkins, "reports": reports}


async def _run_script(db: aiosqlite.Connection, script: str) -> None:
    # executescript() would COMMIT our open transaction; run statement by statement instead.
    code = "\n".join(line.split("--", 1)[0] for line in script.splitlines())
    for statement in (s.strip() for s in code.split(";")):
        if statement:
            await db.execute(statement)


class _SqliteUserTx:
    """One person's transaction, sent in as few trips to the connection's thread as it can be.

    What it reads before it writes is read outside any transaction, without holding the store's
    lock across the trip: the claim on the event and the state it read are checked again right
    after BEGIN IMMEDIATE, and if another process changed them nothing is written (`_Changed`).
    Writes wait in `_writes` and go with the next read, or with the COMMIT. So a guide step is
    two trips: the state, then the checks, the writes, the outbox's lease and the COMMIT together
    (`claim_outbox` ends the transaction). The lock is held from the trip carrying BEGIN until
    the trip carrying COMMIT is queued, usually the same trip."""

    def __init__(self, db: aiosqlite.Connection, cipher: Cipher, key: UserKey, lock: asyncio.Lock) -> None:
        self._db = db
        self._cipher = cipher
        self.key = key
        self._lock = lock
        self._holding = False
        self._begun = False
        self._committed = False
        self._checks: list[_Statement] = []
        self._claimed = False  # an event claimed: a write, even when the step writes nothing else
        self._writes: list[_Statement] = []

    def let_go(self) -> None:
        if self._holding:
            self._holding = False
            self._lock.release()

    async def _look(self, sql: str, parameters: Sequence[Any]) -> list[Any]:
        """A read before anything is written: no transaction, and the lock only while it is queued,
        so that it runs between other people's transactions, never inside one."""
        if self._begun or self._writes:
            return await self._read(sql, parameters)  # it must see what this transaction wrote
        async with self._lock:
            trip = _queue_trip(self._db, [(sql, parameters, False)])
        return await trip

    def _check(self, sql: str, parameters: Sequence[Any]) -> None:
        """A condition the transaction re-checks right after BEGIN; it writes nothing unless it holds."""
        if self._begun:
            raise RuntimeError("a check must come before the transaction begins")
        self._checks.append((sql, parameters, False))

    async def _read(self, sql: str, parameters: Sequence[Any], *, commit: bool = False) -> list[Any]:
        """Everything waiting, then this statement, in one trip inside the transaction; its rows."""
        return await self._trip([(sql, parameters, False)], commit=commit)

    def _write(self, sql: str, parameters: Sequence[Any]) -> None:
        self._refuse_after_commit()
        self._writes.append((sql, parameters, False))

    def _refuse_after_commit(self) -> None:
        # A write queued now would never reach the database: refuse it loudly instead.
        if self._committed:
            raise RuntimeError("this transaction already committed with its claim on the outbox")

    async def _trip(self, statements: list[_Statement], *, commit: bool = False) -> list[Any]:
        self._refuse_after_commit()
        if not self._holding:
            await self._lock.acquire()
            self._holding = True
        trip = _queue_trip(
            self._db,
            [*self._writes, *statements],
            begin=not self._begun,
            checks=[] if self._begun else self._checks,
            commit=commit,
        )
        self._begun = True
        self._writes = []
        self._committed = commit
        if commit:
            self.let_go()
        return await trip

    async def commit(self) -> None:
        if not self._committed and (self._begun or self._writes or self._claimed):
            await self._trip([], commit=True)

    async def rollback(self) -> None:
        self._writes = []
        if self._begun and not self._committed:
            self._committed = True  # nothing more goes out in this transaction

            def undo(conn: sqlite3.Connection) -> None:
                if conn.in_transaction:  # a trip that failed has rolled back already
                    conn.execute("ROLLBACK")

            await self._db._execute(undo, self._db._conn)  # type: ignore[no-untyped-call]

    @property
    def _k(self) -> tuple[str, str]:
        return (self.key.platform, self.key.user_id)

    _SEEN = "EXISTS (SELECT 1 FROM processed_events WHERE platform = ? AND user_id = ? AND event_id = ?)"
    _STATE = "(SELECT state FROM users WHERE platform = ? AND user_id = ?)"

    _CLAIM = (
        "INSERT OR IGNORE INTO processed_events (platform, user_id, event_id, at) VALUES (?, ?, ?, ?) RETURNING 1"
    )

    def _claim_later(self, event_id: str, at: datetime) -> None:
        self._claimed = True
        self._check(self._CLAIM, (*self._k, event_id, ts(at)))

    def _state_unchanged(self, raw: Any) -> None:
        self._check(f"SELECT {self._STATE} IS ?", (*self._k, raw))

    async def claim_event(self, event_id: str, at: datetime) -> bool:
        if self._begun:
            return bool(await self._read(self._CLAIM, (*self._k, event_id, ts(at))))
        [(seen,)] = await self._look(f"SELECT {self._SEEN}", (*self._k, event_id))
        if seen:
            return False
        self._claim_later(event_id, at)
        return True

    async def claim_and_load(self, event_id: str, at: datetime) -> Claimed | None:
        if self._begun:
            if not await self.claim_event(event_id, at):
                return None
            return Claimed(await self.load_state())
        [(seen, raw)] = await self._look(f"SELECT {self._SEEN}, {self._STATE}", (*self._k, event_id, *self._k))
        if seen:
            return None
        self._claim_later(event_id, at)
        self._state_unchanged(raw)
        return Claimed(None if raw is None else self._cipher.decrypt(raw))

    async def load_state(self) -> str | None:
        [(raw,)] = await self._look(f"SELECT {self._STATE}", self._k)
        if not self._begun:
            self._state_unchanged(raw)
        return None if raw is None else self._cipher.decrypt(raw)

    async def save_state(
        self, state_json: str, now: datetime, due: Due | None, *, seen: bool = False, last_reply: str | None = None
    ) -> None:
        sealed_reply = None if last_reply is None else self._cipher.encrypt(last_reply)
        self._write(
            "INSERT INTO users (platform, user_id, state, created_at, last_seen, next_due_at, due_kind,"
            " due_local_date, unreachable, last_reply) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, coalesce(?, ''))"
            " ON CONFLICT (platform, user_id) DO UPDATE SET state = excluded.state,"
            " last_seen = excluded.last_seen, next_due_at = excluded.next_due_at,"
            " due_kind = excluded.due_kind, due_local_date = excluded.due_local_date,"
            " unreachable = CASE WHEN ? THEN 0 ELSE users.unreachable END,"
            " last_reply = coalesce(?, users.last_reply)",
            (
                *self._k,
                self._cipher.encrypt(state_json),
                ts(now),
                ts(now),
                ts(due.at) if due else None,
                due.kind if due else None,
                due.local_date.isoformat() if due else None,
                sealed_reply,
                int(seen),
                sealed_reply,
            ),
        )

    async def claim_outbox(self, holder: str, now: datetime, lease: timedelta) -> list[OutboxItem] | None:
        # The lease and what it covers in one statement, sent with the writes before it and the COMMIT.
        rows = await self._read(
            "INSERT INTO send_leases (platform, user_id, holder, until) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (platform, user_id) DO UPDATE SET holder = excluded.holder, until = excluded.until"
            " WHERE send_leases.holder = excluded.holder OR send_leases.until <= ?"
            " RETURNING (SELECT json_group_array(json_array(id, payload, attempts, not_before)) FROM outbox"
            " WHERE platform = ? AND user_id = ?)",
            (*self._k, holder, ts(now + lease), ts(now), *self._k),
            commit=True,
        )
        if not rows:
            return None
        return [outbox_item(self.key, row, self._cipher) for row in sorted(json.loads(rows[0][0]))]

    async def add_journal(self, at: datetime, kind: str, ref: str, text: str) -> None:
        self._write(
            "INSERT INTO journal (platform, user_id, at, kind, ref, text) VALUES (?, ?, ?, ?, ?, ?)",
            (*self._k, ts(at), kind, ref, self._cipher.encrypt(text)),
        )

    async def record_checkin(self, at: datetime, row: CheckinRecord) -> None:
        self._write(
            "INSERT INTO checkins (platform, user_id, local_date, mood, urge, contacted, at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (platform, user_id, local_date) DO UPDATE SET"
            " mood = COALESCE(excluded.mood, checkins.mood), urge = COALESCE(excluded.urge, checkins.urge),"
            " contacted = COALESCE(excluded.contacted, checkins.contacted), at = excluded.at",
            (
                *self._k,
                row.local_date.isoformat(),
                row.mood,
                row.urge,
                None if row.contacted is None else int(row.contacted),
                ts(at),
            ),
        )

    async def record_urge(self, at: datetime, row: UrgeRecord) -> None:
        self._write(
            "INSERT INTO urges (platform, user_id, local_date, strength, at) VALUES (?, ?, ?, ?, ?)",
            (*self._k, row.local_date.isoformat(), row.strength, ts(at)),
        )

    async def enqueue(self, replies: list[Reply], at: datetime) -> None:
        self._refuse_after_commit()
        if replies:
            self._writes.append(
                (
                    "INSERT INTO outbox (platform, user_id, created_at, payload) VALUES (?, ?, ?, ?)",
                    [(*self._k, ts(at), self._cipher.encrypt(reply_to_json(r))) for r in replies],
                    True,
                )
            )

    async def journal(self) -> list[JournalEntry]:
        rows = await self._read(
            "SELECT id, at, kind, ref, text FROM journal WHERE platform = ? AND user_id = ? ORDER BY at DESC, id DESC",
            self._k,
        )
        return [journal_entry(r, self._cipher) for r in rows]

    async def history(self, since: date) -> tuple[list[CheckinRecord], list[UrgeRecord]]:
        checkins = await self._read(
            "SELECT local_date, mood, urge, contacted FROM checkins"
            " WHERE platform = ? AND user_id = ? AND local_date >= ? ORDER BY local_date",
            (*self._k, since.isoformat()),
        )
        urges = await self._read(
            "SELECT local_date, strength FROM urges WHERE platform = ? AND user_id = ? AND local_date >= ?"
            " ORDER BY local_date, id",
            (*self._k, since.isoformat()),
        )
        return [checkin_record(r) for r in checkins], [urge_record(r) for r in urges]

    async def add_report(self, at: datetime, note: str) -> None:
        self._write(
            "INSERT INTO reports (platform, user_id, at, reply, note)"
            " SELECT platform, user_id, ?, last_reply, ? FROM users WHERE platform = ? AND user_id = ?",
            (ts(at), self._cipher.encrypt(note), *self._k),
        )

    async def export(self) -> dict[str, list[dict[str, Any]]]:
        await self._trip([])  # what this transaction wrote belongs in the export too
        out: dict[str, list[dict[str, Any]]] = {}
        for table in USER_TABLES:
            cursor = await self._db.execute(
                f"SELECT * FROM {table} WHERE platform = ? AND user_id = ?", self._k
            )
            names = [d[0] for d in cursor.description]
            rows = await cursor.fetchall()
            out[table] = [decrypted(zip(names, r, strict=True), self._cipher) for r in rows]
        return out

    async def stats(self, now: datetime) -> dict[str, int]:
        await self._trip([])
        return await _stats(self._db, now)

    async def erase(self) -> None:
        for table in USER_TABLES:
            self._write(f"DELETE FROM {table} WHERE platform = ? AND user_id = ?", self._k)


_HEADER = b"SQLite format 3\x00"


def check_path(path: Path) -> None:
    """Refuse, in one line, a path SQLite cannot use, before SQLite answers with a traceback."""
    if path.is_dir():
        raise BadDatabase(f"{path} is a folder; name a file in it, like sqlite:///{path / 'rekindle.db'}")
    if not path.parent.is_dir():
        raise BadDatabase(f"the folder {path.parent} does not exist; create it, or fix the path")
    if not path.exists():
        return
    try:
        with path.open("rb") as file:
            head = file.read(len(_HEADER))
    except OSError as exc:
        raise BadDatabase(f"{path} cannot be read ({exc.strerror or type(exc).__name__})") from None
    if head and head != _HEADER:
        raise BadDatabase(f"{path} is not an SQLite database")


def _prepare(path: Path) -> None:
    """Check the path, and create a new database file readable by its owner only (SQLite gives the
    WAL and the shared-memory file the same mode as the database file)."""
    check_path(path)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            log.warning("%s can be read by other users of this machine; chmod 600 it and its -wal, -shm", path)
    except OSError as exc:
        raise BadDatabase(f"cannot create {path} ({exc.strerror or type(exc).__name__})") from None


async def open_sqlite(path: Path, cipher: Cipher, *, allow_plain: bool = False) -> SqliteStore:
    if str(path) != ":memory:":
        _prepare(path)
    try:
        db = await aiosqlite.connect(path, isolation_level=None)
    except sqlite3.Error as exc:
        raise BadDatabase(f"cannot open {path} ({exc})") from None
    try:
        for pragma in (
            "journal_mode = WAL",
            "synchronous = NORMAL",
            f"busy_timeout = {BUSY_TIMEOUT_MS}",
            "secure_delete = ON",
            "foreign_keys = ON",
        ):
            await db.execute(f"PRAGMA {pragma}")
        store = SqliteStore(db, cipher, path, allow_plain=allow_plain)
        await store._migrate()
        # Fold in a WAL the last run left (an erase that was still waiting for a reader, say).
        await store.checkpoint()
    except sqlite3.DatabaseError as exc:
        await db.close()
        raise BadDatabase(f"{path} cannot be used ({exc})") from None
    except BaseException:
        await db.close()
        raise
    return store
