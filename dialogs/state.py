"""A user's conversation state: JSON-shaped, versioned, and the only thing the engine remembers."""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "JSON",
    "CheckinPrefs",
    "GuideProgress",
    "NoContact",
    "Profile",
    "SafetyFlag",
    "Track",
    "UserState",
]

Track = Literal["reconnect", "moving_on"]
SafetyFlag = Literal["danger", "danger_by_user", "boundary", "moved_on"]
JSON = str | int | float | bool | None | list[str] | dict[str, str]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", validate_assignment=True)


class Profile(_Model):
    name: str = ""
    breakup_date: date | None = None
    ended_by: str = ""  # me, them, mutual
    reasons: list[str] = Field(default_factory=list)
    contact: str = ""  # none, some, blocked, asked_no_contact, new_partner, must_stay
    shares_life: bool = False  # children, work or a home in common: limited contact may apply
    safety_screen: list[str] = Field(default_factory=list)  # violence, threats, control, order, none
    timezone: str = "UTC"
    country: str = ""  # ISO 3166 alpha-2 as the person chose it; "ZZ" for somewhere not listed


class NoContact(_Model):
    start: date | None = None  # local date the count began
    days: int = 30  # 21, 30, 45 or 60
    limited: bool = False  # limited contact for people who must stay in touch (children, work, home)
    slips: int = 0
    slip_on: date | None = None  # local date of the last slip they told us about: counted once a day


class CheckinPrefs(_Model):
    time: dt.time | None = None  # local check-in time; None until intake sets it
    time_set_at: datetime | None = None  # when the time was chosen: a check-in due after it is owed
    stopped: bool = False
    paused_until: date | None = None  # local date on which check-ins resume
    snoozed_on: date | None = None  # local date skipped by "snooze today"
    quiet_start: dt.time = dt.time(22, 0)
    quiet_end: dt.time = dt.time(8, 0)
    unanswered: int = 0  # check-ins sent in a row without an answer, for back-off
    last_sent_on: date | None = None  # local date of the last check-in sent
    drinking_noted_on: date | None = None  # local date a note's mention of drinking was last answered
    last_sent_at: datetime | None = None  # and when it was sent (see calendar.MIN_GAP)
    opened_at: datetime | None = None  # when the check-in under way began (see checkin.left_open)
    last_answered_on: date | None = None
    # The local date the check-in under way is for: a missed one sent the next morning is filed under
    # the day it was for, not the day it was answered.
    open_for: date | None = None
    # The urge they gave last (at a check-in or in /urge) and when: /urge soon after does not ask again.
    last_urge: int | None = None
    last_urge_at: datetime | None = None


class GuideProgress(_Model):
    """Where someone is in the guide: what they have read, today's count, and which branch they are on."""

    read: list[str] = Field(default_factory=list)  # lessons opened, in the order they were first opened
    past: list[str] = Field(default_factory=list)  # lessons whose question was answered or skipped
    started_on: date | None = None  # local date the current track began (its lessons are paced from it)
    branch: str = ""  # after reaching out: no_reply, warm, cool, together, let_go
    branch_on: date | None = None  # local date the branch was chosen
    outcome_asked_on: date | None = None  # local date "what happened?" was last asked
    new_on: date | None = None  # local date `new_today` counts for
    new_today: int = 0  # new lessons opened on `new_on`
    practice_on: date | None = None  # local date a practice prompt was last given
    practised: dict[str, date] = Field(default_factory=dict)  # lesson id -> local date its practice was last given
    # Not calm enough yet about a message that may get no reply: reaching out waits until this date.
    hold_until: date | None = None


class RouteBefore(_Model):
    """Where someone was before a boundary that only the model read moved them: what "They didn't
    ask that" restores."""

    track: Track
    started_on: date | None = None
    branch: str = ""
    # The screen they were on and the words that were read as a boundary: taken back, the words are
    # handled there as usual (an answer to a lesson's question is not lost).
    screen: str = ""
    screen_data: str = ""  # that screen's data, as JSON
    held: str = ""
    flags: list[str] = Field(default_factory=list)  # the safety flags before (a "Yes" taken back)


