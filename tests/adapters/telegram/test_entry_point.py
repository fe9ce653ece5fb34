"""`python -m bot` with a Telegram token: a real process, talking to the emulator, logging no token."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.emulators.telegram import TelegramEmulator

PRIVATE = "my quiet words about Sam"
ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("level", ["DEBUG", "INFO"])
async def test_python_m_bot_runs_telegram(tg: TelegramEmulator, tmp_path: Path, level: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DISCORD_", "DATABASE_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=tg.token,
        TELEGRAM_API_BASE_URL=tg.base_url,
        DATABASE_URL=f"sqlite:///{tmp_path}/bot.db",
        LOG_LEVEL=level,
        PYTHONUNBUFFERED="1",
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=tmp_path, env={**env, "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    try:
        tg.send_command(77, "/start")
        sent = await tg.wait_for_messages(77, 1, timeout=30)
        assert sent[0].body.startswith("Hi, I'm Rekindle")
        assert "start" in [c["command"] for c in tg.commands]
        tg.send_text(77, PRIVATE)
        await tg.wait_for_messages(77, 2, timeout=30)
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGINT)
        try:
            output, _ = await asyncio.wait_for(proc.communicate(), 20)
        except TimeoutError:
            proc.kill()
            output, _ = await proc.communicate()
    log = output.decode(errors="replace")
    assert proc.returncode == 0, log[-2000:]
    assert "getUpdates" in log or "Telegram" in log or "telegram" in log, log[-2000:]
    assert tg.token not in log and tg.token.split(":")[1] not in log
    if level != "DEBUG":
        assert PRIVATE not in log  # what people write is never logged above DEBUG
