"""The core's `Reply` -> Discord DMs: text parts, persistent buttons, an image file. Implements `Sender`.

Each reply becomes one or more messages (text split at 2000 characters on paragraph, then sentence
boundaries); the buttons and the image go on the last one. Errors are translated into the delivery
contract: 50007 means the user cannot be reached, a rate limit discord.py could not absorb means
"retry later", a dropped connection after sending means "uncertain".
"""

from __future__ import annotations

import contextlib
import io
import logging
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp
import discord

from bot.adapters.discord.inbound import BUTTON_PREFIX, PLATFORM
from bot.adapters.discord.pacing import Pacer
from bot.adapters.discord.text import split_plain
from bot.delivery import Rejected, RetryLater, Uncertain, Unreachable
from dialogs.model import Button, Reply, encode_button

__all__ = ["DiscordSender", "DmChannels", "OutgoingPart", "build_view", "custom_id", "render"]

_log = logging.getLogger(__name__)

CUSTOM_ID_LIMIT = 100
LABEL_LIMIT = 80
ROW_LIMIT = 5
ROWS_PER_MESSAGE = 5
_CANNOT_DM = 50007
_UNKNOWN_CHANNEL = 10003
_UNKNOWN_USER = 10013


@dataclass(frozen=True, slots=True)
class OutgoingPart:
    """One Discord message of a reply: escaped text, plus buttons and files when it is the last part."""

    content: str
    rows: tuple[tuple[Button, ...], ...] = ()
    nonce: int = 0
    files: bool = False


def render(reply: Reply, has_files: bool) -> list[OutgoingPart]:
    bodies = split_plain(reply.text) or [""]
    rows = _reflow(reply.buttons)
    last = OutgoingPart(bodies[-1], rows, reply.nonce or 0, has_files)
    parts = [OutgoingPart(body) for body in bodies[:-1]] + [last]
    if not last.content and not last.rows and not last.files:
        parts.pop()  # Discord refuses an empty message; nothing was there to say
    return parts


def _reflow(rows: tuple[tuple[Button, ...], ...]) -> tuple[tuple[Button, ...], ...]:
    """Fit the engine's rows into Discord's 5 rows of 5 buttons.

    Long rows wrap. When that gives more than 5 rows (a long multi-choice list, one option per row),
    the options are packed 5 to a row and the last row (usually "Done" or "Menu") stays on its own.
    """
    wrapped = [row[i : i + ROW_LIMIT] for row in rows for i in range(0, len(row), ROW_LIMIT)]
    if len(wrapped) <= ROWS_PER_MESSAGE:
        return tuple(wrapped)
    last = wrapped[-1]
    options = [button for row in wrapped[:-1] for button in row]
    room = (ROWS_PER_MESSAGE - 1) * ROW_LIMIT
    if len(options) > room:
        _log.warning("reply has %d buttons; Discord shows %d", len(options) + len(last), room + len(last))
        options = options[:room]
    packed = [tuple(options[i : i + ROW_LIMIT]) for i in range(0, len(options), ROW_LIMIT)]
    return (*packed, last)


def custom_id(nonce: int, value: str) -> str:
    return BUTTON_PREFIX + encode_button(nonce, value)


def build_view(part: OutgoingPart) -> discord.ui.View | None:
    """Components for the part's buttons; the view is stopped so discord.py does not keep it in memory:
    presses are answered by the DynamicItem registered at start-up, before or after a restart."""
    if not part.rows:
        return None
    view = discord.ui.View(timeout=None)
    for index, row in enumerate(part.rows):
        for button in row:
            cid = custom_id(part.nonce, button.value)
            if len(cid) > CUSTOM_ID_LIMIT:
                _log.error("button value too long for a custom_id (%d chars); left out", len(cid))
                continue
            label = (
                button.label if len(button.label) <= LABEL_LIMIT else button.label[: LABEL_LIMIT - 1] + "…"
            )
            view.add_item(discord.ui.Button(label=label, custom_id=cid, row=index))
    view.stop()
    return view if view.children else None


def _label(text: str) -> str:
    return text if len(text) <= LABEL_LIMIT else text[: LABEL_LIMIT - 1] + "…"


class DmChannels:
    """user id -> DM channel id, so a send costs one request instead of two. Bounded, least recent out."""

    def __init__(self, capacity: int = 200_000) -> None:
        self._ids: OrderedDict[str, int] = OrderedDict()
        self._capacity = capacity

    def get(self, user_id: str) -> int | None:
        channel_id = self._ids.get(user_id)
        if channel_id is not None:
            self._ids.move_to_end(user_id)
        return channel_id

    def put(self, user_id: str, channel_id: int) -> None:
        self._ids[user_id] = channel_id
        self._ids.move_to_end(user_id)
        if len(self._ids) > self._capacity:
            self._ids.popitem(last=False)

    def forget(self, user_id: str) -> None:
        self._ids.pop(user_id, None)


class _Closed:
    """Users whose last DM failed because Discord would not deliver it (DMs closed, bot blocked).

    Bounded like DmChannels: the oldest entries go first.
    """

    def __init__(self, capacity: int = 10_000) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._capacity = capacity

    def __contains__(self, user_id: object) -> bool:
        return user_id in self._ids

    def mark(self, user_id: str, closed: bool) -> None:
        self._ids.pop(user_id, None)
        if closed:
            self._ids[user_id] = None
            if len(self._ids) > self._capacity:
                self._ids.popitem(last=False)


