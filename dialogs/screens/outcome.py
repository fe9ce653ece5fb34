"""Reaching out, and what really happened: the question that decides the reconnect path's branch.

Asked the day after the first-message lesson, and again a week after each answer: no reply yet,
a warm reply, a cool one, they asked me to stop, they are with someone. Couple lessons open only
when the person says they are both trying again; a request to stop moves them to moving on for good.
"""

from __future__ import annotations

import re

from dialogs.assessment import Assessment
from dialogs.branching import FIRST, let_go_first, moment
from dialogs.context import Ctx, row
from dialogs.model import Button
from dialogs.screens import lessons, protect
from dialogs.screens.lines import say_reply
from dialogs.screens.registry import register

__all__ = ["ask", "news"]

_STOP = ("They asked me to stop", "stop")
_NEW = ("They're with someone new", "moved_on")
_WARM = ("They replied warmly", "warm")
_COOL = ("They replied, but coolly", "cool")
_LET_GO = ("I'm ready to let go", "let_go")
ANSWERS: dict[str, tuple[tuple[str, str], ...]] = {
    "first": (("Not sent yet", "unsent"), ("No reply yet", "no_reply"), _WARM, _COOL, _STOP, _NEW),
    "no_reply": (("Still nothing", "no_reply"), _WARM, _COOL, _STOP, _NEW, _LET_GO),
    "warm": (
        ("Yes, we're trying again", "together"),
        ("Not yet, still slow", "warm"),
        ("It's cooled off", "cool"),
        _STOP,
    ),
    "cool": (("It's warmer now", "warm"), ("Still cool", "cool"), _LET_GO, _STOP),
}


def _branch_read(ctx: Ctx) -> bool:
    return not lessons.plan_for(ctx).unread


def _keyboard(ctx: Ctx, when: str) -> list[tuple[Button, ...]]:
    answers = list(ANSWERS[when])
    if when == "no_reply" and let_go_first(ctx.state, ctx.step_day):
        answers.remove(_LET_GO)
        answers.insert(0, _LET_GO)
    return [row(answer) for answer in answers]


def ask(ctx: Ctx, *, told: bool = False) -> None:
    """`told`: they typed what happened, so the question comes now, for where they are."""
    branch = ctx.state.guide.branch
    when = moment(ctx.state, ctx.step_day, _branch_read(ctx)) or (branch if told and branch in ANSWERS else "first")
    ctx.state.guide.outcome_asked_on = ctx.step_day
    ctx.goto("guide.outcome", moment=when)
    if told:
        ctx.say_key("outcome_news", _keyboard(ctx, when))
        return
    key = (
        "outcome_no_reply_long"
        if when == "no_reply" and let_go_first(ctx.state, ctx.step_day)
        else f"outcome_{when}"
    )
    ctx.say_key(key, _keyboard(ctx, when), since=_weeks_since(ctx))


