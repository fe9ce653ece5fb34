"""Child process for the start-up figures: build the service, start the scheduler, let its first tick run.

Prints two JSON lines: one when the bot is ready to serve (settings, content, the store opened and
migrated, the safety model loaded, the service built, the scheduler started), and one when the
scheduler's first tick is done, with the rows it claimed. Each carries the resident memory (KiB).
Run as `python -m bench.ready <sqlite path> <now, ISO 8601>`; the parent times both lines from
before the process started. The clock is fixed at `now`, so the store decides who is due.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from datetime import datetime
from pathlib import Path


def rss_kib() -> int:
    with open("/proc/self/status", encoding="utf-8") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


async def main(db: Path, now: datetime) -> None:
    from bot.app import build_service, settle_heap
    from bot.config import Settings
    from bot.scheduler import start_scheduler

    settings = Settings(_env_file=None, database_url=f"sqlite:///{db}", dispatch_interval_seconds=3600)
    service = await build_service(settings, clock=lambda: now)
    model = service.reader is not None and service.reader.model is not None
    scheduler = start_scheduler(service, settings, clock=lambda: now)
    settle_heap()  # as `bot.app.run` does once everything is wired
    print(json.dumps({"stage": "ready", "rss_kib": rss_kib(), "model": model}), flush=True)
    try:
        while scheduler.ticks < 1:  # noqa: ASYNC110 (the Scheduler offers no event to wait on)
            await asyncio.sleep(0.001)
        result = scheduler.last_result
        claimed = result.claimed if result is not None else -1
        failed = result.failed if result is not None else -1
        print(json.dumps({"stage": "ticked", "rss_kib": rss_kib(), "claimed": claimed, "failed": failed}), flush=True)
    finally:
        await scheduler.stop()
        await service.close()


if __name__ == "__main__":
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(main(Path(sys.argv[1]), datetime.fromisoformat(sys.argv[2])))
