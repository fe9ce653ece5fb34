"""Figure 3 and the per-tick cost: the dispatcher sweeping due check-ins through the real service.

A heartbeat task wakes every 5 ms and records the largest gap between its wake-ups; anything far
above 5 ms is time the event loop spent on something that did not yield. Sending is replaced by a
counting Sender, so the figure is about the scheduler, the engine and the store only.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from bench.data import DAY, Template, at_once, fill, migrate_async, spread
from bot.app import build_service, settle_heap
from bot.config import Settings
from bot.scheduler import Dispatcher
from bot.service import ChatService
from dialogs.model import Reply
from tests.service_kit import FakeClock

__all__ = ["CountingSender", "Heartbeat", "Sweep", "idle_heartbeat", "sweep", "tick_cost"]

PLATFORM = "bench"


@dataclass
class CountingSender:
    platform: str = PLATFORM
    sent: int = 0
    users: set[str] = field(default_factory=set)

    async def send(
        self, user_id: str, reply: Reply, image: bytes | None = None, files: Sequence[tuple[str, bytes]] = ()
    ) -> None:
        self.sent += 1
        self.users.add(user_id)


class Heartbeat:
    """Wakes every `period` s and keeps the largest gap between two wake-ups."""

    def __init__(self, period: float = 0.005) -> None:
        self.period = period
        self.largest = 0.0
        self.beats = 0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(self.period)
            now = time.perf_counter()
            self.largest = max(self.largest, now - last)
            self.beats += 1
            last = now

    async def __aenter__(self) -> Heartbeat:
        self._task = asyncio.get_running_loop().create_task(self._run())
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


@dataclass(frozen=True, slots=True)
class Sweep:
    users: int
    seconds: float
    largest_gap: float
    sent: int


async def idle_heartbeat(seconds: float) -> float:
    async with Heartbeat() as beat:
        await asyncio.sleep(seconds)
    return beat.largest


async def _service(db: Path, clock: FakeClock) -> tuple[ChatService, CountingSender]:
    service = await build_service(Settings(_env_file=None, database_url=f"sqlite:///{db}"), clock=clock)
    sender = CountingSender()
    service.register_sender(sender)
    settle_heap()  # as `bot.app.run` does once the bot is wired, before any tick
    return service, sender


async def sweep(workdir: Path, template: Template, users: int) -> Sweep:
    """`users` check-ins all due at once, swept by one Dispatcher while the heartbeat watches."""
    db = workdir / f"sweep-{users}.db"
    await migrate_async(db)
    await asyncio.to_thread(
        fill, db, platform=PLATFORM, count=users, state=template.state, seen=template.onboarded_at,
        due=at_once(template.checkin_at),
    )
    clock = FakeClock(template.checkin_at + timedelta(seconds=30))
    service, sender = await _service(db, clock)
    try:
        dispatcher = Dispatcher(service, service.store, clock=clock, max_rows_per_tick=users)
        async with Heartbeat() as beat:
            start = time.perf_counter()
            result = await dispatcher.tick()
            elapsed = time.perf_counter() - start
    finally:
        await service.close()
    if result.claimed != users or result.failed:
        raise RuntimeError(f"sweep claimed {result.claimed} of {users}, {result.failed} failed")
    return Sweep(users=users, seconds=elapsed, largest_gap=beat.largest, sent=sender.sent)


async def tick_cost(workdir: Path, template: Template, users: int, due: int, rounds: int) -> float:
    """Median time of a tick that finds `due` rows due in a store of `users` spread over the day."""
    db = workdir / f"ticks-{users}.db"
    await migrate_async(db)
    start = template.checkin_at
    # Round r's rows fall due at 09:00 + r min; everyone else is spread over the following day.
    for r in range(rounds):
        at = start + timedelta(minutes=r)
        await asyncio.to_thread(
            fill, db, platform=PLATFORM, count=due, state=template.state, seen=template.onboarded_at,
            due=at_once(at), first_id=1 + r * due,
        )
    rest = users - rounds * due
    await asyncio.to_thread(
        fill, db, platform=PLATFORM, count=rest, state=template.state, seen=template.onboarded_at,
        due=spread(start + timedelta(hours=1), DAY - timedelta(hours=2), rest), first_id=1 + rounds * due,
    )
    clock = FakeClock(start)
    service, _ = await _service(db, clock)
    times = []
    try:
        dispatcher = Dispatcher(service, service.store, clock=clock)
        for r in range(rounds):
            clock.now = start + timedelta(minutes=r, seconds=30)
            begin = time.perf_counter()
            result = await dispatcher.tick()
            times.append(time.perf_counter() - begin)
            if result.claimed != due:
                raise RuntimeError(f"tick claimed {result.claimed}, expected {due}")
    finally:
        await service.close()
    return statistics.median(times)
