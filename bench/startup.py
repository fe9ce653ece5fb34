"""Figure 5: time from process start to "ready" and the memory it holds then, against the store's size.

Ready means what `python -m bot` needs before it can serve: settings, content, the store opened and
migrated, the service built, and the scheduler's first tick done on a store where nobody is due.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.data import cached_store

__all__ = ["Startup", "startup"]

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class Startup:
    users: int
    seconds: float  # median over the runs
    rss_mib: float
    generate_seconds: float  # building the store file (0 when a cached one was reused)


async def _one(db: Path) -> tuple[float, float]:
    start = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.ready", str(db),
        cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None
    line = await asyncio.wait_for(proc.stdout.readline(), 120)
    elapsed = time.perf_counter() - start
    _, err = await asyncio.wait_for(proc.communicate(), 60)
    if proc.returncode != 0 or not line:
        raise RuntimeError(f"bench.ready failed ({proc.returncode}): {err.decode(errors='replace')[-400:]}")
    report = json.loads(line)
    if report["claimed"] != 0:
        raise RuntimeError(f"the first tick claimed {report['claimed']} rows on an all-not-due store")
    return elapsed, report["rss_kib"] / 1024


async def startup(users: int, state: str, runs: int) -> Startup:
    begin = time.perf_counter()
    db = await cached_store("startup", users, state)
    generated = time.perf_counter() - begin
    samples = [await _one(db) for _ in range(runs)]
    return Startup(
        users=users,
        seconds=statistics.median(s[0] for s in samples),
        rss_mib=statistics.median(s[1] for s in samples),
        generate_seconds=generated,
    )
