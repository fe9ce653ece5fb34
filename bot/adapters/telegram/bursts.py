"""Answer a quick run of text messages from one person once, not once per message.

Someone upset often writes a thought in several short messages, or sends the same one again and
again. Each used to be a step of its own with its own reply: 50 messages in a second got 50 replies,
paced out at one a second. Here one person's texts that come close together are folded into one
event, `Event.parts` keeping each message's id and text (the service claims every id, so none is
handled twice after a crash): the run takes texts until none came for `window` seconds, at most
`max_wait` after the first, up to `max_messages` messages and `max_chars` characters, which is what
the engine reads in full, so the safety check sees every word of the run. Anything but a text (a
command, a button, a photo) ends the run and is handled after it: each person's updates keep their
order, and a run also takes the texts that come while the person's earlier update is handled.

Every update of a run gets the run's outcome, so none is confirmed to Telegram before the run is
recorded. Collecting needs the next messages while the first waits, which polling gives; a webhook
gets a person's next update only after the previous one was answered, so there the window is 0.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from telegram import Update

from bot.adapters.telegram.processing import Outcome
from dialogs.engine import MAX_TEXT
from dialogs.model import Event, EventKind

__all__ = ["BurstLimits", "Bursts"]

Run = Callable[[Update, Event | None], Awaitable[Outcome]]


@dataclass(frozen=True, slots=True)
class BurstLimits:
    window: float = 1.5  # a run ends when no text came for this long
    max_wait: float = 5.0  # ... or this long after its first text
    max_messages: int = 100  # ... or at this many messages
    max_chars: int = MAX_TEXT  # ... or before its text would grow past what the engine reads


class _Slot:
    """One update, or one run of texts, in a person's order."""

    def __init__(self) -> None:
        self.done: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()


class _Texts(_Slot):
    def __init__(self, update: Update, event: Event) -> None:
        super().__init__()
        self.updates = [update]
        self.events = [event]
        self.chars = len(event.text)
        self.first_at = self.last_at = asyncio.get_running_loop().time()
        self.closed = False
        self._changed = asyncio.Event()

    def fits(self, event: Event, limits: BurstLimits) -> bool:
        return (
            not self.closed
            and len(self.events) < limits.max_messages
            and self.chars + 1 + len(event.text) <= limits.max_chars
        )

    def add(self, update: Update, event: Event) -> None:
        self.updates.append(update)
        self.events.append(event)
        self.chars += 1 + len(event.text)
        self.last_at = asyncio.get_running_loop().time()
        self._changed.set()

    def close(self) -> None:
        self.closed = True
        self._changed.set()

    async def settle(self, limits: BurstLimits) -> None:
        """Return once the run is over: closed, quiet for `window`, or `max_wait` old."""
        loop = asyncio.get_running_loop()
        while not self.closed and len(self.events) < limits.max_messages:
            left = min(self.last_at + limits.window, self.first_at + limits.max_wait) - loop.time()
            if left <= 0:
                return
            self._changed.clear()
            try:
                async with asyncio.timeout(left):
                    await self._changed.wait()
            except TimeoutError:
                return

    def event(self) -> Event:
        if len(self.events) == 1:
            return self.events[0]
        first = self.events[0]
        return replace(
            first,
            text="\n".join(e.text for e in self.events),
            parts=tuple((e.event_id, e.text) for e in self.events),
        )


class Bursts:
    """Per person: runs of texts folded into one event, everything in arrival order."""

    def __init__(self, run: Run, limits: BurstLimits) -> None:
        self._run = run
        self._limits = limits
        self._tails: dict[int, _Slot] = {}  # each person's latest slot
        self._open: dict[int, _Texts] = {}  # each person's run that still takes texts

    async def process(self, update: Update, person: int | None, event: Event | None) -> Outcome:
        """Handle `update` (alone or in a run) once the person's earlier updates were; its outcome."""
        if person is None:
            return await self._run(update, event)
        text = event is not None and event.kind is EventKind.TEXT and len(event.text) < self._limits.max_chars
        current = self._open.get(person)
        if text and current is not None and event is not None and current.fits(event, self._limits):
            current.add(update, event)
            return await asyncio.shield(current.done)
        if current is not None:
            current.close()  # anything else ends the run, and comes after it
            del self._open[person]
        previous = self._tails.get(person)
        slot: _Slot = _Texts(update, event) if text and event is not None else _Slot()
        self._tails[person] = slot
        if isinstance(slot, _Texts):
            self._open[person] = slot
        outcome = Outcome.FAILED
        try:
            if previous is not None:
                await asyncio.wait([previous.done])
            if isinstance(slot, _Texts):
                await slot.settle(self._limits)
                slot.close()
                outcome = await self._run(slot.updates[0], slot.event())
            else:
                outcome = await self._run(update, event)
            return outcome
        finally:
            # Set even when cancelled (a stop): the run's other updates must not wait forever.
            if not slot.done.done():
                slot.done.set_result(outcome)
            if self._open.get(person) is slot:
                del self._open[person]
            if self._tails.get(person) is slot:
                del self._tails[person]
