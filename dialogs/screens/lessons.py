"""The guide: today's step, a lesson in a few short messages, its one question, and what comes after.

One new lesson a day by default (see dialogs/pacing.py); on a day with nothing new, a small practice
from a lesson already read; one more on request, at most two extra a day; any lesson read can be
read again. Returning to a lesson shows one line and its buttons, never the whole lesson again.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from dialogs import understanding
from dialogs.branching import moment
from dialogs.context import Ctx, Keyboard, row
from dialogs.dates import human_date
from dialogs.lessons import Lesson
from dialogs.model import Button
from dialogs.pacing import Plan
from dialogs.parsing import parse_int
from dialogs.screens import faq, keep
from dialogs.screens.registry import SCREENS, command, enter_side, is_main, register, show

__all__ = ["only_practice_waiting", "open_today", "plan_for", "read_again", "step_waiting"]

NC_LENGTHS = (21, 30, 45, 60)
READY_CALM = 7  # how calm, of 10, about a message that gets no reply, before reaching out
CALM_WAIT = timedelta(days=7)
PRACTICE_AGAIN_AFTER = timedelta(days=7)  # the same practice comes back at most once a week
SECOND_THOUGHT = timedelta(minutes=30)  # words this soon after an answer add to it
PRACTICE_ANSWER_WITHIN = timedelta(hours=2)  # a practice's answer comes in the same sitting, or soon after
# After a crisis reply, no extra step is offered for this long: a trial's student, back from /sos at
# 02:15 with the blade box just put away, was asked "Rest for today, or one more step?".
REST_AFTER_CRISIS = timedelta(hours=12)


def _more_offered(ctx: Ctx, p: Plan) -> bool:
    told = ctx.state.crisis_told_at
    resting = told is not None and ctx.now - told < REST_AFTER_CRISIS
    return p.one_more() is not None and not resting


def plan_for(ctx: Ctx) -> Plan:
    content = ctx.kit.content
    return Plan(ctx.state, content.tracks, content.lessons, ctx.step_day)


def _lesson(ctx: Ctx, lesson_id: str) -> Lesson:
    return ctx.kit.content.lessons[lesson_id]


def _current(ctx: Ctx) -> str:
    chosen = ctx.state.data.get("lesson")
    if isinstance(chosen, str) and chosen in ctx.kit.content.lessons:
        return chosen
    read = ctx.state.guide.read
    return read[-1] if read else ""


# --- today's step --------------------------------------------------------------------------------------------
def open_today(ctx: Ctx) -> None:
    """ "Today's step": the day's new lesson, the reconnect question, a practice, or when the next opens."""
    p = plan_for(ctx)
    if moment(ctx.state, ctx.step_day, branch_read=not p.unread):
        show(ctx, "guide.outcome")  # what happened after reaching out decides what comes next
        return
    due = p.due_today()
    if due is not None:
        _open(ctx, due, p, new=True)
        return
    if _question_open_today(ctx):
        # Today's lesson still waits for its answer: that is today's step, not a practice.
        waiting = _current(ctx) if ctx.state.screen == "guide.lesson" else ctx.state.guide.read[-1]
        ctx.goto("guide.lesson", lesson=waiting)
        _lesson_show(ctx)
        return
    if not p.unread and not p.ids:
        ctx.goto("guide.today")
        ctx.say_key("guide_empty", [row(("Menu", "_menu"))])
        return
    _nothing_new(ctx, p)


def _question_open_today(ctx: Ctx) -> bool:
    """A lesson opened new today is where the person still is, its question unanswered."""
    state = ctx.state
    main = state.screen if is_main(state.screen) else state.resume_screen
    return main == "guide.lesson" and state.guide.new_on == ctx.step_day and bool(state.guide.read)


def opens_a_section(ctx: Ctx) -> bool:
    """Whether "Today's step" would now open a new section, whose intro says where the person is."""
    p = plan_for(ctx)
    if moment(ctx.state, ctx.step_day, branch_read=not p.unread):
        return False
    due = p.due_today()
    return due is not None and p.opens_section(due) is not None


