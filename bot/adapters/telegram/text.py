"""Splitting long text for Telegram: limits count UTF-16 code units, not Python characters."""

from __future__ import annotations

from bot.adapters import textsplit

__all__ = ["CAPTION_LIMIT", "TEXT_LIMIT", "split_text", "utf16_len"]

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Parts of at most `limit` UTF-16 units, cut at the best boundary available, never empty."""
    return textsplit.split_text(text, limit, utf16_len)
