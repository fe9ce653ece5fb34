"""The check-in calendar: one check-in per local day, in the user's own zone, through DST and downtime."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialogs import calendar as cal
from dialogs.parsing import parse_clock, parse_timezone
from dialogs.state import UserState

NO_QUIET = dt.time(0, 0)
LAG = timedelta(seconds=17)  # how late the dispatcher reaches a row


def make_state(
    zone: str,
    at: dt.time | None,
    *,
    quiet: tuple[dt.time, dt.time] | None = None,
    **prefs: object,
) -> UserState:
    state = UserState()
    state.profile.timezone = zone
    state.checkins.time = at
    if quiet is not None:
        state.checkins.quiet_start, state.checkins.quiet_end = quiet
    for name, value in prefs.items():
        setattr(state.checkins, name, value)
    return state


def local(zone: str, year: int, month: int, day: int, hour: int, minute: int, second: int = 0) -> datetime:
    """An aware instant from local wall-clock fields (first occurrence)."""
    return datetime(year, month, day, hour, minute, second, tzinfo=ZoneInfo(zone))


def send(state: UserState, due: cal.Due, *, answered: bool) -> None:
    """What the engine records when it sends a check-in (and, if answered, when the user replies)."""
    state.checkins.last_sent_on, state.checkins.last_sent_at = due.local_date, due.at
    state.checkins.unanswered = 0 if answered else state.checkins.unanswered + 1
    if answered:
        state.checkins.last_answered_on = due.local_date


# --- a whole year in three zones that change their clocks differently -------------------------

YEAR_CASES = [
    # zone, chosen time, days in 2026 on which it falls in a gap, days on which it happens twice
    ("America/Los_Angeles", dt.time(2, 30), 1, 0),
    ("America/Los_Angeles", dt.time(1, 30), 0, 1),
    ("America/Los_Angeles", dt.time(9, 0), 0, 0),
    ("Europe/Helsinki", dt.time(3, 30), 1, 1),
    ("Europe/Helsinki", dt.time(19, 45), 0, 0),
    ("Australia/Lord_Howe", dt.time(2, 15), 1, 0),
    ("Australia/Lord_Howe", dt.time(1, 45), 0, 1),
]


@pytest.mark.parametrize(("zone", "chosen", "gaps", "repeats"), YEAR_CASES)
def test_one_checkin_per_local_day_for_a_whole_year(
    zone: str, chosen: dt.time, gaps: int, repeats: int
) -> None:
    del repeats  # checked below, by test_repeated_hour_fires_at_its_first_occurrence
    tz = ZoneInfo(zone)
    state = make_state(zone, chosen, quiet=(NO_QUIET, NO_QUIET))
    now = local(zone, 2026, 1, 1, 0, 0)
    sent: list[date] = []
    seen_gaps = 0
    while True:
        due = cal.next_checkin(state, now)
        assert due is not None
        assert due.at > now
        if due.local_date.year > 2026:
            break
        now = due.at + LAG
        # The engine's question when the dispatcher hands it the row: owed now, for that date.
        assert cal.checkin_owed(state, now) == cal.Due(now, "checkin", due.local_date)
        wall = due.at.astimezone(tz)
        assert wall.date() == due.local_date
        if wall.time() == chosen:
            # First occurrence: the same wall time half an hour or an hour earlier is another day's time.
            for back in (timedelta(minutes=30), timedelta(hours=1)):
                earlier = (due.at - back).astimezone(tz)
                assert earlier.time() != chosen, f"{due} is the second occurrence of {chosen}"
        else:
            # Inside a spring-forward gap: the first valid instant after it, which is the transition.
            assert wall.time() > chosen
            before = (due.at - timedelta(seconds=1)).astimezone(tz)
            assert before.utcoffset() != wall.utcoffset()
            assert before.replace(tzinfo=None).time() < chosen
            seen_gaps += 1
        sent.append(due.local_date)
        send(state, due, answered=True)
        assert cal.checkin_owed(state, now) is None  # answered and recorded: nothing owed twice

    year = [date(2026, 1, 1) + timedelta(days=i) for i in range(365)]
    assert sent == year
    assert seen_gaps == gaps


@pytest.mark.parametrize(("zone", "chosen", "gaps", "repeats"), YEAR_CASES)
def test_repeated_hour_fires_at_its_first_occurrence(
    zone: str, chosen: dt.time, gaps: int, repeats: int
) -> None:
    del gaps
    tz = ZoneInfo(zone)
    state = make_state(zone, chosen, quiet=(NO_QUIET, NO_QUIET))
    found = 0
    day = date(2026, 1, 1)
    while day.year == 2026:
        at = cal.fire_at(state, day)
        assert at is not None
        first = datetime.combine(day, chosen, tzinfo=tz)
        second = first.replace(fold=1)
        if first.utcoffset() != second.utcoffset() and first.astimezone(UTC).astimezone(tz) == first:
            found += 1
            assert at == first.astimezone(UTC)
            assert at < second.astimezone(UTC)
        day += timedelta(days=1)
    assert found == repeats


# --- quiet hours -----------------------------------------------------------------------------


def test_time_inside_default_quiet_hours_moves_to_their_end() -> None:
    state = make_state("Europe/Helsinki", dt.time(23, 15))
    due = cal.next_checkin(state, local("Europe/Helsinki", 2026, 6, 1, 12, 0))
    assert due is not None
    assert due.at.astimezone(ZoneInfo("Europe/Helsinki")) == local("Europe/Helsinki", 2026, 6, 2, 8, 0)
    assert due.local_date == date(2026, 6, 2)


def test_quiet_hours_that_do_not_wrap_midnight() -> None:
    state = make_state("UTC", dt.time(13, 30), quiet=(dt.time(13, 0), dt.time(15, 0)))
    due = cal.next_checkin(state, datetime(2026, 6, 1, 9, 0, tzinfo=UTC))
    assert due == cal.Due(datetime(2026, 6, 1, 15, 0, tzinfo=UTC), "checkin", date(2026, 6, 1))
    state.checkins.time = dt.time(12, 59)
    due = cal.next_checkin(state, datetime(2026, 6, 1, 9, 0, tzinfo=UTC))
    assert due is not None
    assert due.at == datetime(2026, 6, 1, 12, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    ("t", "start", "end", "inside"),
    [
        (dt.time(23, 0), dt.time(22, 0), dt.time(8, 0), True),
        (dt.time(3, 0), dt.time(22, 0), dt.time(8, 0), True),
        (dt.time(8, 0), dt.time(22, 0), dt.time(8, 0), False),
        (dt.time(21, 59), dt.time(22, 0), dt.time(8, 0), False),
        (dt.time(22, 0), dt.time(22, 0), dt.time(8, 0), True),
        (dt.time(12, 0), dt.time(12, 0), dt.time(12, 0), False),
    ],
)
def test_in_quiet_hours(t: dt.time, start: dt.time, end: dt.time, inside: bool) -> None:
    assert cal.in_quiet_hours(t, start, end) is inside


def test_late_dispatch_in_quiet_hours_waits_for_morning() -> None:
    zone = "America/Los_Angeles"
    state = make_state(zone, dt.time(21, 55), last_sent_on=date(2026, 5, 31))
    due = cal.next_checkin(state, local(zone, 2026, 6, 1, 12, 0))
    assert due is not None
    late = local(zone, 2026, 6, 1, 22, 1)  # the dispatcher fell six minutes behind
    assert cal.checkin_owed(state, late) is None
    held = cal.catch_up(state, late)
    assert held == cal.Due(local(zone, 2026, 6, 2, 8, 0).astimezone(UTC), cal.CATCH_UP, date(2026, 6, 1))
    owed = cal.checkin_owed(state, held.at + LAG)
    assert owed is not None
    assert owed.local_date == date(2026, 6, 1)
    send(state, owed, answered=False)
    nxt = cal.next_checkin(state, held.at + LAG)
    assert nxt is not None
    assert nxt.at == local(zone, 2026, 6, 2, 21, 55).astimezone(UTC)


# --- pause, snooze, stop, crisis -----------------------------------------------------------------


def test_nothing_when_stopped_or_unset_and_a_crisis_keeps_its_time() -> None:
    now = datetime(2026, 6, 1, tzinfo=UTC)
    assert cal.next_checkin(make_state("UTC", dt.time(9, 0), stopped=True), now) is None
    assert cal.next_checkin(make_state("UTC", None), now) is None
    crisis = make_state("UTC", dt.time(9, 0))
    crisis.crisis_active = True
    # Its engine turns the day's check-in into a follow-up (tests/test_safety_zones.py), never silence.
    due = cal.next_checkin(crisis, now)
    assert due is not None and due.at == datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def test_pause_resumes_on_its_local_date() -> None:
    zone = "Pacific/Kiritimati"  # UTC+14: its local date is usually a day ahead of UTC's
    state = make_state(zone, dt.time(9, 0), paused_until=date(2026, 6, 5))
    due = cal.next_checkin(state, datetime(2026, 6, 1, tzinfo=UTC))
    assert due is not None
    assert due.local_date == date(2026, 6, 5)
    assert due.at == local(zone, 2026, 6, 5, 9, 0).astimezone(UTC)
    assert due.at.date() == date(2026, 6, 4)


def test_snooze_skips_only_that_day() -> None:
    zone = "Europe/Helsinki"
    state = make_state(zone, dt.time(18, 0), snoozed_on=date(2026, 6, 1))
    due = cal.next_checkin(state, local(zone, 2026, 6, 1, 10, 0))
    assert due is not None
    assert due.local_date == date(2026, 6, 2)
    state.checkins.snoozed_on = None
    due = cal.next_checkin(state, local(zone, 2026, 6, 1, 10, 0))
    assert due is not None
    assert due.local_date == date(2026, 6, 1)


def test_unknown_time_zone_falls_back_to_utc() -> None:
    for name in ("Mars/Olympus_Mons", "", "../../etc/passwd", "America"):
        state = make_state(name, dt.time(9, 0))
        due = cal.next_checkin(state, datetime(2026, 6, 1, 10, 0, tzinfo=UTC))
        assert due == cal.Due(datetime(2026, 6, 2, 9, 0, tzinfo=UTC), "checkin", date(2026, 6, 2))


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        cal.next_checkin(make_state("UTC", dt.time(9, 0)), datetime(2026, 6, 1))


# --- back-off after silence ----------------------------------------------------------------------


def test_back_off_after_silence_and_reply_restores_daily() -> None:
    zone = "America/Los_Angeles"
    state = make_state(zone, dt.time(9, 0))
    now = local(zone, 2026, 1, 1, 0, 0)
    start = date(2026, 1, 1)
    offsets: list[int] = []
    for _ in range(8):
        due = cal.next_checkin(state, now)
        assert due is not None
        offsets.append((due.local_date - start).days)
        now = due.at + LAG
        send(state, due, answered=False)
    # Daily three times, then every other day three times, then weekly.
    assert offsets == [0, 1, 2, 4, 6, 8, 15, 22]
    state.checkins.unanswered = 0  # any reply
    due = cal.next_checkin(state, now)
    assert due is not None
    assert (due.local_date - start).days == 23


# --- a change of time zone -------------------------------------------------------------------------


def test_time_zone_change_moves_the_next_checkin() -> None:
    state = make_state("America/Los_Angeles", dt.time(9, 0))
    now = local("America/Los_Angeles", 2026, 6, 1, 9, 0, 30)
    send(state, cal.Due(now, "checkin", date(2026, 6, 1)), answered=True)
    before = cal.next_checkin(state, now)
    assert before is not None
    assert before.at == local("America/Los_Angeles", 2026, 6, 2, 9, 0).astimezone(UTC)
    state.profile.timezone = "Europe/Helsinki"
    after = cal.next_checkin(state, now)
    helsinki_nine = local("Europe/Helsinki", 2026, 6, 2, 9, 0).astimezone(UTC)
    assert after == cal.Due(helsinki_nine, "checkin", date(2026, 6, 2))
    # Flying west: never a second check-in for a local date already sent.
    state.profile.timezone = "Pacific/Honolulu"
    west = cal.next_checkin(state, now)
    assert west is not None
    assert west.local_date == date(2026, 6, 2)


def test_a_time_moved_past_midnight_does_not_bring_a_second_check_in_an_hour_later() -> None:
    zone = "Europe/London"
    state = make_state(zone, dt.time(23, 0), quiet=(NO_QUIET, NO_QUIET))
    sent = local(zone, 2026, 3, 2, 23, 0).astimezone(UTC)
    send(state, cal.Due(sent, "checkin", date(2026, 3, 2)), answered=True)
    state.checkins.time = dt.time(0, 0)  # moved at 23:10, an hour before the next local date's time
    moved = sent + timedelta(minutes=10)
    upcoming = cal.next_checkin(state, moved)
    assert upcoming == cal.Due(local(zone, 2026, 3, 4, 0, 0).astimezone(UTC), "checkin", date(2026, 3, 4))
    just_after = local(zone, 2026, 3, 3, 0, 5).astimezone(UTC)
    assert cal.checkin_owed(state, just_after) is None, "nor is the skipped one owed as a catch-up"
    # Moved the other way, the next morning is far enough from last night's.
    state.checkins.time = dt.time(8, 0)
    morning = cal.next_checkin(state, moved)
    assert morning is not None and morning.local_date == date(2026, 3, 3)


# --- after downtime ----------------------------------------------------------------------------


def test_three_days_down_gives_exactly_one_catch_up_then_the_normal_rhythm() -> None:
    zone = "Europe/Helsinki"
    state = make_state(zone, dt.time(9, 0), last_sent_on=date(2026, 6, 1))
    back_up = local(zone, 2026, 6, 4, 15, 0)  # down since the evening of June 1
    owed = cal.checkin_owed(state, back_up)
    assert owed == cal.Due(back_up, "checkin", date(2026, 6, 4))
    assert cal.catch_up(state, back_up) == owed
    send(state, owed, answered=False)
    now = back_up
    sent = [owed.local_date]
    for _ in range(3):
        assert cal.checkin_owed(state, now + timedelta(minutes=5)) is None
        due = cal.next_checkin(state, now)
        assert due is not None
        assert due.at.astimezone(ZoneInfo(zone)).time() == dt.time(9, 0)
        now = due.at + LAG
        assert cal.checkin_owed(state, now) == cal.Due(now, "checkin", due.local_date)
        send(state, due, answered=True)
        sent.append(due.local_date)
    assert sent == [date(2026, 6, d) for d in (4, 5, 6, 7)]


def test_downtime_ending_before_the_time_owes_nothing_extra() -> None:
    zone = "Europe/Helsinki"
    state = make_state(zone, dt.time(9, 0), last_sent_on=date(2026, 6, 1))
    back_up = local(zone, 2026, 6, 4, 8, 30)  # June 3's time passed 23.5 hours ago
    assert cal.checkin_owed(state, back_up) is None
    assert cal.catch_up(state, back_up) == cal.next_checkin(state, back_up)
    assert cal.catch_up(state, back_up) == cal.Due(
        local(zone, 2026, 6, 4, 9, 0).astimezone(UTC), "checkin", date(2026, 6, 4)
    )


def test_catch_up_for_last_night_within_twelve_hours() -> None:
    zone = "Australia/Lord_Howe"
    quiet = (dt.time(23, 0), dt.time(7, 0))
    state = make_state(zone, dt.time(20, 0), quiet=quiet, last_sent_on=date(2026, 6, 1))
    back_up = local(zone, 2026, 6, 3, 22, 30)  # June 2 and June 3 missed; June 3 only 2.5 h ago
    assert cal.checkin_owed(state, back_up) == cal.Due(back_up, "checkin", date(2026, 6, 3))
    # The same restart half an hour later is inside quiet hours: wait for 07:00, still for June 3.
    later = local(zone, 2026, 6, 3, 23, 30)
    assert cal.checkin_owed(state, later) is None
    held = cal.catch_up(state, later)
    assert held == cal.Due(local(zone, 2026, 6, 4, 7, 0).astimezone(UTC), cal.CATCH_UP, date(2026, 6, 3))
    owed = cal.checkin_owed(state, held.at + LAG)
    assert owed is not None
    assert owed.local_date == date(2026, 6, 3)
    # Had the time been 18:00, 07:00 would be 13 hours late: skip to the regular one instead.
    state.checkins.time = dt.time(18, 0)
    assert cal.catch_up(state, later) == cal.Due(
        local(zone, 2026, 6, 4, 18, 0).astimezone(UTC), "checkin", date(2026, 6, 4)
    )


def test_no_catch_up_right_before_the_next_regular_one() -> None:
    zone = "UTC"
    quiet = (dt.time(23, 0), dt.time(6, 0))
    state = make_state(zone, dt.time(9, 0), quiet=quiet, last_sent_on=date(2026, 6, 1))
    # June 2's 09:00 was missed; at 23:30 the catch-up would wait to 06:00, three hours before June 3's.
    late = datetime(2026, 6, 2, 23, 30, tzinfo=UTC)
    assert cal.catch_up(state, late) == cal.next_checkin(state, late)


def test_catch_up_respects_snooze_and_pause() -> None:
    zone = "UTC"
    now = datetime(2026, 6, 2, 15, 0, tzinfo=UTC)
    snoozed = make_state(zone, dt.time(9, 0), last_sent_on=date(2026, 6, 1), snoozed_on=date(2026, 6, 2))
    assert cal.checkin_owed(snoozed, now) is None
    paused = make_state(zone, dt.time(9, 0), last_sent_on=date(2026, 6, 1), paused_until=date(2026, 6, 9))
    assert cal.checkin_owed(paused, now) is None
    resumed = cal.Due(datetime(2026, 6, 9, 9, 0, tzinfo=UTC), "checkin", date(2026, 6, 9))
    assert cal.catch_up(paused, now) == resumed


# --- no contact ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("told", "misread", "due"),
    [
        (local("America/Toronto", 2026, 11, 6, 1, 44), False, local("America/Toronto", 2026, 11, 6, 8, 0)),
        (local("America/Toronto", 2026, 11, 5, 21, 30), False, local("America/Toronto", 2026, 11, 6, 8, 0)),
        (local("America/Toronto", 2026, 11, 6, 1, 44), True, local("America/Toronto", 2026, 11, 6, 20, 30)),
        (local("America/Toronto", 2026, 11, 6, 6, 30), False, local("America/Toronto", 2026, 11, 6, 20, 30)),
        (local("America/Toronto", 2026, 11, 5, 14, 0), False, local("America/Toronto", 2026, 11, 5, 20, 30)),
    ],
    ids=["at night", "in the evening", "said it misread", "too near the morning", "in the day"],
)
def test_the_morning_after_a_night_crisis_reply_the_check_in_comes_early(told, misread, due) -> None:
    """Trial 10: a crisis at 01:44 was followed up at the evening check-in, 19 hours later."""
    state = make_state("America/Toronto", dt.time(20, 30))
    state.crisis_told_at = told.astimezone(UTC)
    state.misread_at = (told + timedelta(minutes=5)).astimezone(UTC) if misread else None
    nxt = cal.next_checkin(state, told.astimezone(UTC) + timedelta(minutes=1))
    assert nxt is not None and nxt.at == due.astimezone(UTC)
    send(state, nxt, answered=True)
    after = cal.next_checkin(state, nxt.at + LAG)
    assert after is not None and after.local_date == nxt.local_date + timedelta(days=1), "no second that day"
    assert after.at.astimezone(ZoneInfo("America/Toronto")).time() == dt.time(20, 30), "then the chosen time"


def test_no_contact_days_milestones_and_unlock_on_the_local_day() -> None:
    zone = "Pacific/Auckland"
    state = make_state(zone, dt.time(7, 30), quiet=(dt.time(22, 0), dt.time(7, 0)))
    state.no_contact.start = date(2026, 3, 1)
    state.no_contact.days = 30
    assert cal.no_contact_ends_on(state) == date(2026, 3, 30)

    now = local(zone, 2026, 2, 27, 12, 0)
    milestones: dict[int, date] = {}
    unlocked_on: date | None = None
    while unlocked_on is None:
        due = cal.next_checkin(state, now)
        assert due is not None
        now = due.at + LAG
        today = cal.local_date(state, now)
        assert today == due.local_date
        assert due.at.date() == today - timedelta(days=1)  # still yesterday in UTC
        day = cal.no_contact_day(state, today)
        if day is not None:
            mark = cal.milestone_for(day, state.no_contact.days)
            if mark is not None:
                milestones[mark] = today
        if today == cal.no_contact_ends_on(state):
            unlocked_on = today
        send(state, due, answered=True)

    assert milestones == {
        1: date(2026, 3, 1),
        3: date(2026, 3, 3),
        7: date(2026, 3, 7),
        14: date(2026, 3, 14),
        21: date(2026, 3, 21),
        30: date(2026, 3, 30),
    }
    assert unlocked_on == date(2026, 3, 30)
    assert cal.no_contact_day(state, date(2026, 2, 28)) is None
    assert cal.no_contact_day(state, date(2026, 3, 31)) is None


def test_no_contact_without_a_start() -> None:
    state = UserState()
    assert cal.no_contact_day(state, date(2026, 1, 1)) is None
    assert cal.no_contact_ends_on(state) is None


@pytest.mark.parametrize(
    ("day", "length", "expected"),
    [(1, 30, 1), (2, 30, None), (3, 30, 3), (7, 21, 7), (21, 21, 21), (30, 30, 30), (29, 30, None),
     (45, 45, 45), (21, 45, 21), (22, 21, None), (0, 30, None)],
)
def test_milestone_for(day: int, length: int, expected: int | None) -> None:
    assert cal.milestone_for(day, length) == expected


# --- properties ----------------------------------------------------------------------------------

ZONES = sorted(available_timezones())
times = st.times()
instants = st.datetimes(
    min_value=datetime(1995, 1, 1), max_value=datetime(2045, 1, 1), timezones=st.just(UTC)
)


@st.composite
def states(draw: st.DrawFn) -> tuple[UserState, datetime]:
    now = draw(instants)
    base = now.date()
    near = st.one_of(st.none(), st.integers(-10, 10).map(lambda d: base + timedelta(days=d)))
    state = make_state(
        draw(st.sampled_from(ZONES)),
        draw(times),
        quiet=(draw(times), draw(times)),
        last_sent_on=draw(near),
        paused_until=draw(near),
        snoozed_on=draw(near),
        unanswered=draw(st.integers(0, 10)),
    )
    return state, now


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(states())
def test_next_checkin_is_after_now_and_after_the_last_sent_date(case: tuple[UserState, datetime]) -> None:
    state, now = case
    prefs = state.checkins
    for due in (cal.next_checkin(state, now), cal.catch_up(state, now)):
        assert due is not None
        assert due.at.tzinfo is not None
        assert due.at >= now
        if prefs.last_sent_on is not None:
            assert due.local_date > prefs.last_sent_on
        if prefs.paused_until is not None:
            assert due.local_date >= prefs.paused_until
        assert due.local_date != prefs.snoozed_on
    regular = cal.next_checkin(state, now)
    assert regular is not None
    assert regular.at > now
    owed = cal.checkin_owed(state, now)
    if owed is not None:
        assert owed.local_date < regular.local_date
        assert cal.local_date(state, owed.at) >= owed.local_date


@settings(max_examples=200)
@given(states())
def test_sending_what_is_owed_leaves_nothing_owed(case: tuple[UserState, datetime]) -> None:
    state, now = case
    owed = cal.checkin_owed(state, now)
    if owed is not None:
        send(state, owed, answered=False)
    assert cal.checkin_owed(state, now) is None


def test_someone_never_sent_a_checkin_is_owed_none_for_a_time_just_chosen() -> None:
    # They pick 09:00 at 10:30: the first check-in is tomorrow's, not one right away.
    state = make_state("Europe/Helsinki", dt.time(9, 0))
    now = local("Europe/Helsinki", 2026, 6, 1, 10, 30)
    assert cal.checkin_owed(state, now) is None
    assert cal.catch_up(state, now) == cal.next_checkin(state, now)
    assert cal.catch_up(state, now) == cal.Due(
        local("Europe/Helsinki", 2026, 6, 2, 9, 0).astimezone(UTC), "checkin", date(2026, 6, 2)
    )
    # Their first check-in, reached by a dispatcher a minute late, is still sent.
    late = local("Europe/Helsinki", 2026, 6, 2, 9, 1)
    assert cal.checkin_owed(state, late) == cal.Due(late, "checkin", date(2026, 6, 2))


@pytest.mark.parametrize(
    ("chosen", "quiet", "moved"),
    [
        (dt.time(23, 0), (dt.time(22, 0), dt.time(8, 0)), (dt.time(0, 0), dt.time(8, 0))),
        (dt.time(1, 0), (dt.time(22, 0), dt.time(8, 0)), (dt.time(2, 0), dt.time(8, 0))),
        (dt.time(6, 30), (dt.time(22, 0), dt.time(8, 0)), (dt.time(22, 0), dt.time(6, 30))),
        (dt.time(14, 30), (dt.time(13, 0), dt.time(15, 0)), (dt.time(13, 0), dt.time(14, 30))),
        (dt.time(21, 30), (dt.time(22, 0), dt.time(8, 0)), (dt.time(22, 0), dt.time(8, 0))),
    ],
)
def test_quiet_hours_move_out_of_the_way_of_a_chosen_time(
    chosen: dt.time, quiet: tuple[dt.time, dt.time], moved: tuple[dt.time, dt.time]
) -> None:
    assert cal.quiet_hours_around(chosen, *quiet) == moved
    assert not cal.in_quiet_hours(chosen, *moved)


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("9", dt.time(9, 0)),
        ("21.30", dt.time(21, 30)),
        ("like 11pm im never up before that", dt.time(23, 0)),
        ("evening, like 9pm", dt.time(21, 0)),
        ("around 7.30 am pls", dt.time(7, 30)),
        ("noon i guess", dt.time(12, 0)),
        ("like 9", None),  # a bare number in a sentence could mean anything
        ("between 8am and 9am", None),  # two times: ask again rather than guess
        ("i have 2 kids", None),
        ("half 11", dt.time(11, 30)),  # said in Britain and Ireland: half past
        ("half 10 at night", dt.time(22, 30)),
        ("quarter to 10", dt.time(9, 45)),
        ("quarter past 8 in the morning", dt.time(8, 15)),
        ("10 o'clock at night", dt.time(22, 0)),
        ("maybe 9 in the evening", dt.time(21, 0)),
        ("at ten to ten in the evening, bedtime is running late", dt.time(21, 50)),
        ("twenty past nine", dt.time(9, 20)),
        ("nine pm", dt.time(21, 0)),
        ("i have two kids", None),
        ("arvo? like 5ish", dt.time(17, 0)),  # a trial in Melbourne
        ("after work, 6ish", dt.time(18, 0)),
        ("mornings, around 7", dt.time(7, 0)),
        ("i have 2 kids and im busiest in the evening", None),
        ("20h30 if possible", dt.time(20, 30)),  # trial 28, in Paris
        ("21h", dt.time(21, 0)),
        ("in 2h", None),
    ],
)
def test_a_check_in_time_is_read_from_a_sentence_only_when_it_says_one(text: str, when: dt.time | None) -> None:
    assert parse_clock(text) == when


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("manchester", "Europe/London"),
        ("manchester uk", "Europe/London"),
        ("Toronto, Canada.", "America/Toronto"),
        ("Cork, Ireland", "Europe/Dublin"),
        ("sydney australia", "Australia/Sydney"),
        ("bengaluru", "Asia/Kolkata"),
        ("Europe/Berlin", "Europe/Berlin"),
        ("utc+2", "Etc/GMT-2"),
        ("Paris 🇫🇷", "Europe/Paris"),  # trial 28
        ("nowhere land", None),
    ],
)
def test_a_time_zone_is_found_from_where_people_say_they_live(text: str, zone: str | None) -> None:
    assert parse_timezone(text) == zone
