"""SIGTERM in the middle of a burst: the bot stops taking updates, finishes those in hand, delivers the
outbox and closes the store; after a restart every update is answered once, none twice.

`python -m bot` runs as its own process against the Telegram emulator in this one, polling or behind
its webhook. Every update is queued before the bot starts and Telegram's replies are slowed down,
so the SIGTERM lands while updates are being handled and more are waiting.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from bot.adapters.telegram import TelegramAdapter
from bot.app import build_service
from bot.config import load_settings
from bot.store.base import UserKey
from tests.adapters.telegram.conftest import free_port
from tests.emulators.telegram import Fault, TelegramEmulator
from tests.faults.kit import ROOT, handled_event_ids, open_db, pending_count
from tests.faults.telegram_worker import TUNING

USERS = list(range(501, 511))
SCRIPT = ["/start", "/help", "/menu"]  # three replies each: inside Telegram's per-chat burst
STOP_AFTER = 8  # replies Telegram has seen before the SIGTERM
SECRET = "graceful_stop-secret"
KEYS = [UserKey("telegram", str(user)) for user in USERS]


def send_script(tg: TelegramEmulator) -> dict[str, list[str]]:
    ids: dict[str, list[str]] = {str(user): [] for user in USERS}
    for text in SCRIPT:
        for user in USERS:
            update = tg.send_command(user, text)
            ids[str(user)].append(f"tg:u:{update['update_id']}")
    return ids


def transcripts(tg: TelegramEmulator) -> dict[int, list[str]]:
    return {user: [m.body for m in tg.messages(user)] for user in USERS}


async def reference(tmp_path: Path) -> dict[int, list[str]]:
    """The same burst without a stop, in this process: what every user should end up with."""
    async with TelegramEmulator() as tg:
        settings = load_settings(
            database_url=f"sqlite:///{tmp_path / 'reference.db'}",
            rekindle_data_key=None,
            telegram_bot_token=tg.token,
            telegram_api_base_url=tg.base_url,
        )
        service = await build_service(settings)
        adapter = TelegramAdapter(settings, service, TUNING)
        try:
            send_script(tg)
            await adapter.start()
            await tg.wait_for(lambda: not tg.unconfirmed, timeout=30)
            await tg.wait_idle(0.1)
        finally:
            await adapter.stop()
            await service.close()
        return transcripts(tg)


async def start_bot(tg: TelegramEmulator, db: Path, log: Path, webhook_port: int | None) -> asyncio.subprocess.Process:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "DISCORD_", "DATABASE_", "REKINDLE_"))
    }
    env.update(
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
        LOG_LEVEL="INFO",
        DATABASE_URL=f"sqlite:///{db}",
        TELEGRAM_BOT_TOKEN=tg.token,
        TELEGRAM_API_BASE_URL=tg.base_url,
        TELEGRAM_MESSAGES_PER_SECOND="1000",
    )
    if webhook_port is not None:
        env.update(
            TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{webhook_port}/hook",
            TELEGRAM_WEBHOOK_PORT=str(webhook_port),
            TELEGRAM_WEBHOOK_SECRET=SECRET,
        )
    with log.open("a") as out:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=db.parent, env=env, stdout=out, stderr=out,
        )  # fmt: skip


def tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:]


def _starts(log: Path) -> int:
    return log.read_text(errors="replace").count("Application started")


async def started(log: Path, runs: int) -> None:
    """Until the log says the bot has started `runs` times (its stop handling is in place by then)."""
    for _ in range(3000):
        if _starts(log) >= runs:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"the bot did not start:\n{tail(log)}")


async def sigterm(proc: asyncio.subprocess.Process, log: Path) -> None:
    proc.send_signal(signal.SIGTERM)
    await asyncio.wait_for(proc.wait(), 30)
    assert proc.returncode == 0, tail(log)


async def recorded(db: Path) -> dict[str, list[str]]:
    store = await open_db(f"sqlite:///{db}")
    try:
        return await handled_event_ids(store, KEYS)
    finally:
        await store.close()


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_sigterm_mid_burst_loses_nothing_and_handles_nothing_twice(mode: str, tmp_path: Path) -> None:
    reference_run = asyncio.create_task(reference(tmp_path))
    db, log = tmp_path / "bot.db", tmp_path / "bot.log"
    port = free_port() if mode == "webhook" else None
    bot: asyncio.subprocess.Process | None = None
    try:
        async with TelegramEmulator() as tg:
            tg.webhook_retry_delay = 0.02
            event_ids = send_script(tg)
            all_ids = {e for ids in event_ids.values() for e in ids}
            tg.fail("sendMessage", *[Fault.slow(0.15)] * 40)  # replies take a while: work stays in hand
            bot = await start_bot(tg, db, log, port)
            await tg.wait_for(lambda: sum(map(len, transcripts(tg).values())) >= STOP_AFTER, timeout=30)
            at_signal = sum(map(len, transcripts(tg).values()))
            await sigterm(bot, log)

            # Stopped in order: what was recorded was answered, the rest Telegram still holds.
            done = {e for ids in (await recorded(db)).values() for e in ids}
            held = {f"tg:u:{u}" for u in tg.webhook_pending + tg.unconfirmed}
            assert all_ids - done <= held, f"neither recorded nor held: {sorted(all_ids - done - held)}"
            assert not done & held, f"recorded, yet Telegram would deliver again: {sorted(done & held)}"
            store = await open_db(f"sqlite:///{db}")
            try:
                assert await pending_count(store, KEYS) == 0, "the outbox was delivered before the exit"
            finally:
                await store.close()
            stopped_at = sum(map(len, transcripts(tg).values()))

            bot = await start_bot(tg, db, log, port)
            await started(log, 2)
            expected = await reference_run
            await tg.wait_for(
                lambda: transcripts(tg) == expected and not tg.webhook_pending and not tg.unconfirmed, timeout=30
            )
            await tg.wait_idle(0.2)
            await sigterm(bot, log)
            got = transcripts(tg)
    finally:
        if bot is not None and bot.returncode is None:
            bot.kill()
            await bot.wait()
        if not reference_run.done():
            reference_run.cancel()
        await asyncio.gather(reference_run, return_exceptions=True)

    assert got == expected, "every update answered once: nothing lost, nothing repeated"
    total = sum(map(len, expected.values()))
    assert at_signal < stopped_at, "replies were still owed at the SIGTERM, and went out before the exit"
    assert stopped_at < total or mode == "polling", "webhook: the stop came after the burst"
    handled = await recorded(db)
    assert {u: sorted(ids) for u, ids in handled.items()} == {u: sorted(ids) for u, ids in event_ids.items()}
    text = log.read_text()
    assert "Traceback" not in text, tail(log)
    assert text.count("stopped") >= 2
    assert not (tmp_path / "bot.db-wal").exists() or (tmp_path / "bot.db-wal").stat().st_size == 0, (
        "the store was closed: its WAL folded in"
    )


# --- the other roles ------------------------------------------------------------------------------


def _env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "DISCORD_", "DATABASE_", "REKINDLE_"))
    }
    env.update(PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1", LOG_LEVEL="INFO", **extra)
    return env


async def test_sigterm_stops_the_scheduler_process_mid_sweep(tmp_path: Path) -> None:
    """`python -m bot scheduler`: claims nothing more, finishes the check-ins it started, sends them."""
    from tests.adapters.telegram.test_entry_point import _seed_due_user

    db, log = tmp_path / "bot.db", tmp_path / "scheduler.log"
    users = [str(7000 + i) for i in range(40)]
    for user in users:
        await _seed_due_user(db, user)
    async with TelegramEmulator() as tg:
        tg.fail("sendMessage", *[Fault.slow(0.2)] * 60)
        with log.open("a") as out:
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "scheduler", cwd=tmp_path, stdout=out, stderr=out,
                env=_env(DATABASE_URL=f"sqlite:///{db}", TELEGRAM_BOT_TOKEN=tg.token,
                         TELEGRAM_API_BASE_URL=tg.base_url, TELEGRAM_MESSAGES_PER_SECOND="1000"),
            )  # fmt: skip
        await tg.wait_for(lambda: sum(len(tg.messages(int(u))) for u in users) >= 3, timeout=30)
        await sigterm(proc, log)
        sent = {u: len(tg.messages(int(u))) for u in users}
    keys = [UserKey("telegram", u) for u in users]
    store = await open_db(f"sqlite:///{db}")
    try:
        handled = await handled_event_ids(store, keys)
        assert await pending_count(store, keys) == 0, "every check-in started was sent before the exit"
    finally:
        await store.close()
    checked_in = {u for u, ids in handled.items() if ids}
    assert {u for u, n in sent.items() if n} == checked_in, "sent exactly to those whose check-in was recorded"
    assert all(n == 1 for u, n in sent.items() if u in checked_in), "once each"
    assert len(checked_in) < len(users), "the stop came mid-sweep; the rest come back after their lease"
    assert "Traceback" not in tail(log)


async def test_sigterm_stops_the_terminal_chat_after_the_line_in_hand(tmp_path: Path) -> None:
    db = tmp_path / "chat.db"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "chat", cwd=tmp_path, env=_env(DATABASE_URL=f"sqlite:///{db}"),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(b"/start\n")
    await proc.stdin.drain()
    seen = b""
    while b"I'm 18+ and I agree" not in seen:
        seen += await asyncio.wait_for(proc.stdout.read(4096), 30)
    proc.send_signal(signal.SIGTERM)  # stdin stays open: the chat must not wait for another line
    out, err = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 0, err.decode()[-2000:]
    assert b"Traceback" not in out + err
    wal = tmp_path / "chat.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0, "the store was closed and its WAL folded in"


async def test_sigterm_stops_discord_after_the_event_in_hand(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In this process (discord.py is pointed at the emulator by patching), with a real SIGTERM."""
    from pydantic import SecretStr

    from bot.app import run
    from bot.config import Settings
    from tests.emulators.discord import DiscordEmulator, patch_discord
    from tests.emulators.discord import Fault as DiscordFault

    async with DiscordEmulator() as emu:
        patch_discord(monkeypatch, emu)
        settings = Settings(
            _env_file=None, database_url=f"sqlite:///{tmp_path}/d.db", discord_bot_token=SecretStr(emu.token)
        )
        bot = asyncio.create_task(run(settings, grace=5.0))
        await emu.wait_connected(timeout=15)
        emu.fail("POST /channels/{channel_id}/messages", DiscordFault.slow(0.5))
        emu.send_command(11, "/start")
        await emu.wait_for(lambda: bool(emu.route_calls("POST /channels/{channel_id}/messages")), timeout=15)
        os.kill(os.getpid(), signal.SIGTERM)  # the reply is on its way, slowly
        await asyncio.wait_for(bot, 30)
        assert not bot.cancelled()
        [welcome, *_] = emu.messages(11)
        assert "Rekindle" in welcome.visible
    store = await open_db(f"sqlite:///{tmp_path}/d.db")
    try:
        assert await pending_count(store, [UserKey("discord", "11")]) == 0
    finally:
        await store.close()
