"""Consent first, then intake: who they are, what happened, whether contact is safe, and when to check in."""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta

from dialogs.calendar import next_checkin, quiet_hours_around
from dialogs.context import Ctx, row
from dialogs.dates import human_date
from dialogs.intake_labels import CONTACT, ENDED_BY
from dialogs.model import Button
from dialogs.parsing import morning_or_evening, parse_ago, parse_clock, parse_consent, parse_timezone
from dialogs.screens import protect
from dialogs.screens.country import ask_country
from dialogs.screens.lessons import open_today
from dialogs.screens.protect import explain_route
from dialogs.screens.registry import register, show
from dialogs.state import SafetyFlag

__all__ = ["REASONS", "corrects_shared", "finish_intake", "undo_shared"]

REASONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "communication": ("Communication", ("talk", "communicat", "listen", "understand")),
    "trust": ("Trust", ("trust", "cheat", "lie", "lying", "lied", "jealous")),
    "goals": ("Different goals or values", ("goal", "value", "future", "kids", "marriage", "move")),
    "arguments": ("Constant arguments", ("argu", "fight", "fought", "row")),
    "apart": ("Growing apart", ("apart", "changed", "distance", "drift")),
    "independence": ("Not enough independence", ("space", "independ", "clingy", "suffocat", "freedom")),
    "intimacy": ("Lack of intimacy", ("intima", "sex", "affection", "spark", "touch")),
}

_SHARED_WORDS = (
    "kid", "children", "child", "daughter", "our son", "a son", "my son", "two sons", "baby", "custody", "co-parent"
)
# A shared workplace or home, said in words at "Do you share children, work, classes or a home?" (a trial's
# "same office only, different teams" got "Tap one of the buttons below").
_SHARED_LIFE_WORDS = (
    "office", "same company", "work together", "same work", "colleague", "coworker", "co-worker",
    "same team", "same shift", "same class", "live together", "same house", "same flat", "lease",
    "mortgage", "share a house", "share a flat",
    # A student sees the ex in class three times a week (a trial): the same as sharing an office.
    "classes", "same lab", "same course", "same lectures", "same uni", "same college",
)
CONTACT_WORDS = (
    (
        "asked",
        (
            "asked me not",
            "told me not",
            "leave them alone",
            "leave her alone",
            "leave him alone",
            # "no contact" alone is how things stand ("no contact since he left"), not a request.
            "asked for no contact",
            "wants no contact",
            "said no contact",
            # Contact kept to the children or the practical is a boundary on everything else.
            "only about the kids",
            "only about the children",
            "only about our",
            "kids only",
            "children only",
            "keep it to the kids",
            "keep it practical",
            "only through the app",
            "only via the app",
            "only through lawyers",
            "only through solicitors",
        ),
    ),
    # The ex blocked them; "i blocked him but he keeps texting me" is the other way round (a trial
    # read it as the ex asking for no contact, and the export said so).
    ("blocked", ("blocked me", "has me blocked", "had me blocked", "got blocked", "im blocked", "i'm blocked")),
    ("none", ("i blocked", "blocked him", "blocked her", "blocked them", "blocked his", "blocked their")),
    (
        "new",
        (
            "someone new", "new partner", "girlfriend", "boyfriend", "dating", "engaged", "married",
            # "shes got a new bloke craig living in our house" (a trial, read as must stay in touch)
            "new bloke", "new fella", "new guy", "new man", "new woman", "new girl", "new bf", "new gf",
            "new lady", "new husband", "new wife", "moved in with", "seeing someone",
            # "he is with her now. laura. we dont talk" (a trial, kept as "we still talk sometimes")
            "is with her", "is with him", "is with someone", "with her now", "with him now",
        ),
    ),
    # Talking, denied: "we dont talk" is no contact, before "talk" reads as "sometimes".
    # "we didnt talk since the text... but he liked my story" (trial 28, kept as "we still talk sometimes")
    ("none", ("dont talk", "don't talk", "do not talk", "dont speak", "don't speak", "not speaking",
              "didnt talk", "didn't talk", "did not talk", "havent talked", "haven't talked", "have not talked",
              "havent spoken", "haven't spoken", "have not spoken", "didnt speak", "didn't speak", "not talked",
              "not spoken")),
    # Contact that has stopped: "we wrote few times about her things in the flat, but since some weeks
    # nothing" (a trial) is no contact, before "flat" reads as a home they must share.
    ("none", ("but nothing", "weeks nothing", "since then nothing", "nothing since", "not anymore",
              "not any more", "no longer")),
    ("must", (*_SHARED_WORDS, "work", "live together", "house", "flat")),
    ("some", ("sometimes", "bit", "talk", "text", "some")),
    ("none", ("none", "no", "nothing", "not talking", "no contact", "not in contact")),
)
SAFETY = {
    "violence": "Violence or physical harm",
    "threats": "Threats",
    "control": "Controlling behaviour",
    "order": "A protection or restraining order",
}
ZONES = (
    ("London", "Europe/London"),
    ("Berlin / Paris", "Europe/Berlin"),
    ("New York", "America/New_York"),
    ("Chicago", "America/Chicago"),
    ("Los Angeles", "America/Los_Angeles"),
    ("Sydney", "Australia/Sydney"),
)
TIMES = ("08:00", "09:00", "12:30", "18:00", "20:00", "21:30")


