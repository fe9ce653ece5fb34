"""Test doubles for the dispatcher: a hand-moved clock, an in-memory due index, and a service.

`MemoryDueStore` implements only `claim_due` of the store contract, with a heap ordered by
next_due_at, so like the indexed SQL query it touches due rows only. `CheckinService` does for a
due event what the real service and engine do: refuse a replayed event id, ask the calendar what
is owed, record the send, and store the next due time, all without awaiting in between.
"""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import Callable
from dataclasses import dataclass, field
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
    unreachable: bool = False
    version: int = 0
    processed: set[str] = field(default_factory=set)


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

    def set_unreachable(self, key: Key, unreachable: bool) -> None:
        account = self.accounts[key]
        account.unreachable = unreachable
        if not unreachable and account.next_due_at is not None:
            account.version += 1
            heapq.heappush(self._heap, (account.next_due_at, account.version, key))

    async def claim_due(self, now: datetime, limit: int, lease: timedelta) -> list[Row]:
        self.claim_calls += 1
        rows: list[Row] = []
        while self._heap and len(rows) < limit and self._heap[0][0] <= now:
            _, version, key = heapq.heappop(self._heap)
            self.rows_touched += 1
            account = self.accounts[key]
            if version != account.version or account.unreachable:
                continue  # superseded; an unreachable user is pushed back when reachable again
            rows.append(Row(key[0], key[1], account.due_kind, account.due_local_date))
            account.version += 1
            account.next_due_at = now + lease
            heapq.heappush(self._heap, (now + lease, account.version, key))
        await asyncio.sleep(0)  # a real store awaits its database here
        return rows


@dataclass(frozen=True, slots=True)
class Sent:
    platform: str
    user_id: str
    local_date: date
    at: datetime


class CheckinService:
    """What the service does with a DUE check-in event, following the rules the engine uses."""

    def __init__(self, store: MemoryDueStore, *, silent: frozenset[str] = frozenset()) -> None:
        self.store = store
        self.silent = silent  # users who never answer
        self.sent: list[Sent] = []
        self.replayed: list[str] = []
        self.handled = 0

    async def handle(self, event: Event) -> None:
        await asyncio.sleep(0)  # the lock and the transaction
        key = (event.platform, event.user_id)
        account = self.store.accounts[key]
        self.handled += 1
        if event.event_id in account.processed:
            self.replayed.append(event.event_id)
            return
        account.processed.add(event.event_id)
        state = account.state
        prefs = state.checkins
        owed = calendar.checkin_owed(state, event.at) if event.due == calendar.CHECKIN else None
        if owed is not None and prefs.last_sent_on != owed.local_date:
            if prefs.last_sent_on is not None and prefs.last_answered_on != prefs.last_sent_on:
                prefs.unanswered += 1
            prefs.last_sent_on = owed.local_date
            self.sent.append(Sent(event.platform, event.user_id, owed.local_date, event.at))
            if event.user_id not in self.silent:
                prefs.last_answered_on = owed.local_date
                prefs.unanswered = 0
        self.store.schedule(key, calendar.catch_up(state, event.at))

    def dates(self, user_id: str) -> list[date]:
        return [s.local_date for s in self.sent if s.user_id == user_id]


async def wait_for(condition: Callable[[], bool], within: float = 5.0) -> None:
    """Poll until `condition()` is true, failing loudly after `within` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {within}s")
        await asyncio.sleep(0.005)
