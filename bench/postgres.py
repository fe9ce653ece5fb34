"""Section 7: the bot as deployed on PostgreSQL, with 1, 2 and 4 worker processes on one database.

Guide steps: N `python -m bot` webhook workers (RUN_SCHEDULER=false, as the Procfile's `web`), each
a process of its own on its own port; the emulator pushes every update to the next worker in turn,
as a load balancer in front of them would. The baselines are fed the same way in the same run: the
echo bot and the peer (bench/peer.py, one process: PicklePersistence cannot be shared), each a
process of its own taking the emulator's webhook pushes through python-telegram-bot's own webhook
server. One SQLite worker, the single-process deployment, is measured the same way.

Check-in sweep: N `python -m bot scheduler` processes on one database; every user falls due at
the same moment and the time runs to the last check-in message.

Both assert what they measure: every update answered once (each "One more step" press moved its user on by
exactly one step, one callback answer, the step's messages and no more), every check-in sent once.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg

from bench.cpu import CpuSplit, CpuWatch
from bench.data import Due, Template, fill, migrate_async
from bench.emulator import BenchEmulator
from bench.peer import AFTER, script_json, seed_peer
from bench.pg import seed_users, user_states
from bench.processes import baseline_process, echo_process, rekindle_processes
from bench.updates import Run, Runner, throughput
from bot.store.base import ts

__all__ = ["Steps", "Sweep", "echo_steps", "peer_steps", "sweep_checkins", "worker_steps"]

PLATFORM = "telegram"
TICK = 0.5  # the schedulers' DISPATCH_INTERVAL_SECONDS: a sweep's time includes up to one of these


@dataclass(frozen=True, slots=True)
class Steps:
    label: str  # "echo", "peer", "sqlite", "postgres"
    workers: int
    runs: tuple[Run, ...]  # one per round, each with every call counted
    updates: int  # per round
    retried: int  # webhook pushes answered with something other than 2xx (each pushed again)
    cpu: CpuSplit  # during the measured rounds

    @property
    def rates(self) -> tuple[float, ...]:
        return tuple(run.rate for run in self.runs)

    @property
    def rate(self) -> float:
        return statistics.median(self.rates)

    @property
    def call_rate(self) -> float:
        return statistics.median(run.call_rate for run in self.runs)


@dataclass(frozen=True, slots=True)
class Sweep:
    processes: int
    users: int
    seconds: float
    messages: int
    cpu: CpuSplit


def _now() -> datetime:
    return datetime.now(UTC)


def _nothing_due(i: int) -> Due:
    return (None, None, None)


def _chats(warm: int, rounds: int, updates: int) -> tuple[range, list[range]]:
    """Chat ids for the warm-up, then for each round; every chat sends one update in all."""
    return range(1, warm + 1), [
        range(warm + 1 + r * updates, warm + 1 + (r + 1) * updates) for r in range(rounds)
    ]


async def _measure(
    runner: Runner, warm: Sequence[int], rounds: Sequence[Sequence[int]], pids: Sequence[int]
) -> tuple[tuple[Run, ...], CpuSplit]:
    """Warm up, then each round's updates queued at once; CPU is counted over the rounds."""
    await throughput(runner, warm, 120)
    watch = CpuWatch(pids)
    runs = [await throughput(runner, batch, 600) for batch in rounds]
    return tuple(runs), watch.stop()


async def _all_acknowledged(emulator: BenchEmulator, within: float = 60) -> None:
    """Every webhook push answered 2xx: the workers recorded every update."""
    await emulator.wait_for(lambda: not emulator.webhook_pending, within)


def _check_answers(emulator: BenchEmulator, chats: Sequence[int], per_update: int, presses: bool) -> None:
    wrong = [c for c in chats if emulator.sends[c] != per_update]
    if wrong:
        raise AssertionError(
            f"{len(wrong)} chats got other than {per_update} messages, e.g. chat {wrong[0]}: {emulator.sends[wrong[0]]}"
        )
    if presses and (len(emulator.callback_answers) != len(chats) or emulator.open_queries):
        raise AssertionError(
            f"{len(emulator.callback_answers)} callback answers for {len(chats)} presses,"
            f" {len(emulator.open_queries)} left open"
        )


