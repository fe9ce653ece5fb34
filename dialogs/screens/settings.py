"""/settings and the check-in controls: time, time zone, country, no-contact length, quiet hours,
pause (for how long the person chooses), snooze, stop and resume."""

from __future__ import annotations

import datetime as dt
import re
from datetime import date, timedelta

from dialogs.calendar import checkin_owed, next_checkin
from dialogs.context import Ctx, row
from dialogs.dates import human_date
from dialogs.parsing import parse_clock, parse_int
from dialogs.screens.country import ask_country
from dialogs.screens.registry import SCREENS, back, command, enter_side, register, show

__all__: list[str] = []

BACK = (row(("Back", "_back"), ("Menu", "_menu")),)
NC_BUTTONS = (row(("21", "21"), ("30", "30"), ("45", "45"), ("60", "60")),)
QUIET = {"22-8": (22, 8), "23-7": (23, 7), "21-9": (21, 9)}
QUIET_BUTTONS = (row(("22:00-08:00", "22-8"), ("23:00-07:00", "23-7"), ("21:00-09:00", "21-9")),)
PAUSES = {"p:1": 1, "p:3": 3, "p:7": 7, "p:back": 0}
PAUSE_BUTTONS = (
    row(("A day", "p:1"), ("Three days", "p:3"), ("A week", "p:7")),
    row(("Until I'm back", "p:back"), ("Never mind", "_back")),
)


@command("settings")
def _settings(ctx: Ctx) -> None:
    enter_side(ctx, "settings")
    _settings_show(ctx)


def _settings_show(ctx: Ctx) -> None:
    prefs = ctx.state.checkins
    stop_label = "Start check-ins" if prefs.stopped else "Stop check-ins"
    country = ctx.kit.resources.countries.get(ctx.state.profile.country)
    ctx.say_key(
        "settings",
        [
            row(("Check-in time", "time"), ("Time zone", "tz")),
            row(("Country for helplines", "country"), ("Quiet hours", "quiet")),
            # On the moving-on path no contact is no countdown: there is no length to choose.
            row(*([] if ctx.state.contact_forbidden else [("No-contact length", "nc")]), ("Pause", "pause")),
            row((stop_label, "stop"), ("Back", "_back")),
        ],
        time=_checkin_time(ctx),
        zone=ctx.state.profile.timezone,
        country=country.name if country else "not set",
        plan=_plan(ctx),
        quiet=f"{prefs.quiet_start:%H:%M}-{prefs.quiet_end:%H:%M}",
    )


def _checkin_time(ctx: Ctx) -> str:
    """ "19:00", "off", or "19:00, paused until Monday 10 November": a trial's "is this still on
    pause" got the settings with no word of the pause."""
    prefs = ctx.state.checkins
    if prefs.stopped or prefs.time is None:
        return "off"
    at, until = prefs.time.strftime("%H:%M"), prefs.paused_until
    return f"{at}, paused until {human_date(until, ctx.today)}" if until is not None and until > ctx.today else at


def _plan(ctx: Ctx) -> str:
    days = ctx.state.no_contact.days
    if ctx.state.contact_forbidden:
        return "moving on, with no countdown to contact"
    if ctx.state.no_contact.limited:
        return f"limited contact for {days} days"
    return f"no contact for {days} days"


