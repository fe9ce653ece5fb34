"""Start-up: time from process start to "ready to serve", and to the end of the first scheduler tick.

Ready means what `python -m bot` needs before it can serve: settings, content, the safety model
loaded, the store opened and migrated, the service built and the scheduler started. The store holds
`users` people whose check-ins fall due one in 1,440 each minute of the day, and the clock stands one
minute into that day, so the first tick has the last minute's check-ins to send, as after a restart.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.data import STORE_NOW, cached_store, due_in_first_minute, restore_due

__all__ = ["Startup", "startup"]

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class Startup:
    users: int
    due: int  # check-ins the first tick found due
    seconds: float  # median over the runs: process start to ready
    rss_mib: float  # when ready
    tick_seconds: float  # process start to the first tick's end
    tick_rss_mib: float
    model: bool  # the safety model loaded
    generate_seconds: float  # building the store file (0 when a cached one was reused)
    parts: dict[str, float]  # seconds inside the process, by part (median of each); the rest is Python starting

    def parts_note(self) -> str:
        inside = sum(self.parts.values())
        named = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in self.parts.items())
        return f"Python starting {max(self.seconds - inside, 0):.2f} s, {named}"


@dataclass(frozen=True, slots=True)
class _Sample:
    ready: float
    rss: float
    ticked: float
    tick_rss: float
    claimed: int
    model: bool
    parts: dict[str, float]


async def _one(db: Path) -> _Sample:
    start = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.ready", str(db), STORE_NOW.isoformat(),
        cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None
    lines = []
    for _ in range(2):
        line = await asyncio.wait_for(proc.stdout.readline(), 120)
        lines.append((time.perf_counter() - start, line))
    _, err = await asyncio.wait_for(proc.communicate(), 60)
    if proc.returncode != 0 or not all(line for _, line in lines):
        raise RuntimeError(f"bench.ready failed ({proc.returncode}): {err.decode(errors='replace')[-400:]}")
    (ready_at, ready_line), (tick_at, tick_line) = lines
    ready, ticked = json.loads(ready_line), json.loads(tick_line)
    if ticked["failed"]:
        raise RuntimeError(f"the first tick failed {ticked['failed']} of {ticked['claimed']} check-ins")
    return _Sample(ready_at, ready["rss_kib"] / 1024, tick_at, ticked["rss_kib"] / 1024, ticked["claimed"],
                   bool(ready["model"]), {k: float(v) for k, v in ready["parts"].items()})


async def startup(users: int, state: str, runs: int) -> Startup:
    begin = time.perf_counter()
    db = await cached_store("startup", users, state)
    generated = time.perf_counter() - begin
    due = due_in_first_minute(users)
    samples = []
    for _ in range(runs):
        try:
            samples.append(await _one(db))
        finally:
            await asyncio.to_thread(restore_due, db, state, users)  # the next run finds the same people due
    claimed = {s.claimed for s in samples}
    if claimed != {due}:
        raise RuntimeError(f"the first tick claimed {sorted(claimed)} check-ins, {due} were due")
    return Startup(
        users=users,
        due=due,
        seconds=statistics.median(s.ready for s in samples),
        rss_mib=statistics.median(s.rss for s in samples),
        tick_seconds=statistics.median(s.ticked for s in samples),
        tick_rss_mib=statistics.median(s.tick_rss for s in samples),
        model=all(s.model for s in samples),
        generate_seconds=generated,
        parts={name: statistics.median(s.parts[name] for s in samples) for name in samples[0].parts},
    )
