"""The shape of everything in `content/`, and the loader that checks it at start-up.

Guide text, prompts and resources are data a counsellor edits; this module only says what a
valid file looks like and refuses a broken one with file, line and reason.
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from dialogs.lessons import Lesson, PhaseFile, Tracks
from dialogs.yamlfile import ContentError, load_model

__all__ = [
    "CONTENT_DIR",
    "Checkins",
    "Content",
    "ContentError",
    "FaqEntry",
    "Intent",
    "Lesson",
    "Message",
    "load_content",
]

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,30}$")]
# The voice guide asks for one idea per message, at most about 500 characters.
Message = Annotated[str, StringConstraints(min_length=1, max_length=500, strip_whitespace=True)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Track = Literal["reconnect", "moving_on"]
Phrasing = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=300)]


class FaqEntry(_Strict):
    id: Id
    question: str = Field(min_length=1, max_length=120)
    tracks: list[Track] = Field(default=["reconnect", "moving_on"], min_length=1)  # whose list shows it
    # How people ask it in their own words: the understanding model matches typed text against these.
    phrasings: list[Phrasing] = Field(default_factory=list)  # TIGHTEN: min 5 once written
    # Words that find it when the model is not loaded.
    keywords: list[Annotated[str, StringConstraints(min_length=2, to_lower=True)]] = Field(min_length=1)
    answer: list[Message] = Field(min_length=1, max_length=3)
    contact_coaching: bool = False
    moving_on_answer: list[Message] | None = None  # shown instead when contact must not be coached
    # Shown instead to someone who may be in danger from the ex (violence, threats, stalking done to
    # them): "give them room" is for someone respecting a boundary, not for a stalking victim.
    danger_answer: list[Message] | None = Field(default=None, min_length=1, max_length=3)
    # The line that offers this answer beside an acknowledgement, when what someone wrote came close
    # to it (default: texts.yaml's near_offer).
    near_offer: Message | None = None
    # After the answer, someone counting no-contact days chooses to restart or keep their count.
    offers_count_choice: bool = False
    # On the reconnect track the answer ends with a button to switch to moving on.
    offers_moving_on: bool = False
    # The answer only coaches practical messages about children, work or a home: it fits someone who
    # shares those with the ex and is moving on because the ex has a new partner (no danger, no boundary).
    practical: bool = False
    # "shares_life": only for people who share children, work or a home with the ex (intake asks). Others
    # neither see it in their list nor have it offered as the nearest answer (trial 28's student, who
    # shares nothing, was offered "What do I say to my grown-up children?"); asked outright, it answers.
    needs: Literal["shares_life"] | None = None

    @model_validator(mode="after")
    def _safe_alternative(self) -> FaqEntry:
        if self.contact_coaching and not self.moving_on_answer:
            raise ValueError(
                "a contact-coaching answer needs a moving_on_answer for users who must not contact"
            )
        return self


class FaqFile(_Strict):
    faq: list[FaqEntry] = Field(min_length=1)


IntentAction = Literal[
    "next",  # the next step, or today's step
    "today",  # today's step, wherever they are (never skips a question)
    "more",  # one more lesson today
    "review",  # the lesson before, again
    "menu",
    "help",
    "pause",  # pause check-ins: asks for how long
    "resume",
    "stop_checkins",
    "when_checkin",  # when the next check-in comes, in their time
    "stop_lessons",  # no more lessons for now: offers to pause the guide
    "checkin",
    "journal",
    "progress",
    "faq",  # the list of questions
    "settings",
    "export",
    "delete",  # offers to erase everything (asks first)
    "sos",
    "draft",  # the message coach, for a message they wrote to the ex
    "human",  # wants a person, not a bot
    "thanks",
    "greeting",
]


class Intent(_Strict):
    """Words that mean a command, in people's own phrasing ("stop sending me lessons")."""

    id: Id
    action: IntentAction
    phrasings: list[Phrasing] = Field(min_length=5)
    says: Message | None = None  # said first, before the action (optional)


class IntentFile(_Strict):
    intents: list[Intent] = Field(min_length=1)