def _yes(text: str) -> bool:
    return text.strip().lower().rstrip(".!") in {
        "yes",
        "y",
        "ok",
        "okay",
        "agree",
        "i agree",
        "sure",
        "yep",
        "yeah",
    }


# --- consent -------------------------------------------------------------------------------------------------
def _consent_show(ctx: Ctx) -> None:
    ctx.say_key("consent_what")
    ctx.say(
        ctx.t("consent_terms", retention_days=str(ctx.kit.retention_days)),
        [row(("I'm 18+ and I agree", "agree")), row(("What do you keep?", "data"), ("Not now", "no"))],
    )


def _consent_handle(ctx: Ctx) -> None:
    choice = ctx.event.button or parse_consent(ctx.event.text)
    if ctx.state.data.get("age_asked") and not ctx.event.button and choice in {"yes", "no"}:
        choice = "agree" if choice == "yes" else "minor"  # the answer to "are you 18 or older?"
    if choice == "yes":
        # A typed "ok" agrees to the terms but says nothing of age, and the guide is for adults.
        ctx.state.data["age_asked"] = True
        ctx.say_key("consent_age", [row(("Yes, I'm 18 or older", "agree")), row(("No, I'm under 18", "minor"))])
    elif choice == "agree":
        ctx.state.consented_at = ctx.now
        ctx.say_key("consent_thanks")
        show(ctx, "intake.name")
    elif choice == "data":
        ctx.say_key("consent_data", [row(("I'm 18+ and I agree", "agree"), ("Not now", "no"))])
    elif choice == "no":
        ctx.say_key("consent_declined")
    elif choice == "minor":
        ctx.say_key("consent_minor")
    elif choice == "age_question":
        ctx.say_key("consent_any_age", [row(("I'm 18+ and I agree", "agree")), row(("Not now", "no"))])
    else:
        ctx.say_key("consent_nudge", [row(("I'm 18+ and I agree", "agree")), row(("Not now", "no"))])


register("consent", _consent_show, _consent_handle, takes_text=True)


# --- intake --------------------------------------------------------------------------------------------------
def clean_name(text: str) -> str:
    text = "".join(ch for ch in unicodedata.normalize("NFKC", text) if unicodedata.category(ch)[0] != "C")
    words = re.findall(r"[^\W\d_][\w'\-]*", text)
    if not words:
        return ""
    if len(words) > _NAME_WORDS:
        # A sentence, not a name ("My wife left me three weeks ago..." once made someone "Wife"):
        # only a name it says outright counts; otherwise the question is asked again.
        said = _NAME_SAID.search(text)
        words = [said.group(1)] if said else []
    skip = {"my", "name", "is", "im", "i'm", "i", "am", "call", "me", "it's", "its", "hi", "hello", "hey"}
    kept = [w for w in words if w.lower() not in skip and w.lower() not in _NOT_NAMES]
    if not kept:
        return ""
    first: str = kept[0][:30]
    return first.capitalize() if first.islower() else first