class DiscordSender:
    """The `bot.delivery.Sender` for Discord DMs."""

    def __init__(self, client: discord.Client, pacer: Pacer, channels: DmChannels) -> None:
        self._client = client
        self._pacer = pacer
        self._channels = channels
        self._closed = _Closed()

    @property
    def platform(self) -> str:
        return PLATFORM

    def remember_dm(self, user_id: str, channel_id: int) -> None:
        """A DM arrived on this channel: replies to this user need no channel lookup."""
        self._channels.put(user_id, channel_id)

    def cannot_dm(self, user_id: str) -> bool:
        """Whether the last DM to this user failed because Discord would not deliver it."""
        return user_id in self._closed

    async def send(
        self, user_id: str, reply: Reply, image: bytes | None = None, files: Sequence[tuple[str, bytes]] = ()
    ) -> None:
        try:
            await self._send(user_id, reply, image, files)
        except Unreachable:
            self._closed.mark(user_id, True)
            raise
        self._closed.mark(user_id, False)

    async def _send(
        self, user_id: str, reply: Reply, image: bytes | None, files: Sequence[tuple[str, bytes]]
    ) -> None:
        attached = _attachments(reply, image, files)
        parts = render(reply, has_files=bool(attached))
        with _delivery_errors(user_id):
            channel = await self._channel(user_id)
            for index, part in enumerate(parts):
                try:
                    await self._post(channel, part, attached)
                except discord.NotFound as exc:
                    if exc.code != _UNKNOWN_CHANNEL or index > 0:
                        raise
                    # The cached DM channel is gone: open a fresh one and try this part once more.
                    self._channels.forget(user_id)
                    channel = await self._channel(user_id)
                    await self._post(channel, part, attached)
        _log.debug("discord: sent %d message(s) to user %s", len(parts), user_id)

    async def _channel(self, user_id: str) -> discord.PartialMessageable:
        channel_id = self._channels.get(user_id)
        if channel_id is None:
            await self._pacer.wait()
            # Straight to the API rather than Client.create_dm, whose own cache would hand back a
            # channel Discord just called unknown; our cache is the only one that matters here.
            # A snowflake goes as a string, as Discord's spec types it.
            data = await self._client.http.start_private_message(user_id)
            channel_id = int(data["id"])
            self._channels.put(user_id, channel_id)
        return self._client.get_partial_messageable(channel_id, type=discord.ChannelType.private)

    async def _post(
        self, channel: discord.PartialMessageable, part: OutgoingPart, attached: list[_Attachment]
    ) -> None:
        kwargs: dict[str, Any] = {"allowed_mentions": discord.AllowedMentions.none()}
        view = build_view(part)
        if view is not None:
            kwargs["view"] = view
        if part.files:
            # A File is read once; build fresh ones so a retried part uploads the bytes again.
            kwargs["files"] = [
                _File(io.BytesIO(a.data), filename=a.name, description=a.alt or None) for a in attached
            ]
        await self._pacer.wait()
        await channel.send(part.content or None, **kwargs)


class _File(discord.File):
    """A file whose attachment entry names its upload by a string id, as Discord's spec types it
    (discord.py sends the index as a number)."""

    def to_dict(self, index: int) -> dict[str, Any]:
        entry = super().to_dict(index)
        entry["id"] = str(entry["id"])
        return entry


@dataclass(frozen=True, slots=True)
class _Attachment:
    name: str
    data: bytes
    alt: str = ""


def _attachments(reply: Reply, image: bytes | None, files: Sequence[tuple[str, bytes]]) -> list[_Attachment]:
    """The image (as a PNG with its caption as alt text) and any documents, in that order."""
    out: list[_Attachment] = []
    if image is not None:
        kind = reply.image.kind if reply.image else "image"
        out.append(_Attachment(f"{kind}.png", image, reply.image.caption if reply.image else ""))
    out.extend(_Attachment(name, data) for name, data in files)
    return out


@contextlib.contextmanager
def _delivery_errors(user_id: str) -> Iterator[None]:
    """Discord's documented failures, in the delivery contract's terms."""
    try:
        yield
    except discord.Forbidden as exc:
        if exc.code == _CANNOT_DM:
            raise Unreachable(f"discord user {user_id}: DMs closed or bot blocked (50007)") from exc
        raise Rejected(f"discord answered 403 ({exc.code})") from exc
    except discord.NotFound as exc:
        if exc.code == _UNKNOWN_USER:
            raise Unreachable(f"discord user {user_id}: unknown user") from exc
        raise Rejected(f"discord answered 404 ({exc.code})") from exc
    except discord.RateLimited as exc:
        raise RetryLater(exc.retry_after) from exc
    except discord.HTTPException as exc:
        if exc.status == 429:  # discord.py gave up (e.g. a Cloudflare limit without Via)
            raise RetryLater(5.0) from exc
        if 400 <= exc.status < 500:  # the request itself is wrong: sending it again gets the same answer
            raise Rejected(f"discord answered {exc.status} ({exc.code})") from exc
        raise  # a 5xx: a passing failure, retried
    except aiohttp.ClientConnectorError:
        raise  # never reached Discord: an ordinary transient failure
    except (TimeoutError, aiohttp.ServerDisconnectedError, aiohttp.ClientOSError) as exc:
        raise Uncertain(f"discord user {user_id}: connection lost while sending") from exc
