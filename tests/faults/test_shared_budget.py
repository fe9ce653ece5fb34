"""Two processes sending with one bot token stay under Telegram's overall limit together.

Each "process" here is its own service, store connection and python-telegram-bot stack; only the
database is shared, as between two workers. The emulator answers 429 beyond its own bucket.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bench.emulator import BenchEmulator
from bot.adapters.telegram import RateLimits, TelegramAdapter, Tuning
from bot.app import build_service
from bot.budget import StoreBudget
from bot.config import Settings
from bot.delivery import RetryLater
from bot.service import ChatService
from dialogs.model import Reply
from tests.adapters.telegram.conftest import telegram_settings
from tests.faults.kit import database
from tests.store.conftest import BACKENDS

TELEGRAM_RATE = 50.0  # what the emulator lets through per second, with a burst of BURST
BURST = 10.0
OUR_RATE = 45.0  # a little under Telegram's, as in production, for the network's jitter
PER_PROCESS = 45


async def _send_all(emulator: BenchEmulator, url: str, tmp_path: Path, shared: bool) -> int:
    """Both processes send PER_PROCESS messages to distinct chats at once; return how many failed."""
    settings: Settings = telegram_settings(emulator, tmp_path).model_copy(update={"database_url": url})
    services: list[ChatService] = []
    adapters: list[TelegramAdapter] = []
    try:
        for _ in range(2):
            service = await build_service(settings)
            services.append(service)
            budget = StoreBudget(service.store, "telegram:test", OUR_RATE, BURST / 2) if shared else None
            limits = RateLimits(overall_per_second=OUR_RATE, per_chat_per_second=100.0, shared=budget)
            adapter = TelegramAdapter(settings, service, Tuning(request_timeout=5.0, limits=limits))
            await adapter.start(listen=False)
            adapters.append(adapter)
        await asyncio.sleep(BURST / TELEGRAM_RATE)  # the emulator's bucket is full again

        async def send(adapter: TelegramAdapter, chat: int) -> bool:
            try:
                await adapter.sender.send(str(chat), Reply(f"check-in for {chat}"))
            except RetryLater:
                return False
            return True

        emulator.rejected = 0
        results = await asyncio.gather(
            *(send(adapter, 1000 * n + i) for n, adapter in enumerate(adapters) for i in range(PER_PROCESS))
        )
        return results.count(False)
    finally:
        for adapter in adapters:
            await adapter.stop()
        for service in services:
            await service.close()


@pytest.mark.parametrize("backend", BACKENDS)
async def test_two_processes_share_one_send_budget(backend: str, tmp_path: Path) -> None:
    async with BenchEmulator(send_rate=TELEGRAM_RATE, send_burst=BURST) as emulator:
        (tmp_path / "alone").mkdir()
        failed_alone = await _send_all(emulator, await database(backend, tmp_path / "alone"), tmp_path, False)
        rejected_alone = emulator.rejected
        failed_shared = await _send_all(emulator, await database(backend, tmp_path), tmp_path, True)
        rejected_shared = emulator.rejected
        delivered = sum(emulator.sends.values())
    # Each pacing itself at 45/s, together they send 90/s into a 50/s limit: Telegram pushes back.
    assert rejected_alone > 0, "the control run never exceeded the limit, so it proves nothing"
    assert rejected_shared == 0 and failed_shared == 0
    assert delivered == 4 * PER_PROCESS - failed_alone
