"""A slip during no contact: a plain choice, restart the count or keep it, with no shame and no change
of plan. The check-in asks for it when someone says they were in touch; so does the answer to "I
slipped and contacted them", wherever that question is opened. One slip is counted once a day.
"""

from __future__ import annotations

import re

from dialogs import calendar, understanding
from dialogs.context import Ctx, row
from dialogs.screens.registry import SCREENS, back, register

__all__ = ["SLIP_BUTTONS", "counting", "no_contact_day", "reported_today", "show_choice"]

SLIP_BUTTONS = (row(("Restart my count", "restart"), ("Keep my count", "keep")),)
# The choice typed in words. Keeping is read first, so "don't restart it" keeps the count.
_KEEP = re.compile(r"\b(keep|kept|carry on|continue|as it is|leave it|(don'?t|not|no) (restart|reset|start))", re.I)
_RESTART = re.compile(r"\b(restart|reset|start (again|over|afresh|from)|from (zero|scratch|day one)|begin again)", re.I)


def no_contact_day(ctx: Ctx) -> int | None:
    """Today's day of the count; None outside it, and on the moving-on path, where distance is not a
    countdown to anything."""
    return None if ctx.state.contact_forbidden else calendar.no_contact_day(ctx.state, ctx.today)


def counting(ctx: Ctx) -> bool:
    """A count is running that a slip can restart: no contact, or limited contact, where a message
    beyond the practical is the slip (a father who wrote "i still love her" at 2am was asked nothing
    more in a trial). Not on the moving-on path."""
    ends = calendar.no_contact_ends_on(ctx.state)
    return ends is not None and ctx.today < ends and not ctx.state.contact_forbidden


def reported_today(ctx: Ctx) -> bool:
    return ctx.state.no_contact.slip_on == ctx.today


def show_choice(ctx: Ctx, *, with_words: bool = True) -> None:
    """The slip's own words (unless an answer has just said them), then the choice."""
    checkins = ctx.kit.content.checkins
    ctx.goto("checkin.slip", words=with_words)
    if with_words:
        for message in checkins.slip:
            ctx.say(message)
    ctx.say(checkins.slip_question, SLIP_BUTTONS)


def _show(ctx: Ctx) -> None:
    show_choice(ctx, with_words=bool(ctx.state.data.get("words", True)))


def _typed_choice(ctx: Ctx) -> str:
    """"restart" or "keep" when typed words make the choice; a question about it is no choice."""
    text = ctx.event.text
    if not text.strip() or understanding.looks_like_question(text):
        return ""
    if _KEEP.search(text):
        return "keep"
    return "restart" if _RESTART.search(text) else ""


def _handle(ctx: Ctx) -> None:
    nc = ctx.state.no_contact
    choice = ctx.event.button or _typed_choice(ctx)
    if choice == "restart":
        # The guide keeps its own pace: a new count does not hold lessons back.
        ctx.state.guide.started_on = ctx.state.guide.started_on or nc.start
        nc.start = ctx.today
        ctx.say_key("slip_restarted", days=str(nc.days))
    elif choice == "keep":
        day = no_contact_day(ctx)
        ctx.say_key("slip_kept", day=str(day or nc.days), days=str(nc.days))
    else:
        # "do i have to start the 30 days over": nothing is required, and the choice is still open.
        if ctx.event.text.strip():
            ctx.say_key("slip_choice_help")
        ctx.say(ctx.kit.content.checkins.slip_question, SLIP_BUTTONS)
        return
    if nc.slip_on != ctx.today:
        nc.slips += 1
    nc.slip_on = ctx.today
    if ctx.state.data.get("words", True):  # from a check-in: its close
        ctx.goto("checkin.next", low=False, mood=0)
        SCREENS["checkin.next"].show(ctx)
    else:  # from the question's answer: back where they were
        back(ctx)


register("checkin.slip", _show, _handle, takes_text=True)
