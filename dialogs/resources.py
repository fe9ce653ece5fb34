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
    "STAYING_SAFE_STEPS",
    "Helpline",
    "ReplyKind",
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
ReplyKind = Literal["crisis", "attempt", "danger", "danger_by_user", "boundary", "moved_on"]
PlanStepId = Literal["warning_signs", "coping", "people", "professionals", "safe_place"]
PLAN_STEPS: tuple[PlanStepId, ...] = ("warning_signs", "coping", "people", "professionals", "safe_place")
# The staying-safe plan, for someone the ex frightens or harms: kept beside the safety plan's answers.
StayingSafeStepId = Literal["stay_people", "stay_place", "stay_record", "stay_changes", "stay_ready"]
STAYING_SAFE_STEPS: tuple[StayingSafeStepId, ...] = (
    "stay_people", "stay_place", "stay_record", "stay_changes", "stay_ready",
)  # fmt: skip

# Which placeholders each reply may use; {lines} is required where listed.
_PLACEHOLDERS: dict[str, frozenset[str]] = {
    "crisis": frozenset({"lines", "name", "emergency"}),
    "attempt": frozenset({"lines", "name", "emergency"}),
    "danger": frozenset({"lines", "name", "emergency"}),
    "danger_by_user": frozenset({"lines", "name"}),
    "boundary": frozenset({"name"}),
    "moved_on": frozenset({"name"}),
}
_NEEDS_LINES = frozenset({"crisis", "attempt", "danger", "danger_by_user"})
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
    aliases: list[Annotated[str, StringConstraints(to_lower=True, min_length=2)]] = Field(
        default_factory=list
    )
    emergency: Helpline  # the number for an emergency in progress
    crisis: list[Helpline] = Field(min_length=1)
    abuse: list[Helpline] = Field(default_factory=list)
    # For someone worried about their own behaviour towards a partner (or under an order): not
    # victim services, which are for the people they harm.
    behaviour: list[Helpline] = Field(default_factory=list)


class SafetyPlanStep(_Strict):
    key: PlanStepId | StayingSafeStepId  # where the answer is kept in UserState.safety_plan
    title: str = Field(min_length=1, max_length=60)
    question: Message


class SafetyReplies(_Strict):
    crisis: list[Message] = Field(min_length=1, max_length=3)
    attempt: list[Message] = Field(min_length=1, max_length=3)  # something already taken or done
    danger: list[Message] = Field(min_length=1, max_length=3)  # harm done to the user
    danger_by_user: list[Message] = Field(min_length=1, max_length=3)  # harm done or threatened by the user
    boundary: list[Message] = Field(min_length=1, max_length=3)
    moved_on: list[Message] = Field(min_length=1, max_length=3)

    @field_validator("attempt")
    @classmethod
    def _emergency_first(cls, messages: list[str]) -> list[str]:
        if "{emergency}" not in messages[0].split("\n", 1)[0]:
            raise ValueError("[0]: the first line must give the emergency number: put {emergency} in it")
        return messages

    @field_validator("crisis", "attempt", "danger", "danger_by_user", "boundary", "moved_on")
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
    international_emergency: Helpline  # the wording when the emergency number is not known
    timezones: dict[str, CountryCode]
    grounding: list[Message] = Field(min_length=3, max_length=8)  # 5-4-3-2-1 senses, one step each
    breathing: list[Message] = Field(min_length=3, max_length=8)  # paced breathing, one step each
    safety_plan: list[SafetyPlanStep]
    staying_safe_plan: list[SafetyPlanStep]
    replies: SafetyReplies

    @field_validator("timezones")
    @classmethod
    def _real_zones(cls, zones: dict[str, str]) -> dict[str, str]:
        known = zoneinfo.available_timezones()
        unknown = sorted(set(zones) - known)
        if unknown:
            raise ValueError(f"not IANA time-zone names: {', '.join(unknown)}")
        return zones

    @field_validator("safety_plan", "staying_safe_plan")
    @classmethod
    def _five_steps(cls, steps: list[SafetyPlanStep], info: ValidationInfo) -> list[SafetyPlanStep]:
        safety = info.field_name == "safety_plan"
        wanted = PLAN_STEPS if safety else STAYING_SAFE_STEPS
        if tuple(step.key for step in steps) != wanted:
            plan = "the safety plan" if safety else "the staying-safe plan"
            raise ValueError(f"{plan} needs exactly these steps in order: {', '.join(wanted)}")
        return steps

    @property
    def plan_titles(self) -> dict[str, str]:
        """Each step's title by where its answer is kept, for both plans."""
        return {str(step.key): step.title for step in (*self.safety_plan, *self.staying_safe_plan)}

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

    def behaviour_lines(self, country: str) -> list[Helpline]:
        lines = self.countries.get(country.strip().upper())
        return list(lines.behaviour) if lines and lines.behaviour else list(self.international)

    def emergency(self, country: str) -> Helpline:
        lines = self.countries.get(country.strip().upper())
        return lines.emergency if lines else self.international_emergency

    def country_for_text(self, text: str) -> str:
        """The country a person named ("uk", "Ireland", "aus"), or "" when none is recognised."""
        words = " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())
        if not words:
            return ""
        for code, lines in self.countries.items():
            names = {code.casefold(), lines.name.casefold(), *lines.aliases}
            if words in names:
                return code
        for code, lines in self.countries.items():
            for name in (lines.name.casefold(), *lines.aliases):
                # Short names ("us", "uk", "in") only count after "in" or "from": "tell us" is no country.
                before = r"\b(?:in|from|to)\s+(?:the\s+)?" if len(name) <= 3 else r"(?<!south )(?<!latin )\b"
                if re.search(rf"{before}{re.escape(name)}\b", words):
                    return code
        return ""

    def country_for_timezone(self, tz: str) -> str:
        return self.timezones.get(tz.strip(), "")

    @staticmethod
    def format_lines(lines: Sequence[Helpline]) -> str:
        return format_lines(lines)

    def lines_for(self, kind: ReplyKind, country: str) -> list[Helpline]:
        if kind == "danger":
            return self.abuse_lines(country)
        if kind == "danger_by_user":
            return self.behaviour_lines(country)
        return self.crisis_lines(country)

    def reply(self, kind: ReplyKind, country: str = "", name: str = "") -> list[str]:
        """The messages for one safety finding, with the right lines, number and name filled in."""
        lines = format_lines(self.lines_for(kind, country))
        emergency = self.emergency(country).how
        out = []
        for text in getattr(self.replies, kind):
            if not name.strip():
                text = text.replace(", {name}", "")
            out.append(
                text.replace("{name}", name.strip())
                .replace("{lines}", lines)
                .replace("{emergency}", emergency)
            )
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
