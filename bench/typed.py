"""Typed messages beyond throughput: the safety model read alone, and the loop while long messages arrive.

`model_alone` reads the bench's typed message with the model in one worker thread, one read after
another, nothing else running: the baseline for the model's time inside the running bot.

`long_burst` has `people` people send a 4,000-character message each at the same moment to the
running bot (polling, the production 1.5 s burst window), while a heartbeat on the bot's event loop
records the largest gap between its wake-ups: the model reads them in the reader's worker threads,
so the loop should keep turning while they are read.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path

from bench.data import Template
from bench.emulator import BenchEmulator
from bench.encoder import long_message
from bench.sweep import Heartbeat
from bench.updates import TYPED, Runner, percentile, rekindle_runner
from bot.adapters.telegram.bursts import BurstLimits
from bot.understanding.reader import load_safety_model
from dialogs.content import CONTENT_DIR

__all__ = ["LongBurst", "long_burst", "model_alone"]


async def model_alone(text: str, reads: int) -> list[float]:
    """Milliseconds per read of `text`, one after another in one worker thread (after a warm-up)."""
    model = load_safety_model(CONTENT_DIR.resolve())
    if model is None:
        raise RuntimeError("the safety model did not load")

    def run() -> list[float]:
        for _ in range(5):
            model.read(text, [])
        out = []
        for _ in range(reads):
            start = time.perf_counter()
            model.read(text, [])
            out.append((time.perf_counter() - start) * 1000)
        return out

    return await asyncio.to_thread(run)


@dataclass(frozen=True, slots=True)
class LongBurst:
    people: int
    chars: int
    largest_gap: float  # seconds
    seconds: float  # from the burst to the last answer
    model_p50: float  # ms per read of a long message, inside the bot
    model_p99: float
    messages: int  # sendMessage calls the burst got back
    weights: tuple[int, int] | None  # the shape of the safety head's n-gram weight matrix


async def long_burst(workdir: Path, template: Template, people: int, chars: int = 4000) -> LongBurst:
    text = long_message(chars)
    async with BenchEmulator() as emulator, rekindle_runner(
        emulator, workdir, template, people, workload=TYPED, bursts=BurstLimits()
    ) as runner:
        await _warm(runner)
        chats = range(1, people + 1)
        probe = runner.probe
        if probe is None:
            raise RuntimeError("the safety model did not load")
        probe.take()
        emulator.forget_calls()
        async with Heartbeat() as beat:
            start = time.perf_counter()
            for chat in chats:
                emulator.send_text(chat, text)
            await emulator.wait_for(lambda: all(emulator.sends[c] >= 1 for c in chats), 300)
            await emulator.wait_idle(0.3, 120)  # every message of every answer, not only the first
            elapsed = max(emulator.last_send[c] for c in chats) - start
        reads = [s * 1000 for s in probe.take()]
        if len(reads) < people:
            raise RuntimeError(f"the model read {len(reads)} of {people} long messages")
        messages = emulator.work_calls()["sendMessage"]
    return LongBurst(
        people, len(text), beat.largest, elapsed, percentile(reads, 0.5), percentile(reads, 0.99), messages,
        _weights(),
    )


def _weights() -> tuple[int, int] | None:
    model = load_safety_model(CONTENT_DIR.resolve())
    try:
        rows, columns = model.safety.head.views.ngram_weights.shape  # type: ignore[union-attr]
    except (AttributeError, ValueError):
        return None
    return int(rows), int(columns)


async def _warm(runner: Runner) -> None:
    """One short message through the whole stack first, so nothing is loaded during the burst."""
    emulator = runner.emulator
    chat = 10_000_000
    emulator.send_text(chat, "hello")
    await emulator.wait_for(lambda: emulator.sends[chat] >= 1, 60)

