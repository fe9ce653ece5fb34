"""What both stores share: which tables hold a user's rows, which columns are encrypted, and how a
row read back becomes a record. The SQL differs per backend; this does not."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

from bot.crypto import Cipher
from bot.store.base import JournalEntry, OutboxItem, UserKey, from_ts
from bot.store.codec import reply_from_json
from dialogs.progress import CheckinRecord, UrgeRecord

__all__ = [
    "ENCRYPTED",
    "ENCRYPTED_COLUMNS",
    "USER_TABLES",
    "Progress",
    "checkin_record",
    "decrypted",
    "journal_entry",
    "outbox_item",
    "plain_text_where",
    "urge_record",
]

# Every table with rows about a user -> the order its rows are exported in.
USER_TABLES = {
    "processed_events": "event_id",
    "journal": "id",
    "checkins": "local_date",
    "urges": "id",
    "outbox": "id",
    "reports": "id",
    "users": "user_id",
}
ENCRYPTED = frozenset({"state", "text", "payload", "reply", "note", "last_reply"})
# Table -> (the columns that identify a row, its encrypted columns): what rotate-key and encrypt touch.
ENCRYPTED_COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "users": (("platform", "user_id"), ("state", "last_reply")),
    "journal": (("id",), ("text",)),
    "outbox": (("id",), ("payload",)),
    "reports": (("id",), ("reply", "note")),
}


Progress = Callable[[int, int], None]  # (done, total), for a long operation run from the command line


def plain_text_where(columns: Sequence[str]) -> str:
    """SQL condition: a row with any of these columns holding text that is not encrypted."""
    return " OR ".join(f"({c} <> '' AND {c} NOT LIKE 'enc1:%')" for c in columns)


def outbox_item(key: UserKey, row: Sequence[Any], cipher: Cipher) -> OutboxItem:
    """From (id, payload, attempts, not_before)."""
    return OutboxItem(
        id=row[0],
        key=key,
        reply=reply_from_json(cipher.decrypt(row[1])),
        attempts=row[2],
        not_before=from_ts(row[3]) if row[3] else None,
    )


def journal_entry(row: Sequence[Any], cipher: Cipher) -> JournalEntry:
    """From (id, at, kind, ref, text)."""
    return JournalEntry(row[0], from_ts(row[1]), row[2], row[3], cipher.decrypt(row[4]))


def checkin_record(row: Sequence[Any]) -> CheckinRecord:
    """From (local_date, mood, urge, contacted)."""
    return CheckinRecord(date.fromisoformat(row[0]), row[1], row[2], None if row[3] is None else bool(row[3]))


def urge_record(row: Sequence[Any]) -> UrgeRecord:
    """From (local_date, strength)."""
    return UrgeRecord(date.fromisoformat(row[0]), row[1])


def decrypted(columns: Iterable[tuple[str, Any]], cipher: Cipher) -> dict[str, Any]:
    """One exported row, with its encrypted columns readable."""
    return {n: (cipher.decrypt(v) if n in ENCRYPTED and isinstance(v, str) else v) for n, v in columns}
