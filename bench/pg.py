"""PostgreSQL for the benches: which server to use, a scratch database per run, users cloned in bulk.

The server is the one `scripts/pg.sh` runs on loopback (or `REKINDLE_BENCH_PG_DSN`, then
`REKINDLE_TEST_PG_DSN`, when set). Each run gets an empty database of its own, created and dropped
here, and the schema comes from the store's own migrations (`open_postgres`), as a worker's first
start would make it.
"""

from __future__ import annotations

import itertools
import os
import subprocess
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bench.data import Due
from bot.crypto import Cipher
from bot.lease import process_alive
from bot.store.base import ts

__all__ = ["dsn_or_reason", "scratch_database", "seed_users", "server_version", "user_states"]

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "rk_bench_"
_numbers = itertools.count(1)


def dsn_or_reason() -> tuple[str | None, str]:
    """The server's DSN, or None and why there is none."""
    for name in ("REKINDLE_BENCH_PG_DSN", "REKINDLE_TEST_PG_DSN"):
        if os.environ.get(name):
            return os.environ[name], ""
    script = ROOT / "scripts" / "pg.sh"
    if not script.exists():
        return None, "scripts/pg.sh is missing"
    status = subprocess.run(["bash", str(script), "status"], capture_output=True, text=True, check=False)
    if status.returncode != 0 or not status.stdout.strip():
        return None, "no PostgreSQL is running (scripts/pg.sh start)"
    return status.stdout.strip().splitlines()[-1], ""


def _with_database(dsn: str, name: str) -> str:
    parts = urlsplit(dsn)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


@asynccontextmanager
async def scratch_database(dsn: str) -> AsyncIterator[str]:
    """An empty database on the server for the duration of the block, dropped after it."""
    name = f"{PREFIX}{os.getpid()}_{next(_numbers)}"
    admin = await asyncpg.connect(dsn)
    try:
        for (old,) in await admin.fetch(
            "SELECT datname FROM pg_database WHERE datname LIKE 'rk\\_bench\\_%'"
        ):
            if not process_alive(int(str(old).removeprefix(PREFIX).split("_", 1)[0])):
                await admin.execute(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')  # a run that died
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield _with_database(dsn, name)
    finally:
        admin = await asyncpg.connect(dsn)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


async def seed_users(
    dsn: str,
    *,
    platform: str,
    count: int,
    state: str,
    seen: datetime,
    due: Callable[[int], Due],
    first_id: int = 1,
) -> None:
    """Migrate the database with the store's own code, then COPY `count` users (ids first_id...) in."""
    from bot.store.postgres import open_postgres

    store = await open_postgres(dsn, Cipher(None), max_size=1)
    await store.close()
    seen_ts = ts(seen)
    records = [(platform, str(first_id + i), state, seen_ts, seen_ts, *due(i), 0) for i in range(count)]
    con = await asyncpg.connect(dsn)
    try:
        await con.copy_records_to_table(
            "users",
            records=records,
            columns=(
                "platform",
                "user_id",
                "state",
                "created_at",
                "last_seen",
                "next_due_at",
                "due_kind",
                "due_local_date",
                "unreachable",
            ),
        )
    finally:
        await con.close()


async def user_states(dsn: str, platform: str) -> dict[str, str]:
    """Every user's stored state (unencrypted: the benches set no data key)."""
    con = await asyncpg.connect(dsn)
    try:
        rows = await con.fetch("SELECT user_id, state FROM users WHERE platform = $1", platform)
    finally:
        await con.close()
    return {str(r["user_id"]): str(r["state"]) for r in rows}


async def server_version(dsn: str) -> str:
    con = await asyncpg.connect(dsn)
    try:
        return str(await con.fetchval("SHOW server_version")).split()[0]
    finally:
        await con.close()
