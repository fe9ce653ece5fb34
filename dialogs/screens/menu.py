"""The menu, and switching tracks: what the person's track allows, nothing it refuses."""

from __future__ import annotations

from dialogs.context import Ctx, row
from dialogs.pacing import start_track
from dialogs.screens.draft import practical
from dialogs.screens.lessons import open_today
from dialogs.screens.registry import command, enter_side, register, run_command

__all__ = ["show_menu"]


def show_menu(ctx: Ctx) -> None:
    forbidden = bool({"danger", "boundary"} & set(ctx.state.flags))
    rows = [
        row(("Today's step", "today"), ("Check in now", "checkin")),
        row(("Journal", "journal"), ("Progress", "progress")),
        row(("Questions", "faq"), ("Urge to text", "urge")),
        row(("Read one again", "review"), ("Settings", "settings")),
    ]
    if ctx.state.track == "reconnect":
        rows.append(row(("Message coach", "draft"), ("Move on instead", "switch")))
    elif not forbidden and "moved_on" not in ctx.state.flags:
        rows.append(
            row(
                ("Reconnect track", "switch"),
            )
        )
    if ctx.state.track != "reconnect" and practical(ctx):
        # Their practical messages still go through the coach: trial 29's co-parent found it only by
        # typing /draft.
        rows.append(row(("Message coach", "draft")))
    rows.append(row(("Help now", "sos")))
    ctx.say_key("menu", rows)


def _menu_handle(ctx: Ctx) -> None:
    choice = ctx.event.button
    if choice == "today":
        open_today(ctx)
    elif choice == "switch":
        enter_side(ctx, "track.switch")
        _switch_show(ctx)
    elif choice:
        run_command(ctx, choice)
    else:
        show_menu(ctx)


register("menu", show_menu, _menu_handle, takes_text=False)


@command("menu")
def _menu(ctx: Ctx) -> None:
    enter_side(ctx, "menu")
    show_menu(ctx)


def _switch_show(ctx: Ctx) -> None:
    if ctx.state.track == "moving_on":
        if ctx.state.flags:
            ctx.say_key("switch_locked", [row(("Back", "_back"))])
            return
        ctx.say_key("switch_to_reconnect", [row(("Yes, switch", "yes"), ("Stay", "_back"))])
    else:
        ctx.say_key("switch_to_moving_on", [row(("Yes, switch", "yes"), ("Stay", "_back"))])


def _switch_handle(ctx: Ctx) -> None:
    # Moving on is always open; back to reconnecting only with nothing on record. A flag with the
    # reconnect track still set had "Yes, switch" ask the same question again, three times (a trial).
    to_moving_on = ctx.state.track != "moving_on"
    if ctx.event.button == "yes" and (to_moving_on or not ctx.state.flags):
        start_track(ctx.state, "moving_on" if to_moving_on else "reconnect", ctx.today)
        ctx.say_key("switched")
        open_today(ctx)
    else:
        _switch_show(ctx)


register("track.switch", _switch_show, _switch_handle, takes_text=False)


@command("movingon")
def _movingon(ctx: Ctx) -> None:
    enter_side(ctx, "track.switch")
    _switch_show(ctx)
