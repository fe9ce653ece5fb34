"""The only place that touches APScheduler: one interval job that ticks the dispatcher.

Not one job per user (see docs on performance): APScheduler only provides the heartbeat, in
UTC, with missed runs coalesced and never two ticks at once. Like PTB's JobQueue, the job points
at one module-level coroutine that takes a plain string and looks the scheduler up, so nothing
unpicklable is handed to APScheduler.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler  # type: ignore[import-untyped]
from apscheduler.triggers.interval import IntervalTrigger  # type: ignore[import-untyped]

from bot.config import Settings
from bot.scheduler._clock import Clock
from bot.scheduler._dispatcher import Dispatcher, DueEventHandler, DueSource, TickResult

__all__ = ["JOB_ID", "Scheduler", "ServiceWithStore", "dispatch_job", "start_scheduler"]

log = logging.getLogger(__name__)

JOB_ID = "rekindle-dispatch"
# Started schedulers by key. A strong reference on purpose: a started scheduler keeps ticking
# until it is stopped, even if its creator dropped it.
_RUNNING: dict[str, Scheduler] = {}


async def dispatch_job(scheduler_key: str) -> None:
    """What APScheduler runs at every interval."""
    scheduler = _RUNNING.get(scheduler_key)
    if scheduler is None:  # stopped between the trigger and the call
        return
    try:
        await scheduler.run_once()
    except Exception:
        # Keep the heartbeat: the next interval tries again (a locked or restarting database).
        log.exception("dispatch tick failed")


class Scheduler:
    """Ticks a Dispatcher every `interval` inside the running event loop."""

    __slots__ = (
        "_aps",
        "_current",
        "_dispatcher",
        "_housekeeping",
        "_interval",
        "_key",
        "_last",
        "_lock",
        "_misfire",
        "_stopping",
        "_ticks",
    )

    def __init__(
        self,
        dispatcher: Dispatcher,
        *,
        interval: timedelta = timedelta(seconds=30),
        misfire_grace: timedelta | None = None,
        housekeeping: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        if interval <= timedelta(0):
            raise ValueError("interval must be positive")
        self._dispatcher = dispatcher
        self._housekeeping = housekeeping
        self._interval = interval
        # A tick that starts late (a busy loop, a suspended laptop) still runs if it is at most
        # two intervals late; anything older is coalesced into the next run anyway.
        default_grace = max(2 * interval, timedelta(seconds=10))
        self._misfire = misfire_grace if misfire_grace is not None else default_grace
        self._key = uuid.uuid4().hex
        self._lock = asyncio.Lock()
        self._aps: AsyncIOScheduler | None = None
        self._ticks = 0
        self._last: TickResult | None = None
        self._current: asyncio.Task[object] | None = None  # the task running a tick, if one runs
        self._stopping = False

    @property
    def running(self) -> bool:
        return self._aps is not None

    @property
    def ticks(self) -> int:
        """How many ticks have finished since this scheduler was made."""
        return self._ticks

    @property
    def last_result(self) -> TickResult | None:
        return self._last

    def start(self) -> None:
        """Start ticking; the first tick runs at once, which is also the catch-up after downtime."""
        if self._aps is not None:
            raise RuntimeError("scheduler already started")
        aps = AsyncIOScheduler(timezone=UTC)
        aps.add_job(
            dispatch_job,
            trigger=IntervalTrigger(seconds=self._interval.total_seconds(), timezone=UTC),
            args=(self._key,),
            id=JOB_ID,
            name="dispatch due check-ins",
            next_run_time=datetime.now(UTC),
            coalesce=True,
            max_instances=1,
            misfire_grace_time=max(1, round(self._misfire.total_seconds())),
        )
        aps.start()  # the first run is a loop callback, so registering just after is in time
        _RUNNING[self._key] = self
        self._aps = aps

    def shutdown(self) -> None:
        """Stop at once, from synchronous code; a tick in progress is cancelled.

        Safe because each user's state and outbox commit together: a cancelled tick leaves its
        rows leased, and the next start handles them. Prefer `await stop()` where you can.
        """
        aps = self._aps
        if aps is None:
            return
        self._aps = None
        _RUNNING.pop(self._key, None)
        aps.shutdown(wait=False)

    async def stop(self, grace: float | None = None) -> None:
        """Stop ticking. A tick in progress claims nothing more, finishes the rows it started, and
        is cancelled if that takes longer than `grace` seconds (None: wait for it)."""
        aps = self._aps
        if aps is None:
            return
        self._aps = None
        _RUNNING.pop(self._key, None)
        self._stopping = True
        self._dispatcher.stop()
        try:
            async with asyncio.timeout(grace):
                async with self._lock:
                    pass
        except TimeoutError:
            log.warning("a dispatch tick was still running after %.0fs; cancelled (its rows come back)", grace)
            current = self._current
            if current is not None:
                current.cancel()
                async with self._lock:
                    pass
        aps.shutdown(wait=False)  # after the tick: APScheduler's shutdown cancels a running job
        await asyncio.sleep(0)  # AsyncIOScheduler.shutdown runs as a loop callback

    async def run_once(self) -> TickResult:
        """One tick, never overlapping another; the job body, and a handle for tests and operators."""
        async with self._lock:
            self._current = asyncio.current_task()
            try:
                result = await self._dispatcher.tick()
                if self._housekeeping is not None and not self._stopping:
                    # Retry postponed replies and erase long-inactive users on the same heartbeat.
                    await self._housekeeping()
            finally:
                self._current = None
            self._ticks += 1
            self._last = result
        if result.claimed:
            log.info("dispatched %d due rows (%d failed)", result.claimed, result.failed)
        return result

    async def __aenter__(self) -> Scheduler:
        self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()


class ServiceWithStore(DueEventHandler, Protocol):
    @property
    def store(self) -> DueSource: ...

    async def housekeeping(self) -> object: ...


def start_scheduler(
    service: ServiceWithStore,
    settings: Settings,
    *,
    clock: Clock | Callable[[], datetime] | None = None,
) -> Scheduler:
    """Build the dispatcher for `service` and start ticking every DISPATCH_INTERVAL_SECONDS.

    Call it from inside the running event loop.
    """
    dispatcher = Dispatcher(service, service.store, clock=clock)
    scheduler = Scheduler(
        dispatcher,
        interval=timedelta(seconds=settings.dispatch_interval_seconds),
        housekeeping=service.housekeeping,
    )
    scheduler.start()
    return scheduler