_NAME_WORDS = 4
_NAME_SAID = re.compile(r"\b(?:my name is|my name's|name's|call me)\s+([^\W\d_][\w'\-]*)", re.I)
_NOT_NAMES = frozenset(
    {"wife", "husband", "ex", "girlfriend", "boyfriend", "partner", "fiance", "fiancee", "she", "he",
     "they", "we", "the", "a", "so", "just", "not", "no", "yes", "ok", "okay", "well", "um", "idk"}
)  # fmt: skip


def _name_show(ctx: Ctx) -> None:
    ctx.say_key("ask_name", [row(("Skip", "skip"))])


def _name_handle(ctx: Ctx) -> None:
    if ctx.event.button == "skip":
        ctx.state.profile.name = ""
    else:
        name = clean_name(ctx.event.text)
        if not name:
            ctx.say_key("name_again", [row(("Skip", "skip"))])
            return
        ctx.state.profile.name = name
        ctx.say_key("name_thanks")
    show(ctx, "intake.when")


register("intake.name", _name_show, _name_handle, takes_text=True)

_WHEN = {"w": 3, "m": 14, "h": 90, "y": 365}


_WHEN_BUTTONS = (row(("This week", "w"), ("1-4 weeks ago", "m")), row(("1-6 months ago", "h"), ("Longer ago", "y")))


def _when_show(ctx: Ctx) -> None:
    ctx.say_key("ask_when", _WHEN_BUTTONS)


def _when_handle(ctx: Ctx) -> None:
    if ctx.event.button in _WHEN:
        ctx.state.profile.breakup_date = ctx.today - timedelta(days=_WHEN[ctx.event.button])
    else:
        when = parse_ago(ctx.event.text, ctx.today)
        if when is None:
            ctx.say_key("when_again", _WHEN_BUTTONS)  # the buttons stay: a tap still answers
            return
        ctx.state.profile.breakup_date = when
        said = _ended_in_passing(ctx.event.text)
        if said:
            # "like 5 weeks ago. i left him": not "Who ended it?" next, as a trial was asked.
            ctx.state.profile.ended_by = said
            show(ctx, "intake.reasons")
            return
    show(ctx, "intake.ended_by")


# Who ended it, said in passing with the when ("5 weeks ago, he dumped me"): only unmistakable words.
_LEFT = r"(left|dumped|ended it with|broke up with)"
_ENDED_IN_PASSING = (
    ("me", re.compile(rf"\bi {_LEFT} (him|her|them)\b|\bi ended (it|things)\b")),
    ("them", re.compile(rf"\b(he|she|they) {_LEFT} me\b|\b(he|she|they) ended (it|things)\b")),
    ("mutual", re.compile(r"\bmutual\b|\bwe both (ended it|ended things|decided)\b")),
)


def _ended_in_passing(text: str) -> str:
    low = " ".join(text.casefold().replace("’", "'").split())
    return next((who for who, pattern in _ENDED_IN_PASSING if pattern.search(low)), "")


def _when_answers(ctx: Ctx) -> bool:
    return parse_ago(ctx.event.text, ctx.today) is not None


register("intake.when", _when_show, _when_handle, takes_text=True, answers=_when_answers)

_ENDED = {
    "me": ("i did", "me", "i ended", "i left"),
    "them": ("they", "he", "she", "them"),
    "mutual": ("both", "mutual", "we"),
    "unclear": ("complicated", "not sure", "unclear"),
}


def _ended_show(ctx: Ctx) -> None:
    ctx.say_key(
        "ask_ended_by",
        [
            row((ENDED_BY["me"], "me"), (ENDED_BY["them"], "them")),
            row((ENDED_BY["mutual"], "mutual"), (ENDED_BY["unclear"], "unclear")),
        ],
    )


# Whole words only: "he" is not in "the", "me" is not in "time".
_ENDED_READ = {
    key: re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b") for key, words in _ENDED.items()
}


def _ended_choice(text: str) -> str:
    """The answer named first: "He did. He told me..." is theirs, though "me" comes later (a trial's
    was stored as "I did")."""
    low = text.lower()
    found = [(m.start(), key) for key, words in _ENDED_READ.items() if (m := words.search(low))]
    return min(found)[1] if found else ""


