"""The discord.py client: intents, the persistent button template, the slash commands, event hooks.

It only routes; what to do with each thing is the `Inbox`'s job (the adapter).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import discord
from discord import app_commands

from bot.adapters.commands import CommandInfo
from bot.adapters.discord.inbound import BUTTON_PREFIX, GuildMention, button_payload, classify, edit_event
from dialogs.model import Event

__all__ = ["ButtonPress", "Inbox", "RekindleClient", "command_payloads", "intents"]

# Discord's interaction contexts and installation types (the spec's InteractionContextType and
# ApplicationIntegrationType): every command works in servers, in the DM with the bot, and in other
# private channels when a person installed the app for themselves.
GUILD, BOT_DM, PRIVATE_CHANNEL = 0, 1, 2
GUILD_INSTALL, USER_INSTALL = 0, 1

_log = logging.getLogger(__name__)


class Inbox(Protocol):
    def on_dm_event(self, event: Event, channel_id: int) -> None: ...

    async def on_guild_mention(self, mention: GuildMention) -> None: ...

    async def on_button(
        self, interaction: discord.Interaction, payload: str, view: discord.ui.View
    ) -> None: ...

    async def on_slash(self, interaction: discord.Interaction, command: str, text: str) -> None: ...

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


def _slash_command(info: CommandInfo, inbox: Callable[[], Inbox]) -> app_commands.Command[Any, ..., None]:
    """One slash command that hands the engine's command (and any text given with it) to the inbox."""
    command = info.command
    if info.argument is None:

        async def plain(interaction: discord.Interaction) -> None:
            await inbox().on_slash(interaction, command, "")

        return app_commands.Command(name=info.name, description=info.description, callback=plain)

    async def with_text(interaction: discord.Interaction, text: str | None = None) -> None:
        await inbox().on_slash(interaction, command, text or "")

    # The option is called `text` here; people see the name and description from the content file.
    named = app_commands.rename(text=info.argument.name)(with_text)
    described = app_commands.describe(text=info.argument.description)(named)
    return app_commands.Command(name=info.name, description=info.description, callback=described)


def command_payloads(tree: app_commands.CommandTree[Any], user_install: bool) -> list[dict[str, Any]]:
    """The global commands as Discord's bulk-overwrite request takes them.

    Built here rather than by `CommandTree.sync`, which adds `nsfw` (not in Discord's spec for this
    request) and the deprecated `dm_permission`; the contexts say where each command works.
    """
    installs = [GUILD_INSTALL, USER_INSTALL] if user_install else [GUILD_INSTALL]
    payloads = []
    for command in tree.get_commands():
        body = command.to_dict(tree)
        payload: dict[str, Any] = {k: body[k] for k in ("name", "description", "type", "options") if k in body}
        payload["contexts"] = [GUILD, BOT_DM, PRIVATE_CHANNEL]
        payload["integration_types"] = installs
        payloads.append(payload)
    return payloads


class RekindleClient(discord.Client):
    def __init__(self, inbox: Inbox, commands: Sequence[CommandInfo] = ()) -> None:
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
        for info in commands:
            self.tree.add_command(_slash_command(info, lambda: self.inbox))

    async def setup_hook(self) -> None:
        self.add_dynamic_items(ButtonPress)
        await self._register_commands()

    async def _register_commands(self) -> None:
        """Overwrite the global slash commands with this list (one request; Discord keeps the ids)."""
        if self.application_id is None:
            return
        app = self.application
        user_install = app is not None and app.user_integration_config is not None
        await self.http.bulk_upsert_global_commands(self.application_id, command_payloads(self.tree, user_install))

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
