"""Users for the benches: one real onboarding through the service, then cloned in bulk with SQL.

Driving the service for every user would take minutes for 100k users; instead one person goes
through the real intake, and their stored state (a valid UserState that has consented and chose a
daily check-in time) is written for every other user with `executemany` in one transaction.
"""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.crypto import Cipher
from bot.store.base import UserKey, ts
from bot.store.sqlite import MIGRATIONS, _migration, open_sqlite
from dialogs.model import encode_button
from tests.service_kit import FakeClock, User, make_service

__all__ = ["DAY", "RESULTS", "Template", "cached_store", "fill", "make_template", "migrate_async"]

RESULTS = Path(__file__).resolve().parent / "results"  # gitignored
DAY = timedelta(days=1)
# A due slot: (next_due_at, due_kind, due_local_date), or Nones for a user with nothing scheduled.
Due = tuple[str | None, str | None, str | None]


@dataclass(frozen=True, slots=True)
class Template:
    state: str  # the stored UserState JSON of someone on guide step 1, check-ins at 09:00 London
    next_data: str  # callback data of that step's "Next" button
    next_label: str
    onboarded_at: datetime  # the service clock during onboarding
    checkin_at: datetime  # when that user's first check-in falls due
    replies_per_next: int  # messages one "Next" press sends back


async def make_template(workdir: Path) -> Template:
    """Onboard one user through the real service and keep what the store holds for them."""
    clock = FakeClock()
    service, sender = await make_service(workdir / "template.db", clock, _env_file=None)
    try:
        user = User(service, sender, "1", clock)
        await user.onboard()
        nonce, value = sender.button("1", "^Next$")
        async with service.store.user(UserKey("test", "1")) as tx:
            state = await tx.load_state()
        assert state is not None
        before = len(sender.texts("1"))
        await user.tap("^Next$")
        replies = len(sender.texts("1")) - before
    finally:
        await service.close()
    return Template(
        state=state,
        next_data=encode_button(nonce, value),
        next_label="Next",
        onboarded_at=clock.now,
        checkin_at=clock.now.replace(hour=9, minute=0),
        replies_per_next=replies,
    )


async def migrate_async(path: Path) -> None:
    """Create the store's schema exactly as the bot does (its own migrations)."""
    store = await open_sqlite(path, Cipher(None))
    await store.close()


def fill(
    path: Path,
    *,
    platform: str,
    count: int,
    state: str,
    seen: datetime,
    due: Callable[[int], Due],
    first_id: int = 1,
) -> None:
    """Insert `count` users (ids first_id...) in one transaction. The schema must exist already."""

    def rows() -> Iterator[tuple[object, ...]]:
        seen_ts = ts(seen)
        for i in range(count):
            at, kind, local = due(i)
            yield (platform, str(first_id + i), state, seen_ts, seen_ts, at, kind, local)

    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = OFF")  # generation only: nothing here needs to survive a crash
        db.execute("BEGIN")
        db.executemany(
            "INSERT INTO users (platform, user_id, state, created_at, last_seen, next_due_at, due_kind,"
            " due_local_date, unreachable) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)",
            rows(),
        )
        db.execute("COMMIT")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()


def spread(start: datetime, span: timedelta, count: int) -> Callable[[int], Due]:
    """Due times spread evenly over `span` from `start`, as check-ins chosen across a day would be."""
    step = span / max(count, 1)

    def due(i: int) -> Due:
        at = start + step * i
        return ts(at), "checkin", at.astimezone(UTC).date().isoformat()

    return due


def at_once(at: datetime) -> Callable[[int], Due]:
    slot = (ts(at), "checkin", at.astimezone(UTC).date().isoformat())
    return lambda i: slot


async def cached_store(name: str, count: int, state: str) -> Path:
    """A store of `count` users with nothing due, kept under bench/results/ and reused across runs.

    Everyone's next check-in and last visit lie in 2099, so the file stays "all not due" and
    nobody looks inactive however old the file gets.
    """
    fingerprint = hashlib.sha256(
        "".join(_migration(m) for m in MIGRATIONS).encode() + state.encode() + str(count).encode()
    ).hexdigest()[:16]
    folder = RESULTS / "data"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}-{count}.db"
    stamp = path.with_suffix(".ok")
    if path.exists() and stamp.exists() and stamp.read_text() == fingerprint:
        return path
    for old in folder.glob(f"{name}-{count}.db*"):
        old.unlink()
    await migrate_async(path)
    future = datetime(2099, 1, 1, tzinfo=UTC)
    if count:
        await asyncio.to_thread(
            fill, path, platform="telegram", count=count, state=state, seen=future, due=spread(future, DAY, count)
        )
    stamp.write_text(fingerprint)
    return path
