"""Asking directly: "Are you having thoughts of ending your life?", when the safety check is unsure
or a check-in mood says things are bad. Asking does not put the idea in anyone's head; it is what
trained listeners do. Yes and Not sure lead to crisis care; No carries on where the person was.
"""

from __future__ import annotations

import re
from datetime import timedelta

from dialogs.context import Ctx, row
from dialogs.model import EventKind
from dialogs.screens.care import crisis
from dialogs.screens.interrupt import asked_so_far, hand_back, interrupt, return_from
from dialogs.screens.registry import register

__all__ = ["ask", "asks_to_stop", "declined_recently", "low_mood_needs_asking", "record_no", "stop_asking"]

ANSWERS = (row(("Yes", "yes"), ("Not sure", "unsure"), ("No", "no")),)
# After a "No", a message in the unsure zone gets a gentle line rather than the same question again:
# for six hours after a first No, three days after a second within two weeks, a week after more, and
# two weeks after "please stop asking me that". A trial's woman, never at risk, was asked eight times
# in seven weeks, and her "Please stop asking me that every time I'm sad" changed nothing. A reading
# strong enough for the full reply is still asked about, and crisis in the words still acts.
DECLINE_HOLDS = timedelta(hours=6)
NO_AGAIN_HOLDS = (timedelta(hours=6), timedelta(days=3), timedelta(days=7))
NOS_IN_A_ROW_WITHIN = timedelta(days=14)
STOP_ASKING_HOLDS = timedelta(days=14)
_STOP_ASKING = re.compile(
    r"\b(?:stop|quit) asking(?: me)?\b|\bno need to keep asking\b"
    r"|\b(?:don'?t|do not|dont) (?:keep )?ask(?:ing)? me (?:that|this|again|about (?:that|this|it))\b"
    # "no. you keep asking me that 😭" (trial 30, the question's eleventh time in three weeks)
    r"|(?<!why do )(?<!why are )\byou (?:keep|always|are always) asking (?:me )?(?:that|this)\b"
    r"|\byou(?:'ve| have)? asked (?:me )?(?:that|this) (?:so many times|already|before)\b"
)
LOW_MOOD_DECLINE_HOLDS = timedelta(days=3)  # a low mood alone does not bring the question back sooner

# Typed answers, checked in this order: "not sure" before "no", "no" before "yes".
_UNSURE = re.compile(r"\b(not sure|unsure|idk|i don'?t know|dunno|don'?t know|maybe|not certain)\b")
# "what?? no"; "i just told you. no. goodnight" (a trial, asked twice in six minutes)
_BEFORE_NO = (
    r"(?:(?:what|wait|god|omg|oh|um+|er+|lol|haha|sorry|honestly|jesus"
    r"|i (?:just |already )?(?:told you|said)|like i said|as i said)\W+)*"
)
# "noo 🙄 its a TV show lol" (trial 28) is a No; so is "i'm fine" said as the answer.
_NO = re.compile(
    rf"^{_BEFORE_NO}(no+|nope|nah+|n|not really|i'?m not|im not|never)\b|\bno+,? i'?m (not|ok|fine)\b"
    r"|\b(not at all|of course not|absolutely not|definitely not|hell no|no way)\b"
    r"|^(?:i promise |honestly |really )?(?:i'?m|im|i am) (?:fine|ok|okay|alright|all right|safe)\b"
)
# "y", "i am" and "i do" count only as the answer's first words: "what do i do when i see her new
# fella at the school gate", typed at the question, was taken for a Yes and crisis care (a trial).
# "kind of", "a bit", "sometimes" count only as the answer's first words too: "it helped a bit tho",
# about a walk, sent in a burst under the question, was taken for a Yes (trial 30).
_YES = re.compile(
    r"\b(yes|yeah|yea|yep|ya)\b|^(y|i am|i do|kind of|kinda|sort of|sorta|a bit|a little|sometimes)\b"
)
# In a longer message, only its opening words answer the question; the rest is about something else.
_ANSWER_WORDS = 8
_LEAD_WORDS = 5


