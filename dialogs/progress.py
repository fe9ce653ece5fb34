"""Progress from check-ins and urge notes: what changed this fortnight, said warmly and honestly.

Pure functions over records the service reads from the store. A missed day is never a loss here:
the streak counts answered days and is simply not mentioned when there is none.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import fmean
from typing import Literal

__all__ = [
    "FORTNIGHT",
    "CheckinRecord",
    "ProgressSummary",
    "Trend",
    "UrgeRecord",
    "summarise",
    "summary_text",
]

FORTNIGHT = 14
MIN_TO_COMPARE = 3  # answers needed in each fortnight before saying "up" or "down"
LOW_MOOD_AVERAGE = 2.0
LOW_MOOD_MIN_ANSWERS = 7
_STEADY = 0.25  # changes smaller than this are "about the same"


@dataclass(frozen=True, slots=True)
class CheckinRecord:
    """One answered (or partly answered) daily check-in. Mood is 1-5, urge 0-10."""

    local_date: date
    mood: int | None
    urge: int | None
    contacted: bool | None

    def __post_init__(self) -> None:
        if self.mood is not None and not 1 <= self.mood <= 5:
            raise ValueError(f"mood must be 1-5, not {self.mood}")
        if self.urge is not None and not 0 <= self.urge <= 10:
            raise ValueError(f"urge must be 0-10, not {self.urge}")

    @property
    def answered(self) -> bool:
        return self.mood is not None or self.urge is not None or self.contacted is not None


@dataclass(frozen=True, slots=True)
class UrgeRecord:
    """A moment the user noted an urge to contact their ex, with its strength 0-10."""

    local_date: date
    strength: int

    def __post_init__(self) -> None:
        if not 0 <= self.strength <= 10:
            raise ValueError(f"strength must be 0-10, not {self.strength}")


@dataclass(frozen=True, slots=True)
class Trend:
    """Averages for the last 14 local days (today included) and the 14 before them."""

    now: float | None
    before: float | None
    now_answers: int
    before_answers: int

    @property
    def direction(self) -> Literal["up", "down", "same"] | None:
        """None when either fortnight has too few answers to compare honestly."""
        if self.now is None or self.before is None:
            return None
        if min(self.now_answers, self.before_answers) < MIN_TO_COMPARE:
            return None
        change = self.now - self.before
        if abs(change) < _STEADY or f"{self.now:.1f}" == f"{self.before:.1f}":
            return "same"
        return "up" if change > 0 else "down"


@dataclass(frozen=True, slots=True)
class ProgressSummary:
    today: date
    days_of_data: int  # distinct local days with an answered check-in or an urge note
    mood: Trend
    urge: Trend  # check-in urge ratings and urge notes together, both 0-10
    urge_notes_now: int  # urge notes in the last 14 days
    streak: int  # consecutive days with an answered check-in, ending today or yesterday
    streak_includes_today: bool
    no_contact_day: int | None  # 1 on the first day; None when no count is running
    no_contact_days: int
    low_mood: bool

    @property
    def no_contact_done(self) -> bool:
        return self.no_contact_day is not None and self.no_contact_day > self.no_contact_days


def _trend(values: list[tuple[date, int]], today: date) -> Trend:
    this_start = today - timedelta(days=FORTNIGHT - 1)
    before_start = this_start - timedelta(days=FORTNIGHT)
    now = [v for d, v in values if this_start <= d <= today]
    before = [v for d, v in values if before_start <= d < this_start]
    return Trend(fmean(now) if now else None, fmean(before) if before else None, len(now), len(before))


def _streak(answered_days: set[date], today: date) -> tuple[int, bool]:
    day = today if today in answered_days else today - timedelta(days=1)
    includes_today = day == today
    count = 0
    while day in answered_days:
        count += 1
        day -= timedelta(days=1)
    return count, includes_today and count > 0


def summarise(
    checkins: Iterable[CheckinRecord],
    urges: Iterable[UrgeRecord],
    today: date,
    no_contact_start: date | None,
    no_contact_days: int,
) -> ProgressSummary:
    """Summarise everything up to `today` (the user's local date); later records are ignored."""
    answered = [c for c in checkins if c.answered and c.local_date <= today]
    notes = [u for u in urges if u.local_date <= today]
    moods = [(c.local_date, c.mood) for c in answered if c.mood is not None]
    urge_values = [(c.local_date, c.urge) for c in answered if c.urge is not None]
    urge_values += [(u.local_date, u.strength) for u in notes]
    mood = _trend(moods, today)
    streak, includes_today = _streak({c.local_date for c in answered}, today)
    day: int | None = None
    if no_contact_start is not None and no_contact_start <= today:
        day = (today - no_contact_start).days + 1
    recent = today - timedelta(days=FORTNIGHT - 1)
    return ProgressSummary(
        today=today,
        days_of_data=len({c.local_date for c in answered} | {u.local_date for u in notes}),
        mood=mood,
        urge=_trend(urge_values, today),
        urge_notes_now=sum(1 for u in notes if u.local_date >= recent),
        streak=streak,
        streak_includes_today=includes_today,
        no_contact_day=day,
        no_contact_days=no_contact_days,
        low_mood=(
            mood.now is not None and mood.now_answers >= LOW_MOOD_MIN_ANSWERS and mood.now <= LOW_MOOD_AVERAGE
        ),
    )


def _n(value: float | None) -> str:
    return f"{value or 0:.1f}"


def _mood_line(t: Trend) -> str | None:
    match t.direction:
        case "up":
            return f"Your mood is up from {_n(t.before)} to {_n(t.now)} this fortnight."
        case "down":
            return (
                f"Your mood averaged {_n(t.now)} this fortnight, down from {_n(t.before)}. Harder "
                "stretches are part of this and do not wipe out the ground you have gained."
            )
        case "same":
            return f"Your mood has held at about {_n(t.now)} out of 5, much like the fortnight before."
    if t.now is None:
        return None
    return f"Your mood has averaged {_n(t.now)} out of 5 lately."  # "two weeks" after six days read wrong


def _urge_line(t: Trend) -> str | None:
    match t.direction:
        case "down":
            return f"The urge to get in touch has eased from {_n(t.before)} to {_n(t.now)} out of 10."
        case "up":
            return (
                f"The urge to get in touch has been stronger lately, {_n(t.now)} out of 10 against "
                f"{_n(t.before)} before. Urges come in waves, and noticing them is how you ride them out."
            )
        case "same":
            return f"The urge to get in touch is about where it was, around {_n(t.now)} out of 10."
    if t.now is None:
        return None
    return f"The urge to get in touch has averaged {_n(t.now)} out of 10 lately."


def _streak_line(s: ProgressSummary) -> str | None:
    if s.streak >= 2:
        return f"You have checked in {s.streak} days running."
    if s.streak == 1:
        return "You checked in today." if s.streak_includes_today else "You checked in yesterday."
    return None


def _no_contact_line(s: ProgressSummary, limited: bool) -> str | None:
    if s.no_contact_day is None:
        return None
    kind = "limited contact" if limited else "no contact"
    if s.no_contact_done:
        return f"You have completed your {s.no_contact_days} days of {kind}."
    return f"Today is day {s.no_contact_day} of {s.no_contact_days} of {kind}."


def summary_text(summary: ProgressSummary, name: str, *, limited: bool = False) -> str:
    """A few plain sentences for the user. Never counts misses and never promises an outcome.
    `limited`: the count is of limited contact (practical messages only), not of no contact."""
    name = " ".join(name.split())[:40]
    if summary.days_of_data == 0:
        hello = f"{name}, there" if name else "There"
        line = _no_contact_line(summary, limited)
        return " ".join(
            part
            for part in (
                f"{hello} is nothing to show yet, and that is fine.",
                line,
                "After a few check-ins I can show you how your mood and the urge to get in touch "
                "are moving. Shall we do today's check-in?",
            )
            if part
        )
    lines = [
        f"{name}, here is how your recent days look." if name else "Here is how your recent days look.",
        _mood_line(summary.mood),
        _urge_line(summary.urge),
        _streak_line(summary),
        _no_contact_line(summary, limited),
    ]
    if summary.days_of_data < MIN_TO_COMPARE:
        lines.append("A few more check-ins will make the picture clearer.")
    if summary.low_mood:
        lines.append(
            "Your mood has been low for most of these two weeks, and that is a lot to carry. Would it "
            "help to talk it through with someone you trust, or with a counsellor?"
        )
    return " ".join(line for line in lines if line)
