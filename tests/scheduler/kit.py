"""The real service for the scheduler tests: ChatService, the engine, and the SQLite store.

Check-ins go through exactly what production runs: the dispatcher claims due rows, the service runs
the engine on each DUE event and commits the state, the outbox and the next due time together.
People who answer do so through the engine too, by pressing the check-in's buttons.
"""

from __future__ import annotations

import datetime as dt
import itertools
import sqlite3
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.app import build_service
from bot.config import Settings
from bot.scheduler import Dispatcher, Scheduler
from bot.service import ChatService
from bot.store.base import Store, UserKey, from_ts
from dialogs import calendar
from dialogs.content import CONTENT_DIR
from dialogs.kit import load_kit
from dialogs.model import Event, EventKind, Reply
from dialogs.state import UserState
from tests.recording import RecordingSender
from tests.scheduler.fakes import ManualClock

PLATFORM = "telegram"
MOOD_QUESTION = load_kit(CONTENT_DIR).content.checkins.mood_question
_ids = itertools.count(1)


def person(
    zone: str, at: dt.time | None, *, quiet: tuple[dt.time, dt.time] | None = None, **prefs: Any
) -> UserState:
    """Someone past intake, at the menu, with a daily check-in at `at` local time."""
    state = UserState()
    state.screen = "menu"
    state.profile.name = "Sam"
    state.profile.timezone = zone
    state.consented_at = datetime(2026, 1, 1, tzinfo=UTC)
    state.checkins.time = at
    if quiet is not None:
        state.checkins.quiet_start, state.checkins.quiet_end = quiet
    for name, value in prefs.items():
        setattr(state.checkins, name, value)
    return state


async def open_service(path: Path, clock: ManualClock | None = None) -> ChatService:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{path}")
    return await build_service(settings, clock=clock or ManualClock(NOW))


async def seed(store: Store, key: UserKey, state: UserState, now: datetime) -> None:
    """Put a person in the store as the service would have left them, with their next due time."""
    async with store.user(key) as tx:
        await tx.save_state(state.model_dump_json(), now, calendar.catch_up(state, now))


async def seed_many(store: Store, users: int, now: datetime, zone: str = "UTC") -> list[UserKey]:
    """People who had yesterday's check-in and want the next one at 09:00 local."""
    keys = []
    for i in range(users):
        yesterday = date(2026, 5, 31)
        state = person(zone, dt.time(9, 0), last_sent_on=yesterday, last_answered_on=yesterday)
        key = UserKey(PLATFORM, f"user{i}")
        await seed(store, key, state, now)
        keys.append(key)
    return keys


async def checkins_waiting(store: Store, keys: Sequence[UserKey]) -> dict[str, int]:
    """Check-ins committed but not sent (no sender is registered), per person."""
    return {key.user_id: sum(MOOD_QUESTION in item.reply.text for item in await store.pending(key)) for key in keys}


async def due_events(store: Store, keys: Sequence[UserKey]) -> dict[str, list[str]]:
    out = {}
    for key in keys:
        async with store.user(key) as tx:
            out[key.user_id] = sorted(str(r["event_id"]) for r in (await tx.export())["processed_events"])
    return out


NOW = datetime(2026, 6, 1, 9, 0, 20, tzinfo=UTC)


# --- whole stretches of calendar -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sent:
    user_id: str
    local_date: date
    at: datetime


@dataclass
class TimedSender(RecordingSender):
    """Records what arrives and when, by the service's clock."""

    clock: ManualClock = field(default_factory=lambda: ManualClock(NOW))
    times: dict[str, list[datetime]] = field(default_factory=dict)

    async def send(
        self, user_id: str, reply: Reply, image: bytes | None = None, files: Sequence[tuple[str, bytes]] = ()
    ) -> None:
        await super().send(user_id, reply, image, files)
        self.times.setdefault(user_id, []).append(self.clock())