def _new_today(ctx: Ctx, p: Plan) -> bool:
    """The reconnect question, a new lesson, or one still waiting for its answer."""
    if moment(ctx.state, ctx.step_day, branch_read=not p.unread) or p.due_today() is not None:
        return True
    return _question_open_today(ctx)


def _practice_today(ctx: Ctx, p: Plan) -> bool:
    return p.opened_today == 0 and _practice(ctx) is not None


def only_practice_waiting(ctx: Ctx) -> bool:
    """Today's step is a practice on a lesson already read, not a new lesson."""
    p = plan_for(ctx)
    return not _new_today(ctx, p) and _practice_today(ctx, p)


def step_waiting(ctx: Ctx) -> bool:
    """Whether "Today's step" has something today: something new, or a practice on a day with no
    new lesson."""
    p = plan_for(ctx)
    return _new_today(ctx, p) or _practice_today(ctx, p)


def _nothing_new(ctx: Ctx, p: Plan) -> None:
    ctx.goto("guide.today")
    # A practice is the step of a day with no new lesson: after today's lesson, "Your next new step
    # opens tomorrow" is not followed the same night by "Today's step is ready" and a practice.
    practice = _practice(ctx) if p.opened_today == 0 else None
    if practice:
        ctx.state.guide.practice_on = ctx.step_day
        ctx.state.guide.practised = {**ctx.state.guide.practised, practice[0]: ctx.step_day}
        ctx.state.data = {"practice": practice[0]}
        ctx.say_key("practice_intro")
        more = [("One more step now", "more")] if _more_offered(ctx, p) else []
        ctx.say(practice[1], [row(("Skip it", "skip"), *more), row(("Menu", "_menu"))])
        return
    ctx.say(_what_next_text(ctx, p), _what_next_buttons(ctx, p))


def _practice(ctx: Ctx) -> tuple[str, str] | None:
    """Today's small practice, once a day: a follow-up on a lesson already read, one never given
    first (the latest read), then the one given longest ago. One given in the last week waits its
    turn. Taking the latest each time, three weeks of waiting for a reply brought the same six prompts
    in the same order every week (the no-reply transcript)."""
    guide = ctx.state.guide
    if guide.practice_on == ctx.step_day:
        return None
    waiting: list[tuple[str, str, date | None]] = []
    for lesson_id in reversed(guide.read):
        last = guide.practised.get(lesson_id)
        if last is not None and ctx.step_day - last < PRACTICE_AGAIN_AFTER:
            continue
        text = _lesson(ctx, lesson_id).text_for(ctx.state.track, harmed=ctx.state.harmed_by_ex)
        if text.practice:
            waiting.append((lesson_id, text.practice, last))
    if not waiting:
        return None
    never = [w for w in waiting if w[2] is None]
    lesson_id, practice, _ = never[0] if never else min(waiting, key=lambda w: w[2] or date.min)
    return lesson_id, practice


def _all_read_text(ctx: Ctx, p: Plan) -> str:
    """Every step open now is read: what comes next, if anything does."""
    opens = p.next_part_on()
    if opens is not None:
        return ctx.t("guide_reach_out_opens", date=human_date(opens, ctx.step_day))
    return ctx.t("guide_all_read")


def _what_next_text(ctx: Ctx, p: Plan) -> str:
    if not p.unread:
        return _all_read_text(ctx, p)
    opens = p.next_opens_on()
    if opens is None:
        return ctx.t("guide_waiting")
    # "Ask for one more" only when the button to do it is there.
    key = "guide_next_opens" if _more_offered(ctx, p) else "guide_next_opens_no_more"
    return ctx.t(key, date=human_date(opens, ctx.step_day))


def _what_next_buttons(ctx: Ctx, p: Plan) -> Keyboard:
    first: list[tuple[str, str]] = []
    if _more_offered(ctx, p):
        first.append(("One more step now", "more"))
    if ctx.state.guide.read:
        first.append(("Read one again", "review"))
    return [row(*first), row(("Menu", "_menu"))] if first else [row(("Menu", "_menu"))]


