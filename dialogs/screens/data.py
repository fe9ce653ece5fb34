"""What the service fetches or changes in the store for a person: journal pages, progress, export,
a report of a bad reply, erasing everything, and starting the guide over."""

from __future__ import annotations

from collections.abc import Callable

from dialogs.context import Ctx, row
from dialogs.parsing import parse_yes_no
from dialogs.screens.lessons import open_today, plan_for
from dialogs.screens.registry import back, command, enter_side, is_main, register
from dialogs.screens.slip import no_contact_day

__all__: list[str] = []

BACK = (row(("Back", "_back"), ("Menu", "_menu")),)


@command("progress")
def _progress(ctx: Ctx) -> None:
    ctx.request("progress")
    p = plan_for(ctx)
    day = no_contact_day(ctx)
    track = "moving on" if ctx.state.track == "moving_on" else "reconnecting"
    read = len(p.ids) - len(p.unread)
    ctx.say_key(
        "progress",
        BACK,
        track=track,
        step=str(read),
        total=str(len(p.ids)),
        no_contact=ctx.t("progress_nc", day=str(day), days=str(ctx.state.no_contact.days), kind=_count_kind(ctx))
        if day
        else "",
    )


# "/journal" and a word or two searches; more words than this are something to write down.
SEARCH_WORDS = 3


@command("journal")
def _journal(ctx: Ctx) -> None:
    words = ctx.event.text.strip().split()
    page = "0"
    query = ""
    if len(words) > SEARCH_WORDS and not words[0].isdigit():
        ctx.journal("note", " ".join(words))
        ctx.say_key("journal_written", BACK)
        return
    if words and words[0].isdigit():
        page = str(max(0, int(words[0]) - 1))
    elif words:
        query = " ".join(words)[:50]
    ctx.request("journal", page=page, query=query)  # the service answers with the page


@command("export")
def _export(ctx: Ctx) -> None:
    ctx.say_key("export_sent", BACK)
    ctx.request("export")  # after the line that says it is coming: the service adds the files in order


# Reports are read by a person on the team; this much is enough to say what felt wrong.
REPORT_CHARS = 500
# Asking what felt wrong is not the reply being reported: the service keeps the one before it.
REPORT_SCREEN = "report.note"


@command("report")
def _report(ctx: Ctx) -> None:
    note = ctx.event.text.strip()
    if not note:
        # A bare /report filed nothing a reviewer could act on: ask what felt wrong, once.
        enter_side(ctx, REPORT_SCREEN)
        ctx.say_key("report_ask", BACK)
        return
    file_report(ctx, note)
    ctx.say_key("report_thanks", BACK)


def file_report(ctx: Ctx, note: str) -> None:
    ctx.request("report", note=note[:REPORT_CHARS])


def _report_handle(ctx: Ctx) -> None:
    note = ctx.event.text.strip()
    if not note:
        ctx.say_key("report_ask", BACK)
        return
    file_typed_report(ctx)
    ctx.say_key("report_thanks", BACK)


def file_typed_report(ctx: Ctx) -> None:
    """What was typed at the report's question, filed, and the person back where they were; the
    thanks is the caller's to say (after any safety reply the words needed)."""
    ctx.goto(ctx.state.resume_screen if is_main(ctx.state.resume_screen) else "guide.lesson")
    ctx.request("report", note=ctx.event.text.strip()[:REPORT_CHARS])


register(REPORT_SCREEN, lambda ctx: ctx.say_key("report_ask", BACK), _report_handle, takes_text=True)


@command("stats")
def _stats(ctx: Ctx) -> None:
    ctx.request("stats")


@command("delete")
def _delete(ctx: Ctx) -> None:
    enter_side(ctx, "delete.confirm")
    if {"boundary", "danger", "danger_by_user"} & set(ctx.state.flags):
        ctx.say_key("delete_confirm_protected")
    ctx.say_key("delete_confirm", [row(("Delete everything", "yes"), ("Keep my data", "_back"))])


def _confirmed(ctx: Ctx, show: Callable[[Ctx], None]) -> bool | None:
    """The answer to "are you sure?": a tap, or "yeah" / "no" typed. Other words get the question
    again (None): nothing is erased or reset on a guess."""
    if ctx.event.button:
        return ctx.event.button == "yes"
    answer = parse_yes_no(ctx.event.text)
    if answer is None:
        ctx.say_key("confirm_yes_no")
        show(ctx)
    return answer


def _delete_handle(ctx: Ctx) -> None:
    answer = _confirmed(ctx, _delete)
    if answer:
        ctx.request("delete")
    elif answer is False:
        back(ctx)


register("delete.confirm", _delete, _delete_handle, takes_text=True)


@command("restart")
def _restart(ctx: Ctx) -> None:
    enter_side(ctx, "restart.confirm")
    ctx.say_key("restart_confirm", [row(("Yes, start over", "yes"), ("No, keep my place", "_back"))])


def _restart_handle(ctx: Ctx) -> None:
    answer = _confirmed(ctx, _restart)
    if answer:
        guide = ctx.state.guide
        guide.read, guide.past, guide.branch, guide.branch_on = [], [], "", None
        guide.started_on, guide.new_on, guide.new_today = ctx.today, None, 0
        ctx.say_key("restarted")
        open_today(ctx)
    elif answer is False:
        back(ctx)


register("restart.confirm", _restart, _restart_handle, takes_text=True)


def _count_kind(ctx: Ctx) -> str:
    """What the count is of: a trial's co-parent read "limited contact" and then "No contact: day 5"."""
    return "Limited contact" if ctx.state.no_contact.limited else "No contact"