def _settings_handle(ctx: Ctx) -> None:
    choice = ctx.event.button
    prefs = ctx.state.checkins
    if choice == "time":
        ctx.goto("settings.time")
        ctx.say_key("ask_time_settings")
    elif choice == "tz":
        # Its own prompt, with the buttons its words promise ("Tap one" came with none, a trial).
        show(ctx, "settings.timezone")
    elif choice == "country":
        ask_country(ctx, then="settings")
    elif choice == "nc" and not ctx.state.contact_forbidden:
        ctx.goto("settings.nc")
        ctx.say_key("ask_nc_length", NC_BUTTONS)
    elif choice == "quiet":
        ctx.goto("settings.quiet")
        ctx.say_key("ask_quiet", QUIET_BUTTONS)
    elif choice == "pause":
        _ask_pause(ctx)
    elif choice == "stop":
        prefs.stopped = not prefs.stopped
        if not prefs.stopped and prefs.time is None:
            ctx.goto("settings.time")
            ctx.say_key("ask_time_settings")
            return
        _changed(ctx, "stopped" if prefs.stopped else "resumed")
    elif not choice and parse_clock(ctx.event.text) is not None:
        # A time typed on the settings screen is the check-in time ("kindly prepone it to 9.45 pm"; a
        # trial's got the screen again without a word).
        ctx.goto("settings.time")
        SCREENS["settings.time"].handle(ctx)
    else:
        _settings_show(ctx)


register(
    "settings",
    _settings_show,
    _settings_handle,
    takes_text=False,
    answers=lambda ctx: parse_clock(ctx.event.text) is not None,
)


def _changed(ctx: Ctx, key: str, **values: str) -> None:
    """Say the change is made, and return to where they were: a later "ok thanks" belongs there, not
    to the question just answered."""
    ctx.say_key(key, BACK, **values)
    ctx.goto(str(ctx.state.resume_screen or "menu"))


def _nc_handle(ctx: Ctx) -> None:
    days = parse_int(ctx.event.button or ctx.event.text, 21, 60)
    if days not in {21, 30, 45, 60}:
        ctx.say_key("ask_nc_length", NC_BUTTONS)
        return
    ctx.state.no_contact.days = days
    _changed(ctx, "nc_changed", days=str(days))


register("settings.nc", lambda ctx: ctx.say_key("ask_nc_length", NC_BUTTONS), _nc_handle, takes_text=True)


def _quiet_handle(ctx: Ctx) -> None:
    if ctx.event.button not in QUIET:
        ctx.say_key("ask_quiet", QUIET_BUTTONS)
        return
    start, end = QUIET[ctx.event.button]
    ctx.state.checkins.quiet_start = dt.time(start, 0)
    ctx.state.checkins.quiet_end = dt.time(end, 0)
    _changed(ctx, "quiet_changed", quiet=f"{start:02d}:00-{end:02d}:00")


register(
    "settings.quiet", lambda ctx: ctx.say_key("ask_quiet", QUIET_BUTTONS), _quiet_handle, takes_text=False
)


# --- pause: for how long the person chooses ---------------------------------------------------------------
def _ask_pause(ctx: Ctx) -> None:
    enter_side(ctx, "pause")
    ctx.say_key("ask_pause", PAUSE_BUTTONS)


def _pause_for(ctx: Ctx, days: int) -> None:
    """Pause check-ins (and the daily step they bring) for `days`; 0 means until they come back."""
    prefs = ctx.state.checkins
    # Words typed while paused are about now: they are not taken as another answer to "how long?".
    ctx.goto("guide.today")
    if days == 0:
        prefs.stopped = True
        ctx.say_key("paused_until_back", BACK)
        return
    # "A day" skips one check-in: counted from the next one due, which after today's has come (or
    # its time has passed) is tomorrow's.
    prefs.paused_until = None
    upcoming = next_checkin(ctx.state, ctx.now)
    first = upcoming.local_date if upcoming is not None else ctx.today
    _pause_until(ctx, first + timedelta(days=days))


def _pause_until(ctx: Ctx, until: date) -> None:
    """Check-ins come back on `until`, their local date."""
    ctx.goto("guide.today")
    ctx.state.checkins.paused_until = until
    ctx.say_key("paused", BACK, date=human_date(until, ctx.today))


