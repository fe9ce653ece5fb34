"""Payload builders for the Discord emulator: the JSON shapes discord.py 2.7 parses.

Kept apart from the server so the shapes can be read (and compared with Discord's docs) in one place.
Every id is a real-looking snowflake; every time stamp is derived from it, so runs are deterministic.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "DISCORD_EPOCH_MS",
    "INTENT_DIRECT_MESSAGES",
    "INTENT_GUILDS",
    "INTENT_GUILD_MESSAGES",
    "INTENT_MESSAGE_CONTENT",
    "JSONDict",
    "Snowflakes",
    "application_payload",
    "bot_user_payload",
    "dm_channel_payload",
    "guild_payload",
    "member_payload",
    "message_payload",
    "timestamp_of",
    "user_payload",
]

JSONDict = dict[str, Any]

DISCORD_EPOCH_MS = 1_420_070_400_000
BASE_TIME_MS = 1_700_000_000_000

INTENT_GUILDS = 1 << 0
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15


class Snowflakes:
    """Increasing snowflakes: one millisecond apart, starting at a fixed instant."""

    def __init__(self, start_ms: int = BASE_TIME_MS) -> None:
        self._ms = itertools.count(start_ms)

    def next(self) -> int:
        return (next(self._ms) - DISCORD_EPOCH_MS) << 22


def timestamp_of(snowflake: int) -> str:
    ms = (snowflake >> 22) + DISCORD_EPOCH_MS
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat()


def user_payload(user_id: int) -> JSONDict:
    return {
        "id": str(user_id),
        "username": f"user{user_id}",
        "discriminator": "0",
        "global_name": f"User {user_id}",
        "avatar": None,
        "public_flags": 0,
    }


def bot_user_payload(bot_id: int, name: str) -> JSONDict:
    return {
        "id": str(bot_id),
        "username": name,
        "discriminator": "0",
        "global_name": None,
        "avatar": None,
        "bot": True,
        "verified": True,
        "mfa_enabled": False,
        "flags": 0,
        "public_flags": 0,
    }


def application_payload(app_id: int, bot: JSONDict, owner_id: int) -> JSONDict:
    """`GET oauth2/applications/@me`: discord.py reads every one of these keys."""
    return {
        "id": str(app_id),
        "name": bot["username"],
        "description": "",
        "icon": None,
        "bot_public": False,
        "bot_require_code_grant": False,
        "owner": user_payload(owner_id),
        "verify_key": "0" * 64,
        "flags": 0,
        "summary": "",
        "team": None,
        "bot": bot,
        # Installable in servers and by a person for themselves (user install).
        "integration_types_config": {"0": {}, "1": {}},
    }


def dm_channel_payload(channel_id: int, user_id: int) -> JSONDict:
    return {
        "id": str(channel_id),
        "type": 1,
        "last_message_id": None,
        "flags": 0,
        "recipients": [user_payload(user_id)],
    }


def member_payload(user: JSONDict | None, joined_at: str) -> JSONDict:
    member: JSONDict = {
        "roles": [],
        "joined_at": joined_at,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "nick": None,
        "avatar": None,
        "pending": False,
        "premium_since": None,
    }
    if user is not None:
        member["user"] = user
    return member


def guild_payload(guild_id: int, channel_id: int, bot: JSONDict, owner_id: int) -> JSONDict:
    """A GUILD_CREATE for a small server with one text channel, the bot as a member."""
    joined = timestamp_of(guild_id)
    return {
        "id": str(guild_id),
        "name": "Test server",
        "icon": None,
        "owner_id": str(owner_id),
        "unavailable": False,
        "large": False,
        "member_count": 2,
        "joined_at": joined,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "premium_tier": 0,
        "nsfw_level": 0,
        "system_channel_flags": 0,
        "preferred_locale": "en-US",
        "premium_progress_bar_enabled": False,
        "features": [],
        "roles": [
            {
                "id": str(guild_id),
                "name": "@everyone",
                "permissions": str((1 << 10) | (1 << 11) | (1 << 16)),  # view, send, read history
                "position": 0,
                "color": 0,
                "hoist": False,
                "managed": False,
                "mentionable": False,
                "flags": 0,
            }
        ],
        "emojis": [],
        "stickers": [],
        "channels": [
            {
                "id": str(channel_id),
                "type": 0,
                "name": "general",
                "position": 0,
                "permission_overwrites": [],
                "nsfw": False,
                "parent_id": None,
                "topic": None,
                "last_message_id": None,
                "rate_limit_per_user": 0,
            }
        ],
        "threads": [],
        "members": [member_payload(bot, joined)],
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
    }


def message_payload(
    message_id: int,
    channel_id: int,
    author: JSONDict,
    content: str,
    *,
    guild_id: int | None = None,
    mentions: list[JSONDict] | None = None,
    attachments: list[JSONDict] | None = None,
    sticker_items: list[JSONDict] | None = None,
    components: list[JSONDict] | None = None,
    flags: int = 0,
) -> JSONDict:
    message: JSONDict = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "author": author,
        "content": content,
        "timestamp": timestamp_of(message_id),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": mentions or [],
        "mention_roles": [],
        "attachments": attachments or [],
        "embeds": [],
        "pinned": False,
        "type": 0,
        "flags": flags,
        "components": components or [],
    }
    if sticker_items:
        message["sticker_items"] = sticker_items
    if guild_id is not None:
        message["guild_id"] = str(guild_id)
        message["member"] = member_payload(None, timestamp_of(guild_id))
    return message
