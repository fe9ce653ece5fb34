"""A question that interrupts a screen (the safety question, "are you worried you might hurt them?",
"is your ex with someone new?"): where the person was, and the message that raised it, kept until
the question is answered, then given back.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from dialogs.assessment import Understanding
from dialogs.context import Ctx
from dialogs.model import EventKind
from dialogs.screens import faq
from dialogs.screens.registry import SCREENS
from dialogs.state import JSON

__all__ = ["Returned", "asked_so_far", "hand_back", "interrupt", "return_from", "said_lately", "yes_or_no"]


def interrupt(ctx: Ctx, screen: str, *, held: str | None = None, **extra: str | int) -> None:
    """Open `screen` over the current one, with that screen's own data, so an answer returns them
    exactly there. `held`: the message that raised it (by default the one just typed)."""
    state = ctx.state
    if held is None:
        held = ctx.event.text if ctx.event.kind == EventKind.TEXT else ""
    # The model's reading of the held words, so they are understood later as they were now: held
    # without it, "can you delete everything you have about me" met the keyword for counsellors.
    read = ctx.event.understanding if held and held == ctx.event.text else None
    meaning = read.dump() if read is not None else ""
    at = ctx.now.isoformat() if held else ""
    back_data = json.dumps(state.data)
    ctx.goto(screen, back=state.screen, back_data=back_data, held=held, held_meaning=meaning, held_at=at, **extra)


@dataclass(frozen=True, slots=True)
class Returned:
    screen: str  # where they are now
    held: str  # the message that raised the question
    asked: list[str]  # questions (FAQ ids) typed instead of an answer
    meaning: Understanding | None = None  # the model's reading of `held`, when it had one
    held_at: datetime | None = None  # when `held` was typed


def return_from(ctx: Ctx, *, to: str = "", data: dict[str, JSON] | None = None) -> Returned:
    """Back where the question found them (or to `to` with `data`), and hand the held words to the
    engine: the message as usual, the questions answered (see `Ctx.replay`)."""
    state = ctx.state
    asked_data = state.data
    back = to or str(asked_data.get("back") or "")
    restored: dict[str, JSON] = data if data is not None else json.loads(str(asked_data.get("back_data") or "{}"))
    if back not in SCREENS:
        back, restored = "menu", {}
    state.screen, state.data = back, restored
    held = str(asked_data.get("held") or "")
    at = str(asked_data.get("held_at") or "")
    return Returned(
        back,
        held,
        asked_so_far(asked_data),
        Understanding.load(asked_data.get("held_meaning")),
        datetime.fromisoformat(at) if at else None,
    )


def asked_so_far(data: dict[str, JSON], ctx: Ctx | None = None) -> list[str]:
    """The questions (FAQ ids) typed instead of an answer so far, with this message's if `ctx`."""
    asked = data.get("asked")
    ids = asked if isinstance(asked, list) else []
    new = faq.asked_in(ctx) if ctx is not None else ""
    return list(dict.fromkeys([*ids, new])) if new else ids


def hand_back(ctx: Ctx, returned: Returned, *, typed: str = "") -> None:
    """The held message (and `typed`, words said instead of an answer) handled as usual, the
    questions answered; with nothing held, the screen's prompt again."""
    ctx.replay = [t for t in (returned.held, typed) if t]
    if returned.held and returned.meaning is not None:
        ctx.replay_meanings[returned.held] = returned.meaning
    if returned.held and returned.held_at is not None:
        ctx.replay_at[returned.held] = returned.held_at
    ctx.replay_asked = returned.asked
    if not ctx.replay and not ctx.replay_asked:
        SCREENS[returned.screen].show(ctx)


def yes_or_no(ctx: Ctx, no: re.Pattern[str], yes: re.Pattern[str]) -> str:
    """ "yes", "no" or "" from a button or typed words; a no is looked for first ("no, i'd never")."""
    if ctx.event.button in {"yes", "no"}:
        return ctx.event.button
    words = " ".join(ctx.event.text.casefold().replace("’", "'").split())
    if no.search(words):
        return "no"
    return "yes" if yes.search(words) else ""


def said_lately(at: datetime | None, now: datetime, hold: timedelta) -> bool:
    """Whether an answer given `at` still holds `now`."""
    return at is not None and now - at < hold
