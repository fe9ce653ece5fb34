"""The Discord DM adapter: discord.py in, the core's events out; the core's replies in, DMs out."""

from bot.adapters.discord.adapter import DiscordAdapter
from bot.adapters.discord.outbound import DiscordSender

__all__ = ["DiscordAdapter", "DiscordSender"]
