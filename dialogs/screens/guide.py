"""The guide itself: lessons one at a time, the menu, the FAQ, and the end of the road."""

from __future__ import annotations

import re
from datetime import timedelta
from functools import cache

from dialogs.calendar import no_contact_ends_on
from dialogs.content import FaqEntry, Lesson
from dialogs.context import Ctx, row
from dialogs.screens.registry import register, show
from dialogs.state import UserState

__all__ = ["available_lessons", "faq_answer", "match_faq", "no_contact_days_left", "show_menu"]

LESSON_BUTTONS = (row(("Next", "next"), ("Back", "back")), row(("Pause", "pause"), ("Menu", "_menu")))


def available_lessons(state: UserState, lessons: dict[str, Lesson], track: list[str]) -> list[str]:
    """The track as this user may see it: contact-coaching lessons vanish when contact is forbidden."""
    if not state.contact_forbidden:
        return track
    return [lesson_id for lesson_id in track if not lessons[lesson_id].contact_coaching]


def no_contact_days_left(ctx: Ctx) -> int:
    """Days until the reconnect phase opens; 0 from the last no-contact day on."""
    ends_on = no_contact_ends_on(ctx.state)
    if ends_on is None:
        return ctx.state.no_contact.days
    return max(0, (ends_on - ctx.today).days)


def _track(ctx: Ctx) -> list[str]:
    content = ctx.kit.content
    return available_lessons(ctx.state, content.lessons, getattr(content.tracks, ctx.state.track))


def _lesson_show(ctx: Ctx) -> None:
    ids = _track(ctx)
    index = ctx.state.lesson_index
    if index >= len(ids):
        show(ctx, "guide.done")
        return
    lesson = ctx.kit.content.lessons[ids[index]]
    if lesson.after_no_contact and no_contact_days_left(ctx) > 0:
        show(ctx, "guide.locked")
        return
    phase = ctx.kit.content.lesson_phase[lesson.id]
    first_of_phase = index == 0 or ctx.kit.content.lesson_phase[ids[index - 1]] != phase
    coaching = lesson.contact_coaching
    if first_of_phase and ctx.state.data.get("intro_shown") != phase:
        ctx.say(ctx.kit.content.phases[phase].intro, coaching=coaching)
    ctx.state.data = {"lesson": lesson.id, "intro_shown": phase}
    # Few, short messages: each one is a notification on a phone (and an API call).
    heading = ctx.t("lesson_heading", step=str(index + 1), total=str(len(ids)), title=lesson.title)
    for message in [f"{heading}\n\n{lesson.messages[0]}", *lesson.messages[1:]]:
        ctx.say(message, coaching=coaching)
    question = ctx.t("lesson_question", question=lesson.question)
    if lesson.task:
        question = f"{ctx.t('lesson_task', task=lesson.task)}\n\n{question}"
    ctx.say(question, LESSON_BUTTONS, coaching=coaching)


def _lesson_handle(ctx: Ctx) -> None:
    ids = _track(ctx)
    index = min(ctx.state.lesson_index, len(ids))
    lesson_id = ids[index] if index < len(ids) else ""
    button = ctx.event.button
    if button == "next":
        if lesson_id and lesson_id not in ctx.state.completed:
            ctx.state.completed = [*ctx.state.completed, lesson_id]
        ctx.state.lesson_index = index + 1
        _lesson_show(ctx)
    elif button == "back":
        if index == 0:
            ctx.say_key("lesson_first")
        ctx.state.lesson_index = max(0, index - 1)
        _lesson_show(ctx)
    elif button == "pause":
        ctx.say_key("lesson_paused", [row(("Carry on", "_back"), ("Menu", "_menu"))])
    elif ctx.event.text.strip():
        answer = ctx.event.text.strip()
        ctx.journal("reflection", answer, ref=lesson_id)
        ctx.say_key("reflection_saved", LESSON_BUTTONS)
    else:
        _lesson_show(ctx)


register("guide.lesson", _lesson_show, _lesson_handle, takes_text=True)


def _locked_show(ctx: Ctx) -> None:
    left = no_contact_days_left(ctx)
    ctx.say_key(
        "lesson_locked",
        [row(("Review a lesson", "review"), ("Urge to text", "urge")), row(("Menu", "_menu"))],
        days=str(left),
        date=(ctx.today + timedelta(days=left)).isoformat(),
    )


def _locked_handle(ctx: Ctx) -> None:
    if ctx.event.button == "review":
        ctx.state.lesson_index = max(0, ctx.state.lesson_index - 1)
        show(ctx, "guide.lesson")
    elif ctx.event.button == "urge":
        show(ctx, "urge.strength")
    elif no_contact_days_left(ctx) == 0:
        show(ctx, "guide.lesson")
    else:
        _locked_show(ctx)


