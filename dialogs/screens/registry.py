"""Screens and commands by name.

A screen shows its prompt and handles the answer to it; a command runs from anywhere. Both are
registered here, so any screen can open another or run a command by name without importing the
module that defines it: the screens never import each other in a circle.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from difflib import get_close_matches

from dialogs.context import Ctx, row

__all__ = [
    "COMMANDS",
    "MAIN_SCREENS",
    "RUN_PREFIX",
    "SCREENS",
    "Screen",
    "back",
    "command",
    "enter_side",
    "is_main",
    "register",
    "run_command",
    "show",
]

Handler = Callable[[Ctx], None]
Answers = Callable[[Ctx], bool]


@dataclass(frozen=True, slots=True)
class Screen:
    name: str
    show: Handler
    handle: Handler  # a button press (nonce already checked) or typed text
    # The screen asked a question that typed text answers (a reflection, a note, a name). Elsewhere
    # typed text is read for a question or a command, and otherwise gets a kind pointer onward.
    takes_text: bool = False
    # For a closed question (who ended it, a time, a mood from 1 to 5): whether the typed text reads
    # as one of its answers. An answer is an answer: the model's danger, boundary or moved-on reading
    # of "she did" or "9pm i guess" does not count there, only what the rules find in the words.
    answers: Answers | None = None


SCREENS: dict[str, Screen] = {}
COMMANDS: dict[str, Handler] = {}


def register(
    name: str, show: Handler, handle: Handler, *, takes_text: bool, answers: Answers | None = None
) -> None:
    if name in SCREENS:
        raise RuntimeError(f"screen {name!r} registered twice")
    SCREENS[name] = Screen(name, show, handle, takes_text, answers)


def command(*names: str) -> Callable[[Handler], Handler]:
    """Register a function as the command (or commands) of these names."""

    def add(handler: Handler) -> Handler:
        for name in names:
            if name in COMMANDS:
                raise RuntimeError(f"command {name!r} registered twice")
            COMMANDS[name] = handler
        return handler

    return add


# What a user may do before agreeing to the terms: get help, learn what this is, and leave.
BEFORE_CONSENT = frozenset({"start", "help", "about", "sos", "export", "delete"})


def run_command(ctx: Ctx, name: str) -> None:
    """A command, however it came: typed, said in words ("menu"), or a button such as Menu. Before
    the person has agreed to the terms only the few in BEFORE_CONSENT run; anything else brings the
    agreement back (a tester reached a lesson with "help", then Menu, then Today's step)."""
    if ctx.state.consented_at is None and name not in BEFORE_CONSENT:
        ctx.say_key("consent_first")
        show(ctx, "consent")
        return
    handler = COMMANDS.get(name)
    if handler is None:
        near = get_close_matches(name, list(COMMANDS), n=1, cutoff=0.75)
        if near:
            # "/chekin" (a trial): the command they almost typed, one tap away.
            buttons = [row((f"/{near[0]}", f"{RUN_PREFIX}{near[0]}"), ("Menu", "_menu"))]
            ctx.say_key("unknown_command_near", buttons, command=name[:32], near=near[0])
            return
        ctx.say_key("unknown_command", [row(("Back", "_back"), ("Menu", "_menu"))], command=name[:32])
        return
    handler(ctx)


RUN_PREFIX = "_run:"  # a button that runs the command named after it


def show(ctx: Ctx, name: str) -> None:
    """Move to a screen and show its prompt."""
    ctx.goto(name)
    SCREENS[name].show(ctx)


# Where the guide itself lives. Every other screen is a side trip that "Back" returns from.
MAIN_SCREENS = ("consent", "intake.", "guide.")


# Side screens named under a main one: "Back" there returns to where they were (a trial's "Back" on
# the read-again list showed the same list).
_SIDE_UNDER_MAIN = frozenset({"guide.review"})


def is_main(name: str) -> bool:
    return name.startswith(MAIN_SCREENS) and name not in _SIDE_UNDER_MAIN


# The check-in's questions, which Back from a side screen returns to while the check-in is fresh: a
# trial's "what day am i on", typed mid-check-in, showed her progress, and Back dropped the check-in.
CHECKIN_QUESTIONS = frozenset({"checkin.mood", "checkin.urge", "checkin.contact", "checkin.note"})
CHECKIN_RESUMES_WITHIN = timedelta(hours=2)


def enter_side(ctx: Ctx, name: str) -> None:
    """Open a side screen, remembering the main screen to come back to (and a check-in question)."""
    state = ctx.state
    if is_main(state.screen):
        state.resume_screen = state.screen
    if state.screen in CHECKIN_QUESTIONS:
        state.checkin_resume, state.checkin_resume_data = state.screen, json.dumps(state.data)
    elif is_main(state.screen):  # back in the guide since: that check-in is behind them
        state.checkin_resume = state.checkin_resume_data = ""
    ctx.goto(name)


def _back_to_checkin(ctx: Ctx) -> bool:
    state = ctx.state
    screen, opened = state.checkin_resume, state.checkins.opened_at
    state.checkin_resume, data, state.checkin_resume_data = "", state.checkin_resume_data, ""
    if screen not in SCREENS or opened is None or ctx.now - opened > CHECKIN_RESUMES_WITHIN:
        return False
    restored = json.loads(data or "{}")
    state.screen, state.data = screen, restored if isinstance(restored, dict) else {}
    SCREENS[screen].show(ctx)
    return True


def back(ctx: Ctx) -> None:
    """Return to where the user was in the guide: one line and its buttons, not the whole lesson."""
    if is_main(ctx.state.screen):
        SCREENS[ctx.state.screen].show(ctx)
        return
    if ctx.state.screen in CHECKIN_QUESTIONS:  # an answer said beside it (/progress): its question again
        ctx.state.checkin_resume, ctx.state.checkin_resume_data = ctx.state.screen, json.dumps(ctx.state.data)
    if ctx.state.checkin_resume and _back_to_checkin(ctx):
        return
    target = ctx.state.resume_screen if is_main(ctx.state.resume_screen) else ""
    if not target:
        target = "guide.lesson" if ctx.state.consented_at else "consent"
    show(ctx, target)
