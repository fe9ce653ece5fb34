"""The daily check-in: mood, urge, contact, one line for the journal, and today's step.

It runs when the scheduler says it is due, or when the person asks with /checkin. One question at
a time; the mood they chose is named back; a low mood gets care first, and the direct safety
question when it is very low or has stayed low.
"""

from __future__ import annotations

import re
import zlib
from datetime import date, timedelta

from dialogs import understanding
from dialogs.calendar import checkin_owed
from dialogs.context import Ctx, row
from dialogs.model import CheckinWrite, EventKind
from dialogs.screens import care, faq, screening, slip
from dialogs.screens.interrupt import return_from
from dialogs.screens.lessons import only_practice_waiting, open_today, step_waiting
from dialogs.screens.registry import Answers, command, enter_side, is_main, register, run_command
from dialogs.state import CheckinPrefs

__all__ = ["URGE_BUTTONS", "on_due", "start_checkin"]

MOOD_BUTTONS = (row(("1 awful", "1"), ("2", "2"), ("3", "3"), ("4", "4"), ("5 good", "5")),)
URGE_BUTTONS = (
    row(*((str(n), str(n)) for n in range(0, 6))),
    row(*((str(n), str(n)) for n in range(6, 11))),
)


LEFT_OPEN = timedelta(hours=12)  # see left_open
ANSWERING = timedelta(minutes=15)  # see _under_way
KEPT_WORDS = 3  # see _kept_words: "ok" or "idk" is not a feeling to file
STRONG_URGE = 7  # an urge this strong is named, with /urge offered, before the next question


def _pick(options: list[str], seed: date, salt: str = "") -> str:
    # The same day always gets the same wording and the next day the next one, so no line comes two
    # days running (a seeded random choice repeated one about one day in len(options) of them). The salt
    # keeps different lists from moving in step.
    return options[(seed.toordinal() + zlib.crc32(salt.encode())) % len(options)]


def on_due(ctx: Ctx) -> None:
    """A scheduler event. Silence is right when check-ins are off, paused, or after a crisis."""
    prefs = ctx.state.checkins
    if ctx.event.due == "urge_followup":
        # A pause for some days asks for quiet. (Check-ins turned off, `stopped`, is not that: someone
        # who wants no daily check-in still asked for this one.)
        paused = prefs.paused_until is not None and ctx.today < prefs.paused_until
        if paused:
            ctx.state.urge_followup_on = None  # they asked for quiet: the question is not kept for later
        elif ctx.state.urge_followup_on and (care.in_care(ctx) or ctx.state.screen == "notice"):
            # A safety question or crisis care is open: the letter waits a day. Asked on top of "Are you
            # having thoughts of ending your life?", a trial's "No. sorry I pressed 1 by mistake" went
            # to the letter, and the question about their life was dropped. The same under the notice
            # after a danger reply: trial 23 told of him parked outside her work at 1am and was asked
            # about her letter in the same breath.
            ctx.state.urge_followup_on = ctx.today + timedelta(days=1)
        elif ctx.state.urge_followup_on and not ctx.state.crisis_active:
            ctx.state.urge_followup_on = None
            enter_side(ctx, "urge.followup")
            ctx.say_key(
                "urge_followup", [row(("I'm glad I waited", "waited")), row(("I still want to", "still"))]
            )
        return
    if ctx.state.consented_at is None:
        return
    owed = checkin_owed(ctx.state, ctx.now)
    if owed is None or prefs.last_sent_on == owed.local_date:
        return
    if ctx.state.crisis_active:
        # A crisis left open (the app closed on the crisis reply): no cheerful check-in, but not
        # silence either. Once a day at their time, with the same back-off, a word and the ways on.
        _count_unanswered(prefs)
        prefs.last_sent_on, prefs.last_sent_at = owed.local_date, ctx.now
        care.follow_up(ctx)
        return
    if ctx.state.screen == "safety.ask":
        # The direct question about their life is still unanswered, hours later: not a cheerful
        # check-in over it, and not silence either. The question once more, gently, counts as the
        # day's word (in a trial the check-in simply never came while it waited).
        _count_unanswered(prefs)
        prefs.last_sent_on, prefs.last_sent_at = owed.local_date, ctx.now
        ctx.say_key("screen_follow_up", screening.ANSWERS)
        return
    if ctx.state.screen in _QUESTIONS_ABOUT_THE_EX:
        # A question about the ex (are they with someone, might you frighten them) left open since the
        # day before is set aside for the check-in: the check-in is never dropped for it (trial 32's
        # "hit the court for an hour" was asked about, and the next day's check-in never came).
        return_from(ctx)
    if ctx.state.screen.startswith(("crisis", "grounding", "plan", "safety.")):
        return
    if _under_way(ctx):
        # Mid-way through an earlier check-in, tapping as this one falls due: a second opening
        # would take their next answer for its first question. The one under way counts as today's.
        prefs.last_sent_on, prefs.last_sent_at, prefs.open_for = owed.local_date, ctx.now, owed.local_date
        return
    first = prefs.last_sent_on is None
    if owed.local_date.isoformat() in ctx.state.mood_log:
        # They checked in for that day already (/checkin): a second, sent late the next morning,
        # overwrote a trial's evening answers (mood 2, urge 6) with the morning's.
        prefs.last_sent_on, prefs.last_sent_at = owed.local_date, ctx.now
        return
    _count_unanswered(prefs)
    prefs.last_sent_on, prefs.last_sent_at = owed.local_date, ctx.now
    if ctx.state.screen == "urge.followup":
        # The question about yesterday's unsent message is still open: the check-in takes its place
        # and it is asked again tomorrow (trial 27's "2", meant for "I still want to", was read as a
        # mood, and the question never came back).
        ctx.state.urge_followup_on = ctx.today + timedelta(days=1)
    if prefs.unanswered == 3:
        ctx.say(ctx.kit.content.checkins.gentle_backoff)
    start_checkin(ctx, first=first, on=owed.local_date)


