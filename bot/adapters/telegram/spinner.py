"""A button press's spinner answer: sent without holding up the step, or carried by the webhook's answer.

Telegram shows a spinner on a pressed button until the bot answers the press (answerCallbackQuery).

Polling: the answer is sent by request at once, while the service records the step; the step's first
message waits for it (see `outbound.answer_first`), so the spinner still stops before anything new
appears, and the store no longer waits for Telegram's reply to the answer.

Webhook: the answer rides on the webhook's 200 answer, one request fewer per press. That answer
comes once the step is recorded and its messages are sent, so the spinner stops as they arrive. When
that takes longer than `within` seconds (a slow database, a step paced a second per message), the
answer goes by request at that moment instead; so it does when the update is not recorded, since
Telegram ignores the body of any answer but a 2xx.
"""

from __future__ import annotations

import asyncio
import logging
from contextvars import Token

from telegram import CallbackQuery
from telegram.error import TelegramError

from bot.adapters.telegram.outbound import ANSWER_FIRST, is_harmless
from bot.adapters.telegram.webhook import reply_with, take_back

__all__ = ["Spinner"]

log = logging.getLogger(__name__)


class Spinner:
    """The answer to one press; `start()` when the press arrives, `await finish(...)` when it was handled."""

    __slots__ = ("_query", "_task", "_timer", "_token", "_within")

    def __init__(self, query: CallbackQuery, within: float) -> None:
        self._query = query
        self._within = within
        self._task: asyncio.Task[None] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._token: Token[asyncio.Task[None] | None] | None = None

    def start(self) -> None:
        if reply_with("answerCallbackQuery", callback_query_id=self._query.id):
            self._timer = asyncio.get_running_loop().call_later(self._within, self._late)
            return
        self._task = asyncio.get_running_loop().create_task(self._answer())
        self._token = ANSWER_FIRST.set(self._task)

    def _late(self) -> None:
        """Still handling after `within`: answer by request now rather than with the webhook's answer."""
        self._timer = None
        if take_back() is not None:
            self._task = asyncio.get_running_loop().create_task(self._answer())

    async def finish(self, recorded: bool) -> None:
        """The press was handled (`recorded`: the webhook will answer 200, carrying the answer)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not recorded and take_back() is not None:
            self._task = asyncio.get_running_loop().create_task(self._answer())
        if self._task is not None:
            await asyncio.wait([self._task])
        if self._token is not None:
            ANSWER_FIRST.reset(self._token)
            self._token = None

    async def _answer(self) -> None:
        try:
            await self._query.answer()
        except TelegramError as exc:
            if not is_harmless(exc):
                log.warning("could not answer a button press: %s", type(exc).__name__)
