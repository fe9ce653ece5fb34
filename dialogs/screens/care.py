"""Crisis care: the crisis reply, grounding, the personal safety plan and /sos.

Everything here runs before any lesson logic. Crisis resources and wording come from content/safety.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import timedelta

from dialogs import understanding
from dialogs.content import FaqEntry
from dialogs.context import Ctx, Keyboard, row
from dialogs.model import Button, EventKind
from dialogs.resources import ReplyKind, SafetyPlanStep
from dialogs.screens.country import ask_country, set_country
from dialogs.screens.lines import country, lines_text, say_reply
from dialogs.screens.registry import SCREENS, is_main, register, show

__all__ = [
    "CARE_SCREENS", "attempt_denied", "attempt_misread", "calm", "contact_later", "crisis", "crisis_tonight",
    "follow_up",
    "grounding_next", "grounding_step", "in_care", "own_misread", "says_misread", "says_safe",
    "sleep_only", "sos", "still_here", "welcome_back",
]  # fmt: skip

# In crisis care, the full crisis reply is not given again within this time (see `crisis`).
REPLY_REPEATS_AFTER = timedelta(hours=1)

# Screens that are crisis care; a crisis here does not move "where to come back to".
CARE_SCREENS = ("crisis", "grounding", "plan", "safety.")


def in_care(ctx: Ctx) -> bool:
    return ctx.state.screen.startswith(CARE_SCREENS)


MISREAD_BUTTON = "misread"


def _crisis_buttons(ctx: Ctx) -> list[tuple[Button, ...]]:
    misread = [("You misread me", MISREAD_BUTTON)] if ctx.state.crisis_misreadable else []
    rows = [
        row(("A grounding exercise", "ground"), ("My safety plan", "plan")),
        row(("I'm safe now, go on", "goon"), *misread),
    ]
    if not ctx.state.profile.country:
        rows.insert(1, row(("Numbers for my country", "country")))
    return rows


# Side screens whose words are kept, to be handled there if the person says the crisis reply misread
# them: the unsent letter /urge promises to keep (a trial's was lost).
_HELD_ON_SIDE = frozenset({"urge.unsent", "checkin.note"})  # a check-in's note too (a trial's was lost)


def crisis(
    ctx: Ctx, *, attempt: bool = False, danger: ReplyKind | None = None, misreadable: bool = False
) -> None:
    """Answer at once, pause the guide and the cheerful reminders, and offer what people actually use.

    `attempt`: something is already taken or done, so the emergency number comes first.
    `danger`: the same message also reported harm; its lines follow the crisis lines.
    `misreadable`: only the model read it in their words, so a button says it misread them, as the
    boundary and danger notices have theirs (trial 21 had to find the words for it).
    """
    state = ctx.state
    told = state.crisis_told_at
    if (
        in_care(ctx)
        and state.crisis_active  # taken back as a misreading, the lines must come again with a new crisis
        and told is not None
        and ctx.now - told < REPLY_REPEATS_AFTER
        and (state.crisis_told_attempt or not attempt)
    ):
        # The lines are on screen from minutes ago: the same block again, to "what? I didn't take
        # anything", reads as not being heard. Staying with them does more; an attempt newly
        # reported still gets its emergency reply.
        still_here(ctx)
        return
    if not in_care(ctx):
        state.resume_screen = state.screen
        typed = ctx.event.kind == EventKind.TEXT and (is_main(state.screen) or state.screen in _HELD_ON_SIDE)
        state.crisis_held = ctx.event.text if typed else ""
        state.crisis_held_data = json.dumps(state.data) if typed else ""
        state.crisis_held_at = ctx.now if typed else None
    state.crisis_active = True
    state.crisis_told_at, state.crisis_told_attempt = ctx.now, attempt
    state.crisis_misreadable = misreadable and not attempt
    say_reply(ctx, "attempt" if attempt else "crisis")
    if danger is not None:
        say_reply(ctx, danger)
    ctx.goto("crisis")
    ctx.say_key("crisis_offer", _crisis_buttons(ctx))


# "i didnt take anything", "it was just water", "why r u telling me to call 112": nothing was taken.
_NOTHING_TAKEN = re.compile(
    r"\b(?:did ?n'?t|have ?n'?t|has ?n'?t|never|not) (?:even )?(?:take|taken|took|swallow(?:ed)?|drink|drank|drunk"
    r"|do|done|did)(?: anything| nothing| any| them| it| a thing)\b"
    r"|\b(?:it was|its|it's|i (?:just |only )?(?:drank|had|meant))(?: just| only)?"
    r" (?:some |a (?:sip|glass) of )?water\b"
    r"|\b(?:just|only) (?:drank|had|sipped) (?:some |a (?:sip|glass) of )?water\b"
    r"|\bwhy (?:are|r) (?:you|u) (?:telling|asking) me to (?:call|ring|phone)\b"
)


def attempt_denied(ctx: Ctx, text: str) -> bool:
    """Just told to call for help over something taken, they say nothing was: a trial's student had
    drunk the water the grounding step asked for, and her "why r u telling me to call 112, now im
    more scared" got "I'm still here, and I'm listening"; a man who had written "sería mejor no
    despertar" after a bottle of wine said he took nothing but the wine, and the whole reply was taken
    back as a misreading. Only the attempt was misread: unless other words say the rest was too ("i
    meant the pause thing", "not suicidal"), care goes on."""
    state = ctx.state
    told = state.crisis_told_at
    if not (in_care(ctx) and state.crisis_told_attempt and told is not None):
        return False
    if ctx.now - told >= REPLY_REPEATS_AFTER or ctx.event.kind != EventKind.TEXT:
        return False
    said = " ".join(text.casefold().replace("’", "'").split())
    if not _NOTHING_TAKEN.search(said):
        return False
    return not _misread(_NOTHING_TAKEN.sub(" ~ ", said))


def attempt_misread(ctx: Ctx) -> None:
    """Sorry for the alarm, and crisis care goes on: the feelings that brought them here were real."""
    ctx.state.crisis_told_attempt = False
    if not ctx.state.screen.startswith("crisis"):
        ctx.goto("crisis")
    ctx.state.crisis_active = True
    # What they thought of taking is still there: trial 26 heard "nobody needs to come" with his
    # Adderall within reach, and was never asked to put it away.
    if names_means(ctx.event.text) or names_means(ctx.state.crisis_held):
        ctx.say_key("crisis_attempt_misread")
        ask_for_distance(ctx, force=True, buttons=_crisis_buttons(ctx))
    else:
        ctx.say_key("crisis_attempt_misread", _crisis_buttons(ctx))


# Pills, a rope, a bridge: the means, named during crisis care ("i keep looking at my meds", trial 26,
# was saved as a line of his safety plan with no word about it).
_NAMED_MEANS = re.compile(
    r"\b(?:pills?|meds|medication|medicine|tablets?|adderall|paracetamol|tylenol|ibuprofen|xanax|oxy\w*"
    r"|insulin|rope|belt|knife|knives|blades?|razors?|gun|firearm|bridge|ledge|roof|train tracks|bleach)\b"
)
MEANS_AGAIN_AFTER = timedelta(hours=6)


_REACHED_A_LINE = re.compile(
    r"\b(?:i )?(?:texted|called|rang|phoned|messaged|reached|contacted|(?:am |im |i'?m )?(?:talking|speaking) to"
    r"|spoke to|got through to) (?:988|116 ?123|them|the (?:line|lifeline|helpline|hotline|crisis line)|samaritans"
    r"|lifeline|someone there|a counsel?lor|\d{3,})\b"
    r"|\bsomeone(?: is|'s)? (?:answering|answered|replied|replying|texting me back|picked up)\b"
)
LINES_QUESTION = "crisis_line_privacy"


def lines_question(ctx: Ctx) -> FaqEntry | None:
    """The answer on what a crisis line does, when that is what the words ask, as the model reads them."""
    u = ctx.event.understanding
    if u is None or not u.faq or u.faq[0][0] != LINES_QUESTION or u.faq[0][1] < u.faq_bar:
        return None
    return next((e for e in ctx.kit.content.faq if e.id == LINES_QUESTION), None)


def names_means(text: str) -> bool:
    """Means named, and not as put out of reach ("the blade box is up in the loft now")."""
    said = " ".join(text.casefold().replace("’", "'").split())
    return bool(_NAMED_MEANS.search(said)) and not _SAFER.search(said)


def ask_for_distance(ctx: Ctx, *, force: bool = False, buttons: Keyboard = ()) -> None:
    """Ask them to put the means out of reach tonight, once in a few hours."""
    last = ctx.state.means_said_at
    if force or last is None or ctx.now - last >= MEANS_AGAIN_AFTER:
        ctx.state.means_said_at = ctx.now
        ctx.say_key("means_distance", buttons)


def contact_later(ctx: Ctx) -> None:
    """A question about contacting the ex, asked in crisis care: kept for later, with the ways on."""
    if not ctx.state.screen.startswith("crisis"):
        ctx.goto("crisis")
    ctx.say_key("crisis_contact_later", _crisis_buttons(ctx))


def still_here(ctx: Ctx) -> None:
    """In crisis care already: stay with them, with the same ways forward."""
    if not ctx.state.screen.startswith("crisis"):
        ctx.goto("crisis")
    ctx.state.crisis_active = True
    ctx.say_key("crisis_listening", _crisis_buttons(ctx))


# The first words someone writes some hours after a crisis reply ("Good morning. About last night. I
# am fine, honestly... I am rather embarrassed") are met before anything else: in a trial they got
# the lesson screen's stock line about filing.
WELCOME_AFTER = timedelta(hours=4)
WELCOME_WITHIN = timedelta(hours=48)
WELCOME_AGAIN_AFTER = timedelta(days=7)
WELCOME_AFTER_QUIET = timedelta(hours=1)  # their first words after this long are a return


def welcome_back(ctx: Ctx) -> None:
    state = ctx.state
    told = state.crisis_told_at
    if told is None or state.crisis_active or in_care(ctx):
        return
    if not WELCOME_AFTER <= ctx.now - told <= WELCOME_WITHIN:
        return
    if ctx.quiet_for is not None and ctx.quiet_for < WELCOME_AFTER_QUIET:
        # Mid-conversation, replying to the check-in that had just opened, is no return: a trial's
        # student heard "It's good to hear from you again" between two of its questions.
        return
    welcomed = state.crisis_welcomed_at
    # Once a week at most: a trial's father heard it three times in a week, after three misreadings,
    # the last in the middle of a check-in.
    if welcomed is not None and (welcomed >= told or ctx.now - welcomed < WELCOME_AGAIN_AFTER):
        return
    if _corrects(ctx.event.text):
        return  # "that's not what i meant": sorry is owed, not "nothing needs an apology"
    if state.screen.startswith("checkin.") and not _SORRY.search(ctx.event.text.casefold()):
        # An answer to a check-in's question ("yes", to "have you been in touch?"): a trial's got
        # "Nothing you told me... needs an apology" in place of anything about the contact. An apology
        # is met there too: trial 26's "sorry abt last night" / "thats so embarrassing omg" got "pick
        # the number from 1 to 5".
        return
    state.crisis_welcomed_at = ctx.now
    ctx.say_key("after_crisis_welcome")


_SORRY = re.compile(r"\b(?:sorry|embarrass\w*|ashamed|cringe|apolog\w*|so awkward)\b")


def follow_up(ctx: Ctx) -> None:
    """The day's check-in while a crisis is still open: how they are, and the same ways forward."""
    if not in_care(ctx):
        ctx.state.resume_screen = ctx.state.screen
    ctx.goto("crisis")
    ctx.say_key("crisis_follow_up", _crisis_buttons(ctx))


def _heard_from(ctx: Ctx) -> None:
    """Any word on a crisis screen answers the day's follow-up: the back-off starts again."""
    prefs = ctx.state.checkins
    prefs.unanswered = 0
    prefs.last_answered_on = max(ctx.today, prefs.last_answered_on or ctx.today)


def _crisis_show(ctx: Ctx) -> None:
    ctx.say_key("crisis_offer", _crisis_buttons(ctx))


_SAFE_NOW = (
    "i'm safe",
    "im safe",
    "i am safe",
    "safe now",
    "go on",
    "i'm ok",
    "im ok",
    "i'm okay",
    "im okay",
    "i'm fine",
    "im fine",
    "i am fine",
    "i'm alright",
    "im alright",
    "not suicidal",
    "not like suicidal",
    "not even suicidal",
    "not actually suicidal",
    # A trial, after her first crisis reply: "I am not going to do anything yaar dont worry. just very
    # tired and its 1 am and I cant sleep" got "Many of those lines take texts too".
    "not going to do anything",
    "not gonna do anything",
    "won't do anything",
    "wont do anything",
    "will not do anything",
    "i'm grand",
    "im grand",
    "i am grand",
    # "thoda better now. box is up there. ill try to sleep" got the listening line again (a trial), and
    # "ok that was lowkey better ngl" another.
    "lowkey better",
    "kinda better",
    "that was better",
    "that helped",
    "better now",
    "bit better",
    "little better",
    "calmer now",
)
# Words that say the crisis reply was a misreading ("what?? i didnt take anything, i meant the pause
# thing"). They reach this screen only when the safety check found no crisis in them.
_MISREAD = (
    "misread",
    "misunderstood",
    "not in danger",
    "didn't take",
    "didnt take",
    "did not take",
    "haven't taken",
    "havent taken",
    "didn't do anything",
    "didnt do anything",
    "not what i meant",
    "not what i said",
    "i meant",
    "got it wrong",
    "got me wrong",
    "read that wrong",
    "wrong idea",
    "wrong end of the stick",
    # A trial: "no no that was the letter to her. im grand", after an unsent letter read as a crisis,
    # and "sorry pressed the wrong button there... i was answering who i can lean on".
    "that was the letter",
    "it was the letter",
    "that was my letter",
    "that was to her",
    "that was to him",
    "that was to them",
    "that was for her",
    "that was for him",
    "that was for them",
    "i was answering",
    "that was my answer",
    "wrong button",
    # Trial 30, after "it helped a bit tho" was taken for a Yes: "no i'm not having thoughts of ending
    # my life" and "no sorry that was a mistap" got the listening line.
    "mistap",
    "mis-tap",
    "misclick",
    "meant no",
    "meant to say no",
    "meant to press no",
    "not having thoughts",
    "not having any thoughts",
    # A trial's 19-year-old: "bro its a joke 😭 i dont actually mean it" got "Thank you for staying
    # with me", after "lmao kms" got the crisis reply.
    "a joke",
    "was joking",
    "just joking",
    "only joking",
    "don't actually mean",
    "dont actually mean",
    "didn't mean it",
    "didnt mean it",
    "not having thoughts like that",
    "not having those thoughts",
    "not having any thoughts like that",
)


# Said on any screen in the days after a crisis reply, these put it right: "that's not what i
# meant btw, i meant insomnia. i'm not going to hurt myself, stop sending me hotlines" got "I'm not
# sure what to do with that here" in a trial. Milder words ("i meant", "im ok") count only on the
# crisis screen itself, where nothing else is being asked.
_CORRECTION = re.compile(
    r"\b(?:misread|misunderstood|not what i (?:meant|said)|(?:got|read) (?:it|that|this|me) wrong|wrong idea"
    r"|wrong end of the stick|not (?:like |even |actually |really )?suicidal"
    r"|(?:not|never) (?:going|gonna) (?:to )?(?:hurt|kill|harm) myself"
    r"|stop (?:sending|giving|showing) (?:me )?(?:the |these |those |all (?:the|these|those) )?"
    r"(?:hotlines?|helplines?|crisis|numbers))"
)
CORRECTION_WINDOW = timedelta(days=3)


def _says(text: str, phrases: tuple[str, ...]) -> bool:
    said = text.casefold().replace("’", "'")
    return any(p in said for p in phrases)


def corrects_crisis_reply(ctx: Ctx, text: str) -> bool:
    """Words, on a screen outside crisis care, that say a crisis reply of the last few days misread them;
    within a day of one not yet called a misreading, the crisis screen's own words for it too: "why do
    you keep sending me the Samaritans number? it was HER hoodie. I'm sad, not in danger", just after
    "I'm safe now" (a trial's went to the FAQ)."""
    told, misread = ctx.state.crisis_told_at, ctx.state.misread_at
    if in_care(ctx) or told is None or ctx.now - told > CORRECTION_WINDOW:
        return False
    today = ctx.now - told < TONIGHT * 2 and (misread is None or misread < told)
    return _corrects(text) or (today and _misread(text))


def _corrects(text: str) -> bool:
    return bool(_CORRECTION.search(" ".join(text.casefold().replace("’", "'").split())))


def _file_held(ctx: Ctx) -> None:
    """Their words that raised the reply, typed where an answer was asked, are kept, dated when they
    were typed: a trial's 480-character answer was lost, and the lesson asked the same question twice
    more."""
    state = ctx.state
    if state.crisis_held:
        ctx.written_at = state.crisis_held_at
        kind = {"urge.unsent": "unsent", "checkin.note": "checkin"}.get(state.resume_screen, "note")
        ctx.journal(kind, state.crisis_held)
        ctx.written_at = None
    state.crisis_held = state.crisis_held_data = ""
    state.crisis_held_at = None


def own_misread(ctx: Ctx) -> None:
    """Sorry, once, and the screen they are on again; the misread words, still held, are kept."""
    _file_held(ctx)
    ctx.state.misread_at = ctx.state.crisis_welcomed_at = ctx.now
    ctx.say_key("crisis_misread")
    if ctx.state.screen in SCREENS:
        SCREENS[ctx.state.screen].show(ctx)


_SELF_HARM = re.compile(
    r"\bself[- ]?harm\w*|\b(?:cut|cutting|burn|burning|hurt|hurting|harm|harming|scratch|scratching)"
    r" (?:my ?self|my (?:arms?|legs?|wrists?|skin))\b|\bthe cutting\b|\bcutting one\b|\bblades?\b|\brazors?\b"
    r"|\b(?:old|the) (?:habit|urge) (?:to|of) (?:cut|hurt)\w*"
)
_NOT_SUICIDE = re.compile(
    r"\bnot (?:like |even |actually )?suicidal\b|\bnot (?:about )?(?:dying|ending it|killing myself)\b"
    r"|\b(?:don'?t|do not) want to die\b"
)
# "i didnt do it. i put it in the bin outside" (trial 30, after a self-harm urge): not acting on it.
_RESISTED = re.compile(
    r"\bi (?:didn'?t|did not|haven'?t|have not) (?:do it|cut|hurt myself|act on it|use it|go through with it)\b"
    r"|\b(?:resisted|rode it out|the urge (?:has )?passed)\b"
)


def self_harm_not_suicide(ctx: Ctx, said: str) -> bool:
    """Words saying it isn't suicide, in a crisis about self-harm: named now or in the words that
    raised the crisis reply, or a blade or razor asked to be put away within the hour."""
    if not _NOT_SUICIDE.search(said):
        return False
    means = ctx.state.means_said_at is not None and ctx.now - ctx.state.means_said_at < timedelta(hours=1)
    return bool(_SELF_HARM.search(f"{said} {ctx.state.crisis_held.casefold()}")) or means


def steps_back(text: str) -> bool:
    """Words that tell of putting the means away or not acting on the urge."""
    said = " ".join(text.casefold().replace("’", "'").split())
    return bool(_SAFER.search(said) or _RESISTED.search(said))


def says_misread(text: str) -> bool:
    """Words that say the crisis reply misread them ("im not like suicidal", "it was a joke")."""
    return _misread(text)


def says_safe(text: str) -> bool:
    """Words on the crisis screen that say they are safe now, or that the reply misread them."""
    return _says(text, _SAFE_NOW) or _misread(text)


# "wtf no im literally just going to sleep lol", after "forget it. im going to bed" got the crisis
# reply (a trial): plain bedtime, said against the reading. Never with words of not waking.
_BEDTIME = re.compile(
    r"\b(?:just|literally|only|simply)\s+(?:going|gonna|off|heading|went)\s+(?:to\s+)?(?:sleep|bed)\b"
    r"|\bi meant (?:going to |gonna )?(?:sleep|bed)\b|\b(?:just|only) (?:tired|sleepy|knackered|exhausted)\b(?! of)"
)
_GOING_TO_SLEEP = re.compile(
    r"\b(?:try|trying|going|gonna|off|heading|head|go) (?:to )?(?:get some )?(?:sleep|bed)\b"
    r"|\bgood ?night\b|\bnight night\b"
)
_NOT_WAKING = re.compile(r"\b(?:forever|never|not wake|don'?t wake|wake up|for good|again|permanent|pills?|tablets?)")


SLEEP_ONLY_WORDS = 8
TONIGHT = timedelta(hours=12)


def crisis_tonight(ctx: Ctx) -> bool:
    """A crisis reply came in the last twelve hours and was not called a misreading."""
    told, misread = ctx.state.crisis_told_at, ctx.state.misread_at
    return told is not None and ctx.now - told < TONIGHT and (misread is None or misread < told)


def sleep_only(text: str) -> bool:
    """A few words of stopping for the night ("ok. im going to try and sleep. night"), none of not
    waking."""
    said = " ".join(text.casefold().replace("’", "'").split())
    short = len(said.split()) <= SLEEP_ONLY_WORDS
    return short and understanding.resting(said) and not _NOT_WAKING.search(said)


def _misread(text: str) -> bool:
    said = " ".join(text.casefold().replace("’", "'").split())
    bedtime = bool(_BEDTIME.search(said)) and not _NOT_WAKING.search(said)
    return _says(text, _MISREAD) or _corrects(text) or bedtime


def answered_on_crisis_screen(text: str) -> bool:
    """Typed on the crisis screen, words its own buttons stand for: safe now, misread, grounding, the
    plan. They come before any question the words seem to ask ("why do you keep doing this. im not
    suicidal" got an answer about not messaging the ex in a trial)."""
    said = " ".join(text.casefold().split())
    return says_safe(text) or "grounding" in said or "safety plan" in said


def _crisis_handle(ctx: Ctx) -> None:
    _heard_from(ctx)
    button = ctx.event.button
    text = ctx.event.text.strip()
    said = " ".join(text.casefold().split())
    if button == "ground" or (not button and "grounding" in said):
        ctx.goto("grounding", step=0)
        _grounding_show(ctx)
    elif button == "plan" or (not button and "safety plan" in said):
        _start_plan(ctx)
    elif button == "country":
        ask_country(ctx, then="crisis")
    elif text and attempt_denied(ctx, text):
        attempt_misread(ctx)
    elif text and self_harm_not_suicide(ctx, said):
        # "i'm not suicidal. it's not that", after "the old urge... like the cutting one" and "i have
        # a blade in my drawer still": trial 30's crisis was closed as a misreading. Self-harm is its
        # own harm, met as such; the crisis stays open.
        ctx.state.crisis_misreadable = False
        ctx.say_key("crisis_self_harm", _crisis_buttons(ctx))
    elif text and _RESISTED.search(said):
        ctx.say_key("crisis_resisted", _crisis_buttons(ctx))
    elif button == MISREAD_BUTTON or (text and _misread(text)):
        if not _handle_held(ctx):
            calm(ctx, misread=True)
    elif button == "goon" or (text and _says(text, _SAFE_NOW)):
        calm(ctx, no_call=bool(text) and bool(_NO_CALL.search(said)), heavy=bool(text) and bool(_HEAVY.search(said)))
    elif text and ctx.kit.resources.country_for_text(text):
        set_country(ctx, ctx.kit.resources.country_for_text(text))
        say_reply(ctx, "crisis")
        _crisis_show(ctx)
    elif text and _SAFER.search(said):
        ctx.say_key("crisis_safer", _crisis_buttons(ctx))
    elif text and (lines := lines_question(ctx)) is not None:
        # "if i text 988 do they call the cops or my parents" (trial 26): answered here, in care.
        *first, last = lines.answer
        for part in first:
            ctx.say(part)
        ctx.say(last, _crisis_buttons(ctx))
    elif text and _REACHED_A_LINE.search(said):
        # "i texted 988", "someone is answering me" (trial 26) got "Please reach one of those people".
        again = bool(ctx.state.data.get("reached"))
        ctx.state.data["reached"] = True
        ctx.say_key("crisis_reached_again" if again else "crisis_reached", _crisis_buttons(ctx))
    elif text and _GOING_TO_SLEEP.search(said) and not _NOT_WAKING.search(said):
        # "im gonna try to sleep" got "one of those people can be there with you right now" (a trial):
        # rest is met as rest, and the crisis stays open, so tomorrow's word still comes.
        ctx.say_key("crisis_goodnight", _crisis_buttons(ctx))
    else:
        ctx.say_key("crisis_listening", _crisis_buttons(ctx))


# A step that put means out of reach ("I have put the box back in the cabinet"), said on the crisis
# screen: named and thanked, where a trial got only "I'm still here... tap a button".
_MEANS = (
    r"(?:pills|tablets|meds|medication|medicine|box|packets?|blades?|razors?|knife|knives|rope|belt|gun"
    r"|(?:car )?keys|bottle|vodka|them|it)"
)
_SAFER = re.compile(
    r"\b(?:put|putting|moved|took|given|gave|handed|locked|flushed|threw|thrown|binned|got rid of)\b"
    rf".{{0,20}}\b{_MEANS}\b.{{0,30}}\b(?:back|away|out of reach|to (?:my|her|his|a|the) \w+"
    r"|in the (?:bin|cabinet|car|shed)|downstairs)\b"
    rf"|\b(?:asked|got) (?:my )?\w+ to (?:keep|take|hold|mind|look after) (?:the )?{_MEANS}\b"
    # "box is up there" (back in the loft, a trial): named things only, since "it's back" is an urge.
    r"|\b(?:pills|tablets|meds|box|blades?|razors?|knife|knives|rope|keys|bottle)\s+(?:is|are)\s+"
    r"(?:back |now |safely )?(?:up there|up in the \w+|back in the \w+|away|out of reach|locked away|in the bin|gone)\b"
)


register("crisis", _crisis_show, _crisis_handle, takes_text=True)


def _handle_held(ctx: Ctx) -> bool:
    """After "you misread me": back where the misread words were typed, and the words handled there
    as usual. In a trial a practice answer read as a crisis was lost, and the lesson's own question,
    answered days before, came back in its place."""
    state = ctx.state
    held, resume, held_at = state.crisis_held, state.resume_screen, state.crisis_held_at
    if not held or resume not in SCREENS or not SCREENS[resume].takes_text:
        return False
    data = json.loads(state.crisis_held_data or "{}")
    calm(ctx, misread=True, quiet=True)
    ctx.say_key("crisis_misread_back")
    state.screen, state.data = resume, data if isinstance(data, dict) else {}
    ctx.replay = [held]
    if held_at is not None:
        ctx.replay_at[held] = held_at
    return True


# "i dont want to ring anyone at this time of night id feel daft" (a trial): not calling is met.
_NO_CALL = re.compile(
    r"\b(?:don'?t|dont|do not|won'?t|wont|not going to|not gonna|can'?t|cant|couldn'?t) (?:want to |wanna )?"
    r"(?:ring|call|phone|bother|talk to|speak to) (?:anyone|anybody|them|a stranger|strangers|a helpline|those)"
    r"|\b(?:feel|be|sound) (?:daft|stupid|silly|a fool|an idiot) (?:calling|ringing|phoning)"
)


# Safe, and still carrying something heavy: trial 27's "yeah nah im not gonna do anything stupid. just
# feel like a burden to everyone atm" was told "I'm glad to hear it".
_HEAVY = re.compile(
    r"\b(?:burden|worthless|hopeless|empty|numb|pointless|no point|alone|lonely|nobody cares|no one cares"
    r"|hate myself|(?:so|really|very) (?:low|down)|drunk|drinking|wasted|cant stop crying|can'?t stop crying)\b"
)


def calm(
    ctx: Ctx, *, misread: bool = False, quiet: bool = False, no_call: bool = False, heavy: bool = False
) -> None:
    """After a crisis: a quiet place with a choice, never straight back into contact topics.

    `misread`: they said the crisis reply misread them; it says sorry rather than "glad to hear it",
    and the welcome for first words after a crisis is not said later. Nor is it when this is itself
    their return, hours after the reply.
    """
    state = ctx.state
    state.crisis_active = state.crisis_misreadable = False
    state.safe_at = ctx.now
    if not quiet:
        _file_held(ctx)
    state.crisis_held = state.crisis_held_data = ""
    state.crisis_held_at = None
    told = state.crisis_told_at
    if misread or (told is not None and ctx.now - told >= WELCOME_AFTER):
        state.crisis_welcomed_at = ctx.now
    if misread:
        state.misread_at = ctx.now
    resume = ctx.state.resume_screen
    ctx.state.resume_screen = resume if resume.startswith(("guide.", "intake.")) else ""
    if quiet:  # the caller says what comes next
        return
    ctx.goto("care.calm", misread=misread, no_call=no_call, heavy=heavy)
    _calm_show(ctx)


def _in_intake(ctx: Ctx) -> bool:
    """The crisis came before intake was finished: its questions (time zone, check-in time) still wait."""
    return ctx.state.guide.started_on is None and ctx.state.resume_screen.startswith("intake.")


def _calm_show(ctx: Ctx) -> None:
    way_on = ("Carry on with the questions", "intake") if _in_intake(ctx) else ("Today's step", "guide")
    no_call = ctx.state.data.pop("no_call", False)
    key = "crisis_misread" if ctx.state.data.pop("misread", False) else "crisis_go_on"  # said once
    heavy = ctx.state.data.pop("heavy", False)
    key = "crisis_go_on_no_call" if no_call and key == "crisis_go_on" else key
    key = "crisis_go_on_heavy" if heavy and key == "crisis_go_on" else key
    # In the small hours the day's step is no way on: trial 26 was offered it at 01:55, safe a minute.
    first = row(("Menu", "_menu")) if ctx.at_night and not _in_intake(ctx) else row(way_on, ("Menu", "_menu"))
    ctx.say_key(key, [first, row(("Help now", "sos"))])


def _calm_handle(ctx: Ctx) -> None:
    if ctx.event.button == "intake" and _in_intake(ctx):
        show(ctx, ctx.state.resume_screen)
    elif ctx.event.button == "guide":
        show(ctx, "guide.lesson")
    elif ctx.event.button == "sos":
        sos(ctx)
    else:
        _calm_show(ctx)


register("care.calm", _calm_show, _calm_handle, takes_text=False)


def grounding_step(ctx: Ctx, stop: tuple[str, str], finish: Callable[[Ctx], None]) -> None:
    """The grounding exercise one step at a time, each with Next and a way out (`stop`: its label
    and button); past the last step, or out, `finish`. Crisis care and /urge both walk it."""
    steps = ctx.kit.resources.grounding
    index = ctx.data_int("step")
    if index >= len(steps):
        finish(ctx)
        return
    ctx.say(steps[index], [row(("Next", "next"), stop)])


def grounding_next(ctx: Ctx, stop_button: str) -> None:
    """Move on a step, or past the last one when the way out was pressed."""
    out = ctx.event.button == stop_button
    ctx.state.data = {"step": len(ctx.kit.resources.grounding) if out else ctx.data_int("step") + 1}


def _grounding_done(ctx: Ctx) -> None:
    after = _crisis_buttons(ctx) if ctx.state.crisis_active else [row(("Back", "_back"))]
    # Stopped partway, praise read as canned (trial 22's "Well done" after Stop).
    ctx.say_key("grounding_stopped" if ctx.event.button == "stop" else "grounding_done", after)
    ctx.goto("crisis" if ctx.state.crisis_active else ctx.state.resume_screen or "menu")


def _grounding_show(ctx: Ctx) -> None:
    grounding_step(ctx, ("Stop", "stop"), _grounding_done)


def _grounding_handle(ctx: Ctx) -> None:
    text = ctx.event.text.strip()
    if text and ctx.state.crisis_active and says_safe(text):
        # "wait what? I'm not in danger, I just meant she never explained why she left" got the next
        # step of the exercise (a trial): words that answer the crisis reply are heard as it would.
        misread = _misread(text)
        if not (misread and _handle_held(ctx)):
            calm(ctx, misread=misread)
        return
    grounding_next(ctx, "stop")
    _grounding_show(ctx)


register("grounding", _grounding_show, _grounding_handle, takes_text=True)


# --- safety plan ---------------------------------------------------------------------------------------------
# Two plans share this screen: the safety plan, for thoughts of self-harm, and the staying-safe plan
# (data "plan": STAY), for someone the ex frightens or harms. Their answers are kept side by side.
STAY = "stay"


def _start_plan(ctx: Ctx, kind: str = "") -> None:
    ctx.goto("plan", step=0, plan=kind)
    ctx.say_key("stay_plan_intro" if kind == STAY else "plan_intro")
    _plan_show(ctx)


# How long after a crisis reply the small hours are for rest, not for the next step.
REST_AFTER_CRISIS = timedelta(hours=12)


def _rest_tonight(ctx: Ctx) -> bool:
    told = ctx.state.crisis_told_at
    return ctx.at_night and told is not None and ctx.now - told < REST_AFTER_CRISIS


def _plan_kind(ctx: Ctx) -> str:
    return STAY if ctx.state.data.get("plan") == STAY else ""


def _plan_steps(ctx: Ctx, kind: str) -> list[SafetyPlanStep]:
    res = ctx.kit.resources
    return res.staying_safe_plan if kind == STAY else res.safety_plan


def _plan_show(ctx: Ctx) -> None:
    kind = _plan_kind(ctx)
    steps = _plan_steps(ctx, kind)
    index = ctx.data_int("step")
    if index >= len(steps):
        ctx.say_key("stay_plan_done" if kind == STAY else "plan_done")
        _show_plan(ctx, kind)
        back_to = ctx.state.resume_screen or "menu"
        if ctx.state.crisis_active:
            ctx.goto("crisis")
            ctx.say_key("crisis_offer", _crisis_buttons(ctx))
        elif _rest_tonight(ctx) and not back_to.startswith("intake."):
            # Back from the plan at 00:57 opened trial 27's next lesson, an hour after his crisis reply.
            ctx.goto("menu")
            ctx.say_key("plan_done_night", [row(("Menu", "_menu"), ("Help now", "sos"))])
        else:
            ctx.goto(back_to)
            ctx.say_key("after_info", [row(("Back", "_back"), ("Menu", "_menu"))])
        return
    step = steps[index]
    existing = ctx.state.safety_plan.get(step.key, "")
    hint = ctx.t("plan_existing", answer=existing) if existing else ""
    # Content strings are stripped as they load, so the gap before the earlier answer is put here.
    ctx.say(f"{step.question}\n\n{hint}" if hint else step.question, [row(("Skip", "skip"), ("Stop for now", "stop"))])


_ASKS_FOR_A_NUMBER = re.compile(
    r"\b(?:number|numbers|phone|hotline|helpline|line)\b.*\?|\bwho (?:can|do|should) i call\b"
)


def _asks_for_a_number(text: str) -> bool:
    return bool(_ASKS_FOR_A_NUMBER.search(text.casefold()))


def _plan_handle(ctx: Ctx) -> None:
    kind = _plan_kind(ctx)
    steps = _plan_steps(ctx, kind)
    index = ctx.data_int("step")
    if ctx.event.button == "stop":
        index = len(steps)
    elif ctx.event.button:
        index += 1  # Skip, tapped or typed: a typed label keeps its words, which are no answer
    elif index < len(steps) and _asks_for_a_number(ctx.event.text):
        # "what is the number in spain?", typed at the plan's step for people to call (a trial's was
        # saved into her plan word for word, unanswered): the lines, and the same step again.
        ctx.say_key("plan_numbers", lines=lines_text(ctx, "danger" if kind == STAY else "crisis"))
    elif index < len(steps) and ctx.event.text.strip():
        plan = dict(ctx.state.safety_plan)
        plan[steps[index].key] = ctx.event.text.strip()[:1000]
        ctx.state.safety_plan = plan
        index += 1
    else:
        index += 1
    ctx.state.data = {"step": index, "plan": kind}
    _plan_show(ctx)


register("plan", _plan_show, _plan_handle, takes_text=True)


def _has_plan(ctx: Ctx, kind: str) -> bool:
    return any(ctx.state.safety_plan.get(step.key) for step in _plan_steps(ctx, kind))


def _show_plan(ctx: Ctx, kind: str = "") -> None:
    plan = ctx.state.safety_plan
    lines = [f"{step.title}: {plan[step.key]}" for step in _plan_steps(ctx, kind) if plan.get(step.key)]
    if lines:
        ctx.say(ctx.t("stay_plan_show" if kind == STAY else "plan_show", plan="\n".join(lines)))


def sos(ctx: Ctx) -> None:
    """/sos from anywhere: people to reach now, the safety plan if there is one, and ways to calm down."""
    if not in_care(ctx):
        ctx.state.resume_screen = ctx.state.screen
    # Someone the ex has harmed, not in crisis, reaches for help about the ex first: trial 23's Mei,
    # stalked, opened /sos on a line about hurting herself. Victims' lines are for victims: trial
    # 27's Sam, worried about his own behaviour, got "support with abuse or stalking" first at 1am.
    harmed = ctx.state.harmed_by_ex
    abuse_first = harmed and not ctx.state.crisis_active
    if abuse_first:
        ctx.say_key("sos_abuse", lines=lines_text(ctx, "danger"))
    ctx.say_key(
        "sos", lines=lines_text(ctx, "crisis"), emergency=ctx.kit.resources.emergency(country(ctx)).how
    )
    if harmed and not abuse_first:
        ctx.say_key("sos_abuse", lines=lines_text(ctx, "danger"))
    if "danger_by_user" in ctx.state.flags:
        ctx.say_key("sos_behaviour", lines=lines_text(ctx, "danger_by_user"))
    _show_plan(ctx, STAY)
    _show_plan(ctx)
    ctx.goto("sos")
    _sos_show(ctx)


def _sos_show(ctx: Ctx) -> None:
    plan_label = "Update my safety plan" if _has_plan(ctx, "") else "Make a safety plan"
    rows = [row(("A grounding exercise", "ground"), (plan_label, "plan"))]
    if ctx.state.harmed_by_ex or _has_plan(ctx, STAY):
        stay_label = "Update my staying-safe plan" if _has_plan(ctx, STAY) else "Make a staying-safe plan"
        rows.insert(0 if ctx.state.harmed_by_ex and not ctx.state.crisis_active else 1, row((stay_label, "stay")))
    if not ctx.state.profile.country:
        rows.append(row(("Numbers for my country", "country")))
    rows.append(row(("Back", "_back")))
    ctx.say_key("sos_offer", rows)


def _sos_handle(ctx: Ctx) -> None:
    if ctx.event.button == "ground":
        ctx.goto("grounding", step=0)
        _grounding_show(ctx)
    elif ctx.event.button == "plan":
        _start_plan(ctx)
    elif ctx.event.button == "stay":
        _start_plan(ctx, STAY)
    elif ctx.event.button == "country":
        ask_country(ctx, then="sos")
    else:
        _sos_show(ctx)


register("sos", _sos_show, _sos_handle, takes_text=False)