_QUESTIONS_ABOUT_THE_EX = frozenset({"safety.by_user", "safety.moved_on"})


def _count_unanswered(prefs: CheckinPrefs) -> None:
    if prefs.last_sent_on is not None and prefs.last_answered_on != prefs.last_sent_on:
        prefs.unanswered += 1


AFTER_CRISIS = timedelta(hours=24)


def _opening(ctx: Ctx, *, first: bool) -> str:
    openings = ctx.kit.content.checkins.opening
    hour = ctx.now.astimezone(ctx.zone).hour
    told, misread = ctx.state.crisis_told_at, ctx.state.misread_at
    after_crisis = told is not None and ctx.now - told < AFTER_CRISIS and (misread is None or misread < told)
    if after_crisis:
        # Trial 11: "Morning. Before the day gets going..." the morning after "i dont see the point of
        # being here anymore", as if nothing had been said.
        options = openings.after_crisis
    elif first:
        options = openings.new
    elif 5 <= hour < 12:
        options = openings.morning
    elif 12 <= hour < 18:
        options = openings.afternoon
    elif 18 <= hour < 22:
        options = openings.evening
    else:
        options = openings.night
    text = _pick(options, ctx.today, "open")
    name = ctx.state.profile.name
    return text.replace(", {name}", "").replace(" {name}", "") if not name else text.replace("{name}", name)


def start_checkin(ctx: Ctx, *, first: bool = False, on: date | None = None) -> None:
    """`on`: the local date the check-in is for (today, unless it is a missed one sent late)."""
    checkins = ctx.kit.content.checkins
    ctx.state.checkins.open_for = on or ctx.today
    ctx.state.checkins.opened_at = ctx.now
    ctx.state.checkin_resume = ctx.state.checkin_resume_data = ""  # an older check-in's question
    ctx.say(_opening(ctx, first=first))
    day = slip.no_contact_day(ctx)
    if day is not None and not ctx.state.no_contact.limited:
        days = ctx.state.no_contact.days
        milestone = next((m for m in checkins.milestones if m.day == day), None)
        if day == days:
            ctx.say(checkins.no_contact_done.format(day=day, days=days))
        elif milestone:
            ctx.say(milestone.text.format(day=day, days=days))
        else:
            kind = "Limited contact" if ctx.state.no_contact.limited else "No contact"
            ctx.say_key("no_contact_counter", day=str(day), days=str(days), kind=kind)
    enter_side(ctx, "checkin.mood")
    ctx.say(checkins.mood_question, MOOD_BUTTONS)


