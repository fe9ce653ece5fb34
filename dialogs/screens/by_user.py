"""Asking before calling someone a risk to their ex: when only the model reads a message as the person
threatening, following or harming their ex (the rules find no such words), one direct question
comes first.

In the trials, "like what if he forgets about me" and "can i still text her about her mum's
operation" were read that way, and the answer was a perpetrator helpline and the moving-on track for
good. A "Yes" here gives exactly that; a "No" carries on with the message as usual. Words the rules
read as a threat never get the question: they are one. A draft for the message coach does: a trial's
mother, pasting a sharp note about the bills, was given the perpetrator line and the moving-on track
for good on the model's reading alone. So does the unsent letter /urge asks for ("Say everything"):
trial 29's mother wrote "you send HER to get MY son while hes crying. i hope one day you understand
what you did to us", and was told she might frighten him, for good.
"""

from __future__ import annotations

import re
from datetime import timedelta

from dialogs.assessment import Assessment, CrisisZone
from dialogs.context import Ctx, row
from dialogs.screens import protect
from dialogs.screens.interrupt import asked_so_far, hand_back, interrupt, return_from, said_lately, yes_or_no
from dialogs.screens.registry import register
from dialogs.state import RouteBefore

__all__ = ["DECLINE_HOLDS", "ask", "corrects", "declined_recently", "undo", "unsure"]

ANSWERS = (row(("Yes, I'm worried about that", "yes")), row(("No, that's not it", "no")))

_BEFORE_NO = r"(?:(?:what|wait|god|omg|oh|um+|er+|lol|haha|sorry|honestly|jesus|wtf|huh)\W+)*"  # "what?? no"
_NO = re.compile(
    rf"^{_BEFORE_NO}(no|nope|nah|n)\b|\bnot (it|me|what i meant)\b|\b(didn'?t|did not|never) (say|mean|said)\b"
    r"|\b(i'?m|im|i am) not (a |some )?(creep|stalker|psycho|threat|like that|violent|dangerous)\b"
    r"|\b(i'?d|i would|i will|i'?ll) never\b|\b(of course|absolutely|definitely|certainly) not\b"
    r"|\bnot at all\b|\bhell no\b|\bno way\b"
)
# After a "No" (or no answer twice), the model's reading alone does not bring the question back for
# this long: "could mean you might hurt your ex" five times in an evening told one tester he was
# being taken for a creep. A threat the rules read in the words still counts at once.
DECLINE_HOLDS = timedelta(days=3)
# After a second No, two weeks: a trial's mother was asked three times in ten days, about her
# daughter's weekend at her father's and how to tell her mother-in-law ("ive never hurt anyone in my
# life").
DECLINED_AGAIN_HOLDS = timedelta(days=14)
_YES = re.compile(r"^(yes|yeah|yep|y|kind of|kinda|sort of|a bit|maybe|i am|i might|sometimes)\b")


def unsure(ctx: Ctx, a: Assessment) -> bool:
    """Danger by the user that only the model reads, and nothing else the message raises."""
    return (
        a.danger_by_user
        and a.source == "model"
        and a.rule != "danger"
        and a.crisis == CrisisZone.NONE
        # A boundary the model alone reads beside it is no surer: trial 24's "she had to defend me in
        # front of them for 1 year. that must have been so tiring for her", a lesson's answer, got the
        # perpetrator line and the moving-on track for good, with no way back. Said in plain words
        # ("she told me to stop and i keep going round"), both stand.
        and not (a.boundary and a.rule == "boundary")
        # Read beside a new partner, it is asked about too: "that shes with someone new. or that
        # shes happy in perth without me", a lesson's answer, got the perpetrator line (a trial).
        # Someone who told of harm done to them is the likeliest to be misread as doing it ("how do
        # I get him to stop bringing up money in front of the kids"): they are asked too.
        and "danger_by_user" not in ctx.state.flags
        and not ctx.state.screen.startswith("safety.")
    )


def declined_recently(ctx: Ctx) -> bool:
    hold = DECLINED_AGAIN_HOLDS if ctx.state.by_user_declines >= 2 else DECLINE_HOLDS
    return said_lately(ctx.state.by_user_declined_at, ctx.now, hold)


def ask(ctx: Ctx) -> None:
    interrupt(ctx, "safety.by_user")
    ctx.say_key("by_user_question", ANSWERS)


def _answer(ctx: Ctx) -> str:
    return yes_or_no(ctx, _NO, _YES)


def _handle(ctx: Ctx) -> None:
    answer = _answer(ctx)
    state = ctx.state
    if not answer:
        if not state.data.get("asked_again"):
            state.data = {**state.data, "asked_again": True, "asked": asked_so_far(state.data, ctx)}
            ctx.say_key("by_user_again", ANSWERS)
            return
        # Not answered twice: they have moved on, and the question is not held over them.
        state.data = {**state.data, "asked": asked_so_far(state.data, ctx)}
        answer = "left"
    returned = return_from(ctx)
    if answer == "yes":
        state.by_user_yes = RouteBefore(
            track=state.track, started_on=state.guide.started_on, branch=state.guide.branch, flags=list(state.flags)
        )
        state.by_user_yes_at = ctx.now
        said = Assessment(danger=True, danger_by_user=True, source="model", rule="danger")
        if returned.screen == "urge.unsent" and returned.held:
            ctx.journal("unsent", returned.held)  # the letter they were promised a place for is kept
        if protect.settle(ctx, protect.record(ctx, said)):
            return
    else:
        state.by_user_declined_at = ctx.now
        state.by_user_declines += answer == "no"
        ctx.say_key("by_user_left" if answer == "left" else "by_user_no")
    hand_back(ctx, returned)


def _show(ctx: Ctx) -> None:
    ctx.say_key("by_user_question", ANSWERS)


# Words soon after a "Yes" that say it was the wrong way round: "wait no i pressed wrong. i meant HE
# scares me" (a trial, where nothing was undone).
_CORRECTION = re.compile(
    r"\b(pressed|tapped|hit|clicked) (the )?wrong|\bwrong (button|one)\b|\bmis-?(click|tap)"
    r"|\bmeant (to (say|press|tap) )?no\b"
    r"|\b(didn'?t|did not) mean (to (press|say|tap)|yes)|\b(he|she|they) (scares?|frightens?) me\b"
    r"|\b(i'?m|im|i am) (scared|afraid|frightened) of (him|her|them)\b"
)
TAKE_BACK_WITHIN = timedelta(hours=1)


def corrects(ctx: Ctx, text: str) -> bool:
    state = ctx.state
    at = state.by_user_yes_at
    if state.by_user_yes is None or at is None or ctx.now - at > TAKE_BACK_WITHIN:
        return False
    return bool(_CORRECTION.search(" ".join(text.casefold().replace("’", "'").split())))


def undo(ctx: Ctx) -> None:
    """The "Yes" taken back: their flags, track and place as before it."""
    state, before = ctx.state, ctx.state.by_user_yes
    if before is None:
        return
    state.flags = [f for f in state.flags if f in before.flags]
    if not state.flags:
        state.track, state.guide.branch = before.track, before.branch
        state.guide.started_on = before.started_on or state.guide.started_on
    state.danger_told_on = {k: v for k, v in state.danger_told_on.items() if k != "danger_by_user"}
    state.by_user_yes = state.by_user_yes_at = None
    state.by_user_declined_at = ctx.now
    ctx.say_key("by_user_undone")


register("safety.by_user", _show, _handle, takes_text=True)
