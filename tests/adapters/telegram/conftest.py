from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram.ext import Application
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
