"""/urge: the urge to contact the ex, written down instead of sent, with a follow-up the next day."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

from dialogs.calendar import no_contact_days_left
from dialogs.context import Ctx, row
from dialogs.model import UrgeWrite
from dialogs.parsing import parse_int
from dialogs.screens.care import grounding_next, grounding_step
from dialogs.screens.checkin import URGE_BUTTONS
from dialogs.screens.registry import back, command, enter_side, register
from dialogs.screens.slip import no_contact_day

__all__: list[str] = []

BACK = (row(("Back", "_back"), ("Menu", "_menu")),)
GROUND_OFFER = (row(("Yes, let's do it", "ground"), ("No, write it out", "write")),)


# An urge given this recently (at a check-in, say) is not asked for again: in a trial /urge asked for
# it on the same 0-10 scale minutes after the check-in had.
URGE_STILL_FRESH = timedelta(minutes=30)


@command("urge")
def _urge(ctx: Ctx) -> None:
    prefs = ctx.state.checkins
    fresh = prefs.last_urge_at is not None and ctx.now - prefs.last_urge_at < URGE_STILL_FRESH
    if fresh and prefs.last_urge is not None:
        ctx.emit(UrgeWrite(local_date=ctx.today, strength=prefs.last_urge))
        enter_side(ctx, "urge.trigger")
        ctx.state.data = {"strength": prefs.last_urge}
        ctx.say_key("urge_known", urge=str(prefs.last_urge))
        ctx.say_key("urge_trigger", [row(("Skip", "skip"))])
        return
    enter_side(ctx, "urge.strength")
    _strength_show(ctx)


def _strength_show(ctx: Ctx) -> None:
    ctx.say_key("urge_strength", URGE_BUTTONS)


def _strength_handle(ctx: Ctx) -> None:
    strength = parse_int(ctx.event.button or ctx.event.text, 0, 10)
    if strength is None:
        ctx.say_key("checkin_number", low="0", high="10")
        _strength_show(ctx)
        return
    ctx.emit(UrgeWrite(local_date=ctx.today, strength=strength))
    ctx.state.checkins.last_urge, ctx.state.checkins.last_urge_at = strength, ctx.now
    ctx.goto("urge.trigger", strength=strength)
    ctx.say_key("urge_trigger", [row(("Skip", "skip"))])


register("urge.strength", _strength_show, _strength_handle, takes_text=True)


def _trigger_handle(ctx: Ctx) -> None:
    if ctx.event.text.strip():
        ctx.journal("urge", ctx.event.text.strip(), ref=f"strength {ctx.state.data.get('strength')}")
    ctx.goto("urge.ground")
    ctx.say_key("urge_ground_offer", GROUND_OFFER)


register(
    "urge.trigger",
    lambda ctx: ctx.say_key("urge_trigger", [row(("Skip", "skip"))]),
    _trigger_handle,
    takes_text=True,
)


def _ground_handle(ctx: Ctx) -> None:
    if ctx.event.button == "ground":
        # One step at a time, as in crisis care: all five in one message, then straight on to writing,
        # rushed a trial lying awake with an urge of 9.
        ctx.goto("urge.grounding", step=0)
        _grounding_show(ctx)
        return
    _to_unsent(ctx)


def _to_unsent(ctx: Ctx) -> None:
    ctx.goto("urge.unsent")
    ctx.say_key("urge_unsent", [row(("I'd rather not", "skip"))])


def _grounding_done(ctx: Ctx) -> None:
    ctx.say_key("grounding_done")
    _to_unsent(ctx)


def _grounding_show(ctx: Ctx) -> None:
    grounding_step(ctx, ("On to writing", "write"), _grounding_done)


def _grounding_handle(ctx: Ctx) -> None:
    grounding_next(ctx, "write")
    _grounding_show(ctx)


register("urge.grounding", _grounding_show, _grounding_handle, takes_text=False)


register(
    "urge.ground",
    lambda ctx: ctx.say_key("urge_ground_offer", GROUND_OFFER),
    _ground_handle,
    takes_text=False,
)


def _followup_day(ctx: Ctx) -> date:
    """Tomorrow, as someone writing in the small hours means it: after sleep (a trial's letter at 01:24
    was promised "Tomorrow I'll ask" and waited more than a day for it)."""
    return ctx.step_day + timedelta(days=1)


def _unsent_handle(ctx: Ctx) -> None:
    text = ctx.event.text.strip()
    if text:
        ctx.journal("unsent", text)
        ctx.state.urge_followup_on = _followup_day(ctx)
        # Not "I'll ask if you still want to send it" to someone who must not send it (in a trial, a
        # woman writing to the man who stalked her).
        ctx.say_key("urge_unsent_saved_kept" if ctx.state.contact_forbidden else "urge_unsent_saved")
    day = no_contact_day(ctx)
    if day and not ctx.state.contact_forbidden:
        kind = "limited contact" if ctx.state.no_contact.limited else "no contact"
        ctx.say_key("urge_distance", day=str(day), days=str(ctx.state.no_contact.days), kind=kind)
    elif ctx.state.contact_forbidden:
        ctx.say_key(_why_distance(ctx))
    ctx.goto("urge.done")
    ctx.say_key("urge_done", BACK)


register(
    "urge.unsent",
    lambda ctx: ctx.say_key("urge_unsent", [row(("I'd rather not", "skip"))]),
    _unsent_handle,
    takes_text=True,
)
register("urge.done", lambda ctx: ctx.say_key("urge_done", BACK), back, takes_text=False)


def _why_distance(ctx: Ctx) -> str:
    """Why distance, in words that fit why contact is off: their safety, their ex's wish, or neither."""
    if ctx.state.harmed_by_ex:
        return "urge_distance_danger"
    return "urge_distance_boundary" if "boundary" in ctx.state.flags else "urge_distance_moving_on"