def _check_states(states: dict[str, str], chats: Sequence[int], template: Template) -> None:
    """Each press moved its user exactly one step on: the state's nonce counts the steps taken."""
    start = json.loads(template.state)["nonce"]
    missing = [c for c in chats if str(c) not in states]
    if missing:
        raise AssertionError(f"{len(missing)} users are gone from the store, e.g. {missing[0]}")
    off = [c for c in chats if json.loads(states[str(c)])["nonce"] != start + 1]
    if off:
        raise AssertionError(
            f"{len(off)} users are not exactly one step on, e.g. {off[0]}: nonce"
            f" {json.loads(states[str(off[0])])['nonce']}, started at {start}"
        )


def _sqlite_states(db: Path) -> dict[str, str]:
    con = sqlite3.connect(db)
    try:
        return {
            str(u): str(s)
            for u, s in con.execute("SELECT user_id, state FROM users WHERE platform = ?", (PLATFORM,))
        }
    finally:
        con.close()


def _retried(emulator: BenchEmulator) -> int:
    return sum(
        1 for _, outcome in emulator.webhook_attempts if not (isinstance(outcome, int) and outcome < 300)
    )


def _press_runner(name: str, emulator: BenchEmulator, template: Template) -> Runner:
    sends = template.replies_per_step
    return Runner(
        name,
        emulator,
        lambda chat: emulator.press(chat, template.step_label, template.step_data),
        sends,
        sends + 2,  # the spinner answer and the used keyboard's removal
    )


async def echo_steps(workdir: Path, warm: int, rounds: int, updates: int) -> Steps:
    """The echo bot in its own process, fed by webhook: a text in, the same text back."""
    warm_chats, batches = _chats(warm, rounds, updates)
    chats = range(1, warm + rounds * updates + 1)
    async with BenchEmulator() as emulator, echo_process(emulator, workdir, webhook=True) as echo:
        runner = Runner("echo bot", emulator, lambda chat: emulator.send_text(chat, "hello"), 1, 1)
        runs, cpu = await _measure(runner, warm_chats, batches, [echo.proc.pid])
        await _all_acknowledged(emulator)
        _check_answers(emulator, chats, 1, presses=False)
        retried = _retried(emulator)
    return Steps("echo", 1, runs, updates, retried, cpu)


async def peer_steps(workdir: Path, template: Template, warm: int, rounds: int, updates: int) -> Steps:
    """The peer in its own process, fed by webhook: "One more step" pressed, the same calls as Rekindle."""
    warm_chats, batches = _chats(warm, rounds, updates)
    chats = range(1, warm + rounds * updates + 1)
    pickle_file = workdir / f"peer-process-{time.monotonic_ns()}.pickle"
    await asyncio.to_thread(seed_peer, pickle_file, chats, AFTER)
    script = workdir / "peer-script.json"
    script.write_text(script_json(template), encoding="utf-8")
    async with BenchEmulator() as emulator:
        async with baseline_process(
            emulator, workdir, ["bench.peer", str(pickle_file), str(script)], "peer", webhook=True
        ) as peer:
            runner = _press_runner("peer", emulator, template)
            runs, cpu = await _measure(runner, warm_chats, batches, [peer.proc.pid])
            await _all_acknowledged(emulator)
        _check_answers(emulator, chats, template.replies_per_step, presses=True)
        retried = _retried(emulator)
    return Steps("peer", 1, runs, updates, retried, cpu)


