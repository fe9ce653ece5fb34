"""How fast one bot token may send, shared by every process that sends with it.

Telegram allows a bot about 30 messages a second in all. Each process paces itself, but two
processes each sending 30 a second together send 60, and the surplus comes back as 429s that hold
everything up. So the pace is kept in one place: in memory for a single process, in the database
when several processes share one.

Both keep a "next free slot" (the generic cell rate algorithm): a send takes the next slot, or the
current moment when the budget has been idle, but never earlier than `burst` slots ago. Taking a
slot is one atomic update, so no two senders ever get the same one.
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol

__all__ = ["LocalBudget", "SendBudget", "SlotStore", "StoreBudget"]


class SendBudget(Protocol):
    async def wait_turn(self) -> None:
        """Return when this send may go."""
        ...


class SlotStore(Protocol):
    async def reserve_send_slot(self, name: str, interval: float, window: float) -> float:
        """Take the next slot of budget `name`; return how many seconds from now it starts."""
        ...


class LocalBudget:
    """One process's budget, kept in memory."""

    def __init__(self, rate: float, burst: float) -> None:
        self._interval = 1.0 / rate
        self._window = burst / rate
        self._next = 0.0

    async def wait_turn(self) -> None:
        now = time.monotonic()
        start = max(self._next, now - self._window)
        self._next = start + self._interval
        if start > now:
            await asyncio.sleep(start - now)


class StoreBudget:
    """A budget shared through the database by every process with the same `name`."""

    def __init__(self, store: SlotStore, name: str, rate: float, burst: float) -> None:
        self._store = store
        self._name = name
        self._interval = 1.0 / rate
        self._window = burst / rate

    async def wait_turn(self) -> None:
        wait = await self._store.reserve_send_slot(self._name, self._interval, self._window)
        if wait > 0:
            await asyncio.sleep(wait)
