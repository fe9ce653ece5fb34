"""Process updates concurrently across users but strictly in order for each user."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram.ext import BaseUpdateProcessor

from bot.adapters.telegram.inbound import user_key

__all__ = ["PerUserOrder"]


class _Slot:
    __slots__ = ("lock", "users")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.users = 0


class PerUserOrder(BaseUpdateProcessor):
    """Up to `max_concurrent_updates` at once; one user's updates one at a time, in arrival order.

    The poller starts one task per update in id order, the webhook server one per request as it
    arrives; both the semaphore and `asyncio.Lock` wake waiters first-in first-out, so a user's
    updates keep that order.
    """

    __slots__ = ("_slots",)

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._slots: dict[int, _Slot] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = user_key(update)
        if key is None:
            await coroutine
            return
        slot = self._slots.get(key)
        if slot is None:
            slot = self._slots[key] = _Slot()
        slot.users += 1
        try:
            async with slot.lock:
                await coroutine
        finally:
            slot.users -= 1
            if slot.users == 0:
                del self._slots[key]  # no lock per user ever seen, only per user in flight

    async def initialize(self) -> None:
        """Nothing to allocate."""

    async def shutdown(self) -> None:
        """Nothing to free."""
