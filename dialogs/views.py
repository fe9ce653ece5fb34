"""Pure renderings of stored data into replies: journal pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dialogs.content import Content
from dialogs.context import row
from dialogs.export import KIND_LABELS
from dialogs.model import Reply

__all__ = ["JOURNAL_PAGE_SIZE", "JournalLine", "journal_page"]

JOURNAL_PAGE_SIZE = 5


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
        lines.append(f"\n{when}, {KIND_LABELS.get(entry.kind, entry.kind)}:\n{text}")
    if page + 1 < pages:  # only where there is an older page: the last one says nothing about a next
        more = f"{page + 2} {query}".strip()
        lines.append("\n" + content.text("journal_older", command=f"/journal {more}"))
    return [Reply("\n".join(lines), buttons=(row(("Back", "_back"), ("Menu", "_menu")),), nonce=nonce)]
