"""Per-user ordering: jobs for one user run one at a time in arrival order; users run side by side.

discord.py runs every event handler as its own task, so without this two quick DMs from one person
could reach the service in either order. `submit` is synchronous: the order is fixed the moment the
gateway event is handled, before any await.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

__all__ = ["Lanes"]

_log = logging.getLogger(__name__)


class Lanes:
    def __init__(self, concurrency: int = 32) -> None:
        self._tails: dict[str, asyncio.Task[None]] = {}
        self._slots = asyncio.Semaphore(concurrency)

    def submit(self, key: str, job: Callable[[], Awaitable[object]]) -> asyncio.Task[None]:
        """Queue `job` behind the key's earlier jobs; the task ends when it ran (it never raises)."""
        previous = self._tails.get(key)
        task = asyncio.create_task(self._run(previous, job), name=f"discord-lane-{key}")
        self._tails[key] = task
        task.add_done_callback(lambda done: self._release(key, done))
        return task

    def _release(self, key: str, done: asyncio.Task[None]) -> None:
        if self._tails.get(key) is done:
            del self._tails[key]

    async def _run(self, previous: asyncio.Task[None] | None, job: Callable[[], Awaitable[object]]) -> None:
        if previous is not None:
            await asyncio.wait([previous])  # its outcome is its own business; only the order matters here
        async with self._slots:
            try:
                await job()
            except Exception:
                _log.exception("discord: handling an event failed")

    @property
    def busy(self) -> int:
        return len(self._tails)

    async def drain(self, grace: float) -> None:
        """Let queued jobs finish (used at shutdown); after `grace` seconds the rest are cancelled, so
        nothing still runs when the store closes (a step cut short is rolled back)."""
        tails = list(self._tails.values())
        if tails:
            _, pending = await asyncio.wait(tails, timeout=grace)
            if pending:
                _log.warning("discord: %d user queue(s) still busy at shutdown; cancelled", len(pending))
                for task in pending:
                    task.cancel()
                await asyncio.wait(pending)
