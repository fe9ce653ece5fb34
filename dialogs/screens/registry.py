"""Screens by name. A screen shows its prompt and handles the user's answer to it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dialogs.context import Ctx

__all__ = ["MAIN_SCREENS", "SCREENS", "Screen", "back", "enter_side", "register", "show"]


@dataclass(frozen=True, slots=True)
class Screen:
    name: str
    show: Callable[[Ctx], None]
    handle: Callable[[Ctx], None]  # a button press (nonce already checked) or typed text
    takes_text: bool = False  # typed text is an answer here; elsewhere it may be a question for the FAQ


SCREENS: dict[str, Screen] = {}


def register(
    name: str, show: Callable[[Ctx], None], handle: Callable[[Ctx], None], *, takes_text: bool
) -> None:
    if name in SCREENS:
        raise RuntimeError(f"screen {name!r} registered twice")
    SCREENS[name] = Screen(name, show, handle, takes_text)


def show(ctx: Ctx, name: str) -> None:
    """Move to a screen and show its prompt."""
    ctx.goto(name)
    SCREENS[name].show(ctx)


# Where the guide itself lives. Every other screen is a side trip that "Back" returns from.
MAIN_SCREENS = ("consent", "intake.", "guide.")


def is_main(name: str) -> bool:
    return name.startswith(MAIN_SCREENS)


def enter_side(ctx: Ctx, name: str) -> None:
    """Open a side screen, remembering the main screen to come back to."""
    if is_main(ctx.state.screen):
        ctx.state.resume_screen = ctx.state.screen
    ctx.goto(name)


def back(ctx: Ctx) -> None:
    """Return to where the user was in the guide, with fresh buttons."""
    if is_main(ctx.state.screen):
        SCREENS[ctx.state.screen].show(ctx)
        return
    target = ctx.state.resume_screen if is_main(ctx.state.resume_screen) else ""
    if not target:
        target = "guide.lesson" if ctx.state.consented_at else "consent"
    show(ctx, target)