@command("checkin")
def _checkin(ctx: Ctx) -> None:
    start_checkin(ctx)


def _value(ctx: Ctx, low: int, high: int) -> int | None:
    from dialogs.parsing import parse_int

    raw = ctx.event.button or ctx.event.text
    return parse_int(raw, low, high) if raw else None


def _under_way(ctx: Ctx) -> bool:
    seen = ctx.state.last_seen
    answering = ctx.state.screen.startswith("checkin.") and ctx.state.screen != "checkin.next"
    return answering and seen is not None and ctx.now - seen < ANSWERING


def left_open(ctx: Ctx) -> bool:
    """A check-in left unanswered since long ago: words typed now are about now, not its question.

    Kept on screen, "angry about the party tomorrow" the next evening got "Please pick a number from
    1 to 5", and the check-in due that evening then came right after it. Its buttons still answer it.
    """
    opened = ctx.state.checkins.opened_at
    screen = ctx.state.screen
    # The slip's choice opened by an answer (not by a check-in) belongs to no check-in.
    from_answer = screen == "checkin.slip" and ctx.state.data.get("words") is False
    return screen.startswith("checkin.") and not from_answer and opened is not None and ctx.now - opened >= LEFT_OPEN


def close_left_open(ctx: Ctx) -> None:
    """Back to the main screen, without showing it: the words typed are handled there."""
    target = ctx.state.resume_screen if is_main(ctx.state.resume_screen) else "guide.lesson"
    ctx.goto(target)


def _kept_words(ctx: Ctx, low: int, high: int) -> bool:
    """Words for a scale's answer ("angry. gutted. stupid for not seeing it") are how the person is:
    kept with the check-in rather than lost to "Please pick a number"."""
    text = ctx.event.text.strip()
    if ctx.event.button or len(text.split()) < KEPT_WORDS:
        return False
    ctx.journal("checkin", text)
    again = bool(ctx.state.data.get("kept"))
    ctx.state.data = {**ctx.state.data, "kept": True}
    ctx.say_key("checkin_words_kept_again" if again else "checkin_words_kept", low=str(low), high=str(high))
    return True


def _low_days_before(ctx: Ctx) -> int:
    """How many days running, up to yesterday, had a mood of 2 or less."""
    days = 0
    while ctx.state.mood_log.get((ctx.today - timedelta(days=days + 1)).isoformat(), 5) <= 2:
        days += 1
    return days


def _mood_show(ctx: Ctx) -> None:
    ctx.say(ctx.kit.content.checkins.mood_question, MOOD_BUTTONS)


def _mood_handle(ctx: Ctx) -> None:
    mood = _value(ctx, 1, 5)
    if mood is None:
        if not _kept_words(ctx, 1, 5):
            ctx.say_key("checkin_number", low="1", high="5")
        _mood_show(ctx)
        return
    checkins = ctx.kit.content.checkins
    low_days = _low_days_before(ctx) + 1 if mood <= 2 else 0
    low_again = low_days >= 2
    _record(ctx, mood)  # the check-in may end in crisis care, or a question, before its last step
    if screening.due_after_crisis(ctx):
        ctx.state.asked_after_crisis_at = ctx.now
        ctx.say(_pick(checkins.after_crisis_care, ctx.today, "after_crisis"))
        screening.ask(ctx, mood=mood)
        return
    if screening.low_mood_needs_asking(ctx, mood):
        # Say why the question comes: a 1 today, or low days that have gone on ("several" is three).
        care = checkins.low_run_care if low_days >= 3 else checkins.low_mood_care
        ctx.say(_pick(care, ctx.today, "care"))
        screening.ask(ctx, mood=mood, again=ctx.state.screened_on == ctx.today - timedelta(days=1))
        return
    ctx.say(_pick(checkins.low_again if low_again else checkins.mood_ack[mood], ctx.today, "mood"))
    ctx.goto("checkin.urge", mood=mood)
    _urge_show(ctx)


