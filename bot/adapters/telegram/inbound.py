"""Telegram `Update` -> the core's `Event`: a lookup table, and a polite `None` for anything else."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from telegram import Chat, Message, MessageEntity, Update

from dialogs.model import Event, EventKind, decode_button

__all__ = ["ALLOWED_UPDATES", "PLATFORM", "to_event", "user_key"]

PLATFORM = "telegram"
# Only what `to_event` understands is requested from Telegram at all.
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]

# Message attribute -> the neutral media name; the first one present wins.
_MEDIA: tuple[tuple[str, str], ...] = (
    ("sticker", "sticker"),
    ("photo", "photo"),
    ("voice", "voice"),
    ("audio", "voice"),
    ("video", "video"),
    ("video_note", "video"),
    ("animation", "video"),
    ("document", "document"),
    ("location", "location"),
    ("venue", "location"),
)


def user_key(update: object) -> int | None:
    """The user an update belongs to, for per-user ordering; None for updates we do not serve."""
    if isinstance(update, Update) and update.effective_user is not None:
        return update.effective_user.id
    return None


def to_event(update: Update, now: datetime | None = None) -> Event | None:
    """Translate one update, or return None for kinds the bot does not serve (groups, bots, polls...)."""
    for attribute, translate in _TABLE:
        payload = getattr(update, attribute)
        if payload is not None:
            return translate(update, now or datetime.now(UTC))
    return None


def _base(update: Update, kind: EventKind, at: datetime, **fields: object) -> Event | None:
    user = update.effective_user
    chat = update.effective_chat
    if user is None or user.is_bot or (chat is not None and chat.type != Chat.PRIVATE):
        return None  # a direct-message coach: groups and other bots are not talked to
    return Event(
        kind=kind,
        platform=PLATFORM,
        user_id=str(user.id),
        event_id=f"tg:u:{update.update_id}",
        at=at.astimezone(UTC),
        **fields,  # type: ignore[arg-type]
    )


def _message(update: Update, now: datetime) -> Event | None:
    message = update.message
    assert message is not None
    at = message.date or now
    text = message.text
    if text is not None:
        command = _command(message, text)
        if command is not None:
            name, args = command
            return _base(update, EventKind.COMMAND, at, command=name, text=args)
        return _base(update, EventKind.TEXT, at, text=text)
    media = next((name for attribute, name in _MEDIA if getattr(message, attribute)), "other")
    # A caption is free text like any message: the safety check reads it.
    return _base(update, EventKind.MEDIA, at, media=media, text=message.caption or "")


def _command(message: Message, text: str) -> tuple[str, str] | None:
    """'/Start@bot  args' -> ('start', 'args'), only when Telegram marked a command at offset 0."""
    entities = message.entities or ()
    entity = next((e for e in entities if e.type == MessageEntity.BOT_COMMAND and e.offset == 0), None)
    if entity is None:
        return None
    word = message.parse_entity(entity)  # handles UTF-16 offsets
    name = word[1:].split("@", 1)[0].lower()
    if not name:
        return None
    return name, text[len(word) :].strip()


def _edited(update: Update, now: datetime) -> Event | None:
    edited = update.edited_message
    assert edited is not None
    # The new words are read for safety too; they are not taken as an answer to anything.
    return _base(
        update,
        EventKind.MEDIA,
        edited.edit_date or now,
        media="edited",
        text=edited.text or edited.caption or "",
    )


def _callback(update: Update, now: datetime) -> Event | None:
    query = update.callback_query
    assert query is not None
    decoded = decode_button(query.data or "")
    if decoded is None:
        # A forged, truncated or foreign payload: the engine answers it as an expired button.
        return _base(update, EventKind.BUTTON, now, nonce=None, button="")
    nonce, value = decoded
    return _base(update, EventKind.BUTTON, now, nonce=nonce, button=value)


_TABLE: tuple[tuple[str, Callable[[Update, datetime], Event | None]], ...] = (
    ("message", _message),
    ("edited_message", _edited),
    ("callback_query", _callback),
)
