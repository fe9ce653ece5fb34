"""The benchmark suite at tiny sizes: every bench still runs, counts its calls and yields numbers in sane ranges.

No timing thresholds here; `python -m bench` is where the figures are judged.
"""

from __future__ import annotations

import asyncio
import math
import os
import re
import time
from pathlib import Path

import pytest

from bench.analysis import analysis
from bench.cpu import CpuSplit
from bench.data import make_template
from bench.emulator import BenchEmulator, TokenBucket
from bench.machine import cpu_ticks, describe, steal_share
from bench.report import markdown
from bench.results import Figure, table
from bench.suite import SECTIONS, TINY, cpu_note, run_suite
from bench.sweep import Heartbeat
from bench.updates import STEP, peer_runner, rekindle_runner, throughput


def _by_name(figures: list[Figure], start: str) -> list[Figure]:
    found = [f for f in figures if f.name.startswith(start)]
    assert found, f"no figure starting with {start!r}"
    return found


async def test_tiny_suite_produces_sane_figures(tmp_path: Path) -> None:
    figures = await run_suite(TINY, tmp_path, only=[s for s in SECTIONS if s != "postgres"])  # that one below
    sections = {f.section[:2] for f in figures}
    assert sections == {"1.", "2.", "3.", "4.", "5.", "6."}
    for figure in figures:
        assert figure.value is not None and math.isfinite(figure.value) and figure.value > 0, figure

    steps = _by_name(figures, "guide steps per second")[0]
    assert steps.baseline_name == "peer" and steps.ratio is not None and 0.001 < steps.ratio < 10
    # Counted by the emulator, the same calls for Rekindle and the peer.
    counted = re.search(r"counted per step: ([^;]+)", steps.note)
    peer = _by_name(figures, "guide steps per second, the peer")[0]
    assert counted is not None and counted.group(1) in peer.note
    assert "1 answerCallbackQuery" in counted.group(1) and "1 editMessageReplyMarkup" in counted.group(1)
    calls = _by_name(figures, "Bot API calls per second (counted)")[0]
    assert calls.value is not None and steps.value is not None and calls.value > 2 * steps.value
    for latency in _by_name(figures, "p50 at") + _by_name(figures, "p99 at"):
        assert latency.value is not None and 0 < latency.value < 60_000  # ms
        assert latency.baseline_name == "peer"
    assert len(_by_name(figures, "p99 at 50%")[0].goal) > 0

    typed = _by_name(figures, "typed messages per second, with the safety model")[0]
    assert typed.ratio is not None and "1 sendMessage" in typed.note
    inside = _by_name(figures, "safety model per message inside the running bot, p50")[0]
    assert inside.value is not None and inside.baseline is not None and inside.value > 0.1  # ms, a real read
    long_stall = _by_name(figures, "largest loop stall, 3 people")[0]
    assert long_stall.value is not None and long_stall.value >= 5.0  # never below the 5 ms period

    stall = _by_name(figures, "largest loop stall, 100-user sweep")[0]
    assert stall.value is not None and 5.0 <= stall.value < 10_000
    fan = _by_name(figures, "10 check-ins")[0]
    assert fan.value is not None and fan.baseline is not None
    assert " 0 answered 429" in fan.note, fan.note  # the shared pace kept under Telegram's limit
    ready = _by_name(figures, "ready to serve, 100 users")[0]
    assert "safety model loaded" in ready.note
    tick = _by_name(figures, "first tick done, 100 users")[0]
    assert "found 1 check-ins due" in tick.note  # one person in 1,440 each minute: the first minute's
    rss = _by_name(figures, "RSS when ready")[0]
    assert rss.value is not None and 20 < rss.value < 2000

    text = markdown(figures, describe(), "python -m bench", 1.0, analysis(figures), (0.5, 0.7), 0.083)
    assert "## Machine" in text and describe()["cpu"] in text and "python -m bench" in text
    assert "load average (1 minute) was 0.50" in text and "took 8.3% of the cores' time away" in text
    assert "the run took 1 s (within the 10 minutes the whole suite is meant to take)" in text
    assert "**Goals in this run: " in text and ("- met: " in text or "- MISSED: " in text)
    assert "| guide steps per second |" in text and "**Guide steps (" in text and "**Typed messages (" in text
    assert "guide steps per second" in table(figures)


def test_steal_is_the_share_of_ticks_between_two_readings() -> None:
    assert steal_share((100, 10_000), (150, 11_000)) == 0.05
    assert steal_share(None, (150, 11_000)) is None and steal_share((1, 5), (1, 5)) is None
    now = cpu_ticks()
    if now is not None:  # Linux: steal is one of the ticks counted
        assert 0 <= now[0] <= now[1]


async def test_the_peer_makes_exactly_the_calls_rekindle_makes(tmp_path: Path) -> None:
    """Pressed side by side on one emulator each, the two bots send the same texts, keyboards and calls."""
    template = await make_template(tmp_path)
    sent = {}
    for name in ("peer", "rekindle"):
        async with BenchEmulator() as emulator:
            side = (peer_runner(emulator, tmp_path, template, 3, STEP) if name == "peer"
                    else rekindle_runner(emulator, tmp_path, template, 3, workload=STEP))
            async with side as runner:
                run = await throughput(runner, [1, 2, 3], 60)
            sent[name] = (dict(run.calls), [(m.body, m.buttons) for m in emulator.messages(2)])
    assert sent["peer"] == sent["rekindle"]
    calls, messages = sent["peer"]
    sends = 3 * template.replies_per_step
    assert calls == {"answerCallbackQuery": 3, "sendMessage": sends, "editMessageReplyMarkup": 3}
    assert messages[0][1] == []  # the pressed message lost its keyboard
    assert messages[-1][1] and "Skip the question" in str(messages[-1][1])


