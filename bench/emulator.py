"""The test suite's Telegram emulator, plus what a bench needs: calls counted, send timestamps, a rate limit.

The hooks overridden: the request dispatcher (to count every call the bot makes, per method), the
sendMessage and answerCallbackQuery handlers (to time each message and each spinner answer per
chat), the fault lookup (to answer 429 beyond the configured rate, as Telegram does), setWebhook (to
count the workers that registered) and the webhook POST (to spread pushes over several workers, as a
load balancer in front of them would, over kept-alive connections as Telegram's servers hold them).
"""

from __future__ import annotations

import itertools
import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

import aiohttp
from aiohttp import web

from tests.emulators.telegram import BASE_TIME, BotMessage, Fault, TelegramEmulator

__all__ = ["BenchEmulator", "TokenBucket"]

JSONDict = dict[str, Any]
_CLICK_MESSAGE_ID = 1_000_000  # above any id the emulator hands out during a bench


class TokenBucket:
    """`rate` per second with `burst` in hand: the same leaky-bucket model aiolimiter uses."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self._tokens = burst
        self._last = time.perf_counter()

    def take(self) -> bool:
        now = time.perf_counter()
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False


class BenchEmulator(TelegramEmulator):
    def __init__(self, *, send_rate: float | None = None, send_burst: float | None = None) -> None:
        super().__init__()
        self.bucket = TokenBucket(send_rate, send_burst or send_rate) if send_rate else None
        self.total_sends = 0
        self.rejected = 0  # sendMessage calls answered 429
        self.sends: dict[int, int] = defaultdict(int)
        self.last_send: dict[int, float] = {}  # chat -> perf_counter() of its latest accepted sendMessage
        self.first_send: dict[int, float] = {}  # chat -> perf_counter() of its first, since forget_calls()
        self.last_any = 0.0
        self.last_work = 0.0  # perf_counter() when the latest call other than getUpdates was answered
        self.counts: Counter[str] = Counter()  # Bot API requests by method, since the last forget_calls()
        self.replies: Counter[str] = Counter()  # methods carried by webhook answers, likewise
        self.answered_at: dict[int, float] = {}  # chat -> perf_counter() of its latest spinner answer
        self.webhooks_set = 0  # setWebhook calls: each webhook worker makes one once it listens
        self._targets: Iterator[str] | None = None
        self._session: aiohttp.ClientSession | None = None
        self._max_connections = 40  # Telegram's default; setWebhook's max_connections replaces it

    async def __aenter__(self) -> BenchEmulator:
        await self.start()
        return self

    async def stop(self) -> None:
        try:
            await super().stop()
        finally:
            if self._session is not None:
                await self._session.close()
                self._session = None

    def spread_webhook(self, urls: Sequence[str]) -> None:
        """Push each update to the next of `urls` in turn, whichever URL a worker registered last."""
        self._targets = itertools.cycle(list(urls))

    async def post_update_to_webhook(
        self, url: str, update: JSONDict, secret_token: str | None = None
    ) -> int:
        if self._targets is not None:
            url = next(self._targets)
        if self._session is None:
            # Telegram opens at most max_connections at once to a bot's webhook, whatever is behind it.
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=self._max_connections))
        headers = {"Content-Type": "application/json"}
        if secret_token is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret_token
        async with self._session.post(url, data=json.dumps(update), headers=headers) as resp:
            body = await resp.read()
            if 200 <= resp.status < 300:
                await self.perform_webhook_reply(resp.content_type, body)
            return resp.status

    async def _set_webhook(self, params: JSONDict) -> bool:
        result = await super()._set_webhook(params)
        self._max_connections = int(params.get("max_connections") or self._max_connections)
        self.webhooks_set += 1
        return result

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        self.counts[method] += 1
        try:
            return await super()._dispatch(request)
        finally:
            if method != "getUpdates":
                self.last_work = time.perf_counter()

    async def perform_webhook_reply(self, content_type: str, body: bytes) -> None:
        before = len(self.webhook_replies)
        await super().perform_webhook_reply(content_type, body)
        for method in self.webhook_replies[before:]:
            self.replies[method] += 1
            self.last_work = time.perf_counter()

    async def _answer_callback_query(self, params: JSONDict) -> bool:
        user = self.open_queries.get(str(params.get("callback_query_id")))
        result = await super()._answer_callback_query(params)
        if user is not None:
            self.answered_at[user] = time.perf_counter()
        return result

    async def _send_message(self, params: JSONDict) -> JSONDict:
        result = await super()._send_message(params)
        chat = int(params["chat_id"])
        now = time.perf_counter()
        self.sends[chat] += 1
        self.last_send[chat] = now
        self.first_send.setdefault(chat, now)
        self.last_any = now
        self.total_sends += 1
        return result

    def _take_fault(self, method: str, params: JSONDict) -> Fault | None:
        if method == "sendMessage" and self.bucket is not None and not self.bucket.take():
            self.rejected += 1
            return Fault.flood(1)
        return super()._take_fault(method, params)

    def press(self, chat: int, label: str, data: str) -> None:
        """The user taps a button on a message the bot sent them earlier (one per chat is enough)."""
        message = BotMessage(
            message_id=_CLICK_MESSAGE_ID,
            chat_id=chat,
            date=BASE_TIME,
            text="Done for today, or one more step?",
            reply_markup={"inline_keyboard": [[{"text": label, "callback_data": data}]]},
        )
        self.sent[chat].append(message)
        self.click_data(chat, message, data)

    def forget_calls(self) -> None:
        """Drop the call log and the counts between phases, so each phase counts its own calls and a
        long run does not keep every request in memory."""
        self.calls.clear()
        self.first_send.clear()
        self.counts.clear()
        self.replies.clear()
        self.webhook_replies.clear()

    def work_calls(self) -> Counter[str]:
        """The calls counted since forget_calls(), without getUpdates (the intake, not the work)."""
        return Counter({m: n for m, n in self.counts.items() if m != "getUpdates"})
