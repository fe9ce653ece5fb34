"""The progress chart: real PNGs decoded by matplotlib, empty input, threads and the event loop."""

from __future__ import annotations

import asyncio
import io
import itertools
import random
import struct
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.chart import HEIGHT_PX, WIDTH_PX, NoData, render_progress_chart, render_progress_chart_async
from dialogs.progress import CheckinRecord, UrgeRecord

TODAY = date(2025, 3, 31)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def history(days: int, seed: int = 7) -> tuple[list[CheckinRecord], list[UrgeRecord]]:
    rng = random.Random(seed)
    checkins = [
        CheckinRecord(TODAY - timedelta(days=i), rng.randint(1, 5), rng.randint(0, 10), rng.random() < 0.1)
        for i in range(days)
    ]
    urges = [UrgeRecord(TODAY - timedelta(days=i), rng.randint(0, 10)) for i in range(0, days, 3)]
    return checkins, urges


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", png[8:16])
    assert (length, kind) == (13, b"IHDR")
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def decode(png: bytes) -> Any:
    from matplotlib.image import imread

    return imread(io.BytesIO(png), format="png")


@pytest.mark.parametrize(("days_of_data", "window"), [(1, 30), (30, 30), (365, 30), (365, 365), (1, 1)])
def test_valid_png(days_of_data: int, window: int) -> None:
    checkins, urges = history(days_of_data)
    png = render_progress_chart(checkins, urges, TODAY, TODAY - timedelta(days=10), 30, days=window)
    width, height = png_size(png)
    assert 900 <= width <= 1300 and 900 <= height <= 2000
    assert (width, height) == (WIDTH_PX, HEIGHT_PX)
    image = decode(png)
    assert image.shape[:2] == (height, width)
    # Not a blank canvas: the mood and urge lines and the text put many distinct colours on it.
    colours = {tuple(px) for px in image[::7, ::7, :3].reshape(-1, 3).round(2).tolist()}
    assert len(colours) > 20


@pytest.mark.parametrize(
    ("checkins", "urges"),
    [
        ([], []),
        ([CheckinRecord(TODAY, None, None, True)], []),  # answered, but nothing to plot
        (
            [CheckinRecord(TODAY - timedelta(days=30), 3, 4, False)],
            [UrgeRecord(TODAY - timedelta(days=45), 6)],
        ),
        ([CheckinRecord(TODAY + timedelta(days=1), 3, 4, False)], []),  # tomorrow, by the user's clock
    ],
)
def test_nothing_to_draw_raises_no_data(checkins: list[CheckinRecord], urges: list[UrgeRecord]) -> None:
    with pytest.raises(NoData):
        render_progress_chart(checkins, urges, TODAY, None, 30)


def test_urge_notes_alone_are_enough() -> None:
    png = render_progress_chart([], [UrgeRecord(TODAY, 7)], TODAY, None, 30)
    assert png_size(png) == (WIDTH_PX, HEIGHT_PX)


def test_days_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        render_progress_chart(*history(3), TODAY, None, 30, days=0)


def _shade_fraction(image: Any, columns: slice) -> float:
    """How much of a vertical strip is the no-contact tint (#7fb77e at 25% over white)."""
    tint = [1 - 0.25 * (1 - c / 255) for c in (0x7F, 0xB7, 0x7E)]
    strip = image[200:1250, columns, :3]
    close = abs(strip - tint).max(axis=-1) < 0.02
    return float(close.mean())


def test_no_contact_shading_is_drawn() -> None:
    checkins, urges = history(30)
    plain = decode(render_progress_chart(checkins, urges, TODAY, None, 30))
    shaded = decode(render_progress_chart(checkins, urges, TODAY, TODAY - timedelta(days=9), 30))
    right, left = slice(900, 1040), slice(150, 600)  # the last ten days sit in the right third
    assert _shade_fraction(plain, right) == _shade_fraction(plain, left) == 0
    assert _shade_fraction(shaded, right) > 0.5
    assert _shade_fraction(shaded, left) == 0


