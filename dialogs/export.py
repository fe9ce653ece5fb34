"""What /export sends: everything kept about a person, as a text they can read, day by day, and as
JSON with the same content. The store's own bookkeeping (which events were seen, what waits in the
outbox, delivery flags) is not theirs to read and is left out.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from dialogs.dates import full_date
from dialogs.intake_labels import CONTACT, ENDED_BY
from dialogs.state import UserState

__all__ = ["export_json", "export_text", "readable"]

KIND_LABELS = {
    "reflection": "Your answer to a step",
    "practice": "A practice",
    "checkin": "Check-in note",
    "urge": "What set off an urge",
    "unsent": "An unsent message",
    "intake": "First thoughts",
    "plan": "Safety plan",
    "note": "A note you wrote",
}
_FLAGS = {
    "danger": "contact may not be safe",
    "danger_by_user": "worried about your own behaviour towards your ex",
    "boundary": "your ex asked for no contact",
    "moved_on": "your ex is with someone new",
}
Rows = Mapping[str, Sequence[Mapping[str, Any]]]


def _reasons(flags: Sequence[str]) -> list[str]:
    """Harm by the person is kept under "danger" too; their export says only what they told."""
    return [f for f in flags if not (f == "danger" and "danger_by_user" in flags)]


def _at(value: Any, zone: tzinfo) -> datetime:
    """A stored time (ISO text on SQLite, a datetime on PostgreSQL) in the person's own zone."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    else:
        moment = datetime.fromtimestamp(float(value), UTC)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(zone)


def _safety_notes(state: UserState, zone: tzinfo) -> dict[str, str]:
    """When the crisis reply came and what they said to it, and the direct question: kept, so theirs to
    read (a trial found them in the database and not in the export)."""
    def when(at: datetime | None) -> str | None:
        return at.astimezone(zone).isoformat(timespec="minutes") if at is not None else None

    notes = {
        "last crisis reply": when(state.crisis_told_at),
        "you said you were safe": when(state.safe_at),
        "you said I had misread you": when(state.misread_at),
        "last asked about thoughts of ending your life": state.screened_on.isoformat() if state.screened_on else None,
        "you answered no": when(state.screen_declined_at),
        "you asked me not to keep asking": when(state.stop_asking_at),
    }
    return {k: v for k, v in notes.items() if v}


def readable(
    rows: Rows,
    zone: tzinfo,
    safety_plan_titles: Mapping[str, str],
    *,
    lesson_titles: Mapping[str, str] | None = None,
    reason_labels: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The person's data in their own terms: about them, their plan, and each day's entries. Steps and
    reasons are named as the person saw them, not by the ids the bot keeps them under."""
    steps = lesson_titles or {}
    reasons = reason_labels or {}
    users = rows.get("users") or []
    state = (
        UserState.model_validate_json(users[0]["state"]) if users and users[0].get("state") else UserState()
    )
    p = state.profile
    about = {
        "name": p.name,
        "path": "moving on" if state.track == "moving_on" else "reconnecting",
        "why the path changed": [_FLAGS[f] for f in _reasons(state.flags) if f in _FLAGS],
        "breakup date": p.breakup_date.isoformat() if p.breakup_date else None,
        "who ended it": ENDED_BY.get(p.ended_by),
        "reasons you chose": [reasons.get(r, r) for r in p.reasons],
        "where things stood": CONTACT.get(p.contact),
        "you share children, work or a home": "yes" if p.shares_life else "no",
        "concerns you ticked": list(p.safety_screen),
        "country for helplines": p.country or None,
        "time zone": p.timezone,
        "daily check-in": None if state.checkins.stopped or not state.checkins.time else f"{state.checkins.time:%H:%M}",
        # On moving on there is no countdown: "days 30" there read as wrong (a trial).
        "no contact": {"from": state.no_contact.start.isoformat() if state.no_contact.start else None,
                       "days": state.no_contact.days if state.track == "reconnect" else None,
                       "slips": state.no_contact.slips},
        "what I noted for your safety": _safety_notes(state, zone),
        "steps read": [steps.get(i, i) for i in state.guide.read],
        "agreed to the terms": state.consented_at.isoformat() if state.consented_at else None,
        **({"the last words you typed, not saved as a note": state.unfiled} if state.unfiled else {}),
    }  # fmt: skip
    plan = {safety_plan_titles.get(k, k): v for k, v in state.safety_plan.items()}
    journal = [
        {"at": _at(r["at"], zone).isoformat(timespec="minutes"), "kind": KIND_LABELS.get(r["kind"], r["kind"]),
         **({"step": steps[r["ref"]]} if r.get("ref") in steps else {}), "text": r["text"]}
        for r in rows.get("journal", [])
    ]  # fmt: skip
    checkins = [
        {
            "date": str(r["local_date"]),
            "mood": r.get("mood"),
            "urge": r.get("urge"),
            "contacted": r.get("contacted"),
        }
        for r in rows.get("checkins", [])
    ]
    urges = [{"date": str(r["local_date"]), "strength": r.get("strength")} for r in rows.get("urges", [])]
    reports = [
        {
            "at": _at(r["at"], zone).isoformat(timespec="minutes"),
            "note": r.get("note"),
            "reply": r.get("reply"),
        }
        for r in rows.get("reports", [])
    ]
    return {"about you": about, "safety plan": plan, "journal": journal, "checkins": checkins,
            "urges": urges, "reports": reports}  # fmt: skip


def export_json(data: Mapping[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str).encode()


def export_text(data: Mapping[str, Any], today: date) -> bytes:
    """The same, for reading: about you, your safety plan, then day by day."""
    out = ["Everything Rekindle keeps about you", f"Exported {full_date(today)}", ""]
    out.append("About you")
    for key, value in data["about you"].items():
        if value in (None, [], "", {}):
            continue
        if isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items() if v is not None)
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        out.append(f"  {key}: {value}")
    if data["safety plan"]:
        out += ["", "Your safety plan"] + [
            f"  {title}: {answer}" for title, answer in data["safety plan"].items()
        ]
    days: dict[str, list[str]] = defaultdict(list)
    for c in data["checkins"]:
        parts = [
            f"mood {c['mood']} of 5" if c["mood"] else "",
            f"urge {c['urge']} of 10" if c["urge"] is not None else "",
        ]
        if c["contacted"] is not None:
            parts.append("in touch with your ex" if c["contacted"] else "no contact")
        days[c["date"]].append("  Check-in: " + ", ".join(p for p in parts if p))
    for u in data["urges"]:
        days[u["date"]].append(f"  An urge to get in touch, {u['strength']} of 10")
    for j in data["journal"]:
        step = f" ({j['step']})" if "step" in j else ""
        days[j["at"][:10]].append(
            f"  {j['at'][11:16]} {j['kind']}{step}:\n    " + j["text"].replace("\n", "\n    ")
        )
    for r in data["reports"]:
        days[r["at"][:10]].append(f"  You reported a reply: {r['note'] or '(no note)'}")
    if days:
        # Entries made elsewhere (a trip) are shown in the zone of today, so it is named.
        out += ["", f"Day by day (times in {data['about you'].get('time zone', 'UTC')})"]
        for day in sorted(days):
            out += ["", full_date(date.fromisoformat(day)), *days[day]]
    return ("\n".join(out) + "\n").encode()
