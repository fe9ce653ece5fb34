"""Commands that work from anywhere and belong to no one screen: start, help, about, /sos, and
what to do with words that mean a command ("stop sending me lessons", "i need a real person")."""

from __future__ import annotations

from dataclasses import replace

from dialogs.calendar import next_checkin
from dialogs.content import Intent
from dialogs.context import Ctx, row
from dialogs.dates import human_date
from dialogs.model import EventKind
from dialogs.screens import care
from dialogs.screens.registry import BEFORE_CONSENT, SCREENS, back, command, run_command, show

__all__ = ["BEFORE_CONSENT", "run_intent"]

BACK = (row(("Back", "_back"), ("Menu", "_menu")),)


@command("start")
def _start(ctx: Ctx) -> None:
    if ctx.state.consented_at is None:
        show(ctx, "consent")
        return
    ctx.say_key("welcome_back")
    back(ctx)


@command("help")
def _help(ctx: Ctx) -> None:
    ctx.say_key("help", BACK)


@command("about")
def _about(ctx: Ctx) -> None:
    ctx.say_key("about", BACK)


@command("sos")
def _sos(ctx: Ctx) -> None:
    care.sos(ctx)


# Intent action -> the command that does it. Actions not listed here have their own handling below.
_BY_COMMAND = {
    "today": "today",
    "more": "more",
    "review": "review",
    "menu": "menu",
    "help": "help",
    "pause": "pause",
    "resume": "resume",
    "stop_checkins": "stop",
    "stop_lessons": "pause",
    "checkin": "checkin",
    "journal": "journal",
    "progress": "progress",
    "faq": "faq",
    "settings": "settings",
    "export": "export",
    "delete": "delete",
    "sos": "sos",
}


def run_intent(ctx: Ctx, intent: Intent) -> None:
    """Do what the words meant, or offer it where it needs a yes first (delete asks; pause asks how long)."""
    action = intent.action
    screen = ctx.state.screen
    if intent.says:
        ctx.say(intent.says)
    if action == "next":
        if screen in {"guide.lesson", "guide.after"}:
            # On a lesson "next" means going on past its question; after it, one more step.
            value = "skip" if screen == "guide.lesson" else "more"
            ctx.event = replace(
                ctx.event, kind=EventKind.BUTTON, button=value, text="", nonce=ctx.state.nonce
            )
            SCREENS[screen].handle(ctx)
        else:
            run_command(ctx, "today")
        return
    if action == "draft":
        # "is this ok to send": the coach, asking for the message; these words are not the draft.
        ctx.event = replace(ctx.event, text="")
        run_command(ctx, "draft")
        return
    if action == "stop_lessons":
        ctx.say_key("stop_lessons_offer")
    if action in _BY_COMMAND:
        run_command(ctx, _BY_COMMAND[action])
        return
    if action == "when_checkin":
        _when_checkin(ctx)
        return
    if action == "human":
        ctx.say_key("human", [row(("Help now", "sos"), ("Menu", "_menu"))])
        return
    ctx.say_key("thanks_reply" if action == "thanks" else "greeting_reply")
    _way_forward(ctx)


def _way_forward(ctx: Ctx) -> None:
    screen = SCREENS.get(ctx.state.screen)
    if ctx.state.consented_at is None:
        # Before the agreement, a greeting still leaves the one way on: the agreement's buttons.
        ctx.say_key("consent_nudge", [row(("I'm 18+ and I agree", "agree")), row(("Not now", "no"))])
    elif screen is not None:
        screen.show(ctx)


def _when_checkin(ctx: Ctx) -> None:
    """The next check-in in their own time: a trial's "What time will you check in with me tonight? I
    am three hours behind Toronto here" was filed as a lesson's answer."""
    upcoming = next_checkin(ctx.state, ctx.now)
    if upcoming is None:
        ctx.say_key("when_checkin_off")
    else:
        local = upcoming.at.astimezone(ctx.zone)
        when = f"{human_date(upcoming.local_date, ctx.today)} at {local:%H:%M}"
        ctx.say_key("when_checkin", when=when, zone=ctx.state.profile.timezone)
    back(ctx)
