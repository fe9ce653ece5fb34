"""Telegram's flood limits: about 30 messages/s per bot and about 1/s in one chat.

PTB's `AIORateLimiter` covers the overall rate, group chats and `RetryAfter` retries, but does not
pace private chats; this wraps it and adds a per-chat leaky bucket that still allows a short burst
(one reply is often two or three messages).

The overall rate is a budget from bot.budget: this process's own, or, when several processes send
with one token, `RateLimits.shared`, which they take turns from together.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.ext import AIORateLimiter, BaseRateLimiter

from bot.budget import LocalBudget, SendBudget

__all__ = ["PerChatRateLimiter", "RateLimits"]

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class RateLimits:
    overall_per_second: float = 30.0
    per_chat_per_second: float = 1.0
    per_chat_burst: int = 3
    retries_after_flood: int = 1  # on RetryAfter: wait the given time, then send once more
    # Telegram's counter and ours never tick together: pacing exactly at its rate, a send that lands
    # a little early is refused with a 429 and a whole second's wait. A few percent under the rate,
    # and a burst a little under a second's worth, leave room for that drift.
    headroom: float = 0.98
    burst_share: float = 0.9
    shared: SendBudget | None = None  # the overall pace shared with other processes, if any

    def budget(self) -> LocalBudget:
        return LocalBudget(self.overall_per_second * self.headroom, self.overall_per_second * self.burst_share)


class PerChatRateLimiter(BaseRateLimiter[int]):
    __slots__ = ("_chats", "_inner", "_limits", "_overall")

    def __init__(self, limits: RateLimits) -> None:
        self._limits = limits
        self._overall: SendBudget = limits.shared or limits.budget()
        # PTB's overall limiter is off (0): the budget above paces instead. PTB still paces groups and
        # waits out a RetryAfter for every request.
        self._inner = AIORateLimiter(overall_max_rate=0, max_retries=limits.retries_after_flood)
        self._chats: dict[int, AsyncLimiter] = {}

    async def initialize(self) -> None:
        await self._inner.initialize()

    async def shutdown(self) -> None:
        await self._inner.shutdown()

    def _chat_limiter(self, chat_id: object) -> AbstractAsyncContextManager[object]:
        try:
            chat = int(chat_id)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            return nullcontext()
        if chat < 0:
            return nullcontext()  # groups and channels: the inner limiter paces those
        limiter = self._chats.get(chat)
        if limiter is None:
            if len(self._chats) > 4096:
                # Forget idle chats so the map does not grow with every user ever seen.
                for key, old in list(self._chats.items()):
                    if old.has_capacity(old.max_rate):
                        del self._chats[key]
            burst = self._limits.per_chat_burst
            limiter = AsyncLimiter(burst, burst / self._limits.per_chat_per_second)
            self._chats[chat] = limiter
        return limiter

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSONResult:
        chat_id = data.get("chat_id")
        async with self._chat_limiter(chat_id):
            if chat_id is not None:
                await self._overall.wait_turn()  # what Telegram counts: messages to a chat
            return await self._inner.process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
