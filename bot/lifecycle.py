"""Stopping cleanly: SIGTERM (process managers, `docker stop`, Heroku-style platforms) and SIGINT
(Ctrl-C) both ask every role to stop taking new work, finish what is in hand within a bound, deliver
the outbox and close the store. A second signal while that runs stops at once."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

__all__ = ["STOP_GRACE", "STOP_SIGNALS", "stop_signals"]

log = logging.getLogger("rekindle")

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
# How long the work in hand may take once a stop was asked for; delivering the outbox and closing
# follow, so a stop takes about this plus a few seconds (give `docker stop` -t 20).
STOP_GRACE = 10.0


@asynccontextmanager
async def stop_signals() -> AsyncIterator[asyncio.Event]:
    """An event set by the first SIGTERM or SIGINT while inside; a second one cancels the task that
    entered (the caller's `finally` still runs, without waiting for work in hand)."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    task = asyncio.current_task()

    def on_signal(signum: signal.Signals) -> None:
        if not stop.is_set():
            log.info("%s: finishing the work in hand, then stopping", signum.name)
            stop.set()
        elif task is not None:
            log.warning("%s again: stopping now", signum.name)
            task.cancel()

    for signum in STOP_SIGNALS:
        loop.add_signal_handler(signum, on_signal, signum)
    try:
        yield stop
    finally:
        for signum in STOP_SIGNALS:
            loop.remove_signal_handler(signum)
