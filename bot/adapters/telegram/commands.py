"""The commands shown in Telegram's "/" menu (setMyCommands), from the list both platforms share."""

from __future__ import annotations

from pathlib import Path

from telegram import BotCommand

from bot.adapters.commands import load_commands

__all__ = ["menu_commands"]


def menu_commands(content_dir: Path) -> list[BotCommand]:
    """`content/commands.yaml`'s commands for Telegram; raises ContentError on a bad file."""
    return [BotCommand(c.name, c.description) for c in load_commands(content_dir).on("telegram")]
