"""Commands that work from anywhere, and the small tools behind them: urge, draft, settings, data."""

from __future__ import annotations

from datetime import timedelta

from dialogs.context import Ctx, row
from dialogs.model import UrgeWrite
from dialogs.parsing import parse_int
from dialogs.screens import care, checkin, guide
from dialogs.screens.registry import back, enter_side, register, show

__all__ = ["COMMANDS", "run_command"]

BACK = (row(("Back", "_back"), ("Menu", "_menu")),)


def _help(ctx: Ctx) -> None:
    ctx.say_key("help", BACK)


def _about(ctx: Ctx) -> None:
    ctx.say_key("about", BACK)


def _menu(ctx: Ctx) -> None:
    enter_side(ctx, "menu")
    guide.show_menu(ctx)


def _start(ctx: Ctx) -> None:
    if ctx.state.consented_at is None:
        show(ctx, "consent")
        return
    ctx.say_key("welcome_back")
    back(ctx)


def _progress(ctx: Ctx) -> None:
    ctx.request("progress")
    lesson_count = len(
        guide.available_lessons(
            ctx.state, ctx.kit.content.lessons, getattr(ctx.kit.content.tracks, ctx.state.track)
        )
    )
    day = checkin.no_contact_day(ctx)
    track = "moving on" if ctx.state.track == "moving_on" else "reconnecting"
    ctx.say_key(
        "progress",
        BACK,
        track=track,
        step=str(min(ctx.state.lesson_index + 1, lesson_count)),
        total=str(lesson_count),
        no_contact=ctx.t("progress_nc", day=str(day), days=str(ctx.state.no_contact.days)) if day else "",
    )


def _journal(ctx: Ctx) -> None:
    words = ctx.event.text.strip().split()
    page = "0"
    query = ""
    if words and words[0].isdigit():
        page = str(max(0, int(words[0]) - 1))
    elif words:
        query = " ".join(words)[:50]
    ctx.request("journal", page=page, query=query)
    ctx.say_key("journal_hint", BACK)


def _faq(ctx: Ctx) -> None:
    enter_side(ctx, "faq")
    entry = guide.match_faq(ctx.kit.content.faq, ctx.event.text) if ctx.event.text else None
    if entry:
        guide.faq_answer(ctx, entry)
    else:
        ctx.say_key(
            "faq_intro",
            [*(row((e.question, f"q:{e.id}")) for e in ctx.kit.content.faq), row(("Back", "_back"))],
        )


def _pause(ctx: Ctx) -> None:
    days = parse_int(ctx.event.text, 1, 60) if ctx.event.text else None
    days = days or 3
    ctx.state.checkins.paused_until = ctx.today + timedelta(days=days)
    ctx.say_key("paused", BACK, days=str(days), date=ctx.state.checkins.paused_until.isoformat())


def _resume(ctx: Ctx) -> None:
    ctx.state.checkins.paused_until = None
    ctx.state.checkins.stopped = False if ctx.state.checkins.time else ctx.state.checkins.stopped
    ctx.say_key("resumed")
    back(ctx)


def _stop(ctx: Ctx) -> None:
    ctx.state.checkins.stopped = True
    ctx.say_key("stopped", BACK)


def _snooze(ctx: Ctx) -> None:
    ctx.state.checkins.snoozed_on = ctx.today
    ctx.say_key("snoozed", BACK)


def _checkin(ctx: Ctx) -> None:
    checkin.start_checkin(ctx)


def _restart(ctx: Ctx) -> None:
    enter_side(ctx, "restart.confirm")
    ctx.say_key("restart_confirm", [row(("Yes, start over", "yes"), ("No, keep my place", "_back"))])


def _restart_handle(ctx: Ctx) -> None:
    if ctx.event.button == "yes":
        ctx.state.lesson_index = 0
        ctx.state.completed = []
        ctx.say_key("restarted")
        show(ctx, "guide.lesson")
    else:
        back(ctx)


register("restart.confirm", _restart, _restart_handle, takes_text=False)


def _delete(ctx: Ctx) -> None:
    enter_side(ctx, "delete.confirm")
    ctx.say_key("delete_confirm", [row(("Delete everything", "yes"), ("Keep my data", "_back"))])


def _delete_handle(ctx: Ctx) -> None:
    if ctx.event.button == "yes":
        ctx.request("delete")
    else:
        back(ctx)


register("delete.confirm", _delete, _delete_handle, takes_text=False)


def _export(ctx: Ctx) -> None:
    ctx.request("export")
    ctx.say_key("export_sent", BACK)


def _report(ctx: Ctx) -> None:
    ctx.request("report", note=ctx.event.text.strip()[:500])
    ctx.say_key("report_thanks", BACK)


def _stats(ctx: Ctx) -> None:
    ctx.request("stats")


def _sos(ctx: Ctx) -> None:
    care.sos(ctx)


# --- urge ----------------------------------------------------------------------------------------------------
def _urge(ctx: Ctx) -> None:
    enter_side(ctx, "urge.strength")
    _urge_strength_show(ctx)


