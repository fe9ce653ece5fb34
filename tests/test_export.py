"""/export as a person reads it, and /journal's pages: pure renderings of what the store holds."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from dialogs.export import export_json, export_text, readable
from dialogs.state import UserState
from dialogs.views import JOURNAL_PAGE_SIZE, JournalLine, journal_page

LONDON = ZoneInfo("Europe/London")


def _rows() -> dict[str, list[dict[str, object]]]:
    state = UserState()
    state.profile.name, state.profile.country = "Sam", "GB"
    state.safety_plan = {"coping": "a walk by the canal"}
    return {
        "processed_events": [{"event_id": "tg:u:1", "at": "2026-03-02T08:00:00Z"}],
        "outbox": [{"id": 1, "payload": "{}"}],
        "users": [{"state": state.model_dump_json(), "unreachable": 0, "next_due_at": "x"}],
        "journal": [
            {"at": "2026-03-02T23:30:00Z", "kind": "reflection", "ref": "emotions_name", "text": "numb, then angry"},
            {"at": datetime(2026, 3, 3, 9, 0, tzinfo=UTC), "kind": "checkin", "ref": "", "text": "slept a bit"},
        ],
        "checkins": [{"local_date": "2026-03-03", "mood": 2, "urge": 6, "contacted": 0}],
        "urges": [{"local_date": "2026-03-02", "strength": 8}],
        "reports": [],
    }


def test_the_export_holds_what_the_person_wrote_not_the_bookkeeping() -> None:
    data = readable(_rows(), LONDON, {"coping": "Things that help me"})
    assert set(data) == {"about you", "safety plan", "journal", "checkins", "urges", "reports"}
    raw = export_json(data).decode()
    assert "tg:u:1" not in raw and "payload" not in raw and "next_due_at" not in raw
    assert json.loads(raw)["safety plan"] == {"Things that help me": "a walk by the canal"}
    assert data["checkins"] == [{"date": "2026-03-03", "mood": 2, "urge": 6, "contacted": False}]


def test_the_text_export_reads_day_by_day_in_the_persons_time() -> None:
    text = export_text(readable(_rows(), LONDON, {"coping": "Things that help me"}), date(2026, 4, 2)).decode()
    assert text.startswith("Everything Rekindle keeps about you\nExported Thursday 2 April 2026")
    assert "  name: Sam" in text and "Things that help me: a walk by the canal" in text
    monday, tuesday = text.index("Monday 2 March 2026"), text.index("Tuesday 3 March 2026")
    assert monday < text.index("23:30 Your answer to a step") < tuesday
    assert tuesday < text.index("Check-in: mood 2 of 5, urge 6 of 10, no contact")


def test_intakes_answers_are_exported_in_the_words_of_its_buttons() -> None:
    """Trial 10: who ended it and where things stood were kept but not exported."""
    rows = _rows()
    state = UserState.model_validate_json(str(rows["users"][0]["state"]))
    state.profile.ended_by, state.profile.contact, state.profile.shares_life = "them", "must", True
    state.profile.timezone = "America/Toronto"
    rows["users"][0]["state"] = state.model_dump_json()
    data = readable(rows, LONDON, {})
    assert data["about you"]["who ended it"] == "They did"
    assert data["about you"]["where things stood"] == "We must stay in touch (children, work, home)"
    text = export_text(data, date(2026, 4, 2)).decode()
    assert "  you share children, work or a home: yes" in text
    assert "Day by day (times in America/Toronto)" in text


def _entries(n: int) -> list[JournalLine]:
    return [JournalLine(datetime(2026, 3, 1 + i, 9, tzinfo=UTC), "reflection", f"entry {i}") for i in range(n)]


def test_journal_pages_point_to_older_entries_only_while_there_are_some(kit) -> None:
    entries = _entries(JOURNAL_PAGE_SIZE * 2 + 1)
    first = journal_page(entries, 0, "", kit.content, LONDON, 7)[0].text
    assert "page 1 of 3" in first and "/journal 2" in first
    last = journal_page(entries, 2, "", kit.content, LONDON, 7)[0].text
    assert "page 3 of 3" in last and "Older entries" not in last
    beyond = journal_page(entries, 9, "", kit.content, LONDON, 7)[0].text
    assert "page 3 of 3" in beyond, "a page past the end shows the last one"
    searched = journal_page(entries, 0, "entry", kit.content, LONDON, 7)[0].text
    assert "/journal 2 entry" in searched, "the search is kept on the next page"


def test_steps_and_reasons_are_named_as_the_person_saw_them() -> None:
    rows = _rows()
    state = UserState.model_validate_json(rows["users"][0]["state"])
    state.profile.reasons = ["apart"]
    state.guide.read = ["emotions_name"]
    rows = {**rows, "users": [{**rows["users"][0], "state": state.model_dump_json()}]}
    titles = {"emotions_name": "Name what you feel"}
    data = readable(rows, LONDON, {}, lesson_titles=titles, reason_labels={"apart": "Growing apart"})
    assert data["about you"]["reasons you chose"] == ["Growing apart"]
    assert data["about you"]["steps read"] == ["Name what you feel"]
    answer = next(j for j in data["journal"] if j["text"] == "numb, then angry")
    assert answer["step"] == "Name what you feel"
    text = export_text(data, date(2026, 4, 2)).decode()
    assert "Your answer to a step (Name what you feel):" in text and "apart," not in text


def test_the_export_names_the_crisis_reply_and_the_question_and_no_countdown_on_moving_on() -> None:
    """Trial 22: the crisis reply's times and the direct question were in the database, not in the
    export; and "days 30" was shown on the moving-on path, where nothing counts down."""
    rows = _rows()
    state = UserState.model_validate_json(str(rows["users"][0]["state"]))
    state.crisis_told_at = datetime(2026, 3, 4, 21, 5, tzinfo=UTC)
    state.misread_at = datetime(2026, 3, 4, 21, 9, tzinfo=UTC)
    state.screened_on = date(2026, 3, 6)
    state.track = "moving_on"
    rows["users"][0]["state"] = state.model_dump_json()
    data = readable(rows, LONDON, {})
    notes = data["about you"]["what I noted for your safety"]
    assert notes == {
        "last crisis reply": "2026-03-04T21:05+00:00",
        "you said I had misread you": "2026-03-04T21:09+00:00",
        "last asked about thoughts of ending your life": "2026-03-06",
    }
    assert data["about you"]["no contact"]["days"] is None
    text = export_text(data, date(2026, 4, 2)).decode()
    assert "last crisis reply 2026-03-04T21:05+00:00" in text
    assert "days" not in text.split("no contact:")[1].split("\n")[0]
    assert "what I noted for your safety" not in export_text(readable(_rows(), LONDON, {}), date(2026, 4, 2)).decode()


def test_harm_by_the_person_is_exported_as_what_they_told_only() -> None:
    """Trial 27: "contact may not be safe" stood beside "worried about your own behaviour"."""
    rows = _rows()
    state = UserState.model_validate_json(str(rows["users"][0]["state"]))
    state.flags = ["danger", "danger_by_user", "boundary"]
    rows["users"][0]["state"] = state.model_dump_json()
    assert readable(rows, LONDON, {})["about you"]["why the path changed"] == [
        "worried about your own behaviour towards your ex",
        "your ex asked for no contact",
    ]
