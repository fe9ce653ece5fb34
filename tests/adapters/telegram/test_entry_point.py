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


async def _interrupt(proc: asyncio.subprocess.Process) -> bytes:
    """Ctrl-C the bot (killing it if it hangs) and return everything it printed."""
    if proc.returncode is None:
        proc.send_signal(signal.SIGINT)
    try:
        output, _ = await asyncio.wait_for(proc.communicate(), 20)
    except TimeoutError:
        proc.kill()
        output, _ = await proc.communicate()
    return output


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
        output = await _interrupt(proc)
    log = output.decode(errors="replace")
    assert proc.returncode == 0, log[-2000:]
    assert "getUpdates" in log or "Telegram" in log or "telegram" in log, log[-2000:]
    assert tg.token not in log and tg.token.split(":")[1] not in log
    if level != "DEBUG":
        assert PRIVATE not in log  # what people write is never logged above DEBUG


async def _seed_due_user(db: Path, user_id: str) -> None:
    """Someone past intake whose daily check-in fell due an hour ago, at midday where they live."""
    from datetime import UTC, datetime, timedelta

    from bot.crypto import Cipher
    from bot.store.base import UserKey
    from bot.store.sqlite import open_sqlite
    from dialogs import calendar
    from dialogs.state import UserState

    now = datetime.now(UTC)
    shift = max(-12, min(12, now.hour - 13))  # a zone where it is about 13:00, clear of quiet hours
    zone = "Etc/UTC" if shift == 0 else f"Etc/GMT{shift:+d}"
    local_now = now.astimezone(__import__("zoneinfo").ZoneInfo(zone))
    state = UserState()
    state.screen = "menu"
    state.consented_at = now - timedelta(days=10)
    state.profile.timezone = zone
    state.checkins.time = (local_now - timedelta(hours=1)).time().replace(second=0, microsecond=0)
    state.checkins.time_set_at = now - timedelta(days=10)
    state.checkins.last_sent_on = state.checkins.last_answered_on = local_now.date() - timedelta(days=1)
    due = calendar.next_checkin(state, now - timedelta(hours=2))
    assert due is not None and due.at <= now
    store = await open_sqlite(db, Cipher(None))
    try:
        async with store.user(UserKey("telegram", user_id)) as tx:
            await tx.save_state(state.model_dump_json(), now - timedelta(hours=2), due)
    finally:
        await store.close()


async def test_the_scheduler_process_sends_check_ins_and_takes_no_updates(
    tg: TelegramEmulator, tmp_path: Path
) -> None:
    await _seed_due_user(tmp_path / "bot.db", "4242")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DISCORD_", "DATABASE_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=tg.token,
        TELEGRAM_API_BASE_URL=tg.base_url,
        DATABASE_URL=f"sqlite:///{tmp_path}/bot.db",
        DISPATCH_INTERVAL_SECONDS="0.5",
        PYTHONPATH=str(ROOT),
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "scheduler", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    try:
        [checkin] = await tg.wait_for_messages(4242, 1, timeout=30)
        tg.send_command(4242, "/help")  # nobody in this process listens for it
        await asyncio.sleep(1.0)
    finally:
        output = await _interrupt(proc)
    assert proc.returncode == 0, output.decode(errors="replace")[-2000:]
    assert "How is your mood right now" in checkin.body
    assert len(tg.messages(4242)) == 1, "the /help waits for a worker that takes updates"
    called = {method for method, _ in tg.calls}
    assert not called & {"getUpdates", "setWebhook", "deleteWebhook", "setMyCommands"}, called