def _today_show(ctx: Ctx) -> None:
    if step_waiting(ctx):
        # Back here with a step still to take today (/resume, say): not "Nothing new today", which a
        # trial heard two minutes before the check-in said "Today's step is ready".
        ctx.say_key("checkin_next", [row(("Today's step", "today"), ("Menu", "_menu"))])
        return
    ctx.say(_what_next_text(ctx, plan_for(ctx)), _what_next_buttons(ctx, plan_for(ctx)))


def _today_handle(ctx: Ctx) -> None:
    button = ctx.event.button
    if button == "today":
        open_today(ctx)
    elif button == "more":
        _one_more(ctx)
    elif button == "review":
        _review_list(ctx)
    elif button == "skip":
        ctx.say(_what_next_text(ctx, plan_for(ctx)), _what_next_buttons(ctx, plan_for(ctx)))
    elif ctx.event.text.strip() and "practice" in ctx.state.data and _practice_fresh(ctx):
        ctx.journal("practice", ctx.event.text.strip(), ref=str(ctx.state.data["practice"]))
        ctx.state.data = {}
        faq.acknowledge(ctx, ctx.t("ack_practice"), _what_next_buttons(ctx, plan_for(ctx)))
    elif ctx.event.text.strip():
        ctx.state.data = {}  # a practice left hours ago is not what these words answer
        _heard(ctx, _what_next_buttons(ctx, plan_for(ctx)))
    else:
        _today_show(ctx)


def _practice_fresh(ctx: Ctx) -> bool:
    """Words typed while today's practice is on screen answer it, unless the person went quiet for
    hours first: "i messed up. i texted him" at 23:00 is not the answer to the morning's practice."""
    quiet = ctx.quiet_for
    return quiet is None or quiet < PRACTICE_ANSWER_WITHIN


register("guide.today", _today_show, _today_handle, takes_text=True)


# --- a lesson ------------------------------------------------------------------------------------------------
def _open(ctx: Ctx, lesson_id: str, p: Plan, *, new: bool) -> None:
    lesson = _lesson(ctx, lesson_id)
    text = lesson.text_for(ctx.state.track, harmed=ctx.state.harmed_by_ex)
    guide = ctx.state.guide
    coaching = lesson.contact_coaching
    if new:
        if guide.new_on != ctx.step_day:
            guide.new_on, guide.new_today = ctx.step_day, 0
        guide.new_today += 1
        if lesson_id not in guide.read:
            guide.read = [*guide.read, lesson_id]
        section = p.opens_section(lesson_id)
        if section is not None:
            ctx.say(section.intro, coaching=coaching)
    ctx.goto("guide.lesson", lesson=lesson_id)
    heading = ctx.t("lesson_heading", title=lesson.title)
    first, *rest = text.messages_for(shares_life=ctx.state.profile.shares_life)
    messages = [f"{heading}\n\n{first}", *rest]
    for message in messages:
        ctx.say(message, coaching=coaching)
    if text.task:
        ctx.say(_task(ctx, text.task), coaching=coaching)
    ctx.say(ctx.t("lesson_question", question=text.question), _question_buttons(lesson), coaching=coaching)


# From this local hour (and until the small hours end) "today" is nearly over: a trial's first lesson
# at 23:58 asked for "three times today".
LATE_FROM, LATE_UNTIL = 21, 4
_TODAY = re.compile(r"\btoday\b")


def _task(ctx: Ctx, task: str) -> str:
    hour = ctx.now.astimezone(ctx.zone).hour
    if hour >= LATE_FROM or hour < LATE_UNTIL:
        return ctx.t("lesson_task_late", task=_TODAY.sub("tomorrow", task))
    return ctx.t("lesson_task", task=task)


def _question_buttons(lesson: Lesson) -> Keyboard:
    if lesson.asks == "nc_length":
        return [row(*((f"{days} days", f"nc:{days}") for days in NC_LENGTHS))]
    if lesson.asks == "calm":
        return [
            row(*((str(n), f"calm:{n}") for n in range(1, 6))),
            row(*((str(n), f"calm:{n}") for n in range(6, 11))),
            row(("Skip the question", "skip"), ("Menu", "_menu")),
        ]
    return [row(("Skip the question", "skip"), ("Menu", "_menu"))]


