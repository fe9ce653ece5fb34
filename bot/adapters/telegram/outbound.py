"""The core's `Reply` -> Telegram calls, and Telegram's errors -> the delivery contract's exceptions."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from contextvars import ContextVar
from datetime import timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.adapters.telegram.inbound import PLATFORM
from bot.adapters.telegram.keyboards import Keyboards
from bot.adapters.telegram.text import CAPTION_LIMIT, TEXT_LIMIT, split_text, utf16_len
from bot.adapters.telegram.transport import NotSent
from bot.delivery import Rejected, RetryLater, Uncertain, Unreachable
from dialogs.model import Reply, encode_button

__all__ = ["ANSWER_FIRST", "TelegramSender", "build_keyboard", "is_harmless", "plan_messages"]

log = logging.getLogger(__name__)

CALLBACK_DATA_LIMIT = 64  # bytes of UTF-8
# Telegram's wording for outcomes that are not a failure from the user's point of view.
_HARMLESS = (
    "message is not modified",
    "query is too old",
    "query id is invalid",
    "message to edit not found",
)
# A private chat that no longer exists for this bot (account deleted, never started).
_GONE = ("chat not found", "user not found", "peer_id_invalid")
# The spinner answer of the press being handled, while it is on its way (see spinner.py): what this
# task sends in reply goes after it.
ANSWER_FIRST: ContextVar[asyncio.Task[None] | None] = ContextVar("telegram_answer_first", default=None)


def is_harmless(exc: TelegramError) -> bool:
    return isinstance(exc, BadRequest) and any(s in exc.message.lower() for s in _HARMLESS)


def build_keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """Inline keyboard whose every button carries the prompt nonce; None when there are no buttons."""
    if not reply.buttons:
        return None
    if reply.nonce is None:
        raise ValueError("a reply with buttons must carry a nonce")
    rows = []
    for row in reply.buttons:
        buttons = []
        for button in row:
            data = encode_button(reply.nonce, button.value)
            if len(data.encode()) > CALLBACK_DATA_LIMIT:
                raise ValueError(f"button value {button.value!r} is too long for Telegram's 64 bytes")
            buttons.append(InlineKeyboardButton(button.label, callback_data=data))
        rows.append(buttons)
    return InlineKeyboardMarkup(rows)


def plan_messages(text: str, with_image: bool) -> tuple[str | None, list[str]]:
    """(photo caption, text messages after it). The caption is used only when the whole text fits."""
    if with_image and utf16_len(text) <= CAPTION_LIMIT:
        return text, []
    return None, split_text(text, TEXT_LIMIT)


class TelegramSender:
    """Implements `bot.delivery.Sender` with a python-telegram-bot `Bot` (rate limited by its owner)."""

    __slots__ = ("_bot", "keyboards")

    def __init__(self, bot: Bot) -> None:
        self._bot = bot
        self.keyboards = Keyboards()

    @property
    def platform(self) -> str:
        return PLATFORM

    async def send(
        self, user_id: str, reply: Reply, image: bytes | None = None, files: Sequence[tuple[str, bytes]] = ()
    ) -> None:
        chat_id = int(user_id)
        keyboard = build_keyboard(reply)
        caption, texts = plan_messages(reply.text, image is not None)
        answer = ANSWER_FIRST.get()
        if answer is not None and not answer.done():
            await asyncio.wait([answer])  # never raises; its errors are the spinner's to log
        try:
            if image is not None:
                # The keyboard goes on the last message the user sees.
                await self._bot.send_photo(
                    chat_id,
                    image,
                    caption=caption or None,
                    filename="rekindle.png",
                    reply_markup=None if texts else keyboard,
                )
            for index, part in enumerate(texts):
                last = index == len(texts) - 1
                await self._bot.send_message(chat_id, part, reply_markup=keyboard if last else None)
            for name, content in files:
                await self._bot.send_document(chat_id, content, filename=name)
        except Forbidden as exc:
            raise Unreachable(exc.message) from exc
        except RetryAfter as exc:
            wait = exc.retry_after
            raise RetryLater(wait.total_seconds() if isinstance(wait, timedelta) else float(wait)) from exc
        except BadRequest as exc:  # before NetworkError, its base class: rejected, so not delivered
            if any(s in exc.message.lower() for s in _GONE):
                raise Unreachable(exc.message) from exc
            raise Rejected("Telegram answered 400 Bad Request") from exc
        except TimedOut as exc:
            if isinstance(exc.__cause__, NotSent):
                raise  # never left this machine: an ordinary transient failure, safe to retry
            raise Uncertain(f"timed out: {exc.message}") from exc
        except NetworkError as exc:
            # No cause: Telegram answered with a 5xx status, a definite "that failed", so the send is
            # retried. A dropped connection leaves the cause set and the outcome unknown.
            if exc.__cause__ is None or isinstance(exc.__cause__, NotSent):
                raise
            raise Uncertain(f"network: {exc.message}") from exc
        if keyboard is not None and reply.nonce is not None:
            # The new buttons are there: the pressed ones they replace can go (see keyboards.py).
            for message_id in self.keyboards.sent(chat_id, reply.nonce):
                await self._retire_keyboard(chat_id, message_id)

    async def _retire_keyboard(self, chat_id: int, message_id: int) -> None:
        """Remove the buttons from a used message that newer ones replaced; already gone is fine."""
        try:
            await self._bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
        except TelegramError as exc:
            if not is_harmless(exc):
                log.warning("could not remove a used keyboard: %s", type(exc).__name__)