def _ended_handle(ctx: Ctx) -> None:
    choice = ctx.event.button or _ended_choice(ctx.event.text)
    if choice not in _ENDED:
        ctx.say_key("pick_a_button")
        _ended_show(ctx)
        return
    ctx.state.profile.ended_by = choice
    show(ctx, "intake.reasons")


def _ended_answers(ctx: Ctx) -> bool:
    return len(ctx.event.text.split()) <= 8 and _ended_choice(ctx.event.text) != ""


register("intake.ended_by", _ended_show, _ended_handle, takes_text=True, answers=_ended_answers)


def _reasons_keyboard(ctx: Ctx) -> list[tuple[Button, ...]]:
    chosen = set(ctx.state.profile.reasons)
    rows = [
        row(((("✓ " if key in chosen else "") + label), f"r:{key}")) for key, (label, _) in REASONS.items()
    ]
    rows.append(row(("Done", "done")))
    return rows


def _reasons_show(ctx: Ctx) -> None:
    ctx.say(ctx.t("ask_reasons"), _reasons_keyboard(ctx))


def _reasons_handle(ctx: Ctx) -> None:
    reasons = ctx.state.profile.reasons
    button = ctx.event.button
    if button.startswith("r:") and button[2:] in REASONS:
        key = button[2:]
        ctx.state.profile.reasons = [r for r in reasons if r != key] if key in reasons else [*reasons, key]
        ctx.say(ctx.t("reasons_toggled"), _reasons_keyboard(ctx))
        return
    if button == "done":
        ctx.state.data = {}
        show(ctx, "intake.contact")
        return
    low = ctx.event.text.lower()
    found = [key for key, (_, words) in REASONS.items() if any(w in low for w in words)]
    if ctx.event.text.strip():
        ctx.journal("intake", ctx.event.text.strip()[:2000], ref="reasons")
    if found:
        ctx.state.profile.reasons = sorted(set(reasons) | set(found))
        labels = ", ".join(REASONS[k][0].lower() for k in found)
        ctx.say(ctx.t("reasons_heard", reasons=labels), _reasons_keyboard(ctx))
    else:
        ctx.say(ctx.t("reasons_saved"), _reasons_keyboard(ctx))


register("intake.reasons", _reasons_show, _reasons_handle, takes_text=True)


def _contact_show(ctx: Ctx) -> None:
    # Words typed earlier in intake may have answered it already: asking "where do things stand"
    # right after "she told me never to contact her" reads as not listening (a trial). A boundary only
    # the model read, which they may still take back, leaves the question to them.
    state = ctx.state
    told = "boundary" in state.flags and state.boundary_undo is None
    known = "asked" if told else "new" if "moved_on" in state.flags else ""
    if known:
        ctx.state.profile.contact = known
        show(ctx, "intake.shares")
        return
    ctx.say_key("ask_contact", [row((label, key)) for key, label in CONTACT.items()])


def _typed_contact(text: str) -> str:
    low = text.lower()
    return next((k for k, words in CONTACT_WORDS if any(w in low for w in words)), "")


def _contact_answers(ctx: Ctx) -> bool:
    """ "He's with someone new", typed for the button: the answer, not a question for the FAQ (a
    read-through got the FAQ's answer on a new partner, and intake's next question waited)."""
    return _typed_contact(ctx.event.text) in CONTACT


def _contact_handle(ctx: Ctx) -> None:
    choice = ctx.event.button or _typed_contact(ctx.event.text)
    if choice not in CONTACT:
        ctx.say_key("pick_a_button")
        _contact_show(ctx)
        return
    ctx.state.profile.contact = choice
    low = ctx.event.text.lower()
    # Both said at once ("we got 2 kids week on week off. and shes got a new bloke"): the new partner
    # is the answer, and the children answer the next question too.
    told_shared = not ctx.event.button and any(w in low for w in (*_SHARED_WORDS, *_SHARED_LIFE_WORDS))
    if choice == "must" or (choice == "new" and told_shared):
        ctx.state.profile.shares_life = True
        show(ctx, "intake.safety")
    else:
        show(ctx, "intake.shares")


register("intake.contact", _contact_show, _contact_handle, takes_text=True, answers=_contact_answers)

SHARES_BUTTONS = (row(("Yes, we share one of those", "yes")), row(("No", "no")))