def test_streak_changes_the_title() -> None:
    checkins, urges = history(30)
    with_streak = decode(render_progress_chart(checkins, urges, TODAY, None, 30))
    gap = [c for c in checkins if c.local_date not in (TODAY, TODAY - timedelta(days=1))]
    without = decode(render_progress_chart(gap, urges, TODAY, None, 30))
    assert (with_streak[:120] != without[:120]).any()


def test_renders_from_several_threads_at_once() -> None:
    checkins, urges = history(60)
    expected = render_progress_chart(checkins, urges, TODAY, TODAY - timedelta(days=20), 30, days=60)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(
            pool.map(
                lambda _: render_progress_chart(
                    checkins, urges, TODAY, TODAY - timedelta(days=20), 30, days=60
                ),
                range(8),
            )
        )
    assert all(r == expected for r in results)


def test_rendering_90_days_time_is_reported() -> None:
    checkins, urges = history(90)
    render_progress_chart(checkins, urges, TODAY, None, 30, days=90)  # warm: imports and font cache
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        png = render_progress_chart(checkins, urges, TODAY, TODAY - timedelta(days=12), 30, days=90)
        runs.append(time.perf_counter() - start)
    print(
        f"\n90-day chart: best {min(runs) * 1000:.0f} ms, worst {max(runs) * 1000:.0f} ms, {len(png)} bytes"
    )
    assert png_size(png) == (WIDTH_PX, HEIGHT_PX)


async def test_async_render_leaves_the_event_loop_free() -> None:
    checkins, urges = history(90)
    render_progress_chart(checkins, urges, TODAY, None, 30, days=90)  # warm, so only rendering is timed
    beats: list[float] = []
    stop = asyncio.Event()

    async def heartbeat() -> None:
        while not stop.is_set():
            beats.append(time.perf_counter())
            await asyncio.sleep(0.005)

    async def beats_during(render: object) -> tuple[int, float]:
        beats.clear()
        stop.clear()
        task = asyncio.create_task(heartbeat())
        await asyncio.sleep(0.02)
        start = time.perf_counter()
        if asyncio.iscoroutine(render):
            png = await render
        else:
            assert callable(render)
            png = render()
        end = time.perf_counter()
        await asyncio.sleep(0.02)
        stop.set()
        await task
        assert png_size(png) == (WIDTH_PX, HEIGHT_PX)
        inside = [b for b in beats if start < b < end]
        gaps = [b - a for a, b in itertools.pairwise(beats)]
        return len(inside), max(gaps)

    args = (checkins, urges, TODAY, TODAY - timedelta(days=5), 30)
    blocked_beats, blocked_gap = await beats_during(lambda: render_progress_chart(*args, days=90))
    free_beats, free_gap = await beats_during(render_progress_chart_async(*args, days=90))
    print(
        f"\nheartbeat every 5 ms: blocking render largest gap {blocked_gap * 1000:.0f} ms"
        f" ({blocked_beats} beats), async render largest gap {free_gap * 1000:.0f} ms ({free_beats} beats)"
    )
    assert blocked_beats == 0  # the synchronous call holds the loop: no other task can run
    assert free_beats >= 2  # the threaded call lets the heartbeat keep going


async def test_async_render_passes_no_data_through() -> None:
    with pytest.raises(NoData):
        await render_progress_chart_async([], [], TODAY, None, 30)


async def test_async_render_accepts_generators() -> None:
    checkins, urges = history(10)
    png = await render_progress_chart_async((c for c in checkins), (u for u in urges), TODAY, None, 30)
    assert png == render_progress_chart(checkins, urges, TODAY, None, 30)


def test_importing_the_module_does_not_import_matplotlib() -> None:
    code = "import sys, bot.chart; print(sorted(m for m in sys.modules if m.startswith('matplotlib')))"
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_shaded_span_is_named_for_the_kind_of_count() -> None:
    from bot.chart import _no_contact_label

    start = date(2026, 3, 1)
    assert _no_contact_label(start, 45, date(2026, 3, 20), limited=True) == "Limited contact, day 20 of 45"
    assert _no_contact_label(start, 45, date(2026, 3, 20)) == "No contact, day 20 of 45"
