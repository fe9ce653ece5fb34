"""A small request pacer so bulk sends stay under Discord's global limit of 50 requests per second."""

from __future__ import annotations

import asyncio

__all__ = ["Pacer"]


class Pacer:
    """At most `rate` requests per second on average, with bursts of up to `burst` (GCRA)."""

    def __init__(self, rate: float, burst: int | None = None) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self._interval = 1.0 / rate
        self._window = (max(1, burst if burst is not None else int(rate)) - 1) * self._interval
        self._tat = 0.0  # the theoretical arrival time of the next request

    async def wait(self) -> None:
        now = asyncio.get_running_loop().time()
        tat = max(self._tat, now)
        delay = tat - self._window - now
        self._tat = tat + self._interval  # the slot is taken before sleeping, so callers queue fairly
        if delay > 0:
            await asyncio.sleep(delay)