def read_again(ctx: Ctx, lesson_id: str) -> None:
    """A lesson already read, in full, without counting as a new step."""
    _open(ctx, lesson_id, plan_for(ctx), new=False)


def _lesson_show(ctx: Ctx) -> None:
    """Coming back to a lesson: one line and the buttons, not the whole lesson again."""
    lesson_id = _current(ctx)
    if not lesson_id:
        open_today(ctx)
        return
    if lesson_id in ctx.state.guide.past:
        if plan_for(ctx).opened_today == 0 and ctx.state.guide.practice_on != ctx.step_day:
            # A lesson of an earlier day: today's step is still to come ("Today's step is done" was
            # a trial's answer to "Today's step" on a day she had done none).
            open_today(ctx)
            return
        # Its question is answered: a trial's father, back from the coach days after choosing 30
        # days, was asked "Would you like to keep 30 days?" twice more.
        ctx.state.data = {"lesson": lesson_id}
        _after(ctx, answered=False, returning=True)
        return
    ctx.state.data = {"lesson": lesson_id}
    lesson = _lesson(ctx, lesson_id)
    ctx.say_key(  # the lesson's question is still open: ask it again, not something new
        "lesson_return",
        [*_question_buttons(lesson), row(("Read it again", "again"))],
        title=lesson.title,
        question=lesson.text_for(ctx.state.track, harmed=ctx.state.harmed_by_ex).question,
    )


def _lesson_handle(ctx: Ctx) -> None:
    lesson_id = _current(ctx)
    button = ctx.event.button
    if not lesson_id:
        open_today(ctx)
    elif button.startswith("nc:") and button[3:].isdigit() and int(button[3:]) in NC_LENGTHS:
        _set_nc_length(ctx, int(button[3:]))
    elif button.startswith("calm:") and button[5:].isdigit() and 1 <= int(button[5:]) <= 10:
        _set_calm(ctx, int(button[5:]))
    elif button == "again":
        read_again(ctx, lesson_id)
    elif button == "today":
        open_today(ctx)
    elif button in {"skip", "next"}:
        _after(ctx, answered=False)
    elif ctx.event.text.strip():
        lesson = _lesson(ctx, lesson_id)
        if lesson.asks == "nc_length" and _ASKS_ABOUT_A_LENGTH.match(ctx.event.text.strip().casefold()):
            # "is 21 days enough" (trial 32) was taken for the choice, and the question never answered.
            entry = next((e for e in ctx.kit.content.faq if e.id == faq.HOW_LONG), None)
            if entry is not None:
                faq.answer(ctx, entry)
                return
        if lesson.asks == "nc_length":
            days = parse_int(ctx.event.text, 21, 60)
            if days in NC_LENGTHS:
                _set_nc_length(ctx, days)
                return
        if lesson.asks == "calm":
            calm = parse_int(ctx.event.text, 1, 10)
            if calm is not None and len(ctx.event.text.split()) <= 6:  # "maybe a 5", not a story
                _set_calm(ctx, calm)
                return
        ctx.journal("reflection", ctx.event.text.strip(), ref=lesson_id)
        if lesson.asks:
            # Words are kept, but the choice the lesson asks for (a length, a rating) is still to
            # make: ask it again rather than let it pass unanswered.
            ctx.say(_thanks(ctx, lesson_id))
            ctx.say(lesson.text_for(ctx.state.track, harmed=ctx.state.harmed_by_ex).question, _question_buttons(lesson))
            return
        _after(ctx, answered=True)
    else:
        _lesson_show(ctx)


register("guide.lesson", _lesson_show, _lesson_handle, takes_text=True)


_ASKS_ABOUT_A_LENGTH = re.compile(r"(?:is|are|would|will|should|can|could|do|does|isn'?t|what if)\b.*|.*\?\s*$")


