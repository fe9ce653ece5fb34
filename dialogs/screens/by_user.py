"""Asking before calling someone a risk to their ex: when only the model reads a message as the person
threatening, following or harming their ex (the rules find no such words), one direct question
comes first.

In the trials, "like what if he forgets about me" and "can i still text her about her mum's
operation" were read that way, and the answer was a perpetrator helpline and the moving-on track for
good. A "Yes" here gives exactly that; a "No" carries on with the message as usual. Words the rules
read as a threat, and anything written to the ex in the message coach, never get the question.
"""

from __future__ import annotations

import json
import re

from dialogs.assessment import Assessment, CrisisZone
from dialogs.context import Ctx, row
from dialogs.model import EventKind
from dialogs.screens import protect
from dialogs.screens.registry import SCREENS, register
from dialogs.state import JSON

__all__ = ["ask", "unsure"]

ANSWERS = (row(("Yes, I'm worried about that", "yes")), row(("No, that's not it", "no")))
# Where the words are written to the ex (a draft), a threat is handled as one, never asked about.
_WRITTEN_TO_THEM = ("draft", "urge.")
_COMMANDS_TO_THEM = frozenset({"draft", "urge"})

_NO = re.compile(
    r"^(no|nope|nah|n)\b|\bnot (it|me|what i meant)\b|\b(didn'?t|did not|never) (say|mean|said)\b"
)
_YES = re.compile(r"^(yes|yeah|yep|y|kind of|kinda|sort of|a bit|maybe|i am|i might|sometimes)\b")


def unsure(ctx: Ctx, a: Assessment) -> bool:
    """Danger by the user that only the model reads, and nothing else the message raises."""
    event = ctx.event
    if event.kind == EventKind.COMMAND and event.command in _COMMANDS_TO_THEM:
        return False
    return (
        a.danger_by_user
        and a.source == "model"
        and a.rule != "danger"
        and a.crisis == CrisisZone.NONE
        and not a.boundary
        and not a.moved_on
        and "danger" not in ctx.state.flags
        and not ctx.state.screen.startswith((*_WRITTEN_TO_THEM, "safety."))
    )


def ask(ctx: Ctx) -> None:
    state = ctx.state
    held = ctx.event.text if ctx.event.kind == EventKind.TEXT else ""
    ctx.goto(
        "safety.by_user",
        back=state.screen,
        back_data=json.dumps(state.data),
        held=held,
    )
    ctx.say_key("by_user_question", ANSWERS)


def _answer(ctx: Ctx) -> str:
    if ctx.event.button in {"yes", "no"}:
        return ctx.event.button
    words = " ".join(ctx.event.text.casefold().replace("’", "'").split())
    if _NO.search(words):
        return "no"
    return "yes" if _YES.search(words) else ""


def _handle(ctx: Ctx) -> None:
    answer = _answer(ctx)
    if not answer:
        ctx.say_key("by_user_again", ANSWERS)
        return
    state, data = ctx.state, ctx.state.data
    back, held = str(data.get("back") or ""), str(data.get("held") or "")
    restored: dict[str, JSON] = json.loads(str(data.get("back_data") or "{}"))
    if back not in SCREENS:
        back, restored = "menu", {}
    state.screen, state.data = back, restored
    if answer == "yes":
        said = Assessment(danger=True, danger_by_user=True, source="model", rule="danger")
        if protect.settle(ctx, protect.record(ctx, said)):
            return
    else:
        ctx.say_key("by_user_no")
    if held:
        ctx.replay = held  # the engine handles the message as usual now
    else:
        SCREENS[back].show(ctx)


def _show(ctx: Ctx) -> None:
    ctx.say_key("by_user_question", ANSWERS)


register("safety.by_user", _show, _handle, takes_text=True)
