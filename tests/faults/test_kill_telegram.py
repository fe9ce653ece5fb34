"""kill -9 a Telegram worker mid-conversation, restart it: every update is handled, none twice.

The worker runs the real adapter and service in its own process, against the emulator in this one.
The emulator behaves as Telegram does: a webhook update not answered 2xx is pushed again, and a
polled update stays until a higher offset confirms it. Everything each user sends is queued before
the worker starts, so the kill lands while updates are in flight and more are waiting.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from bot.adapters.telegram import TelegramAdapter
from bot.adapters.telegram.bursts import BurstLimits
from bot.app import build_service
from bot.config import load_settings
from bot.store.base import UserKey
from tests.adapters.telegram.conftest import free_port
from tests.emulators.telegram import TelegramEmulator
from tests.faults.kit import ROOT, START, collapse_repeats, handled_event_ids, open_db, pending_count
from tests.faults.kit import SCRIPT as FULL_SCRIPT
from tests.faults.telegram_worker import TUNING

USERS = [201, 202, 203, 204]
SECRET = "kill-test_secret"
SCRIPT = FULL_SCRIPT[:8]  # the progress chart is slow to draw and tells nothing here
KILL_AFTER = 3 * len(USERS)  # replies sent before the kill: a few steps into each conversation
KEYS = [UserKey("telegram", str(user)) for user in USERS]


def send_script(tg: TelegramEmulator) -> dict[str, list[str]]:
    """Queue the whole script for every user, users taking turns; returns each user's event ids."""
    ids: dict[str, list[str]] = {str(user): [] for user in USERS}
    for text in SCRIPT:
        for user in USERS:
            update = tg.send_command(user, text) if text.startswith("/") else tg.send_text(user, text)
            ids[str(user)].append(f"tg:u:{update['update_id']}")
    return ids


async def recorded(db_url: str) -> dict[str, list[str]]:
    """Event ids the store has recorded, per user."""
    store = await open_db(db_url)
    try:
        return await handled_event_ids(store, KEYS)
    finally:
        await store.close()


def transcripts(tg: TelegramEmulator) -> dict[int, list[str]]:
    return {user: [m.body for m in tg.messages(user)] for user in USERS}


async def reference(tmp_path: Path, mode: str) -> dict[int, list[str]]:
    """The same conversations without a fault, in this process, for the replies everyone should get.

    It polls; a webhook gets one person's updates one at a time, so there no texts fold into one.
    """
    tuning = TUNING if mode == "polling" else replace(TUNING, bursts=BurstLimits(max_messages=1))
    async with TelegramEmulator() as tg:
        settings = load_settings(
            database_url=f"sqlite:///{tmp_path / 'reference.db'}",
            rekindle_data_key=None,
            telegram_bot_token=tg.token,
            telegram_api_base_url=tg.base_url,
        )
        service = await build_service(settings, clock=lambda: START)
        adapter = TelegramAdapter(settings, service, tuning)
        try:
            send_script(tg)
            await adapter.start()
            await tg.wait_for(lambda: not tg.unconfirmed, timeout=30)
            await tg.wait_idle(0.1)
        finally:
            await adapter.stop()
            await service.close()
        return transcripts(tg)


def tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:] if log.exists() else ""


async def spawn_worker(args: list[str], log: Path) -> asyncio.subprocess.Process:
    """Start a worker process; it builds its service, says "built", then waits for `go`."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "DISCORD_", "DATABASE_", "REKINDLE_"))
    }
    env.update(PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1", LOG_LEVEL="WARNING")
    with log.open("a") as err:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.faults.telegram_worker", *args, env=env,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=err,
        )  # fmt: skip


async def go(proc: asyncio.subprocess.Process, log: Path) -> None:
    """Wait until the worker is built, then have it listen; returns once it does."""
    await expect(proc, b"built\n", log)
    assert proc.stdin is not None
    proc.stdin.write(b"go\n")
    await proc.stdin.drain()
    await expect(proc, b"ready\n", log)


async def expect(proc: asyncio.subprocess.Process, line: bytes, log: Path) -> None:
    assert proc.stdout is not None
    got = await asyncio.wait_for(proc.stdout.readline(), 30)
    assert got == line, tail(log)


@pytest.mark.parametrize("mode", ["webhook", "polling"])
async def test_a_killed_telegram_worker_loses_no_update(mode: str, tmp_path: Path) -> None:
    # The reference runs beside the faulted run: it is only needed at the end.
    reference_run = asyncio.create_task(reference(tmp_path, mode))
    db_url, log = f"sqlite:///{tmp_path / 'bot.db'}", tmp_path / "worker.log"
    workers: list[asyncio.subprocess.Process] = []
    try:
        async with TelegramEmulator() as tg:
            tg.webhook_retry_delay = 0.02
            event_ids = send_script(tg)
            all_ids = [e for ids in event_ids.values() for e in ids]
            args = [db_url, tg.base_url, tg.token] + ([str(free_port()), SECRET] if mode == "webhook" else [])
            workers.append(await spawn_worker(args, log))
            await expect(workers[0], b"built\n", log)  # the store exists before a second process opens it
            workers.append(await spawn_worker(args, log))  # the restart, warming up while the first works
            assert workers[0].stdin is not None
            workers[0].stdin.write(b"go\n")
            await expect(workers[0], b"ready\n", log)
            await tg.wait_for(lambda: sum(map(len, transcripts(tg).values())) >= KILL_AFTER, timeout=30)
            workers[0].send_signal(signal.SIGKILL)
            await workers[0].wait()
            # Whatever the dead worker had not recorded, Telegram must still hold, to deliver again.
            missing = set(all_ids) - {e for ids in (await recorded(db_url)).values() for e in ids}
            held = {f"tg:u:{update_id}" for update_id in tg.webhook_pending + tg.unconfirmed}
            assert missing, "the kill came too late to test anything"
            assert missing <= held, f"confirmed to Telegram but never recorded: {sorted(missing - held)}"

            await go(workers[1], log)
            expected = await reference_run
            total = sum(map(len, expected.values()))

            def caught_up() -> bool:
                got = transcripts(tg)
                return all(collapse_repeats(got[u])[0] == collapse_repeats(expected[u])[0] for u in USERS)

            await tg.wait_for(
                lambda: caught_up() and not tg.webhook_pending and not tg.unconfirmed, timeout=30
            )
            workers[1].send_signal(signal.SIGTERM)
            await asyncio.wait_for(workers[1].wait(), 20)
            assert workers[1].returncode == 0, tail(log)
            got = transcripts(tg)
    finally:
        for worker in workers:
            if worker.returncode is None:
                worker.kill()
                await worker.wait()
        if not reference_run.done():
            reference_run.cancel()
        await asyncio.gather(reference_run, return_exceptions=True)

    # A kill between a send and its "delivered" mark sends that reply again: one per user at most.
    doubled = sum(map(len, got.values())) - total
    assert 0 <= doubled <= len(USERS), f"{doubled} replies were sent twice after one kill"
    handled = await recorded(db_url)
    assert {user: sorted(ids) for user, ids in handled.items()} == {
        user: sorted(ids) for user, ids in event_ids.items()
    }
    store = await open_db(db_url)
    try:
        assert await pending_count(store, KEYS) == 0, "replies were left undelivered"
    finally:
        await store.close()
    assert "Traceback" not in tail(log)