async def worker_steps(
    workdir: Path, template: Template, dsn: str | None, workers: int, warm: int, rounds: int, updates: int
) -> Steps:
    """'One more step' presses through `workers` webhook processes on PostgreSQL (`dsn`), or one on SQLite (None)."""
    warm_total = warm * workers  # the pushes go round, so each worker gets `warm` of them
    warm_chats, batches = _chats(warm_total, rounds, updates)
    chats = range(1, warm_total + rounds * updates + 1)
    seen = _now()
    if dsn is None:
        db = workdir / f"workers-sqlite-{time.monotonic_ns()}.db"
        await migrate_async(db)
        await asyncio.to_thread(
            fill, db, platform=PLATFORM, count=len(chats), state=template.state, seen=seen, due=_nothing_due
        )
        url = f"sqlite:///{db}"
    else:
        await seed_users(
            dsn, platform=PLATFORM, count=len(chats), state=template.state, seen=seen, due=_nothing_due
        )
        url = dsn
    async with BenchEmulator() as emulator:
        async with rekindle_processes(emulator, url, workdir, workers) as processes:
            runner = _press_runner("Rekindle", emulator, template)
            pids = [p.proc.pid for p in processes]
            runs, cpu = await _measure(runner, warm_chats, batches, pids)
            await _all_acknowledged(emulator)
        _check_answers(emulator, chats, template.replies_per_step, presses=True)
        retried = _retried(emulator)
    states = await user_states(dsn, PLATFORM) if dsn else await asyncio.to_thread(_sqlite_states, db)
    _check_states(states, chats, template)
    return Steps("sqlite" if dsn is None else "postgres", workers, runs, updates, retried, cpu)


def _checkin_state(template: Template, at: datetime) -> tuple[str, Callable[[int], Due]]:
    """The template user with their daily check-in set to `at` (London time) and no quiet hours.

    The workers run on the real clock, so the check-in time is moved to just before now: the
    check-in is then owed today whatever the hour the bench runs at.
    """
    state = json.loads(template.state)
    zone = ZoneInfo(state["profile"]["timezone"])
    local = at.astimezone(zone).replace(second=0, microsecond=0)
    # Chosen the day before: a time chosen minutes ago owes no check-in yet (calendar.FIRST_GAP), and
    # the template was onboarded on the real clock just now.
    chosen = (at - timedelta(days=1)).isoformat()
    state["checkins"].update(
        time=local.time().isoformat(), time_set_at=chosen, quiet_start="00:00:00", quiet_end="00:00:00"
    )
    slot = (ts(local.astimezone(UTC)), "checkin", local.date().isoformat())
    return json.dumps(state, separators=(",", ":")), lambda i: slot


async def sweep_checkins(dsn: str, workdir: Path, template: Template, processes: int, users: int) -> Sweep:
    """`users` check-ins falling due at once, sent by `processes` scheduler processes on one database."""
    now = _now()
    state, due = _checkin_state(template, now - timedelta(minutes=5))
    await seed_users(dsn, platform=PLATFORM, count=users, state=state, seen=now, due=_nothing_due)
    chats = range(1, users + 1)
    async with BenchEmulator() as emulator:
        extra = {"DISPATCH_INTERVAL_SECONDS": str(TICK)}
        async with rekindle_processes(
            emulator, dsn, workdir, processes, role="scheduler", extra=extra
        ) as procs:
            await asyncio.sleep(TICK)  # past each process's first tick, which found nobody due
            if emulator.total_sends:
                raise AssertionError(f"{emulator.total_sends} messages before anyone was due")
            at, kind, local_date = due(0)
            con = await asyncpg.connect(dsn)
            try:
                watch = CpuWatch(p.proc.pid for p in procs)
                start = time.perf_counter()
                await con.execute(
                    "UPDATE users SET next_due_at = $1, due_kind = $2, due_local_date = $3 WHERE platform = $4",
                    at,
                    kind,
                    local_date,
                    PLATFORM,
                )
            finally:
                await con.close()
            await emulator.wait_for(lambda: len(emulator.last_send) >= users, 600)
            elapsed = emulator.last_any - start
            cpu = watch.stop()
            await asyncio.sleep(0.5)  # a check-in sent twice would show up by now
        counts = {emulator.sends[c] for c in chats}
        messages = emulator.total_sends
    if len(counts) != 1 or messages != users * next(iter(counts)):
        raise AssertionError(
            f"check-ins not sent once each: messages per user {sorted(counts)}, {messages} in all"
        )
    con = await asyncpg.connect(dsn)
    try:
        claimed = await con.fetchval(
            "SELECT count(*) FROM processed_events WHERE platform = $1 AND event_id = $2",
            PLATFORM,
            f"due:checkin:{local_date}",
        )
    finally:
        await con.close()
    if claimed != users:
        raise AssertionError(f"{claimed} check-in events recorded for {users} users")
    return Sweep(processes, users, elapsed, messages, cpu)
