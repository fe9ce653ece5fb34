"""The benchmark suite at tiny sizes: every bench still runs and yields numbers in sane ranges.

No timing thresholds here; `python -m bench` is where the figures are judged.
"""

from __future__ import annotations

import asyncio
import math
import time
from pathlib import Path

from bench.analysis import analysis
from bench.emulator import TokenBucket
from bench.machine import describe
from bench.report import markdown
from bench.results import Figure, table
from bench.suite import TINY, run_suite
from bench.sweep import Heartbeat


def _by_name(figures: list[Figure], start: str) -> list[Figure]:
    found = [f for f in figures if f.name.startswith(start)]
    assert found, f"no figure starting with {start!r}"
    return found


async def test_tiny_suite_produces_sane_figures(tmp_path: Path) -> None:
    figures = await run_suite(TINY, tmp_path)
    sections = {f.section[:2] for f in figures}
    assert sections == {"1.", "2.", "3.", "4.", "5.", "6."}
    for figure in figures:
        if figure.section.startswith("6."):
            continue  # PostgreSQL: measured only when a server and the store exist
        assert figure.value is not None and math.isfinite(figure.value) and figure.value > 0, figure

    steps = _by_name(figures, "guide steps")[0]
    assert steps.ratio is not None and 0.001 < steps.ratio < 10
    for latency in _by_name(figures, "p50 at") + _by_name(figures, "p99 at"):
        assert latency.value is not None and 0 < latency.value < 60_000  # ms

    stall = _by_name(figures, "largest loop stall")[0]
    assert stall.value is not None and 5.0 <= stall.value < 10_000  # never below the 5 ms period
    fan = _by_name(figures, "10 check-ins")[0]
    assert fan.value is not None and fan.baseline is not None and fan.value >= 0.9 * fan.baseline
    rss = _by_name(figures, "RSS when ready")[0]
    assert rss.value is not None and 20 < rss.value < 2000

    text = markdown(figures, describe(), "python -m bench", 1.0, analysis(figures))
    assert "## Machine" in text and describe()["cpu"] in text and "python -m bench" in text
    assert "| guide steps (Next) per second |" in text
    assert "guide steps (Next) per second" in table(figures)


async def test_heartbeat_sees_a_blocked_loop() -> None:
    async with Heartbeat() as beat:
        await asyncio.sleep(0.02)
        time.sleep(0.08)  # noqa: ASYNC251 (the point: a synchronous stall, as CPU-bound work causes)
        await asyncio.sleep(0.02)
    assert beat.largest >= 0.08
    assert beat.beats >= 2


def test_token_bucket_refuses_beyond_its_burst() -> None:
    bucket = TokenBucket(rate=10, burst=3)
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]
    time.sleep(0.15)
    assert bucket.take()
