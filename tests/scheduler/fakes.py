"""Test doubles for the dispatcher's own tests: a hand-moved clock, an in-memory due index, a recorder.

`MemoryDueStore` implements only `claim_due` of the store contract, with a heap ordered by
next_due_at, so like the indexed SQL query it touches due rows only. Check-ins themselves, with the
engine's rules, are tested through the real service (tests/scheduler/kit.py).
"""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dialogs import calendar
from dialogs.model import Event
from dialogs.state import UserState

Key = tuple[str, str]


class ManualClock:
    def __init__(self, start: datetime) -> None:
        self._now = start

    def now(self) -> datetime:
        return self._now

    __call__ = now  # the service takes a plain callable, the dispatcher either

    def set(self, at: datetime) -> None:
        self._now = at

    def advance(self, by: timedelta) -> None:
        self._now += by


@dataclass(frozen=True, slots=True)
class Row:
    platform: str
    user_id: str
    due_kind: str
    due_local_date: date


@dataclass
class Account:
    state: UserState
    next_due_at: datetime | None = None
    due_kind: str = "checkin"
    due_local_date: date = date.min
    version: int = 0


class MemoryDueStore:
    def __init__(self) -> None:
        self.accounts: dict[Key, Account] = {}
        self._heap: list[tuple[datetime, int, Key]] = []
        self.claim_calls = 0
        self.rows_touched = 0  # heap entries looked at by claim_due

    def add(self, platform: str, user_id: str, state: UserState, now: datetime) -> Key:
        key = (platform, user_id)
        self.accounts[key] = Account(state=state)
        self.schedule(key, calendar.catch_up(state, now))
        return key

    def schedule(self, key: Key, due: calendar.Due | None) -> None:
        account = self.accounts[key]
        account.version += 1
        if due is None:
            account.next_due_at = None
            return
        account.next_due_at = due.at
        account.due_kind = due.kind
        account.due_local_date = due.local_date
        heapq.heappush(self._heap, (due.at, account.version, key))

    async def claim_due(self, now: datetime, limit: int, lease: timedelta) -> list[Row]:
        self.claim_calls += 1
        rows: list[Row] = []
        while self._heap and len(rows) < limit and self._heap[0][0] <= now:
            _, version, key = heapq.heappop(self._heap)
            self.rows_touched += 1
            account = self.accounts[key]
            if version != account.version:
                continue  # superseded by a later schedule
            rows.append(Row(key[0], key[1], account.due_kind, account.due_local_date))
            account.version += 1
            account.next_due_at = now + lease
            heapq.heappush(self._heap, (now + lease, account.version, key))
        await asyncio.sleep(0)  # a real store awaits its database here
        return rows


class Recorder:
    """A stand-in for the service where the dispatcher's mechanics are tested, not the calendar: it
    records each DUE event and books the same time tomorrow. It knows none of the engine's rules;
    the calendar itself runs through the real service (tests/scheduler/kit.py)."""

    def __init__(self, store: MemoryDueStore) -> None:
        self.store = store
        self.events: list[Event] = []

    async def handle(self, event: Event) -> None:
        await asyncio.sleep(0)  # the lock and the transaction
        self.events.append(event)
        key = (event.platform, event.user_id)
        tomorrow = self.store.accounts[key].due_local_date + timedelta(days=1)
        self.store.schedule(key, calendar.Due(event.at + timedelta(days=1), "checkin", tomorrow))

    def dates(self, user_id: str) -> list[date]:
        return [date.fromisoformat(e.event_id.rsplit(":", 1)[1]) for e in self.events if e.user_id == user_id]


async def wait_for(condition: Callable[[], bool], within: float = 5.0) -> None:
    """Poll until `condition()` is true, failing loudly after `within` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {within}s")
        await asyncio.sleep(0.005)
