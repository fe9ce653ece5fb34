"""Asking before taking a new partner as fact: when only the model reads a message as the ex being
with someone new (the rules find no such words), one short question comes first.

In a trial, "5 weeks ago, he ended it. tom. we were together 4 years" was read that way: the person
heard that their ex had made a choice about their life, the new partner went into their export as a
reason, and nothing took it back. A "Yes" here gives the new-partner reply; a "No" carries on with
the message as usual, and the model's reading alone does not ask again for a week.
"""

from __future__ import annotations

import re
from datetime import timedelta

from dialogs.assessment import Assessment
from dialogs.context import Ctx, row
from dialogs.model import EventKind
from dialogs.screens import protect
from dialogs.screens.interrupt import hand_back, interrupt, return_from, said_lately, yes_or_no
from dialogs.screens.registry import register

__all__ = ["DECLINE_HOLDS", "ask", "corrects", "denied_lately", "undo", "unsure"]

ANSWERS = (row(("Yes, they are", "yes"), ("No", "no")),)
DECLINE_HOLDS = timedelta(days=7)
_NO = re.compile(r"^(?:(?:what|wait|oh|um+|lol|haha|huh)\W+)*(no|nope|nah|n|not that i know|not yet)\b")
# "idk??? maybe 💀" got "Thanks, I misread that", and was then answered as a question (a trial).
_UNSURE = re.compile(
    r"^(?:\W*(?:idk|i dont know|i don't know|dunno|no idea|not sure|maybe|possibly|could be|probably|who knows"
    r"|no clue|unsure|kinda|kind of|hard to say)\b)+"
)
_YES = re.compile(r"^(yes|yeah|yep|yea|ya|y|they are|she is|he is|shes|hes|apparently|i think so)\b")


def unsure(ctx: Ctx, a: Assessment) -> bool:
    """A new partner only the model reads, not yet known ("We were married 11 years", typed at intake,
    was read as one)."""
    state = ctx.state
    return (
        a.moved_on
        and a.source == "model"
        and a.rule != "moved_on"
        and "moved_on" not in state.flags
        and state.consented_at is not None
        and not state.screen.startswith(("safety.", "new", "consent"))
    )


# "she's not like dating him?? idk what they are", after "i found out she was seeing someone else"
# was read as a new partner at intake (a trial): the flag, and the moving-on path with it, stayed.
_NOT_WITH_SOMEONE = re.compile(
    r"\b(?:not|isn'?t|aren'?t|never said (?:she|he|they)(?:'s| is| are| was| were)?)"
    r" (?:like |even |actually |really )?(?:dating|with|seeing|together with|in a relationship with)"
    r" (?:him|her|them|anyone|anybody|someone|somebody|that (?:guy|girl|person))\b"
    r"|\b(?:idk|don'?t know|no idea) what they are\b|\bnot (?:a )?(?:couple|together|official)\b"
)


def corrects(ctx: Ctx, text: str) -> bool:
    """Words that take back a new partner on record: the person knows better."""
    if "moved_on" not in ctx.state.flags:
        return False
    return bool(_NOT_WITH_SOMEONE.search(" ".join(text.casefold().replace("’", "'").split())))


def undo(ctx: Ctx) -> None:
    """The flag goes; with nothing else on record, the path they would have had comes back (at
    intake, its end decides), and the menu offers the reconnect track again."""
    state = ctx.state
    state.flags = [f for f in state.flags if f != "moved_on"]
    state.moved_on_declined_at = ctx.now
    if state.profile.contact == "new":
        state.profile.contact = ""  # intake's question comes again if it is still ahead
    ctx.say_key("moved_on_no")
    if state.guide.started_on is not None and state.track == "moving_on" and not state.flags:
        ctx.say_key("moved_on_undone_path")


def denied_lately(ctx: Ctx) -> bool:
    return said_lately(ctx.state.moved_on_declined_at, ctx.now, DECLINE_HOLDS)


def ask(ctx: Ctx) -> None:
    interrupt(ctx, "safety.moved_on")
    ctx.say_key("moved_on_check", ANSWERS)


def _answer(ctx: Ctx) -> str:
    return yes_or_no(ctx, _NO, _YES)


def _handle(ctx: Ctx) -> None:
    # Words that don't answer it are taken as a no: asking again ("A yes or a no is all I need") read
    # as pushy in a trial, and a new partner missed costs little (they are still off nothing).
    unsure = not ctx.event.button and _UNSURE.search(" ".join(ctx.event.text.casefold().split())) is not None
    answer = _answer(ctx) or "no"
    returned = return_from(ctx)
    if answer == "yes":
        if protect.moved_on(ctx):
            return
    else:
        ctx.state.moved_on_declined_at = ctx.now
        ctx.say_key("moved_on_unsure" if unsure else "moved_on_no")
    # Words typed instead of an answer are handled as usual too ("idk maybe" is an answer).
    typed = ctx.event.text if ctx.event.kind == EventKind.TEXT and not _answer(ctx) and not unsure else ""
    hand_back(ctx, returned, typed=typed)


def _show(ctx: Ctx) -> None:
    ctx.say_key("moved_on_check", ANSWERS)


register("safety.moved_on", _show, _handle, takes_text=True)
