"""Updates through the real python-telegram-bot stack: Rekindle, the peer and the echo bot, side by side.

Two workloads, each one update per person:

- a guide step: the person presses "One more step". Rekindle's adapter answers the spinner, the
  service reads nothing (a press is not text), runs the engine and commits state and outbox in one
  SQLite transaction, then sends the step's messages and takes the used keyboard away. The peer
  (bench/peer.py) makes the same calls from a ConversationHandler; the echo bot answers a text.
- a typed message: the person types an answer to the lesson's question. Rekindle reads it with the
  safety model in a worker thread first; the peer keeps it in its user data; both send one reply.

Every side polls the same emulator on 127.0.0.1, in this process, with the same concurrency, and
the emulator counts every call each one makes.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from bench.data import Template, fill, migrate_async
from bench.emulator import BenchEmulator
from bench.peer import AFTER, QUESTION, CountedPickle, PeerScript, build_peer_app, seed_peer
from bench.probes import ModelProbe, StoreProbe, StoreUse
from bot.adapters.telegram import RateLimits, TelegramAdapter, Tuning
from bot.adapters.telegram.bursts import BurstLimits
from bot.app import build_service
from bot.config import Settings
from tests.emulators.echo_bot import build_echo_app
from tests.service_kit import FakeClock

__all__ = [
    "CONCURRENCY",
    "LIFTED",
    "Latency",
    "Run",
    "Runner",
    "echo_runner",
    "open_loop",
    "peer_runner",
    "percentile",
    "rekindle_runner",
    "throughput",
]

CONCURRENCY = 16  # the adapter's default; the echo bot and the peer get the same
# The emulator has no flood limits, so the adapter's pacing is lifted to measure the software alone.
LIFTED = RateLimits(overall_per_second=1e6, per_chat_per_second=1e6, per_chat_burst=1000)
# A person's texts close together are folded into one answer after a 1.5 s quiet window (polling).
# Every bench person sends one text, so the window would only delay each by 1.5 s; it is set to 0
# here, as webhook mode has it, and the figures count messages delivered, one per update.
NO_BURST_WINDOW = BurstLimits(window=0.0)
STEP, TYPED = "step", "typed"


def percentile(samples: Sequence[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


@dataclass(frozen=True, slots=True)
class Runner:
    """A running bot on an emulator, and how to make one person send it one update."""

    name: str
    emulator: BenchEmulator
    inject: Callable[[int], object]
    sends_per_update: int  # sendMessage calls per update: what the person waits for
    calls_per_update: int  # every call but getUpdates, per update
    probe: ModelProbe | None = None
    store: StoreProbe | None = None
    writes: Callable[[], int] | None = None  # the peer: how often PicklePersistence has written its file


@dataclass(frozen=True, slots=True)
class Run:
    """All updates queued at once: how fast they were answered, and every call counted."""

    updates: int
    seconds: float
    calls: Counter[str]  # the work calls (getUpdates apart)
    polls: int  # getUpdates calls
    model_ms: tuple[float, ...] = ()  # each safety model read inside the bot
    store: StoreUse | None = None
    replies: Counter[str] = field(default_factory=Counter)  # calls carried by webhook answers
    writes: int | None = None  # the peer's persistence file written during the run


    @property
    def rate(self) -> float:
        return self.updates / self.seconds

    @property
    def call_count(self) -> int:
        return sum(self.calls.values())

    @property
    def call_rate(self) -> float:
        return self.call_count / self.seconds

    def per_update(self) -> str:
        """'1 answerCallbackQuery, 2 sendMessage, 1 editMessageReplyMarkup' per update, as counted."""
        parts = [f"{_num(n / self.updates)} {m}" for m, n in sorted(self.calls.items(), key=_order)]
        parts += [f"{_num(n / self.updates)} {m} on the webhook's answer" for m, n in sorted(self.replies.items())]
        return ", ".join(parts)


def _order(item: tuple[str, int]) -> tuple[int, str]:
    ranks = {"answerCallbackQuery": 0, "sendMessage": 1, "editMessageReplyMarkup": 2}
    return ranks.get(item[0], 9), item[0]


def _num(x: float) -> str:
    return f"{x:.0f}" if abs(x - round(x)) < 0.005 else f"{x:.2f}"


@dataclass(frozen=True, slots=True)
class Latency:
    rate: float
    p50: float
    p99: float
    updates: int
    injected_rate: float  # what the injector achieved (it shares the loop with the bot)
    spinner_p50: float | None = None  # press to answerCallbackQuery, for presses
    spread_p50: float = 0.0  # from an update's first message to its last
    calls: Counter[str] = field(default_factory=Counter)

    def per_update(self) -> str:
        """The calls counted during this open-loop run, per update (polling: none ride on webhook answers)."""
        return ", ".join(f"{_num(n / self.updates)} {m}" for m, n in sorted(self.calls.items(), key=_order))


def settings_for(emulator: BenchEmulator, db: Path) -> Settings:
    return Settings(
        _env_file=None,
        database_url=f"sqlite:///{db}",
        telegram_bot_token=SecretStr(emulator.token),
        telegram_api_base_url=emulator.base_url,
    )


@asynccontextmanager
async def _polling(app: Any) -> AsyncIterator[None]:
    await app.initialize()
    try:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=1)
        yield
    finally:
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()


@asynccontextmanager
async def echo_runner(emulator: BenchEmulator) -> AsyncIterator[Runner]:
    async with _polling(build_echo_app(emulator, concurrent_updates=CONCURRENCY)):
        yield Runner("echo bot", emulator, lambda chat: emulator.send_text(chat, "hello"), 1, 1)


def _inject(emulator: BenchEmulator, template: Template, workload: str) -> Callable[[int], object]:
    if workload == STEP:
        return lambda chat: emulator.press(chat, template.step_label, template.step_data)
    return lambda chat: emulator.send_text(chat, template.typed_text)


def _expected(template: Template, workload: str) -> tuple[int, int]:
    """(sendMessage, all calls) per update: a press also answers the spinner and clears a keyboard."""
    if workload == STEP:
        sends = template.replies_per_step
        return sends, sends + 2
    sends = len(template.typed_replies)
    return sends, sends


@asynccontextmanager
async def peer_runner(
    emulator: BenchEmulator, workdir: Path, template: Template, users: int, workload: str = STEP
) -> AsyncIterator[Runner]:
    """The peer over PicklePersistence holding `users` people at the workload's point of the guide."""
    pickle_file = workdir / f"peer-{time.monotonic_ns()}.pickle"
    await asyncio.to_thread(seed_peer, pickle_file, range(1, users + 1), AFTER if workload == STEP else QUESTION)
    app = build_peer_app(emulator.token, emulator.base_url, PeerScript.of(template), pickle_file, CONCURRENCY)
    persistence = app.persistence
    assert isinstance(persistence, CountedPickle)
    async with _polling(app):
        sends, calls = _expected(template, workload)
        yield Runner(
            "peer", emulator, _inject(emulator, template, workload), sends, calls, writes=lambda: persistence.writes
        )


