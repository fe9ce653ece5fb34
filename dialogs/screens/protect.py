"""When contact is the wrong goal: danger in either direction, the ex's boundary, a new partner.

A danger or boundary finding moves the person to the moving-on track for good and records why; the
engine's final guard then drops any contact coaching, whichever screen produced it.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import timedelta

from dialogs.assessment import Assessment
from dialogs.context import Ctx, row
from dialogs.model import Button, EventKind
from dialogs.pacing import start_track
from dialogs.resources import ReplyKind
from dialogs.screens import checkin, faq, keep
from dialogs.screens.care import sos
from dialogs.screens.lessons import open_today
from dialogs.screens.lines import country, say_reply
from dialogs.screens.registry import SCREENS, enter_side, register
from dialogs.state import RouteBefore, SafetyFlag

__all__ = [
    "DANGER_REPEATS_AFTER",
    "UNDO_BUTTON",
    "UNDO_DANGER_BUTTON",
    "as_a_guess",
    "corrects_boundary_words",
    "corrects_danger",
    "danger_reply",
    "explain_route",
    "moved_on",
    "record",
    "repeat_line",
    "settle",
    "taken_back_lately",
    "undo_boundary",
    "undo_danger",
]


def danger_reply(a: Assessment) -> ReplyKind | None:
    if not a.danger:
        return None
    return "danger_by_user" if a.danger_by_user else "danger"


# A danger reply given in full is not given again for a finding the model alone makes within this
# time: the lines stay in /sos, and the person is already off contact coaching for good. The model
# over-reads danger in everyday talk about an ex (the belongings, the gym, checking their profile),
# and the same helpline after every such message tells someone who is only sad that they are a
# threat, or in danger, again and again.
DANGER_REPEATS_AFTER = timedelta(days=7)


def record(ctx: Ctx, a: Assessment) -> list[ReplyKind]:
    """Set the flags and the track for a danger or boundary finding; return the replies still owed.
    A boundary is explained once. Danger lines are given each time danger is said in plain words
    (the rules read it too), and otherwise at most once a week in each direction (see
    `repeat_line` for what is said in between)."""
    state = ctx.state
    owed: list[ReplyKind] = []
    new: list[SafetyFlag] = []
    kind = danger_reply(a)
    if kind is not None:
        new.append("danger")
        if kind == "danger_by_user":
            new.append("danger_by_user")
        told = state.danger_told_on.get(kind)
        if a.danger_in_plain_words or told is None or ctx.today - told >= DANGER_REPEATS_AFTER:
            owed.append(kind)
            state.danger_told_on = {**state.danger_told_on, kind: ctx.today}
    if a.boundary:
        if "boundary" not in state.flags and not (kind and state.track == "moving_on"):
            owed.append("boundary")
        new.append("boundary")
    # The same boundary read again from the model alone, while it may still be taken back, keeps the
    # way back: a trial's "no he hasnt asked me to stop", itself read as a boundary, had closed it.
    again = a.boundary and "boundary" in state.flags and state.boundary_undo is not None
    if not (again and kind is None and a.source == "model" and a.rule != "boundary"):
        state.boundary_undo = _undoable(ctx, a)
    if kind is not None:
        if a.danger_in_plain_words or kind == "danger_by_user":
            state.danger_undo = None  # said in plain words, or asked about and confirmed: it stands
        elif state.danger_undo is None and "danger" not in state.flags:
            state.danger_undo = _before(ctx)
    state.flags = [*state.flags, *(f for f in dict.fromkeys(new) if f not in state.flags)]
    start_track(state, "moving_on", ctx.today)
    return owed


def _undoable(ctx: Ctx, a: Assessment) -> RouteBefore | None:
    """A new boundary that only the model read, with no danger anywhere: the person knows better than
    the model what their ex said, so they may take it back while the reply is in front of them. A
    boundary in plain words (the rules read it too), or any danger, stands."""
    state = ctx.state
    known = "boundary" in state.flags or "danger" in state.flags
    plain = a.source == "rules" or a.rule == "boundary"
    # Harm only the model read beside it may be taken back first ("he needs space and his parents will
    # never accept me", a trial at intake); until then the boundary stands with it.
    sure_harm = a.danger and (a.danger_in_plain_words or a.danger_by_user)
    if not a.boundary or sure_harm or known or plain:
        return None
    return _before(ctx)


def _before(ctx: Ctx) -> RouteBefore:
    state = ctx.state
    typed = ctx.event.text if ctx.event.kind == EventKind.TEXT else ""
    return RouteBefore(
        track=state.track,
        started_on=state.guide.started_on,
        branch=state.guide.branch,
        screen=state.screen,
        screen_data=json.dumps(state.data),
        held=typed,
        flags=list(state.flags),
    )


UNDO_BUTTON = "undo_boundary"
UNDO_DANGER_BUTTON = "undo_danger"


def _undo_row() -> tuple[Button, ...]:
    return row(("They didn't ask that", UNDO_BUTTON))


def _undo_danger_row() -> tuple[Button, ...]:
    return row(("That's not what happened", UNDO_DANGER_BUTTON))


# "I think you may have misread me. Graham has never been violent or threatening" (a trial): words
# that take back harm done to them that only the model read.
_DANGER_CORRECTION = re.compile(
    r"\b(misread|misunderstood|not what happened|(got|read) (that|it|me|this) wrong"
    r"|(never|wasn'?t|isn'?t|was not|is not|not) (been )?(violent|abusive|dangerous|threatening|like that)"
    r"|never (hurt|hit|threatened|frightened|scared|touched) me"
    r"|(he|she|they) (didn'?t|did not|never) (hurt|hit|threaten)"
    r"|not (dangerous|abuse|abusive)|stop treating (him|her|them) (as|like)"
    r"|(nobody|no ?one|no body) (is|was|'s) (in )?danger)\b"
)


def corrects_danger(ctx: Ctx, text: str) -> bool:
    """Words that take back harm done to them that only the model read: the same as the button."""
    state = ctx.state
    if state.danger_undo is None or "danger" not in state.flags or "danger_by_user" in state.flags:
        return False
    said = " ".join(text.casefold().replace("’", "'").split())
    if not _DANGER_CORRECTION.search(said):
        return False
    # "he never hit me or anything tho", after telling of a partner who checked her phone and tracked
    # her (trial 23), plays the harm down; it does not say the bot misread it, and took her safety
    # flag away. A misreading named, or a denial without a "though", still takes it back.
    return bool(_MISREAD.search(said)) or not _PLAYING_DOWN.search(said)


# "wait what?? no hes not dangerous, he is just LATE. he never hurt me" (trial 29, a co-parent): the
# "just" is about the lateness; the reading is what is denied.
_MISREAD = re.compile(
    r"\b(?:misread|misunderstood|not what happened|(?:got|read) (?:that|it|me|this) wrong|stop treating)\b"
    r"|^\W*(?:wait\W+)?what\b|\b(?:he'?s|she'?s|they'?re|hes|shes|theyre|he is|she is|they are) not"
    r" (?:dangerous|violent|a danger|abusive|stalking me|a threat)\b"
)
_PLAYING_DOWN = re.compile(r"\b(?:tho|though|or anything|just|only|i guess|idk|i dunno)\b")


def undo_danger(ctx: Ctx, *, quiet: bool = False) -> None:
    """ "That's not what happened", under harm done to them that only the model read: the danger
    flag goes, and with no other reason to stay, the track they were on comes back. `quiet`: intake
    says so in its own words."""
    state, before = ctx.state, ctx.state.danger_undo
    if before is None or "danger" not in state.flags or "danger_by_user" in state.flags:
        ctx.say_key("button_expired")
        return
    state.flags = [f for f in state.flags if f != "danger"]
    state.danger_undo = None
    restored = set(state.flags) <= set(before.flags)  # nothing else read since keeps them moving on
    if restored:
        state.track, state.guide.branch = before.track, before.branch
        state.guide.started_on = before.started_on or state.guide.started_on
    if quiet:
        return
    ctx.say_key("danger_undone")
    if state.boundary_undo is not None and "boundary" in state.flags and not state.screen.startswith("intake."):
        # Read from the same words: it may be as wrong. Said in words, as at a check-in, since the
        # screen shown next brings its own buttons. (In intake the way back comes with the route.)
        ctx.say_key("boundary_check")
    _back_after_undo(ctx, before, restored=restored and before.track == "reconnect")


_CORRECTION = re.compile(
    r"\b(never (said|asked|told)"
    r"|(didn'?t|did not|doesn'?t|does not|hasn'?t|has not|haven'?t|have not) (say|said|ask|asked|tell|told|want that)"
    r"|not what (he|she|they) (said|meant|asked)|(got|read) (that|it|me|this) wrong|misread|misunderstood"
    r"|never asked (for|me)|no (he|she|they) (didn'?t|did not)|(he|she|they) still (talks?|texts?) (to )?me)\b"
)


# After "They didn't ask that", the model's reading alone does not bring the boundary back for this
# long: one tester who said "she needs space" was moved, took it back, and was moved again four times
# as he went on talking about it. Plain words ("she blocked me", "she said never contact her") count.
UNDO_HOLDS = timedelta(days=7)


def taken_back_lately(ctx: Ctx, a: Assessment) -> bool:
    """A boundary only the model reads, soon after the person took such a reading back."""
    at = ctx.state.boundary_undone_at
    plain = a.source == "rules" or a.rule == "boundary"
    return a.boundary and not plain and at is not None and ctx.now - at < UNDO_HOLDS


def corrects_boundary_words(text: str) -> bool:
    return bool(_CORRECTION.search(" ".join(text.casefold().replace("’", "'").split())))


def corrects_boundary(ctx: Ctx, text: str) -> bool:
    """Words that take back a boundary only the model read ("wait he never said that?? he said we
    could still be friends"): the same as the button, which by then had scrolled away. Not one these
    same words raised: trial 25's "She says I never asked what she wanted" was read as a boundary and
    taken back in one breath ("Thank you for putting me right")."""
    state = ctx.state
    if state.boundary_undo is None or "boundary" not in state.flags or "danger" in state.flags:
        return False
    return "boundary" in ctx.flags_before and corrects_boundary_words(text)


def as_a_guess(a: Assessment) -> Assessment:
    """A boundary reading held as the model's guess, which the person may take back."""
    return replace(a, source="model", rule="" if a.rule == "boundary" else a.rule)


def undo_boundary(ctx: Ctx) -> None:
    """ "They didn't ask that", pressed under a boundary only the model read: as it was before."""
    state, before = ctx.state, ctx.state.boundary_undo
    if before is None or "boundary" not in state.flags or "danger" in state.flags:
        ctx.say_key("button_expired")
        return
    state.flags = [f for f in state.flags if f != "boundary"]
    state.track, state.guide.branch = before.track, before.branch
    state.guide.started_on = before.started_on or state.guide.started_on  # intake may have set it since
    state.boundary_undo = None
    state.boundary_undone_at = ctx.now
    ctx.say_key("boundary_undone")
    _back_after_undo(ctx, before, restored=True)


def _back_after_undo(ctx: Ctx, before: RouteBefore, *, restored: bool) -> None:
    state = ctx.state
    intake_done = state.consented_at is not None and not state.screen.startswith("intake.")
    if restored and before.started_on is None and intake_done:
        # Read during intake, taken back at its end: the plan they would have heard.
        ctx.say_key("route_reconnect", days=str(state.no_contact.days))
    if state.screen == "notice" and before.held and before.screen in SCREENS:
        # Back where the words were typed, and the words handled there as usual.
        state.screen, state.data = before.screen, json.loads(before.screen_data or "{}")
        ctx.replay = [before.held]
    elif state.screen == "notice":
        open_today(ctx)
    elif state.screen in SCREENS:
        SCREENS[state.screen].show(ctx)


# Screens where the message is still an answer to finish: intake must end on the moving-on track,
# and a check-in note is kept.
_KEEP_GOING = ("intake.", "checkin.note")
# A check-in's other questions (mood, urge, contact) are asked again after the lines: a trial's
# "have you been in touch?" was answered with news of his text, and Continue ended the check-in.
_ASK_AGAIN = "checkin."


def _ask_again(ctx: Ctx) -> bool:
    screen = ctx.state.screen
    if not screen.startswith(_ASK_AGAIN) or screen.startswith(_KEEP_GOING) or screen not in SCREENS:
        return False
    if ctx.event.kind == EventKind.TEXT and checkin.answered_in_touch(ctx):
        # "nah didnt talk to her. i did wait in the carpark til she came out": the lines, then the
        # answer taken as given, not the question again (trial 27).
        SCREENS[screen].handle(ctx)
    else:
        SCREENS[screen].show(ctx)
    return True


def repeat_line(ctx: Ctx, a: Assessment, owed: list[ReplyKind]) -> bool:
    """A danger finding whose reply was given lately. Someone the model read as a risk to their ex
    hears nothing more, and the message is handled as usual: said after every message about their
    ex, even a short line accuses, and most such repeats in the trials were misreadings.

    Someone who may be in danger hears what to do now (the emergency number, keeping a record, the
    lines in /sos), and that answers the message: handled as usual, "he was outside my work again"
    got the guide's answer for running into an ex ("Give them room"). True when it answers it; in
    intake and at a check-in's note the message still goes on (see settle)."""
    kind = danger_reply(a)
    if kind != "danger" or kind in owed:
        return False
    emergency = ctx.kit.resources.emergency(country(ctx)).how
    screen = ctx.state.screen
    if screen.startswith(_KEEP_GOING) or screen in {"new", "consent"}:
        ctx.say_key("danger_again", emergency=emergency)
        return False
    if screen.startswith(_ASK_AGAIN) and screen in SCREENS:
        ctx.say_key("danger_again", emergency=emergency)
        return _ask_again(ctx)
    enter_side(ctx, "notice")
    ctx.say_key("danger_again", _notice_buttons(ctx), emergency=emergency)
    return True


def settle(ctx: Ctx, owed: list[ReplyKind]) -> bool:
    """Say what a danger or boundary finding needs, then decide what happens to the message.

    True: the message is answered. False: the screen handles it too (intake goes on, notes are kept).
    """
    # A boundary only the model read: the first part of its reply, and the way to take it back,
    # instead of "this can't be undone".
    undo = ctx.state.boundary_undo is not None and "boundary" in owed and "danger" not in ctx.state.flags
    for kind in owed:
        if kind == "boundary" and undo:
            ctx.say(ctx.kit.resources.reply(kind, country(ctx), ctx.state.profile.name)[0])
        else:
            say_reply(ctx, kind)
    screen = ctx.state.screen
    if screen in {"new", "consent"}:
        return bool(owed)
    if screen.startswith(_KEEP_GOING):
        # A button here would retire the screen's own (a new prompt): the way back, if any, comes
        # with the route at the end of intake (explain_route), and at a check-in it is said in words
        # (a trial's "he replied thanks only" was kept as "your ex asked for no contact").
        if undo and screen.startswith("checkin."):
            ctx.say_key("boundary_check")
        return False
    if not owed:
        return False  # nothing new to say (a boundary already known): handle the message as usual
    if screen.startswith(_ASK_AGAIN) and not screen.startswith(_KEEP_GOING):
        if undo:
            ctx.say_key("boundary_check")  # the way back in words, as at a check-in's note
        if _ask_again(ctx):
            return True
    ctx.goto("notice")
    if undo:
        ctx.say_key("boundary_check")
    ctx.say_key("protect_next", _notice_buttons(ctx))
    return True


def explain_route(ctx: Ctx, *, told: frozenset[str] = frozenset()) -> None:
    """Why intake ends on the moving-on track. `told`: the findings ("danger", "boundary") typed
    during intake, whose replies were given there: only the route is said now for them (with the
    way back, for a boundary only the model read)."""
    if "danger" in ctx.state.flags and ctx.state.danger_undo is not None:
        ctx.say_key("route_moving_on_unsure")
        ctx.say_key("danger_check", [_undo_danger_row()])
    elif "danger" in ctx.state.flags:
        if "danger" not in told:
            say_reply(ctx, "danger_by_user" if "danger_by_user" in ctx.state.flags else "danger")
        ctx.say_key("route_moving_on")
    elif ctx.state.boundary_undo is not None:
        ctx.say_key("route_moving_on_unsure")
        ctx.say_key("boundary_check", [_undo_row()])
    elif "boundary" in told:
        ctx.say_key("route_moving_on")
    else:
        say_reply(ctx, "boundary")  # which already names the track, and that it stays


def moved_on(ctx: Ctx) -> bool:
    """Respect a new relationship; True when the user was offered the switch and nothing else should run."""
    if "moved_on" in ctx.state.flags:
        return False
    ctx.state.flags = [*ctx.state.flags, "moved_on"]
    say_reply(ctx, "moved_on")
    # Under a question that interrupted intake ("is your ex with someone new?"), intake is where they
    # are: a trial's "yes" there was offered the switch, and its Back skipped the rest of intake.
    state = ctx.state
    where = str(state.data.get("back") or "") if state.screen.startswith("safety.") else state.screen
    if state.track == "reconnect" and where not in {"new", "consent"} and not where.startswith("intake"):
        ctx.goto("track.offer")
        ctx.say_key("offer_moving_on", [row(("Switch to moving on", "yes"), ("Not now", "_back"))])
        return True
    return False


def _notice_buttons(ctx: Ctx) -> list[tuple[Button, ...]]:
    """Continue, Help now, and while it may still be taken back, the way back."""
    undo = ctx.state.boundary_undo is not None and "boundary" in ctx.state.flags and "danger" not in ctx.state.flags
    undo_danger = ctx.state.danger_undo is not None and "danger" in ctx.state.flags
    return [
        row(("Continue", "_back"), ("Help now", "sos")),
        *([_undo_row()] if undo else []),
        *([_undo_danger_row()] if undo_danger else []),
    ]


def _notice_show(ctx: Ctx) -> None:
    ctx.say_key("protect_next", _notice_buttons(ctx))


def _notice_handle(ctx: Ctx) -> None:
    if ctx.event.kind == EventKind.TEXT and ctx.state.data.get("typed") and len(_notice_buttons(ctx)) == 1:
        # Said once is enough: trial 23 heard "It's a lot to take in" five times, to "we dont have
        # kids", to "u keep pasting the same thing" and, the next afternoon, to "sorry about last
        # night". Now the words are heard and the notice gives way to where they were.
        ctx.goto(str(ctx.state.resume_screen or "menu"))
        faq.acknowledge(ctx, ctx.t("heard_short"), [keep.keep_row(ctx, ctx.event.text), row(("Menu", "_menu"))])
    elif ctx.event.kind == EventKind.TEXT:
        # Words that are no command and no question the guide answers: what happens now, kindly.
        ctx.state.data["typed"] = True
        buttons = _notice_buttons(ctx)
        ctx.say_key("notice_typed", buttons if len(buttons) == 1 else ())
        if len(buttons) > 1:
            danger = ctx.state.danger_undo is not None and "danger" in ctx.state.flags
            ctx.say_key("notice_typed_undo_danger" if danger else "notice_typed_undo", buttons)
    elif ctx.event.button == "sos":
        sos(ctx)
    else:
        open_today(ctx)


register("notice", _notice_show, _notice_handle, takes_text=True)


def _offer_show(ctx: Ctx) -> None:
    ctx.say_key("offer_moving_on", [row(("Switch to moving on", "yes"), ("Not now", "_back"))])


def _offer_handle(ctx: Ctx) -> None:
    if ctx.event.button == "yes":
        start_track(ctx.state, "moving_on", ctx.today)
        ctx.say_key("switched")
    open_today(ctx)


register("track.offer", _offer_show, _offer_handle, takes_text=False)