class UserState(_Model):
    version: int = 1
    screen: str = "new"
    data: dict[str, JSON] = Field(default_factory=dict)  # scratch for the current screen
    resume_screen: str = ""  # where an interruption (/sos, /help, crisis) returns to
    # A check-in question left for a side screen ("what day am i on" mid-check-in), and its data as
    # JSON: Back returns to it while the check-in is fresh.
    checkin_resume: str = ""
    checkin_resume_data: str = ""
    nonce: int = 0  # stamped on every button; a press with another nonce has expired
    # The buttons carrying the current nonce, by their label as `understanding.normalise` reads it:
    # a label typed instead of tapped ("done for today") presses that button.
    labels: dict[str, str] = Field(default_factory=dict)
    # Labels of buttons retired lately: typed out, they are a stale tap, not words to file (trial 11's
    # "Keep it in my journal" and "Breathe with me" were kept as journal entries).
    stale_labels: list[str] = Field(default_factory=list)
    profile: Profile = Field(default_factory=Profile)
    track: Track = "reconnect"
    flags: list[SafetyFlag] = Field(default_factory=list)
    crisis_active: bool = False  # cheerful reminders wait until the user chooses to go on
    crisis_told_at: datetime | None = None  # when the full crisis reply was last given
    crisis_told_attempt: bool = False  # ... and whether it was the one for an attempt in progress
    crisis_misreadable: bool = False  # ... and whether only the model read it (they may say it misread them)
    safe_at: datetime | None = None  # when they last said "I'm safe now" after a crisis
    crisis_welcomed_at: datetime | None = None  # when their first words after a crisis were met
    misread_at: datetime | None = None  # when they last said a crisis reply or question misread them
    # The words that raised the crisis reply and the data of the screen they were typed on: if the
    # person says the reply misread them, the words are handled there after all.
    crisis_held: str = ""
    crisis_held_data: str = ""  # JSON
    crisis_held_at: datetime | None = None  # when those words were typed
    lesson_index: int = 0  # position on the current track
    completed: list[str] = Field(default_factory=list)
    guide: GuideProgress = Field(default_factory=GuideProgress)
    no_contact: NoContact = Field(default_factory=NoContact)
    checkins: CheckinPrefs = Field(default_factory=CheckinPrefs)
    safety_plan: dict[str, str] = Field(default_factory=dict)
    consented_at: datetime | None = None
    last_seen: datetime | None = None
    last_typed: datetime | None = None  # when they last sent words: a burst is lines close together
    means_said_at: datetime | None = None  # when we last asked them to put the means out of reach
    low_mood_suggested_on: date | None = None
    screened_on: date | None = None  # local date the direct safety question was last asked
    asked_after_crisis_at: datetime | None = None  # the question at the first check-in after a crisis reply
    # Set while the button under a boundary only the model read may take it back (see protect.py).
    boundary_undo: RouteBefore | None = None
    # A "Yes" to "are you worried you might frighten or hurt your ex?" and where they were before it:
    # a tap is easy to get wrong on a phone at night, so words soon after may take it back.
    by_user_yes: RouteBefore | None = None
    by_user_yes_at: datetime | None = None
    boundary_undone_at: datetime | None = None  # when they last took such a boundary back
    # The same for harm done to them that only the model read ("he told me he'd been seeing a
    # colleague... he was gone by the Wednesday" read as danger in a trial): "That's not what
    # happened" restores where they were; so does "None of these" at intake's safety question.
    danger_undo: RouteBefore | None = None
    # Local date each danger reply ("danger", "danger_by_user") was last given in full.
    danger_told_on: dict[str, date] = Field(default_factory=dict)
    screen_declined_at: datetime | None = None  # when they last answered it "No"
    screen_nos: int = 0  # Nos in a row, each within two weeks of the one before
    stop_asking_at: datetime | None = None  # when they asked not to be asked it again
    reminded_at: datetime | None = None  # ... and when the gentle line said instead was last said
    by_user_declined_at: datetime | None = None  # ... and "No" to "are you worried you might hurt them?"
    by_user_declines: int = 0  # how many times they have said No to it
    moved_on_declined_at: datetime | None = None  # ... and "No" to "is your ex with someone new?"
    mood_log: dict[str, int] = Field(default_factory=dict)  # local ISO date -> mood 1-5, last 30 days
    urge_followup_on: date | None = None  # local date to ask about yesterday's unsent message
    # The answer last given to typed words, and when: the same answer to the next words is not
    # given again word for word.
    faq_last: str = ""
    faq_last_at: datetime | None = None
    # Words heard but not filed (a long message, words hours after a step), kept for one tap of
    # "Keep it in my journal": "type /journal and then your words" asked a trial's father to retype
    # 1,288 characters.
    unfiled: str = ""

    @property
    def contact_forbidden(self) -> bool:
        """True when no lesson, answer or feature may coach contact with the ex."""
        return bool(self.flags) or self.track == "moving_on"

    @property
    def harmed_by_ex(self) -> bool:
        """They told of harm done or threatened to them by the ex, and nothing says they harm the ex."""
        return "danger" in self.flags and "danger_by_user" not in self.flags