@pytest.mark.skipif(not os.environ.get("REKINDLE_TEST_PG_DSN"), reason="no PostgreSQL")
async def test_tiny_postgres_section_runs_worker_processes(tmp_path: Path) -> None:
    """Webhook workers, the peer and the echo bot fed by webhook, and scheduler processes on a scratch
    database; the bench asserts every update answered once and every check-in sent once, so getting
    figures back means those held."""
    figures = await run_suite(TINY, tmp_path, only=["postgres"])
    assert {f.section for f in figures} == {"7. PostgreSQL"}
    steps = _by_name(figures, "guide steps per second, 2 workers, PostgreSQL")[0]
    assert steps.value is not None and steps.ratio is not None and 0.001 < steps.ratio < 10
    assert steps.baseline_name == "peer, own process" and "CPU per step: workers" in steps.note
    assert "answerCallbackQuery on the webhook's answer" in steps.note  # one request fewer per press
    peer = _by_name(figures, "peer (the baseline above)")[0]
    assert "1 answerCallbackQuery, " in peer.note and "on the webhook's answer" not in peer.note
    sweep = _by_name(figures, "check-in sweep, 10 users, 2 scheduler processes")[0]
    assert sweep.value is not None and 0 < sweep.value < 60
    text = analysis(figures)
    assert "**PostgreSQL workers (2 workers" in text


def test_analysis_is_worded_from_the_figures() -> None:
    store = "the SQLite connection held 8.00 ms per step (5 turns, 21 trips to its thread): at most 125/s through it"
    counted = "counted per step: 1 answerCallbackQuery, 2 sendMessage, 1 editMessageReplyMarkup"
    figures = [
        Figure("1. Guide steps", "guide steps per second", 100.0, "steps/s", 150.0, "peer", ">= 1.0x peer", False,
               note=f"2,000 presses queued at once; {counted}; {store}"),
        Figure("1. Guide steps", "guide steps per second, against the echo bot", 100.0, "steps/s", 500.0,
               "echo bot"),
        Figure("1. Guide steps", "guide steps per second, the peer", 150.0, "steps/s", 500.0, "echo bot",
               note=f"2,000 presses; {counted}; PicklePersistence wrote its file 0 times during the run"),
        Figure("1. Guide steps", "Bot API calls per second (counted)", 400.0, "calls/s", 500.0, "echo bot",
               ">= 0.9x echo", False),
    ]
    text = analysis(figures)
    assert "**Goals in this run: 0 of 2 met.**" in text
    assert ("- MISSED: Guide steps, guide steps per second: 100 steps/s, 0.67x the peer (150 steps/s);"
            " goal >= 1.0x peer.") in text
    assert "**Guide steps (0.67x the peer, 0.20x the echo bot; goal >= 1.0x the peer: MISSED).**" in text
    assert "held 8.00 ms (5 turns of the connection lock, 21 trips to aiosqlite" in text
    assert "at most 125 steps/s, and is where the run stopped" in text
    assert "(0 writes fell inside its measurement)" in text
    assert "held under 6.7 ms per step" in text
    assert "**Bot API calls (0.80x the echo bot; goal >= 0.9x: MISSED).**" in text


def test_postgres_analysis_is_worded_from_the_figures() -> None:
    section = "7. PostgreSQL"
    cpu = CpuSplit(seconds=10.0, bots=10.0, postgres=3.0, bench=2.0, machine=19.0)  # per 1000 units

    def steps(name: str, value: float) -> Figure:
        return Figure(section, name, value, "steps/s", 200.0, "peer, own process",
                      note="counted per step: 2 sendMessage, 1 editMessageReplyMarkup, 1 answerCallbackQuery on"
                           f" the webhook's answer, 300 requests/s. {cpu_note(cpu, 1000, 'workers', 'step')}")

    def sweep(n: str, value: float) -> Figure:
        return Figure(section, f"check-in sweep, 2,000 users, {n}", value, "s", 10.0, "1 process",
                      note=cpu_note(cpu, 1000, "schedulers", "check-in"))

    figures = [
        steps("guide steps per second, 1 worker, SQLite", 90.0),
        steps("guide steps per second, 1 worker, PostgreSQL", 100.0),
        steps("guide steps per second, 4 workers, PostgreSQL", 120.0),
        Figure(section, "peer (the baseline above)", 200.0, "steps/s", 400.0, "echo bot, own process",
               note=cpu_note(CpuSplit(10.0, 5.0, 0.0, 0.5, 10.0), 1000, "peer", "step")),
        Figure(section, "echo bot", 400.0, "updates/s"),
        sweep("1 scheduler process", 10.0),
        sweep("2 scheduler processes", 6.0),
    ]
    text = analysis(figures)
    assert "**PostgreSQL workers (1 worker 0.50x, 4 workers 0.60x the peer).**" in text
    assert "The peer did 200 steps/s (0.50x the echo bot's 400 updates/s)" in text
    assert "one Rekindle worker on PostgreSQL 100 and on SQLite 90; the best was 4 workers (120 steps/s)" in text
    assert "cost a Rekindle worker 10.0 ms of CPU and PostgreSQL 3.0 ms more, where it cost the peer 5.0 ms" in text
    cores = os.cpu_count() or 1
    assert f"about {1000 * cores / 15:.0f} steps/s" in text  # the cores over 15 ms of CPU per step
    assert "2,000 check-ins due at once" in text and "are 4 claims" in text
    assert "0.60x the time of 1 scheduler process" in text


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