register("guide.locked", _locked_show, _locked_handle, takes_text=False)


def _done_show(ctx: Ctx) -> None:
    key = "guide_done_moving_on" if ctx.state.track == "moving_on" else "guide_done"
    ctx.say_key(
        key, [row(("Start the guide again", "again")), row(("Journal", "journal"), ("Menu", "_menu"))]
    )


def _done_handle(ctx: Ctx) -> None:
    if ctx.event.button == "again":
        ctx.state.lesson_index = 0
        show(ctx, "guide.lesson")
    elif ctx.event.button == "journal":
        ctx.request("journal", page="0", query="")
        ctx.say_key("after_info", [row(("Back", "_back"), ("Menu", "_menu"))])
    else:
        _done_show(ctx)


register("guide.done", _done_show, _done_handle, takes_text=False)


# --- menu ----------------------------------------------------------------------------------------------------
def show_menu(ctx: Ctx) -> None:
    switch = (
        ("Reconnect track", "switch") if ctx.state.track == "moving_on" else ("Move on instead", "switch")
    )
    ctx.say_key(
        "menu",
        [
            row(("Continue the guide", "guide"), ("Check in now", "checkin")),
            row(("Journal", "journal"), ("Progress", "progress")),
            row(("Questions", "faq"), ("Urge to text", "urge")),
            row(("Settings", "settings"), switch),
            row(("Help now", "sos")),
        ],
    )


def _menu_handle(ctx: Ctx) -> None:
    from dialogs.screens.tools import run_command  # tools imports guide's helpers

    choice = ctx.event.button
    if choice == "guide":
        show(ctx, "guide.lesson")
    elif choice == "switch":
        show(ctx, "track.switch")
    elif choice:
        run_command(ctx, choice)
    else:
        show_menu(ctx)


register("menu", show_menu, _menu_handle, takes_text=False)


# --- FAQ -----------------------------------------------------------------------------------------------------
def match_faq(entries: list[FaqEntry], text: str) -> FaqEntry | None:
    """The entry with the most keywords found as whole words in the user's text; earlier wins a tie."""
    low = " ".join(text.lower().replace("’", "'").split())
    if len(low) < 6:
        return None
    best: tuple[int, FaqEntry] | None = None
    for entry in entries:
        score = sum(1 for word in entry.keywords if _keyword_re(word).search(low))
        if score and (best is None or score > best[0]):
            best = (score, entry)
    return best[1] if best else None


@cache
def _keyword_re(word: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(word) + r"(?!\w)")


def faq_answer(ctx: Ctx, entry: FaqEntry) -> None:
    forbidden = ctx.state.contact_forbidden and entry.contact_coaching
    answer = entry.moving_on_answer if forbidden and entry.moving_on_answer else entry.answer
    for i, message in enumerate(answer):
        last = i == len(answer) - 1
        ctx.say(
            message,
            [row(("More questions", "faq"), ("Back", "_back"))] if last else (),
            coaching=entry.contact_coaching and not forbidden,
        )


def _faq_show(ctx: Ctx) -> None:
    rows = [row((entry.question, f"q:{entry.id}")) for entry in ctx.kit.content.faq]
    rows.append(row(("Back", "_back")))
    ctx.say_key("faq_intro", rows)


def _faq_handle(ctx: Ctx) -> None:
    button = ctx.event.button
    if button == "faq":
        _faq_show(ctx)
        return
    entry = next((e for e in ctx.kit.content.faq if f"q:{e.id}" == button), None)
    if entry is None and ctx.event.text:
        entry = match_faq(ctx.kit.content.faq, ctx.event.text)
    if entry is None:
        ctx.say_key("faq_no_match")
        _faq_show(ctx)
        return
    faq_answer(ctx, entry)


register("faq", _faq_show, _faq_handle, takes_text=True)


def _switch_show(ctx: Ctx) -> None:
    if ctx.state.track == "moving_on":
        if ctx.state.flags:
            ctx.say_key("switch_locked", [row(("Back", "_back"))])
            return
        ctx.say_key("switch_to_reconnect", [row(("Yes, switch", "yes"), ("Stay", "_back"))])
    else:
        ctx.say_key("switch_to_moving_on", [row(("Yes, switch", "yes"), ("Stay", "_back"))])


def _switch_handle(ctx: Ctx) -> None:
    if ctx.event.button == "yes" and not ctx.state.flags:
        ctx.state.track = "reconnect" if ctx.state.track == "moving_on" else "moving_on"
        ctx.state.lesson_index = 0
        ctx.say_key("switched")
        show(ctx, "guide.lesson")
    else:
        _switch_show(ctx)


register("track.switch", _switch_show, _switch_handle, takes_text=False)