class Milestone(_Strict):
    day: int = Field(ge=1, le=60)
    text: Message

    @field_validator("text")
    @classmethod
    def _no_question(cls, text: str) -> str:
        # The mood question follows at once: one question at a time.
        if "?" in text:
            raise ValueError("a milestone is a statement; the check-in's question follows it")
        return text


class Openings(_Strict):
    """How a check-in opens, by the person's local time, and for someone who only just started."""

    morning: list[Message] = Field(min_length=1)  # 05:00-11:59
    afternoon: list[Message] = Field(min_length=1)  # 12:00-17:59
    evening: list[Message] = Field(min_length=1)  # 18:00-21:59
    night: list[Message] = Field(min_length=1)  # 22:00-04:59
    new: list[Message] = Field(min_length=1)  # the first check-in after intake
    # The first check-in within a day of a crisis reply (that they did not call a misreading).
    after_crisis: list[Message] = Field(min_length=1)


class Checkins(_Strict):
    opening: Openings
    mood_question: Message
    mood_ack: dict[Annotated[int, Field(ge=1, le=5)], list[Message]]  # naming the mood they chose
    urge_question: Message
    urge_question_shared: Message
    strong_urge: list[Message] = Field(min_length=1)  # after an urge of STRONG_URGE or more; {urge} is it
    contact_question: Message
    contact_question_shared: Message
    note_question: Message
    # Words typed at the note question that mean there is nothing to note ("k", "nah").
    nothing_to_note: list[str] = Field(default_factory=list)
    # A note that names drinking (any of these words, whole, in lower case) hears `drinking` once,
    # at most once a week.
    drinking_words: list[str] = Field(default_factory=list)
    drinking: Message | None = None
    thanks: list[Message] = Field(min_length=1)  # the check-in is done (nothing was written)
    thanks_noted: list[Message] = Field(min_length=1)  # ... and their note is in the journal
    low_mood_care: list[Message] = Field(min_length=1)  # before the direct question, after a mood of 1
    low_run_care: list[Message] = Field(min_length=1)  # ... when the low days have gone on
    after_crisis_care: list[Message] = Field(min_length=1)  # ... at the first check-in after a crisis reply
    low_again: list[Message] = Field(min_length=1)  # naming a low mood that follows a low yesterday
    thanks_noted_low: list[Message] = Field(min_length=1)  # their note is in, on a low day
    thanks_noted_good: list[Message] = Field(min_length=1)  # ... and it tells of a good day or a win
    thanks_noted_low_good: list[Message] = Field(min_length=1)  # ... a good moment on a low day
    very_low_offer: list[Message] = Field(min_length=1)  # the small offer after a mood of 1
    # The small offer after a low mood (grounding, a friend, /sos), said a different way each day of
    # a low week.
    low_mood_offer: list[Message] = Field(min_length=1)
    slip: list[Message] = Field(min_length=1, max_length=2)
    slip_question: Message
    # Contact reported at a check-in on the moving-on track (the ex asked for none, or has moved on).
    contact_on_moving_on: list[Message] = Field(min_length=1, max_length=2)
    contact_on_moving_on_shared: list[Message] = Field(min_length=1, max_length=2)
    contact_on_moving_on_danger_shared: list[Message] = Field(min_length=1, max_length=2)
    contact_on_moving_on_danger: list[Message] = Field(min_length=1, max_length=2)
    contact_on_moving_on_by_user_shared: list[Message] = Field(min_length=1, max_length=2)
    milestones: list[Milestone]
    no_contact_done: Message
    reminder: list[Message] = Field(min_length=1)
    gentle_backoff: Message
    low_mood_suggestion: list[Message] = Field(min_length=1)


class Texts(_Strict):
    # A text, or several ways of saying it: the engine varies between them, so a person does not
    # read the same words every day.
    texts: dict[str, Message | list[Message]]

    @field_validator("texts")
    @classmethod
    def _placeholders_are_simple(cls, v: dict[str, str | list[str]]) -> dict[str, str | list[str]]:
        for key, value in v.items():
            for text in [value] if isinstance(value, str) else value:
                for name in re.findall(r"{([^{}]*)}", text):
                    if not re.fullmatch(r"[a-z_]+", name):
                        raise ValueError(f"{key}: placeholder {{{name}}} must be lower-case letters and _")
            if isinstance(value, list) and not value:
                raise ValueError(f"{key}: an empty list of variants")
        return v