_PAUSE_WORDS = (
    (re.compile(r"\buntil i'?m back|until i come back|until i say|indefinitely|for now\b"), 0),
    (re.compile(r"\b(a|one|1) ?week|\bweek\b|seven days"), 7),
    (re.compile(r"\b(a )?couple( of)? days\b"), 2),
    (re.compile(r"\b(few|three|3) days|\bweekend\b"), 3),
    (re.compile(r"\b(a|one|1) day\b|\b(tomorrow|tmrw|tmr|tomoz|2moro|tonight|today)\b"), 1),
)


def _pause_days(text: str) -> int | None:
    """How long, from words: "just for the weekend please, I have the children" is three days."""
    days = parse_int(text, 1, 60)
    if days:
        return days
    low = text.casefold().replace("’", "'")
    return next((days for pattern, days in _PAUSE_WORDS if pattern.search(low)), None)


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_UNTIL_DAY = re.compile(
    r"\b(?:until|till|til|to|through|thru)\s+(?:next\s+)?(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\b"
)


def _pause_until_weekday(text: str, today: date) -> date | None:
    """ "pause till monday": the next such day after today, when check-ins come back (a trial's
    "pause till monday" was paused until Tuesday)."""
    found = _UNTIL_DAY.search(text.casefold())
    if found is None:
        return None
    weekday = next(i for i, name in enumerate(_WEEKDAYS) if name.startswith(found.group(1)[:3]))
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _paused_to_a_weekday(ctx: Ctx) -> bool:
    until = _pause_until_weekday(ctx.event.text, ctx.today) if ctx.event.text else None
    if until is None:
        return False
    _pause_until(ctx, until)
    return True


def _pause_handle(ctx: Ctx) -> None:
    if ctx.event.button in PAUSES:
        _pause_for(ctx, PAUSES[ctx.event.button])
        return
    if _paused_to_a_weekday(ctx):
        return
    days = _pause_days(ctx.event.text) if ctx.event.text else None
    if days is not None:
        _pause_for(ctx, days)
        return
    ctx.say_key("ask_pause", PAUSE_BUTTONS)


def _pause_answers(ctx: Ctx) -> bool:
    return _pause_days(ctx.event.text) is not None or _pause_until_weekday(ctx.event.text, ctx.today) is not None


# "couple of days" typed at "how long?" is the answer: read for its meaning first, it opened /progress.
register(
    "pause",
    lambda ctx: ctx.say_key("ask_pause", PAUSE_BUTTONS),
    _pause_handle,
    takes_text=True,
    answers=_pause_answers,
)


@command("pause")
def _pause(ctx: Ctx) -> None:
    if _paused_to_a_weekday(ctx):
        return
    days = _pause_days(ctx.event.text) if ctx.event.text.strip() else None
    if days is not None:
        _pause_for(ctx, days)
        return
    _ask_pause(ctx)


@command("resume")
def _resume(ctx: Ctx) -> None:
    prefs = ctx.state.checkins
    # "Check-ins are back on" to someone whose pause ended a week ago (a trial) says they were off.
    was_off = prefs.stopped or (prefs.paused_until is not None and prefs.paused_until > ctx.today)
    prefs.paused_until = None
    prefs.stopped = False if prefs.time else prefs.stopped
    if was_off or prefs.time is None:
        ctx.say_key("resumed")
    else:
        ctx.say_key("resumed_already", time=f"{prefs.time:%H:%M}")
    owed = checkin_owed(ctx.state, ctx.now)
    if was_off and owed is not None and prefs.last_sent_on != owed.local_date:
        # Today's check-in comes straight after: where they were, shown now too, put two sets of
        # buttons on screen at once (a trial). The check-in's end leads on from there.
        return
    back(ctx)


@command("stop")
def _stop(ctx: Ctx) -> None:
    ctx.state.checkins.stopped = True
    ctx.say_key("stopped", BACK)


@command("snooze")
def _snooze(ctx: Ctx) -> None:
    ctx.state.checkins.snoozed_on = ctx.today
    ctx.say_key("snoozed", BACK)
