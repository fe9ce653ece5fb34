"""Dates the way a person says them, in their own time zone: "tomorrow", "Thursday 2 April"."""

from __future__ import annotations

from datetime import date

__all__ = ["full_date", "human_date"]


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
