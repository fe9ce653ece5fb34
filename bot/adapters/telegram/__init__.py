"""The Telegram adapter: python-telegram-bot 22 on one side, the platform-neutral service on the other."""

import os

# PTB 22 warns that some durations will become timedeltas unless opted in; opting in silences it.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from bot.adapters.telegram.adapter import ChatServiceLike, TelegramAdapter, Tuning
from bot.adapters.telegram.ratelimit import RateLimits

__all__ = ["ChatServiceLike", "RateLimits", "TelegramAdapter", "Tuning"]
