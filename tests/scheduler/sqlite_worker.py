"""A second bot process for the two-process test: one dispatch tick of the real service on a shared
SQLite file.

Usage: python -m tests.scheduler.sqlite_worker DB_PATH NOW_ISO BARRIER_DIR NAME
Each worker, once loaded, leaves a file NAME in BARRIER_DIR and waits until WORKERS files are there,
so that their ticks overlap however long one took to start; then it prints the rows it claimed and
when its tick began and ended.
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import datetime
from pathlib import Path

from bot.scheduler import Dispatcher
from tests.scheduler.fakes import ManualClock
from tests.scheduler.kit import open_service

WORKERS = 2


def _all_ready(barrier: Path, name: str) -> None:
    (barrier / name).touch()
    deadline = time.monotonic() + 60
    while len(list(barrier.iterdir())) < WORKERS:
        if time.monotonic() > deadline:
            raise TimeoutError("the other worker never started")
        time.sleep(0.002)


async def main(path: Path, now: datetime, barrier: Path, name: str) -> str:
    clock = ManualClock(now)
    service = await open_service(path, clock)
    try:
        await asyncio.to_thread(_all_ready, barrier, name)
        dispatcher = Dispatcher(service, service.store, clock=clock, batch_size=10)
        began = time.time()
        result = await dispatcher.tick()
        ended = time.time()
    finally:
        await service.close()
    return f"{result.claimed} {began} {ended}"


if __name__ == "__main__":
    print(asyncio.run(main(Path(sys.argv[1]), datetime.fromisoformat(sys.argv[2]), Path(sys.argv[3]), sys.argv[4])))
