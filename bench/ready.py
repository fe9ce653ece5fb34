"""Child process for the start-up figure: build the service, start the scheduler, wait for its first tick.

Prints one JSON line when ready: the resident memory then (KiB) and how many rows the tick claimed.
Run as `python -m bench.ready <sqlite path>`; the parent times it from before the process started.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from pathlib import Path


def rss_kib() -> int:
    with open("/proc/self/status", encoding="utf-8") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


async def main(db: Path) -> None:
    from bot.app import build_service
    from bot.config import Settings
    from bot.scheduler import start_scheduler

    settings = Settings(_env_file=None, database_url=f"sqlite:///{db}", dispatch_interval_seconds=3600)
    service = await build_service(settings)
    scheduler = start_scheduler(service, settings)
    try:
        while scheduler.ticks < 1:  # noqa: ASYNC110 (the Scheduler offers no event to wait on)
            await asyncio.sleep(0.001)
        result = scheduler.last_result
        claimed = result.claimed if result is not None else -1
        print(json.dumps({"rss_kib": rss_kib(), "claimed": claimed}), flush=True)
    finally:
        await scheduler.stop()
        await service.close()


if __name__ == "__main__":
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(main(Path(sys.argv[1])))
