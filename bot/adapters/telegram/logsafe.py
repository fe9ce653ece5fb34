"""Keep the bot token out of every log line, at every level.

python-telegram-bot puts the token in every request URL and logs that URL at DEBUG, and an HTTP
client's error may quote it (httpx, PTB's default client, logs each URL at INFO). Quieting loggers
is not enough on its own (someone may turn on DEBUG), so every log record is also scrubbed as it is
created, including formatted tracebacks.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

__all__ = ["REDACTED", "protect_secrets"]

REDACTED = "[redacted]"
_secrets: set[str] = set()
_installed = False


def protect_secrets(*secrets: str) -> None:
    """Idempotent: quiet httpx (should anything use it) and redact each secret from all log records from now on."""
    global _installed
    logging.getLogger("httpx").setLevel(logging.WARNING)
    _secrets.update(s for s in secrets if s)
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if _secrets:
            _scrub(record)
        return record

    logging.setLogRecordFactory(factory)
    _installed = True


def _redact(text: str) -> str:
    for secret in _secrets:
        text = text.replace(secret, REDACTED)
    return text


def _scrub(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a malformed record is the logging module's problem, not ours
        return
    clean = _redact(message)
    if clean != message:
        record.msg, record.args = clean, None
    if record.exc_info and record.exc_info[1] is not None:
        text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        clean = _redact(text)
        if clean != text:
            record.exc_text = clean  # Formatter uses exc_text as is when it is already set
