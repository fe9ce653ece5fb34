"""Discord payloads -> the core's `Event`: a lookup from what a message carries to how it is read.

Only translation lives here: no I/O, no state. Anything this module does not recognise becomes
`None` (ignored) or a MEDIA event of kind "other", never an exception.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import discord

from dialogs.model import Event, EventKind, decode_button

__all__ = [
    "BUTTON_PREFIX",
    "PLATFORM",
    "GuildMention",
    "Inbound",
    "button_event",
    "button_payload",
    "classify",
    "command_event",
    "edit_event",
    "message_event",
]

PLATFORM = "discord"
BUTTON_PREFIX = "rk:"  # every custom_id the bot sends starts with this; the rest is encode_button(...)

# Message types a person writes; joins, pins, calls and the like are not the user talking to us.
_USER_TYPES = frozenset({discord.MessageType.default, discord.MessageType.reply})
_COMMAND = re.compile(r"[/!]([A-Za-z][\w-]{0,31})(?:@\S+)?(?:\s+(.*))?", re.DOTALL)
_MEDIA_BY_MIME = (("image/", "photo"), ("video/", "video"), ("audio/", "voice"))


@dataclass(frozen=True, slots=True)
class GuildMention:
    """Someone addressed the bot in a server channel: answer only with the pointer to DMs."""

    channel_id: int
    user_id: str


Inbound = Event | GuildMention | None


def classify(message: discord.Message, bot_id: int) -> Inbound:
    """What to do with any message the gateway delivered."""
    if message.author.bot or message.author.id == bot_id or message.type not in _USER_TYPES:
        return None
    if not isinstance(message.channel, discord.DMChannel):
        mentioned = any(user.id == bot_id for user in message.mentions)
        return GuildMention(message.channel.id, str(message.author.id)) if mentioned else None
    return message_event(message)


def edit_event(message: discord.Message, bot_id: int) -> Event | None:
    """A DM the person edited: the core hears that something changed, never the new text as a reply."""
    if message.author.bot or message.author.id == bot_id or message.edited_at is None:
        return None  # embeds unfurling also arrive as updates, without an edit time
    if not isinstance(message.channel, discord.DMChannel):
        return None
    stamp = int(message.edited_at.timestamp() * 1000)
    return _event(
        EventKind.MEDIA,
        message.author.id,
        f"dc:e:{message.id}:{stamp}",
        message.edited_at,
        media="edited",
        text=message.content,
    )


def message_event(message: discord.Message) -> Event:
    """A DM as the core's event: the first matching reader in `_READERS` decides its kind."""
    for applies, read in _READERS:
        if applies(message):
            return read(message)
    return _media(message, "other")


def _event(
    kind: EventKind,
    user_id: int,
    event_id: str,
    at: datetime,
    *,
    text: str = "",
    command: str = "",
    button: str = "",
    nonce: int | None = None,
    media: str = "",
) -> Event:
    return Event(
        kind=kind,
        platform=PLATFORM,
        user_id=str(user_id),
        event_id=event_id,
        at=at,
        text=text,
        command=command,
        button=button,
        nonce=nonce,
        media=media,
    )


def _media(message: discord.Message, media: str) -> Event:
    # Words sent with an attachment are free text like any message: the safety check reads them.
    return _event(
        EventKind.MEDIA,
        message.author.id,
        f"dc:m:{message.id}",
        message.created_at,
        media=media,
        text=message.content,
    )


def _attachment_kind(message: discord.Message) -> str:
    if message.flags.voice:
        return "voice"
    content_type = message.attachments[0].content_type or ""
    return next((kind for prefix, kind in _MEDIA_BY_MIME if content_type.startswith(prefix)), "document")


def _command(message: discord.Message) -> Event:
    match = _COMMAND.fullmatch(message.content.strip())
    assert match is not None
    return _event(
        EventKind.COMMAND,
        message.author.id,
        f"dc:m:{message.id}",
        message.created_at,
        command=match[1].lower(),
        text=(match[2] or "").strip(),
    )


def _text(message: discord.Message) -> Event:
    return _event(
        EventKind.TEXT, message.author.id, f"dc:m:{message.id}", message.created_at, text=message.content
    )


_READERS: tuple[tuple[Callable[[discord.Message], bool], Callable[[discord.Message], Event]], ...] = (
    (lambda m: bool(m.stickers), lambda m: _media(m, "sticker")),
    (lambda m: bool(m.attachments), lambda m: _media(m, _attachment_kind(m))),
    (lambda m: m.poll is not None, lambda m: _media(m, "other")),
    (lambda m: _COMMAND.fullmatch(m.content.strip()) is not None, _command),
    (lambda m: bool(m.content.strip()), _text),
)


def button_payload(custom_id: str) -> str:
    return custom_id.removeprefix(BUTTON_PREFIX)


def button_event(interaction: discord.Interaction, payload: str) -> Event:
    """A pressed button; a payload that does not decode is a stale button (nonce None)."""
    decoded = decode_button(payload)
    nonce, value = decoded if decoded is not None else (None, "")
    return _event(
        EventKind.BUTTON,
        interaction.user.id,
        f"dc:i:{interaction.id}",
        interaction.created_at,
        nonce=nonce,
        button=value,
    )


def command_event(interaction: discord.Interaction, command: str, text: str = "") -> Event:
    """A slash command, read as the same command typed in a DM (with any text given with it)."""
    return _event(
        EventKind.COMMAND,
        interaction.user.id,
        f"dc:i:{interaction.id}",
        interaction.created_at,
        command=command,
        text=text.strip(),
    )
