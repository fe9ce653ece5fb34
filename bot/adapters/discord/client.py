"""The discord.py client: intents, the persistent button template, the /rekindle command, event hooks.

It only routes; what to do with each thing is the `Inbox`'s job (the adapter).
"""

from __future__ import annotations

import logging
import re
from typing import Any, Protocol

import discord
from discord import app_commands

from bot.adapters.discord.inbound import BUTTON_PREFIX, GuildMention, button_payload, classify, edit_event
from bot.adapters.discord.texts import SLASH_DESCRIPTION
from dialogs.model import Event

__all__ = ["ButtonPress", "Inbox", "RekindleClient", "intents"]

_log = logging.getLogger(__name__)


class Inbox(Protocol):
    def on_dm_event(self, event: Event, channel_id: int) -> None: ...

    async def on_guild_mention(self, mention: GuildMention) -> None: ...

    async def on_button(
        self, interaction: discord.Interaction, payload: str, view: discord.ui.View
    ) -> None: ...

    async def on_slash(self, interaction: discord.Interaction) -> None: ...

    def on_ready(self) -> None: ...


class ButtonPress(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=re.escape(BUTTON_PREFIX) + r"(?P<payload>.*)"
):
    """Matches every button the bot ever sent, so presses work across restarts without stored views."""

    def __init__(self, payload: str, label: str | None = None) -> None:
        super().__init__(discord.ui.Button(label=label, custom_id=BUTTON_PREFIX + payload))
        self.payload = payload

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ButtonPress:
        label = item.label if isinstance(item, discord.ui.Button) else None
        return cls(button_payload(BUTTON_PREFIX + match["payload"]), label)

    async def callback(self, interaction: discord.Interaction) -> None:
        client = interaction.client
        if isinstance(client, RekindleClient) and isinstance(self.view, discord.ui.View):
            await client.inbox.on_button(interaction, self.payload, self.view)


def intents() -> discord.Intents:
    """DMs, plus guild events for the server pointer and the slash command.

    No privileged intent: Discord delivers message content in DMs and in messages that mention the
    bot without MESSAGE_CONTENT, and those are the only messages the bot reads.
    """
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.dm_messages = True
    wanted.guild_messages = True
    return wanted


class RekindleClient(discord.Client):
    def __init__(self, inbox: Inbox) -> None:
        super().__init__(
            intents=intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            max_messages=None,  # no message cache: memory stays flat however many people write
            chunk_guilds_at_startup=False,
            member_cache_flags=discord.MemberCacheFlags.none(),
            guild_ready_timeout=0,  # nothing here needs the guild cache before on_ready
            max_ratelimit_timeout=30.0,  # longer waits surface as RateLimited -> RetryLater
        )
        self.inbox = inbox
        self.tree = app_commands.CommandTree(self)

        @self.tree.command(name="rekindle", description=SLASH_DESCRIPTION)
        async def rekindle(interaction: discord.Interaction) -> None:
            await self.inbox.on_slash(interaction)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(ButtonPress)
        await self.tree.sync()

    async def on_ready(self) -> None:
        _log.info("discord: connected as bot %s", self.user.id if self.user else "?")
        self.inbox.on_ready()

    async def on_resumed(self) -> None:
        _log.info("discord: gateway session resumed")

    async def on_message(self, message: discord.Message) -> None:
        if self.user is None:
            return
        inbound = classify(message, self.user.id)
        if isinstance(inbound, Event):
            self.inbox.on_dm_event(inbound, message.channel.id)
        elif isinstance(inbound, GuildMention):
            await self.inbox.on_guild_mention(inbound)

    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        # The raw event, because the message cache is off and on_message_edit needs it.
        if self.user is None:
            return
        event = edit_event(payload.message, self.user.id)
        if event is not None:
            self.inbox.on_dm_event(event, payload.channel_id)
