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
from zoneinfo import ZoneInfo

from bot.crypto import Cipher
from bot.service import ChatService
from bot.store.base import UserKey, ts
from bot.store.sqlite import MIGRATIONS, _migration, open_sqlite
from dialogs.calendar import FIRST_GAP
from dialogs.model import encode_button
from tests.recording import Received
from tests.service_kit import FakeClock, User, make_service

__all__ = [
    "DAY",
    "RESULTS",
    "STORE_NOW",
    "Keyboard",
    "Sent",
    "Template",
    "cached_store",
    "due_in_first_minute",
    "fill",
    "make_template",
    "migrate_async",
    "restore_due",
]

RESULTS = Path(__file__).resolve().parent / "results"  # gitignored
DAY = timedelta(days=1)
LONDON = ZoneInfo("Europe/London")  # where the template person said they live
# A due slot: (next_due_at, due_kind, due_local_date), or Nones for a user with nothing scheduled.
Due = tuple[str | None, str | None, str | None]


Keyboard = tuple[tuple[tuple[str, str], ...], ...]  # rows of (label, callback data)


@dataclass(frozen=True, slots=True)
class Sent:
    """One message a step sends, as Telegram gets it: the text and the inline keyboard (if any)."""

    text: str
    keyboard: Keyboard = ()


@dataclass(frozen=True, slots=True)
class Template:
    """Everything a bench needs to clone one person who went through the real intake.

    `state` is someone who finished today's first lesson (they skipped its question) and is asked
    "Done for today, or one more step?": the measured guide step is their press of "One more step",
    which opens the next lesson. `typed_state` is the same person one moment earlier, at the first
    lesson's question, where a typed message is their answer.
    """

    state: str
    step_data: str  # callback data of "One more step" on that prompt
    step_label: str
    step_replies: tuple[Sent, ...]  # what one press sends back, in order
    typed_state: str
    typed_text: str  # an answer to the lesson's question, as a person would type it
    typed_replies: tuple[Sent, ...]
    onboarded_at: datetime  # the service clock during onboarding
    checkin_at: datetime  # when that user's first check-in falls due

    @property
    def replies_per_step(self) -> int:
        return len(self.step_replies)


def _next_nine(after: datetime) -> datetime:
    """The first 09:00 London time after `after`: the template person's first daily check-in."""
    local = after.astimezone(LONDON)
    nine = local.replace(hour=9, minute=0, second=0, microsecond=0)
    if nine <= local:
        nine = (local + DAY).replace(hour=9, minute=0, second=0, microsecond=0)
    return nine.astimezone(UTC)


TYPED_ANSWER = "I feel rejected and tired, and I keep checking my phone to see if he wrote."


def _sent(received: list[Received]) -> tuple[Sent, ...]:
    out = []
    for r in received:
        rows = tuple(
            tuple((b.label, encode_button(r.reply.nonce or 0, b.value)) for b in row) for row in r.reply.buttons
        )
        out.append(Sent(r.reply.text, rows))
    return tuple(out)


async def _stored_state(service: ChatService, user_id: str) -> str:
    async with service.store.user(UserKey("test", user_id)) as tx:
        state = await tx.load_state()
    assert state is not None
    return state


