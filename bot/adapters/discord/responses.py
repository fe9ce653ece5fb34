"""Interaction answers that carry only what Discord's spec allows.

discord.py puts `tts` into every message body it builds, also into an UPDATE_MESSAGE callback and
into edits of an interaction's response, where Discord's OpenAPI spec has no such field. These two
answers are therefore sent through discord.py's HTTP client (its rate limiting and retries) with a
body built here: a view's components, or a line of text.
"""

from __future__ import annotations

import discord
from discord.http import Route

__all__ = ["disable_components", "edit_response"]

UPDATE_MESSAGE = 7  # the spec's InteractionCallbackType: edit the message the component is on


async def disable_components(interaction: discord.Interaction, view: discord.ui.View) -> None:
    """Acknowledge a component press by showing `view` (its buttons disabled) on the pressed message."""
    route = Route(
        "POST",
        "/interactions/{interaction_id}/{interaction_token}/callback",
        interaction_id=interaction.id,
        interaction_token=interaction.token,
    )
    body = {"type": UPDATE_MESSAGE, "data": {"components": view.to_components()}}
    await interaction.client.http.request(route, json=body)


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
