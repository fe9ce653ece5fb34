"""A bot worker as its own process, for the fault tests: the real ChatService on the real store.

    python -m tests.faults.worker chat  DB_URL INBOX ACKS SENT [DELAY]
    python -m tests.faults.worker sweep DB_URL NOW_ISO SENT [DELAY]

`chat` reads events from INBOX (JSON lines) the way a platform hands them out: at least once.
It resumes after the last line recorded in ACKS and records a line only once `handle` returned,
so a worker killed mid-event gets that event again after a restart, as Telegram redelivers an
update whose offset was not confirmed. `sweep` runs one dispatcher tick at NOW_ISO.
Every reply the service sends is appended to SENT as one JSON line, written before `send`
returns, so a kill -9 never loses a line that was reported as sent.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.config import load_settings
from bot.scheduler import Dispatcher
from bot.service import ChatService
from dialogs.model import Event, EventKind, Reply

PLATFORM = "fault"


class FileSender:
    """Delivers by appending to a file; O_APPEND keeps each line whole even across processes."""

    platform = PLATFORM

    def __init__(self, path: Path, delay: float) -> None:
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._delay = delay

    async def send(
        self, user_id: str, reply: Reply, image: bytes | None = None, files: Sequence[tuple[str, bytes]] = ()
    ) -> None:
        if self._delay:
            await asyncio.sleep(self._delay)
        line = json.dumps({"user": user_id, "text": reply.text, "pid": os.getpid()}) + "\n"
        os.write(self._fd, line.encode())


@dataclass
class EventClock:
    """The service's clock reads the time of the event being handled, so every run is repeatable."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


def inbox_event(line: str) -> Event:
    data = json.loads(line)
    kind = EventKind.COMMAND if data["text"].startswith("/") else EventKind.TEXT
    command, _, args = data["text"].removeprefix("/").partition(" ")
    return Event(
        kind=kind,
        platform=PLATFORM,
        user_id=data["user"],
        event_id=data["id"],
        at=datetime.fromisoformat(data["at"]),
        text=args if kind == EventKind.COMMAND else data["text"],
        command=command if kind == EventKind.COMMAND else "",
    )


async def build(db_url: str, sent: Path, delay: float, clock: EventClock) -> ChatService:
    from bot.app import build_service

    service = await build_service(load_settings(database_url=db_url, rekindle_data_key=None), clock=clock)
    service.register_sender(FileSender(sent, delay))
    return service


def _read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


async def chat(db_url: str, inbox: Path, acks: Path, sent: Path, delay: float) -> int:
    lines, done = _read_lines(inbox), len(_read_lines(acks))
    clock = EventClock(datetime.fromisoformat(json.loads(lines[0])["at"]))
    service = await build(db_url, sent, delay, clock)
    try:
        await service.deliver_pending(PLATFORM)  # what a killed worker committed but did not send
        with acks.open("a", encoding="utf-8") as ack_file:
            for number in range(done, len(lines)):
                event = inbox_event(lines[number])
                clock.now = event.at
                await service.handle(event)
                ack_file.write(f"{number}\n")
                ack_file.flush()
    finally:
        await service.close()
    return len(lines) - done


async def sweep(db_url: str, now: datetime, sent: Path, delay: float) -> int:
    clock = EventClock(now)
    service = await build(db_url, sent, delay, clock)
    try:
        await service.deliver_pending(PLATFORM)
        result = await Dispatcher(service, service.store, clock=clock, batch_size=10, concurrency=4).tick()
    finally:
        await service.close()
    return result.claimed


def main(argv: list[str]) -> int:
    mode, db_url, *rest = argv
    if mode == "chat":
        inbox, acks, sent, *delay = rest
        handled = asyncio.run(chat(db_url, Path(inbox), Path(acks), Path(sent), float(delay[0]) if delay else 0.0))
    else:
        now, sent, *delay = rest
        handled = asyncio.run(sweep(db_url, datetime.fromisoformat(now), Path(sent), float(delay[0]) if delay else 0.0))
    print(f"handled {handled}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
