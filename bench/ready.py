"""Child process for the start-up figures: build the service, start the scheduler, let its first tick run.

Prints two JSON lines: one when the bot is ready to serve (settings, content, the store opened and
migrated, the safety model loaded, the service built, the scheduler started), and one when the
scheduler's first tick is done, with the rows it claimed. Each carries the resident memory (KiB).
The first also says how long each part took: the content and the model are loaded first on their
own (both are cached, so `build_service` then reuses them and nothing is done twice).
Run as `python -m bench.ready <sqlite path> <now, ISO 8601>`; the parent times both lines from
before the process started. The clock is fixed at `now`, so the store decides who is due.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from datetime import datetime
from pathlib import Path


def rss_kib() -> int:
    with open("/proc/self/status", encoding="utf-8") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


async def main(db: Path, now: datetime) -> None:
    start = time.perf_counter()
    from bot.app import build_service, settle_heap
    from bot.config import Settings
    from bot.scheduler import start_scheduler
    from bot.understanding.reader import load_safety_model
    from dialogs.content import CONTENT_DIR
    from dialogs.kit import load_kit

    imported = time.perf_counter()
    settings = Settings(_env_file=None, database_url=f"sqlite:///{db}", dispatch_interval_seconds=3600)
    root = (settings.content_dir or CONTENT_DIR).resolve()
    load_kit(root)
    content = time.perf_counter()
    load_safety_model(root)
    model_at = time.perf_counter()
    service = await build_service(settings, clock=lambda: now)
    built = time.perf_counter()
    model = service.reader is not None and service.reader.model is not None
    scheduler = start_scheduler(service, settings, clock=lambda: now)
    settle_heap()  # as `bot.app.run` does once everything is wired
    ready = time.perf_counter()
    parts = {
        "imports": imported - start,
        "content": content - imported,
        "model": model_at - content,
        "store and service": built - model_at,
        "scheduler": ready - built,
    }
    print(json.dumps({"stage": "ready", "rss_kib": rss_kib(), "model": model, "parts": parts}), flush=True)
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
