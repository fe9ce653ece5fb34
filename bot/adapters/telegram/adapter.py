"""Lifecycle of the Telegram side: build the python-telegram-bot Application, run it, stop it.

Updates come in through our own webhook server or poller, never PTB's Updater: both confirm an
update to Telegram only after the service recorded it (see webhook.py and polling.py).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import Any, Protocol
from urllib.parse import urlsplit

from telegram import CallbackQuery, Update
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.adapters.telegram.bursts import BurstLimits, Bursts
from bot.adapters.telegram.commands import menu_commands
from bot.adapters.telegram.inbound import ALLOWED_UPDATES, PLATFORM, to_event, user_key
from bot.adapters.telegram.keyboards import keyboard_nonce
from bot.adapters.telegram.logsafe import protect_secrets
from bot.adapters.telegram.ordering import PerUserOrder
from bot.adapters.telegram.outbound import TelegramSender
from bot.adapters.telegram.polling import Poller, PollingTuning
from bot.adapters.telegram.processing import Outcome, process_update, report
from bot.adapters.telegram.ratelimit import PerChatRateLimiter, RateLimits
from bot.adapters.telegram.spinner import Spinner
from bot.adapters.telegram.transport import AiohttpRequest
from bot.adapters.telegram.webhook import WebhookServer
from bot.config import Settings
from bot.delivery import Sender
from dialogs.content import CONTENT_DIR
from dialogs.model import Event

__all__ = ["ChatServiceLike", "TelegramAdapter", "Tuning"]

log = logging.getLogger(__name__)

TelegramApp = Application[Any, Any, Any, Any, Any, Any]
# The event the update being processed stands for (a run of texts folds several updates into one).
_EVENT: ContextVar[Event | None] = ContextVar("telegram_event", default=None)


class ChatServiceLike(Protocol):
    """The part of `bot.service.ChatService` the adapter uses."""

    def register_sender(self, sender: Sender) -> None: ...

    async def handle(self, event: Event) -> bool: ...

    async def deliver_pending(self, platform: str) -> object: ...


@dataclass(frozen=True, slots=True)
class Tuning:
    """Knobs with production defaults; tests shrink the timeouts and lift the rate limits."""

    concurrency: int = 16  # 8-32 measured best on httpx; its pool slowed down far above that
    request_timeout: float = 10.0
    poll_timeout: float = 10.0
    limits: RateLimits = field(default_factory=RateLimits)
    # While an update is handled (and its replies sent) Telegram holds its connection open, so allow
    # Telegram's maximum of parallel webhook connections; one user's updates still go one at a time.
    webhook_connections: int = 100
    poll_pause: float = 0.1  # see PollingTuning
    poll_max_pause: float = 1.0
    # Polling: one person's texts that come close together are answered once (see bursts.py).
    bursts: BurstLimits = field(default_factory=BurstLimits)
    redeliver_after: float = 5.0  # polling: before an update the database did not take is tried again
    # Webhook: a press's spinner answer rides on the webhook's answer when the update is handled by
    # then, and goes by request at this moment otherwise (see spinner.py).
    spinner_within: float = 0.5
    stop_grace: float = 10.0  # at a stop, how long updates in hand may take to finish


class TelegramAdapter:
    __slots__ = (
        "_app",
        "_bursts",
        "_listener",
        "_menu",
        "_sender",
        "_service",
        "_settings",
        "_started",
        "_tuning",
        "_webhook_secret",
    )

    def __init__(self, settings: Settings, service: ChatServiceLike, tuning: Tuning | None = None) -> None:
        if settings.telegram_bot_token is None:
            raise ValueError("TELEGRAM_BOT_TOKEN is not set")
        token = settings.telegram_bot_token.get_secret_value()
        secret = settings.telegram_webhook_secret
        # Telegram sends this header on every webhook call; without a configured one, make one up.
        self._webhook_secret = secret.get_secret_value() if secret else secrets.token_urlsafe(32)
        protect_secrets(token, self._webhook_secret)
        self._settings = settings
        self._service = service
        self._tuning = tuning or Tuning()
        self._menu = menu_commands(settings.content_dir or CONTENT_DIR)
        self._app = self._build(token)
        self._sender = TelegramSender(self._app.bot)
        # A webhook gets a person's next update only once the last was answered: nothing to wait for.
        limits = replace(self._tuning.bursts, window=0.0) if self.webhook_mode else self._tuning.bursts
        self._bursts = Bursts(self._run, limits)
        self._started = False
        self._listener: WebhookServer | Poller | None = None

    def _build(self, token: str) -> TelegramApp:
        base_url = self._settings.telegram_api_base_url
        tuning = self._tuning
        app = (
            ApplicationBuilder()
            .token(token)
            .base_url(base_url)
            .base_file_url(_file_url(base_url))
            .job_queue(None)  # the project's own scheduler owns timed work
            .updater(None)  # it confirms updates before they are handled; see webhook.py, polling.py
            .concurrent_updates(PerUserOrder(tuning.concurrency))
            .rate_limiter(PerChatRateLimiter(tuning.limits))
            .request(_request(max(8, tuning.concurrency * 2), tuning.request_timeout))
            .get_updates_request(_request(1, tuning.request_timeout))
            .build()
        )
        app.add_handler(TypeHandler(Update, self._on_update))
        app.add_error_handler(self._on_error)
        return app

    @property
    def sender(self) -> TelegramSender:
        return self._sender

    @property
    def application(self) -> TelegramApp:
        return self._app

    @property
    def webhook_mode(self) -> bool:
        return bool(self._settings.telegram_webhook_url)

    async def start(self, *, listen: bool = True) -> None:
        """Connect (getMe), register the menu, deliver what a previous run left unsent, then listen.

        With `listen=False` the adapter only sends: the scheduler process delivers check-ins while
        the web or polling workers take the updates.
        """
        await self._app.initialize()
        self._started = True
        self._service.register_sender(self._sender)
        if listen:
            await self._register_commands()
        await self._app.start()
        await self._service.deliver_pending(PLATFORM)
        if not listen:
            return
        if self.webhook_mode:
            await self._start_webhook()
        else:
            tuning = self._tuning
            poller = Poller(
                self._app.bot,
                self.process,
                ALLOWED_UPDATES,
                PollingTuning(
                    timeout=tuning.poll_timeout,
                    pause=tuning.poll_pause,
                    max_pause=tuning.poll_max_pause,
                    redeliver_after=tuning.redeliver_after,
                    stop_grace=tuning.stop_grace,
                ),
            )
            self._listener = poller
            await poller.start()

    async def _start_webhook(self) -> None:
        url = self._settings.telegram_webhook_url or ""
        server = WebhookServer(
            self._app.bot,
            self.process,
            secret=self._webhook_secret,
            listen=self._settings.telegram_webhook_listen,
            port=self._settings.telegram_webhook_port,
            path=urlsplit(url).path,
            shutdown_timeout=self._tuning.stop_grace,
        )
        self._listener = server
        await server.start()  # listen first, so Telegram's first push finds the server
        await self._app.bot.set_webhook(
            url,
            secret_token=self._webhook_secret,
            allowed_updates=ALLOWED_UPDATES,
            max_connections=self._tuning.webhook_connections,
        )

    async def process(self, update: Update) -> Outcome:
        """Handle one update in per-user order; RECORDED means Telegram may forget it.

        A text may be folded with the person's next ones into one event; each of them gets its outcome.
        """
        try:
            event = to_event(update)
        except Exception:  # the handler meets it again, and its errors are reported as FAILED
            event = None
        return await self._bursts.process(update, user_key(update), event)

    async def _run(self, update: Update, event: Event | None) -> Outcome:
        token = _EVENT.set(event)
        try:
            return await process_update(self._app, update)
        finally:
            _EVENT.reset(token)

    async def wait(self) -> None:
        """Block while the adapter listens; raise if polling gave up (Telegram refused the token)."""
        if isinstance(self._listener, Poller):
            await self._listener.wait()
        else:
            await asyncio.Event().wait()

    async def stop(self) -> None:
        """Stop listening, let in-flight updates finish, release connections. Safe to call twice."""
        try:
            await self.stop_listening()
        finally:
            await self.close()

    async def stop_listening(self) -> None:
        """Take no new updates; those in hand get `Tuning.stop_grace` to finish (one not recorded by
        then is left to Telegram to deliver again). Sending still works until `close`."""
        listener, self._listener = self._listener, None
        if listener is not None:
            await listener.stop()

    async def close(self) -> None:
        """Release the connections; nothing is sent after this. Safe to call twice."""
        if not self._started:
            return
        self._started = False
        try:
            if self._app.running:
                await self._app.stop()
        finally:
            await self._app.shutdown()

    async def _register_commands(self) -> None:
        try:
            await self._app.bot.set_my_commands(self._menu)
        except TelegramError as exc:
            # The menu is a convenience: typing a command still works without it.
            log.warning("could not register the command menu: %s", type(exc).__name__)

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        event = _EVENT.get() or to_event(update)
        if event is None:
            report(Outcome.RECORDED)  # nothing the service keeps: confirm it
            return
        query = update.callback_query
        if query is None:
            await self._handle(event)
            return
        # The spinner is answered at once, without waiting for the store (see spinner.py).
        spinner = Spinner(query, self._tuning.spinner_within)
        spinner.start()
        recorded = False
        try:
            if self._pressed_again(query):
                recorded = True
                report(Outcome.RECORDED)  # the second tap of a double tap: the spinner answer is all
                return
            recorded = await self._handle(event)
        finally:
            await spinner.finish(recorded)

    async def _handle(self, event: Event) -> bool:
        try:
            recorded = await self._service.handle(event)
        except ConnectionError:
            # The store's StoreUnavailable is one: the database's fault, not this update's.
            report(Outcome.NOT_RECORDED)
            raise
        report(Outcome.RECORDED if recorded else Outcome.NOT_RECORDED)
        return recorded

    def _pressed_again(self, query: CallbackQuery) -> bool:
        """True when the press is the second tap of a double tap.

        No keyboard is touched here: whether the press counts is the engine's to say, and the used
        keyboard goes once newer buttons were sent (see keyboards.py).
        """
        message = query.message
        return message is not None and self._sender.keyboards.press(
            message.chat.id, message.message_id, keyboard_nonce(message)
        )

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        # Exception text can quote what the user wrote, so only the type is logged above DEBUG.
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("telegram update %s failed: %s", update_id, type(context.error).__name__)
        log.debug("telegram update %s failed", update_id, exc_info=context.error)


def _request(pool: int, timeout: float) -> AiohttpRequest:
    return AiohttpRequest(pool, read_timeout=timeout, write_timeout=timeout)


def _file_url(base_url: str) -> str:
    """`https://host/bot` -> `https://host/file/bot`, the layout of Telegram and of self-hosted servers."""
    root, sep, tail = base_url.rstrip("/").rpartition("/")
    return f"{root}/file/{tail}" if sep else base_url
