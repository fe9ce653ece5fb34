"""One pass over the users whose check-in (or reminder) has fallen due.

The store hands out due rows in batches under a lease, so a second dispatcher (another process
on the same database) takes other rows. Each row becomes one DUE event whose id names the user's
local date and kind: the store refuses an event id it has seen, so neither a restart nor a second
dispatcher can send the same check-in twice. The service recomputes the row's next due time when
it commits; a row whose handling failed simply comes back when its lease runs out.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from bot.scheduler._clock import Clock, SystemClock
from dialogs.model import Event, EventKind

__all__ = ["Dispatcher", "DueEventHandler", "DueRowLike", "DueSource", "TickResult", "due_event", "due_event_id"]

log = logging.getLogger(__name__)


class DueRowLike(Protocol):
    """What the store returns for one claimed user (bot.store.base.DueRow has this shape)."""

    @property
    def platform(self) -> str: ...
    @property
    def user_id(self) -> str: ...
    @property
    def due_kind(self) -> str: ...
    @property
    def due_local_date(self) -> date: ...


class DueSource(Protocol):
    async def claim_due(self, now: datetime, limit: int, lease: timedelta) -> Sequence[DueRowLike]:
        """Atomically take up to `limit` users due at `now` (not unreachable) and push their
        next_due_at to `now + lease`, so nobody else takes them meanwhile."""
        ...


class DueEventHandler(Protocol):
    async def handle(self, event: Event) -> object:
        """Run the engine on the event and commit state, outbox and the next due time together."""
        ...


@dataclass(frozen=True, slots=True)
class TickResult:
    claimed: int
    failed: int
    capped: bool  # stopped at max_rows_per_tick with rows possibly left for the next tick


def due_event_id(kind: str, local_date: date) -> str:
    """The id of a wake-up: one per user, kind and local date, so a redo after a crash is harmless."""
    return f"due:{kind}:{local_date.isoformat()}"


def due_event(row: DueRowLike, at: datetime) -> Event:
    """The DUE event for one claimed row; its id is the per user, local date and kind record."""
    return Event(
        kind=EventKind.DUE,
        platform=row.platform,
        user_id=row.user_id,
        event_id=due_event_id(row.due_kind, row.due_local_date),
        at=at,
        due=row.due_kind,
    )


class Dispatcher:
    __slots__ = (
        "_batch_size",
        "_concurrency",
        "_handler",
        "_lease",
        "_max_rows",
        "_now",
        "_source",
        "_stopping",
    )

    def __init__(
        self,
        handler: DueEventHandler,
        source: DueSource,
        *,
        clock: Clock | Callable[[], datetime] | None = None,
        batch_size: int = 500,
        lease: timedelta = timedelta(minutes=5),
        concurrency: int = 16,
        max_rows_per_tick: int = 20_000,
    ) -> None:
        if batch_size < 1 or concurrency < 1 or max_rows_per_tick < 1:
            raise ValueError("batch_size, concurrency and max_rows_per_tick must be positive")
        if lease <= timedelta(0):
            raise ValueError("lease must be positive")
        self._source = source
        self._handler = handler
        # Accept the service's plain callable clock as well as a Clock object.
        if clock is None:
            clock = SystemClock()
        self._now: Callable[[], datetime] = clock if callable(clock) else clock.now
        self._batch_size = batch_size
        self._lease = lease
        self._concurrency = concurrency
        self._max_rows = max_rows_per_tick
        self._stopping = False

    def stop(self) -> None:
        """Claim nothing more and start no more rows: the process is stopping. Rows claimed but not
        started come back to any dispatcher when their lease runs out, late but not lost."""
        self._stopping = True

    async def tick(self) -> TickResult:
        """Claim and handle every row due now, batch by batch; the cost follows the due rows only."""
        now = self._now()
        claimed = failed = 0
        while claimed < self._max_rows and not self._stopping:
            limit = min(self._batch_size, self._max_rows - claimed)
            rows = await self._source.claim_due(now, limit, self._lease)
            claimed += len(rows)
            failed += await self._handle_batch(rows)
            if len(rows) < limit or self._stopping:
                return TickResult(claimed=claimed, failed=failed, capped=False)
        # A cap keeps one tick from running unbounded if rows keep falling due at `now`;
        # whatever is left is taken by the next tick.
        log.warning("dispatch tick stopped after %d rows; the rest wait for the next tick", claimed)
        return TickResult(claimed=claimed, failed=failed, capped=True)

    async def _handle_batch(self, rows: Sequence[DueRowLike]) -> int:
        if not rows:
            return 0
        # A few workers take the rows in turn: one task per row would build a whole batch of
        # tasks in one go and hold the event loop while doing it.
        pending = iter(rows)
        failed = 0

        async def worker() -> None:
            nonlocal failed
            for row in pending:
                if self._stopping:
                    return  # the rest are left to their lease
                if not await self._handle_row(row):
                    failed += 1

        async with asyncio.TaskGroup() as group:
            for _ in range(min(self._concurrency, len(rows))):
                group.create_task(worker())
        return failed

    async def _handle_row(self, row: DueRowLike) -> bool:
        event = due_event(row, self._now())
        try:
            await self._handler.handle(event)
        except Exception:
            # The lease keeps the row away until it runs out; then it is tried again.
            log.exception("due event %s for %s:%s failed", event.event_id, row.platform, row.user_id)
            return False
        return True