def _urge_strength_show(ctx: Ctx) -> None:
    ctx.say_key("urge_strength", checkin.URGE_BUTTONS)


def _urge_strength_handle(ctx: Ctx) -> None:
    strength = parse_int(ctx.event.button or ctx.event.text, 0, 10)
    if strength is None:
        ctx.say_key("checkin_number", low="0", high="10")
        _urge_strength_show(ctx)
        return
    ctx.emit(UrgeWrite(local_date=ctx.today, strength=strength))
    ctx.goto("urge.trigger", strength=strength)
    ctx.say_key("urge_trigger", [row(("Skip", "skip"))])


register("urge.strength", _urge_strength_show, _urge_strength_handle, takes_text=True)


def _urge_trigger_handle(ctx: Ctx) -> None:
    if ctx.event.text.strip():
        ctx.journal("urge", ctx.event.text.strip(), ref=f"strength {ctx.state.data.get('strength')}")
    ctx.goto("urge.ground")
    ctx.say_key("urge_ground_offer", [row(("Yes, let's breathe", "ground"), ("No, write it out", "write"))])


register(
    "urge.trigger",
    lambda ctx: ctx.say_key("urge_trigger", [row(("Skip", "skip"))]),
    _urge_trigger_handle,
    takes_text=True,
)


def _urge_ground_handle(ctx: Ctx) -> None:
    if ctx.event.button == "ground":
        for step in ctx.kit.resources.grounding:
            ctx.say(step)
    ctx.goto("urge.unsent")
    ctx.say_key("urge_unsent", [row(("I'd rather not", "skip"))])


register(
    "urge.ground",
    lambda ctx: ctx.say_key(
        "urge_ground_offer", [row(("Yes, let's breathe", "ground"), ("No, write it out", "write"))]
    ),
    _urge_ground_handle,
    takes_text=False,
)


def _urge_unsent_handle(ctx: Ctx) -> None:
    text = ctx.event.text.strip()
    if text:
        ctx.journal("unsent", text)
        ctx.state.urge_followup_on = ctx.today + timedelta(days=1)
        ctx.say_key("urge_unsent_saved")
    day = checkin.no_contact_day(ctx)
    if day and not ctx.state.contact_forbidden:
        ctx.say_key("urge_distance", day=str(day), days=str(ctx.state.no_contact.days))
    elif ctx.state.contact_forbidden:
        ctx.say_key("urge_distance_boundary")
    ctx.goto("urge.done")
    ctx.say_key("urge_done", BACK)


register(
    "urge.unsent",
    lambda ctx: ctx.say_key("urge_unsent", [row(("I'd rather not", "skip"))]),
    _urge_unsent_handle,
    takes_text=True,
)
register("urge.done", lambda ctx: ctx.say_key("urge_done", BACK), lambda ctx: back(ctx), takes_text=False)


def _followup_handle(ctx: Ctx) -> None:
    if ctx.event.button == "still":
        key = "urge_still_boundary" if ctx.state.contact_forbidden else "urge_still"
        ctx.say_key(key, BACK)
    else:
        ctx.say_key("urge_waited", BACK)
    ctx.goto("urge.done")


register(
    "urge.followup",
    lambda ctx: ctx.say_key(
        "urge_followup", [row(("I'm glad I waited", "waited")), row(("I still want to", "still"))]
    ),
    _followup_handle,
    takes_text=False,
)


# --- draft: the message coach --------------------------------------------------------------------------------
def _draft(ctx: Ctx) -> None:
    if ctx.state.contact_forbidden:
        key = "draft_refused_danger" if {"danger", "boundary"} & set(ctx.state.flags) else "draft_refused"
        ctx.say_key(key, BACK)
        return
    enter_side(ctx, "draft")
    if ctx.event.text.strip():
        _draft_handle(ctx)
    else:
        ctx.say_key("draft_ask", BACK)


def _draft_handle(ctx: Ctx) -> None:
    text = ctx.event.text.strip()
    if not text:
        ctx.say_key("draft_ask", BACK)
        return
    if ctx.state.contact_forbidden:
        ctx.say_key("draft_refused", BACK)
        return
    review = ctx.kit.coach.review(
        text,
        local_time=ctx.now.astimezone(ctx.zone).time(),
        no_contact_days_left=guide.no_contact_days_left(ctx),
    )
    from dialogs.coach import format_review

    messages = format_review(review, ctx.state.profile.name or "friend")
    for i, message in enumerate(messages):
        last = i == len(messages) - 1
        ctx.say(message, [row(("Review another", "again"), ("Back", "_back"))] if last else (), coaching=True)


register("draft", lambda ctx: ctx.say_key("draft_ask", BACK), _draft_handle, takes_text=True)


# --- settings ------------------------------------------------------------------------------------------------
def _settings(ctx: Ctx) -> None:
    enter_side(ctx, "settings")
    _settings_show(ctx)


