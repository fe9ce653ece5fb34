"""Lifecycle of the Discord side: log in, connect (discord.py reconnects and resumes), route events to
the service in per-user order, acknowledge interactions at once, and shut down cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from functools import partial
from typing import Protocol

import aiohttp
import discord

from bot.adapters.commands import load_commands
from bot.adapters.discord.client import RekindleClient
from bot.adapters.discord.inbound import PLATFORM, GuildMention, button_event, command_event
from bot.adapters.discord.lanes import Lanes
from bot.adapters.discord.outbound import DiscordSender, DmChannels
from bot.adapters.discord.pacing import Pacer
from bot.adapters.discord.responses import disable_components, edit_response
from bot.adapters.discord.texts import GUILD_POINTER, SLASH_DMS_CLOSED, SLASH_OPENED
from bot.config import Settings
from bot.delivery import Sender
from dialogs.content import CONTENT_DIR
from dialogs.model import Event

__all__ = ["ChatServiceLike", "DiscordAdapter"]

_log = logging.getLogger(__name__)

DEFAULT_REQUESTS_PER_SECOND = 40.0  # Discord's global limit is 50/s per bot token; keep a margin


class ChatServiceLike(Protocol):
    """The part of `bot.service.ChatService` the adapter uses."""

    def register_sender(self, sender: Sender) -> None: ...

    async def handle(self, event: Event) -> object: ...

    async def deliver_pending(self, platform: str) -> object: ...


class DiscordAdapter:
    def __init__(
        self,
        settings: Settings,
        service: ChatServiceLike,
        *,
        requests_per_second: float = DEFAULT_REQUESTS_PER_SECOND,
        concurrency: int = 32,
        stop_grace: float = 10.0,
    ) -> None:
        if settings.discord_bot_token is None:
            raise ValueError("DISCORD_BOT_TOKEN is not set")
        self._token = settings.discord_bot_token
        self._service = service
        self._pacer = Pacer(requests_per_second)
        self._lanes = Lanes(concurrency)
        commands = load_commands(settings.content_dir or CONTENT_DIR).on("discord")
        self._client = RekindleClient(self, commands)
        self._sender = DiscordSender(self._client, self._pacer, DmChannels())
        self._ready = asyncio.Event()
        self._connection: asyncio.Task[None] | None = None
        self._backlog: asyncio.Task[None] | None = None
        self._stop_grace = stop_grace  # at a stop, how long queued events may take to finish

    @property
    def sender(self) -> DiscordSender:
        return self._sender

    @property
    def client(self) -> discord.Client:
        return self._client

    # ---- lifecycle -------------------------------------------------------------------------

    async def start(self, ready_within: float = 60.0, *, listen: bool = True) -> None:
        """Register the sender, log in, connect, and return once the gateway session is ready.

        With `listen=False` there is no gateway session: sending needs only the HTTP API, which is
        all the scheduler process does. The gateway process receives the DMs and button presses.
        """
        self._service.register_sender(self._sender)
        if not listen:
            try:
                await self._client.login(self._token.get_secret_value())
            except BaseException:
                await self.stop()
                raise
            self._backlog = asyncio.create_task(self._deliver_backlog(), name="discord-backlog")
            return
        try:
            await self._client.login(self._token.get_secret_value())
            self._connection = asyncio.create_task(
                self._client.connect(reconnect=True), name="discord-gateway"
            )
            ready = asyncio.create_task(self._ready.wait())
            done, _ = await asyncio.wait(
                {ready, self._connection}, timeout=ready_within, return_when="FIRST_COMPLETED"
            )
            ready.cancel()
            if self._connection in done:
                self._connection.result()  # a fatal gateway error (bad intents, bad token): raise it here
                raise ConnectionError("discord gateway closed before it was ready")
            if not self._ready.is_set():
                raise TimeoutError(f"discord gateway not ready within {ready_within:.0f}s")
        except BaseException:
            await self.stop()
            raise
        self._backlog = asyncio.create_task(self._deliver_backlog(), name="discord-backlog")

    async def wait_closed(self) -> None:
        """Until the gateway loop ends for good (a fatal error is raised here)."""
        if self._connection is not None:
            await asyncio.shield(self._connection)

    async def stop(self) -> None:
        try:
            await self.stop_listening()
        finally:
            await self.close()

    async def stop_listening(self) -> None:
        """Leave the gateway (no new events), then let the queued ones finish within the stop grace.
        Sending still works until `close`: the service can deliver what is waiting."""
        if self._backlog is not None:
            self._backlog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._backlog
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.cancel()
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await connection
            ws = self._client.ws
            if ws is not None and ws.open:
                with contextlib.suppress(Exception):
                    await ws.close(code=1000)
        await self._lanes.drain(grace=self._stop_grace)

    async def close(self) -> None:
        """Close the HTTP session (and the gateway, if still open); nothing is sent after this."""
        await self._client.close()
        if self._connection is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self._connection
            self._connection = None

    async def _deliver_backlog(self) -> None:
        try:
            await self._service.deliver_pending(PLATFORM)
        except Exception:
            _log.exception("discord: delivering replies left from before the start failed")

    # ---- the client's inbox ------------------------------------------------------------------

    def on_ready(self) -> None:
        self._ready.set()

    def on_dm_event(self, event: Event, channel_id: int) -> None:
        self._sender.remember_dm(event.user_id, channel_id)
        self._submit(event)

    def _submit(self, event: Event) -> asyncio.Task[None]:
        _log.debug("discord: %s event %s from user %s", event.kind, event.event_id, event.user_id)
        return self._lanes.submit(event.user_id, partial(self._service.handle, event))

    async def on_guild_mention(self, mention: GuildMention) -> None:
        """In a server, only the pointer to DMs: nothing personal is ever said there."""
        channel = self._client.get_partial_messageable(mention.channel_id)
        await self._pacer.wait()
        try:
            await channel.send(GUILD_POINTER, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as exc:  # e.g. no permission to speak in that channel
            _log.info("discord: could not answer in channel %s (%s)", mention.channel_id, exc.status)

    async def on_button(self, interaction: discord.Interaction, payload: str, view: discord.ui.View) -> None:
        # Queue first so the press keeps its place among the user's messages, then acknowledge
        # (one request, well inside Discord's 3 s) by disabling the message's buttons.
        self._submit(button_event(interaction, payload))
        for child in view.children:
            # The pressed button arrives wrapped in our DynamicItem; disable what it wraps.
            item = child.item if isinstance(child, discord.ui.DynamicItem) else child
            if isinstance(item, discord.ui.Button | discord.ui.Select):
                item.disabled = True
        view.stop()  # answered: discord.py need not keep this view in memory
        try:
            await disable_components(interaction, view)
        except discord.HTTPException as exc:
            _log.info("discord: could not acknowledge button press %s (%s)", interaction.id, exc.status)

    async def on_slash(self, interaction: discord.Interaction, command: str, text: str) -> None:
        """A slash command is the same command typed in the DM: the answers go to the DM.

        The interaction is acknowledged at once ("thinking", seen only by this person) and settled
        once the command was handled: in the DM with the bot the placeholder is removed, since the
        answers are right below it; anywhere else it says whether the DM went out, or that the
        person's settings keep the bot from writing to them, and how to change that.
        """
        handled = self._submit(command_event(interaction, command, text))
        try:
            await interaction.response.defer(ephemeral=True, thinking=True)
            await asyncio.shield(handled)
            if interaction.context.dm_channel:
                await interaction.delete_original_response()
            else:
                closed = self._sender.cannot_dm(str(interaction.user.id))
                await edit_response(interaction, SLASH_DMS_CLOSED if closed else SLASH_OPENED)
        except discord.HTTPException as exc:
            _log.info("discord: could not answer slash command %s (%s)", interaction.id, exc.status)
        except aiohttp.ClientError as exc:  # the connection went (shutting down, network): nothing to fix here
            _log.info("discord: could not answer slash command %s (%s)", interaction.id, type(exc).__name__)
