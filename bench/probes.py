"""Instruments put into a running Rekindle by the benches: the safety model's reads and the SQLite connection.

They replace an attribute of the service (the reader's model) or of its store (the connection's lock
and its execute methods) with a wrapper that times or counts and hands the call on; the product's
code is unchanged. Each costs about a microsecond per call.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from bot.service import ChatService
from bot.understanding.model import Model

__all__ = ["ModelProbe", "StoreProbe", "StoreUse"]


class ModelProbe:
    """Stands in for the service's safety model and times each read in its worker thread."""

    def __init__(self, model: Model) -> None:
        self._model = model
        self._lock = threading.Lock()
        self.seconds: list[float] = []

    @classmethod
    def install(cls, service: ChatService) -> ModelProbe | None:
        reader = service.reader
        if reader is None or reader.model is None:
            return None
        probe = cls(reader.model)
        reader.model = cast(Model, probe)
        return probe

    def read(self, text: str, recent: Sequence[str] = ()) -> Any:
        start = time.perf_counter()
        try:
            return self._model.read(text, recent)
        finally:
            elapsed = time.perf_counter() - start
            with self._lock:
                self.seconds.append(elapsed)

    def take(self) -> list[float]:
        with self._lock:
            out, self.seconds = self.seconds, []
        return out


class _TimedLock(asyncio.Lock):
    """The store's connection lock, keeping how long and how often it was held."""

    def __init__(self) -> None:
        super().__init__()
        self.held = 0.0
        self.times = 0
        self._since = 0.0

    async def acquire(self) -> bool:  # type: ignore[override]
        result = await super().acquire()
        self._since = time.perf_counter()
        return result

    def release(self) -> None:
        self.held += time.perf_counter() - self._since
        self.times += 1
        super().release()


@dataclass(frozen=True, slots=True)
class StoreUse:
    """What the one SQLite connection did for a number of updates."""

    updates: int
    held_ms: float  # the connection held (its lock), per update
    transactions: float  # times it was taken, per update
    trips: float  # calls run in the connection's thread (one may carry several statements), per update

    @property
    def ceiling(self) -> float:
        """Updates per second if nothing but the connection limited them."""
        return 1000 / self.held_ms if self.held_ms else 0.0


class _CountingQueue:
    """The connection's queue to its thread, counting what is put on it."""

    def __init__(self, queue: Any, probe: StoreProbe) -> None:
        self._queue = queue
        self._probe = probe

    def put_nowait(self, item: Any) -> None:
        self._probe.trips += 1
        self._queue.put_nowait(item)

    def put(self, item: Any, block: bool = True, timeout: float | None = None) -> None:
        self._probe.trips += 1
        self._queue.put(item, block, timeout)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._queue, name)


class StoreProbe:
    """Times the SQLite store's connection lock and counts the trips to the connection's thread."""

    def __init__(self, service: ChatService) -> None:
        store = cast(Any, service.store)
        if not hasattr(store, "_lock") or not hasattr(store, "_db"):
            raise TypeError("the store probe knows the SQLite store only")
        self._lock = _TimedLock()
        store._lock = self._lock
        self.trips = 0
        db = store._db
        # Every aiosqlite call, and the store's batched ones, reach the thread through its queue.
        db._tx = _CountingQueue(db._tx, self)
        self._mark = (0.0, 0, 0)

    def start(self) -> None:
        self._mark = (self._lock.held, self._lock.times, self.trips)

    def since_start(self, updates: int) -> StoreUse:
        held, times, trips = self._mark
        n = max(updates, 1)
        return StoreUse(
            updates,
            1000 * (self._lock.held - held) / n,
            (self._lock.times - times) / n,
            (self.trips - trips) / n,
        )
