"""Acting on the safety check, before any screen sees the message.

The order is the policy: a crisis is answered first, whatever else the message says; an unsure
reading asks directly; danger and boundaries set the person on the moving-on track for good (and
their lines follow a crisis reply rather than replace it); a new partner is respected.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from enum import Enum

from dialogs import understanding
from dialogs.assessment import Assessment, CrisisZone
from dialogs.context import Ctx
from dialogs.model import EventKind
from dialogs.screens import SCREENS, by_user, care, draft, new_partner, protect, screening
from dialogs.screens.interrupt import said_lately
from dialogs.screens.lines import country, say_reply

__all__ = ["Outcome", "respond", "words_only"]


class Outcome(Enum):
    NOTHING = "nothing"  # carry on as usual
    SAID = "said"  # a safety reply was given; a command may still run, typed text stops here
    ANSWERED = "answered"  # the message is answered; nothing else runs


def words_only(a: Assessment) -> Assessment:
    """The findings the rules read in the words, and crisis however it was read: for text that is an
    answer to a closed question (see `Screen.answers`)."""
    if a.source == "rules":
        return a
    return replace(
        a,
        danger=a.danger and a.rule == "danger",
        danger_by_user=a.danger_by_user and a.rule == "danger",
        boundary=a.boundary and a.rule == "boundary",
        moved_on=a.moved_on and a.rule == "moved_on",
    )


def model_crisis_dropped(a: Assessment) -> Assessment:
    """The assessment without a crisis only the model read (the rules' own finding is kept)."""
    if a.source == "rules" or a.rule == "crisis":
        return a
    return replace(a, crisis=CrisisZone.NONE, attempt=False)


# After "I'm safe now", the model alone does not bring the full crisis reply back for this long: it
# asks instead. "ok im gonna try sleep" and, the next evening, "sorry about last night. im ok" each
# got the whole crisis block again in a trial. Crisis the rules read in the words still acts.
SAFE_HOLDS = timedelta(hours=24)


# After "you misread me", for longer: a trial's father got the full reply for "2am when i cant
# sleep", "scrolling old photos of us" and "ok. not sending it", and said so; five false alarms take
# the weight out of the real one. The question still comes, and crisis in the words still acts.
MISREAD_HOLDS = timedelta(days=7)

# After a "No" to the direct question, the gentle line that stands in for it is said once a day at
# most: a trial heard "If thoughts of not being here..." three times, twice in one evening.
REMINDER_REPEATS_AFTER = timedelta(hours=24)


# After a "No" to the direct question, for this long the model alone asks rather than sending the full
# reply: a trial's man, who had said No, got 024 and 112 for "what if when I write her, she says no? I
# am thinking about that every day" and for "I would not go back to living only for work".
DECLINED_HOLDS = timedelta(days=7)


def _said_safe_lately(ctx: Ctx, a: Assessment) -> bool:
    model_only = a.source == "model" and a.rule != "crisis"
    state = ctx.state
    lately = (
        said_lately(state.safe_at, ctx.now, SAFE_HOLDS)
        or _misread_lately(ctx)
        or said_lately(state.screen_declined_at, ctx.now, DECLINED_HOLDS)
    )
    return model_only and not a.attempt and lately


# Screens in crisis care where the person is writing their way through it: the safety plan asks for
# warning signs and reasons to live, and its answers read like crisis to the model ("Late at night,
# when I have been drinking"). There the model's reading alone is taken as the plan's words; crisis
# the rules read in the words ("i want to die"), or an attempt, still interrupts.
_WORKING_THROUGH = ("plan", "grounding")


def _plan_words(ctx: Ctx, a: Assessment) -> bool:
    model_only = a.source == "model" and a.rule != "crisis"
    return ctx.state.screen.startswith(_WORKING_THROUGH) and model_only and not a.attempt


def _safe_in_care(ctx: Ctx, a: Assessment, text: str) -> bool:
    """On the crisis screen, words that say they are safe ("im ok now. i called priya and she stayed
    on the phone w me. sorry for that") against the model's middle reading alone: they are taken at
    their word (a trial got "Many of those lines take texts too"). The full reply's reading, crisis
    the rules read, or an attempt still count."""
    model_only = a.source == "model" and a.rule != "crisis"
    asking = a.crisis == CrisisZone.ASK and model_only and not a.attempt
    if ctx.state.screen != "crisis":
        return False
    # "im not like suicidal bro. i meant idk if i want her BACK" repeats the words the model misread,
    # and drew the listening line again (a trial): said plainly to be a misreading, it is one.
    correcting = a.crisis == CrisisZone.ACT and model_only and not a.attempt and care.says_misread(text)
    # "i put it in the bin outside", read beside the crisis words of minutes before (trial 30's got
    # "I hear you, and I'm not going anywhere"): a step back from the means is the screen's to meet.
    stepping_back = model_only and not a.attempt and care.steps_back(text)
    return (asking and care.says_safe(text)) or correcting or stepping_back


# Words written to the ex (a draft for the coach, an unsent letter) are full of goodbyes: "I wish you
# nothing but good things. Take care" and "thanks for the note you left" drew the full crisis reply,
# and one development draft in five drew the reply or the question. There the model's reading alone
# acts only from LETTER_BAR up (13 of 400 development drafts, against 186 of 236 development crisis
# messages with the rules); under it, the draft is handled after one gentle line, once a day at most,
# that names where help is.
# Crisis the rules read in the words, or an attempt, is answered as anywhere.
_TO_THE_EX = frozenset({"draft", "urge.unsent"})
LETTER_BAR = 0.65


def _asks_about_the_lines(ctx: Ctx) -> bool:
    """A question about what a crisis line does ("will they call the police"), as the model reads it."""
    return care.lines_question(ctx) is not None


def _goodbye_to_the_ex(ctx: Ctx, a: Assessment) -> bool:
    model_only = a.source == "model" and a.rule != "crisis" and not a.attempt
    score = dict(a.scores).get("crisis")
    under = score is not None and score < LETTER_BAR
    return ctx.state.screen in _TO_THE_EX and model_only and a.crisis != CrisisZone.NONE and under


# For this long after a crisis reply that they did not call a misreading, a message the model leans
# towards crisis on, under the question's bar, is asked about: a trial's father answered "Not sure"
# to the question, tapped "I'm safe now", and two hours later wrote "whats the point of any of it if
# she takes the little one to cork"; it got "I don't have a good answer for that one".
LEAN_ASKED_WITHIN = timedelta(hours=24)


def _lean_asked(ctx: Ctx, a: Assessment, text: str) -> bool:
    told, misread = ctx.state.crisis_told_at, ctx.state.misread_at
    recent = told is not None and ctx.now - told < LEAN_ASKED_WITHIN and (misread is None or misread < told)
    # ... and in the small hours: trial 26's "whats even the point" at 00:40, after a party, got "I
    # don't have a ready answer"; "i dont wanna be here" came a minute later.
    lean = a.crisis == CrisisZone.NONE and a.crisis_lean and (recent or ctx.at_night)
    # A goodnight is not a lean: "ok. im going to try and sleep. night", five minutes after "im not
    # going to do anything i just needed to say it", was asked the question again (a trial).
    return lean and not care.in_care(ctx) and not screening.declined_recently(ctx) and not care.sleep_only(text)


_LAUGHING = re.compile(r"\b(?:lol+|lmf?ao+|haha+|hehe+|jk|rofl)\b|😂|🤣|💀|/j\b")


def _joking(text: str) -> bool:
    return bool(_LAUGHING.search(text.casefold()))


def _misread_lately(ctx: Ctx) -> bool:
    return said_lately(ctx.state.misread_at, ctx.now, MISREAD_HOLDS)


# Which way harm goes is always the model's reading: the rules find danger ("restraining order"),
# not who does it. For someone who told of harm done to them, only a sure reading with danger in the
# words says it is theirs ("should i get a restraining order?" read 0.38 and was taken as theirs).
THEIR_OWN_BAR = 0.7


def _their_own_threat(a: Assessment) -> bool:
    by_user = dict(a.scores).get("by_user")
    return a.rule == "danger" and by_user is not None and by_user >= THEIR_OWN_BAR


# Answers about keeping safe from the ex: close to them, a worry said without a question mark ("idk
# if he put something on my phone") is asked all the same.
_PROTECTIVE = frozenset({"tech_safety", "protection_orders", "getting_things_back", "turn_up_in_person"})


def _known_harm_asked(ctx: Ctx, a: Assessment, text: str) -> bool:
    if not (ctx.state.harmed_by_ex and a.danger and not a.danger_by_user and a.crisis == CrisisZone.NONE):
        return False
    if ctx.event.kind != EventKind.TEXT:
        return False
    meaning = understanding.read(text, ctx.event.understanding, ctx.kit.content, answer_screen=False)
    if meaning.faq is None:
        return False
    return understanding.looks_like_question(text) or meaning.faq.id in _PROTECTIVE


def respond(ctx: Ctx, a: Assessment, text: str) -> Outcome:
    # A reading strong enough for the full reply is asked about at least, whatever holds it back: a
    # trial's father, after three false alarms he had corrected and a "No", wrote "wouldn't be the
    # worst thing if I didn't wake up" late at night and got his check-in's next question.
    strong = a.crisis == CrisisZone.ACT and not (ctx.state.screen in _TO_THE_EX and _misread_lately(ctx))
    if ctx.state.screen in _TO_THE_EX and _misread_lately(ctx) and a.source == "model" and a.rule != "crisis":
        # They told us lately that a crisis reply misread them; a draft pasted again is that draft
        # (the same father's house-sale message drew the question three minutes after his "what??
        # I'm not suicidal"). Crisis in the words, or an attempt, still acts below.
        a = replace(a, crisis=CrisisZone.NONE if not a.attempt else a.crisis)
    if ctx.state.screen in _TO_THE_EX and a.boundary and draft.tells_them_to_stop(text):
        # A draft asking the ex to stop contacting them is their own boundary, not the ex's: trial
        # 23's "darren please stop texting me... dont come to my work again" was told "It sounds like
        # they've asked for no contact", and her export said so.
        a = replace(a, boundary=False)
    if ctx.state.crisis_active and a.danger_by_user and (
        (a.source == "model" and a.rule != "danger") or _asks_about_the_lines(ctx)
    ):
        # In crisis care, the hunch that they threaten their ex is no reading at all, nor are the words
        # of a question about the crisis line: trial 26's "if i text 988 do they call the cops or my
        # parents" got the line for people who harm a partner.
        a = replace(a, danger=False, danger_by_user=False)
    if ctx.state.crisis_active and ctx.event.kind == EventKind.TEXT and care.names_means(text):
        care.ask_for_distance(ctx)
    if _goodbye_to_the_ex(ctx, a):
        reminded = ctx.state.reminded_at
        # A practical draft from someone who shares a home or children with the ex is no goodbye:
        # trial 25's email about the house sale, the car and "4,700 euros by the end of the month"
        # drew "If any part of you is thinking about not being here".
        practical = ctx.state.screen == "draft" and ctx.state.profile.shares_life
        if not practical and (reminded is None or ctx.now - reminded >= REMINDER_REPEATS_AFTER):
            ctx.state.reminded_at = ctx.now
            ctx.say_key("letter_lean")
        a = replace(a, crisis=CrisisZone.NONE)
    if _lean_asked(ctx, a, text):
        a = replace(a, crisis=CrisisZone.ASK)
    if a.crisis == CrisisZone.ACT and not a.attempt and _joking(text):
        # "party at jakes tonight and maya is 100% gonna be there lmao kms" got 988 and 911 at once.
        # Laughed off, it may be a joke or a mask: asked directly, never passed over.
        a = replace(a, crisis=CrisisZone.ASK)
    if a.crisis == CrisisZone.ACT and not care.in_care(ctx) and _said_safe_lately(ctx, a):
        a = replace(a, crisis=CrisisZone.ASK)
    if _plan_words(ctx, a) or _safe_in_care(ctx, a, text):
        a = replace(a, crisis=CrisisZone.NONE)
    if ctx.state.screen.startswith("safety.") and a.danger_by_user and a.source == "model" and a.rule != "danger":
        # Typed while a safety question waits, the model's hunch alone that they threaten their ex
        # is not acted on: a trial's father asking about the new partner at the school gate got the
        # perpetrator line at "are you having thoughts of ending your life?", and a student's "like
        # a week ago", sent under "are you worried you might frighten or hurt your ex?", got it
        # before he had answered. The question waits for its answer.
        a = replace(a, danger=False, danger_by_user=False)
    if ctx.state.harmed_by_ex and a.danger_by_user and a.source == "model" and not _their_own_threat(a):
        # Someone who told of harm done to them, describing it again ("when he texts from a new
        # number it feels like hes still in the room"), is the likeliest to be misread as doing it:
        # the model's reading alone is dropped, not asked about. Asked, a woman being stalked heard
        # "are you worried you might frighten, follow or hurt your ex?" (a trial); read beside a
        # boundary, another was told "what you describe could frighten or hurt them" for "HE is the
        # one who keeps showing up" and "should i get a restraining order?", and the label stayed.
        # Threats the rules read in the words still count.
        a = replace(a, danger=False, danger_by_user=False)
    if ctx.state.harmed_by_ex and a.danger_by_user and a.source == "model" and a.crisis == CrisisZone.NONE:
        # Even words the rules read, with a sure reading that it is theirs, are asked about first for
        # someone the ex has harmed: trial 31's handover text to her stalker ("handover Saturday at 11
        # at the Garda station car park") read 0.88, and she was told she might frighten him, lost her
        # abuse lines in /sos, and had it in her export, with no way back.
        if not by_user.declined_recently(ctx):
            by_user.ask(ctx)
            return Outcome.ANSWERED
        a = replace(a, danger=False, danger_by_user=False)
    if a.crisis == CrisisZone.ASK and a.danger_by_user and a.source == "model" and a.rule != "danger":
        # Beside an unsure crisis reading, the model's hunch that they threaten their ex is set aside
        # for the question about their own life: "shes literally in my bio lab... where am i supposed
        # to go lol" got the perpetrator line, a domestic-violence line and the question at once, and
        # the label stayed on the person's export.
        a = replace(a, danger=False, danger_by_user=False)
    if by_user.unsure(ctx, a):
        if not by_user.declined_recently(ctx):
            by_user.ask(ctx)
            return Outcome.ANSWERED
        a = replace(a, danger=False, danger_by_user=False)  # they said no to this reading lately
    if _known_harm_asked(ctx, a, text):
        # Someone who told of harm done to them, asking about it ("could he be tracking my phone",
        # "what is a peace bond"): the danger lines again, a sixth time in a trial's week and each
        # saying "I won't help with reaching out", answered nothing. One line on what to do if in
        # danger now, then the question's answer.
        ctx.say_key("danger_known_question", emergency=ctx.kit.resources.emergency(country(ctx)).how)
        a = replace(a, danger=False, danger_by_user=False, boundary=False)
    owed = protect.record(ctx, a) if (a.danger or a.boundary) else []
    if a.rule != "crisis" and care.attempt_denied(ctx, text):
        for kind in owed:
            say_reply(ctx, kind)
        care.attempt_misread(ctx)
        return Outcome.ANSWERED
    unsure_again = a.crisis == CrisisZone.ASK and ctx.state.screen == "safety.ask"
    if a.crisis == CrisisZone.ACT or unsure_again:
        typed = ctx.event.kind == EventKind.TEXT and a.source == "model" and a.rule != "crisis"
        care.crisis(ctx, attempt=a.attempt, danger=protect.danger_reply(a), misreadable=typed and not unsure_again)
        return Outcome.ANSWERED
    if care.in_care(ctx) and (owed or a.crisis == CrisisZone.ASK):
        # Already in crisis care: give any new lines and keep the crisis follow-up.
        for kind in owed:
            say_reply(ctx, kind)
        if a.crisis == CrisisZone.NONE and ctx.state.screen.startswith("safety."):
            SCREENS[ctx.state.screen].show(ctx)  # a question about their safety still waits: not crisis care
        else:
            care.still_here(ctx)
        return Outcome.ANSWERED
    if a.crisis == CrisisZone.ASK:
        if strong and screening.declined_recently(ctx):
            held = text if ctx.event.kind == EventKind.TEXT else ""
            screening.ask(ctx, held=held, after_no=True)
            return Outcome.ANSWERED
        if not screening.declined_recently(ctx):
            for kind in owed:
                say_reply(ctx, kind)
            held = text if ctx.event.kind == EventKind.TEXT else ""
            screening.ask(ctx, held=held)
            return Outcome.ANSWERED
        reminded = ctx.state.reminded_at
        if reminded is None or ctx.now - reminded >= REMINDER_REPEATS_AFTER:
            ctx.state.reminded_at = ctx.now
            ctx.say_key("screen_reminder")
    if a.danger or a.boundary:
        if protect.repeat_line(ctx, a, owed) and not owed:
            return Outcome.ANSWERED
        return Outcome.SAID if protect.settle(ctx, owed) else Outcome.NOTHING
    if new_partner.unsure(ctx, a):
        if not new_partner.denied_lately(ctx):
            new_partner.ask(ctx)
            return Outcome.ANSWERED
        a = replace(a, moved_on=False)  # they said no to this reading lately
    if a.moved_on and protect.moved_on(ctx):
        return Outcome.ANSWERED
    return Outcome.NOTHING
