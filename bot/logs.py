"""Logging set-up: tokens never reach a log line, and libraries that log URLs are kept quiet."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import TextIO

__all__ = ["RedactingFilter", "setup_logging"]

# Telegram tokens look like 123456:ABC-xyz; Discord tokens are three dot-separated base64 parts.
_TOKEN_SHAPES = (
    re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}"),
    re.compile(r"[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{20,}"),
)


class RedactingFilter(logging.Filter):
    """Replace known secrets and anything shaped like a bot token in every record."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = message
        for secret in self._secrets:
            cleaned = cleaned.replace(secret, "[redacted]")
        for shape in _TOKEN_SHAPES:
            cleaned = shape.sub("[redacted]", cleaned)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


def setup_logging(level: str, secrets: Iterable[str] = (), stream: TextIO | None = None) -> None:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL at INFO, and Telegram URLs contain the token.
    # aiosqlite logs every statement with its parameters at DEBUG: that is journal text.
    for noisy in ("httpx", "httpcore", "apscheduler.executors.default", "discord.http", "aiosqlite"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(level)))