def _scale_answers(low: int, high: int) -> Answers:
    def answers(ctx: Ctx) -> bool:
        text = ctx.event.text
        return len(text.split()) <= 6 and _value(ctx, low, high) is not None

    return answers


register("checkin.mood", _mood_show, _mood_handle, takes_text=True, answers=_scale_answers(1, 5))


def _talking_again(ctx: Ctx) -> bool:
    """They reached out and the ex replied warmly, or they are trying again: the urge to make
    contact, and whether they did, are not questions any more. In a trial the check-in still said
    "7 out of 10 is a strong pull... /urge can help" to someone texting her ex every day."""
    state = ctx.state
    talking = state.track == "reconnect" and not state.contact_forbidden and state.guide.branch in {"warm", "together"}
    return talking and not slip.counting(ctx)


def _urge_show(ctx: Ctx) -> None:
    if _talking_again(ctx):
        ctx.state.screen = "checkin.note"
        ctx.state.data = {**ctx.state.data, "contacted": True}
        _note_show(ctx)
        return
    checkins = ctx.kit.content.checkins
    ctx.say(checkins.urge_question_shared if _shares_life(ctx) else checkins.urge_question, URGE_BUTTONS)


def _urge_handle(ctx: Ctx) -> None:
    urge = _value(ctx, 0, 10)
    if urge is None:
        if not _kept_words(ctx, 0, 10):
            ctx.say_key("checkin_number", low="0", high="10")
        _urge_show(ctx)
        return
    ctx.state.data = {**ctx.state.data, "urge": urge}
    ctx.state.checkins.last_urge, ctx.state.checkins.last_urge_at = urge, ctx.now
    _record(ctx, ctx.data_int("mood", -1), urge)
    if urge >= STRONG_URGE:
        line = _pick(ctx.kit.content.checkins.strong_urge, ctx.today, "strong_urge")
        ctx.say(line.replace("{urge}", str(urge)))
    if slip.reported_today(ctx):
        # They told me about it earlier today and chose what to do with their count: not asked twice.
        ctx.state.data = {**ctx.state.data, "contacted": True}
        ctx.state.screen = "checkin.note"
        _note_show(ctx)
        return
    ctx.state.screen = "checkin.contact"
    _contact_show(ctx)


register("checkin.urge", _urge_show, _urge_handle, takes_text=True, answers=_scale_answers(0, 10))


def _contact_show(ctx: Ctx) -> None:
    checkins = ctx.kit.content.checkins
    question = checkins.contact_question_shared if _shares_life(ctx) else checkins.contact_question
    ctx.say(question, [row(("No", "no"), ("Yes", "yes"))])


def _shares_life(ctx: Ctx) -> bool:
    """Children, work or a home in common: some contact is needed, and is not what is asked about."""
    return ctx.state.profile.shares_life or ctx.state.no_contact.limited


# "Have you been in touch?" answered in words. A co-parent's "only about pickup on friday thru the
# app" is a No to contact beyond what they share; in a trial it brought the same question back three
# times, word for word.
_NO = re.compile(r"^(?:no|nope|nah|not really|never|none|didn'?t|did not|haven'?t|have not)\b")
_YES = re.compile(
    r"^(?:yes|yeah|yep|yup|ya|i did|we did|sort of|kind of|a bit|a little)\b"
    r"|\b(?:i|we) (?:texted|messaged|called|rang|emailed|wrote|sent|dm'?d|replied|spoke|talked|met)\b"
)
_PRACTICAL_ONLY = re.compile(
    r"\b(?:only|just|purely|strictly) (?:about|re|for|to sort|to arrange|to confirm|the kids|the children)"
    r"|\b(?:pick ?up|drop ?off|hand ?over|school run|logistics|co-?parenting app)"
)
_BEYOND_PRACTICAL = re.compile(
    r"\b(?:nothing|not|wasn'?t|weren'?t) (?:to do with |about |re )?(?:the |our )?(?:kids|children|practical)"
)


