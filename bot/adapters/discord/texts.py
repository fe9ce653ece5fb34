"""The few things the Discord adapter itself says (everything else comes from the core)."""

from __future__ import annotations

__all__ = ["GUILD_POINTER", "SLASH_DESCRIPTION", "SLASH_IN_DM", "SLASH_OPENED"]

# Said in a server channel, so it must stay general: nothing about the person or their story.
GUILD_POINTER = (
    "I keep conversations private. Send me a direct message, or use /rekindle, and we can talk there."
)
SLASH_DESCRIPTION = "Start a private conversation with Rekindle in your direct messages"
SLASH_OPENED = "I've sent you a direct message. We can carry on there, just the two of us."
SLASH_IN_DM = "We're in private already. I'll answer here."