async def make_template(workdir: Path) -> Template:
    """Onboard people through the real service and keep what the store holds for them."""
    # Today's date and time: the worker processes of section 7 run on the real clock, and a person
    # onboarded on another day would be welcomed back before their step.
    clock = FakeClock(datetime.now(UTC).replace(second=0, microsecond=0))
    service, sender = await make_service(workdir / "template.db", clock, _env_file=None)
    try:
        typist = User(service, sender, "2", clock)
        await typist.onboard()
        typed_state = await _stored_state(service, "2")
        before = len(sender.inbox["2"])
        await typist.say(TYPED_ANSWER)
        typed = _sent(sender.inbox["2"][before:])

        user = User(service, sender, "1", clock)
        await user.onboard()
        await user.tap("^Skip the question$")
        nonce, value = sender.button("1", "^One more step$")
        state = await _stored_state(service, "1")
        before = len(sender.inbox["1"])
        await user.tap("^One more step$")
        step = _sent(sender.inbox["1"][before:])
    finally:
        await service.close()
    if not step or not step[-1].keyboard or not typed:
        raise RuntimeError("the guide changed: a step no longer ends with a keyboard, or a typed answer got no reply")
    return Template(
        state=state,
        step_data=encode_button(nonce, value),
        step_label="One more step",
        step_replies=step,
        typed_state=typed_state,
        typed_text=TYPED_ANSWER,
        typed_replies=typed,
        onboarded_at=clock.now,
        # Not the 09:00 less than an hour away: the first check-in never comes that soon after
        # intake (FIRST_GAP), and a run between 08:00 and 09:00 London time sent none at all.
        checkin_at=_next_nine(clock.now + FIRST_GAP),
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


# The cached start-up stores: everyone's check-in spread evenly over one day from STORE_DAY, so one
# person in 1,440 falls due in each minute; at STORE_NOW the first minute's people are due.
STORE_DAY = datetime(2099, 1, 1, 9, 0, tzinfo=UTC)
STORE_NOW = STORE_DAY + timedelta(minutes=1)
_STORE_LAYOUT = "v2: due spread over a day from 2099-01-01 09:00 UTC"


def due_in_first_minute(count: int) -> int:
    """How many of a cached store's `count` people are due at STORE_NOW (see `spread`)."""
    minute = (STORE_NOW - STORE_DAY) / DAY
    return min(count, int(count * minute) + 1) if count else 0


async def cached_store(name: str, count: int, state: str) -> Path:
    """A store of `count` users whose check-ins fall due one in 1,440 each minute of a day in 2099,
    kept under bench/results/ and reused across runs (`restore_due` undoes what a run changed).

    Everyone's last visit lies in 2099 too, so nobody looks inactive however old the file gets.
    """
    fingerprint = hashlib.sha256(
        "".join(_migration(m) for m in MIGRATIONS).encode()
        + state.encode()
        + str(count).encode()
        + _STORE_LAYOUT.encode()
    ).hexdigest()[:16]
    folder = RESULTS / "data"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}-{count}.db"
    stamp = path.with_suffix(".ok")
    if path.exists() and stamp.exists() and stamp.read_text() == fingerprint:
        return path
    stamp.unlink(missing_ok=True)
    for old in folder.glob(f"{name}-{count}.db*"):
        old.unlink()
    await migrate_async(path)
    if count:
        await asyncio.to_thread(
            fill, path, platform="telegram", count=count, state=state, seen=STORE_DAY, due=spread(STORE_DAY, DAY, count)
        )
    stamp.write_text(fingerprint)
    return path


def restore_due(path: Path, state: str, count: int) -> None:
    """Put the people due at STORE_NOW back as they were before a run handled their check-ins:
    their user rows as `fill` wrote them, and nothing of theirs in any other table."""
    due = due_in_first_minute(count)
    if not due:
        return
    ids = [str(1 + i) for i in range(due)]
    db = sqlite3.connect(path, isolation_level=None)
    try:
        tables = [
            name
            for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if {"platform", "user_id"} <= {row[1] for row in db.execute(f"PRAGMA table_info({name})")}
        ]
        db.execute("BEGIN")
        for table in tables:
            db.executemany(f"DELETE FROM {table} WHERE platform = 'telegram' AND user_id = ?", [(i,) for i in ids])
        db.execute("COMMIT")
    finally:
        db.close()
    fill(path, platform="telegram", count=due, state=state, seen=STORE_DAY, due=spread(STORE_DAY, DAY, count))
    db = sqlite3.connect(path)
    try:
        (now_due,) = db.execute(
            "SELECT count(*) FROM users WHERE next_due_at <= ? AND unreachable = 0", (ts(STORE_NOW),)
        ).fetchone()
    finally:
        db.close()
    if now_due != due:
        raise RuntimeError(f"{path.name}: {now_due} people due after the restore, expected {due}")
