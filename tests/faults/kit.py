"""Helpers for the fault tests: start and kill worker processes, build inboxes, read what was sent."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import signal
import sys
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.crypto import Cipher
from bot.store.base import Store, UserKey
from bot.store.sqlite import open_sqlite
from dialogs import calendar
from dialogs.state import UserState
from tests.faults.worker import PLATFORM
from tests.store.conftest import PG_DSN

ROOT = Path(__file__).resolve().parents[2]
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SCRIPT = ["/start", "hi", "Sam", "/menu", "I keep thinking about them", "/journal", "ok", "/help",
          "/progress", "I wrote a long message and deleted it", "/menu", "thanks"]


def write_inbox(path: Path, users: list[str], script: list[str] = SCRIPT) -> list[str]:
    """Each user goes through the script; users take turns, as they would on a live bot."""
    ids = []
    with path.open("w", encoding="utf-8") as inbox:
        for round_, text in enumerate(script):
            for user in users:
                event_id = f"{user}-m{round_}"
                at = START + timedelta(seconds=len(ids))
                inbox.write(json.dumps({"user": user, "id": event_id, "at": at.isoformat(), "text": text}) + "\n")
                ids.append(event_id)
    return ids


def sent_lines(path: Path) -> list[dict[str, object]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def transcripts(path: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for line in sent_lines(path):
        out[str(line["user"])].append(str(line["text"]))
    return dict(out)


def collapse_repeats(texts: list[str]) -> tuple[list[str], int]:
    """Drop a reply that repeats the one just before it: a kill between send and 'delivered' resends it."""
    kept: list[str] = []
    for text in texts:
        if not kept or kept[-1] != text:
            kept.append(text)
    return kept, len(texts) - len(kept)


async def start_worker(*args: str, cwd: Path) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DISCORD_", "DATABASE_", "REKINDLE_"))}
    env.update(PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1", LOG_LEVEL="WARNING")
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.faults.worker", *args, cwd=cwd, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )


async def finish(proc: asyncio.subprocess.Process, within: float = 60) -> str:
    """Wait for a worker to end by itself and return its output; it must exit cleanly."""
    out, err = await asyncio.wait_for(proc.communicate(), within)
    text = out.decode() + err.decode()
    assert proc.returncode == 0, text[-3000:]
    return text


async def kill_when(proc: asyncio.subprocess.Process, sent: Path, lines: int, within: float = 60) -> None:
    """SIGKILL the worker once SENT has at least `lines` lines: mid-conversation, mid-sweep."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while len(sent_lines(sent)) < lines:
        assert proc.returncode is None, "the worker ended before it could be killed"
        assert loop.time() < deadline, "the worker made no progress"
        await asyncio.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    await proc.wait()
    assert proc.returncode == -signal.SIGKILL


async def database(backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'bot.db'}"
    from tests.store.pg import fresh_database

    return await fresh_database(PG_DSN)


async def open_db(url: str) -> Store:
    if url.startswith("sqlite:///"):
        return await open_sqlite(Path(url.removeprefix("sqlite:///")), Cipher(None))
    from bot.store.postgres import open_postgres

    return await open_postgres(url, Cipher(None))


async def seed_due(store: Store, users: int, now: datetime) -> list[UserKey]:
    """Users past intake who want a check-in at 09:00 UTC and had yesterday's."""
    keys = []
    for i in range(users):
        state = UserState()
        state.screen = "menu"
        state.consented_at = now - timedelta(days=10)
        state.profile.timezone = "UTC"
        state.checkins.time = dt.time(9, 0)
        state.checkins.time_set_at = now - timedelta(days=10)
        state.checkins.last_sent_on = state.checkins.last_answered_on = now.date() - timedelta(days=1)
        key = UserKey(PLATFORM, f"user{i}")
        async with store.user(key) as tx:
            await tx.save_state(state.model_dump_json(), now - timedelta(hours=4),
                                calendar.next_checkin(state, now - timedelta(hours=4)))
        keys.append(key)
    return keys


async def handled_event_ids(store: Store, keys: list[UserKey]) -> dict[str, list[str]]:
    out = {}
    for key in keys:
        async with store.user(key) as tx:
            out[key.user_id] = [str(r["event_id"]) for r in (await tx.export())["processed_events"]]
    return out


async def pending_count(store: Store, keys: list[UserKey]) -> int:
    return sum([len(await store.pending(key)) for key in keys])


__all__ = [
    "PLATFORM", "ROOT", "START", "collapse_repeats", "database", "finish", "handled_event_ids", "kill_when",
    "open_db", "pending_count", "seed_due", "sent_lines", "start_worker", "transcripts", "write_inbox",
]
