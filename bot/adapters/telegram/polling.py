"""Long polling that confirms an update to Telegram only once the service has recorded it.

Telegram keeps an update until a `getUpdates` call with a higher offset confirms it. The offset
sent here is one past the highest update id that was recorded together with every update before
it, so an update still being handled, or one the database did not take, stays with Telegram and
comes back after a crash or a restart. python-telegram-bot's Updater instead confirms everything
it has fetched on the next call, while those updates may still wait in memory.

A fetch returns the updates not yet confirmed, including those still being handled; only the new
ones are started. So while updates are in hand a long poll would return at once, and fetches are
spaced out instead: the next one comes as soon as the work in hand is done (to confirm it), and
otherwise only to look for new updates, at `pause` after a fetch that brought some and twice as
long after each one that brought none, up to `max_pause`.
Each user's updates are started in id order, and the update processor keeps them in that order,
while different users run concurrently. Telegram hands out at most 100 updates from the offset, so
an update that takes long holds back the fetching of those more than 100 behind it.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram import Bot, Update
from telegram.error import Conflict, InvalidToken, RetryAfter, TelegramError, TimedOut

from bot.adapters.telegram.processing import Outcome

__all__ = ["Poller", "PollingTuning"]

log = logging.getLogger(__name__)

_BATCH = 100  # Telegram's largest getUpdates batch
_MAX_BACKOFF = 30.0
_CROWDED = 1.0  # seconds between fetches while half the batch or more is in hand


@dataclass(frozen=True, slots=True)
class PollingTuning:
    timeout: float = 10.0  # long-poll seconds when nothing is in hand
    pause: float = 0.1  # while updates are in hand: the wait before looking for new ones after some came
    max_pause: float = 1.0  # ... which doubles after each look that found nothing, up to this
    redeliver_after: float = 5.0  # before an update that was not recorded is tried again
    max_failures: int = 3  # an update whose handling raised this often is given up (logged), not retried
    first_backoff: float = 1.0  # after a failed getUpdates; grows 1.5x up to 30 s
    stop_grace: float = 10.0  # at a stop, how long the updates in hand may take before they are cancelled


@dataclass(slots=True)
class _Entry:
    update: Update
    task: asyncio.Task[Outcome] | None = None
    recorded: bool = False
    failures: int = 0
    retry_at: float = 0.0


class Poller:
    __slots__ = (
        "_allowed",
        "_bot",
        "_entries",
        "_loop_task",
        "_more",
        "_offset",
        "_pause",
        "_process",
        "_strays",
        "_tuning",
        "_wake",
    )

    def __init__(
        self,
        bot: Bot,
        process: Callable[[Update], Coroutine[Any, Any, Outcome]],
        allowed_updates: Sequence[str],
        tuning: PollingTuning,
    ) -> None:
        self._bot = bot
        self._process = process
        self._allowed = list(allowed_updates)
        self._tuning = tuning
        self._offset = 0  # 0: nothing confirmed by this process yet
        self._entries: dict[int, _Entry] = {}  # fetched, at or above the offset
        self._strays: set[asyncio.Task[Outcome]] = set()
        self._wake = asyncio.Event()
        self._more = False  # the last fetch was a full batch: more updates may wait behind it
        self._pause = tuning.pause  # the current wait between looks while updates are in hand
        self._loop_task: asyncio.Task[None] | None = None

    @property
    def offset(self) -> int:
        return self._offset

    async def start(self) -> None:
        """Remove any webhook (getUpdates refuses to run beside one), then poll in the background."""
        await self._bot.delete_webhook()
        self._loop_task = asyncio.get_running_loop().create_task(self._run(), name="telegram-polling")

    async def wait(self) -> None:
        """Return never while polling; raise what ended the loop (an invalid token) if it ended."""
        assert self._loop_task is not None
        await asyncio.shield(self._loop_task)

    async def stop(self) -> None:
        """Stop fetching, let the updates in hand finish, and confirm what they recorded."""
        task, self._loop_task = self._loop_task, None
        if task is None:
            return
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
        except Exception as exc:  # wait() already raised it to whoever waited
            log.debug("polling had ended: %s", type(exc).__name__)
        running = [e.task for e in self._entries.values() if e.task is not None] + list(self._strays)
        if running:
            _, late = await asyncio.wait(running, timeout=self._tuning.stop_grace)
            if late:
                # Not confirmed, so Telegram delivers them again; a step cut short was rolled back.
                log.warning("%d updates were still in hand at the stop; Telegram will send them again", len(late))
                for stuck in late:
                    stuck.cancel()
                await asyncio.wait(late)
        if self._offset:
            try:
                await self._bot.get_updates(
                    offset=self._offset, limit=1, timeout=0, allowed_updates=self._allowed
                )
            except TelegramError as exc:
                # Harmless: the recorded updates come again after a restart and are refused by id.
                log.warning("could not confirm the last updates on the way out: %s", type(exc).__name__)

    async def _run(self) -> None:
        backoff = 0.0
        while True:
            asked = self._offset
            try:
                updates = await self._bot.get_updates(
                    offset=asked or None,
                    limit=_BATCH,
                    timeout=0 if self._entries else int(self._tuning.timeout),
                    allowed_updates=self._allowed,
                )
            except InvalidToken:
                log.error("Telegram refused the bot token; polling stops")
                raise
            except RetryAfter as exc:
                await asyncio.sleep(_seconds(exc.retry_after) + 0.5)
                continue
            except TimedOut:
                continue  # the long poll itself took long; ask again at once
            except TelegramError as exc:
                backoff = min(_MAX_BACKOFF, backoff * 1.5) if backoff else self._tuning.first_backoff
                if isinstance(exc, Conflict):
                    log.warning("another poller or a webhook uses this bot token; retrying in %.1fs", backoff)
                else:
                    log.warning("polling Telegram failed, retrying in %.1fs: %s", backoff, type(exc).__name__)
                await asyncio.sleep(backoff)
                continue
            backoff = 0.0
            self._more = len(updates) >= _BATCH
            fresh = self._take(updates, asked)
            if self._entries:
                await self._settle(fresh)

    def _take(self, updates: Sequence[Update], asked: int) -> bool:
        """Start what is new, or due for another try; True when the batch held a new update.

        `asked` is the offset this batch was fetched with: an update at or above it that is no longer
        held was recorded while the call was under way.
        """
        now = asyncio.get_running_loop().time()
        fresh = False
        for update in updates:
            uid = update.update_id
            entry = self._entries.get(uid)
            if entry is None:
                if uid < asked:  # confirmed before yet delivered again: the store refuses a repeat
                    self._start_stray(update)
                    continue
                if uid < self._offset:
                    continue
                entry = self._entries[uid] = _Entry(update)
                fresh = True
            elif entry.task is not None or entry.recorded or now < entry.retry_at:
                continue
            entry.task = asyncio.get_running_loop().create_task(self._process(update), name=f"telegram-{uid}")
            entry.task.add_done_callback(functools.partial(self._finished, uid))
        return fresh

    def _start_stray(self, update: Update) -> None:
        task = asyncio.get_running_loop().create_task(
            self._process(update), name=f"telegram-{update.update_id}"
        )
        self._strays.add(task)
        task.add_done_callback(self._strays.discard)

    def _finished(self, uid: int, task: asyncio.Task[Outcome]) -> None:
        entry = self._entries.get(uid)
        if entry is None or entry.task is not task:
            return
        entry.task = None
        outcome = Outcome.FAILED if task.cancelled() else task.result()
        if outcome is Outcome.RECORDED:
            entry.recorded = True
        elif outcome is Outcome.FAILED and entry.failures + 1 >= self._tuning.max_failures:
            log.error("telegram update %s failed %d times; it is given up", uid, entry.failures + 1)
            entry.recorded = True  # a poison update must not hold back every update after it
        else:
            if outcome is Outcome.FAILED:
                entry.failures += 1
            entry.retry_at = asyncio.get_running_loop().time() + self._tuning.redeliver_after
        before = self._offset
        for key in sorted(self._entries):
            if not self._entries[key].recorded:
                break
            del self._entries[key]
            self._offset = key + 1
        # Fetch at once when more updates wait and half the batch is free, or when the work in hand
        # is done (to confirm it); otherwise the next fetch comes after `pause`.
        roomy = self._more and len(self._entries) <= _BATCH // 2
        if self._offset != before and (roomy or not self._running()):
            self._wake.set()

    def _running(self) -> bool:
        return any(entry.task is not None for entry in self._entries.values())

    async def _settle(self, fresh: bool) -> None:
        """Wait before the next fetch, which returns every update in hand again before any new one.

        Fetch when a confirmation frees half the batch while more updates wait (or ends the work in
        hand), when an update that was not recorded is due for another try, and otherwise only to see
        new updates: `pause` after a fetch that brought some, doubling after each that brought none,
        up to `max_pause`; with half the batch or more in hand, at most once a second.
        """
        tuning = self._tuning
        self._pause = tuning.pause if fresh else min(self._pause * 2, max(tuning.max_pause, tuning.pause))
        delay = self._pause if len(self._entries) < _BATCH // 2 else max(self._pause, _CROWDED)
        waiting = [e.retry_at for e in self._entries.values() if e.task is None and not e.recorded]
        if waiting:
            due = min(waiting) - asyncio.get_running_loop().time()
            delay = min(delay, max(tuning.pause, due))
        try:
            async with asyncio.timeout(delay):
                await self._wake.wait()  # may be set already, by a confirmation during the last fetch
        except TimeoutError:
            pass
        self._wake.clear()


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
