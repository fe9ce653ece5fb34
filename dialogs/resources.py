"""Crisis and abuse support: helplines by country, the grounding exercises, the safety plan's steps
and the replies for each safety label, loaded from `content/safety/resources.yaml`.

Every helpline carries the official page it was checked against and when, so a reviewer can
re-check it; a country with no lines of a kind falls back to the international directory.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from dialogs.content import CONTENT_DIR, Message
from dialogs.yamlfile import load_model

__all__ = [
    "PLAN_STEPS",
    "RESOURCES_FILE",
    "Helpline",
    "ReplyKind",
    "ReplyTexts",
    "SafetyPlanStep",
    "SafetyReplies",
    "SafetyResources",
    "abuse_lines",
    "country_for_timezone",
    "crisis_lines",
    "format_lines",
    "load_resources",
]

RESOURCES_FILE = Path("safety") / "resources.yaml"

CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
ReplyKind = Literal["crisis", "danger", "boundary", "moved_on"]
PlanStepId = Literal["warning_signs", "coping", "people", "professionals", "safe_place"]
PLAN_STEPS: tuple[PlanStepId, ...] = ("warning_signs", "coping", "people", "professionals", "safe_place")

# Which placeholders each reply may use; {lines} is required where listed.
_PLACEHOLDERS: dict[str, frozenset[str]] = {
    "crisis": frozenset({"lines", "name"}),
    "danger": frozenset({"lines", "name"}),
    "boundary": frozenset({"name"}),
    "moved_on": frozenset({"name"}),
}
_NEEDS_LINES = frozenset({"crisis", "danger"})
_PLACEHOLDER = re.compile(r"{([^{}]*)}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Helpline(_Strict):
    name: str = Field(min_length=1, max_length=80)
    how: str = Field(min_length=1, max_length=160)  # e.g. "call or text 988"
    source: Annotated[str, StringConstraints(pattern=r"^https://\S+$")]  # the official page it was checked on
    checked: Annotated[str, StringConstraints(pattern=r"^20\d\d-(0[1-9]|1[0-2])(-\d\d)?$")]  # YYYY-MM


class CountryLines(_Strict):
    name: str = Field(min_length=1)
    crisis: list[Helpline] = Field(min_length=1)
    abuse: list[Helpline] = Field(default_factory=list)


class SafetyPlanStep(_Strict):
    key: PlanStepId  # where the answer is kept in UserState.safety_plan
    title: str = Field(min_length=1, max_length=60)
    question: Message


class ReplyTexts(_Strict):
    """Each reply as one string, its messages joined by a blank line; fill with str.format."""

    crisis: str
    danger: str
    boundary: str
    moved_on: str


class SafetyReplies(_Strict):
    crisis: list[Message] = Field(min_length=1, max_length=3)
    danger: list[Message] = Field(min_length=1, max_length=3)
    boundary: list[Message] = Field(min_length=1, max_length=3)
    moved_on: list[Message] = Field(min_length=1, max_length=3)

    @field_validator("crisis", "danger", "boundary", "moved_on")
    @classmethod
    def _placeholders(cls, messages: list[str], info: ValidationInfo) -> list[str]:
        kind = info.field_name or ""
        allowed = _PLACEHOLDERS[kind]
        used: set[str] = set()
        for i, text in enumerate(messages):
            for name in _PLACEHOLDER.findall(text):
                if name not in allowed:
                    raise ValueError(f"[{i}]: unknown placeholder {{{name}}}; use {sorted(allowed)}")
                used.add(name)
            if "{name}" in text and ", {name}" not in text:
                # The name is optional; ", {name}" can be dropped cleanly when we do not know it.
                raise ValueError(f"[{i}]: write the name as ', {{name}}' so it can be left out")
        if kind in _NEEDS_LINES and "lines" not in used:
            raise ValueError("one message must contain {lines}")
        return messages


class SafetyResources(_Strict):
    countries: dict[CountryCode, CountryLines] = Field(min_length=1)
    international: list[Helpline] = Field(min_length=1)  # when the country is unknown or has no line
    timezones: dict[str, CountryCode]
    grounding: list[Message] = Field(min_length=3, max_length=8)  # 5-4-3-2-1 senses, one step each
    breathing: list[Message] = Field(min_length=3, max_length=8)  # paced breathing, one step each
    safety_plan: list[SafetyPlanStep]
    replies: SafetyReplies

    @field_validator("timezones")
    @classmethod
    def _real_zones(cls, zones: dict[str, str]) -> dict[str, str]:
        known = zoneinfo.available_timezones()
        unknown = sorted(set(zones) - known)
        if unknown:
            raise ValueError(f"not IANA time-zone names: {', '.join(unknown)}")
        return zones

    @field_validator("safety_plan")
    @classmethod
    def _five_steps(cls, steps: list[SafetyPlanStep]) -> list[SafetyPlanStep]:
        if tuple(step.key for step in steps) != PLAN_STEPS:
            raise ValueError(f"the safety plan needs exactly these steps in order: {', '.join(PLAN_STEPS)}")
        return steps

    @model_validator(mode="after")
    def _zones_point_at_countries(self) -> SafetyResources:
        missing = sorted({code for code in self.timezones.values() if code not in self.countries})
        if missing:
            raise ValueError(f"timezones: no helplines listed for {', '.join(missing)}")
        return self

    def crisis_lines(self, country: str) -> list[Helpline]:
        lines = self.countries.get(country.strip().upper())
        return list(lines.crisis) if lines else list(self.international)

    def abuse_lines(self, country: str) -> list[Helpline]:
        lines = self.countries.get(country.strip().upper())
        return list(lines.abuse) if lines and lines.abuse else list(self.international)

    def country_for_timezone(self, tz: str) -> str:
        return self.timezones.get(tz.strip(), "")

    @property
    def texts(self) -> ReplyTexts:
        """The replies as single strings with {lines} and {name} left to fill; `reply()` does it for you."""
        r = self.replies
        return ReplyTexts(
            crisis="\n\n".join(r.crisis),
            danger="\n\n".join(r.danger),
            boundary="\n\n".join(r.boundary),
            moved_on="\n\n".join(r.moved_on),
        )

    @staticmethod
    def format_lines(lines: Sequence[Helpline]) -> str:
        return format_lines(lines)

    def reply(self, kind: ReplyKind, country: str = "", name: str = "") -> list[str]:
        """The messages for one safety label, with the right lines and the user's name filled in."""
        lines = self.abuse_lines(country) if kind == "danger" else self.crisis_lines(country)
        out = []
        for text in getattr(self.replies, kind):
            if not name.strip():
                text = text.replace(", {name}", "")
            out.append(text.replace("{name}", name.strip()).replace("{lines}", format_lines(lines)))
        return out


def format_lines(lines: Sequence[Helpline]) -> str:
    """Plain text, one helpline per line: 'name: how'."""
    return "\n".join(f"{line.name}: {line.how}" for line in lines)


@lru_cache(maxsize=8)
def _load(root: Path) -> SafetyResources:
    return load_model(root / RESOURCES_FILE, SafetyResources)


def load_resources(root: Path = CONTENT_DIR) -> SafetyResources:
    """Load `safety/resources.yaml` under root; raises ContentError (file:line: reason) when broken."""
    return _load(root.resolve())


def crisis_lines(country: str, resources: SafetyResources | None = None) -> list[Helpline]:
    """Crisis lines for an ISO country code, or the international fallback."""
    return (resources or load_resources()).crisis_lines(country)


def abuse_lines(country: str, resources: SafetyResources | None = None) -> list[Helpline]:
    """Domestic-abuse and stalking lines for a country, or the international fallback."""
    return (resources or load_resources()).abuse_lines(country)


def country_for_timezone(tz: str, resources: SafetyResources | None = None) -> str:
    """ISO country code for an IANA time zone, or "" when the zone is not mapped."""
    return (resources or load_resources()).country_for_timezone(tz)
