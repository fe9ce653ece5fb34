"""An update is confirmed to Telegram only once the service recorded it: webhook answers and poll offsets."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.app import build_service
from bot.delivery import Sender
from bot.service import ChatService
from bot.store.base import UserKey
from dialogs.model import Event
from tests.adapters.telegram.conftest import FAST, EchoService, RunAdapter, free_port, telegram_settings
from tests.emulators.telegram import Fault, JSONDict, TelegramEmulator

SECRET = "hook-secret_2"
FAST_POLL = replace(FAST, poll_pause=0.02, poll_max_pause=0.25)


class Flaky:
    """Wraps a service. Per user id: wait at a gate first, answer "not recorded" (recording nothing),
    or raise, the given number of times before handing the event on."""

    def __init__(self, inner: ChatService | EchoService) -> None:
        self.inner = inner
        self.calls: list[str] = []  # event ids, one per call of handle
        self.gates: dict[str, asyncio.Event] = {}
        self.refuse: dict[str, int] = {}
        self.crash: dict[str, tuple[int, type[Exception]]] = {}

    def register_sender(self, sender: Sender) -> None:
        self.inner.register_sender(sender)

    async def deliver_pending(self, platform: str) -> object:
        return await self.inner.deliver_pending(platform)

    async def handle(self, event: Event) -> bool:
        self.calls.append(event.event_id)
        gate = self.gates.get(event.user_id)
        if gate is not None:
            await gate.wait()
        if self.refuse.get(event.user_id, 0) > 0:
            self.refuse[event.user_id] -= 1
            return False
        times, error = self.crash.get(event.user_id, (0, RuntimeError))
        if times > 0:
            self.crash[event.user_id] = (times - 1, error)
            raise error("the handler failed")
        return await self.inner.handle(event)


@pytest.fixture
async def service(tg: TelegramEmulator, tmp_path: Path) -> AsyncIterator[ChatService]:
    chat = await build_service(telegram_settings(tg, tmp_path))
    try:
        yield chat
    finally:
        await chat.close()


async def recorded(service: ChatService, user: int) -> list[str]:
    async with service.store.user(UserKey("telegram", str(user))) as tx:
        return [str(row["event_id"]) for row in (await tx.export())["processed_events"]]


async def start_webhook(run_adapter: RunAdapter, service: object) -> str:
    port = free_port()
    url = f"http://127.0.0.1:{port}/tg-hook"
    await run_adapter(
        service,
        telegram_webhook_url=url,
        telegram_webhook_listen="127.0.0.1",
        telegram_webhook_port=port,
        telegram_webhook_secret=SECRET,
    )
    return url


def start_command(tg: TelegramEmulator, user: int, update_id: int) -> JSONDict:
    entity = {"type": "bot_command", "offset": 0, "length": 6}
    return {"update_id": update_id, "message": tg.build_message(user, text="/start", entities=[entity])}


async def test_webhook_answers_200_only_once_the_event_is_recorded(
    service: ChatService, run_adapter: RunAdapter, tg: TelegramEmulator
) -> None:
    url = await start_webhook(run_adapter, service)
    tg.fail("sendMessage", Fault.slow(0.3))  # a 200 given on arrival would come long before this reply
    update = start_command(tg, 61, 500)
    assert await tg.post_update_to_webhook(url, update, SECRET) == 200
    assert await recorded(service, 61) == ["tg:u:500"]
    replies = [m.body for m in tg.messages(61)]
    assert replies and replies[0].startswith("Hi, I'm Rekindle")

    # Telegram lost our 200 and delivers it again: answered 200, nothing handled twice.
    assert await tg.post_update_to_webhook(url, update, SECRET) == 200
    assert await recorded(service, 61) == ["tg:u:500"]
    assert [m.body for m in tg.messages(61)] == replies


@pytest.mark.parametrize(("fault", "status"), [("refuse", 503), ("crash", 500)])
async def test_webhook_error_makes_telegram_deliver_again_and_it_is_handled_once(
    service: ChatService, run_adapter: RunAdapter, tg: TelegramEmulator, fault: str, status: int
) -> None:
    flaky = Flaky(service)
    if fault == "refuse":
        flaky.refuse["62"] = 1  # the database stayed unreachable once
    else:
        flaky.crash["62"] = (1, RuntimeError)
    await start_webhook(run_adapter, flaky)
    update = tg.send_command(62, "/start")  # the emulator pushes it, and again after an error
    await tg.wait_for(lambda: not tg.webhook_pending and bool(tg.messages(62)))
    event_id = f"tg:u:{update['update_id']}"
    assert tg.webhook_attempts == [(update["update_id"], status), (update["update_id"], 200)]
    assert flaky.calls == [event_id, event_id]
    assert await recorded(service, 62) == [event_id]
    await tg.wait_idle(0.1)
    bodies = [m.body for m in tg.messages(62)]
    assert bodies[0].startswith("Hi, I'm Rekindle") and len(set(bodies)) == len(bodies)


async def test_polling_confirms_an_update_only_after_it_was_handled(
    run_adapter: RunAdapter, tg: TelegramEmulator
) -> None:
    inner = EchoService()
    flaky = Flaky(inner)
    gate = flaky.gates["1"] = asyncio.Event()
    await run_adapter(flaky)
    slow = tg.send_text(1, "slow")
    fast = tg.send_text(2, "fast")
    try:
        await tg.wait_for_messages(2, 1)  # one slow user holds nobody else up
        polls = len(tg.method_calls("getUpdates"))
        await tg.wait_for(lambda: len(tg.method_calls("getUpdates")) >= polls + 3)
        # Telegram still holds both: the first is being handled, and an offset cannot skip it.
        assert tg.unconfirmed == [slow["update_id"], fast["update_id"]]
    finally:
        gate.set()  # else stopping the adapter would wait for the held update forever
    await tg.wait_for_messages(1, 1)
    await tg.wait_for(lambda: not tg.unconfirmed)
    assert sorted(e.event_id for e in inner.events) == [
        f"tg:u:{slow['update_id']}",
        f"tg:u:{fast['update_id']}",
    ]
    assert [m.text for m in tg.messages(1) + tg.messages(2)] == ["text:slow", "text:fast"]


async def test_polling_an_update_the_database_did_not_take_comes_again_after_a_restart(
    service: ChatService, run_adapter: RunAdapter, tg: TelegramEmulator
) -> None:
    flaky = Flaky(service)
    flaky.refuse["3"] = 1_000_000  # the database is out of reach during the whole first run
    first = await run_adapter(flaky)
    update = tg.send_command(3, "/start")
    event_id = f"tg:u:{update['update_id']}"
    await tg.wait_for(lambda: flaky.calls.count(event_id) >= 2)  # tried again while running
    await first.stop()
    assert tg.unconfirmed == [update["update_id"]]
    assert await recorded(service, 3) == []

    await run_adapter(service)  # back, with the database reachable
    await tg.wait_for(lambda: not tg.unconfirmed and bool(tg.messages(3)))
    assert await recorded(service, 3) == [event_id]
    assert tg.messages(3)[0].body.startswith("Hi, I'm Rekindle")


async def test_polling_retries_a_lost_connection_but_gives_up_an_update_that_keeps_raising(
    run_adapter: RunAdapter, tg: TelegramEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    inner = EchoService()
    flaky = Flaky(inner)
    flaky.crash["4"] = (1_000_000, RuntimeError)  # a bug: this update can never be handled
    flaky.crash["5"] = (4, ConnectionError)  # the store lost its connection four times, then it was back
    await run_adapter(flaky)
    with caplog.at_level(logging.ERROR):
        poison = tg.send_text(4, "poison")
        lost = tg.send_text(5, "patience")
        after = tg.send_text(6, "after")
        await tg.wait_for(lambda: not tg.unconfirmed, timeout=10)
    assert flaky.calls.count(f"tg:u:{poison['update_id']}") == 3
    assert flaky.calls.count(f"tg:u:{lost['update_id']}") == 5
    assert [m.text for m in tg.messages(5) + tg.messages(6)] == ["text:patience", "text:after"]
    assert tg.messages(4) == [] and after["update_id"] > poison["update_id"]
    assert any("given up" in r.getMessage() for r in caplog.records)


async def test_polling_waits_instead_of_asking_every_pause_while_an_update_is_in_hand(
    run_adapter: RunAdapter, tg: TelegramEmulator
) -> None:
    """An update that takes long must not turn polling into a getUpdates call every `pause` (one run
    made 192 of its 211 calls that way in 30 s): looks for new updates back off while nothing new
    comes, and the update is confirmed as soon as it is done."""
    inner = EchoService()
    flaky = Flaky(inner)
    gate = flaky.gates["7"] = asyncio.Event()
    await run_adapter(flaky, FAST_POLL)
    held = tg.send_text(7, "slow")
    try:
        await tg.wait_for(lambda: flaky.calls == [f"tg:u:{held['update_id']}"])
        start = len(tg.method_calls("getUpdates"))
        await asyncio.sleep(0.6)
        tg.send_text(8, "meanwhile")  # another person is still answered while the first waits
        await tg.wait_for_messages(8, 1)
        await asyncio.sleep(0.6)
        looks = len(tg.method_calls("getUpdates")) - start
    finally:
        gate.set()
    await tg.wait_for(lambda: not tg.unconfirmed)
    # A look every 20 ms would be about 60 here; doubling from 20 ms to 250 ms is at most a dozen.
    assert looks <= 14, looks
    assert [m.text for m in tg.messages(7)] == ["text:slow"]
