"""Progress summaries: fortnight windows, streaks, no-contact count, low mood, and the words used."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dialogs.progress import CheckinRecord, UrgeRecord, summarise, summary_text

TODAY = date(2025, 3, 31)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def mood(days_ago: int, value: int) -> CheckinRecord:
    return CheckinRecord(ago(days_ago), value, None, None)


def test_empty_history_is_friendly() -> None:
    summary = summarise([], [], TODAY, None, 30)
    assert summary.days_of_data == 0 and summary.streak == 0 and summary.mood.now is None
    text = summary_text(summary, "Ana")
    assert text.startswith("Ana, there is nothing to show yet")
    assert text.endswith("?")
    assert not re.search(r"\d", text)
    assert summary_text(summary, "").startswith("There is nothing")


def test_empty_history_still_shows_the_no_contact_day() -> None:
    text = summary_text(summarise([], [], TODAY, ago(4), 30), "Ana")
    assert "day 5 of 30" in text


def test_mood_up_from_one_fortnight_to_the_next() -> None:
    before = [mood(20 + i, v) for i, v in enumerate([2, 2, 2, 2, 2, 2, 3])]  # 2.14
    now = [mood(i, v) for i, v in enumerate([3, 3, 4, 3, 4, 3, 4])]  # 3.43
    summary = summarise(before + now, [], TODAY, None, 30)
    assert summary.mood.direction == "up"
    assert summary.mood.now_answers == 7 and summary.mood.before_answers == 7
    assert "Your mood is up from 2.1 to 3.4 this fortnight." in summary_text(summary, "Ana")


def test_mood_down_is_said_without_blame() -> None:
    records = [mood(15 + i, 4) for i in range(4)] + [mood(i, 3) for i in range(4)]
    text = summary_text(summarise(records, [], TODAY, None, 30), "")
    assert "down from 4.0" in text and "averaged 3.0" in text
    assert "do not wipe out" in text


def test_small_change_is_steady() -> None:
    records = [mood(15 + i, 3) for i in range(10)] + [mood(i, v) for i, v in enumerate([3, 3, 3, 3, 3, 3, 4])]
    summary = summarise(records, [], TODAY, None, 30)
    assert summary.mood.direction == "same"
    assert "held at about 3.1" in summary_text(summary, "")


def test_fortnight_boundaries_and_future_records() -> None:
    records = [mood(0, 5), mood(13, 5), mood(14, 1), mood(27, 1), mood(28, 3), mood(-1, 2)]
    summary = summarise(records, [], TODAY, None, 30)
    assert (summary.mood.now, summary.mood.now_answers) == (5.0, 2)
    assert (summary.mood.before, summary.mood.before_answers) == (1.0, 2)
    assert summary.days_of_data == 5  # the record dated tomorrow is ignored


def test_too_few_answers_are_not_compared() -> None:
    records = [mood(20, 1), mood(21, 1), mood(1, 5), mood(2, 5), mood(3, 5)]
    summary = summarise(records, [], TODAY, None, 30)
    assert summary.mood.direction is None
    text = summary_text(summary, "")
    assert "averaged 5.0 out of 5" in text and "up from" not in text


def test_urge_combines_check_ins_and_urge_notes() -> None:
    checkins = [CheckinRecord(ago(20 + i), None, 8, False) for i in range(3)]
    checkins += [CheckinRecord(ago(i), None, 3, False) for i in range(3)]
    urges = [UrgeRecord(ago(16), 9), UrgeRecord(ago(1), 5), UrgeRecord(ago(40), 10)]
    summary = summarise(checkins, urges, TODAY, None, 30)
    assert summary.urge.now == pytest.approx((3 * 3 + 5) / 4)
    assert summary.urge.before == pytest.approx((3 * 8 + 9) / 4)
    assert summary.urge.direction == "down"
    assert summary.urge_notes_now == 1
    assert "eased from 8.2 to 3.5 out of 10" in summary_text(summary, "")


def test_urge_up_is_met_with_understanding() -> None:
    checkins = [CheckinRecord(ago(15 + i), None, 2, None) for i in range(3)]
    checkins += [CheckinRecord(ago(i), None, 6, None) for i in range(3)]
    text = summary_text(summarise(checkins, [], TODAY, None, 30), "")
    assert "stronger lately, 6.0 out of 10 against 2.0" in text


@pytest.mark.parametrize(
    ("answered_days_ago", "streak", "phrase"),
    [
        ([0, 1, 2, 4], 3, "checked in 3 days running"),
        ([1, 2, 3, 4, 5], 5, "checked in 5 days running"),
        ([0], 1, "You checked in today."),
        ([1, 3], 1, "You checked in yesterday."),
        ([2, 3, 4, 5], 0, None),
        ([], 0, None),
    ],
)
def test_streak(answered_days_ago: list[int], streak: int, phrase: str | None) -> None:
    checkins = [CheckinRecord(ago(d), None, None, False) for d in answered_days_ago]
    checkins.append(CheckinRecord(ago(0), None, None, None))  # sent but not answered: does not count
    summary = summarise(checkins, [UrgeRecord(ago(0), 4)], TODAY, None, 30)
    assert summary.streak == streak
    text = summary_text(summary, "")
    if phrase:
        assert phrase in text
    else:
        assert "checked in" not in text
    assert not re.search(r"\b(miss|missed|lost|broke|broken|reset|failed)\b", text)


@pytest.mark.parametrize(
    ("start", "days", "day", "phrase"),
    [
        (ago(0), 30, 1, "Today is day 1 of 30 of no contact."),
        (ago(29), 30, 30, "Today is day 30 of 30 of no contact."),
        (ago(30), 30, 31, "You have completed your 30 days of no contact."),
        (ago(59), 60, 60, "day 60 of 60"),
        (TODAY + timedelta(days=2), 30, None, None),
        (None, 30, None, None),
    ],
)
def test_no_contact_day(start: date | None, days: int, day: int | None, phrase: str | None) -> None:
    summary = summarise([mood(0, 3)], [], TODAY, start, days)
    assert summary.no_contact_day == day
    text = summary_text(summary, "")
    if phrase:
        assert phrase in text
    else:
        assert "no contact" not in text


@pytest.mark.parametrize(
    ("values", "low"),
    [
        ([2] * 7, True),
        ([1, 1, 2, 2, 3, 3, 2], True),  # exactly 2.0
        ([1] * 6, False),  # too few answers to say so
        ([2, 2, 2, 2, 2, 2, 3], False),  # 2.14
        ([1] * 20, True),
    ],
)
def test_low_mood(values: list[int], low: bool) -> None:
    records = [mood(i % 14, v) for i, v in enumerate(values)]
    summary = summarise(records, [], TODAY, None, 30)
    assert summary.low_mood is low
    assert ("counsellor" in summary_text(summary, "")) is low


def test_old_low_mood_does_not_count() -> None:
    records = [mood(14 + i, 1) for i in range(10)] + [mood(0, 4)]
    assert summarise(records, [], TODAY, None, 30).low_mood is False


def test_days_of_data_counts_distinct_days() -> None:
    checkins = [mood(0, 3), mood(0, 4), mood(3, 3)]
    urges = [UrgeRecord(ago(3), 2), UrgeRecord(ago(5), 7)]
    summary = summarise(checkins, urges, TODAY, None, 30)
    assert summary.days_of_data == 3
    assert "A few more check-ins" not in summary_text(summary, "")
    assert "A few more check-ins" in summary_text(summarise([mood(0, 3)], [], TODAY, None, 30), "")


@pytest.mark.parametrize(
    "make",
    [
        lambda: CheckinRecord(TODAY, 0, None, None),
        lambda: CheckinRecord(TODAY, 6, None, None),
        lambda: CheckinRecord(TODAY, None, 11, None),
        lambda: CheckinRecord(TODAY, None, -1, None),
        lambda: UrgeRecord(TODAY, 11),
        lambda: UrgeRecord(TODAY, -1),
    ],
)
def test_out_of_range_records_are_refused(make: object) -> None:
    assert callable(make)
    with pytest.raises(ValueError):
        make()


def test_records_can_arrive_as_any_iterable() -> None:
    summary = summarise((mood(i, 4) for i in range(3)), iter([UrgeRecord(ago(1), 3)]), TODAY, None, 30)
    assert summary.mood.now_answers == 3 and summary.urge.now_answers == 1


checkin_strategy = st.builds(
    CheckinRecord,
    local_date=st.dates(min_value=ago(120), max_value=TODAY + timedelta(days=3)),
    mood=st.none() | st.integers(1, 5),
    urge=st.none() | st.integers(0, 10),
    contacted=st.none() | st.booleans(),
)
urge_strategy = st.builds(
    UrgeRecord, local_date=st.dates(min_value=ago(120), max_value=TODAY), strength=st.integers(0, 10)
)


@settings(max_examples=200, deadline=None)
@given(
    checkins=st.lists(checkin_strategy, max_size=80),
    urges=st.lists(urge_strategy, max_size=30),
    start=st.none() | st.dates(min_value=ago(100), max_value=TODAY + timedelta(days=5)),
    days=st.sampled_from([21, 30, 45, 60]),
    name=st.text(st.characters(exclude_characters="!"), max_size=60),
)
def test_summary_text_is_short_and_never_shames(
    checkins: list[CheckinRecord], urges: list[UrgeRecord], start: date | None, days: int, name: str
) -> None:
    summary = summarise(checkins, urges, TODAY, start, days)
    text = summary_text(summary, name)
    assert 0 < len(text) <= 700
    assert "!" not in text
    ours = text.replace(name, " ") if name.strip() else text  # the person's own name is theirs ("failed")
    assert not re.search(r"\b(missed|lost|broke|failed|only managed|should have)\b", ours)
    assert summary.streak <= summary.days_of_data
    for trend in (summary.mood, summary.urge):
        assert trend.now is None or trend.now_answers > 0


def test_a_limited_contact_count_is_called_limited_contact() -> None:
    summary = summarise([mood(0, 3)], [], TODAY, ago(19), 45)
    text = summary_text(summary, "", limited=True)
    assert "Today is day 20 of 45 of limited contact." in text and "no contact" not in text
    assert text.startswith("Here is how"), "no name: no lower-case 'friend' opening the sentence"


def test_a_few_days_of_check_ins_are_not_called_two_weeks() -> None:
    """Trial 11: "here is how the last two weeks look" six days after starting."""
    text = summary_text(summarise([mood(1, 2), mood(2, 3)], [], TODAY, ago(6), 30), "Jay")
    assert "two weeks" not in text and text.startswith("Jay, here is how your recent days look.")