class CalendarRun:
    """Days and weeks of check-ins through the real service, the store and the dispatch job body.

    The heartbeat ticks every `step` (as APScheduler would), but ticks where nobody is due are
    skipped: the run jumps to the first tick at or after the next due time in the store.
    """

    def __init__(self, path: Path, service: ChatService, sender: TimedSender, clock: ManualClock) -> None:
        self.path, self.service, self.sender, self.clock = path, service, sender, clock
        self.scheduler = Scheduler(
            Dispatcher(service, service.store, clock=clock), housekeeping=service.housekeeping
        )
        self.states: dict[str, UserState] = {}
        self.silent: set[str] = set()
        self._answered: dict[str, int] = {}

    @classmethod
    async def open(cls, path: Path, start: datetime) -> CalendarRun:
        clock = ManualClock(start)
        service = await open_service(path, clock)
        sender = TimedSender(platform=PLATFORM, clock=clock)
        service.register_sender(sender)
        return cls(path, service, sender, clock)

    async def close(self) -> None:
        await self.service.close()

    async def add(self, user_id: str, state: UserState, *, silent: bool = False) -> UserKey:
        key = UserKey(PLATFORM, user_id)
        self.states[user_id] = state
        if silent:
            self.silent.add(user_id)
        await seed(self.service.store, key, state, self.clock())
        return key

    async def write(self, user_id: str, text: str) -> None:
        """The person writes to the bot (which makes them reachable again)."""
        await self.service.handle(self._event(user_id, EventKind.TEXT, text=text))

    def _event(self, user_id: str, kind: EventKind, **fields: Any) -> Event:
        return Event(
            kind=kind, platform=PLATFORM, user_id=user_id, event_id=f"cal{next(_ids)}", at=self.clock(), **fields
        )  # type: ignore[arg-type]

    async def _press(self, user_id: str, label: str) -> None:
        nonce, value = self.sender.button(user_id, label)
        await self.service.handle(self._event(user_id, EventKind.BUTTON, nonce=nonce, button=value))

    async def _answer_new_checkins(self) -> None:
        """Everyone but the silent answers a check-in the moment it arrives: mood, urge, contact, no note."""
        for user_id in list(self.sender.inbox):
            count = sum(MOOD_QUESTION in r.reply.text for r in self.sender.inbox[user_id])
            if user_id in self.silent or count == self._answered.get(user_id, 0):
                continue
            self._answered[user_id] = count
            for label in ("^3$", "^2$", "^No$", "^Skip$"):
                await self._press(user_id, label)

    def checkins(self, user_id: str | None = None) -> list[Sent]:
        out = []
        for uid, received in self.sender.inbox.items():
            if user_id is not None and uid != user_id:
                continue
            zone = calendar.zone_of(self.states[uid])
            for got, at in zip(received, self.sender.times[uid], strict=True):
                if MOOD_QUESTION in got.reply.text:
                    out.append(Sent(uid, at.astimezone(zone).date(), at))
        return sorted(out, key=lambda s: (s.at, s.user_id))

    def dates(self, user_id: str) -> list[date]:
        return [s.local_date for s in self.checkins(user_id)]

    def _next_due(self) -> datetime | None:
        with closing(sqlite3.connect(self.path)) as db:
            (first,) = db.execute(
                "SELECT min(next_due_at) FROM users WHERE next_due_at IS NOT NULL AND unreachable = 0"
            ).fetchone()
        return from_ts(first) if first else None

    async def tick(self) -> None:
        await self.scheduler.run_once()
        await self._answer_new_checkins()

    async def run_until(self, until: datetime, step: timedelta) -> None:
        """Tick every `step` until a tick at or past `until`, as the old loop did, but go straight to
        the first tick at or after the next due time instead of ticking through empty hours."""
        while self.clock() < until:
            now = self.clock()
            due = self._next_due()
            target = until if due is None else min(due, until)
            steps = max(1, -((now - target) // step))  # ceil((target - now) / step), at least one
            self.clock.set(now + steps * step)
            await self.tick()
