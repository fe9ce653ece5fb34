"""The adapter's lifecycle and inbound path, driven through the real Application against the emulator."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace

import aiohttp
import pytest

from bot.adapters.commands import load_commands
from bot.adapters.telegram.bursts import BurstLimits
from bot.adapters.telegram.logsafe import REDACTED
from dialogs.model import Button, Event, EventKind, Reply
from tests.adapters.telegram.conftest import FAST as FAST_TUNING
from tests.adapters.telegram.conftest import EchoService, RunAdapter, free_port
from tests.emulators.telegram import Fault, TelegramEmulator

CHOICE = Reply("Pick one", ((Button("Yes", "yes"), Button("No", "no")),), nonce=12)


def stepping_service() -> EchoService:
    """Like the engine: /start shows a prompt, and each press moves on to a new prompt (nonce + 1)."""
    nonces = iter(range(12, 100))

    def reply(event: Event) -> Reply:
        text = "Pick one" if event.command == "start" else f"{event.kind}:{event.button or event.text}"
        return Reply(text, CHOICE.buttons, nonce=next(nonces))

    return EchoService(reply)


def choice_service() -> EchoService:
    """Answers /start with a two-button prompt and anything else with a plain echo."""
    return EchoService(lambda e: CHOICE if e.command == "start" else Reply(f"{e.kind}:{e.button or e.text}"))


async def test_start_up_registers_commands_and_delivers_pending(
    run_adapter: RunAdapter, tg: TelegramEmulator
) -> None:
    service = EchoService()
    await run_adapter(service)
    # The menu is the shared command list (content/commands.yaml), as Discord's slash commands are.
    menu = [(c.name, c.description) for c in load_commands().on("telegram")]
    assert [(c["command"], c["description"]) for c in tg.commands] == menu
    assert {"start", "sos", "menu", "progress", "journal", "export", "delete"} <= {name for name, _ in menu}
    assert service.pending_calls == ["telegram"]
    assert [name for name, _ in tg.calls][:2] == ["getMe", "setMyCommands"]


async def test_every_kind_of_update_reaches_the_core(run_adapter: RunAdapter, tg: TelegramEmulator) -> None:
    service = EchoService()
    await run_adapter(service)
    tg.send_command(3, "/Start@rekindle_test_bot now")
    tg.send_text(3, "hello")
    tg.send_sticker(3)
    tg.send_voice(3)
    first = tg.send_text(3, "typo")
    tg.edit_text(3, first["message"]["message_id"], "typo fixed")
    await tg.wait_for_messages(3, 6)
    assert [(e.kind, e.command, e.text, e.media) for e in service.events] == [
        (EventKind.COMMAND, "start", "now", ""),
        (EventKind.TEXT, "", "hello", ""),
        (EventKind.MEDIA, "", "", "sticker"),
        (EventKind.MEDIA, "", "", "voice"),
        (EventKind.TEXT, "", "typo", ""),
        (EventKind.MEDIA, "", "typo fixed", "edited"),  # the new words, read for safety only
    ]


async def test_button_press_is_answered_first_and_its_keyboard_goes_once_newer_buttons_are_sent(
    run_adapter: RunAdapter, tg: TelegramEmulator
) -> None:
    service = stepping_service()
    await run_adapter(service)
    tg.send_command(4, "/start")
    await tg.wait_for_messages(4, 1)
    tg.click(4, "Yes")
    await tg.wait_for_messages(4, 2)
    await tg.wait_idle(0.1)
    names = [name for name, _ in tg.calls if name != "getUpdates"]
    # The spinner first; the used keyboard only after the next buttons are on screen.
    assert names[-3:] == ["answerCallbackQuery", "sendMessage", "editMessageReplyMarkup"]
    first, second = tg.messages(4)
    assert first.buttons == [] and second.text == "button:yes" and second.labels == ["Yes", "No"]
    assert service.events[-1].nonce == 12 and not tg.open_queries


async def test_late_answer_and_already_removed_keyboard_are_not_errors(
    run_adapter: RunAdapter, tg: TelegramEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    service = choice_service()
    await run_adapter(service)
    tg.send_command(4, "/start")
    await tg.wait_for_messages(4, 1)
    tg.fail("answerCallbackQuery", Fault.query_too_old())
    tg.fail("editMessageReplyMarkup", Fault.not_modified())
    with caplog.at_level(logging.WARNING):
        tg.click(4, "No")
        await tg.wait_for_messages(4, 2)
    assert tg.messages(4)[1].text == "button:no"
    assert [r for r in caplog.records if r.name.startswith("bot.")] == []


async def test_a_second_tap_on_an_unchanged_prompt_still_reaches_the_core(
    run_adapter: RunAdapter, tg: TelegramEmulator
) -> None:
    """When a press brings no new buttons the prompt is still the latest: a second press on it counts."""
    service = choice_service()
    await run_adapter(service)
    tg.send_command(4, "/start")
    await tg.wait_for_messages(4, 1)
    tg.click(4, "Yes")
    tg.click(4, "Yes")
    await tg.wait_for_messages(4, 3)
    presses = [e for e in service.events if e.kind == EventKind.BUTTON]
    assert [(e.nonce, e.button) for e in presses] == [(12, "yes"), (12, "yes")]
    assert len(tg.callback_answers) == 2
    assert tg.messages(4)[0].labels == ["Yes", "No"]  # no newer buttons: these stay


async def test_polling_survives_network_trouble(run_adapter: RunAdapter, tg: TelegramEmulator) -> None:
    service = EchoService()
    await run_adapter(service)
    await tg.wait_for(lambda: len(tg.method_calls("getUpdates")) >= 1)
    tg.fail("getUpdates", Fault.dropped(delivered=False), Fault.server_error(502), Fault.slow(4.0))
    tg.send_text(2, "still there?")
    await tg.wait_for_messages(2, 1, timeout=20)
    assert tg.messages(2)[0].text == "text:still there?"


async def test_one_user_in_order_many_users_at_once(run_adapter: RunAdapter, tg: TelegramEmulator) -> None:
    service = EchoService()
    await run_adapter(service, replace(FAST_TUNING, bursts=BurstLimits(max_messages=1)))  # each text alone
    users = range(1000, 1100)
    for i in range(20):
        for user in users:
            tg.send_text(user, f"{i}")
    for user in users:
        sent = await tg.wait_for_messages(user, 20, timeout=60)
        assert [m.text for m in sent] == [f"text:{i}" for i in range(20)]


async def test_token_never_reaches_the_logs(
    run_adapter: RunAdapter, tg: TelegramEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    service = EchoService()
    await run_adapter(service)
    # The adapter quiets httpx; turn every HTTP client's logger up to prove the redaction holds even then.
    for client in ("httpx", "aiohttp"):
        caplog.set_level(logging.DEBUG, logger=client)
    tg.fail("getUpdates", Fault.dropped(delivered=False))
    tg.fail("sendMessage", Fault.server_error(500), Fault.forbidden())
    tg.send_text(2, "my secret diary line")
    tg.send_text(3, "another private thought")
    await tg.wait_for(lambda: len(service.outcomes) == 2, timeout=10)
    text = caplog.text
    assert f"/bot{REDACTED}" in text  # the Bot API's URL was logged, scrubbed
    assert tg.token not in text and tg.token.split(":")[1] not in text
    loud = [r for r in caplog.records if r.levelno > logging.DEBUG]
    assert not any("diary" in r.getMessage() or "private thought" in r.getMessage() for r in loud)


async def test_webhook_mode_checks_the_secret(run_adapter: RunAdapter, tg: TelegramEmulator) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/tg-hook"
    service = stepping_service()
    await run_adapter(service, telegram_webhook_url=url, telegram_webhook_listen="127.0.0.1",
                      telegram_webhook_port=port, telegram_webhook_secret="hook-secret_1")
    assert tg.webhook == {"url": url, "secret_token": "hook-secret_1"}
    tg.send_command(6, "/start")  # pushed to the webhook with the secret, as Telegram does
    await tg.wait_for_messages(6, 1)

    forged = {"update_id": 999, "message": tg.build_message(6, text="let me in")}
    assert await tg.post_update_to_webhook(url, forged) == 403
    assert await tg.post_update_to_webhook(url, forged, secret_token="wrong") == 403
    await asyncio.sleep(0.3)
    assert [e.text for e in service.events] == [""] and len(tg.messages(6)) == 1

    assert await tg.post_update_to_webhook(url, forged, secret_token="hook-secret_1") == 200
    await tg.wait_for_messages(6, 2)
    assert tg.messages(6)[1].text == "text:let me in"
    tg.click(6, "Yes")
    await tg.wait_for_messages(6, 3)
    await tg.wait_for(lambda: tg.messages(6)[1].buttons == [])
    assert tg.messages(6)[2].text == "button:yes"
    assert tg.method_calls("getUpdates") == []


async def test_webhook_mode_makes_up_a_secret_when_none_is_set(
    run_adapter: RunAdapter, tg: TelegramEmulator
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/hook"
    await run_adapter(EchoService(), telegram_webhook_url=url, telegram_webhook_port=port)
    secret = tg.webhook["secret_token"]
    assert secret and len(secret) >= 32
    assert await tg.post_update_to_webhook(url, {"update_id": 1}) == 403


async def test_webhook_refuses_a_body_that_is_not_an_update(run_adapter: RunAdapter, tg: TelegramEmulator) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/hook"
    service = EchoService()
    await run_adapter(service, telegram_webhook_url=url, telegram_webhook_port=port, telegram_webhook_secret="s-1")
    headers = {"X-Telegram-Bot-Api-Secret-Token": "s-1", "Content-Type": "application/json"}
    async with aiohttp.ClientSession() as session:
        for body in (b"{not json", b"[1, 2]", b'{"message": "no update_id"}'):
            async with session.post(url, data=body, headers=headers) as resp:
                assert resp.status == 400, body
    assert service.events == []


async def test_a_500_from_telegram_is_one_log_line_not_a_traceback(
    run_adapter: RunAdapter, tg: TelegramEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    tg.fail("setMyCommands", Fault.server_error(500))
    tg.fail("getUpdates", Fault.server_error(500))
    tg.fail("answerCallbackQuery", Fault.server_error(500))
    with caplog.at_level(logging.WARNING):
        await run_adapter(choice_service(), replace(FAST_TUNING, poll_timeout=0.2))
        tg.send_command(31, "/start")
        await tg.wait_for_messages(31, 1, timeout=10)
        tg.click(31, "^Yes$")
        await tg.wait_for_messages(31, 2)
        await tg.wait_idle(0.2)
    loud = [r for r in caplog.records if r.levelno >= logging.WARNING and r.name.startswith(("bot", "telegram"))]
    assert len(loud) == 3, [r.getMessage() for r in loud]
    for record in loud:
        assert record.exc_info is None and "\n" not in record.getMessage()