def _in_touch(ctx: Ctx) -> bool | None:
    """Yes, No, or None when the words do not say."""
    if ctx.event.button:
        return ctx.event.button == "yes"
    said = " ".join(ctx.event.text.casefold().replace("’", "'").split())
    if _NO.search(said):
        return False
    if _shares_life(ctx):
        if _BEYOND_PRACTICAL.search(said):
            return True
        if _PRACTICAL_ONLY.search(said):
            return False
    return True if _YES.search(said) else None


def answered_in_touch(ctx: Ctx) -> bool:
    """Typed words at "have you been in touch?" that say Yes or No."""
    return ctx.state.screen == "checkin.contact" and _in_touch(ctx) is not None


TOLD_WORDS = 8  # an answer to "have you been in touch?" longer than this also tells what happened


def _contact_handle(ctx: Ctx) -> None:
    contacted = _in_touch(ctx)
    if contacted is None:
        ctx.say_key("pick_a_button")
        _contact_show(ctx)
        return
    ctx.state.data = {**ctx.state.data, "contacted": contacted}
    _record(ctx, ctx.data_int("mood", -1), ctx.data_int("urge", -1), contacted)
    ctx.state.screen = "checkin.note"
    if ctx.event.kind == EventKind.TEXT and len(ctx.event.text.split()) > TOLD_WORDS:
        # "kind of. I was scrolling back through her old photos and my thumb hit like on one...": what
        # happened, told with the answer, is the day's note, not followed by "Anything to note?" (a
        # trial's was neither kept nor answered).
        _note_handle(ctx)
        return
    _note_show(ctx)


def _record(ctx: Ctx, mood: int, urge: int = -1, contacted: bool | None = None) -> None:
    """Keep what the check-in has heard so far (-1: not asked yet), at every answer: a question
    typed midway, or a detour to /sos, then loses nothing already answered."""
    prefs = ctx.state.checkins
    day = prefs.open_for or ctx.today
    ctx.emit(
        CheckinWrite(
            local_date=day,
            mood=mood if mood >= 1 else None,
            urge=urge if urge >= 0 else None,
            contacted=contacted,
        )
    )
    prefs.unanswered = 0
    prefs.last_answered_on = max(day, prefs.last_answered_on or day)
    if mood >= 1:
        log = {**ctx.state.mood_log, day.isoformat(): mood}
        ctx.state.mood_log = dict(sorted(log.items())[-30:])


register("checkin.contact", _contact_show, _contact_handle, takes_text=True)


# "mood is like a 3", "my mood isn't a 1 btw... I'm about a 3": a mood put right after it was given.
# Two trials' corrections were filed as notes, and the 1 stayed on the chart, in the export, and
# behind a question about ending their life.
_MOOD_SAID = re.compile(
    r"\b(?:more like|like|about|actually|really|closer to|prob(?:ably)?|maybe|more of|is|was|at)\s+(?:an?\s+)?"
    r"([1-5])(?:\s*/\s*5|\s+out of 5)?(?![\d/:.]\d|\s*(?:am|pm|days?|hours?|weeks?|times?|out of (?!5)))\b"
)


def mood_fix(ctx: Ctx, text: str) -> int | None:
    """The mood these words put right, for a day whose check-in has one already."""
    day = (ctx.state.checkins.open_for or ctx.today).isoformat()
    logged = ctx.state.mood_log.get(day)
    said = " ".join(text.casefold().replace("’", "'").split())
    start = said.find("mood")
    if logged is None or start < 0:
        return None
    found = _MOOD_SAID.findall(said[start:])
    mood = int(found[-1]) if found else None
    return mood if mood is not None and mood != logged else None


