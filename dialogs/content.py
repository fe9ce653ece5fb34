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

from dialogs.yamlfile import ContentError, load_model

__all__ = [
    "CONTENT_DIR",
    "PHASES",
    "Checkins",
    "Content",
    "ContentError",
    "FaqEntry",
    "Lesson",
    "Phase",
    "load_content",
]

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"

Phase = Literal["reflect", "space", "self", "communication", "reconnect", "rebuild", "let_go"]
PHASES: tuple[Phase, ...] = ("reflect", "space", "self", "communication", "reconnect", "rebuild", "let_go")

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,30}$")]
# The voice guide asks for one idea per message, usually under 500 characters.
Message = Annotated[str, StringConstraints(min_length=1, max_length=700, strip_whitespace=True)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Lesson(_Strict):
    id: Id
    title: str = Field(min_length=1, max_length=80)
    topic: int = Field(ge=1, le=18, description="the topic number in GUIDE-OUTLINE.md")
    messages: list[Message] = Field(min_length=1, max_length=4)
    task: Message | None = None
    question: Message
    contact_coaching: bool = False
    after_no_contact: bool = False  # locked until the no-contact period has ended


class PhaseFile(_Strict):
    phase: Phase
    title: str
    intro: Message
    lessons: list[Lesson] = Field(min_length=1)


class Tracks(_Strict):
    reconnect: list[Id] = Field(min_length=1)
    moving_on: list[Id] = Field(min_length=1)


class FaqEntry(_Strict):
    id: Id
    question: str = Field(min_length=1, max_length=120)
    keywords: list[Annotated[str, StringConstraints(min_length=2, to_lower=True)]] = Field(min_length=1)
    answer: list[Message] = Field(min_length=1, max_length=3)
    contact_coaching: bool = False
    moving_on_answer: list[Message] | None = None  # shown instead when contact must not be coached

    @model_validator(mode="after")
    def _safe_alternative(self) -> FaqEntry:
        if self.contact_coaching and not self.moving_on_answer:
            raise ValueError(
                "a contact-coaching answer needs a moving_on_answer for users who must not contact"
            )
        return self


class FaqFile(_Strict):
    faq: list[FaqEntry] = Field(min_length=1)


class Milestone(_Strict):
    day: int = Field(ge=1, le=60)
    text: Message


class Checkins(_Strict):
    opening: list[Message] = Field(min_length=1)
    mood_question: Message
    urge_question: Message
    contact_question: Message
    note_question: Message
    thanks: Message
    slip: list[Message] = Field(min_length=1)
    milestones: list[Milestone]
    no_contact_done: Message
    reminder: list[Message] = Field(min_length=1)
    gentle_backoff: Message
    low_mood_suggestion: list[Message] = Field(min_length=1)


class Texts(_Strict):
    texts: dict[str, Message]

    @field_validator("texts")
    @classmethod
    def _placeholders_are_simple(cls, v: dict[str, str]) -> dict[str, str]:
        for key, text in v.items():
            for name in re.findall(r"{([^{}]*)}", text):
                if not re.fullmatch(r"[a-z_]+", name):
                    raise ValueError(f"{key}: placeholder {{{name}}} must be lower-case letters and _")
        return v


class Content(BaseModel):
    """Everything the engine says, loaded once and shared read-only."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    phases: dict[str, PhaseFile]
    tracks: Tracks
    faq: list[FaqEntry]
    checkins: Checkins
    texts: dict[str, str]

    @cached_property
    def lessons(self) -> dict[str, Lesson]:
        return {lesson.id: lesson for phase in self.phases.values() for lesson in phase.lessons}

    @cached_property
    def lesson_phase(self) -> dict[str, str]:
        return {lesson.id: name for name, phase in self.phases.items() for lesson in phase.lessons}

    def text(self, key: str, **values: object) -> str:
        return self.texts[key].format_map(_Missing(values))


class _Missing(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _check_tracks(content: Content, tracks_file: Path) -> None:
    lessons = content.lessons
    for track_name in ("reconnect", "moving_on"):
        ids: list[str] = getattr(content.tracks, track_name)
        for lesson_id in ids:
            if lesson_id not in lessons:
                raise ContentError(tracks_file, None, f"{track_name}: no lesson has the id {lesson_id!r}")
        if len(set(ids)) != len(ids):
            raise ContentError(tracks_file, None, f"{track_name}: a lesson is listed twice")
    for lesson_id in content.tracks.moving_on:
        if lessons[lesson_id].contact_coaching:
            raise ContentError(
                tracks_file, None, f"moving_on: {lesson_id!r} coaches contact and cannot be on this track"
            )
    covered = {lessons[i].topic for i in (*content.tracks.reconnect, *content.tracks.moving_on)}
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
        checkins=load_model(root / "checkins.yaml", Checkins),
        texts=texts,
    )
    _check_tracks(content, tracks_file)
    return content
