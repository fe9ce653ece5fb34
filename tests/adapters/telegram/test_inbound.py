"""Update -> Event translation, on real `telegram.Update` objects built from Bot API JSON."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from telegram import Update

from bot.adapters.telegram.inbound import to_event, user_key
from dialogs.model import EventKind
from tests.emulators.telegram import BASE_TIME, TelegramEmulator


@pytest.fixture
def tg() -> TelegramEmulator:
    return TelegramEmulator()  # used only to build payloads; no server is started


def parse(raw: dict[str, Any]) -> Update:
    update = Update.de_json(raw, None)
    assert update is not None
    return update


def test_text_message(tg: TelegramEmulator) -> None:
    event = to_event(parse(tg.send_text(42, "I miss them")))
    assert event is not None
    assert (event.kind, event.text) == (EventKind.TEXT, "I miss them")
    assert (event.user_id, event.platform) == ("42", "telegram")
    assert event.event_id == "tg:u:1"
    assert event.at == datetime.fromtimestamp(BASE_TIME, UTC) and event.at.tzinfo is not None


@pytest.mark.parametrize(
    ("text", "command", "args"),
    [
        ("/start", "start", ""),
        ("/Start@rekindle_test_bot", "start", ""),
        ("/journal  last week ", "journal", "last week"),
        ("/CHECKIN\nfeeling low", "checkin", "feeling low"),
    ],
)
def test_commands(tg: TelegramEmulator, text: str, command: str, args: str) -> None:
    event = to_event(parse(tg.send_command(1, text)))
    assert event is not None
    assert (event.kind, event.command, event.text) == (EventKind.COMMAND, command, args)


def test_slash_without_command_entity_is_plain_text(tg: TelegramEmulator) -> None:
    event = to_event(parse(tg.send_text(1, "/ not a command")))
    assert event is not None and event.kind == EventKind.TEXT and event.text == "/ not a command"


def test_button_press_carries_nonce_and_value(tg: TelegramEmulator) -> None:
    raw = tg.click_data(5, _bot_message(tg, 5), "17|yes")
    event = to_event(parse(raw))
    assert event is not None
    assert (event.kind, event.nonce, event.button, event.user_id) == (EventKind.BUTTON, 17, "yes", "5")


@pytest.mark.parametrize("data", ["garbage", "|yes", "x|y", "12|"])
def test_undecodable_button_becomes_an_expired_press(tg: TelegramEmulator, data: str) -> None:
    event = to_event(parse(tg.click_data(5, _bot_message(tg, 5), data)))
    assert event is not None
    assert (event.kind, event.nonce, event.button) == (EventKind.BUTTON, None, "")


@pytest.mark.parametrize(
    ("send", "media"),
    [
        (TelegramEmulator.send_sticker, "sticker"),
        (TelegramEmulator.send_photo, "photo"),
        (TelegramEmulator.send_voice, "voice"),
        (TelegramEmulator.send_video, "video"),
        (TelegramEmulator.send_document, "document"),
        (TelegramEmulator.send_location, "location"),
    ],
)
def test_non_text_kinds(tg: TelegramEmulator, send: Any, media: str) -> None:
    event = to_event(parse(send(tg, 3)))
    assert event is not None and (event.kind, event.media) == (EventKind.MEDIA, media)


def test_edited_message_is_media_edited(tg: TelegramEmulator) -> None:
    original = tg.send_text(3, "first")
    event = to_event(parse(tg.edit_text(3, original["message"]["message_id"], "second")))
    assert event is not None and (event.kind, event.media) == (EventKind.MEDIA, "edited")
    assert event.text == "second", "the new words are read for safety, though never taken as an answer"


def test_a_photo_caption_is_free_text(tg: TelegramEmulator) -> None:
    event = to_event(parse(tg.send_photo(3, caption="the last photo of us. i cant go on")))
    assert event is not None and (event.kind, event.media) == (EventKind.MEDIA, "photo")
    assert event.text == "the last photo of us. i cant go on"


def test_unknown_message_content_is_other(tg: TelegramEmulator) -> None:
    raw = {"update_id": 9, "message": tg.build_message(3, dice={"emoji": "🎲", "value": 4})}
    event = to_event(parse(raw))
    assert event is not None and (event.kind, event.media) == (EventKind.MEDIA, "other")


def test_groups_bots_and_unknown_update_types_are_skipped(tg: TelegramEmulator) -> None:
    group = tg.build_message(3, text="hi")
    group["chat"] = {"id": -100, "type": "group", "title": "friends"}
    assert to_event(parse({"update_id": 1, "message": group})) is None
    from_bot = tg.build_message(3, text="hi")
    from_bot["from"] = {"id": 99, "is_bot": True, "first_name": "other"}
    assert to_event(parse({"update_id": 2, "message": from_bot})) is None
    reaction = {"update_id": 3, "message_reaction": {
        "chat": {"id": 3, "type": "private"}, "message_id": 1, "date": BASE_TIME,
        "user": {"id": 3, "is_bot": False, "first_name": "A"},
        "old_reaction": [], "new_reaction": [{"type": "emoji", "emoji": "👍"}]}}
    assert parse(reaction).message_reaction is not None
    assert to_event(parse(reaction)) is None


def test_user_key_orders_by_user(tg: TelegramEmulator) -> None:
    assert user_key(parse(tg.send_text(77, "x"))) == 77
    assert user_key(object()) is None


def _bot_message(tg: TelegramEmulator, chat_id: int) -> Any:
    from tests.emulators.telegram import BotMessage

    return BotMessage(message_id=50, chat_id=chat_id, date=BASE_TIME, text="Pick one",
                      reply_markup={"inline_keyboard": [[{"text": "Yes", "callback_data": "17|yes"}]]})