def correct_mood(ctx: Ctx, mood: int) -> None:
    day = ctx.state.checkins.open_for or ctx.today
    ctx.emit(CheckinWrite(local_date=day, mood=mood, urge=None, contacted=None))
    ctx.state.mood_log = {**ctx.state.mood_log, day.isoformat(): mood}
    if "mood" in ctx.state.data:
        ctx.state.data["mood"] = mood  # the check-in under way records it again at its end
    ctx.say_key("mood_corrected", mood=mood)


def _note_show(ctx: Ctx) -> None:
    ctx.say(ctx.kit.content.checkins.note_question, [row(("Skip", "skip"))])


# A note about a good day is often a long one ("went to church street with Meera, had filter coffee
# and bought books, didnt open insta full day. laughed after so long").
NOTE_WORDS = 80


def _note_handle(ctx: Ctx) -> None:
    note = "" if ctx.event.button == "skip" else ctx.event.text.strip()
    if not note and ctx.event.button != "skip":
        _note_show(ctx)
        return
    if " ".join(note.casefold().strip(" .!").split()) in ctx.kit.content.checkins.nothing_to_note:
        note = ""  # "k": nothing to note, as Skip
    checkins = ctx.kit.content.checkins
    mood = ctx.data_int("mood", -1)
    urge = ctx.data_int("urge", -1)
    contacted = bool(ctx.state.data.get("contacted"))
    _record(ctx, mood, urge, contacted)
    if note:
        ctx.journal("checkin", note)
    slipped = contacted and slip.counting(ctx) and not slip.reported_today(ctx)
    # On the moving-on track there is no count to restart, and contact is what they agreed to leave.
    reached_out = contacted and ctx.state.contact_forbidden
    low = 1 <= mood <= 2
    noted = checkins.thanks_noted_low if low else checkins.thanks_noted
    good_news = not contacted and understanding.good_news(note, most_words=NOTE_WORDS)
    good_day = good_news and not low
    if good_day:
        noted = checkins.thanks_noted_good
    elif good_news:
        noted = checkins.thanks_noted_low_good
    thanks = _pick(noted if note else checkins.thanks, ctx.today, "thanks")
    if slipped or reached_out or low or _help_due(ctx):
        # Care comes next (the slip's own words, the low-mood offer, the suggestion of help): an
        # answer offered beside the note would only pull away from it.
        ctx.say(thanks)
    else:
        faq.acknowledge(ctx, thanks)
    if reached_out:
        if not _shares_life(ctx):
            # Contact from an ex who harmed them is theirs to log, not a slip (trial 31: "He came into
            # the shop. I did not start it" heard about the pull to say more).
            words = checkins.contact_on_moving_on_danger if ctx.state.harmed_by_ex else checkins.contact_on_moving_on
        elif ctx.state.harmed_by_ex:  # even practical messages may need a go-between, or an order's terms
            words = checkins.contact_on_moving_on_danger_shared
        elif "danger_by_user" in ctx.state.flags:  # a trial's father heard he had been frightened or hurt
            words = checkins.contact_on_moving_on_by_user_shared
        else:
            words = checkins.contact_on_moving_on_shared
        for message in words:
            ctx.say(message)
    # Not on a good day: a trial's father, proud of a quiz night on "only two pints", got the warning.
    if note and not good_day and mood < GOOD_MOOD and _names_drinking(ctx, note):
        ctx.say(checkins.drinking or "")
        ctx.state.checkins.drinking_noted_on = ctx.today
    _maybe_suggest_help(ctx)
    if slipped:
        slip.show_choice(ctx)
        return
    _todays_step(ctx, mood=mood)


DRINKING_AGAIN_AFTER = timedelta(days=7)
GOOD_MOOD = 4  # of 5


