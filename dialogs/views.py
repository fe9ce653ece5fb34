"""Pure renderings of stored data into replies: journal pages, progress text, export text."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dialogs.content import Content
from dialogs.context import row
from dialogs.model import Reply

__all__ = ["JOURNAL_PAGE_SIZE", "JournalLine", "export_json", "export_text", "journal_page"]

JOURNAL_PAGE_SIZE = 5
_KIND_LABELS = {
    "reflection": "Reflection",
    "checkin": "Check-in",
    "urge": "Urge",
    "unsent": "Unsent message",
    "intake": "First thoughts",
    "plan": "Safety plan",
}


@dataclass(frozen=True, slots=True)
class JournalLine:
    at: datetime
    kind: str
    text: str


def journal_page(
    entries: Sequence[JournalLine], page: int, query: str, content: Content, tz: Any, nonce: int
) -> list[Reply]:
    """One page of the journal, newest first, optionally filtered by a word.

    `nonce` is the user's current prompt nonce: the page's Back and Menu buttons are pressed against it.
    """
    if query:
        needle = query.casefold()
        entries = [e for e in entries if needle in e.text.casefold()]
        if not entries:
            return [Reply(content.text("journal_nothing_found", query=query))]
    if not entries:
        return [Reply(content.text("journal_empty"))]
    pages = max(1, -(-len(entries) // JOURNAL_PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    chunk = entries[page * JOURNAL_PAGE_SIZE : (page + 1) * JOURNAL_PAGE_SIZE]
    lines = [content.text("journal_page", page=str(page + 1), pages=str(pages))]
    for entry in chunk:
        when = entry.at.astimezone(tz).strftime("%d %b %Y")
        text = entry.text if len(entry.text) <= 600 else entry.text[:600] + "…"
        lines.append(f"\n{when}, {_KIND_LABELS.get(entry.kind, entry.kind)}:\n{text}")
    return [Reply("\n".join(lines), buttons=(row(("Back", "_back"), ("Menu", "_menu")),), nonce=nonce)]


def export_json(data: dict[str, list[dict[str, Any]]]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str).encode()


def export_text(data: dict[str, list[dict[str, Any]]]) -> bytes:
    """A readable version of the export for people who do not read JSON."""
    out: list[str] = ["Everything Rekindle keeps about you", ""]
    for table, rows in data.items():
        out.append(f"== {table} ({len(rows)}) ==")
        for r in rows:
            if table == "users":
                try:
                    state = json.loads(r.get("state", "{}"))
                except json.JSONDecodeError:
                    state = {}
                out.append(json.dumps(state, ensure_ascii=False, indent=2, default=str))
            else:
                out.append(
                    "  " + "; ".join(f"{k}: {v}" for k, v in r.items() if k not in {"platform", "user_id"})
                )
        out.append("")
    return "\n".join(out).encode()
