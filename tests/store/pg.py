"""Throwaway databases on the test PostgreSQL: one per test, dropped when the test process ends.

`fresh_database(dsn)` names the database after the running test (PYTEST_CURRENT_TEST), so a test
that opens the store several times (close, reopen with another key) gets the same database back,
and the next test gets a new, empty one. Databases left by a test process that died are dropped
the next time a test process starts using the server.
"""

from __future__ import annotations

import asyncio
import atexit
import hashlib
import os
import re
import time
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bot.lease import process_alive

__all__ = ["database_dsn", "drop_database", "fresh_database"]

PREFIX = "rk_test_"
_created: dict[str, set[str]] = {}  # server dsn -> databases this process made
_swept: set[str] = set()
_SESSION = f"{os.getpid()}_{int(time.time())}"


def database_dsn(dsn: str, name: str) -> str:
    """The same server and credentials, another database."""
    parts = urlsplit(dsn)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _test_name() -> str:
    current = os.environ.get("PYTEST_CURRENT_TEST", "")
    test = current.rsplit(" (", 1)[0]  # drop " (setup)" / " (call)"
    return hashlib.sha1(test.encode()).hexdigest()[:12] if test else f"free{time.monotonic_ns()}"


async def fresh_database(dsn: str, name: str | None = None) -> str:
    """A DSN for an empty database of its own (the same one again within one test)."""
    db = f"{PREFIX}{_SESSION}_{name or _test_name()}"
    if not re.fullmatch(r"[a-z0-9_]{1,63}", db):
        raise ValueError(f"bad database name {db!r}")
    admin = await asyncpg.connect(dsn)
    try:
        if dsn not in _swept:
            _swept.add(dsn)
            await _sweep_dead(admin)
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", db)
        if not exists:
            await admin.execute(f'CREATE DATABASE "{db}"')
            _created.setdefault(dsn, set()).add(db)
    finally:
        await admin.close()
    return database_dsn(dsn, db)


async def drop_database(dsn: str, name: str) -> None:
    admin = await asyncpg.connect(dsn)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def _sweep_dead(admin: asyncpg.Connection) -> None:
    """Drop databases made by test processes that are gone (killed, or ended without cleanup)."""
    names = [r[0] for r in await admin.fetch("SELECT datname FROM pg_database WHERE datname LIKE 'rk\\_test\\_%'")]
    for name in names:
        pid = int(name.removeprefix(PREFIX).split("_", 1)[0])
        if pid != os.getpid() and not process_alive(pid):
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _drop_all() -> None:
    for dsn, names in _created.items():
        try:
            for name in names:
                await drop_database(dsn, name)
        except (OSError, asyncpg.PostgresError):
            pass  # the server is gone already; the next run sweeps what is left


@atexit.register
def _cleanup() -> None:
    if _created:
        asyncio.run(_drop_all())
