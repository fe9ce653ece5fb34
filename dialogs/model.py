"""The platform-neutral vocabulary shared by the engine, the store and every adapter.

Nothing here imports a platform library: adapters translate their payloads into `Event`
and turn `Reply` back into platform calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from dialogs.assessment import Assessment, Understanding

__all__ = [
    "BUTTON_SEPARATOR",
    "Button",
    "CheckinWrite",
    "DataRequest",
    "Effect",
    "Event",
    "EventKind",
    "Image",
    "JournalWrite",
    "Reply",
    "UrgeWrite",
    "decode_button",
    "encode_button",
]


class EventKind(StrEnum):
    TEXT = "text"
    COMMAND = "command"
    BUTTON = "button"
    MEDIA = "media"  # sticker, photo, voice, document, location, edited message, anything non-text
    DUE = "due"  # the scheduler says something is due: a check-in, a reminder, a follow-up


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened to one user. `event_id` is unique per platform and makes replays harmless."""

    kind: EventKind
    platform: str
    user_id: str
    event_id: str
    at: datetime  # timezone-aware
    text: str = ""  # free text, or the arguments after a command
    command: str = ""  # without the slash, lower case
    button: str = ""  # the value of the pressed button
    nonce: int | None = None  # the prompt nonce the pressed button carried
    media: str = ""  # sticker, photo, voice, video, document, location, edited, other
    due: str = ""  # checkin, reminder, urge_followup, retention
    # What the safety model made of `text`, filled in by the service off the event loop; None means
    # the engine assesses the text itself with the rules.
    assessment: Assessment | None = None
    # What the text means besides its safety (a question, a command, a draft's problems); None means
    # the engine reads it with the fallbacks in dialogs/understanding.py.
    understanding: Understanding | None = None
    # Messages sent in one burst and answered as one: (event_id, text) of each, `text` their join.
    # Every id is claimed, so a replay of any of them changes nothing.
    parts: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Image:
    """A picture to send. `kind` names what to render; the service renders it off the event loop."""

    kind: str
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to the user. Buttons are rows; `nonce` is stamped into every button it carries."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    nonce: int | None = None
    image: Image | None = None
    contact_coaching: bool = False  # text that coaches contact with the ex; never shown when forbidden
    attachment: str = ""  # a document the service builds when sending, e.g. "export"
    # Crisis help: sent before anything else waiting for the person, and retried until the platform
    # confirms it (a duplicate is better than none). The service sets it; screens need not.
    urgent: bool = False


@dataclass(frozen=True, slots=True)
class JournalWrite:
    kind: str  # reflection, checkin, urge, unsent, plan
    text: str
    ref: str = ""  # lesson id or other reference
    at: datetime | None = None  # when the words were typed, if not this event: held words filed later


@dataclass(frozen=True, slots=True)
class CheckinWrite:
    """A day's check-in answers so far; None leaves what is already kept (a mood put right later)."""

    local_date: date
    mood: int | None
    urge: int | None
    contacted: bool | None


@dataclass(frozen=True, slots=True)
class UrgeWrite:
    local_date: date
    strength: int


@dataclass(frozen=True, slots=True)
class DataRequest:
    """Something only the service can fulfil because it needs the store: journal pages, export, delete."""

    kind: str
    params: dict[str, str] = field(default_factory=dict)


Effect = Reply | JournalWrite | CheckinWrite | UrgeWrite | DataRequest

BUTTON_SEPARATOR = "|"


def encode_button(nonce: int, value: str) -> str:
    """The callback payload an adapter attaches to a button: short enough for Telegram's 64 bytes."""
    return f"{nonce}{BUTTON_SEPARATOR}{value}"


def decode_button(data: str) -> tuple[int, str] | None:
    """Parse a callback payload; anything malformed gives None, which the engine treats as stale."""
    head, sep, value = data.partition(BUTTON_SEPARATOR)
    if not sep or not head.isdigit() or not value:
        return None
    return int(head), value