def ask(ctx: Ctx, *, held: str = "", mood: int = 0, again: bool = False, after_no: bool = False) -> None:
    """Ask the question. `held`: the message that raised it, handled as usual after a "No".
    `mood`: a check-in is under way; after a "No" it goes on from the mood it recorded.
    `again`: it was asked yesterday too, and the words say so rather than repeat themselves.
    `after_no`: they said "No" within hours, and these words read heavier than that."""
    state = ctx.state
    state.screened_on = ctx.today
    if not state.screen.startswith("safety."):
        interrupt(ctx, "safety.ask", held=held, mood=mood)
    else:
        state.data = {**state.data, "held": held, "mood": mood}
    key = "screen_question_after_no" if after_no else "screen_question_again" if again else "screen_question"
    ctx.say_key(key, ANSWERS)


# Late at night a No from hours before holds nothing back: trial 26's "whats even the point" at 00:40,
# after a party, was held by a "no omg" to a false alarm that evening, and got the FAQ's "I don't have a
# ready answer"; "i keep looking at my meds" came twenty minutes later.
NIGHT_HOLD = timedelta(hours=2)


def declined_recently(ctx: Ctx) -> bool:
    state = ctx.state
    if state.stop_asking_at is not None and ctx.now - state.stop_asking_at < STOP_ASKING_HOLDS:
        return True
    at = state.screen_declined_at
    hold = NO_AGAIN_HOLDS[min(max(state.screen_nos, 1), len(NO_AGAIN_HOLDS)) - 1]
    if ctx.at_night:
        hold = min(hold, NIGHT_HOLD)
    return at is not None and ctx.now - at < hold


# "She said yes, Klaus, I am, and please do not ask me that again": someone else's words, told (trial
# 25's was taken as his asking the bot to stop).
_REPORTED = re.compile(r"\b(?!i\b|you\b)\w+ (?:said|says|told me|wrote|texted|replied)\b")


def asks_to_stop(text: str) -> bool:
    """ "please stop asking me that every time I'm sad"."""
    said = " ".join(text.casefold().replace("’", "'").split())
    found = _STOP_ASKING.search(said)
    return found is not None and not _REPORTED.search(said[: found.start()])


def stop_asking(ctx: Ctx) -> None:
    """They asked not to be asked again: said once, and held for two weeks (see STOP_ASKING_HOLDS)."""
    ctx.state.stop_asking_at = ctx.now
    ctx.say_key("screen_stop_asking")


def record_no(ctx: Ctx) -> None:
    state = ctx.state
    before = state.screen_declined_at
    state.screen_nos = state.screen_nos + 1 if before and ctx.now - before < NOS_IN_A_ROW_WITHIN else 1
    state.screen_declined_at = ctx.now


AFTER_CRISIS_ASKS_FOR = timedelta(days=7)


def due_after_crisis(ctx: Ctx) -> bool:
    """The first check-in in the week after a crisis reply asks the question whatever the mood: a
    trial's student, the day after telling of the blade box, was asked only about her ex, and the
    urge that came back four days later was filed in her journal."""
    state = ctx.state
    told = state.crisis_told_at
    if told is None or ctx.now - told > AFTER_CRISIS_ASKS_FOR or state.crisis_active:
        return False
    # Once a week at most, and never after they answered No since, or said the reply misread them: a
    # trial's man, read wrongly night after night, was asked six days running and felt "like a patient".
    settled = [at for at in (state.screen_declined_at, state.misread_at, state.asked_after_crisis_at) if at]
    if any(at >= told for at in settled):
        return False
    asked = state.asked_after_crisis_at
    if asked is not None and ctx.now - asked < AFTER_CRISIS_ASKS_FOR:
        return False
    return state.screened_on != ctx.today


