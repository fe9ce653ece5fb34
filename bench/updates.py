"""Figures 1 and 2: updates through the real python-telegram-bot stack, against the bare echo bot.

Rekindle's update is a full guide step: a user presses "Next" on a lesson, the adapter stops the
button's spinner and removes the used keyboard, the service runs the engine and commits state,
journal and outbox in one SQLite transaction, then sends the step's messages. The echo bot answers
a text with one message. Both poll the same emulator on 127.0.0.1, in this process.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

from bench.data import Template, fill, migrate_async
from bench.emulator import BenchEmulator
from bot.adapters.telegram import RateLimits, TelegramAdapter, Tuning
from bot.app import build_service
from bot.config import Settings
from tests.emulators.echo_bot import build_echo_app
from tests.service_kit import FakeClock

__all__ = ["LIFTED", "Latency", "Runner", "echo_runner", "open_loop", "rekindle_runner", "throughput"]

CONCURRENCY = 16  # the adapter's default; the echo bot gets the same
# The emulator has no flood limits, so the adapter's pacing is lifted to measure the software alone.
LIFTED = RateLimits(overall_per_second=1e6, per_chat_per_second=1e6, per_chat_burst=1000)


@dataclass(frozen=True, slots=True)
class Runner:
    """A running bot on an emulator, and how to make one user send it one update."""

    emulator: BenchEmulator
    inject: Callable[[int], object]
    sends_per_update: int


@dataclass(frozen=True, slots=True)
class Latency:
    rate: float
    p50: float
    p99: float
    updates: int
    injected_rate: float  # what the injector achieved (it shares the loop with the bot)


@asynccontextmanager
async def echo_runner(emulator: BenchEmulator) -> AsyncIterator[Runner]:
    app = build_echo_app(emulator, concurrent_updates=CONCURRENCY)
    await app.initialize()
    try:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=1)
        yield Runner(emulator, lambda chat: emulator.send_text(chat, "hello"), 1)
    finally:
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()


def settings_for(emulator: BenchEmulator, db: Path) -> Settings:
    return Settings(
        _env_file=None,
        database_url=f"sqlite:///{db}",
        telegram_bot_token=SecretStr(emulator.token),
        telegram_api_base_url=emulator.base_url,
    )


@asynccontextmanager
async def rekindle_runner(
    emulator: BenchEmulator, workdir: Path, template: Template, users: int, limits: RateLimits = LIFTED
) -> AsyncIterator[Runner]:
    """The real service and adapter over a store of `users` people, each on guide step 1."""
    db = workdir / f"updates-{time.monotonic_ns()}.db"
    await migrate_async(db)
    await asyncio.to_thread(
        fill, db, platform="telegram", count=users, state=template.state, seen=template.onboarded_at,
        due=lambda i: (None, None, None),
    )
    settings = settings_for(emulator, db)
    service = await build_service(settings, clock=FakeClock(template.onboarded_at))
    tuning = Tuning(concurrency=CONCURRENCY, request_timeout=30.0, poll_timeout=1.0, limits=limits)
    adapter = TelegramAdapter(settings, service, tuning)
    try:
        await adapter.start()
        yield Runner(
            emulator,
            lambda chat: emulator.press(chat, template.next_label, template.next_data),
            template.replies_per_next,
        )
    finally:
        try:
            await adapter.stop()
        finally:
            await service.close()


async def _all_answered(runner: Runner, chats: Sequence[int], within: float) -> None:
    emulator, need = runner.emulator, runner.sends_per_update

    def done() -> bool:
        return all(emulator.sends[c] >= need for c in chats)

    last = list(chats[-50:])  # cheap check first; the full check only once the tail has answered
    await emulator.wait_for(lambda: all(emulator.sends[c] >= need for c in last) and done(), within)


async def throughput(runner: Runner, chats: Sequence[int], within: float) -> float:
    """Updates per second: all queued at once, until the last answer to the last one."""
    start = time.perf_counter()
    for chat in chats:
        runner.inject(chat)
    await _all_answered(runner, chats, within)
    elapsed = max(runner.emulator.last_send[c] for c in chats) - start
    runner.emulator.forget_calls()
    return len(chats) / elapsed


async def open_loop(runner: Runner, chats: Sequence[int], rate: float, within: float) -> Latency:
    """Inject one update every 1/rate s on a fixed schedule; latency counts from the scheduled time,
    so a loop too busy to inject on time shows up as latency instead of hiding it."""
    start = time.perf_counter()
    scheduled: dict[int, float] = {}
    for i, chat in enumerate(chats):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        scheduled[chat] = due
        runner.inject(chat)
    injected_rate = len(chats) / max(time.perf_counter() - start, 1e-9)
    await _all_answered(runner, chats, within)
    latencies = sorted(runner.emulator.last_send[c] - scheduled[c] for c in chats)
    runner.emulator.forget_calls()
    return Latency(
        rate=rate,
        p50=statistics.median(latencies),
        p99=latencies[min(len(latencies) - 1, round(0.99 * (len(latencies) - 1)))],
        updates=len(chats),
        injected_rate=min(injected_rate, rate),
    )
