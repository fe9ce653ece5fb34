"""Two worker processes on one database, both handling the same person's updates (a load balancer
does not know who is who): every reply arrives once, in the order its step committed."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.app import build_service
from bot.config import Settings
from bot.service import ChatService
from bot.store.base import UserKey
from dialogs.model import Event, EventKind, Reply
from tests.faults.kit import database, handled_event_ids
from tests.service_kit import FakeClock
from tests.store.conftest import BACKENDS

COMMANDS = ["start", "help", "about", "menu", "help", "about", "start", "menu"] * 3


class SlowSender:
    """Takes a while per message, like a real network, so deliveries overlap the other worker's commits."""

    platform = "test"

    def __init__(self, name: str, log: list[tuple[str, str]]) -> None:
        self.name, self.log = name, log

    async def send(
        self, user_id: str, reply: Reply, image: bytes | None = None, files: Sequence[tuple[str, bytes]] = ()
    ) -> None:
        await asyncio.sleep(0.005)
        self.log.append((self.name, reply.text))


def _event(i: int, command: str, clock: FakeClock) -> Event:
    return Event(
        kind=EventKind.COMMAND, platform="test", user_id="u1", event_id=f"c{i}", at=clock(), command=command
    )


async def _worker(url: str, clock: FakeClock, name: str, log: list[tuple[str, str]]) -> ChatService:
    service = await build_service(Settings(_env_file=None, database_url=url), clock=clock)
    service.register_sender(SlowSender(name, log))
    return service


async def _committed(worker: ChatService, event_id: str) -> None:
    for _ in range(5000):
        if event_id in (await handled_event_ids(worker.store, [UserKey("test", "u1")]))["u1"]:
            return
        await asyncio.sleep(0.001)
    raise AssertionError(f"{event_id} was never committed")


@pytest.mark.parametrize("backend", BACKENDS)
async def test_two_workers_send_each_reply_once_and_in_order(backend: str, tmp_path: Path) -> None:
    clock = FakeClock()
    reference_log: list[tuple[str, str]] = []
    (tmp_path / "ref").mkdir()
    reference = await _worker(f"sqlite:///{tmp_path / 'ref' / 'bot.db'}", clock, "ref", reference_log)
    try:
        for i, command in enumerate(COMMANDS):
            assert await reference.handle(_event(i, command, clock))
    finally:
        await reference.close()
    expected = [text for _, text in reference_log]

    url = await database(backend, tmp_path)
    log: list[tuple[str, str]] = []
    workers = [await _worker(url, clock, name, log) for name in ("a", "b")]
    try:
        tasks = []
        for i, command in enumerate(COMMANDS):
            tasks.append(asyncio.create_task(workers[i % 2].handle(_event(i, command, clock))))
            # The next update comes once this one is committed, usually while it is still being sent.
            await _committed(workers[0], f"c{i}")
        assert all(await asyncio.gather(*tasks))
        for worker in workers:
            await worker.deliver_pending("test")
        assert [text for _, text in log] == expected
        assert await workers[0].store.pending(UserKey("test", "u1")) == []
    finally:
        for worker in workers:
            await worker.close()