def _weeks_since(ctx: Ctx) -> str:
    """How long ago the person said there was no reply, in words: "about a week", "two weeks"."""
    start = ctx.state.guide.branch_on
    weeks = max(1, (ctx.today - start).days // 7) if start is not None else 1
    return "about a week" if weeks == 1 else f"{_WEEKS.get(weeks, str(weeks))} weeks"


_WEEKS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def _handle(ctx: Ctx) -> None:
    when = str(ctx.state.data.get("moment") or "first")
    allowed = {value for _, value in ANSWERS.get(when, ANSWERS["first"])}
    answer = ctx.event.button
    if answer not in allowed:
        ctx.say_key("outcome_pick", _keyboard(ctx, when if when in ANSWERS else "first"))
        return
    guide = ctx.state.guide
    if answer == "unsent":
        ctx.goto("guide.today")
        ctx.say_key("outcome_unsent", [row(("Menu", "_menu"))])
    elif answer == "stop":
        for kind in protect.record(ctx, Assessment(boundary=True)):
            say_reply(ctx, kind)
        lessons.open_today(ctx)
    elif answer == "moved_on":
        if not protect.moved_on(ctx):
            lessons.open_today(ctx)
    elif answer == guide.branch:
        ctx.say_key(f"branch_same_{answer}")
        lessons.open_today(ctx)
    else:
        guide.branch, guide.branch_on = answer, ctx.step_day
        # The branch's first section opens with an intro that names what happened; the short
        # acknowledgement is only for when no new step can open today.
        if not lessons.opens_a_section(ctx):
            ctx.say_key(f"branch_{answer}")
        lessons.open_today(ctx)


# Words that report what came of reaching out, in the past tense: "he replied like 10 mins later!!",
# "she wrote back", "left me on read". Not "what if he doesn't reply" (a question the FAQ answers).
_NEWS = re.compile(
    r"\b(replied|responded|answered (me|my|it)|(texted|wrote|messaged|rang|called) (me )?back|got back to me"
    # "HE ANSWERED 😭😭😭 'Hey Lina!...'" (trial 28: offered to keep it as a note)
    r"|(?<!has )(?<!if )(?<!when )(?<!till )(?<!until )(he|she|they) (finally |actually |just )?"
    r"(answered|texted me|messaged me|wrote to me)"
    r"|left me on (read|seen|delivered)|(has ?n[o']?t|did ?n[o']?t|never) (replied|answered|responded)"
    # "he didnt write since tuesday" (trial 28, a week after his warm reply: "Noted in your journal")
    r"|(has ?n[o']?t|did ?n[o']?t) (written|wrote|write|texted|text|messaged|message)( me)?( back)? (since|for|in)"
    r"|no reply (yet|still)|still no reply"
    # "we both want to try again, but slowly", "Lucía and I decided to try again" (a trial: filed as a
    # note, and the couple steps waited four days for the weekly question)
    r"|(we'?re|we are) (back )?together|back together|(decided|agreed|want|wants|going) to (try|give (it|us))"
    r" (again|another (go|try|chance))|trying again|we met (up )?for (a )?coffee"
    # "we're talking again every day" (trial 32: kept in the journal, and the couple steps waited)
    r"|(we'?re|we are|we'?ve been|we have been) (talking|texting|chatting) (again|every ?day|daily))\b",
    re.IGNORECASE,
)


# Before any answer to the question: "I sent it! The Bellbird one. Hands shaking. Now what?" (trial 21
# heard "I don't have a ready answer", and the question came that night from her check-in note).
_SENT = re.compile(
    r"\b(?:i|i'?ve|ive) (?:just |finally |actually |now )?sent (?:it|him|her|them|my (?:first )?(?:message|text)"
    r"|the (?:first )?(?:message|text))\b|\b(?:it'?s|its) sent\b",
    re.IGNORECASE,
)


# After no reply or a cool one: "I think I'm ready to let go of Tom. Not angry, just done waiting."
# (trial 21: filed as a note; she found "Move on instead" in the menu herself).
_LETTING_GO = re.compile(
    r"\bready to (?:let (?:go|him go|her go|them go)|move on|stop waiting)\b|\bdone waiting\b"
    r"|\b(?:i'?m|im|i am) letting (?:go|him go|her go|them go)\b",
    re.IGNORECASE,
)


def news(ctx: Ctx, text: str) -> bool:
    """Typed news of a reply (or of none) once they have read the first-message lesson, on the
    reconnect path: the question that decides what comes next, now. In a trial, "omg i sent it...
    and he replied like 10 mins later!! what do i do" got "I haven't filed that under today's step"
    and the question came the next day."""
    state = ctx.state
    g = state.guide
    open_path = state.track == "reconnect" and not state.contact_forbidden and FIRST in g.read
    if not open_path or g.branch in {"together", "let_go"} or state.screen == "guide.outcome":
        return False
    said = text.replace("’", "'")
    letting_go = g.branch in {"no_reply", "cool"} and _LETTING_GO.search(said) is not None
    if not _NEWS.search(said) and not (not g.branch and _SENT.search(said)) and not letting_go:
        return False
    if state.screen == "checkin.note":
        ctx.journal("checkin", text.strip())  # the check-in's note, kept before the question
    ask(ctx, told=True)
    return True


register("guide.outcome", ask, _handle, takes_text=False)
