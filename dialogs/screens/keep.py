"""Words heard but not filed: a long message, or words typed hours after a step. One tap keeps them
as a journal note, so nobody has to type them again after "/journal"."""

from __future__ import annotations

from dialogs.context import Ctx, row
from dialogs.model import Button

__all__ = ["KEEP_BUTTON", "keep", "keep_row"]

KEEP_BUTTON = "_keep"
MAX_KEPT = 4000  # a message is at most this long on either platform


def keep_row(ctx: Ctx, text: str) -> tuple[Button, ...]:
    """The button that keeps `text`; the words wait in the state until it is pressed or replaced."""
    ctx.state.unfiled = text.strip()[:MAX_KEPT]
    return row(("Keep it in my journal", KEEP_BUTTON))


def keep(ctx: Ctx) -> None:
    text, ctx.state.unfiled = ctx.state.unfiled, ""
    if not text:
        ctx.say_key("button_expired")
        return
    ctx.journal("note", text)
    ctx.say_key("journal_written", [row(("Back", "_back"), ("Menu", "_menu"))])