def _settings_show(ctx: Ctx) -> None:
    prefs = ctx.state.checkins
    stop_label = "Start check-ins" if prefs.stopped else "Stop check-ins"
    ctx.say_key(
        "settings",
        [
            row(("Check-in time", "time"), ("Time zone", "tz")),
            row(("No-contact length", "nc"), ("Quiet hours", "quiet")),
            row(("Pause 3 days", "pause"), ("Snooze today", "snooze")),
            row((stop_label, "stop"), ("Back", "_back")),
        ],
        time=prefs.time.strftime("%H:%M") if prefs.time and not prefs.stopped else "off",
        zone=ctx.state.profile.timezone,
        days=str(ctx.state.no_contact.days),
        quiet=f"{prefs.quiet_start:%H:%M}-{prefs.quiet_end:%H:%M}",
    )


def _settings_handle(ctx: Ctx) -> None:
    choice = ctx.event.button
    prefs = ctx.state.checkins
    if choice == "time":
        ctx.goto("settings.time")
        ctx.say_key("ask_time_settings")
    elif choice == "tz":
        ctx.goto("settings.timezone")
        ctx.say_key("ask_timezone")
    elif choice == "nc":
        ctx.goto("settings.nc")
        ctx.say_key("ask_nc_length", [row(("21", "21"), ("30", "30"), ("45", "45"), ("60", "60"))])
    elif choice == "quiet":
        ctx.goto("settings.quiet")
        ctx.say_key(
            "ask_quiet", [row(("22:00-08:00", "22-8"), ("23:00-07:00", "23-7"), ("21:00-09:00", "21-9"))]
        )
    elif choice == "pause":
        prefs.paused_until = ctx.today + timedelta(days=3)
        ctx.say_key("paused", BACK, days="3", date=prefs.paused_until.isoformat())
    elif choice == "snooze":
        _snooze(ctx)
    elif choice == "stop":
        prefs.stopped = not prefs.stopped
        if not prefs.stopped and prefs.time is None:
            ctx.goto("settings.time")
            ctx.say_key("ask_time_settings")
            return
        ctx.say_key("stopped" if prefs.stopped else "resumed", BACK)
    else:
        _settings_show(ctx)


register("settings", _settings_show, _settings_handle, takes_text=False)


def _nc_handle(ctx: Ctx) -> None:
    days = parse_int(ctx.event.button or ctx.event.text, 21, 60)
    if days not in {21, 30, 45, 60}:
        ctx.say_key("ask_nc_length", [row(("21", "21"), ("30", "30"), ("45", "45"), ("60", "60"))])
        return
    ctx.state.no_contact.days = days
    ctx.say_key("nc_changed", BACK, days=str(days))


register(
    "settings.nc",
    lambda ctx: ctx.say_key("ask_nc_length", [row(("21", "21"), ("30", "30"), ("45", "45"), ("60", "60"))]),
    _nc_handle,
    takes_text=True,
)


def _quiet_handle(ctx: Ctx) -> None:
    import datetime as dt

    choices = {"22-8": (22, 8), "23-7": (23, 7), "21-9": (21, 9)}
    if ctx.event.button not in choices:
        ctx.say_key(
            "ask_quiet", [row(("22:00-08:00", "22-8"), ("23:00-07:00", "23-7"), ("21:00-09:00", "21-9"))]
        )
        return
    start, end = choices[ctx.event.button]
    ctx.state.checkins.quiet_start = dt.time(start, 0)
    ctx.state.checkins.quiet_end = dt.time(end, 0)
    ctx.say_key("quiet_changed", BACK, quiet=f"{start:02d}:00-{end:02d}:00")


register(
    "settings.quiet",
    lambda ctx: ctx.say_key(
        "ask_quiet", [row(("22:00-08:00", "22-8"), ("23:00-07:00", "23-7"), ("21:00-09:00", "21-9"))]
    ),
    _quiet_handle,
    takes_text=False,
)


def _movingon(ctx: Ctx) -> None:
    enter_side(ctx, "track.switch")
    from dialogs.screens.registry import SCREENS

    SCREENS["track.switch"].show(ctx)


COMMANDS = {
    "start": _start,
    "menu": _menu,
    "help": _help,
    "about": _about,
    "progress": _progress,
    "journal": _journal,
    "faq": _faq,
    "pause": _pause,
    "resume": _resume,
    "restart": _restart,
    "sos": _sos,
    "export": _export,
    "delete": _delete,
    "report": _report,
    "checkin": _checkin,
    "settings": _settings,
    "stop": _stop,
    "snooze": _snooze,
    "urge": _urge,
    "draft": _draft,
    "movingon": _movingon,
    "stats": _stats,
}
# What a user may do before agreeing to the terms: get help, learn what this is, and leave.
BEFORE_CONSENT = frozenset({"start", "help", "about", "sos", "export", "delete"})


def run_command(ctx: Ctx, name: str) -> None:
    handler = COMMANDS.get(name)
    if handler is None:
        ctx.say_key("unknown_command", BACK, command=name[:32])
        return
    handler(ctx)
