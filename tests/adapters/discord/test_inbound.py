"""Pure translation: real discord.py Message objects (parsed from the emulator's payloads) -> Event."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import discord
import pytest

from bot.adapters.discord.inbound import GuildMention, classify, message_event
from dialogs.model import EventKind
from tests.emulators.discord_payloads import Snowflakes, bot_user_payload, message_payload, user_payload

BOT_ID = 4242
USER = 77
DM_CHANNEL = 9000
GUILD = 8000
GUILD_CHANNEL = 8001


@pytest.fixture
async def state() -> AsyncIterator[Any]:
    """discord.py's own parser state, with no connection: translation needs nothing else."""
    client = discord.Client(intents=discord.Intents(guilds=True, dm_messages=True))
    try:
        yield client._connection
    finally:
        await client.close()


def dm(
    state: Any, content: str = "", override: dict[str, Any] | None = None, **extra: Any
) -> discord.Message:
    payload = message_payload(Snowflakes().next(), DM_CHANNEL, user_payload(USER), content, **extra)
    payload.update(override or {})
    channel = discord.DMChannel._from_message(state, DM_CHANNEL)
    return discord.Message(state=state, channel=channel, data=payload)  # type: ignore[arg-type]


def guild_message(state: Any, content: str, mentions: list[dict[str, Any]]) -> discord.Message:
    payload = message_payload(
        Snowflakes().next(), GUILD_CHANNEL, user_payload(USER), content, guild_id=GUILD, mentions=mentions
    )
    channel = discord.PartialMessageable(state=state, id=GUILD_CHANNEL, guild_id=GUILD)
    return discord.Message(state=state, channel=channel, data=payload)  # type: ignore[arg-type]


def attachment(content_type: str | None, filename: str = "f") -> dict[str, Any]:
    data: dict[str, Any] = {"id": "1", "filename": filename, "size": 10, "url": "u", "proxy_url": "u"}
    if content_type:
        data["content_type"] = content_type
    return data


async def test_text_keeps_the_users_words_and_identity(state: Any) -> None:
    message = dm(state, "I miss them *so* much")
    event = message_event(message)
    assert event.kind is EventKind.TEXT and event.text == "I miss them *so* much"
    assert (event.platform, event.user_id, event.event_id) == ("discord", str(USER), f"dc:m:{message.id}")
    assert event.at.tzinfo is not None and event.at.utcoffset() == UTC.utcoffset(datetime.now(UTC))


@pytest.mark.parametrize(
    ("content", "command", "args"),
    [
        ("/start", "start", ""),
        ("!START", "start", ""),
        ("/journal  my first line\nand a second", "journal", "my first line\nand a second"),
        ("!menu@rekindle", "menu", ""),
        ("  /sos  ", "sos", ""),
    ],
)
async def test_slash_and_bang_commands(state: Any, content: str, command: str, args: str) -> None:
    event = message_event(dm(state, content))
    assert (event.kind, event.command, event.text) == (EventKind.COMMAND, command, args)


@pytest.mark.parametrize("content", ["!!!", "/ nothing", "!?", "/", "1/2 of it"])
async def test_punctuation_is_not_a_command(state: Any, content: str) -> None:
    event = message_event(dm(state, content))
    assert event.kind is EventKind.TEXT and event.text == content


@pytest.mark.parametrize(
    ("content_type", "media"),
    [
        ("image/png", "photo"),
        ("video/mp4", "video"),
        ("audio/ogg", "voice"),
        ("application/pdf", "document"),
        (None, "document"),
    ],
)
async def test_attachments_are_media_by_type(state: Any, content_type: str | None, media: str) -> None:
    event = message_event(dm(state, "look at this", attachments=[attachment(content_type)]))
    assert (event.kind, event.media) == (EventKind.MEDIA, media)
    assert event.text == "look at this", "words sent with a file are read for safety like any message"


async def test_voice_message_flag_wins(state: Any) -> None:
    event = message_event(dm(state, "", attachments=[attachment("audio/ogg")], flags=1 << 13))
    assert event.media == "voice"


async def test_sticker_is_media(state: Any) -> None:
    event = message_event(dm(state, "", sticker_items=[{"id": "5", "name": "wave", "format_type": 1}]))
    assert (event.kind, event.media) == (EventKind.MEDIA, "sticker")


async def test_empty_message_is_other_media(state: Any) -> None:
    event = message_event(dm(state, "   "))
    assert (event.kind, event.media) == (EventKind.MEDIA, "other")


async def test_bots_and_system_messages_are_ignored(state: Any) -> None:
    bot_author = dm(state, "hello", override={"author": bot_user_payload(99, "other-bot")})
    assert classify(bot_author, BOT_ID) is None
    pinned = dm(state, "", override={"type": 6})
    assert classify(pinned, BOT_ID) is None
    plain = classify(dm(state, "hi"), BOT_ID)
    assert not isinstance(plain, GuildMention) and plain is not None and plain.text == "hi"


async def test_guild_messages_only_matter_when_they_mention_the_bot(state: Any) -> None:
    me = bot_user_payload(BOT_ID, "rekindle")
    mention = classify(guild_message(state, f"<@{BOT_ID}> my ex texted me", [me]), BOT_ID)
    assert mention == GuildMention(GUILD_CHANNEL, str(USER))
    assert classify(guild_message(state, "chatting with friends", []), BOT_ID) is None
