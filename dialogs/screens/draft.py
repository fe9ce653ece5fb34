"""/draft: the message coach reads a message meant for the ex and says what might land badly.

Only on the reconnect track, when contact is allowed: the safety check has already read the draft
as the person's own words, so a threat written to the ex never reaches this screen.
"""

from __future__ import annotations

from dialogs.calendar import no_contact_days_left
from dialogs.coach import format_review
from dialogs.context import Ctx, row
from dialogs.screens.registry import command, enter_side, register

__all__: list[str] = []

BACK = (row(("Back", "_back"), ("Menu", "_menu")),)


@command("draft")
def _draft(ctx: Ctx) -> None:
    if ctx.state.contact_forbidden:
        ctx.say_key(_refusal(ctx), BACK)
        return
    enter_side(ctx, "draft")
    if ctx.event.text.strip():
        _handle(ctx)
    else:
        ctx.say_key("draft_ask", BACK)


def _refusal(ctx: Ctx) -> str:
    """Why no draft is reviewed, in the person's own terms: the danger, the ex's request, or the path."""
    flags = set(ctx.state.flags)
    if flags & {"danger", "danger_by_user"}:
        return "draft_refused_danger"
    return "draft_refused_boundary" if "boundary" in flags else "draft_refused"


def _handle(ctx: Ctx) -> None:
    text = ctx.event.text.strip()
    if ctx.event.button == "again" or not text:
        ctx.say_key("draft_ask", BACK)
        return
    if ctx.state.contact_forbidden:
        ctx.say_key(_refusal(ctx), BACK)
        return
    understood = ctx.event.understanding
    review = ctx.kit.coach.review(
        text,
        local_time=ctx.now.astimezone(ctx.zone).time(),
        # Limited contact is no countdown: the practical messages it allows are sent when needed.
        no_contact_days_left=0 if ctx.state.no_contact.limited else no_contact_days_left(ctx.state, ctx.today),
        meaning=dict(understood.coach) if understood else None,
    )
    messages = format_review(review, ctx.state.profile.name)
    for i, message in enumerate(messages):
        last = i == len(messages) - 1
        ctx.say(message, [row(("Review another", "again"), ("Back", "_back"))] if last else (), coaching=True)


register("draft", lambda ctx: ctx.say_key("draft_ask", BACK), _handle, takes_text=True)
