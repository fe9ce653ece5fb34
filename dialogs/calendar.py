"""When a user's next check-in falls, in their own time zone, and where they are in no contact.

Pure: no clock, no I/O. Every function takes the state and the instant it should reason about,
so the store can recompute `next_due_at` from any state and tests can walk through a whole year.

Rules, in the order they apply to a local date:
- stopped or no chosen time: no check-in at all (during a crisis the engine turns the day's
  check-in into a gentle follow-up instead: silence is the wrong answer to someone at risk, and
  for CRISIS_NET after the crisis reply it comes even through a pause or a stop);
- never twice on one local date, never on or before `last_sent_on`;
- back-off after silence: 3 unanswered in a row, every other day; 6, weekly;
- nothing before `paused_until`, nothing on `snoozed_on`;
- a chosen time inside quiet hours moves to the end of quiet hours on that date;
- a time that does not exist (spring forward) fires at the first instant after the gap;
  a time that happens twice (fall back) fires at the first occurrence only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

from dialogs.state import CheckinPrefs, UserState

__all__ = [
    "BACKOFF_EVERY_OTHER_DAY",
    "BACKOFF_WEEKLY",
    "CATCH_UP",
    "CATCH_UP_MIN_SPACING",
    "CATCH_UP_WINDOW",
    "CHECKIN",
    "DISPATCH_SLACK",
    "FIRST_GAP",
    "MILESTONES",
    "MIN_GAP",
    "Due",
    "catch_up",
    "checkin_owed",
    "fire_at",
    "in_quiet_hours",
    "local_date",
    "milestone_for",
    "next_checkin",
    "no_contact_day",
    "no_contact_days_left",
    "no_contact_ends_on",
    "quiet_hours_around",
    "zone_of",
]

CHECKIN = "checkin"
# A missed check-in held back to a later wake-up (until quiet hours end) has its own kind: the
# scheduler names each wake-up by kind and date, and a date whose first wake-up already ran (and sent
# nothing, quiet hours holding it back) would otherwise be taken for a repeat and skipped for good.
CATCH_UP = "checkin_late"
BACKOFF_EVERY_OTHER_DAY = 3  # unanswered check-ins in a row before the rhythm slows to every other day
BACKOFF_WEEKLY = 6  # ... and before it slows to once a week
CATCH_UP_WINDOW = timedelta(hours=12)  # a missed check-in older than this (and not today) is dropped
CATCH_UP_MIN_SPACING = timedelta(hours=6)  # no catch-up this close to the next regular check-in
# A check-in moved to a later time can land just after the one already sent (23:00 moved to 00:00
# came an hour later, on the next local date); the next one then waits a day.
MIN_GAP = timedelta(hours=8)
# The first check-in does not come minutes after intake, while its first step is still open.
FIRST_GAP = timedelta(hours=1)
DISPATCH_SLACK = timedelta(minutes=30)  # how late the dispatcher may reach a row without changing the answer
MILESTONES = (1, 3, 7, 14, 21)
_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Due:
    """Something owed to one user: `at` is UTC, `local_date` the user's date it counts for."""

    at: datetime
    kind: str
    local_date: date


@lru_cache(maxsize=1024)
def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        # A stale or mistyped zone must not stop check-ins for everyone in the batch.
        return UTC


def zone_of(state: UserState) -> tzinfo:
    """The user's time zone, or UTC when the stored name is unknown."""
    return _zone(state.profile.timezone)


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("instants must be timezone-aware")
    return at


def local_date(state: UserState, at: datetime) -> date:
    """The user's local calendar date at the instant `at`."""
    return _aware(at).astimezone(zone_of(state)).date()


def in_quiet_hours(t: dt.time, start: dt.time, end: dt.time) -> bool:
    """Whether local wall time `t` is inside [start, end); the window may wrap midnight.

    start == end means there are no quiet hours.
    """
    if start == end:
        return False
    if start < end:
        return start <= t < end
    return t >= start or t < end


def quiet_hours_around(chosen: dt.time, start: dt.time, end: dt.time) -> tuple[dt.time, dt.time]:
    """Quiet hours moved so that a check-in time the person chose falls outside them: they are awake
    then. The nearer edge moves: the start to an hour after the chosen time, or the end to it."""
    if not in_quiet_hours(chosen, start, end):
        return start, end

    def minutes(t: dt.time) -> int:
        return t.hour * 60 + t.minute

    after_start = (minutes(chosen) - minutes(start)) % 1440
    before_end = (minutes(end) - minutes(chosen)) % 1440
    if after_start <= before_end and before_end > 60:
        moved = (minutes(chosen) + 60) % 1440
        return dt.time(moved // 60, moved % 60), end
    return start, chosen.replace(tzinfo=None)


def _effective_time(prefs: CheckinPrefs) -> dt.time | None:
    chosen = prefs.time
    if chosen is None:
        return None
    chosen = chosen.replace(tzinfo=None)
    if in_quiet_hours(chosen, prefs.quiet_start, prefs.quiet_end):
        return prefs.quiet_end.replace(tzinfo=None)
    return chosen


def _resolve(wall: datetime, tz: tzinfo) -> datetime:
    """The UTC instant of local wall time `wall` (naive): first occurrence, or first instant after a gap."""
    first = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) == wall:
        return first
    # Inside a gap the two folds read the wall time with the offsets before and after the
    # transition; the transition instant lies between them. Bisect to the second.
    other = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    lo, hi = sorted((int(first.timestamp()), int(other.timestamp())))
    after = datetime.fromtimestamp(hi, UTC).astimezone(tz).utcoffset()
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, UTC).astimezone(tz).utcoffset() == after:
            hi = mid
        else:
            lo = mid
    return datetime.fromtimestamp(hi, UTC)


