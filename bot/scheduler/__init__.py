"""Check-in dispatch: one APScheduler heartbeat, a dispatcher that claims due users in batches."""

from __future__ import annotations

from bot.scheduler._clock import Clock, SystemClock
from bot.scheduler._dispatcher import (
    Dispatcher,
    DueEventHandler,
    DueRowLike,
    DueSource,
    TickResult,
    due_event,
    due_event_id,
)
from bot.scheduler._scheduler import JOB_ID, Scheduler, ServiceWithStore, dispatch_job, start_scheduler

__all__ = [
    "JOB_ID",
    "Clock",
    "Dispatcher",
    "DueEventHandler",
    "DueRowLike",
    "DueSource",
    "Scheduler",
    "ServiceWithStore",
    "SystemClock",
    "TickResult",
    "dispatch_job",
    "due_event",
    "due_event_id",
    "start_scheduler",
]