def _set_nc_length(ctx: Ctx, days: int) -> None:
    from dialogs.calendar import no_contact_ends_on

    ctx.state.no_contact.days = days
    ends = no_contact_ends_on(ctx.state)
    ctx.say_key("nc_length_set", days=str(days), date=human_date(ends, ctx.today) if ends else "")
    _after(ctx, answered=True, acknowledged=True)


def _set_calm(ctx: Ctx, calm: int) -> None:
    """The readiness question: under READY_CALM, reaching out waits a week."""
    guide = ctx.state.guide
    if calm < READY_CALM:
        guide.hold_until = ctx.today + CALM_WAIT
        ctx.say_key("calm_wait", calm=str(calm), date=human_date(guide.hold_until, ctx.today))
    else:
        guide.hold_until = None
        ctx.say_key("calm_ready", calm=str(calm))
    _after(ctx, answered=True, acknowledged=True)


def _after(ctx: Ctx, *, answered: bool, acknowledged: bool = False, returning: bool = False) -> None:
    """After the lesson's question: done for today, one more if allowed, or the menu."""
    p = plan_for(ctx)
    lesson_id = _current(ctx)
    guide = ctx.state.guide
    # An answer that came near a question the guide answers is offered that answer, and the lesson's
    # question comes back after it (their words may not have been the answer): not past yet.
    near_offered = answered and not acknowledged and ctx.near is not None
    if lesson_id and lesson_id not in guide.past and not near_offered:
        guide.past = [*guide.past, lesson_id]
    ctx.goto("guide.after", lesson=lesson_id, answered=answered)
    buttons: list[tuple[Button, ...]] = []
    more = _more_offered(ctx, p)
    buttons.append(row(("Done for today", "done"), *((("One more step", "more"),) if more else ())))
    buttons.append(row(("Menu", "_menu")))
    if answered and not acknowledged:
        # An answer offered something near it comes back to the lesson's question after reading it.
        faq.acknowledge(ctx, _thanks(ctx, lesson_id), buttons, back_to="guide.lesson")
    elif returning:
        # Back from a side trip (a question, a safety notice): nothing was just shown, so no "That's
        # today's step" as if it had been.
        ctx.say(ctx.t("after_return" if more else "after_return_no_more"), buttons)
    else:
        ctx.say(ctx.t("after_lesson" if more else "after_lesson_no_more"), buttons)


def _thanks(ctx: Ctx, lesson_id: str) -> str:
    """The lesson's own word for an answer, and where the answer went; the usual ones otherwise."""
    text = _lesson(ctx, lesson_id).text_for(ctx.state.track, harmed=ctx.state.harmed_by_ex) if lesson_id else None
    # Words that read as a question ("how do i keep handovers civil") are kept, but thanking them in
    # the lesson's words ("Feelings with names are easier to live alongside") would answer nothing.
    if text is None or not text.thanks or ctx.unanswered:
        return ctx.t("ack_reflection")
    return f"{text.thanks} {ctx.t('ack_saved')}"


def _heard(ctx: Ctx, buttons: Keyboard) -> None:
    """Words no question asked for ("its his birthday. i didnt text"): thanked, not filed, and
    answered where the guide has something near them."""
    heard = ctx.t("after_words")
    if ctx.near is None and not ctx.unanswered:  # nothing else to say: how to keep it, then
        earlier = ctx.state.unfiled
        if earlier and ctx.quiet_for is not None and ctx.quiet_for < SECOND_THOUGHT:
            # The second message in a row that no question asked for: not the same two lines again (a
            # trial's "just feel bloody useless", then "spare part with the kids", got them twice).
            # The third and later say so differently: "keep both messages" to four was a read-through's.
            heard = ctx.t("after_words_again" if "\n" not in earlier else "after_words_more")
            buttons = [keep.keep_row(ctx, f"{earlier}\n{ctx.event.text}"), *buttons]
        else:
            heard += "\n\n" + ctx.t("after_words_note")
            buttons = [keep.keep_row(ctx, ctx.event.text), *buttons]
    faq.acknowledge(ctx, heard, buttons)


