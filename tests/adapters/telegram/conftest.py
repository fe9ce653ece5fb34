from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from telegram.ext import Application

from bot.adapters.telegram import RateLimits, TelegramAdapter, Tuning
from bot.adapters.telegram.bursts import BurstLimits
from bot.config import Settings
from bot.delivery import DeliveryError, Sender
from dialogs.model import Event, Reply
from tests.emulators.echo_bot import build_echo_app
from tests.emulators.telegram import TelegramEmulator


@pytest.fixture
async def tg() -> AsyncIterator[TelegramEmulator]:
    emulator = TelegramEmulator()
    await emulator.start()
    try:
        yield emulator
    finally:
        await emulator.stop()


@pytest.fixture
async def echo(tg: TelegramEmulator) -> AsyncIterator[Application]:  # type: ignore[type-arg]
    app = build_echo_app(tg, concurrent_updates=8)
    await app.initialize()
    try:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=1)
        yield app
    finally:
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()


RunAdapter = Callable[..., Awaitable[TelegramAdapter]]
FAST = Tuning(
    request_timeout=2.0,
    poll_timeout=1.0,
    limits=RateLimits(1000.0, 1000.0, 1000),
    poll_pause=0.02,
    poll_max_pause=0.1,  # new updates are seen within 0.1 s even while others are in hand
    redeliver_after=0.05,
    bursts=BurstLimits(window=0.05, max_wait=1.0),  # texts queued together still fold; a lone one waits 50 ms
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def telegram_settings(tg: TelegramEmulator, tmp_path: Path, **extra: Any) -> Settings:
    return Settings(
        _env_file=None,
        database_url=f"sqlite:///{tmp_path}/rekindle.db",
        telegram_bot_token=SecretStr(tg.token),
        telegram_api_base_url=tg.base_url,
        **extra,
    )


class EchoService:
    """A stand-in core for adapter-only tests: records events and answers each through the Sender."""

    def __init__(self, reply: Callable[[Event], Reply | None] | None = None) -> None:
        self.events: list[Event] = []
        self.outcomes: list[BaseException | None] = []
        self.sender: Sender | None = None
        self.pending_calls: list[str] = []
        self._reply = reply or (lambda e: Reply(f"{e.kind}:{e.command or e.text or e.button or e.media}"))

    def register_sender(self, sender: Sender) -> None:
        self.sender = sender

    async def handle(self, event: Event) -> bool:
        self.events.append(event)
        reply = self._reply(event)
        if reply is None or self.sender is None:
            return True
        try:
            await self.sender.send(event.user_id, reply)
            self.outcomes.append(None)
        except DeliveryError as exc:
            self.outcomes.append(exc)
        return True

    async def deliver_pending(self, platform: str) -> int:
        self.pending_calls.append(platform)
        return 0


@pytest.fixture
async def run_adapter(
    tg: TelegramEmulator, tmp_path: Path
) -> AsyncIterator[RunAdapter]:
    """Start adapters against the emulator; every one started is stopped at teardown."""
    started: list[TelegramAdapter] = []

    async def start(service: Any, tuning: Tuning = FAST, **settings: Any) -> TelegramAdapter:
        adapter = TelegramAdapter(telegram_settings(tg, tmp_path, **settings), service, tuning)
        await adapter.start()
        started.append(adapter)
        return adapter

    try:
        yield start
    finally:
        for adapter in reversed(started):
            await adapter.stop()
