"""Figure 4: how long N due check-ins take to reach Telegram when Telegram allows `rate` messages/s.

The emulator answers 429 (retry_after 1) to any sendMessage beyond a token bucket of `rate`/s with
one second of burst; the adapter is given the same overall rate through its Tuning. The best any
sender can do against that bucket is (M - burst)/rate for M messages, the floor reported here.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from bench.data import Template, at_once, fill, migrate_async
from bench.emulator import BenchEmulator
from bench.updates import settings_for
from bot.adapters.telegram import RateLimits, TelegramAdapter, Tuning
from bot.app import build_service
from bot.scheduler import Dispatcher
from tests.service_kit import FakeClock

__all__ = ["Fanout", "fanout"]


@dataclass(frozen=True, slots=True)
class Fanout:
    users: int
    rate: float
    messages: int
    seconds: float
    floor: float
    rejected: int  # 429 answers the emulator gave

    @property
    def ratio(self) -> float:
        return self.seconds / self.floor


async def fanout(workdir: Path, template: Template, users: int, rate: float, within: float) -> Fanout:
    db = workdir / f"fanout-{users}-{int(rate)}.db"
    await migrate_async(db)
    await asyncio.to_thread(
        fill, db, platform="telegram", count=users, state=template.state, seen=template.onboarded_at,
        due=at_once(template.checkin_at),
    )
    clock = FakeClock(template.checkin_at + timedelta(seconds=30))
    async with BenchEmulator(send_rate=rate) as emulator:
        settings = settings_for(emulator, db)
        service = await build_service(settings, clock=clock)
        # Production pacing per chat; only the overall rate is scaled with the emulator's.
        tuning = Tuning(request_timeout=30.0, poll_timeout=1.0, limits=RateLimits(overall_per_second=rate))
        adapter = TelegramAdapter(settings, service, tuning)
        try:
            await adapter.start()
            await asyncio.sleep(1.1)  # let both buckets fill, as after any quiet second
            dispatcher = Dispatcher(service, service.store, clock=clock, max_rows_per_tick=users)
            emulator.total_sends = emulator.rejected = 0
            start = time.perf_counter()
            await dispatcher.tick()
            deadline = start + within
            # A reply the limiter could not place is postponed in the outbox; the heartbeat's
            # housekeeping would retry it, so do that here until everyone has their check-in.
            while len(emulator.last_send) < users and time.perf_counter() < deadline:
                clock.now += timedelta(seconds=2)
                await service.deliver_pending("telegram")
                await asyncio.sleep(0.2)
            if len(emulator.last_send) < users:
                raise RuntimeError(f"only {len(emulator.last_send)} of {users} users got a check-in")
            elapsed = emulator.last_any - start
        finally:
            try:
                await adapter.stop()
            finally:
                await service.close()
    messages = emulator.total_sends
    burst = rate  # the emulator's bucket holds one second
    return Fanout(users, rate, messages, elapsed, max(messages - burst, 1) / rate, emulator.rejected)