@asynccontextmanager
async def rekindle_runner(
    emulator: BenchEmulator,
    workdir: Path,
    template: Template,
    users: int,
    limits: RateLimits = LIFTED,
    workload: str = STEP,
    *,
    model: bool = True,
    bursts: BurstLimits = NO_BURST_WINDOW,
) -> AsyncIterator[Runner]:
    """The real service and adapter over a store of `users` people at the workload's point of the guide."""
    db = workdir / f"updates-{time.monotonic_ns()}.db"
    await migrate_async(db)
    state = template.state if workload == STEP else template.typed_state
    await asyncio.to_thread(
        fill, db, platform="telegram", count=users, state=state, seen=template.onboarded_at,
        due=lambda i: (None, None, None),
    )
    settings = settings_for(emulator, db)
    service = await build_service(settings, clock=FakeClock(template.onboarded_at))
    if not model:
        service.reader = None  # the rules alone read the text, as when the model cannot load
    probe = ModelProbe.install(service)
    store = StoreProbe(service)
    tuning = Tuning(concurrency=CONCURRENCY, request_timeout=30.0, poll_timeout=1.0, limits=limits, bursts=bursts)
    adapter = TelegramAdapter(settings, service, tuning)
    try:
        await adapter.start()
        sends, calls = _expected(template, workload)
        name = "Rekindle" if model else "Rekindle, model off"
        yield Runner(name, emulator, _inject(emulator, template, workload), sends, calls, probe, store)
    finally:
        try:
            await adapter.stop()
        finally:
            await service.close()


