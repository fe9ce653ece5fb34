"""`python -m bot`'s entry point runs Discord alone, or beside Telegram in one process."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from pydantic import SecretStr

from bot.app import run
from bot.config import Settings
from tests.emulators.discord import DiscordEmulator
from tests.emulators.telegram import TelegramEmulator


async def _stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def test_discord_alone(emu: DiscordEmulator, tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None, database_url=f"sqlite:///{tmp_path}/a.db", discord_bot_token=SecretStr(emu.token)
    )
    task = asyncio.create_task(run(settings))
    try:
        await emu.wait_connected(timeout=15)
        emu.send_command(1, "/start")
        [welcome, *_] = await emu.wait_for_messages(1, 1, timeout=15)
        assert "Rekindle" in welcome.visible
    finally:
        await _stop(task)
    assert task.cancelled()


async def test_discord_beside_telegram_in_one_process(emu: DiscordEmulator, tmp_path: Path) -> None:
    async with TelegramEmulator() as tg:
        settings = Settings(
            _env_file=None,
            database_url=f"sqlite:///{tmp_path}/b.db",
            discord_bot_token=SecretStr(emu.token),
            telegram_bot_token=SecretStr(tg.token),
            telegram_api_base_url=tg.base_url,
        )
        task = asyncio.create_task(run(settings))
        try:
            await emu.wait_connected(timeout=15)
            emu.send_command(1, "/start")
            tg.send_command(2, "/start")
            [on_discord, *_] = await emu.wait_for_messages(1, 1, timeout=15)
            [on_telegram, *_] = await tg.wait_for_messages(2, 1, timeout=15)
            assert "Rekindle" in on_discord.visible and "Rekindle" in on_telegram.body
        finally:
            await _stop(task)