def low_mood_needs_asking(ctx: Ctx, mood: int) -> bool:
    """A mood of 1, or 2 or less three days running; at most once a day. A run of 2s does not bring
    it back within three days of a "No" ("ye asked me that already": a tester was asked three times
    in four days); the low days still get their caring line and offer, and a 1 is still asked."""
    if ctx.state.screened_on == ctx.today:
        return False
    if mood <= 1:
        return True
    declined = ctx.state.screen_declined_at
    if mood > 2 or (declined is not None and ctx.now - declined < LOW_MOOD_DECLINE_HOLDS):
        return False
    days = [(ctx.today - timedelta(days=n)).isoformat() for n in (1, 2)]
    return all(ctx.state.mood_log.get(day, 5) <= 2 for day in days)


_WHY = re.compile(r"\bwh(y|at for)\b.{0,30}\b(ask|asking|question)|\bwhy (that|this) question")


def says_no(text: str) -> bool:
    """A typed answer to the question that is a No ("what?? no god no. HE ended it")."""
    words = " ".join(text.casefold().replace("’", "'").split()).strip(" .!?")
    return not _UNSURE.search(words) and bool(_NO.search(words))


def _show(ctx: Ctx) -> None:
    ctx.say_key("screen_question", ANSWERS)


# "idk if im done with her yet fr", typed at the question while still talking about the ex, was taken
# for "Not sure" and crisis care (a trial). Unsure or yes words about the ex are asked about again.
_ABOUT_THE_EX = re.compile(r"\b(?:her|him|she|he|she'?s|he'?s|shes|hes|my ex|the ex)\b")


def _answer(ctx: Ctx) -> str:
    if ctx.event.button in {"yes", "unsure", "no"}:
        return ctx.event.button
    words = " ".join(ctx.event.text.casefold().replace("’", "'").split()).strip(" .!?")
    if len(words.split()) > _ANSWER_WORDS:
        words = " ".join(words.split()[:_LEAD_WORDS])
    for answer, pattern in (("unsure", _UNSURE), ("no", _NO), ("yes", _YES)):
        if pattern.search(words):
            about_the_ex = answer != "no" and len(words.split()) > 3 and _ABOUT_THE_EX.search(words)
            return "" if about_the_ex else answer
    return ""


def _handle(ctx: Ctx) -> None:
    answer = _answer(ctx)
    stopping = answer != "yes" and ctx.event.kind == EventKind.TEXT and asks_to_stop(ctx.event.text)
    answer = "no" if stopping else answer
    if answer in {"yes", "unsure"}:
        ctx.say_key("screen_thanks_yes" if answer == "yes" else "screen_thanks_unsure")
        crisis(ctx)
        return
    state = ctx.state
    if answer != "no":
        if _WHY.search(ctx.event.text.casefold().replace("’", "'")):
            # "why do you keep asking me that": an answer, then the question once more at most.
            state.data = {**state.data, "asked_again": True, "asked": asked_so_far(state.data, ctx)}
            ctx.say_key("screen_why", ANSWERS)
            return
        if not state.data.get("asked_again"):
            # Words that don't answer it (a question of their own, often typed before the question
            # was read): asked once more, with the promise that their words are not lost.
            state.data = {**state.data, "asked_again": True, "asked": asked_so_far(state.data, ctx)}
            ctx.say_key("screen_again", ANSWERS)
            return
        # Twice not answered, and the safety check found nothing in those words: leave the question
        # with them rather than hold everything they type hostage to it.
        state.data = {**state.data, "asked": asked_so_far(state.data, ctx)}
        ctx.say_key("screen_left")
    elif stopping:
        stop_asking(ctx)
    else:
        # In a check-in, say that only a few taps are left: the next line is its next question. A
        # check-in comes once a day, so the day picks the wording and the next day's No hears the other.
        if ctx.data_int("mood"):
            ctx.say(ctx.kit.content.text("screen_no_checkin", ctx.today.toordinal()))
        else:
            ctx.say_key("screen_no")
    record_no(ctx)
    mood = ctx.data_int("mood")
    # A check-in goes on from the mood it recorded; anything else returns where it was.
    returned = return_from(ctx, to="checkin.urge", data={"mood": mood}) if mood else return_from(ctx)
    hand_back(ctx, returned)


register("safety.ask", _show, _handle, takes_text=True)