def fire_at(state: UserState, day: date) -> datetime | None:
    """The UTC instant the check-in for local date `day` would fire, ignoring whether it is allowed."""
    effective = _day_time(state, day)
    if effective is None:
        return None
    return _resolve(datetime.combine(day, effective), zone_of(state))


# The morning after a crisis reply in the evening or the night, the check-in comes when quiet hours
# end, not at the later time they chose: a trial's woman who wrote at 01:44 of the pills by her bed
# heard nothing for 19 hours. Not when she said the reply misread her, nor sooner than this after it.
CRISIS_MORNING_AFTER = timedelta(hours=4)
_EVENING = dt.time(18)


def _day_time(state: UserState, day: date) -> dt.time | None:
    """The local time of the check-in for `day`: the chosen time, or the crisis morning's."""
    effective = _effective_time(state.checkins)
    told, misread = state.crisis_told_at, state.misread_at
    if effective is None or told is None or (misread is not None and misread >= told):
        return effective
    prefs = state.checkins
    morning = prefs.quiet_end.replace(tzinfo=None)
    told_local = told.astimezone(zone_of(state))
    if morning <= told_local.time() < _EVENING:
        return effective  # a reply in the day has that evening's check-in to follow it
    morning_day = told_local.date() if told_local.time() < morning else told_local.date() + _DAY
    if day != morning_day or effective <= morning:
        return effective
    at = _resolve(datetime.combine(day, morning), zone_of(state))
    return morning if at - told >= CRISIS_MORNING_AFTER else effective


def _min_spacing_days(unanswered: int) -> int:
    if unanswered >= BACKOFF_WEEKLY:
        return 7
    if unanswered >= BACKOFF_EVERY_OTHER_DAY:
        return 2
    return 1


def _earliest_date(prefs: CheckinPrefs) -> date | None:
    bounds = []
    if prefs.last_sent_on is not None:
        bounds.append(prefs.last_sent_on + timedelta(days=_min_spacing_days(prefs.unanswered)))
    if prefs.paused_until is not None:
        bounds.append(prefs.paused_until)
    return max(bounds) if bounds else None


def _allowed(prefs: CheckinPrefs, day: date) -> bool:
    earliest = _earliest_date(prefs)
    return (earliest is None or day >= earliest) and day != prefs.snoozed_on


def _spaced(prefs: CheckinPrefs, at: datetime) -> bool:
    """Whether a check-in at `at` comes at least MIN_GAP after the last one sent, or, for the first,
    FIRST_GAP after the time was chosen at intake."""
    if prefs.last_sent_at is not None:
        return at - prefs.last_sent_at >= MIN_GAP
    if prefs.last_sent_on is None and prefs.time_set_at is not None:
        return at - prefs.time_set_at >= FIRST_GAP
    return True


def _active(state: UserState) -> bool:
    prefs = state.checkins
    return not prefs.stopped and prefs.time is not None


# For this long after a crisis reply, while the crisis is still open, the daily follow-up comes even
# if check-ins were paused or stopped: a man who had written goodbye letters typed a stale button's
# label, "Stop for now", and nobody checked on him the next evening.
CRISIS_NET = timedelta(days=3)


def _with_crisis_net(state: UserState, now: datetime) -> UserState:
    told = state.crisis_told_at
    prefs = state.checkins
    if not state.crisis_active or told is None or now - told > CRISIS_NET:
        return state
    if not (prefs.stopped or prefs.paused_until or prefs.snoozed_on):
        return state
    open_prefs = prefs.model_copy(update={"stopped": False, "paused_until": None, "snoozed_on": None})
    return state.model_copy(update={"checkins": open_prefs})


def next_checkin(state: UserState, now: datetime) -> Due | None:
    """The next regular check-in strictly after `now`, or None when the user gets none."""
    _aware(now)
    state = _with_crisis_net(state, now)
    if not _active(state):
        return None
    prefs = state.checkins
    day = local_date(state, now)
    earliest = _earliest_date(prefs)
    if earliest is not None and earliest > day:
        day = earliest
    while True:
        if _allowed(prefs, day):
            at = fire_at(state, day)
            assert at is not None  # _active checked the chosen time
            if at > now and _spaced(prefs, at):
                return Due(at=at, kind=CHECKIN, local_date=day)
        day += _DAY


