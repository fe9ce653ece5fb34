"""The spec checks the emulators run on every request and update: each kind of mistake is caught,
and an emulator that saw one makes its test fail when it stops."""

from __future__ import annotations

import json

import pytest

from tests.emulators.discord import DiscordEmulator
from tests.emulators.specs import discord_spec, telegram_spec
from tests.emulators.telegram import TelegramEmulator

KEYBOARD = json.dumps({"inline_keyboard": [[{"text": "Yes", "callback_data": "3|yes"}]]})


def test_telegram_requests_are_read_as_the_bot_api_types_them() -> None:
    spec = telegram_spec()
    assert spec.check_request("sendMessage", {"chat_id": "42", "text": "hi", "reply_markup": KEYBOARD}) == []
    assert spec.check_request("sendPhoto", {"chat_id": "42", "photo": b"\x89PNG", "caption": "c"}) == []
    assert spec.check_request("getUpdates", {"offset": "7", "timeout": "0", "allowed_updates": '["message"]'}) == []
    assert spec.check_request("sendTelepathy", {}) == ["sendTelepathy: no such method in the Bot API"]
    assert spec.check_request("sendMessage", {"chat_id": "42"}) == [
        "sendMessage: required parameter 'text' is missing"
    ]
    assert spec.check_request("sendMessage", {"chat_id": "42", "text": "hi", "colour": "red"}) == [
        "sendMessage: unknown parameter 'colour'"
    ]
    assert spec.check_request("answerCallbackQuery", {"callback_query_id": "1", "show_alert": "maybe"}) == [
        "answerCallbackQuery.show_alert: expected Boolean, got 'maybe'"
    ]
    assert spec.check_request("sendMessage", {"chat_id": "42", "text": "x", "reply_markup": '{"rows": []}'}) == [
        "sendMessage.reply_markup: InlineKeyboardMarkup has no field 'rows'",
        "sendMessage.reply_markup: InlineKeyboardMarkup needs 'inline_keyboard'",
    ]


def test_telegram_limits_come_from_the_reference_text() -> None:
    spec = telegram_spec()
    assert spec.check_request("sendMessage", {"chat_id": "1", "text": "😀" * 2048}) == []  # 4096 UTF-16 units
    assert spec.check_request("sendMessage", {"chat_id": "1", "text": "😀" * 2049}) == [
        "sendMessage.text: 4098 characters, the spec allows 1-4096"
    ]
    data = json.dumps({"inline_keyboard": [[{"text": "b", "callback_data": "é" * 33}]]})
    assert spec.check_request("sendMessage", {"chat_id": "1", "text": "t", "reply_markup": data}) == [
        "sendMessage.reply_markup.inline_keyboard[0][0].callback_data: 66 bytes, the spec allows 1-64"
    ]


def test_telegram_updates_must_be_ones_telegram_could_send() -> None:
    spec = telegram_spec()
    message = {"message_id": 1, "date": 1, "chat": {"id": 5, "type": "private"}, "text": "hi"}
    assert spec.check_update({"update_id": 1, "message": message}) == []
    assert spec.check_update({"update_id": 1, "message": {**message, "date": "today"}}) == [
        "Update.message.date: expected Integer, got 'today'"
    ]
    undated = {k: v for k, v in message.items() if k != "date"}
    assert spec.check_update({"update_id": 1, "message": undated}) == ["Update.message: Message needs 'date'"]
    query = {"id": "9", "from": {"id": 5, "is_bot": False, "first_name": "A"}, "data": "1|x"}
    assert spec.check_update({"update_id": 2, "callback_query": query}) == [
        "Update.callback_query: CallbackQuery needs 'chat_instance'"
    ]


def test_discord_requests_follow_the_openapi_spec() -> None:
    spec = discord_spec()
    assert spec.check_request("POST", "/users/@me/channels", {}, {"recipient_id": "42"}) == []
    [number] = spec.check_request("POST", "/users/@me/channels", {}, {"recipient_id": 42})
    assert "recipient_id: 42 matches none" in number and "is not of type 'string'" in number
    assert spec.check_request("GET", "/guilds/1/shrubbery", {}, None) == [
        "GET /guilds/1/shrubbery: no such route in the spec"
    ]
    assert spec.check_request("DELETE", "/users/@me/channels", {}, None) == [
        "DELETE /users/@me/channels: no DELETE for this route in the spec"
    ]
    [extra] = spec.check_request("POST", "/channels/1/messages", {}, {"content": "hi", "colour": 3})
    assert "'colour' was unexpected" in extra
    assert spec.check_request("POST", "/interactions/1/t/callback", {"with_response": "1"}, {"type": 6}) == []
    assert spec.check_request("POST", "/interactions/1/t/callback", {"loud": "1"}, {"type": 6}) == [
        "POST /interactions/{interaction_id}/{interaction_token}/callback: unknown query parameter 'loud'"
    ]
    # A oneOf over callback types: the failure reported is the one in the branch the body meant.
    [tts] = spec.check_request("POST", "/interactions/1/t/callback", {}, {"type": 7, "data": {"tts": False}})
    assert tts.endswith("data: Additional properties are not allowed ('tts' was unexpected)")
    upload = {"content": "x", "attachments": [{"id": "0", "filename": "a.png"}]}
    assert spec.check_request("POST", "/channels/1/messages", {}, upload, ["files[0]"], multipart=True) == []
    [field] = spec.check_request("POST", "/channels/1/messages", {}, upload, ["file"], multipart=True)
    assert field.endswith("unknown upload field 'file'")


async def test_an_emulator_that_saw_a_violation_fails_its_test() -> None:
    telegram = TelegramEmulator()
    await telegram.start()
    telegram.enqueue({"update_id": 1, "message": {"message_id": 1, "chat": {"id": 1, "type": "private"}}})
    with pytest.raises(AssertionError, match=r"outside the Bot API .* Message needs 'date'"):
        await telegram.stop()

    discord = DiscordEmulator()
    await discord.start()
    discord.spec_violations.append("POST /users/@me/channels: recipient_id: 42 matches none")
    with pytest.raises(AssertionError, match="outside Discord's OpenAPI spec"):
        await discord.stop()
