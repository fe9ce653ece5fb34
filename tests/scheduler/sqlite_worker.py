"""A second bot process for the two-process test: one dispatch tick of the real service on a shared
SQLite file.

Usage: python -m tests.scheduler.sqlite_worker DB_PATH NOW_ISO START_AT
Both workers wait for the wall-clock time START_AT (epoch seconds) so that their ticks overlap,
then print the rows they claimed and when their tick began and ended.
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


async def main(path: Path, now: datetime, start_at: float) -> str:
    clock = ManualClock(now)
    service = await open_service(path, clock)
    try:
        await asyncio.sleep(max(0.0, start_at - time.time()))
        dispatcher = Dispatcher(service, service.store, clock=clock, batch_size=10)
        began = time.time()
        result = await dispatcher.tick()
        ended = time.time()
    finally:
        await service.close()
    return f"{result.claimed} {began} {ended}"


if __name__ == "__main__":
    print(asyncio.run(main(Path(sys.argv[1]), datetime.fromisoformat(sys.argv[2]), float(sys.argv[3]))))
