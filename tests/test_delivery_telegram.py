"""The delivery rules end to end on Telegram: real service and store, real PTB, the emulator over HTTP.

With any journal entry, /journal used to fail in the adapter ("a reply with buttons must carry a
nonce") and every later reply for that person, crisis help included, waited minutes behind it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.adapters.telegram import TelegramAdapter
from bot.app import build_service
from bot.config import Settings
from bot.service import ChatService
from bot.store.base import UserKey
from dialogs.state import UserState
from tests.adapters.telegram.conftest import FAST
from tests.emulators.telegram import Fault, TelegramEmulator

USER = 3131
ENTRY = "the walk by the river where it ended"
MENU = "What would you like to do?"


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[tuple[TelegramEmulator, ChatService]]:
    async with TelegramEmulator() as tg:
        settings = Settings(
            _env_file=None,
            database_url=f"sqlite:///{tmp_path}/bot.db",
            telegram_bot_token=SecretStr(tg.token),
            telegram_api_base_url=tg.base_url,
        )
        service = await build_service(settings)
        await _seed(service)
        adapter = TelegramAdapter(settings, service, FAST)
        await adapter.start()
        try:
            yield tg, service
        finally:
            await adapter.stop()
            await service.close()


async def outbox_empties(service: ChatService) -> None:
    """The emulator has the message a moment before the service records it as delivered."""
    for _ in range(500):
        if not await service.store.pending(UserKey("telegram", str(USER))):
            return
        await asyncio.sleep(0.02)
    raise AssertionError("a reply stayed in the outbox")


async def _seed(service: ChatService) -> None:
    """Someone past intake, at the menu, with one journal entry."""
    now = datetime.now(UTC)
    state = UserState()
    state.screen = "menu"
    state.consented_at = now - timedelta(days=3)
    state.last_seen = now - timedelta(hours=1)
    state.profile.name = "Robin"
    async with service.store.user(UserKey("telegram", str(USER))) as tx:
        await tx.save_state(state.model_dump_json(), now, None)
        await tx.add_journal(now - timedelta(days=1), "reflection", "", ENTRY)


async def test_journal_page_arrives_with_working_buttons(bot: tuple[TelegramEmulator, ChatService]) -> None:
    tg, service = bot
    tg.send_command(USER, "/journal")
    await tg.wait_for(lambda: any(ENTRY in m.body for m in tg.messages(USER)), timeout=10)
    page = next(m for m in tg.messages(USER) if ENTRY in m.body)
    assert page.labels == ["Back", "Menu"]
    tg.click(USER, "^Menu$", message_id=page.message_id)
    await tg.wait_for(lambda: MENU in tg.last_message(USER).body, timeout=10)
    await outbox_empties(service)


async def test_a_bad_request_is_answered_kindly_and_the_next_reply_does_not_wait(
    bot: tuple[TelegramEmulator, ChatService],
) -> None:
    tg, service = bot
    tg.fail("sendMessage", Fault(400, "Bad Request: message is too long", chat_id=USER))
    tg.send_command(USER, "/help")
    await tg.wait_for(lambda: any("didn't go through" in m.body for m in tg.messages(USER)), timeout=10)
    tg.send_command(USER, "/menu")
    await tg.wait_for(lambda: MENU in tg.last_message(USER).body, timeout=10)
    # Telegram saw the help once (refused), the fallback, and the menu: nothing was retried.
    assert len(tg.method_calls("sendMessage")) == 3
    await outbox_empties(service)
