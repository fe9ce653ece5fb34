"""Plain text for Discord: escape what Discord would render, and split to its 2000-character limit.

`Reply.text` is plain text that may quote the user, so nothing in it may format, ping or link-pill.
"""

from __future__ import annotations

import re

import discord.utils

from bot.adapters.textsplit import split_text

__all__ = ["MESSAGE_LIMIT", "plain", "split_plain", "split_text"]

MESSAGE_LIMIT = 2000

_PILL = re.compile(r"<(?=[@#:/a-zA-Z])")  # <@id>, <#id>, <t:...>, </cmd:id>, <a:emoji:id>


def plain(text: str) -> str:
    """Text exactly as written: markdown, @everyone/@here and <@id>-style pills are neutralised."""
    escaped = discord.utils.escape_markdown(text)
    escaped = discord.utils.escape_mentions(escaped)
    return _PILL.sub(r"\\<", escaped)


def split_plain(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """The Discord message bodies for `text`: escaped, each within `limit` after escaping."""
    return [plain(piece) for piece in split_text(text, limit, lambda s: len(plain(s)))]
