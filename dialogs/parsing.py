"""Understand typed answers: "3 weeks ago", "9am", "21:30", "Europe/Berlin", "berlin", "UTC+2"."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

__all__ = ["morning_or_evening", "parse_ago", "parse_clock", "parse_int", "parse_timezone"]

_UNITS = {"day": 1, "week": 7, "month": 30, "year": 365}
_WORD_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "a couple of": 2,
    "a few": 3,
    "couple of": 2,
    "few": 3,
}


def parse_ago(text: str, today: date) -> date | None:
    """A past date from "yesterday", "3 weeks ago", "2 months", "last week", "2026-10-01"."""
    t = " ".join(text.lower().strip().split())
    if not t:
        return None
    if t in {"today", "tonight", "this morning"}:
        return today
    if t in {"yesterday", "last night"}:
        return today - timedelta(days=1)
    m = re.fullmatch(r"last (day|week|month|year)", t)
    if m:
        return today - timedelta(days=_UNITS[m.group(1)])
    try:
        parsed = date.fromisoformat(t)
    except ValueError:
        parsed = None
    if parsed is not None:
        return parsed if parsed <= today else None
    m = re.search(
        r"(\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|(?:a )?couple of|(?:a )?few)"
        r"\s*(day|week|month|year)s?",
        t,
    )
    if not m:
        return None
    raw = m.group(1)
    count = int(raw) if raw.isdigit() else _WORD_NUMBERS.get(raw, 0)
    if count <= 0 or count > 100:
        return None
    return today - timedelta(days=count * _UNITS[m.group(2)])


# A time inside a sentence must say it is one: "11pm", "9:30", "noon" ("like 9" could be anything).
_CLOCK_IN_TEXT = re.compile(
    r"(?<![\d:.])(\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)|\d{1,2}[:.]\d{2})(?![\d\w])|\b(noon|midday|midnight)\b"
)


_HOUR_NAMES = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
_HOUR_WORDS = {word: str(n) for n, word in enumerate(_HOUR_NAMES, 1)}
_HOUR_WORD = re.compile(r"\b(" + "|".join(_HOUR_WORDS) + r")\b(?!-)")
_MINUTES = {"five": 5, "ten": 10, "quarter": 15, "a quarter": 15, "twenty": 20, "twenty five": 25,
            "twenty-five": 25}  # fmt: skip
_MINUTE_WORDS = "|".join(sorted(_MINUTES, key=len, reverse=True))
_HOUR = r"(\d{1,2}|" + "|".join(_HOUR_NAMES) + r")"
_SPOKEN_CLOCK = (
    (re.compile(rf"\b({_MINUTE_WORDS}) past {_HOUR}\b"), lambda m: f"{_hour(m.group(2))}:{_MINUTES[m.group(1)]:02d}"),
    (re.compile(rf"\b({_MINUTE_WORDS}) to {_HOUR}\b"),
     lambda m: f"{(int(_hour(m.group(2))) - 1) % 24}:{60 - _MINUTES[m.group(1)]:02d}"),
    (re.compile(rf"\bhalf (?:past )?{_HOUR}\b"), lambda m: f"{_hour(m.group(1))}:30"),
    (_HOUR_WORD, lambda m: _HOUR_WORDS[m.group(1)]),
    (re.compile(r"\b(\d{1,2}(?::\d{2})?) ?o'?clock\b"), lambda m: m.group(1)),
    (re.compile(r"\b(\d{1,2}(?::\d{2})?) ?(?:in the (?:evening|afternoon)|at night|tonight)\b"),
     lambda m: f"{m.group(1)}pm"),
    (re.compile(r"\b(\d{1,2}(?::\d{2})?) ?in the morning\b"), lambda m: f"{m.group(1)}am"),
)


def _hour(word: str) -> str:
    return _HOUR_WORDS.get(word, word)


# "20h30", "21h": how much of Europe writes the time (trial 28's Paris student got "I couldn't read that").
_H_CLOCK = re.compile(r"(?<![\d:.])(?<!in )(?<!for )(?<!every )(?<!within )([01]?\d|2[0-3])h([0-5]\d)?\b")
_ISH = re.compile(r"(?<![\d:.])(\d{1,2}(?::\d{2})?) ?-?ish\b")
_PM_WORDS = re.compile(r"\b(?:arvo|afternoon|evening|tonight|at night|after work|after dinner)\b")
_AM_WORDS = re.compile(r"\b(?:morning|mornings|brekkie|breakfast|before work)\b")
_TIME_LEAD = re.compile(r"\b(?:like|around|about|at|by|maybe|after|before|say)\s*$")
_BARE_HOUR = re.compile(
    r"(?<![\d:.])(\d{1,2}(?::\d{2})?)"
    r"(?![\d:.]|\s*(?:am|pm|a\.m|p\.m|st|nd|rd|th|days?|weeks?|months?|mins?|hours?|hrs?|%))"
)


def _spoken(text: str) -> str:
    """The way people say times, in digits: "half 11" (11:30), "ten to ten" (9:50), "9 o'clock",
    "10 at night", "5ish", and one bare hour beside a word for the half of the day ("arvo? like
    5ish" is 5pm)."""
    t = text.lower().replace("’", "'")
    t = _H_CLOCK.sub(lambda m: f"{m.group(1)}:{m.group(2) or '00'}", t)
    for pattern, digits in _SPOKEN_CLOCK:
        t = pattern.sub(digits, t)
    t = _ISH.sub(r"\1", t)
    hours = [m for m in _BARE_HOUR.finditer(t) if 1 <= int(m.group(1).split(":")[0]) <= 11]
    pm, am = bool(_PM_WORDS.search(t)), bool(_AM_WORDS.search(t))
    # Only where the number is plainly the time: a few words, or "like/around/at 5" ("i have 2 kids,
    # busy in the evening" has no time in it).
    timed = len(hours) == 1 and (len(t.split()) <= 6 or _TIME_LEAD.search(t[: hours[0].start()]) is not None)
    if timed and pm != am:
        m = hours[0]
        t = f"{t[: m.start()]}{m.group(1)}{'pm' if pm else 'am'}{t[m.end():]}"
    return t


def parse_clock(text: str) -> time | None:
    """A time of day from "9", "9am", "9:30 pm", "21:30", "21.30", "noon", "half 11", "quarter to
    10", "10 at night", or from a sentence with exactly one such time in it ("evening, like 9pm")."""
    text = _spoken(text)
    exact = _clock(text)
    if exact is not None:
        return exact
    found = {_clock(m.group(0)) for m in _CLOCK_IN_TEXT.finditer(text.lower())}
    found.discard(None)
    return found.pop() if len(found) == 1 else None


_SAYS_WHICH_HALF = re.compile(r"(am|pm|a\.m|p\.m)\b|\b(morning|afternoon|evening|night|tonight)\b|\b0\d")


def morning_or_evening(text: str) -> tuple[time, time] | None:
    """Both readings of a typed time that could be either ("half 10", "7:30"), or None when the
    words settle it ("10pm", "09:00", "10 at night", "21:30"). In a trial "half 10", meant at night,
    was set to 10:30 in the morning."""
    when = parse_clock(text)
    if when is None or not 1 <= when.hour <= 11 or _SAYS_WHICH_HALF.search(text.lower()):
        return None
    return when, time(when.hour + 12, when.minute)


def _clock(text: str) -> time | None:
    t = text.lower().strip().replace(".", ":").replace(" ", "")
    if t in {"noon", "midday"}:
        return time(12, 0)
    if t == "midnight":
        return time(0, 0)
    m = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?(am|pm|a|p)?", t)
    if not m:
        return None
    hour, minute, suffix = int(m.group(1)), int(m.group(2) or 0), m.group(3)
    if suffix:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix.startswith("p") else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


@cache
def _zones_by_city() -> dict[str, str]:
    zones: dict[str, str] = {}
    for name in sorted(available_timezones()):
        if "/" not in name or name.startswith(("Etc/", "SystemV/", "US/")):
            continue
        city = name.rsplit("/", 1)[1].lower().replace("_", " ")
        zones.setdefault(city, name)
    return zones


_ALIASES = {
    "uk": "Europe/London",
    "england": "Europe/London",
    "scotland": "Europe/London",
    "wales": "Europe/London",
    "ireland": "Europe/Dublin",
    "germany": "Europe/Berlin",
    "france": "Europe/Paris",
    "spain": "Europe/Madrid",
    "italy": "Europe/Rome",
    "new york": "America/New_York",
    "nyc": "America/New_York",
    "la": "America/Los_Angeles",
    "san francisco": "America/Los_Angeles",
    "seattle": "America/Los_Angeles",
    "eastern": "America/New_York",
    "central": "America/Chicago",
    "mountain": "America/Denver",
    "pacific": "America/Los_Angeles",
    "est": "America/New_York",
    "pst": "America/Los_Angeles",
    "cst": "America/Chicago",
    "india": "Asia/Kolkata",
    "japan": "Asia/Tokyo",
    # Big cities whose zone is named after another one: people type where they live.
    **dict.fromkeys(
        ("manchester", "birmingham", "leeds", "liverpool", "bristol", "sheffield", "newcastle",
         "nottingham", "leicester", "brighton", "glasgow", "edinburgh", "cardiff", "belfast"),
        "Europe/London",
    ),
    **dict.fromkeys(("cork", "galway", "limerick"), "Europe/Dublin"),
    **dict.fromkeys(("boston", "philadelphia", "washington", "atlanta", "miami", "dc"), "America/New_York"),
    **dict.fromkeys(("houston", "dallas", "austin", "minneapolis", "new orleans"), "America/Chicago"),
    **dict.fromkeys(("san diego", "portland", "las vegas", "sacramento"), "America/Los_Angeles"),
    **dict.fromkeys(("ottawa", "montreal", "quebec"), "America/Toronto"),
    "calgary": "America/Edmonton",
    **dict.fromkeys(("canberra", "newcastle nsw"), "Australia/Sydney"),
    **dict.fromkeys(("wellington", "christchurch"), "Pacific/Auckland"),
    **dict.fromkeys(("mumbai", "delhi", "new delhi", "bangalore", "bengaluru", "chennai", "hyderabad", "pune"),
                    "Asia/Kolkata"),
    **dict.fromkeys(("munich", "hamburg", "cologne", "frankfurt"), "Europe/Berlin"),
    **dict.fromkeys(("lyon", "marseille", "toulouse", "nice"), "Europe/Paris"),
    **dict.fromkeys(("barcelona", "valencia", "seville"), "Europe/Madrid"),
    "utc": "UTC",
    "gmt": "UTC",
}


def parse_timezone(text: str) -> str | None:
    """An IANA zone name from a zone, a city, a few country names, or an offset like "UTC+2"."""
    raw = text.strip()
    if not raw or len(raw) > 64:
        return None
    try:
        ZoneInfo(raw)
        if raw in available_timezones():
            return raw
    except (ZoneInfoNotFoundError, ValueError):
        pass
    # "Toronto, Canada." (a trial); "Paris 🇫🇷" (another): punctuation and emoji are no part of a place.
    low = " ".join(re.sub(r"[^\w\s,/+:'-]", " ", raw.lower().replace("_", " ")).split()).strip(" .!,")
    for name in available_timezones():
        if name.lower() == low.replace(" ", "_"):
            return name
    if low in _ALIASES:
        return _ALIASES[low]
    m = re.fullmatch(r"(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?::00)?", low)
    if m and int(m.group(2)) <= 14:
        hours = int(m.group(2))
        if hours == 0:
            return "UTC"
        # The Etc/GMT zones have the POSIX sign, which is the opposite of what people write.
        return f"Etc/GMT{'-' if m.group(1) == '+' else '+'}{hours}"
    found = _zones_by_city().get(low)
    if found is None and (place := _PLACE_THEN_COUNTRY.fullmatch(low)) is not None:
        return parse_timezone(place.group(1))  # "manchester uk", "cork, ireland"
    return found


_PLACE_THEN_COUNTRY = re.compile(
    r"(.+?)[\s,]+(?:uk|u\.k\.|england|scotland|wales|ireland|usa|us|america|canada|australia|nz|"
    r"new zealand|india|germany|france|spain)"
)


def parse_int(text: str, low: int, high: int) -> int | None:
    m = re.search(r"-?\d+", text)
    if not m:
        return None
    value = int(m.group(0))
    return value if low <= value <= high else None


_YES_WORDS = frozenset(
    {"yes", "y", "yeah", "yea", "yep", "yup", "ok", "okay", "sure", "yes please", "please", "do it", "go ahead",
     "please do", "i'm sure", "im sure", "i am sure", "yes i'm sure", "yes im sure", "confirm"}
)  # fmt: skip
_NO_WORDS = frozenset(
    {"no", "n", "nope", "nah", "no thanks", "cancel", "don't", "dont", "never mind", "nevermind", "not now",
     "wait", "stop", "keep it"}
)  # fmt: skip


def parse_yes_no(text: str) -> bool | None:
    """A typed answer to a yes-or-no question: True, False, or None when it is neither."""
    words = " ".join(re.sub(r"[^\w' ]", " ", text.lower().replace("’", "'")).split())
    if words in _YES_WORDS:
        return True
    return False if words in _NO_WORDS else None


_AGE = re.compile(
    r"\b(?:i'm|im|i am|age|aged|just turned|turned)\s+(\d{1,2})\b(?!\s*(?:am|pm|:|weeks?|days?|months?))"
    r"|\b(\d{1,2})\s*(?:yo|y/o|yrs?(?: old)?|years? old)\b"
)
_AGREE = re.compile(
    r"\b(?:yes|yeah|yea|ya|yep|yup|ok|okay|k|sure|agree|agreed|i agree|grand|fine|go on|go ahead|lets go|let's go"
    r"|deal|sounds good|alright|all right|cool|happy to|count me in|start|begin)\b"
)
_UNDER_18 = re.compile(
    r"\b(?:under|below|not yet|not|almost|nearly) (?:18|eighteen)\b|\b(?:a )?minor\b|\bi'?m a (?:kid|teen|teenager)\b"
)
_ADULT = re.compile(r"\b(?:18|eighteen)\b|\b(?:an |over |i'm |im |am )?adult\b|\bold enough\b|\bof age\b")
_REFUSE = re.compile(
    r"^(?:no|nah|nope|not now|not yet|later|maybe later|don't|dont)\b|\bi (?:don't|dont|do not) agree\b"
)
_ASKS = re.compile(
    r"\b(?:is (?:this|it|that) (?:for|ok|okay|free|right|suitable|meant|only)|are you|do you|does (?:it|this)"
    r"|can (?:i|you|it)|what (?:is|are|do|does)|whats|how (?:do|does|much|long)|who (?:is|are)|am i (?:too|the))\b"
)
_ABOUT_AGE = re.compile(r"\b(?:age|old|older|young|younger|youngsters|kids|teens?|teenagers?)\b")
_NEGATED = re.compile(r"\b(?:not|never|no)\b|n't\b|\bdont\b|\bcant\b")
_ASKS_WHAT_IS_KEPT = re.compile(
    r"\b(?:what|which)\b.*\b(?:keep|kept|store|stored|save|saved|data|collect|see)\b|\bprivacy\b|\bwho (?:can )?sees?\b"
)


def stated_age(text: str) -> int | None:
    """An age the person gives in passing ("ya grand im 24 go on"), or None."""
    m = _AGE.search(text.lower().replace("’", "'"))
    if m is None:
        return None
    return int(m.group(1) or m.group(2))


def parse_consent(text: str) -> str:
    """A typed answer to the consent question: "agree" (agreement with an adult age), "yes" (agreement
    that says nothing of age), "no", "data" (they ask what is kept), "minor" (an age under 18), or ""
    when it is none of them."""
    words = " ".join(re.sub(r"[^\w'/ ]", " ", text.lower().replace("’", "'")).split())
    words = re.sub(r"\bno (?:problem|worries|bother)\b", "fine", words)
    age = stated_age(words)
    if (age is not None and age < 18) or _UNDER_18.search(words):
        return "minor"
    if parse_yes_no(words) is False or _REFUSE.search(words):
        return "no"
    if _ASKS_WHAT_IS_KEPT.search(words):
        return "data"
    if _NEGATED.search(words):
        return ""  # "i'm not ok" is not agreement
    if ("?" in text or _ASKS.search(words)) and not _AGREE.search(words):
        # "im 52 is this for someone my age or is it for youngsters": a question, not a yes (a trial's
        # was taken as agreement, and intake began before she had agreed to anything).
        return "age_question" if _ABOUT_AGE.search(words) else ""
    if age is not None or _ADULT.search(words):
        return "agree"
    if parse_yes_no(words) or _AGREE.search(words):
        return "yes"  # agreement that says nothing of age: the age is asked
    return ""
