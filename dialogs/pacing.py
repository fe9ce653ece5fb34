"""One step a day: which lessons a person may open today, and in what order.

Pure functions of the state, the content and the person's local date. The lessons before reaching
out are spread over the whole no-contact period, so something new comes on most of its days
rather than all of it on day one; after that, one lesson a day. A person may ask for one more, at
most two extra a day, and may always review what they have read.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from dialogs.calendar import no_contact_ends_on
from dialogs.lessons import Lesson, Section, Tracks
from dialogs.state import UserState

__all__ = ["EXTRA_PER_DAY", "Plan", "sections_for", "start_track"]

EXTRA_PER_DAY = 2  # besides the day's own lesson


def _allowed(state: UserState, lesson: Lesson) -> bool:
    if lesson.needs == "shares_life" and not state.profile.shares_life:
        return False
    return not (lesson.contact_coaching and state.contact_forbidden)


def sections_for(state: UserState, tracks: Tracks, today: date) -> list[tuple[Section, str]]:
    """The sections this person walks now, each with its pacing group: before, reach_out, branch."""
    if state.track == "moving_on":
        return [(s, "moving_on") for s in tracks.moving_on.sections]
    rec = tracks.reconnect
    out = [(s, "before") for s in rec.before]
    ends = no_contact_ends_on(state)
    if ends is not None and today >= ends and not state.contact_forbidden:
        out.append((rec.reach_out, "reach_out"))
        branch = state.guide.branch
        if branch in rec.branches:
            out.append((rec.branches[branch], "branch"))
    return out


class Plan:
    """Today's view of the guide for one person."""

    def __init__(self, state: UserState, tracks: Tracks, lessons: dict[str, Lesson], today: date) -> None:
        self.state = state
        self.tracks = tracks
        self.lessons = lessons
        self.today = today
        self.order: list[tuple[str, str, Section]] = []  # (lesson id, pacing group, its section)
        for section, group in sections_for(state, tracks, today):
            for lesson_id in section.lessons:
                if _allowed(state, lessons[lesson_id]):
                    self.order.append((lesson_id, group, section))
        self.ids = [lesson_id for lesson_id, _, _ in self.order]
        read = set(state.guide.read)
        self.unread = [lesson_id for lesson_id in self.ids if lesson_id not in read]

    @property
    def opened_today(self) -> int:
        g = self.state.guide
        return g.new_today if g.new_on == self.today else 0

    def _group(self, lesson_id: str) -> str:
        return next(group for i, group, _ in self.order if i == lesson_id)

    def scheduled_before(self) -> int:
        """How many lessons before reaching out are due by today: spread over the no-contact period."""
        before = [i for i, group, _ in self.order if group == "before"]
        start = self.state.guide.started_on or self.state.no_contact.start or self.today
        # 0 on the first day; never less: the start is a calendar date, and someone who began at 00:30
        # is still on the day before by the steps' count (see dates.waking_day).
        day = max(0, (self.today - start).days)
        days = max(1, self.state.no_contact.days)
        return min(len(before), math.ceil((day + 1) * len(before) / days))

    def held(self) -> bool:
        """The next lesson reaches out, and the person asked for more time before it."""
        hold = self.state.guide.hold_until
        return bool(self.unread) and hold is not None and self.today < hold and self._group(self.unread[0]) != "before"

    def due_today(self) -> str | None:
        """Today's new lesson: one a day, and before reaching out no faster than the spread allows."""
        if self.opened_today >= 1 or not self.unread or self.held():
            return None
        lesson_id = self.unread[0]
        if self._group(lesson_id) == "before":
            read = set(self.state.guide.read)
            read_before = sum(1 for i, group, _ in self.order if group == "before" and i in read)
            return lesson_id if read_before < self.scheduled_before() else None
        return lesson_id

    def one_more(self) -> str | None:
        """The next lesson, when the person may still ask for one more today."""
        if not self.unread or self.opened_today >= 1 + EXTRA_PER_DAY or self.held():
            return None
        return self.unread[0]

    def next_opens_on(self) -> date | None:
        """When the next lesson will be due if nothing is asked for early."""
        if not self.unread:
            return None
        if self.held():
            return self.state.guide.hold_until
        if self._group(self.unread[0]) != "before":
            return self.today + timedelta(days=1)
        read = set(self.state.guide.read)
        read_before = sum(1 for i, group, _ in self.order if group == "before" and i in read)
        for ahead in range(1, 120):
            later = Plan(self.state, self.tracks, self.lessons, self.today + timedelta(days=ahead))
            if read_before < later.scheduled_before():
                return later.today
        return None

    def next_part_on(self) -> date | None:
        """With every open step read on the reconnect path, the day reaching out opens: the end of
        no contact. In a trial "You've read every step on your path" came on day 29 of 30."""
        if self.unread or self.state.track != "reconnect" or self.state.contact_forbidden:
            return None
        ends = no_contact_ends_on(self.state)
        return ends if ends is not None and self.today < ends else None

    def section_of(self, lesson_id: str) -> Section | None:
        return next((section for i, _, section in self.order if i == lesson_id), None)

    def opens_section(self, lesson_id: str) -> Section | None:
        """The lesson's section when it is the section's first lesson (its intro goes first)."""
        section = self.section_of(lesson_id)
        if section is None or next((i for i in self.ids if self.section_of(i) is section), None) != lesson_id:
            return None
        return section


def start_track(state: UserState, track: str, today: date) -> None:
    """Move to a track; its lessons are paced from today, and lessons already read are not repeated."""
    if state.track != track:
        state.track = track  # type: ignore[assignment]
        state.guide.started_on = today
        state.guide.branch = ""