# Typed answers to "how do you feel about it?" (a trial's "im glad i waited i guess" got "I haven't
# filed that").
_STILL = re.compile(
    r"\bstill (?:want|wanna|feel like)|\b(?:wish|should'?ve|should have) (?:i )?(?:had )?sen[td]|\bgoing to send"
    r"|\bgonna send|\bwant to send it|\bregret not"
)
_WAITED = re.compile(
    r"\bglad|\brelieved|\bwaited\b|\bright call\b|\b(?:good|happy|better) (?:that )?i (?:didn'?t|didnt|waited)"
    r"|\bcringe\b|\bembarrass"
)


def _followup_handle(ctx: Ctx) -> None:
    text = " ".join(ctx.event.text.casefold().replace("’", "'").split())
    if not ctx.event.button and text:
        if _STILL.search(text):
            ctx.event = replace(ctx.event, button="still")
        elif _WAITED.search(text):
            ctx.event = replace(ctx.event, button="waited")
        else:
            ctx.journal("reflection", ctx.event.text.strip())
            ctx.say_key("urge_followup_heard", BACK)
            ctx.goto("urge.done")
            return
    if ctx.event.button == "still":
        if ctx.state.harmed_by_ex:
            key = "urge_still_danger"
        elif ctx.state.contact_forbidden:
            key = "urge_still_boundary"
        elif ctx.state.guide.branch == "no_reply":
            key = "urge_still_waiting"  # a trial was told to hold it until a no contact ended weeks before
        else:
            key = "urge_still" if no_contact_days_left(ctx.state, ctx.today) > 0 else "urge_still_after"
        ctx.say_key(key, BACK)
    else:
        ctx.say_key("urge_waited", BACK)
    ctx.goto("urge.done")


register(
    "urge.followup",
    lambda ctx: ctx.say_key(
        "urge_followup", [row(("I'm glad I waited", "waited")), row(("I still want to", "still"))]
    ),
    _followup_handle,
    takes_text=True,
)
