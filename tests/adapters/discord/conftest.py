from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.adapters.discord import DiscordAdapter
from bot.config import Settings
from bot.delivery import DeliveryError, Sender
from dialogs.model import Event, Reply
from tests.emulators.discord import DiscordEmulator, patch_discord

FAST_RATE = 2000.0  # requests/s for tests; production keeps Discord's global limit


@pytest.fixture
async def emu(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[DiscordEmulator]:
    """A running emulator with discord.py pointed at it; teardown fails on unimplemented routes."""
    emulator = DiscordEmulator()
    await emulator.start()
    try:
        patch_discord(monkeypatch, emulator)
        yield emulator
    finally:
        await emulator.stop()


def discord_settings(emu: DiscordEmulator, tmp_path: Path, **extra: Any) -> Settings:
    return Settings(
        _env_file=None,
        database_url=f"sqlite:///{tmp_path}/rekindle.db",
        discord_bot_token=SecretStr(emu.token),
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

    async def handle(self, event: Event) -> None:
        self.events.append(event)
        reply = self._reply(event)
        if reply is None or self.sender is None:
            return
        await self.send(event.user_id, reply)

    async def send(
        self, user_id: str, reply: Reply, image: bytes | None = None, files: Sequence[tuple[str, bytes]] = ()
    ) -> None:
        assert self.sender is not None
        try:
            await self.sender.send(user_id, reply, image, files)
            self.outcomes.append(None)
        except DeliveryError as exc:
            self.outcomes.append(exc)

    async def deliver_pending(self, platform: str) -> int:
        self.pending_calls.append(platform)
        return 0


RunAdapter = Callable[..., Awaitable[DiscordAdapter]]


class Adapters:
    """Starts adapters against the emulator and stops every one it started."""

    def __init__(self, emu: DiscordEmulator, tmp_path: Path) -> None:
        self._emu, self._tmp_path = emu, tmp_path
        self.started: list[DiscordAdapter] = []

    async def start(self, service: Any, *, listen: bool = True, **options: Any) -> DiscordAdapter:
        options.setdefault("requests_per_second", FAST_RATE)
        adapter = DiscordAdapter(discord_settings(self._emu, self._tmp_path), service, **options)
        await adapter.start(listen=listen)
        self.started.append(adapter)
        return adapter

    async def stop_all(self) -> None:
        while self.started:
            await self.started.pop().stop()


@pytest.fixture
async def adapters(emu: DiscordEmulator, tmp_path: Path) -> AsyncIterator[Adapters]:
    started = Adapters(emu, tmp_path)
    try:
        yield started
    finally:
        await started.stop_all()


@pytest.fixture
def run_adapter(adapters: Adapters) -> RunAdapter:
    return adapters.start


class StepClock:
    """The service's clock, moved by hand so a test can wait out a no-contact period in a second."""

    def __init__(self, start: datetime = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> StepClock:
    return StepClock()


@pytest.fixture
async def service(
    adapters: Adapters, emu: DiscordEmulator, tmp_path: Path, clock: StepClock
) -> AsyncIterator[Any]:
    """The real core (engine, store on SQLite in tmp_path, outbox), as `python -m bot` builds it.

    Adapters are stopped before the store closes, so no queued event meets a closed database."""
    from bot.app import build_service

    chat = await build_service(discord_settings(emu, tmp_path), clock=clock)
    try:
        yield chat
    finally:
        try:
            await adapters.stop_all()
        finally:
            await chat.close()