class Content(BaseModel):
    """Everything the engine says, loaded once and shared read-only."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    phases: dict[str, PhaseFile]
    tracks: Tracks
    faq: list[FaqEntry]
    intents: list[Intent]
    checkins: Checkins
    texts: dict[str, str | list[str]]

    @cached_property
    def lessons(self) -> dict[str, Lesson]:
        return {lesson.id: lesson for phase in self.phases.values() for lesson in phase.lessons}

    def text(self, key: str, variant: int = 0, /, **values: object) -> str:
        """The text for `key`; `variant` picks one of its ways of saying it (any int, wraps round)."""
        value = self.texts[key]
        chosen = value if isinstance(value, str) else value[variant % len(value)]
        return chosen.format_map(_Missing(values))


class _Missing(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _check_tracks(content: Content, tracks_file: Path) -> None:
    lessons = content.lessons
    tracks = content.tracks
    for track_name, sections in (
        ("reconnect", tracks.reconnect.sections),
        ("moving_on", tracks.moving_on.sections),
    ):
        ids = [lesson_id for section in sections for lesson_id in section.lessons]
        for lesson_id in ids:
            if lesson_id not in lessons:
                raise ContentError(tracks_file, None, f"{track_name}: no lesson has the id {lesson_id!r}")
        if len(set(ids)) != len(ids):
            raise ContentError(tracks_file, None, f"{track_name}: a lesson is listed twice")
    checks = (("moving_on", tracks.moving_on.sections), ("reconnect.before", tracks.reconnect.before))
    for where, sections in checks:
        for section in sections:
            for lesson_id in section.lessons:
                if lessons[lesson_id].contact_coaching:
                    raise ContentError(
                        tracks_file, None, f"{where}: {lesson_id!r} coaches contact and cannot be here"
                    )
    listed = [i for s in (*tracks.reconnect.sections, *tracks.moving_on.sections) for i in s.lessons]
    covered = {lessons[i].topic for i in listed}
    missing = sorted(set(range(1, 19)) - covered)
    if missing:
        raise ContentError(
            tracks_file, None, f"the guide outline's topics {missing} have no lesson on any track"
        )


def load_content(root: Path = CONTENT_DIR, required_texts: frozenset[str] = frozenset()) -> Content:
    """Load and cross-check every content file; raise ContentError naming the first problem."""
    guide_dir = root / "guide"
    phase_files = sorted(guide_dir.glob("*.yaml"))
    if not phase_files:
        raise ContentError(guide_dir, None, "no guide files (*.yaml) found")
    phases: dict[str, PhaseFile] = {}
    seen_ids: dict[str, Path] = {}
    for path in phase_files:
        phase = load_model(path, PhaseFile)
        if phase.phase in phases:
            raise ContentError(path, None, f"phase {phase.phase!r} is defined in two files")
        for lesson in phase.lessons:
            if lesson.id in seen_ids:
                raise ContentError(
                    path, None, f"lesson id {lesson.id!r} is also used in {seen_ids[lesson.id]}"
                )
            seen_ids[lesson.id] = path
        phases[phase.phase] = phase
    tracks_file = root / "tracks.yaml"
    texts_file = root / "texts.yaml"
    texts = load_model(texts_file, Texts).texts
    missing = sorted(required_texts - texts.keys())
    if missing:
        raise ContentError(texts_file, None, f"missing texts: {', '.join(missing)}")
    content = Content(
        phases=phases,
        tracks=load_model(tracks_file, Tracks),
        faq=load_model(root / "faq.yaml", FaqFile).faq,
        intents=load_model(root / "intents.yaml", IntentFile).intents
        if (root / "intents.yaml").exists()
        else [],
        checkins=load_model(root / "checkins.yaml", Checkins),
        texts=texts,
    )
    _check_tracks(content, tracks_file)
    return content
