"""The PostgreSQL store, for several worker processes on one database. Same contract as SQLite.

- One user at a time: `user(key)` opens a transaction and first takes a transaction-scoped
  advisory lock on the user's key, so two workers handling the same person run one after the
  other, and the lock goes away with the commit or rollback (or with a dead worker's connection).
- Due rows are claimed with `FOR UPDATE SKIP LOCKED`, so several dispatchers take disjoint rows.
- Migrations are versioned in `schema_version` and run under an advisory lock, so workers that
  start together do not race.
- Connection trouble (PostgreSQL restarting, a dropped socket, too many connections) surfaces as
  `StoreUnavailable`, a `ConnectionError`. Single statements and the start of a user transaction
  are retried here for a few seconds. A failure inside a user transaction cannot be: the caller's
  code ran in it. It was rolled back, or, when the connection broke during COMMIT, it may have
  committed. Either way the caller can run the whole step again, because `claim_event` refuses
  an event id that did commit.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from datetime import date, datetime, timedelta
from importlib import resources
from typing import Any, TypeVar
from urllib.parse import urlsplit

import asyncpg
from asyncpg import exceptions as pgerr

from bot.crypto import Cipher, PlainTextStored
from bot.store.base import (
    BadDatabase,
    Claimed,
    DatabaseUnreachable,
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

__all__ = ["PostgresStore", "StoreUnavailable", "is_connection_error", "open_postgres"]

log = logging.getLogger("rekindle.store")
T = TypeVar("T")

MIGRATIONS = ("postgres_001_init.sql", "postgres_002_send_leases.sql")
# The two-int form of advisory lock keys is a key space apart from the one-bigint form used per user.
MIGRATION_LOCK = (0x726B, 1)
USER_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended($1 || ':' || $2, 0))"
# About three seconds in all: enough for a PostgreSQL restart, short enough for a chat reply.
RETRY_DELAYS = (0.05, 0.1, 0.2, 0.4, 0.8, 1.6)


_CONNECTION_ERRORS: tuple[type[BaseException], ...] = (
    OSError,  # refused, reset, unreachable, and TimeoutError
    pgerr.PostgresConnectionError,  # SQLSTATE class 08, including "connection was closed in the middle"
    pgerr.AdminShutdownError,  # 57P01: the server is shutting down or our backend was terminated
    pgerr.CrashShutdownError,
    pgerr.CannotConnectNowError,  # 57P03: starting up or shutting down
    pgerr.TooManyConnectionsError,
    # A FATAL notice from a terminating server can arrive between two statements and leave asyncpg's
    # protocol in a state it refuses to go on from ("another operation is in progress"); the pool then
    # closes the connection. The same family covers a stale statement cache, which asyncpg also retries.
    pgerr.InternalClientError,
)


def is_connection_error(exc: BaseException) -> bool:
    if isinstance(exc, _CONNECTION_ERRORS):
        return True
    # asyncpg's word for using a connection whose socket has already gone.
    return isinstance(exc, pgerr.InterfaceError) and "connection is closed" in str(exc)


def _broken(exc: BaseException, con: Any) -> bool:
    """Whether `exc` on `con` means the connection died under us (rather than a bug or bad data)."""
    if is_connection_error(exc):
        return True
    return isinstance(exc, pgerr.InterfaceError) and _lost(con)


def _lost(con: Any) -> bool:
    """Whether this pooled connection died under us."""
    try:
        return bool(con.is_closed())
    except pgerr.InterfaceError:
        return True  # asyncpg already took the dead connection back from the proxy


def _migration(name: str) -> str:
    return resources.files("bot.store.migrations").joinpath(name).read_text(encoding="utf-8")


def _count(status: str) -> int:
    """Rows touched, from a command tag such as 'DELETE 3' or 'INSERT 0 1'."""
    return int(status.rsplit(" ", 1)[-1])


class PostgresStore:
    def __init__(self, pool: Any, cipher: Cipher, *, allow_plain: bool = False) -> None:
        self._pool = pool
        self._cipher = cipher
        self._allow_plain = allow_plain  # only `python -m bot encrypt` opens a plain-text store with a key

    # --- plumbing --------------------------------------------------------------------------------------------
    async def _retrying(self, op: Callable[[Any], Awaitable[T]]) -> T:
        """Run `op` on a pooled connection; on connection trouble, wait and run it again.

        Only for work that is safe to repeat: single statements and short transactions of our own.
        """
        for delay in (*RETRY_DELAYS, None):
            try:
                async with self._pool.acquire() as con:
                    try:
                        return await op(con)
                    except (pgerr.InterfaceError, pgerr.InternalClientError) as exc:
                        if _broken(exc, con):
                            with suppress(Exception):
                                con.terminate()
                            raise StoreUnavailable("the database connection was lost") from exc
                        raise
            except Exception as exc:
                if not is_connection_error(exc):
                    raise
                if delay is None:
                    raise StoreUnavailable("the database is unreachable") from exc
                log.info("database connection lost (%s); retrying", type(exc).__name__)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # the loop returns or raises

    async def _begin_user(self, key: UserKey) -> tuple[Any, Any]:
        """Acquire, BEGIN and take the user's lock; retried, since none of the caller's code ran yet."""
        for delay in (*RETRY_DELAYS, None):
            con = await self._acquire()
            tr = con.transaction()
            try:
                await tr.start()
                await con.execute(USER_LOCK, key.platform, key.user_id)
                return con, tr
            except BaseException as exc:
                broken = _broken(exc, con)
                await self._discard(con, tr, broken)
                if not broken:
                    raise
                if delay is None:
                    raise StoreUnavailable("the database is unreachable") from exc
                log.info("database connection lost (%s); retrying", type(exc).__name__)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    async def _acquire(self) -> Any:
        for delay in (*RETRY_DELAYS, None):
            try:
                return await self._pool.acquire()
            except Exception as exc:
                if not is_connection_error(exc):
                    raise
                if delay is None:
                    raise StoreUnavailable("the database is unreachable") from exc
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    async def _discard(self, con: Any, tr: Any, broken: bool) -> None:
        """Give a connection back after a failure: rolled back, or closed when it is broken.

        When the socket died, asyncpg has already taken the connection back and every call on the
        proxy raises; then there is nothing left to do.
        """
        try:
            if broken:
                con.terminate()
            elif con.is_in_transaction():
                await tr.rollback()
        except Exception:
            with suppress(Exception):
                con.terminate()
        await self._release(con)

    async def _release(self, con: Any) -> None:
        """Return a connection to the pool. The pool closes one whose reset fails, which is all that
        is needed: the work on it is already committed or rolled back, so that failure is not news."""
        try:
            await self._pool.release(con)
        except Exception as exc:
            if not is_connection_error(exc):
                raise
            log.debug("a connection broke while going back to the pool (%s)", type(exc).__name__)

    # --- lifecycle -------------------------------------------------------------------------------------------
    async def _migrate(self) -> None:
        async def migrate(con: Any) -> None:
            async with con.transaction():
                await con.execute("SELECT pg_advisory_xact_lock($1, $2)", *MIGRATION_LOCK)
                await con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
                current = int(await con.fetchval("SELECT coalesce(max(version), 0) FROM schema_version"))
                if current > len(MIGRATIONS):
                    log.warning(
                        "the database schema (version %d) is newer than this code (%d)",
                        current,
                        len(MIGRATIONS),
                    )
                for number, name in enumerate(MIGRATIONS, start=1):
                    if number > current:
                        await con.execute(_migration(name))
                if current < len(MIGRATIONS):
                    await con.execute("DELETE FROM schema_version")
                    await con.execute("INSERT INTO schema_version VALUES ($1)", len(MIGRATIONS))
                check = await con.fetchval("SELECT value FROM meta WHERE key = 'key_check'")
                self._cipher.verify(check)
                if check is None and self._cipher.enabled and not self._allow_plain:
                    # The first start with a key: refuse if text was stored before there was one.
                    for table, (_, cols) in ENCRYPTED_COLUMNS.items():
                        if await con.fetchval(f"SELECT 1 FROM {table} WHERE {plain_text_where(cols)} LIMIT 1"):
                            raise PlainTextStored()
                    await con.execute(
                        "INSERT INTO meta (key, value) VALUES ('key_check', $1)", self._cipher.key_check()
                    )

        await self._retrying(migrate)

    async def checkpoint(self) -> bool:
        """Vacuum the user tables so erased rows' space is reclaimed now rather than at autovacuum's pace.

        Erased bytes can still sit in WAL segments and in backups until those age out (docs/deploy.md),
        and VACUUM leaves rows an older open transaction may still read; it does not wait for it.
        """
        await self._retrying(lambda con: con.execute(f"VACUUM {', '.join(USER_TABLES)}"))
        return True

    async def close(self) -> None:
        try:
            await asyncio.wait_for(self._pool.close(), timeout=10)
        except TimeoutError:
            self._pool.terminate()

    # --- one user's transaction ------------------------------------------------------------------------------
    @asynccontextmanager
    async def user(self, key: UserKey) -> AsyncIterator[_PgUserTx]:
        con, tr = await self._begin_user(key)
        try:
            yield _PgUserTx(con, self._cipher, key)
        except BaseException as exc:
            lost = _broken(exc, con)
            await self._discard(con, tr, lost)
            if lost and not isinstance(exc, StoreUnavailable):
                raise StoreUnavailable("the database connection was lost; nothing was committed") from exc
            raise
        try:
            await tr.commit()
        except BaseException as exc:
            lost = _broken(exc, con)
            await self._discard(con, tr, lost)
            if lost:
                raise StoreUnavailable(
                    "the connection was lost during COMMIT; the step may have committed"
                ) from exc
            raise
        await self._release(con)

    # --- outbox ----------------------------------------------------------------------------------------------
    async def pending(self, key: UserKey) -> list[OutboxItem]:
        rows = await self._retrying(
            lambda con: con.fetch(
                "SELECT id, payload, attempts, not_before FROM outbox WHERE platform = $1 AND user_id = $2 ORDER BY id",
                key.platform,
                key.user_id,
            )
        )
        return [outbox_item(key, row, self._cipher) for row in rows]

    async def pending_keys(self, platform: str, now: datetime) -> list[UserKey]:
        rows = await self._retrying(
            lambda con: con.fetch(
                # Any ready reply makes the user ready: one waiting for a retry holds nothing back.
                "SELECT o.user_id FROM outbox o JOIN users u USING (platform, user_id)"
                " WHERE o.platform = $1 AND u.unreachable = 0 AND (o.not_before = '' OR o.not_before <= $2)"
                " GROUP BY o.user_id ORDER BY min(o.id)",
                platform,
                ts(now),
            )
        )
        return [UserKey(platform, row["user_id"]) for row in rows]

    async def claim_outbox(
        self, key: UserKey, holder: str, now: datetime, lease: timedelta
    ) -> list[OutboxItem] | None:
        async def run(con: Any) -> list[OutboxItem] | None:
            async with con.transaction():  # without the user's lock: a step may be running for them
                return await _PgUserTx(con, self._cipher, key).claim_outbox(holder, now, lease)

        return await self._retrying(run)

    async def release_outbox(self, key: UserKey, holder: str, now: datetime) -> bool:
        ready = await self._retrying(
            lambda con: con.fetchval(
                "DELETE FROM send_leases WHERE platform = $1 AND user_id = $2 AND holder = $3"
                " RETURNING EXISTS (SELECT 1 FROM outbox WHERE platform = $1 AND user_id = $2"
                " AND (not_before = '' OR not_before <= $4))",
                key.platform,
                key.user_id,
                holder,
                ts(now),
            )
        )
        return bool(ready)

    async def lease_holders(self) -> set[str]:
        rows = await self._retrying(lambda con: con.fetch("SELECT DISTINCT holder FROM send_leases"))
        return {row["holder"] for row in rows}

    async def drop_leases(self, holder: str) -> int:
        status = await self._retrying(lambda con: con.execute("DELETE FROM send_leases WHERE holder = $1", holder))
        return _count(status)

    async def reserve_send_slot(self, name: str, interval: float, window: float) -> float:
        # The server's clock, not ours: workers on several machines share one timeline.
        wait = await self._retrying(
            lambda con: con.fetchval(
                "WITH t AS (SELECT extract(epoch FROM clock_timestamp())::float8 AS now)"
                " INSERT INTO send_budgets AS b (name, next_at) SELECT $1, t.now - $3 + $2 FROM t"
                " ON CONFLICT (name) DO UPDATE SET next_at = greatest(b.next_at, (SELECT now FROM t) - $3) + $2"
                " RETURNING next_at - $2 - (SELECT now FROM t)",
                name,
                interval,
                window,
            )
        )
        return float(wait)

    async def delivered(self, item: OutboxItem) -> None:
        await self._retrying(lambda con: con.execute("DELETE FROM outbox WHERE id = $1", item.id))

    async def postpone(self, item: OutboxItem, not_before: datetime) -> None:
        await self._retrying(
            lambda con: con.execute(
                "UPDATE outbox SET attempts = attempts + 1, not_before = $1 WHERE id = $2",
                ts(not_before),
                item.id,
            )
        )

    async def drop(self, item: OutboxItem) -> None:
        await self._retrying(lambda con: con.execute("DELETE FROM outbox WHERE id = $1", item.id))

    async def revise(self, item: OutboxItem, reply: Reply) -> None:
        await self._retrying(
            lambda con: con.execute(
                "UPDATE outbox SET payload = $1, attempts = 0, not_before = '' WHERE id = $2",
                self._cipher.encrypt(reply_to_json(reply)),
                item.id,
            )
        )

    async def set_unreachable(self, key: UserKey, unreachable: bool) -> None:
        await self._retrying(
            lambda con: con.execute(
                "UPDATE users SET unreachable = $1 WHERE platform = $2 AND user_id = $3",
                int(unreachable),
                key.platform,
                key.user_id,
            )
        )

    async def is_unreachable(self, key: UserKey) -> bool:
        value = await self._retrying(
            lambda con: con.fetchval(
                "SELECT unreachable FROM users WHERE platform = $1 AND user_id = $2",
                key.platform,
                key.user_id,
            )
        )
        return bool(value)

    # --- scheduler -------------------------------------------------------------------------------------------
    async def claim_due(self, now: datetime, limit: int, lease: timedelta) -> list[DueRow]:
        """Take due users and push their wake-up time past the lease; other claimers skip locked rows.

        If the connection breaks after the commit, the retry does not see these rows: they come
        back when the lease runs out, late but not lost.
        """
        rows = await self._retrying(
            lambda con: con.fetch(
                "WITH due AS ("
                "  SELECT platform, user_id FROM users"
                "  WHERE next_due_at IS NOT NULL AND unreachable = 0 AND next_due_at <= $1"
                "  ORDER BY next_due_at LIMIT $2 FOR UPDATE SKIP LOCKED"
                ") UPDATE users u SET next_due_at = $3 FROM due"
                " WHERE u.platform = due.platform AND u.user_id = due.user_id"
                " RETURNING u.platform, u.user_id, u.due_kind, u.due_local_date",
                ts(now),
                limit,
                ts(now + lease),
            )
        )
        return [DueRow(r[0], r[1], r[2] or "checkin", date.fromisoformat(r[3])) for r in rows]

    # --- operator --------------------------------------------------------------------------------------------
    async def stats(self, now: datetime) -> dict[str, int]:
        return await self._retrying(lambda con: _stats(con, now))

    async def reports(self) -> list[dict[str, Any]]:
        rows = await self._retrying(
            lambda con: con.fetch(
                "SELECT id, platform, at, reply, note FROM reports WHERE resolved = 0 ORDER BY id"
            )
        )
        return [
            {
                "id": r["id"],
                "platform": r["platform"],
                "at": r["at"],
                "reply": self._cipher.decrypt(r["reply"]),
                "note": self._cipher.decrypt(r["note"]),
            }
            for r in rows
        ]

    async def inactive_since(self, before: datetime, limit: int) -> list[UserKey]:
        rows = await self._retrying(
            lambda con: con.fetch(
                "SELECT platform, user_id FROM users WHERE last_seen < $1 ORDER BY last_seen LIMIT $2",
                ts(before),
                limit,
            )
        )
        return [UserKey(r["platform"], r["user_id"]) for r in rows]

    async def prune_events(self, before: datetime) -> int:
        status = await self._retrying(
            lambda con: con.execute("DELETE FROM processed_events WHERE at < $1", ts(before))
        )
        return _count(str(status))

    async def rotate_key(self) -> int:
        async def rotate(con: Any) -> int:
            touched = 0
            async with con.transaction():
                # Writers wait while every row changes key; readers still see the old rows until COMMIT.
                await con.execute(f"LOCK TABLE {', '.join(ENCRYPTED_COLUMNS)}, meta IN EXCLUSIVE MODE")
                for table, (keys, cols) in ENCRYPTED_COLUMNS.items():
                    rows = await con.fetch(f"SELECT {', '.join((*keys, *cols))} FROM {table}")
                    updates = [
                        (*(self._cipher.rotate(v) for v in tuple(row)[len(keys) :]), *tuple(row)[: len(keys)])
                        for row in rows
                    ]
                    await con.executemany(_update(table, keys, cols), updates)
                    touched += len(updates)
                await con.execute(
                    "INSERT INTO meta (key, value) VALUES ('key_check', $1)"
                    " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                    self._cipher.key_check(),
                )
            return touched

        return await self._retrying(rotate)

    async def encrypt_plain(self, batch: int, progress: Progress) -> int:
        counts = " + ".join(
            f"(SELECT count(*) FROM {table} WHERE {plain_text_where(cols)})"
            for table, (_, cols) in ENCRYPTED_COLUMNS.items()
        )
        total = int(await self._retrying(lambda con: con.fetchval(f"SELECT {counts}")))
        progress(0, total)
        done = 0
        for table, (keys, cols) in ENCRYPTED_COLUMNS.items():
            select = (
                f"SELECT {', '.join((*keys, *cols))} FROM {table} WHERE {plain_text_where(cols)}"
                f" LIMIT {int(batch)} FOR UPDATE"
            )

            async def one_batch(
                con: Any, select: str = select, table: str = table, keys: tuple[str, ...] = keys,
                cols: tuple[str, ...] = cols,
            ) -> int:  # fmt: skip
                async with con.transaction():
                    rows = [tuple(r) for r in await con.fetch(select)]
                    await con.executemany(
                        _update(table, keys, cols),
                        [(*(self._cipher.seal(v) for v in r[len(keys) :]), *r[: len(keys)]) for r in rows],
                    )
                return len(rows)

            while count := await self._retrying(one_batch):
                done += count
                progress(done, total)
        await self._retrying(
            lambda con: con.execute(
                "INSERT INTO meta (key, value) VALUES ('key_check', $1) ON CONFLICT (key) DO NOTHING",
                self._cipher.key_check(),
            )
        )
        await self.checkpoint()
        return done


def _update(table: str, keys: tuple[str, ...], cols: tuple[str, ...]) -> str:
    sets = ", ".join(f"{c} = ${i}" for i, c in enumerate(cols, start=1))
    where = " AND ".join(f"{k} = ${i}" for i, k in enumerate(keys, start=len(cols) + 1))
    return f"UPDATE {table} SET {sets} WHERE {where}"


async def _stats(con: Any, now: datetime) -> dict[str, int]:
    row = await con.fetchrow(
        "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM users WHERE last_seen >= $1),"
        " (SELECT count(*) FROM checkins WHERE at >= $2),"
        " (SELECT count(*) FROM reports WHERE resolved = 0)",
        ts(now - timedelta(days=7)),
        ts(now - timedelta(days=1)),
    )
    users, active, checkins, reports = (int(v) for v in row)
    return {"users": users, "active": active, "checkins": checkins, "reports": reports}


class _PgUserTx:
    def __init__(self, con: Any, cipher: Cipher, key: UserKey) -> None:
        self._con = con
        self._cipher = cipher
        self.key = key

    async def claim_event(self, event_id: str, at: datetime) -> bool:
        status = await self._con.execute(
            "INSERT INTO processed_events (platform, user_id, event_id, at) VALUES ($1, $2, $3, $4)"
            " ON CONFLICT DO NOTHING",
            self.key.platform,
            self.key.user_id,
            event_id,
            ts(at),
        )
        return _count(str(status)) == 1

    async def claim_and_load(self, event_id: str, at: datetime) -> Claimed | None:
        rows = await self._con.fetch(
            "INSERT INTO processed_events (platform, user_id, event_id, at) VALUES ($1, $2, $3, $4)"
            " ON CONFLICT DO NOTHING"
            " RETURNING (SELECT state FROM users WHERE platform = $1 AND user_id = $2)",
            self.key.platform,
            self.key.user_id,
            event_id,
            ts(at),
        )
        if not rows:
            return None
        state = rows[0][0]
        return Claimed(None if state is None else self._cipher.decrypt(state))

    async def load_state(self) -> str | None:
        state = await self._con.fetchval(
            "SELECT state FROM users WHERE platform = $1 AND user_id = $2",
            self.key.platform,
            self.key.user_id,
        )
        return None if state is None else self._cipher.decrypt(state)

    async def save_state(
        self, state_json: str, now: datetime, due: Due | None, *, seen: bool = False, last_reply: str | None = None
    ) -> None:
        await self._con.execute(
            "INSERT INTO users (platform, user_id, state, created_at, last_seen, next_due_at, due_kind,"
            " due_local_date, unreachable, last_reply) VALUES ($1, $2, $3, $4, $4, $5, $6, $7, 0, coalesce($9, ''))"
            " ON CONFLICT (platform, user_id) DO UPDATE SET state = EXCLUDED.state,"
            " last_seen = EXCLUDED.last_seen, next_due_at = EXCLUDED.next_due_at,"
            " due_kind = EXCLUDED.due_kind, due_local_date = EXCLUDED.due_local_date,"
            " unreachable = CASE WHEN $8 THEN 0 ELSE users.unreachable END,"
            " last_reply = coalesce($9, users.last_reply)",
            self.key.platform,
            self.key.user_id,
            self._cipher.encrypt(state_json),
            ts(now),
            ts(due.at) if due else None,
            due.kind if due else None,
            due.local_date.isoformat() if due else None,
            seen,
            None if last_reply is None else self._cipher.encrypt(last_reply),
        )

    async def claim_outbox(self, holder: str, now: datetime, lease: timedelta) -> list[OutboxItem] | None:
        # The lease and what it covers in one round trip.
        rows = await self._con.fetchval(
            "INSERT INTO send_leases (platform, user_id, holder, until) VALUES ($1, $2, $3, $4)"
            " ON CONFLICT (platform, user_id) DO UPDATE SET holder = excluded.holder, until = excluded.until"
            " WHERE send_leases.holder = excluded.holder OR send_leases.until <= $5"
            " RETURNING (SELECT coalesce(json_agg(json_build_array(id, payload, attempts, not_before)"
            " ORDER BY id), '[]') FROM outbox WHERE platform = $1 AND user_id = $2)::text",
            self.key.platform,
            self.key.user_id,
            holder,
            ts(now + lease),
            ts(now),
        )
        if rows is None:
            return None
        return [outbox_item(self.key, row, self._cipher) for row in json.loads(rows)]

    async def add_journal(self, at: datetime, kind: str, ref: str, text: str) -> None:
        await self._con.execute(
            "INSERT INTO journal (platform, user_id, at, kind, ref, text) VALUES ($1, $2, $3, $4, $5, $6)",
            self.key.platform,
            self.key.user_id,
            ts(at),
            kind,
            ref,
            self._cipher.encrypt(text),
        )

    async def record_checkin(self, at: datetime, row: CheckinRecord) -> None:
        await self._con.execute(
            "INSERT INTO checkins (platform, user_id, local_date, mood, urge, contacted, at)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (platform, user_id, local_date) DO UPDATE SET"
            " mood = COALESCE(EXCLUDED.mood, checkins.mood), urge = COALESCE(EXCLUDED.urge, checkins.urge),"
            " contacted = COALESCE(EXCLUDED.contacted, checkins.contacted), at = EXCLUDED.at",
            self.key.platform,
            self.key.user_id,
            row.local_date.isoformat(),
            row.mood,
            row.urge,
            None if row.contacted is None else int(row.contacted),
            ts(at),
        )

    async def record_urge(self, at: datetime, row: UrgeRecord) -> None:
        await self._con.execute(
            "INSERT INTO urges (platform, user_id, local_date, strength, at) VALUES ($1, $2, $3, $4, $5)",
            self.key.platform,
            self.key.user_id,
            row.local_date.isoformat(),
            row.strength,
            ts(at),
        )

    async def enqueue(self, replies: list[Reply], at: datetime) -> None:
        await self._con.executemany(
            "INSERT INTO outbox (platform, user_id, created_at, payload) VALUES ($1, $2, $3, $4)",
            [
                (self.key.platform, self.key.user_id, ts(at), self._cipher.encrypt(reply_to_json(r)))
                for r in replies
            ],
        )

    async def journal(self) -> list[JournalEntry]:
        rows = await self._con.fetch(
            "SELECT id, at, kind, ref, text FROM journal WHERE platform = $1 AND user_id = $2"
            " ORDER BY at DESC, id DESC",
            self.key.platform,
            self.key.user_id,
        )
        return [journal_entry(r, self._cipher) for r in rows]

    async def history(self, since: date) -> tuple[list[CheckinRecord], list[UrgeRecord]]:
        checkins = await self._con.fetch(
            "SELECT local_date, mood, urge, contacted FROM checkins"
            " WHERE platform = $1 AND user_id = $2 AND local_date >= $3 ORDER BY local_date",
            self.key.platform,
            self.key.user_id,
            since.isoformat(),
        )
        urges = await self._con.fetch(
            "SELECT local_date, strength FROM urges WHERE platform = $1 AND user_id = $2 AND local_date >= $3"
            " ORDER BY local_date, id",
            self.key.platform,
            self.key.user_id,
            since.isoformat(),
        )
        return [checkin_record(r) for r in checkins], [urge_record(r) for r in urges]

    async def add_report(self, at: datetime, note: str) -> None:
        await self._con.execute(
            "INSERT INTO reports (platform, user_id, at, reply, note)"
            " SELECT platform, user_id, $1, last_reply, $2 FROM users WHERE platform = $3 AND user_id = $4",
            ts(at),
            self._cipher.encrypt(note),
            self.key.platform,
            self.key.user_id,
        )

    async def export(self) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        for table, order in USER_TABLES.items():
            rows = await self._con.fetch(
                f"SELECT * FROM {table} WHERE platform = $1 AND user_id = $2 ORDER BY {order}",
                self.key.platform,
                self.key.user_id,
            )
            out[table] = [decrypted(r.items(), self._cipher) for r in rows]
        return out

    async def stats(self, now: datetime) -> dict[str, int]:
        return await _stats(self._con, now)

    async def erase(self) -> None:
        for table in USER_TABLES:
            await self._con.execute(
                f"DELETE FROM {table} WHERE platform = $1 AND user_id = $2",
                self.key.platform,
                self.key.user_id,
            )


async def open_postgres(
    dsn: str,
    cipher: Cipher,
    *,
    min_size: int = 1,
    max_size: int = 10,
    wait: float = 10.0,
    allow_plain: bool = False,
) -> PostgresStore:
    """Connect a pool (waiting up to `wait` seconds for the server to come up) and migrate.

    A URL that cannot work fails at once with BadDatabase; a server that stays silent for `wait`
    seconds with DatabaseUnreachable. Neither message carries the password.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while True:
        try:
            pool = await asyncpg.create_pool(dsn, min_size=min_size, max_size=max_size)
            break
        except (ValueError, OverflowError, pgerr.ClientConfigurationError) as exc:
            raise BadDatabase(f"not a usable PostgreSQL URL ({_without(dsn, str(exc))})") from None
        except pgerr.PostgresError as exc:
            if is_connection_error(exc) and loop.time() < deadline:
                await asyncio.sleep(0.5)  # starting up, or too many connections for a moment
                continue
            # The server answered and said no: a wrong password, user or database name.
            raise BadDatabase(f"PostgreSQL at {_where(dsn)} refused: {_without(dsn, str(exc))}") from None
        except Exception as exc:
            if not is_connection_error(exc):
                raise
            if loop.time() >= deadline:
                reason = getattr(exc, "strerror", None) or type(exc).__name__
                raise DatabaseUnreachable(
                    f"cannot reach PostgreSQL at {_where(dsn)} ({reason}; waited {wait:g} s)"
                ) from None
            await asyncio.sleep(0.5)
    store = PostgresStore(pool, cipher, allow_plain=allow_plain)
    try:
        await store._migrate()
    except BaseException:
        await store.close()
        raise
    return store


def _where(dsn: str) -> str:
    """host:port/dbname of a URL, for messages: never the user's password."""
    try:
        url = urlsplit(dsn)
        host = url.hostname or "localhost"
        return f"{host}:{url.port or 5432}{url.path or ''}"
    except ValueError:
        return "the given address"


def _without(dsn: str, text: str) -> str:
    """`text` with the URL's password taken out, in case a library quoted it."""
    try:
        password = urlsplit(dsn).password
    except ValueError:
        password = None
    return text.replace(password, "***") if password else text