def _shares_show(ctx: Ctx) -> None:
    ctx.say_key("ask_shares", SHARES_BUTTONS)


def _shares_handle(ctx: Ctx) -> None:
    text = ctx.event.text
    first = text.lower().split()[0].strip(".,!") if text.split() else ""
    # "yes i literally just said that": the first word answers.
    shared = any(word in text.lower() for word in (*_SHARED_WORDS, *_SHARED_LIFE_WORDS))
    said_yes = _yes(text) or _yes(first) or (shared and not _no(first))
    answer = ctx.event.button or ("yes" if said_yes else "no" if _no(text) or _no(first) else "")
    if answer not in {"yes", "no"}:
        ctx.say_key("pick_a_button", SHARES_BUTTONS)
        return
    ctx.state.profile.shares_life = answer == "yes"
    show(ctx, "intake.safety")


register("intake.shares", _shares_show, _shares_handle, takes_text=True)


def _no(text: str) -> bool:
    return text.strip().lower().rstrip(".!") in {"no", "n", "nope", "nah", "no we don't", "none"}


def _safety_keyboard(ctx: Ctx) -> list[tuple[Button, ...]]:
    chosen = set(ctx.state.profile.safety_screen)
    rows = [row(((("✓ " if key in chosen else "") + label), f"s:{key}")) for key, label in SAFETY.items()]
    rows.append(row(("None of these", "none"), ("Done", "done")))
    return rows


def _safety_show(ctx: Ctx) -> None:
    ctx.say_key("ask_safety_why")
    ctx.say(ctx.t("ask_safety"), _safety_keyboard(ctx))


def _safety_handle(ctx: Ctx) -> None:
    button = ctx.event.button
    chosen = ctx.state.profile.safety_screen
    if button.startswith("s:") and button[2:] in SAFETY:
        key = button[2:]
        ctx.state.profile.safety_screen = [k for k in chosen if k != key] if key in chosen else [*chosen, key]
        ctx.say(ctx.t("safety_toggled"), _safety_keyboard(ctx))
        return
    if button == "clear":  # confirmed: none of the ticked concerns apply after all
        ctx.state.profile.safety_screen = []
    elif button == "keep":
        pass
    elif not button and (typed := _concerns_in(ctx.event.text)):
        # "He was controlling about money but not in a scary way": ticked as said, never cleared.
        ctx.state.profile.safety_screen = [*chosen, *(k for k in typed if k not in chosen)]
        ctx.say_key("safety_typed", _safety_keyboard(ctx), ticked=", ".join(SAFETY[k].lower() for k in typed))
        return
    elif button == "none" or (not button and _says_none(ctx.event.text)):
        if chosen:
            # "None of these" never silently clears a concern someone ticked: ask first.
            ticked = ", ".join(SAFETY[k].lower() for k in chosen if k in SAFETY)
            ctx.say_key(
                "safety_confirm_clear",
                [row(("Keep what I ticked", "keep")), row(("None of these apply", "clear"))],
                ticked=ticked,
            )
            return
    elif button != "done":
        ctx.say(ctx.t("pick_a_button"), _safety_keyboard(ctx))
        return
    show(ctx, "intake.timezone")


_CONCERNS = {
    "violence": re.compile(
        r"\b(hit|hits|hitting|shov\w*|push(ed|ing)?|slap\w*|punch\w*|kick\w*|chok\w*|strangl\w*|"
        r"violen\w*|physical\w*|hurt me|beat|beaten|grabbed|bruise\w*)\b"
    ),
    "threats": re.compile(r"\b(threat\w*|said (he|she|they)'?d (hurt|kill))\b"),
    "control": re.compile(
        r"\b(controll?\w*|my money|the money|about money|passwords?|read my (phone|messages)|"
        r"checked my phone|track(ed|ing)? me|isolat\w*|wouldn'?t let me|not allowed to)\b"
    ),
    "order": re.compile(r"\b(restraining|protection order|non-?molestation|injunction|court order|an order)\b"),
}


def _concerns_in(text: str) -> list[str]:
    words = " ".join(text.casefold().replace("’", "'").split())
    return [key for key, pattern in _CONCERNS.items() if pattern.search(words)]


