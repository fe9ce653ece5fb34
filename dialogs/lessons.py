"""The guide as content: lessons (`content/guide/*.yaml`) and the paths through them (`tracks.yaml`).

A lesson is a few short messages, then at most a task and one question, which come last with the
buttons. The reconnect track has the lessons before reaching out (spread over the no-contact
period), the reaching-out lessons, and then branches for what really happened; the moving-on
track is its own sequence, with its own words where the shared lessons would otherwise talk about
reconnecting.
"""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

__all__ = [
    "BRANCHES",
    "Branch",
    "Lesson",
    "LessonText",
    "MovingOnTrack",
    "Need",
    "Part",
    "PhaseFile",
    "ReconnectTrack",
    "Section",
    "Tracks",
    "Voice",
]

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,30}$")]
# The voice: one idea per message, at most about 500 characters, read on a phone.
Voice = Annotated[str, StringConstraints(min_length=1, max_length=500, strip_whitespace=True)]
Short = Annotated[str, StringConstraints(min_length=1, max_length=300, strip_whitespace=True)]
Phase = Literal["reflect", "space", "self", "communication", "reconnect", "rebuild", "let_go"]
Branch = Literal["no_reply", "warm", "cool", "together", "let_go"]
BRANCHES: tuple[Branch, ...] = ("no_reply", "warm", "cool", "together", "let_go")
# A lesson only some people get: limited contact is for people who share children, work or a home.
Need = Literal["shares_life"]
# A lesson whose question is answered with buttons the engine provides.
Asks = Literal["nc_length", "calm"]  # a question answered with buttons that change the pace


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Part(_Strict):
    """A message of a lesson only some people get: children, handovers and court orders are not
    everyone's (a trial's woman who shared nothing was told to follow a court order to the letter)."""

    text: Voice
    needs: Need


class LessonText(_Strict):
    messages: list[Voice | Part] = Field(min_length=1, max_length=4)
    task: Short | None = None
    question: Short
    # Asked on a later day when no new lesson is due: a follow-up on this lesson's task.
    practice: Short | None = None
    # Said when the question is answered, before "it's in your journal": a word for what they just
    # did, which fits any answer (the words themselves are not read back).
    thanks: Short | None = None

    @property
    def texts(self) -> list[str]:
        """Every message's words, whoever they are for."""
        return [m if isinstance(m, str) else m.text for m in self.messages]

    def messages_for(self, *, shares_life: bool) -> list[str]:
        return [m if isinstance(m, str) else m.text for m in self.messages if isinstance(m, str) or shares_life]

    @model_validator(mode="after")
    def _one_question(self) -> LessonText:
        if not isinstance(self.messages[0], str):
            raise ValueError("messages: the first one is for everyone; it carries the lesson's title")
        for where, text in (("messages", " ".join(self.texts)), ("task", self.task or "")):
            if "?" in text.rstrip().rstrip('"').rstrip()[-1:]:
                raise ValueError(f"{where}: end with a statement; the lesson's one question comes last")
        if self.question.count("?") > 1:
            raise ValueError("question: ask one thing at a time")
        if self.thanks and "?" in self.thanks:
            raise ValueError("thanks: a question here would be a second one; say it as a statement")
        return self


class Lesson(LessonText):
    id: Id
    title: str = Field(min_length=1, max_length=80)
    topic: int = Field(ge=1, le=18, description="the topic number in GUIDE-OUTLINE.md")
    contact_coaching: bool = False
    needs: Need | None = None
    asks: Asks | None = None
    # The moving-on track's words for a lesson both tracks share, where the reconnect words would
    # not fit someone moving on for good.
    moving_on: LessonText | None = None
    # The words for someone the ex has hurt or threatened, where words about respecting the ex's
    # wishes would put the weight on them (a trial's woman was told "Respecting a no" about a man
    # who kept turning up at her work).
    harmed: LessonText | None = None

    def text_for(self, track: str, *, harmed: bool = False) -> LessonText:
        if harmed and self.harmed is not None:
            return self.harmed
        return self.moving_on if track == "moving_on" and self.moving_on is not None else self


class PhaseFile(_Strict):
    phase: Phase
    title: str
    lessons: list[Lesson] = Field(min_length=1)


class Section(_Strict):
    """Part of a track: its own opening words (written for that track) and its lessons, in order."""

    id: Id
    title: str = Field(min_length=1, max_length=80)
    intro: Voice
    lessons: list[Id] = Field(min_length=1)


class ReconnectTrack(_Strict):
    before: list[Section] = Field(min_length=1)  # spread over the no-contact period
    reach_out: Section  # after no contact; ends with asking what happened
    branches: dict[Branch, Section]

    @model_validator(mode="after")
    def _every_branch(self) -> ReconnectTrack:
        missing = [b for b in BRANCHES if b not in self.branches]
        if missing:
            raise ValueError(f"branches: missing {', '.join(missing)}")
        return self

    @cached_property
    def sections(self) -> list[Section]:
        return [*self.before, self.reach_out, *self.branches.values()]


class MovingOnTrack(_Strict):
    sections: list[Section] = Field(min_length=1)


class Tracks(_Strict):
    reconnect: ReconnectTrack
    moving_on: MovingOnTrack
