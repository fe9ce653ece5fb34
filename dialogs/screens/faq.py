"""Questions people ask: the list for their track, and answers that fit it."""

from __future__ import annotations

from dialogs.content import FaqEntry
from dialogs.context import Ctx, row
from dialogs.screens.registry import command, enter_side, register

__all__ = ["answer", "entries_for"]


def entries_for(ctx: Ctx) -> list[FaqEntry]:
    track = "moving_on" if ctx.state.contact_forbidden else ctx.state.track
    return [entry for entry in ctx.kit.content.faq if track in entry.tracks]


def answer(ctx: Ctx, entry: FaqEntry, *, then: str = "") -> None:
    """The answer, in the version this person may hear; the last message carries the way back."""
    forbidden = ctx.state.contact_forbidden and entry.contact_coaching
    messages = entry.moving_on_answer if forbidden and entry.moving_on_answer else entry.answer
    buttons = [row(("More questions", "faq"), ("Back", "_back"))]
    for i, message in enumerate(messages):
        last = i == len(messages) - 1
        ctx.say(
            message, buttons if last and not then else (), coaching=entry.contact_coaching and not forbidden
        )
    if then:
        ctx.say(then, buttons)


def _list(ctx: Ctx) -> None:
    rows = [row((entry.question, f"q:{entry.id}")) for entry in entries_for(ctx)]
    rows.append(row(("Back", "_back")))
    ctx.say_key("faq_intro", rows)


def _handle(ctx: Ctx) -> None:
    button = ctx.event.button
    if button == "faq":
        _list(ctx)
        return
    entry = next((e for e in ctx.kit.content.faq if f"q:{e.id}" == button), None)
    if entry is None:
        ctx.say_key("faq_no_match")
        _list(ctx)
        return
    answer(ctx, entry)


register("faq", _list, _handle, takes_text=False)


@command("faq")
def _faq(ctx: Ctx) -> None:
    enter_side(ctx, "faq")
    _list(ctx)