def _names_drinking(ctx: Ctx, note: str) -> bool:
    """A note that speaks of drinking, when its line has not been said this week."""
    checkins = ctx.kit.content.checkins
    last = ctx.state.checkins.drinking_noted_on
    if not checkins.drinking or (last is not None and ctx.today - last < DRINKING_AGAIN_AFTER):
        return False
    words = f" {' '.join(re.findall(r'[a-z]+', note.casefold()))} "
    if _GETTING_HELP.search(words):
        return False  # "booked in with a gp... about the drinking" (trial 27) heard "a doctor will talk it through"
    return any(f" {w} " in words for w in checkins.drinking_words) and not _SOCIAL_DRINK.search(words)


_GETTING_HELP = re.compile(
    r" (?:gp|doctor|doc|counsellor|counselor|therapist|aa|meeting|appointment|helpline|nurse) "
    r"| (?:booked|seeing|saw|called|rang|talked to|spoke to) (?:a |my |the )?(?:gp|doctor|doc|counsellor|counselor)"
)


# A drink offered as company ("a widower from the choir invited me for a beer after", trial 25; a friend
# who "brought wine round", trial 22) is a good step, not a warning sign.
_SOCIAL_DRINK = re.compile(
    r" (?:invited|asked|took) (?:me|us) (?:out )?for (?:a |some )?(?:beer|beers|drink|drinks|pint|wine)"
    r"| brought (?:some |a bottle of |a )?(?:wine|beer|beers|drinks)"
    r"| (?:came|come|went|go|going) (?:round|over|out) for (?:a |some )?(?:drink|drinks|beer|pint|wine)"
)


register("checkin.note", _note_show, _note_handle, takes_text=True)


def _maybe_suggest_help(ctx: Ctx) -> None:
    """Two weeks of low mood: suggest a professional, at most once a fortnight."""
    if _help_due(ctx):
        ctx.state.low_mood_suggested_on = ctx.today
        for message in ctx.kit.content.checkins.low_mood_suggestion:
            ctx.say(message)


def _help_due(ctx: Ctx) -> bool:
    since = ctx.today - timedelta(days=13)
    recent = [m for d, m in ctx.state.mood_log.items() if date.fromisoformat(d) >= since]
    last = ctx.state.low_mood_suggested_on
    return len(recent) >= 7 and sum(recent) / len(recent) <= 2 and (last is None or (ctx.today - last).days >= 14)


def _todays_step(ctx: Ctx, *, mood: int) -> None:
    """The check-in's close; `mood` 1 or 2 brings the small offer first (0: not asked, or a slip)."""
    ctx.goto("checkin.next", low=1 <= mood <= 2, mood=mood)
    _next_show(ctx)


def _next_show(ctx: Ctx) -> None:
    if ctx.state.data.get("low"):
        checkins = ctx.kit.content.checkins
        offers = checkins.very_low_offer if ctx.data_int("mood") == 1 else checkins.low_mood_offer
        ctx.say(
            _pick(offers, ctx.today, "low"),
            [
                row(("Breathe with me", "breathe"), ("Help now", "sos")),
                row(("Today's step", "today"), ("Menu", "_menu")),
            ],
        )
        return
    _way_on(ctx)


def _way_on(ctx: Ctx) -> None:
    if step_waiting(ctx):
        # "Your next new step opens Thursday", then on Wednesday "Today's step is ready" for a practice
        # (a trial): a practice day says so.
        key = "checkin_next_practice" if only_practice_waiting(ctx) else "checkin_next"
        ctx.say_key(key, [row(("Today's step", "today"), ("Menu", "_menu"))])
    else:
        ctx.say_key("checkin_next_done", [row(("Menu", "_menu"))])


def _next_handle(ctx: Ctx) -> None:
    button = ctx.event.button
    if button == "breathe":
        ctx.say("\n\n".join(ctx.kit.resources.breathing))
        _way_on(ctx)
        ctx.state.data = {}
    elif button == "sos":
        run_command(ctx, "sos")
    elif button == "today":
        open_today(ctx)
    else:
        _next_show(ctx)


register("checkin.next", _next_show, _next_handle, takes_text=False)
