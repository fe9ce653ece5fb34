"""Who a person can reach: their country, and the safety replies filled with that country's lines."""

from __future__ import annotations

from dialogs.context import Ctx
from dialogs.resources import ReplyKind

__all__ = ["country", "lines_text", "say_reply"]


def country(ctx: Ctx) -> str:
    """The country the person chose, else the guess from their time zone, else "" (international)."""
    chosen = ctx.state.profile.country
    if chosen == "ZZ":  # somewhere not listed: the international directory
        return ""
    return chosen or ctx.kit.resources.country_for_timezone(ctx.state.profile.timezone)


def lines_text(ctx: Ctx, kind: ReplyKind) -> str:
    res = ctx.kit.resources
    return res.format_lines(res.lines_for(kind, country(ctx)))


def say_reply(ctx: Ctx, kind: ReplyKind) -> None:
    """One safety reply from content, with this person's lines and name, one message at a time."""
    for text in ctx.kit.resources.reply(kind, country(ctx), ctx.state.profile.name):
        ctx.say(text)
