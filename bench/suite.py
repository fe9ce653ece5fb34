"""The whole suite: sizes for a full, quick or tiny run, and the figures each bench turns into."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path

from bench.cpu import CpuSplit
from bench.data import Template, make_template
from bench.emulator import BenchEmulator
from bench.fanout import fanout
from bench.pg import dsn_or_reason, scratch_database, server_version
from bench.postgres import TICK, Steps, Sweep, echo_steps, sweep_checkins, worker_steps
from bench.results import Figure
from bench.startup import startup
from bench.sweep import idle_heartbeat, sweep, tick_cost
from bench.updates import echo_runner, open_loop, rekindle_runner, throughput
from bot.adapters.telegram import RateLimits

__all__ = ["FULL", "QUICK", "SECTIONS", "TINY", "Sizes", "run_suite"]

log = logging.getLogger("bench")
ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_PACING = RateLimits(overall_per_second=1e6)  # Telegram's per-chat pacing, overall lifted


@dataclass(frozen=True, slots=True)
class Sizes:
    name: str
    throughput_updates: int
    latency_seconds: dict[int, float]  # injection rate -> how long to inject for
    paced_updates: int  # Next presses under production per-chat pacing, at 2/s
    sweep_users: int
    tick_stores: tuple[int, int]
    tick_due: int
    tick_rounds: int
    fanouts: tuple[tuple[float, int], ...]  # (messages/s, users)
    startup_users: tuple[int, ...]
    startup_runs: int


FULL = Sizes("full", 2000, {100: 3.0, 500: 2.0}, 8, 100_000, (1_000, 100_000), 100, 5,
             ((30.0, 1000), (100.0, 3000)), (1_000, 100_000, 1_000_000), 3)
QUICK = Sizes("quick", 200, {100: 0.5, 500: 0.5}, 2, 500, (1_000, 5_000), 100, 2,
              ((30.0, 30),), (1_000,), 1)
TINY = Sizes("tiny", 40, {100: 0.2, 500: 0.1}, 1, 100, (200, 400), 20, 1, ((30.0, 10),), (100,), 1)

Progress = Callable[[str], None]
# The suite's parts in the order a run takes them; `--only` picks some (they share one process).
SECTIONS = ("updates", "sweep", "fanout", "startup", "postgres")


async def run_suite(
    sizes: Sizes, workdir: Path, progress: Progress = lambda _: None, only: Collection[str] = SECTIONS
) -> list[Figure]:
    unknown = set(only) - set(SECTIONS)
    if unknown:
        raise ValueError(f"unknown sections {sorted(unknown)}; choose from {SECTIONS}")
    progress("onboarding one user through the service to clone")
    template = await make_template(workdir)
    figures: list[Figure] = []
    if "updates" in only:
        figures += await _updates(sizes, workdir, template, progress)
    if "sweep" in only:
        figures += await _sweep(sizes, workdir, template, progress)
    if "fanout" in only:
        figures += await _fanout(sizes, workdir, template, progress)
    if "startup" in only:
        figures += await _startup(sizes, template.state, progress)
    if "postgres" in only:
        figures += await _postgres(sizes, workdir, template, progress)
    return figures


async def _updates(sizes: Sizes, workdir: Path, template: Template, progress: Progress) -> list[Figure]:
    n = sizes.throughput_updates
    warm = range(1, 21)
    batch = range(100, 100 + n)
    rates = sorted(sizes.latency_seconds)
    waves, first = {}, 100 + n
    for rate in rates:
        count = max(5, int(rate * sizes.latency_seconds[rate]))
        waves[rate] = range(first, first + count)
        first += count
    users = first
    results = {}
    for bot in ("echo", "rekindle"):
        progress(f"{bot}: {n} updates at once, then open loop at {rates} updates/s")
        async with BenchEmulator() as emulator:
            runner_cm = echo_runner(emulator) if bot == "echo" else rekindle_runner(
                emulator, workdir, template, users
            )
            async with runner_cm as runner:
                await throughput(runner, warm, 60)
                rate_now = await throughput(runner, batch, 600)
                latencies = {rate: await open_loop(runner, waves[rate], rate, 600) for rate in rates}
        results[bot] = (rate_now, latencies)
    progress(f"rekindle with Telegram's per-chat pacing: {sizes.paced_updates} presses at 2/s")
    async with BenchEmulator() as emulator, rekindle_runner(
        emulator, workdir, template, sizes.paced_updates + 1, PRODUCTION_PACING
    ) as runner:
        paced = await open_loop(runner, range(1, sizes.paced_updates + 1), 2.0, 120)

    echo_rate, echo_lat = results["echo"]
    rk_rate, rk_lat = results["rekindle"]
    calls = template.replies_per_next + 2  # + answerCallbackQuery + editMessageReplyMarkup
    section = "1. Throughput"
    figures = [
        Figure(section, "guide steps (Next) per second", rk_rate, "updates/s", echo_rate, "echo bot",
               ">= 0.8x echo", rk_rate >= 0.8 * echo_rate,
               f"{n} distinct chats queued at once; one Next = {template.replies_per_next} sendMessage"
               f" + answerCallbackQuery + editMessageReplyMarkup"),
        Figure(section, "Bot API calls per second", rk_rate * calls, "calls/s", echo_rate, "echo bot",
               note="the same run counted in HTTP calls: the echo bot makes one per update"),
    ]
    section = "2. Latency"
    for rate in rates:
        for pct in ("p50", "p99"):
            ours, theirs = getattr(rk_lat[rate], pct), getattr(echo_lat[rate], pct)
            figures.append(Figure(
                section, f"{pct} at {rate} updates/s", ours * 1000, "ms", theirs * 1000, "echo bot",
                higher_is_better=False,
                note=f"{rk_lat[rate].updates} updates injected open loop, to the last sendMessage",
            ))
    figures.append(Figure(
        section, "p50 with Telegram's per-chat pacing", paced.p50 * 1000, "ms", rk_lat[rates[0]].p50 * 1000,
        f"pacing lifted, {rates[0]}/s", higher_is_better=False,
        note=f"{paced.updates} presses at 2/s; 1 message/s per chat after a burst of 3",
    ))
    return figures


async def _sweep(sizes: Sizes, workdir: Path, template: Template, progress: Progress) -> list[Figure]:
    progress("idle heartbeat baseline")
    idle = await idle_heartbeat(2.0 if sizes.name == "full" else 0.5)
    progress(f"sweeping {sizes.sweep_users:,} due check-ins")
    result = await sweep(workdir, template, sizes.sweep_users)
    small, large = sizes.tick_stores
    progress(f"tick cost with {sizes.tick_due} due rows in {small:,} and {large:,} users")
    t_small = await tick_cost(workdir, template, small, sizes.tick_due, sizes.tick_rounds)
    t_large = await tick_cost(workdir, template, large, sizes.tick_due, sizes.tick_rounds)
    section = "3. Scheduler"
    return [
        Figure(section, f"largest loop stall, {result.users:,}-user sweep", result.largest_gap * 1000, "ms",
               idle * 1000, "idle loop", "no stall over 50 ms", result.largest_gap <= 0.050,
               higher_is_better=False, note="heartbeat every 5 ms; counting Sender, real service and SQLite"),
        Figure(section, f"sweep time, {result.users:,} due check-ins", result.seconds, "s",
               note=f"{result.users / result.seconds:,.0f} check-ins/s, {result.sent:,} messages handed to the Sender",
               higher_is_better=False),
        Figure(section, f"tick with {sizes.tick_due} due rows, {large:,} users", t_large * 1000, "ms",
               t_small * 1000, f"{small:,} users", "flat: cost follows due rows", t_large <= 1.5 * t_small,
               higher_is_better=False, note=f"median of {sizes.tick_rounds} ticks; others spread over the day"),
    ]


async def _fanout(sizes: Sizes, workdir: Path, template: Template, progress: Progress) -> list[Figure]:
    figures = []
    for rate, users in sizes.fanouts:
        progress(f"fan-out: {users:,} due check-ins against {rate:.0f} messages/s")
        result = await fanout(workdir, template, users, rate, 300)
        plain = result.messages / rate
        figures.append(Figure(
            "4. Fan-out", f"{users:,} check-ins at {rate:.0f} msg/s", result.seconds, "s", result.floor,
            "floor", "within 5% of the floor", result.seconds <= 1.05 * result.floor, higher_is_better=False,
            note=f"{result.messages:,} messages; {result.rejected} answered 429; floor = (messages - 1 s of"
                 f" burst) / rate; messages / rate = {plain:.2f} s",
        ))
    return figures


async def _startup(sizes: Sizes, state: str, progress: Progress) -> list[Figure]:
    progress("start-up: empty store")
    base = await startup(0, state, sizes.startup_runs)
    figures = []
    for users in sizes.startup_users:
        progress(f"start-up: {users:,} users")
        result = await startup(users, state, sizes.startup_runs)
        section = "5. Start-up"
        figures += [
            Figure(section, f"ready, {users:,} users", result.seconds, "s", base.seconds, "empty store",
                   "< 2 s", result.seconds < 2.0, higher_is_better=False,
                   note=f"median of {sizes.startup_runs}; process start to first scheduler tick"),
            Figure(section, f"RSS when ready, {users:,} users", result.rss_mib, "MiB", base.rss_mib,
                   "empty store", "< +50 MiB", result.rss_mib - base.rss_mib < 50, higher_is_better=False),
        ]
    return figures


@dataclass(frozen=True, slots=True)
class PgSizes:
    workers: tuple[int, ...]  # webhook worker processes on one PostgreSQL, one measurement each
    rounds: int  # batches per measurement; the figure is their median
    updates: int  # Next presses per batch
    warm: int  # presses per worker before the first batch
    sqlite: bool  # measure one SQLite worker too
    sweep_processes: tuple[int, ...]  # scheduler processes, one sweep each
    sweep_users: int


CORES = os.cpu_count() or 1
PG_SIZES = {
    "full": PgSizes((1, 2, 4), 3, 700, 20, True, (1, 2, 4), 2000),
    "quick": PgSizes((1, 2, 4), 2, 150, 10, True, (1, 2, 4), 300),
    "tiny": PgSizes((2,), 1, 10, 2, False, (2,), 10),
}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 'es' if word.endswith('s') else 's'}"


def cpu_note(cpu: CpuSplit, count: int, bots: str, unit: str) -> str:
    """Who used the CPU, per unit of work, and how full the machine was (other processes included)."""
    ours, pg, bench = cpu.per(count)
    return (f"CPU per {unit}: {bots} {ours:.1f} ms, PostgreSQL {pg:.1f} ms, emulator {bench:.1f} ms;"
            f" {cpu.cores_ours:.1f} of {CORES} cores ours, {cpu.cores_busy:.1f} busy in all")


def _rates(steps: Steps) -> str:
    if len(steps.rates) == 1:
        return ""
    return f"median of {len(steps.rates)} batches ({', '.join(f'{r:.0f}' for r in steps.rates)}); "


async def _postgres(sizes: Sizes, workdir: Path, template: Template, progress: Progress) -> list[Figure]:
    section = "6. PostgreSQL"
    dsn, reason = dsn_or_reason()
    if dsn is None:
        return [Figure(section, "guide steps per second, 1, 2 and 4 workers", None, "updates/s",
                       note=f"not measured: {reason}")]
    pg = PG_SIZES[sizes.name]
    server = f"PostgreSQL {await server_version(dsn)} on the same machine; "
    presses = f"{pg.rounds} x {pg.updates}"
    progress(f"echo bot in its own process: {presses} updates")
    echo = await echo_steps(workdir, pg.warm, pg.rounds, pg.updates)
    runs: list[Steps] = []
    if pg.sqlite:
        progress(f"1 webhook worker on SQLite: {presses} Next presses")
        runs.append(await worker_steps(workdir, template, None, 1, pg.warm, pg.rounds, pg.updates))
    for n in pg.workers:
        progress(f"{_plural(n, 'webhook worker')} on one PostgreSQL: {presses} Next presses")
        async with scratch_database(dsn) as db:
            runs.append(await worker_steps(workdir, template, db, n, pg.warm, pg.rounds, pg.updates))
    figures = []
    for run in runs:
        store = "SQLite" if run.label == "sqlite" else "PostgreSQL"
        where = server if run.label == "postgres" and run.workers == min(pg.workers) else ""
        total = run.updates * len(run.rates)
        figures.append(Figure(
            section, f"guide steps per second, {_plural(run.workers, 'worker')}, {store}", run.rate, "updates/s",
            echo.rate, "echo bot, own process",
            note=f"{where}{_rates(run)}{run.updates} chats at once per batch, pushed to the workers in turn;"
                 f" every press answered once and one step on (asserted); {run.retried} pushes retried."
                 f" {cpu_note(run.cpu, total, 'workers', 'step')}",
        ))
    figures.append(Figure(
        section, "echo bot (the baseline above)", echo.rate, "updates/s",
        note=f"{_rates(echo)}tests/emulators/echo_bot.py in its own process, long polling the same emulator."
             f" {cpu_note(echo.cpu, echo.updates * len(echo.rates), 'echo', 'update')}",
    ))
    sweeps: list[Sweep] = []
    for n in pg.sweep_processes:
        progress(f"check-in sweep: {pg.sweep_users:,} users, {_plural(n, 'scheduler process')}")
        async with scratch_database(dsn) as db:
            sweeps.append(await sweep_checkins(db, workdir, template, n, pg.sweep_users))
    base = sweeps[0]
    for result in sweeps:
        figures.append(Figure(
            section, f"check-in sweep, {result.users:,} users, {_plural(result.processes, 'scheduler process')}",
            result.seconds, "s", base.seconds, _plural(base.processes, "process"), higher_is_better=False,
            note=f"`python -m bot scheduler`, everyone due at once, to the last message (including up to one"
                 f" {TICK} s tick interval); each check-in sent once (asserted), {result.messages:,} messages."
                 f" {cpu_note(result.cpu, result.users, 'schedulers', 'check-in')}",
        ))
    return figures