def _says_none(text: str) -> bool:
    """ "none of these lol she wasnt like that": a no, when it names none of the concerns."""
    words = " ".join(text.casefold().replace("’", "'").split()).strip(" .!")
    said = re.match(r"^(no|none|nope|nah|nothing|never)\b", words) or _NONE_LATER.search(words)
    return bool(said) and not _concerns_in(words)


# "we roared at each other a fair bit but nothing like that" (a trial) got "Tap one of the buttons".
_NONE_LATER = re.compile(r"\b(nothing like (that|this)|none of (that|those|these|it|them)|not like that)\b")


register("intake.safety", _safety_show, _safety_handle, takes_text=True)


def _tz_buttons() -> list[tuple[Button, ...]]:
    return [
        row(*((label, f"z:{i}") for i, (label, _) in enumerate(ZONES[:3]))),
        row(*((label, f"z:{i + 3}") for i, (label, _) in enumerate(ZONES[3:]))),
    ]


def _tz_show(ctx: Ctx) -> None:
    ctx.say_key("ask_timezone", _tz_buttons())


def _tz_handle(ctx: Ctx) -> None:
    button = ctx.event.button
    zone: str | None = None
    if button.startswith("z:") and button[2:].isdigit() and int(button[2:]) < len(ZONES):
        zone = ZONES[int(button[2:])][1]
    elif not button:
        zone = parse_timezone(ctx.event.text)
    if zone is None:
        ctx.say_key("timezone_again", _tz_buttons())  # the buttons stay: a tap still answers
        return
    ctx.state.profile.timezone = zone
    if ctx.state.screen == "intake.timezone":
        ask_country(ctx, then="intake")
    else:  # changed from settings
        ctx.say_key("timezone_changed", [row(("Back", "_back"))], zone=zone)
        ctx.goto(str(ctx.state.resume_screen or "menu"))


def _tz_answers(ctx: Ctx) -> bool:
    return parse_timezone(ctx.event.text) is not None


register("intake.timezone", _tz_show, _tz_handle, takes_text=True, answers=_tz_answers)
register("settings.timezone", _tz_show, _tz_handle, takes_text=True, answers=_tz_answers)


_TIME_BUTTONS = (
    row(*((t, f"t:{t}") for t in TIMES[:3])),
    row(*((t, f"t:{t}") for t in TIMES[3:])),
    row(("No daily check-ins", "t:none")),
)


def _time_show(ctx: Ctx) -> None:
    ctx.say_key("ask_time", _TIME_BUTTONS)


def _time_handle(ctx: Ctx) -> None:
    button = ctx.event.button
    if button == "t:none":
        ctx.state.checkins.time = None
        ctx.state.checkins.stopped = True
    else:
        when = parse_clock(button[2:] if button.startswith("t:") else ctx.event.text)
        if when is None:
            ctx.say_key("time_again", _TIME_BUTTONS)  # the buttons stay: a tap still answers
            return
        both = None if button else morning_or_evening(ctx.event.text)
        if both is not None:
            morning, evening = (f"{t:%H:%M}" for t in both)
            ctx.say_key(
                "time_which",
                [row((f"{morning} in the morning", f"t:{morning}"), (f"{evening} in the evening", f"t:{evening}"))],
                morning=morning,
                evening=evening,
            )
            return
        prefs = ctx.state.checkins
        prefs.time, prefs.time_set_at, prefs.stopped = when, ctx.now, False
        quiet = quiet_hours_around(when, prefs.quiet_start, prefs.quiet_end)
        if quiet != (prefs.quiet_start, prefs.quiet_end):
            # Otherwise the check-in would wait for the morning, without a word.
            prefs.quiet_start, prefs.quiet_end = quiet
            ctx.say_key("quiet_moved", time=f"{when:%H:%M}", start=f"{quiet[0]:%H:%M}", end=f"{quiet[1]:%H:%M}")
    if ctx.state.screen == "intake.time":
        finish_intake(ctx)
    else:
        chosen = ctx.state.checkins.time
        upcoming = next_checkin(ctx.state, ctx.now)
        if chosen is not None and upcoming is not None:
            # Named, so a check-in a day later than expected (see calendar.MIN_GAP) is no surprise.
            local = upcoming.at.astimezone(ctx.zone)
            next_one = f"{human_date(upcoming.local_date, ctx.today)} at {local:%H:%M}"
            ctx.say_key("time_changed_next", [row(("Back", "_back"))], time=f"{chosen:%H:%M}", when=next_one)
        else:
            ctx.say_key(
                "time_changed", [row(("Back", "_back"))], time=chosen.strftime("%H:%M") if chosen else "never"
            )
        # Answered: a later "ok thanks" belongs to where they were, not to the time question again.
        ctx.goto(str(ctx.state.resume_screen or "menu"))


