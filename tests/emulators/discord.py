"""A Discord REST + gateway emulator: a real aiohttp server on 127.0.0.1 that discord.py 2.7 talks to.

Point a client at it with the `patch_discord(monkeypatch, emu)` helper (it sets `Route.BASE` and
`DiscordWebSocket.DEFAULT_GATEWAY`). The server speaks the real wire format: JSON with the exact
`application/json` content type, multipart uploads with `payload_json` + `files[n]`, the gateway's
HELLO / IDENTIFY / READY / heartbeat / RESUME sequence with plain JSON text frames, and interaction
callbacks that must arrive within Discord's three seconds.

User-side helpers have the same names as the Telegram emulator's: `send_text`, `send_command`,
`send_attachment`, `send_sticker`, `click`, `messages`, `last_message`, `wait_for_messages`,
plus `send_guild_message`, `slash_command` and `drop_gateway`. They are synchronous: events are
queued on the session and a pump sends them, so an event queued while the socket is down is
replayed on RESUME, as Discord does.

Faults are queued per route, first in first out (`emu.fail(MESSAGES, Fault.cannot_dm())`). A call to
a route the emulator does not implement answers 404 and makes `stop()` raise.

Every REST request is checked against Discord's OpenAPI spec (`tests/emulators/specs.py`): the route
and method, the query, and the body, with fields the spec does not know reported too (a snowflake
sent as a number, say). What the check finds is kept in `spec_violations`, and `stop()` raises, so
the test that caused it fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import pytest
import yarl
from aiohttp import WSMsgType, web

from tests.emulators.discord_payloads import (
    INTENT_DIRECT_MESSAGES,
    INTENT_GUILD_MESSAGES,
    INTENT_GUILDS,
    INTENT_MESSAGE_CONTENT,
    JSONDict,
    Snowflakes,
    application_payload,
    bot_user_payload,
    dm_channel_payload,
    guild_payload,
    message_payload,
    timestamp_of,
    user_payload,
)
from tests.emulators.specs import discord_spec

__all__ = [
    "COMMANDS",
    "CREATE_DM",
    "EDIT_MESSAGE",
    "INTERACTION_CALLBACK",
    "MESSAGES",
    "BotMessage",
    "DiscordEmulator",
    "Fault",
    "patch_discord",
]

API = "/api/v10"
MESSAGES = "POST /channels/{channel_id}/messages"
EDIT_MESSAGE = "PATCH /channels/{channel_id}/messages/{message_id}"
CREATE_DM = "POST /users/@me/channels"
INTERACTION_CALLBACK = "POST /interactions/{interaction_id}/{token}/callback"
COMMANDS = "PUT /applications/{application_id}/commands"

EPHEMERAL = 1 << 6
GUILD_CONTEXT, BOT_DM_CONTEXT = 0, 1  # where an interaction happened (the spec's InteractionContextType)
INTERACTION_WINDOW = 3.0  # seconds Discord allows before an interaction token stops accepting a callback
HEARTBEAT_INTERVAL_MS = 41_250
_ESCAPED = re.compile(r"\\([^\w\s])")  # Discord markdown: a backslash before punctuation shows it as is


@dataclass(frozen=True, slots=True)
class Fault:
    """One injected misbehaviour for the next matching call of a route."""

    status: int = 0  # 0: answer normally (after `delay`)
    code: int = 0
    message: str = ""
    retry_after: float | None = None
    is_global: bool = False
    delay: float = 0.0
    drop: bool = False  # close the connection without answering
    apply: bool = False  # for drop: perform the route's effect first (the "maybe delivered" case)
    user_id: int | None = None  # only match calls about this user's DM

    @classmethod
    def cannot_dm(cls, user_id: int | None = None) -> Fault:
        return cls(403, 50007, "Cannot send messages to this user", user_id=user_id)

    @classmethod
    def rate_limited(
        cls, retry_after: float = 0.3, *, is_global: bool = False, user_id: int | None = None
    ) -> Fault:
        return cls(429, 0, "You are being rate limited.", retry_after, is_global, user_id=user_id)

    @classmethod
    def unknown_channel(cls, user_id: int | None = None) -> Fault:
        return cls(404, 10003, "Unknown Channel", user_id=user_id)

    @classmethod
    def server_error(cls, status: int = 500, user_id: int | None = None) -> Fault:
        return cls(status, 0, "Internal Server Error", user_id=user_id)

    @classmethod
    def slow(cls, seconds: float, user_id: int | None = None) -> Fault:
        return cls(delay=seconds, user_id=user_id)

    @classmethod
    def dropped(cls, *, delivered: bool = True, user_id: int | None = None) -> Fault:
        return cls(drop=True, apply=delivered, user_id=user_id)


@dataclass(frozen=True, slots=True)
class ButtonInfo:
    label: str
    custom_id: str
    disabled: bool


@dataclass(frozen=True, slots=True)
class SentFile:
    filename: str
    data: bytes
    content_type: str


@dataclass(slots=True)
class BotMessage:
    """A message the bot sent, as the user's client would show it now (after any edits)."""

    id: int
    channel_id: int
    content: str = ""
    components: list[JSONDict] = field(default_factory=list)
    files: list[SentFile] = field(default_factory=list)
    flags: int = 0
    allowed_mentions: JSONDict | None = None
    interaction_id: int | None = None
    edits: int = 0
    loading: bool = False  # a deferred response ("thinking") not yet edited

    @property
    def body(self) -> str:
        return self.content

    @property
    def visible(self) -> str:
        """The text as Discord shows it: backslash escapes and zero-width mention breakers removed."""
        return _ESCAPED.sub(r"\1", self.content).replace("@\u200b", "@")

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def buttons(self) -> list[list[ButtonInfo]]:
        return [
            [
                ButtonInfo(c.get("label", ""), c.get("custom_id", ""), bool(c.get("disabled", False)))
                for c in row.get("components", [])
                if c.get("type") == 2
            ]
            for row in self.components
            if row.get("type") == 1
        ]

    @property
    def labels(self) -> list[str]:
        return [b.label for row in self.buttons for b in row]

    @property
    def enabled_labels(self) -> list[str]:
        return [b.label for row in self.buttons for b in row if not b.disabled]


