"""The few things the Discord adapter itself says (everything else comes from the core)."""

from __future__ import annotations

__all__ = ["GUILD_POINTER", "SLASH_DMS_CLOSED", "SLASH_OPENED"]

# Said in a server channel, so it must stay general: nothing about the person or their story.
GUILD_POINTER = (
    "I keep conversations private. Send me a direct message, or use /start, and we can talk there."
)
# Only the person who used the command sees these (ephemeral answers to a slash command).
SLASH_OPENED = "I've sent you a direct message. We can carry on there, just the two of us."
SLASH_DMS_CLOSED = (
    "I couldn't send you a direct message: your Discord settings don't let me write to you. To allow it, "
    "open this server's menu (tap its name), choose Privacy Settings and turn on Direct Messages. If you "
    "blocked me, unblock me first. Then use /start again. Nothing about you was posted here."
)