def _latest_missed(state: UserState, now: datetime) -> tuple[date, datetime] | None:
    """The most recent allowed local date whose check-in time has passed and was not sent."""
    prefs = state.checkins
    today = local_date(state, now)
    # The catch-up window is 12 hours, so only today and the two days before can still qualify.
    for back in range(3):
        day = today - timedelta(days=back)
        if prefs.last_sent_on is not None and day <= prefs.last_sent_on:
            return None
        at = fire_at(state, day)
        if at is not None and at <= now and _allowed(prefs, day) and _spaced(prefs, at):
            return day, at
    return None


def _after_quiet_hours(state: UserState, now: datetime) -> datetime:
    """`now`, or the end of the quiet hours `now` falls in."""
    prefs = state.checkins
    tz = zone_of(state)
    local = now.astimezone(tz)
    if not in_quiet_hours(local.time().replace(tzinfo=None), prefs.quiet_start, prefs.quiet_end):
        return now
    end_day = local.date()
    if local.time().replace(tzinfo=None) >= prefs.quiet_end:
        end_day += _DAY  # in the evening part of a window that wraps midnight
    return max(now, _resolve(datetime.combine(end_day, prefs.quiet_end), tz))


def _catch_up(state: UserState, now: datetime, slack: timedelta) -> Due | None:
    state = _with_crisis_net(state, now)
    regular = next_checkin(state, now)
    if regular is None:
        return None
    missed = _latest_missed(state, now)
    if missed is None:
        return regular
    day, was_due = missed
    at = _after_quiet_hours(state, now)
    if state.checkins.last_sent_on is None:
        # Never sent anything: a time that had passed when it was chosen was not missed. Without a
        # record of when it was chosen, only a dispatcher running a little late may still send it.
        chosen_at = state.checkins.time_set_at
        scheduled_after_choice = chosen_at is not None and was_due > chosen_at
        if not scheduled_after_choice and at - was_due > slack:
            return regular
    elif local_date(state, at) != day and at - was_due > CATCH_UP_WINDOW + slack:
        return regular
    if regular.at - at < CATCH_UP_MIN_SPACING - slack:
        return regular
    # Held back to a later wake-up (quiet hours): its own kind, so that wake-up is not taken for this one.
    return Due(at=at, kind=CATCH_UP if at > now else CHECKIN, local_date=day)


def catch_up(state: UserState, now: datetime) -> Due | None:
    """After downtime: the one check-in still owed, else the next regular one.

    Owed means the most recent missed local date, if the catch-up would still fall on that local
    day or within CATCH_UP_WINDOW of its time (for someone never sent a check-in, nothing is owed
    for a time that passed before they signed up). It is due now, or when the current quiet hours end;
    never more than one; and dropped if it would land within CATCH_UP_MIN_SPACING of the next
    regular check-in. Store this as `next_due_at` after a due event that sent nothing, so a
    catch-up held back by quiet hours is kept.
    """
    return _catch_up(state, now, timedelta(0))


def checkin_owed(state: UserState, now: datetime) -> Due | None:
    """The check-in to send at `now`, if any: what the engine asks when the dispatcher says one is due.

    It allows DISPATCH_SLACK on catch_up's limits, so a catch-up scheduled at the edge of its
    window is not dropped because the dispatcher reached it a few seconds late.
    """
    due = _catch_up(state, now, DISPATCH_SLACK)
    if due is None or due.at > now:
        return None
    return due


def no_contact_ends_on(state: UserState) -> date | None:
    """The local date of the last no-contact day: the day the reconnect phase opens."""
    nc = state.no_contact
    if nc.start is None or nc.days < 1:
        return None
    return nc.start + timedelta(days=nc.days - 1)


def no_contact_days_left(state: UserState, today: date) -> int:
    """Days until the reconnect phase opens; 0 from the last no-contact day on."""
    ends_on = no_contact_ends_on(state)
    if ends_on is None:
        return state.no_contact.days
    return max(0, (ends_on - today).days)


def no_contact_day(state: UserState, today: date) -> int | None:
    """Which day of no contact `today` is (the start date is day 1), or None outside the period."""
    nc = state.no_contact
    end = no_contact_ends_on(state)
    if nc.start is None or end is None or not nc.start <= today <= end:
        return None
    return (today - nc.start).days + 1


def milestone_for(day: int, length: int) -> int | None:
    """`day` if it deserves a word of its own (1, 3, 7, 14, 21 or the last day), else None."""
    if day < 1 or day > length:
        return None
    if day in MILESTONES or day == length:
        return day
    return None
