"""Run one update through the Application and learn whether the service recorded it.

The webhook answers Telegram, and the poller confirms an offset, only on `Outcome.RECORDED`.
python-telegram-bot swallows a handler's exception into the error handlers, so the handler
reports its outcome through a context variable set for the task that processes the update.
"""

from __future__ import annotations

import asyncio
import logging
from contextvars import ContextVar
from enum import Enum
from typing import Any

from telegram import Update
from telegram.ext import Application

__all__ = ["Outcome", "process_update", "report"]

log = logging.getLogger(__name__)


class Outcome(Enum):
    RECORDED = "recorded"  # the service has it, or there was nothing to keep: confirm it
    NOT_RECORDED = "not recorded"  # the database stayed unreachable: have it delivered again
    FAILED = "failed"  # the handler raised: deliver again, but a poison update must not block forever


class _Box:
    __slots__ = ("outcome",)

    def __init__(self) -> None:
        self.outcome = Outcome.FAILED  # what is left when the handler raised before reporting


_current: ContextVar[_Box | None] = ContextVar("telegram_update_outcome", default=None)


def report(outcome: Outcome) -> None:
    """Called by the handler: what became of the update this task is processing."""
    box = _current.get()
    if box is not None:
        box.outcome = outcome


async def process_update(app: Application[Any, Any, Any, Any, Any, Any], update: Update) -> Outcome:
    """Handle `update` through the app's update processor (so per-user order holds) and return its outcome."""
    box = _Box()
    token = _current.set(box)
    coroutine = app.process_update(update)
    try:
        await app.update_processor.process_update(update, coroutine)
    except asyncio.CancelledError:
        coroutine.close()  # cancelled while waiting for its turn: it never started
        raise
    except Exception as exc:
        coroutine.close()
        log.error("telegram update %s could not be processed: %s", update.update_id, type(exc).__name__)
        return Outcome.FAILED
    finally:
        _current.reset(token)
    return box.outcome