def _second_thought(ctx: Ctx) -> bool:
    """Words soon after answering the step's question add to that answer. After a skipped question,
    or hours later ("i messed up. i just texted him", that night), they are about something else."""
    quiet = ctx.quiet_for
    return ctx.state.data.get("answered") is True and quiet is not None and quiet < SECOND_THOUGHT


def _after_show(ctx: Ctx) -> None:
    _after(ctx, answered=False, returning=True)


def _after_handle(ctx: Ctx) -> None:
    button = ctx.event.button
    if button == "more":
        _one_more(ctx)
    elif button == "done":
        p = plan_for(ctx)
        opens = p.next_opens_on()
        when = human_date(opens, ctx.step_day) if opens else ""
        ctx.goto("guide.today")
        key = "done_for_today" if when else "done_for_now"
        ctx.say_key(key, [row(("Menu", "_menu"))], date=when)
    elif (text := ctx.event.text.strip()) and (
        ctx.unanswered or (understanding.looks_like_question(text) and not understanding.good_news(text))
    ):
        # Once the step is answered, a question is not more words for it: trial 23's "what do i do
        # about the car tho. its on both our names" was added to the feelings she had named.
        ctx.unanswered, ctx.near = False, None
        faq.say_unanswered(ctx, "unanswered_question", [row(("Done for today", "done"), ("Menu", "_menu"))])
    elif ctx.event.text.strip() and _second_thought(ctx):
        # A second thought after answering: it belongs with the same lesson.
        ctx.journal("reflection", ctx.event.text.strip(), ref=_current(ctx))
        faq.acknowledge(ctx, ctx.t("ack_more_words"), [row(("Done for today", "done"), ("Menu", "_menu"))])
    elif understanding.good_news(ctx.event.text):
        ctx.say_key("good_news", [row(("Done for today", "done"), ("Menu", "_menu"))])
    elif ctx.event.text.strip():
        # Words about now, after a skipped question or hours later: heard, not filed under the step.
        _heard(ctx, [row(("Done for today", "done"), ("Menu", "_menu"))])
    else:
        _after_show(ctx)


register("guide.after", _after_show, _after_handle, takes_text=True)


def _one_more(ctx: Ctx) -> None:
    p = plan_for(ctx)
    lesson_id = p.one_more()
    if lesson_id is None:
        opens = p.next_opens_on()
        ctx.goto("guide.today")
        when = human_date(opens, ctx.step_day) if opens else ""
        if p.unread and p.held():
            # A trial's "one more", the day her calm was a 5, heard "That's three new steps today",
            # having read one: the step waits for the week she was given, and says so.
            ctx.say_key("more_held", _what_next_buttons(ctx, p), date=when)
        elif p.unread:
            ctx.say_key("more_limit", _what_next_buttons(ctx, p), date=when)
        else:
            ctx.say(_all_read_text(ctx, p), _what_next_buttons(ctx, p))
        return
    _open(ctx, lesson_id, p, new=True)


# --- reviewing -----------------------------------------------------------------------------------------------
def _review_list(ctx: Ctx) -> None:
    read = ctx.state.guide.read[-8:]
    if not read:
        ctx.say_key("review_none", [row(("Today's step", "today"), ("Menu", "_menu"))])
        return
    enter_side(ctx, "guide.review")
    rows = [row((_lesson(ctx, i).title, f"r:{i}")) for i in reversed(read)]
    rows.append(row(("Back", "_back")))
    ctx.say_key("review_pick", rows)


def _review_handle(ctx: Ctx) -> None:
    button = ctx.event.button
    if button.startswith("r:") and button[2:] in ctx.state.guide.read:
        read_again(ctx, button[2:])
    elif button == "today":
        open_today(ctx)
    else:
        _review_list(ctx)


register("guide.review", _review_list, _review_handle, takes_text=False)


@command("today", "next")
def _today_command(ctx: Ctx) -> None:
    open_today(ctx)


@command("more")
def _more_command(ctx: Ctx) -> None:
    _one_more(ctx)


@command("review")
def _review_command(ctx: Ctx) -> None:
    _review_list(ctx)


def is_guide(screen: str) -> bool:
    return screen in SCREENS and screen.startswith("guide.")
