"""Dates the way a person says them, in their own time zone: "tomorrow", "Thursday 2 April"."""

from __future__ import annotations

from datetime import date, datetime, timedelta

__all__ = ["NIGHT_ENDS_HOUR", "full_date", "human_date", "waking_day"]


def human_date(day: date, today: date) -> str:
    delta = (day - today).days
    if delta == 0:
        return "today"
    if delta == 1:
        return "tomorrow"
    if delta == -1:
        return "yesterday"
    text = f"{day:%A} {day.day} {day:%B}"
    return text if day.year == today.year or abs(delta) < 180 else f"{text} {day.year}"


def full_date(day: date) -> str:
    """"Thursday 2 April 2026": for a record that is read later."""
    return f"{day:%A} {day.day} {day:%B} {day.year}"


# Until this local hour, the night still belongs to the day before: a step read at 00:30 was that
# evening's, and "tomorrow" said then means after sleep (a trial read her step at 00:30, and that
# night's check-in said "Nothing new today").
NIGHT_ENDS_HOUR = 4


def waking_day(local: datetime) -> date:
    """The day a local time belongs to for someone awake late: yesterday's until NIGHT_ENDS_HOUR."""
    return (local - timedelta(hours=NIGHT_ENDS_HOUR)).date()