async def _all_answered(runner: Runner, chats: Sequence[int], within: float) -> None:
    """Every person got their messages and every call of theirs was made (the last is often the edit)."""
    emulator, need = runner.emulator, runner.sends_per_update
    calls = len(chats) * runner.calls_per_update
    last = list(chats[-50:])

    def made() -> int:
        return sum(emulator.work_calls().values()) + sum(emulator.replies.values())
  # cheap checks first; the full one only once the tail has answered

    def done() -> bool:
        return (
            all(emulator.sends[c] >= need for c in last)
            and made() >= calls
            and all(emulator.sends[c] >= need for c in chats)
        )

    try:
        await emulator.wait_for(done, within)
    except TimeoutError:
        short = [c for c in chats if emulator.sends[c] < need]
        raise RuntimeError(
            f"{runner.name}: {len(short)} of {len(chats)} updates unanswered after {within:.0f} s;"
            f" calls {dict(emulator.work_calls())}"
        ) from None


def _check_calls(runner: Runner, chats: Sequence[int], calls: Counter[str], replies: Counter[str]) -> None:
    """Each update made exactly the calls it should: no second answer, no missing edit."""
    total = sum(calls.values()) + sum(replies.values())
    if total != len(chats) * runner.calls_per_update:
        raise AssertionError(
            f"{runner.name}: {total} calls for {len(chats)} updates, expected {runner.calls_per_update} each:"
            f" {dict(calls)}, on webhook answers {dict(replies)}"
        )


async def throughput(runner: Runner, chats: Sequence[int], within: float) -> Run:
    """Updates per second: all queued at once, until the last call for the last one."""
    emulator = runner.emulator
    emulator.forget_calls()
    if runner.probe is not None:
        runner.probe.take()
    if runner.store is not None:
        runner.store.start()
    writes = runner.writes() if runner.writes is not None else 0
    start = time.perf_counter()
    for chat in chats:
        runner.inject(chat)
    await _all_answered(runner, chats, within)
    elapsed = emulator.last_work - start
    await asyncio.sleep(0.05)  # a call beyond the expected ones would show up by now
    calls, polls, replies = emulator.work_calls(), emulator.counts["getUpdates"], Counter(emulator.replies)
    _check_calls(runner, chats, calls, replies)
    model_ms = tuple(s * 1000 for s in runner.probe.take()) if runner.probe is not None else ()
    store = runner.store.since_start(len(chats)) if runner.store is not None else None
    emulator.forget_calls()
    written = runner.writes() - writes if runner.writes is not None else None
    return Run(len(chats), elapsed, calls, polls, model_ms, store, replies, written)


async def open_loop(runner: Runner, chats: Sequence[int], rate: float, within: float) -> Latency:
    """Inject one update every 1/rate s on a fixed schedule; latency counts from the scheduled time
    to the update's last message, so a loop too busy to inject on time shows up as latency."""
    emulator = runner.emulator
    emulator.forget_calls()
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
    await asyncio.sleep(0.05)
    calls = emulator.work_calls()
    _check_calls(runner, chats, calls, emulator.replies)
    latencies = [emulator.last_send[c] - scheduled[c] for c in chats]
    spins = [emulator.answered_at[c] - scheduled[c] for c in chats if c in emulator.answered_at]
    spreads = [emulator.last_send[c] - emulator.first_send[c] for c in chats]
    emulator.forget_calls()
    return Latency(
        rate=rate,
        p50=statistics.median(latencies),
        p99=percentile(latencies, 0.99),
        updates=len(chats),
        injected_rate=min(injected_rate, rate),
        spinner_p50=statistics.median(spins) if spins else None,
        spread_p50=statistics.median(spreads),
        calls=calls,
    )
