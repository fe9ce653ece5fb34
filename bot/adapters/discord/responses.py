"""Interaction answers that carry only what Discord's spec allows.

discord.py puts `tts` into every message body it builds, also into edits of an interaction's
response, where Discord's OpenAPI spec has no such field. This answer is therefore sent through
discord.py's HTTP client (its rate limiting and retries) with a body built here.
"""

from __future__ import annotations

import discord
from discord.http import Route

__all__ = ["edit_response"]

async def edit_response(interaction: discord.Interaction, content: str) -> None:
    """Replace the text of the interaction's (deferred) response."""
    route = Route(
        "PATCH",
        "/webhooks/{webhook_id}/{webhook_token}/messages/@original",
        webhook_id=interaction.application_id,
        webhook_token=interaction.token,
    )
    body = {"content": content, "allowed_mentions": {"parse": []}}
    await interaction.client.http.request(route, json=body)
