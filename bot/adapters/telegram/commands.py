"""The commands shown in Telegram's menu (setMyCommands): the everyday ones; the engine knows more."""

from __future__ import annotations

from telegram import BotCommand

__all__ = ["MENU_COMMANDS"]

MENU_COMMANDS: tuple[BotCommand, ...] = (
    BotCommand("start", "Begin, or pick up where you left off"),
    BotCommand("menu", "Everything I can do for you"),
    BotCommand("checkin", "Check in now"),
    BotCommand("urge", "When you feel like texting your ex"),
    BotCommand("journal", "Read your notes"),
    BotCommand("progress", "See how far you have come"),
    BotCommand("settings", "Check-in time and quiet hours"),
    BotCommand("pause", "Pause check-ins"),
    BotCommand("resume", "Start check-ins again"),
    BotCommand("help", "What I understand"),
    BotCommand("sos", "Help from a person, right now"),
)