@dataclass(slots=True)
class InteractionRecord:
    id: int
    token: str
    user_id: int
    kind: int  # 2 application command, 3 component
    channel_id: int
    dispatched_at: float
    message_id: int | None = None  # the message the component is on
    acked_after: float | None = None
    response_type: int | None = None
    original_id: int | None = None  # the message created by a type 4/5 response


@dataclass(slots=True)
class _Channel:
    id: int
    kind: int  # 1 DM, 0 guild text
    user_id: int | None = None  # the DM's recipient
    guild_id: int | None = None


@dataclass(eq=False, slots=True)
class _Conn:
    """One gateway socket: how many session frames it was sent, and a wake-up for its pump."""

    ws: web.WebSocketResponse
    sent: int = 0
    wake: asyncio.Event = field(default_factory=asyncio.Event)


class _ApiError(Exception):
    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class DiscordEmulator:
    """The fake Discord server plus the user-side helpers tests drive it with."""

    token = "ODk5.emulator.bot-token-never-logged"
    bot_name = "rekindle-test"

    def __init__(self, *, strict: bool = True) -> None:
        self.strict = strict
        self._ids = Snowflakes()
        self.bot_id = self._ids.next()
        self.application_id = self.bot_id
        self.owner_id = self._ids.next()
        self.guild_id = self._ids.next()
        self.guild_channel_id = self._ids.next()
        self._channels: dict[int, _Channel] = {
            self.guild_channel_id: _Channel(self.guild_channel_id, 0, guild_id=self.guild_id)
        }
        self._dm_by_user: dict[int, int] = {}
        self._messages: dict[int, BotMessage] = {}
        self._channel_log: dict[int, list[BotMessage]] = defaultdict(list)  # bot messages per channel
        self._ephemeral: dict[int, list[BotMessage]] = defaultdict(list)  # per user
        self._faults: dict[str, deque[Fault]] = defaultdict(deque)
        self._runner: web.AppRunner | None = None
        self._changed = asyncio.Condition()
        self.port = 0
        # Gateway session.
        self._session_id: str | None = None
        self._history: list[JSONDict] = []  # dispatch frames of the session; frame s == index + 1
        self._live: _Conn | None = None
        self._conns: set[_Conn] = set()
        self.intents = 0
        self.identifies = 0
        self.resumes = 0
        self.heartbeats = 0
        # State visible to tests.
        self.interactions: dict[int, InteractionRecord] = {}
        self._interaction_by_token: dict[str, int] = {}
        self.commands: list[JSONDict] = []
        self.deleted: list[BotMessage] = []  # interaction responses the bot deleted
        self.user_messages: dict[int, list[JSONDict]] = defaultdict(list)
        self.calls: list[tuple[str, JSONDict]] = []  # (route key, match info + body)
        self.unknown_calls: list[str] = []
        self.errors: list[str] = []
        self.spec_violations: list[str] = []  # requests the Discord OpenAPI spec does not allow
        self._spec = discord_spec()

    # ---- lifecycle -------------------------------------------------------------------------

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def start(self) -> None:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        for key, handler, auth in self._routes():
            method, path = key.split(" ", 1)
            app.router.add_route(method, API + path, self._wrap(key, handler, auth))
        app.router.add_route("*", "/{tail:.*}", self._unknown)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert isinstance(server, asyncio.Server)
        self.port = server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Shut down; raises if the bot called something the emulator does not implement."""
        try:
            for conn in list(self._conns):
                await conn.ws.close(code=1001)
        finally:
            if self._runner is not None:
                await self._runner.cleanup()
                self._runner = None
        if self.strict and (self.unknown_calls or self.errors):
            raise AssertionError(
                f"emulator saw unimplemented routes {self.unknown_calls} or errors {self.errors}"
            )
        if self.strict and self.spec_violations:
            raise AssertionError(f"requests outside Discord's OpenAPI spec: {self.spec_violations}")

    async def __aenter__(self) -> DiscordEmulator:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    # ---- fault injection -------------------------------------------------------------------

    def fail(self, route: str, *faults: Fault) -> None:
        """Queue faults for `route` (e.g. MESSAGES); each is used once, in order, by the next match."""
        if route not in {key for key, _, _ in self._routes()}:
            raise ValueError(f"emulator does not implement {route}")
        self._faults[route].extend(faults)

    def pending_faults(self, route: str) -> int:
        return len(self._faults[route])

    def _take_fault(self, route: str, user_id: int | None) -> Fault | None:
        queue = self._faults.get(route)
        if not queue:
            return None
        for fault in queue:
            if fault.user_id is None or fault.user_id == user_id:
                queue.remove(fault)
                return fault
        return None

    async def drop_gateway(self, code: int = 4000) -> None:
        """Close the bot's gateway socket as Discord does on an internal error; the client should RESUME."""
        conn = self._live
        if conn is None:
            raise AssertionError("no gateway connection to drop")
        self._live = None
        await conn.ws.close(code=code)

    async def wait_connected(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        await self.wait_for(lambda: self._live is not None, timeout)

    # ---- user-side helpers -----------------------------------------------------------------

    def dm_channel_id(self, user_id: int) -> int:
        channel_id = self._dm_by_user.get(user_id)
        if channel_id is None:
            channel_id = self._ids.next()
            self._dm_by_user[user_id] = channel_id
            self._channels[channel_id] = _Channel(channel_id, 1, user_id=user_id)
        return channel_id

    def _user_message(self, user_id: int, content: str, **extra: Any) -> JSONDict:
        channel_id = self.dm_channel_id(user_id)
        message = message_payload(self._ids.next(), channel_id, user_payload(user_id), content, **extra)
        self.user_messages[user_id].append(message)
        return self.dispatch("MESSAGE_CREATE", message)

    def edit_text(self, user_id: int, message_id: int, text: str) -> JSONDict:
        """The user edits one of their DMs (MESSAGE_UPDATE with an edit time)."""
        original = next(m for m in self.user_messages[user_id] if m["id"] == str(message_id))
        edited = {**original, "content": text, "edited_timestamp": timestamp_of(self._ids.next())}
        return self.dispatch("MESSAGE_UPDATE", edited)

    def send_text(self, user_id: int, text: str) -> JSONDict:
        return self._user_message(user_id, text)

    def send_command(self, user_id: int, command: str) -> JSONDict:
        """A DM that starts with / or ! (Discord has no command entities in plain messages)."""
        if not command.startswith(("/", "!")):
            raise ValueError("a command starts with / or !")
        return self._user_message(user_id, command)

    def send_attachment(
        self, user_id: int, filename: str = "photo.png", content_type: str = "image/png", text: str = ""
    ) -> JSONDict:
        attachment_id = self._ids.next()
        attachment = {
            "id": str(attachment_id),
            "filename": filename,
            "size": 1024,
            "url": f"{self.api_base}/attachments/{attachment_id}/{filename}",
            "proxy_url": f"{self.api_base}/attachments/{attachment_id}/{filename}",
            "content_type": content_type,
        }
        return self._user_message(user_id, text, attachments=[attachment])

    def send_sticker(self, user_id: int, name: str = "wave") -> JSONDict:
        sticker = {"id": str(self._ids.next()), "name": name, "format_type": 1}
        return self._user_message(user_id, "", sticker_items=[sticker])

    def send_guild_message(self, user_id: int, text: str, *, mention_bot: bool = True) -> JSONDict:
        """A message in the server's #general; with `mention_bot` it starts with the bot's mention."""
        content = f"<@{self.bot_id}> {text}" if mention_bot else text
        mentions = [bot_user_payload(self.bot_id, self.bot_name)] if mention_bot else []
        author = user_payload(user_id)
        message = message_payload(
            self._ids.next(),
            self.guild_channel_id,
            author,
            content,
            guild_id=self.guild_id,
            mentions=mentions,
        )
        return self.dispatch("MESSAGE_CREATE", message)

    def find_button(
        self, user_id: int, label: str | re.Pattern[str], message_id: int | None = None
    ) -> tuple[BotMessage, ButtonInfo]:
        """The DM's newest message with components (or `message_id`) and its button matching `label`."""
        pattern = re.compile(label) if isinstance(label, str) else label
        sent = self.messages(user_id)
        candidates = [m for m in sent if m.buttons and (message_id is None or m.id == message_id)]
        if not candidates:
            raise AssertionError(f"user {user_id} has no message with buttons")
        message = candidates[-1]
        for row in message.buttons:
            for button in row:
                if pattern.search(button.label):
                    if button.disabled:
                        raise AssertionError(f"button {button.label!r} is disabled; a user cannot press it")
                    return message, button
        raise AssertionError(f"no button matching {pattern.pattern!r} in {message.labels}")

    def click(self, user_id: int, label: str | re.Pattern[str], message_id: int | None = None) -> JSONDict:
        message, button = self.find_button(user_id, label, message_id)
        return self.click_custom_id(user_id, message, button.custom_id)

    def click_custom_id(self, user_id: int, message: BotMessage, custom_id: str) -> JSONDict:
        """Press a component with any custom_id (a forged or replayed one)."""
        data = {"custom_id": custom_id, "component_type": 2}
        channel = self._channels[message.channel_id]
        return self._interaction(user_id, 3, data, channel, message=self._message_json(message))

    def slash_command(
        self, user_id: int, name: str, *, guild: bool = True, options: dict[str, str] | None = None
    ) -> JSONDict:
        """Use a slash command in the server's #general (`guild`) or in the DM with the bot.

        `options` fill the command's string options by name; a registered command must have them.
        """
        command = next((c for c in self.commands if c["name"] == name), None)
        command_id = int(command["id"]) if command else self._ids.next()
        given = [{"name": key, "type": 3, "value": value} for key, value in (options or {}).items()]
        if command is not None:
            known = {option["name"] for option in command.get("options") or []}
            unknown = [option["name"] for option in given if option["name"] not in known]
            if unknown:
                raise AssertionError(f"/{name} has no option {unknown}; it has {sorted(known)}")
            context = GUILD_CONTEXT if guild else BOT_DM_CONTEXT
            if context not in (command.get("contexts") or [GUILD_CONTEXT, BOT_DM_CONTEXT]):
                raise AssertionError(f"/{name} is not registered for context {context}")
        data: JSONDict = {"id": str(command_id), "name": name, "type": 1, "options": given}
        if guild:
            data["guild_id"] = str(self.guild_id)
            channel = self._channels[self.guild_channel_id]
        else:
            channel = self._channels[self.dm_channel_id(user_id)]
        return self._interaction(user_id, 2, data, channel)

    def _interaction(
        self, user_id: int, kind: int, data: JSONDict, channel: _Channel, message: JSONDict | None = None
    ) -> JSONDict:
        interaction_id = self._ids.next()
        token = f"itoken-{interaction_id}"
        payload: JSONDict = {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": kind,
            "data": data,
            "token": token,
            "version": 1,
            "locale": "en-US",
            "app_permissions": "0",
            "attachment_size_limit": 10 * 1024 * 1024,
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(self.guild_id)}
            if channel.guild_id
            else {"1": str(user_id)},
            "context": 0 if channel.guild_id else 1,
        }
        if channel.guild_id is not None:
            payload["guild_id"] = str(channel.guild_id)
            payload["guild_locale"] = "en-US"
            payload["channel"] = {
                "id": str(channel.id),
                "type": 0,
                "guild_id": str(channel.guild_id),
                "name": "general",
            }
            payload["member"] = {
                "user": user_payload(user_id),
                "roles": [],
                "joined_at": timestamp_of(channel.guild_id),
                "deaf": False,
                "mute": False,
                "flags": 0,
                "permissions": str((1 << 10) | (1 << 11)),
            }
        else:
            payload["user"] = user_payload(user_id)
            payload["channel"] = dm_channel_payload(channel.id, user_id)
            payload["channel_id"] = str(channel.id)
        if message is not None:
            payload["message"] = message
        self.interactions[interaction_id] = InteractionRecord(
            interaction_id,
            token,
            user_id,
            kind,
            channel.id,
            time.monotonic(),
            message_id=int(message["id"]) if message else None,
        )
        self._interaction_by_token[token] = interaction_id
        return self.dispatch("INTERACTION_CREATE", payload)

    def messages(self, user_id: int) -> list[BotMessage]:
        """What the bot sent into the user's DM (ephemeral responses are in `ephemeral`)."""
        channel_id = self._dm_by_user.get(user_id)
        return list(self._channel_log[channel_id]) if channel_id is not None else []

    def last_message(self, user_id: int) -> BotMessage:
        sent = self.messages(user_id)
        if not sent:
            raise AssertionError(f"the bot sent nothing to user {user_id}")
        return sent[-1]

    def ephemeral(self, user_id: int) -> list[BotMessage]:
        return list(self._ephemeral[user_id])

    def channel_messages(self, channel_id: int | None = None) -> list[BotMessage]:
        """Non-ephemeral bot messages in a guild channel (default: the server's #general)."""
        return list(self._channel_log[channel_id or self.guild_channel_id])

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until `predicate()` holds; re-checked on every server change and every 50 ms."""
        async with asyncio.timeout(timeout), self._changed:
            while not predicate():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), 0.05)

    async def wait_for_messages(
        self,
        user_id: int,
        n: int,
        timeout: float = 5.0,  # noqa: ASYNC109 (the test-kit API takes a timeout)
    ) -> list[BotMessage]:
        """Wait until the bot has sent at least `n` messages to the user's DM in total."""
        try:
            await self.wait_for(lambda: len(self.messages(user_id)) >= n, timeout)
        except TimeoutError:
            got = [m.body[:60] for m in self.messages(user_id)]
            raise AssertionError(f"user {user_id}: wanted {n} messages, got {len(got)}: {got}") from None
        return self.messages(user_id)

    async def wait_idle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until every event reached the client and it made no REST call for `quiet` seconds."""
        async with asyncio.timeout(timeout):
            while True:
                before = len(self.calls)
                await asyncio.sleep(quiet)
                if self._pumped_all() and len(self.calls) == before:
                    return

    def route_calls(self, route: str) -> list[JSONDict]:
        return [params for key, params in self.calls if key == route]

    # ---- gateway -----------------------------------------------------------------------------

    def dispatch(self, event: str, data: JSONDict) -> JSONDict:
        """Queue a dispatch on the session; it reaches the client now or on its next RESUME."""
        if self._session_id is None:
            raise AssertionError("no gateway session: start the client before sending events")
        if not self._wanted(event, data):
            return data
        if event in ("MESSAGE_CREATE", "MESSAGE_UPDATE") and self._content_hidden(data):
            data = {**data, "content": "", "attachments": [], "embeds": [], "components": []}
        self._history.append({"op": 0, "t": event, "s": len(self._history) + 1, "d": data})
        for conn in self._conns:
            conn.wake.set()
        return data

    def _wanted(self, event: str, data: JSONDict) -> bool:
        """Discord sends an event only when the session asked for its intent."""
        if event in ("MESSAGE_CREATE", "MESSAGE_UPDATE"):
            bit = INTENT_GUILD_MESSAGES if "guild_id" in data else INTENT_DIRECT_MESSAGES
            return bool(self.intents & bit)
        if event == "GUILD_CREATE":
            return bool(self.intents & INTENT_GUILDS)
        return True

    def _content_hidden(self, data: JSONDict) -> bool:
        """Without MESSAGE_CONTENT, guild messages arrive empty unless they mention the bot."""
        if "guild_id" not in data or self.intents & INTENT_MESSAGE_CONTENT:
            return False
        return not any(m["id"] == str(self.bot_id) for m in data.get("mentions", []))

    def _pumped_all(self) -> bool:
        return self._live is not None and self._live.sent >= len(self._history)

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        conn = _Conn(ws)
        self._conns.add(conn)
        pump: asyncio.Task[None] | None = None
        try:
            await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}}))
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                op = frame.get("op")
                if op == 1:
                    self.heartbeats += 1
                    await ws.send_str(json.dumps({"op": 11}))
                elif op in (2, 6) and pump is None:
                    if not await self._open_session(conn, frame["d"], resume=op == 6):
                        break
                    pump = asyncio.create_task(self._pump(conn), name="discord-emulator-pump")
        finally:
            if pump is not None:
                pump.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await pump
            if self._live is conn:
                self._live = None
            self._conns.discard(conn)
        return ws

    async def _open_session(self, conn: _Conn, data: JSONDict, *, resume: bool) -> bool:
        """Handle IDENTIFY or RESUME and set how many session frames the client already has."""
        if data.get("token") != self.token:
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return False
        if resume:
            if self._session_id is None or data.get("session_id") != self._session_id:
                await conn.ws.send_str(json.dumps({"op": 9, "d": False}))
                return False
            self.resumes += 1
            conn.sent = int(data.get("seq") or 0)
            self._live = conn
            # The pump replays every frame after `seq`, then this RESUMED: the order Discord documents.
            self.dispatch("RESUMED", {})
            return True
        self.identifies += 1
        self.intents = int(data.get("intents", 0))
        self._session_id = uuid.uuid4().hex
        self._history = []
        self._live = conn
        bot = bot_user_payload(self.bot_id, self.bot_name)
        ready = {
            "v": 10,
            "user": bot,
            "guilds": [{"id": str(self.guild_id), "unavailable": True}],
            "session_id": self._session_id,
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "shard": [0, 1],
        }
        self.dispatch("READY", ready)
        self.dispatch("GUILD_CREATE", guild_payload(self.guild_id, self.guild_channel_id, bot, self.owner_id))
        return True

    async def _pump(self, conn: _Conn) -> None:
        while not conn.ws.closed:
            while conn.sent < len(self._history):
                try:
                    await conn.ws.send_str(json.dumps(self._history[conn.sent]))
                except ConnectionError:
                    return
                conn.sent += 1
            await self._notify()
            conn.wake.clear()
            await conn.wake.wait()

    # ---- REST plumbing -----------------------------------------------------------------------

    def _routes(self) -> list[tuple[str, _Handler, bool]]:
        """(route key, handler, needs the bot token)."""
        return [
            ("GET /gateway/bot", self._get_gateway_bot, True),
            ("GET /gateway", self._get_gateway, False),
            ("GET /users/@me", self._get_me, True),
            ("GET /oauth2/applications/@me", self._get_application, True),
            (CREATE_DM, self._create_dm, True),
            (MESSAGES, self._create_message, True),
            (EDIT_MESSAGE, self._edit_message, True),
            ("GET /channels/{channel_id}/messages/{message_id}", self._get_message, True),
            (INTERACTION_CALLBACK, self._interaction_callback, False),
            ("GET /webhooks/{application_id}/{token}/messages/@original", self._get_original, False),
            ("PATCH /webhooks/{application_id}/{token}/messages/@original", self._edit_original, False),
            ("DELETE /webhooks/{application_id}/{token}/messages/@original", self._delete_original, False),
            ("POST /webhooks/{application_id}/{token}", self._followup, False),
            ("PATCH /webhooks/{application_id}/{token}/messages/{message_id}", self._edit_followup, False),
            (COMMANDS, self._put_commands, True),
            ("GET /applications/{application_id}/commands", self._get_commands, True),
            ("PUT /applications/{application_id}/guilds/{guild_id}/commands", self._put_commands, True),
            ("GET /applications/{application_id}/guilds/{guild_id}/commands", self._get_commands, True),
        ]

    def _wrap(
        self, key: str, handler: _Handler, auth: bool
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def serve(request: web.Request) -> web.StreamResponse:
            if auth and request.headers.get("Authorization") != f"Bot {self.token}":
                return _json({"message": "401: Unauthorized", "code": 0}, 401)
            upload = await _Upload.read(request)
            self._check_spec(request, upload)
            self.calls.append((key, {**request.match_info, **upload.payload}))
            fault = self._take_fault(key, self._user_of(request, upload.payload))
            if fault is not None:
                if fault.delay:
                    await asyncio.sleep(fault.delay)
                if fault.drop:
                    if fault.apply:
                        await handler(request, upload.payload, upload)
                        await self._notify()
                    assert request.transport is not None
                    request.transport.close()
                    return web.Response(status=500)
                if fault.status:
                    return _fault_response(fault)
            try:
                result = await handler(request, upload.payload, upload)
            except _ApiError as exc:
                return _json({"message": exc.message, "code": exc.code}, exc.status)
            except Exception as exc:  # a bug in the emulator: make it visible at stop()
                self.errors.append(f"{key}: {exc!r}")
                raise
            await self._notify()
            if result is None:
                return web.Response(status=204)
            return _json(result)

        return serve

    def _check_spec(self, request: web.Request, upload: _Upload) -> None:
        self.spec_violations.extend(
            self._spec.check_request(
                request.method,
                request.path.removeprefix(API),
                dict(request.query),
                upload.body,
                upload.file_fields,
                multipart=upload.multipart,
            )
        )

    async def _unknown(self, request: web.Request) -> web.StreamResponse:
        if request.path.startswith(API + "/"):
            self._check_spec(request, await _Upload.read(request))
        self.unknown_calls.append(f"{request.method} {request.path}")
        return _json(
            {"message": f"emulator: {request.method} {request.path} is not implemented", "code": 0}, 404
        )

    def _user_of(self, request: web.Request, payload: JSONDict) -> int | None:
        if "channel_id" in request.match_info:
            channel = self._channels.get(int(request.match_info["channel_id"]))
            return channel.user_id if channel else None
        if "recipient_id" in payload:
            return int(payload["recipient_id"])
        token = request.match_info.get("token")
        if token in self._interaction_by_token:
            return self.interactions[self._interaction_by_token[token]].user_id
        return None

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # ---- REST handlers -------------------------------------------------------------------------

    async def _get_gateway_bot(self, request: web.Request, body: JSONDict, upload: _Upload) -> JSONDict:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return {"url": self.gateway_url, "shards": 1, "session_start_limit": limit}

    async def _get_gateway(self, request: web.Request, body: JSONDict, upload: _Upload) -> JSONDict:
        return {"url": self.gateway_url}

    async def _get_me(self, request: web.Request, body: JSONDict, upload: _Upload) -> JSONDict:
        return bot_user_payload(self.bot_id, self.bot_name)

    async def _get_application(self, request: web.Request, body: JSONDict, upload: _Upload) -> JSONDict:
        return application_payload(
            self.application_id, bot_user_payload(self.bot_id, self.bot_name), self.owner_id
        )

    async def _create_dm(self, request: web.Request, body: JSONDict, upload: _Upload) -> JSONDict:
        user_id = int(body["recipient_id"])
        return dm_channel_payload(self.dm_channel_id(user_id), user_id)

    def _channel(self, request: web.Request) -> _Channel:
        channel = self._channels.get(int(request.match_info["channel_id"]))
        if channel is None:
            raise _ApiError(404, 10003, "Unknown Channel")
        return channel

    async def _create_message(self, request: web.Request, body: JSONDict, upload: _Upload) -> JSONDict:
        channel = self._channel(request)
        message = self._new_message(channel.id, body, upload)
        self._channel_log[channel.id].append(message)
        return self._message_json(message)

    def _new_message(
        self, channel_id: int, body: JSONDict, upload: _Upload, interaction_id: int | None = None
    ) -> BotMessage:
        _validate(body, upload, creating=True)
        return self._store(
            BotMessage(
                self._ids.next(),
                channel_id,
                content=body.get("content") or "",
                components=list(body.get("components") or []),
                files=list(upload.files),
                flags=int(body.get("flags") or 0),
                allowed_mentions=body.get("allowed_mentions"),
                interaction_id=interaction_id,
            )
        )

    def _store(self, message: BotMessage) -> BotMessage:
        self._messages[message.id] = message
        return message

    def _apply_edit(self, message: BotMessage, body: JSONDict, upload: _Upload) -> None:
        _validate(body, upload, creating=False)
        if "content" in body:
            message.content = body["content"] or ""
        if "components" in body:
            message.components = list(body["components"] or [])
        if upload.files:
            message.files = list(upload.files)
        message.edits += 1
        message.loading = False

    async def _edit_message(self, request: web.Request, body: JSONDict, upload: _Upload) -> JSONDict:
        channel = self._channel(request)
        message = self._messages.get(int(request.match_info["message_id"]))
        if message is None or message.channel_id != channel.id:
            raise _ApiError(404, 10008, "Unknown Message")
        self._apply_edit(message, body, upload)
        return self._message_json(message)

    async def _get_message(self, request: web.Request, body: JSONDict, upload: _Upload) -> JSONDict:
        message = self._messages.get(int(request.match_info["message_id"]))
        if message is None:
            raise _ApiError(404, 10008, "Unknown Message")
        return self._message_json(message)

    def _message_json(self, message: BotMessage) -> JSONDict:
        channel = self._channels[message.channel_id]
        attachments = [
            {
                "id": str(message.id + index + 1),
                "filename": f.filename,
                "size": len(f.data),
                "url": f"{self.api_base}/attachments/{message.id}/{f.filename}",
                "proxy_url": f"{self.api_base}/attachments/{message.id}/{f.filename}",
                "content_type": f.content_type,
            }
            for index, f in enumerate(message.files)
        ]
        return message_payload(
            message.id,
            message.channel_id,
            bot_user_payload(self.bot_id, self.bot_name),
            message.content,
            guild_id=channel.guild_id,
            attachments=attachments,
            components=_with_ids(message.components),
            flags=message.flags,
        )

    # ---- interactions --------------------------------------------------------------------------

    def _record(self, request: web.Request) -> InteractionRecord:
        token = request.match_info["token"]
        interaction_id = self._interaction_by_token.get(token)
        if interaction_id is None or (
            "interaction_id" in request.match_info
            and int(request.match_info["interaction_id"]) != interaction_id
        ):
            raise _ApiError(404, 10062, "Unknown interaction")
        return self.interactions[interaction_id]

    async def _interaction_callback(
        self, request: web.Request, body: JSONDict, upload: _Upload
    ) -> JSONDict | None:
        record = self._record(request)
        elapsed = time.monotonic() - record.dispatched_at
        if record.response_type is not None:
            raise _ApiError(400, 40060, "Interaction has already been acknowledged.")
        if elapsed > INTERACTION_WINDOW:
            self.errors.append(f"interaction {record.id} answered after {elapsed:.2f}s")
            raise _ApiError(404, 10062, "Unknown interaction")
        kind = int(body["type"])
        data = body.get("data") or {}
        record.acked_after, record.response_type = elapsed, kind
        message: BotMessage | None = None
        if kind in (4, 5):  # a new message (5: "thinking" until @original is edited)
            if kind == 5:
                message = self._store(
                    BotMessage(self._ids.next(), record.channel_id, flags=int(data.get("flags") or 0),
                               interaction_id=record.id, loading=True)
                )
            else:
                message = self._new_message(record.channel_id, data, upload, interaction_id=record.id)
            record.original_id = message.id
            if message.ephemeral:
                self._ephemeral[record.user_id].append(message)
            else:
                self._channel_log[record.channel_id].append(message)
        elif kind in (6, 7):  # 7 edits the component's message now; 6 only acknowledges
            if record.message_id is None:
                raise _ApiError(400, 40004, "This interaction has no message to update")
            message = self._messages[record.message_id]
            record.original_id = message.id
            if kind == 7:
                self._apply_edit(message, data, upload)
        else:
            raise _ApiError(400, 50035, f"Invalid Form Body: unsupported callback type {kind}")
        if request.query.get("with_response") not in ("1", "true", "True"):
            return None
        answer: JSONDict = {
            "interaction": {
                "id": str(record.id),
                "type": record.kind,
                "response_message_id": str(message.id),
                "response_message_loading": kind == 5,
                "response_message_ephemeral": message.ephemeral,
            },
            "resource": {"type": kind},
        }
        if kind in (4, 7):
            answer["resource"]["message"] = self._message_json(message)
        return answer

    def _original(self, request: web.Request) -> BotMessage:
        record = self._record(request)
        if record.original_id is None:
            raise _ApiError(404, 10008, "Unknown Message")
        return self._messages[record.original_id]

    async def _get_original(self, request: web.Request, body: JSONDict, upload: _Upload) -> JSONDict:
        return self._message_json(self._original(request))

    async def _edit_original(self, request: web.Request, body: JSONDict, upload: _Upload) -> JSONDict:
        message = self._original(request)
        self._apply_edit(message, body, upload)
        return self._message_json(message)

    async def _delete_original(self, request: web.Request, body: JSONDict, upload: _Upload) -> None:
        record = self._record(request)
        message = self._original(request)
        for log in (self._ephemeral[record.user_id], self._channel_log[message.channel_id]):
            if message in log:
                log.remove(message)
        del self._messages[message.id]
        record.original_id = None
        self.deleted.append(message)

    async def _followup(self, request: web.Request, body: JSONDict, upload: _Upload) -> JSONDict:
        record = self._record(request)
        if record.response_type is None:
            raise _ApiError(404, 10015, "Unknown Webhook")  # a follow-up needs an acknowledged interaction
        message = self._new_message(record.channel_id, body, upload, interaction_id=record.id)
        if message.ephemeral:
            self._ephemeral[record.user_id].append(message)
        else:
            self._channel_log[record.channel_id].append(message)
        return self._message_json(message)

    async def _edit_followup(self, request: web.Request, body: JSONDict, upload: _Upload) -> JSONDict:
        self._record(request)
        message = self._messages.get(int(request.match_info["message_id"]))
        if message is None:
            raise _ApiError(404, 10008, "Unknown Message")
        self._apply_edit(message, body, upload)
        return self._message_json(message)

    # ---- application commands ---------------------------------------------------------------

    async def _put_commands(self, request: web.Request, body: JSONDict, upload: _Upload) -> list[JSONDict]:
        commands = upload.json_list
        known = {c["name"]: c["id"] for c in self.commands}
        self.commands = [
            {
                "type": 1,
                "options": [],
                "default_member_permissions": None,
                "nsfw": False,
                **command,
                "id": known.get(command["name"], str(self._ids.next())),
                "application_id": str(self.application_id),
                "version": str(self._ids.next()),
            }
            for command in commands
        ]
        return self.commands

    async def _get_commands(self, request: web.Request, body: JSONDict, upload: _Upload) -> list[JSONDict]:
        return self.commands


@dataclass(slots=True)
class _Upload:
    """A request body: JSON, or multipart with `payload_json` and `files[n]` parts."""

    payload: JSONDict
    files: list[SentFile]
    json_list: list[JSONDict]
    body: Any = None  # the JSON body as sent (for multipart: payload_json); None without a body
    file_fields: list[str] = field(default_factory=list)  # multipart part names of the files
    multipart: bool = False

    @classmethod
    async def read(cls, request: web.Request) -> _Upload:
        if request.method == "GET" or not request.can_read_body:
            return cls({}, [], [])
        if request.content_type == "multipart/form-data":
            form = await request.post()
            payload: JSONDict = {}
            files: list[SentFile] = []
            names: list[str] = []
            for name, value in form.items():
                if name == "payload_json":
                    payload = json.loads(str(value))
                elif isinstance(value, web.FileField):
                    files.append(SentFile(value.filename, value.file.read(), value.content_type))
                    names.append(name)
            return cls(payload, files, [], payload, names, True)
        raw = await request.json()
        if isinstance(raw, list):
            return cls({}, [], raw, raw)
        return cls(raw, [], [], raw)


_Handler = Callable[[web.Request, JSONDict, _Upload], Awaitable[Any]]


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # discord.py compares the header to exactly "application/json"; aiohttp's default adds a charset.
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def _fault_response(fault: Fault) -> web.Response:
    if fault.status != 429:
        return _json({"message": fault.message, "code": fault.code}, fault.status)
    retry_after = fault.retry_after or 0.0
    headers = {
        # Without Via, discord.py takes a 429 for a Cloudflare ban and does not retry.
        "Via": "1.1 google",
        "X-RateLimit-Limit": "5",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
        "X-RateLimit-Reset-After": f"{retry_after:.3f}",
        "X-RateLimit-Bucket": "emulator-bucket",
        "X-RateLimit-Scope": "global" if fault.is_global else "user",
    }
    if fault.is_global:
        headers["X-RateLimit-Global"] = "true"
    body = {"message": fault.message, "retry_after": retry_after, "global": fault.is_global, "code": 0}
    return _json(body, 429, headers)


def _validate(body: JSONDict, upload: _Upload, *, creating: bool) -> None:
    """The checks Discord makes that the adapter must respect; a violation is a 400 like Discord's."""
    content = body.get("content") or ""
    if len(content) > 2000:
        raise _ApiError(400, 50035, "Invalid Form Body: content must be 2000 or fewer in length")
    rows = body.get("components") or []
    if len(rows) > 5:
        raise _ApiError(400, 50035, "Invalid Form Body: at most 5 action rows")
    seen: set[str] = set()
    for row in rows:
        buttons = row.get("components", [])
        if row.get("type") != 1 or not 1 <= len(buttons) <= 5:
            raise _ApiError(400, 50035, "Invalid Form Body: an action row holds 1 to 5 buttons")
        for button in buttons:
            custom_id = button.get("custom_id", "")
            if button.get("style") != 5 and not 1 <= len(custom_id) <= 100:
                raise _ApiError(400, 50035, "Invalid Form Body: custom_id must be 1 to 100 characters")
            if custom_id in seen:
                raise _ApiError(400, 50035, "Invalid Form Body: duplicate custom_id")
            seen.add(custom_id)
            if len(button.get("label", "")) > 80:
                raise _ApiError(400, 50035, "Invalid Form Body: label must be 80 or fewer in length")
    if creating and not content and not rows and not upload.files and not body.get("attachments"):
        raise _ApiError(400, 50006, "Cannot send an empty message")


def _with_ids(components: list[JSONDict]) -> list[JSONDict]:
    """Discord numbers every component in a message; discord.py 2.7 reads the ids back."""
    counter = 0
    out = []
    for row in components:
        counter += 1
        row_id = counter
        children = []
        for child in row.get("components", []):
            counter += 1
            children.append({**child, "id": counter})
        out.append({**row, "id": row_id, "components": children})
    return out


def patch_discord(monkeypatch: pytest.MonkeyPatch, emu: DiscordEmulator) -> None:
    """Point every discord.py client in this test at `emu`; monkeypatch restores the originals."""
    import discord.gateway
    import discord.http

    monkeypatch.setattr(discord.http.Route, "BASE", emu.api_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(emu.gateway_url))