def _time_answers(ctx: Ctx) -> bool:
    return parse_clock(ctx.event.text) is not None


register("intake.time", _time_show, _time_handle, takes_text=True, answers=_time_answers)
register("settings.time", _time_show, _time_handle, takes_text=True, answers=_time_answers)


def finish_intake(ctx: Ctx) -> None:
    """Route to a track: contact is never coached when intake shows it must not be."""
    profile = ctx.state.profile
    if not profile.safety_screen and ctx.state.danger_undo is not None and "danger" in ctx.state.flags:
        # Harm only the model read in their words, and "None of these" to the question that asks.
        protect.undo_danger(ctx, quiet=True)
        ctx.say_key("danger_set_aside")
    if profile.safety_screen:
        # Harm the model read in their words, then ticked at the question that asks: it stands, and
        # is not offered back ("I may have got it wrong... That's not what happened" to a woman who
        # had just ticked violence and control).
        ctx.state.danger_undo = None
    flags: list[SafetyFlag] = list(ctx.state.flags)
    typed = frozenset(flags) & {"danger", "boundary"}  # typed during intake, and answered there
    if profile.safety_screen and "danger" not in flags:
        flags.append("danger")
    if profile.contact in {"asked", "blocked"} and "boundary" not in flags:
        flags.append("boundary")
    if profile.contact == "new" and "moved_on" not in flags:
        flags.append("moved_on")
    ctx.state.flags = flags
    ctx.state.no_contact.start = ctx.today
    ctx.state.no_contact.limited = profile.contact == "must"
    ctx.state.guide.started_on = ctx.today
    if "danger" in flags or "boundary" in flags:
        ctx.state.track = "moving_on"
        explain_route(ctx, told=typed)
    elif "moved_on" in flags:
        ctx.state.track = "moving_on"
        ctx.say_key("route_moved_on")
        if profile.shares_life:
            ctx.say_key("route_moved_on_shared")
    elif ctx.state.no_contact.limited:
        ctx.say_key("route_reconnect_limited", days=str(ctx.state.no_contact.days))
    else:
        ctx.say_key("route_reconnect", days=str(ctx.state.no_contact.days))
    upcoming = next_checkin(ctx.state, ctx.now)
    if upcoming is not None:
        local = upcoming.at.astimezone(ctx.zone)
        ctx.say_key("first_checkin", when=f"{human_date(upcoming.local_date, ctx.today)} at {local:%H:%M}")
    open_today(ctx)


# "we dont need to stay in touch. I want to do the normal no contact" (a trial, after intake read a
# shared home into "her things in the flat"): filed as a note, and limited contact stayed for weeks.
_NOTHING_SHARED = re.compile(
    r"\b(?:don'?t|do not|dont) (?:need|have) to (?:stay|be|keep) in touch\b"
    r"|\b(?:don'?t|do not|dont) share (?:anything|any thing|kids|children|a home|a flat|a house|work)\b"
    r"|\bnothing (?:practical )?(?:between us|to share|we share)\b|\bnormal no contact\b"
)


def corrects_shared(ctx: Ctx, text: str) -> bool:
    state = ctx.state
    shared = state.no_contact.limited or state.profile.shares_life
    return shared and state.guide.started_on is not None and bool(_NOTHING_SHARED.search(text.casefold()))


def undo_shared(ctx: Ctx) -> None:
    """Nothing shared after all: plain no contact, its days kept, and the check-ins ask as for anyone."""
    state = ctx.state
    state.no_contact.limited = False
    state.profile.shares_life = False
    if state.profile.contact == "must":
        state.profile.contact = "none"
    ctx.say_key("shared_undone", days=str(state.no_contact.days))

