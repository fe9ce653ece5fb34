from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from tests.emulators.discord import DiscordEmulator, patch_discord


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
