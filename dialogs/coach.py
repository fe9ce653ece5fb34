"""The message coach: review a draft the user means to send their ex, and say what might land badly.

The rules are data in `content/coach.yaml`; this module only knows how to apply the kinds of
detector a rule may use. Refusing the coach to users whose safety flags forbid contact is the
engine's job, not this module's.
"""

from __future__ import annotations

import datetime as dt
import re
import string
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from dialogs.content import CONTENT_DIR
from dialogs.yamlfile import ContentError, load_model

__all__ = [
    "COACH_FILE",
    "Coach",
    "CoachFile",
    "ContentError",
    "Finding",
    "Review",
    "ReviewTexts",
    "format_review",
    "load_coach",
]

COACH_FILE = "coach.yaml"
FLAGS = re.IGNORECASE
_APOSTROPHES = frozenset("\u2018\u2019\u02bc\u02b9\u0060\u00b4\u2032\uff07")
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
_QUESTION = re.compile(r"[?\uff1f\u061f\u2047-\u2049]+")
_SENTENCE_END = re.compile(r"[.!?\n\uff1f\u061f\u3002]")
_FRAGMENT_MAX = 100  # characters of the user's text quoted back
_MESSAGES = 3  # a review is at most this many messages; findings that do not fit are named
# Only the start of a draft is searched for phrases: chat platforms cap a message near 4,096
# characters, and a longer draft is already flagged as too long. Length and questions use it all.
SCAN_LIMIT = 20_000


def _compiles(pattern: str) -> str:
    try:
        compiled = re.compile(pattern, FLAGS)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression: {exc}") from exc
    if any(m.end() == m.start() for m in compiled.finditer("one two. three?")):
        raise ValueError("the pattern can match empty text, so it would flag every draft")
    return pattern


def _not_a_mapping(value: object) -> object:
    if isinstance(value, dict):
        raise ValueError(
            'YAML read this pattern as "key: value" because it contains ": "; '
            'write "( x)" instead of "(?: x)", or put the pattern in quotes'
        )
    return value


Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,30}$")]
Pattern = Annotated[
    str, BeforeValidator(_not_a_mapping), StringConstraints(min_length=2), AfterValidator(_compiles)
]
Short = Annotated[str, StringConstraints(min_length=1, max_length=260, strip_whitespace=True)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MaxChars(_Strict):
    type: Literal["max_chars"]
    limit: int = Field(ge=20, le=4000)


class MaxQuestions(_Strict):
    type: Literal["max_questions"]
    limit: int = Field(ge=0, le=20)


class NightHours(_Strict):
    """Local hours `from_hour` <= h or h < `to_hour` (it wraps past midnight when from > to)."""

    type: Literal["night_hours"]
    from_hour: int = Field(ge=0, le=23)
    to_hour: int = Field(ge=0, le=23)

    def covers(self, hour: int) -> bool:
        if self.from_hour <= self.to_hour:
            return self.from_hour <= hour < self.to_hour
        return hour >= self.from_hour or hour < self.to_hour


class DuringNoContact(_Strict):
    type: Literal["during_no_contact"]


class DuringLimitedContact(_Strict):
    """Limited contact: only practical messages until the count is done."""

    type: Literal["during_limited_contact"]


class AwaitingReply(_Strict):
    """They reached out and are waiting for an answer: a second message is a double text."""

    type: Literal["awaiting_reply"]


Check = Annotated[
    MaxChars | MaxQuestions | NightHours | DuringNoContact | DuringLimitedContact | AwaitingReply,
    Field(discriminator="type"),
]
_TIMING = (NightHours, DuringNoContact, DuringLimitedContact, AwaitingReply)

_PLACEHOLDERS: dict[str, frozenset[str]] = {
    "patterns": frozenset(),
    "max_chars": frozenset({"count", "limit"}),
    "max_questions": frozenset({"count", "limit"}),
    "night_hours": frozenset({"time"}),
    "during_no_contact": frozenset({"days_left"}),
    "during_limited_contact": frozenset({"days_left"}),
    "awaiting_reply": frozenset(),
}


def _placeholders(template: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as exc:
        raise ValueError(f"unbalanced braces: {exc}") from exc


def _only(template: str, allowed: frozenset[str], what: str) -> None:
    extra = _placeholders(template) - allowed
    if extra:
        names = ", ".join(sorted("{" + n + "}" for n in allowed)) or "none"
        raise ValueError(f"{what}: unknown placeholder {{{sorted(extra)[0]}}} (allowed: {names})")


class Rule(_Strict):
    id: Id
    title: str = Field(min_length=1, max_length=60)
    explain: Short
    example: Short
    # The same for a practical message about children, work or a home (a co-parent's "waited 45 min...
    # grow up" was offered "I felt lonely when plans changed", trial 29).
    practical_explain: Short | None = None
    practical_example: Short | None = None
    patterns: list[Pattern] | None = Field(default=None, min_length=1)
    check: Check | None = None
    # Drafts (or sentences of drafts) with this problem, in people's own words: the understanding
    # model flags a draft whose sentences read like these, whatever words they use.
    examples: list[Short] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_detector(self) -> Rule:
        if (self.patterns is None) == (self.check is None):
            raise ValueError("a rule needs either `patterns` or a `check`, not both and not neither")
        if self.patterns is not None:
            try:
                _combine(self.patterns)
            except re.error as exc:
                raise ValueError(f"the patterns do not combine into one expression: {exc}") from exc
        kind = self.check.type if self.check is not None else "patterns"
        _only(self.explain, _PLACEHOLDERS[kind], "explain")
        return self


class ReviewTexts(_Strict):
    """The coach's own sentences around the findings."""

    opening: Short
    opening_no_name: Short
    quote: Short
    instead: Short
    more: Short
    closing: Short
    clean: Short
    clean_no_name: Short
    # A practical message (a pick-up, a bill) that must be sent: no "after a night's sleep", and no
    # "free to answer or not at all". No question either: a reply to one was read as a new draft.
    clean_practical: Short
    words_ok: Short  # said when only timing was flagged
    empty: Short

    @model_validator(mode="after")
    def _known_placeholders(self) -> ReviewTexts:
        allowed = {
            "opening": {"name"},
            "clean": {"name"},
            "quote": {"fragment"},
            "instead": {"example"},
            "more": {"titles"},
        }
        for key, text in self.model_dump().items():
            _only(text, frozenset(allowed.get(key, set())), key)
        return self


class CoachFile(_Strict):
    texts: ReviewTexts
    rules: list[Rule] = Field(min_length=1)
    # Drafts that are fine as they are: what the model compares a problem against.
    good_examples: list[Short] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_ids(self) -> CoachFile:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                raise ValueError(f"rule id {rule.id!r} is used twice")
            seen.add(rule.id)
        return self


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    title: str
    explain: str
    example: str
    fragment: str | None = None  # the user's own words that triggered the rule, trimmed
    timing: bool = False  # about when to send (night, no contact), not about the words
    practical: tuple[str, str] | None = None  # explain and example for a practical message


@dataclass(frozen=True, slots=True)
class Review:
    findings: tuple[Finding, ...]
    chars: int  # length of the draft without surrounding white space
    texts: ReviewTexts = field(repr=False, compare=False)

    @property
    def ok(self) -> bool:
        """Nothing was found. An empty draft is not ok: there is nothing to send."""
        return not self.findings and self.chars > 0


def _combine(patterns: list[str]) -> re.Pattern[str]:
    """One alternation per rule, so the first phrase in the draft is the one quoted back."""
    return re.compile("|".join(f"(?:{p})" for p in patterns), FLAGS)


@dataclass(frozen=True, slots=True)
class _CompiledRule:
    rule: Rule
    pattern: re.Pattern[str] | None


@dataclass(frozen=True)
class Coach:
    """Loaded rules, shared read-only; `review` is a pure function of its arguments."""

    spec: CoachFile

    @cached_property
    def _compiled(self) -> tuple[_CompiledRule, ...]:
        return tuple(
            _CompiledRule(rule, _combine(rule.patterns) if rule.patterns else None)
            for rule in self.spec.rules
        )

    @cached_property
    def _limited_contact_ids(self) -> frozenset[str]:
        return frozenset(rule.id for rule in self.spec.rules if isinstance(rule.check, DuringLimitedContact))

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(rule.id for rule in self.spec.rules)

    def review(
        self,
        draft: str,
        *,
        local_time: dt.time,
        no_contact_days_left: int,
        limited_days_left: int = 0,
        meaning: Mapping[str, str] | None = None,
        morning_from: dt.time | None = None,
        awaiting_reply: bool = False,
    ) -> Review:
        """`meaning`: rule id -> the sentence the understanding model read as that problem; it finds
        what the patterns miss (blame dressed as a wish, polite pressure, sarcasm).
        `limited_days_left`: days of a limited-contact count still to go (practical messages only).
        `morning_from`: when this person's own day starts (their quiet hours' end): from then until
        noon it is not the middle of the night, for someone up at five for work.
        `awaiting_reply`: they reached out and no answer has come yet."""
        text = draft.strip()
        plain = _Plain(text[:SCAN_LIMIT])
        findings = []
        for compiled in self._compiled:
            awake = morning_from is not None and morning_from <= local_time < dt.time(12)
            finding = _apply(
                compiled, text, plain, local_time, no_contact_days_left, limited_days_left, awake, awaiting_reply
            )
            sentence = (meaning or {}).get(compiled.rule.id)
            if finding is None and sentence and text:
                rule = compiled.rule
                finding = Finding(
                    rule.id, rule.title, rule.explain, rule.example, _clip(sentence, 0, len(sentence)),
                    practical=_practical(rule),
                )
            if finding is not None:
                findings.append(finding)
        if not any(not f.timing for f in findings):
            # A practical message with nothing wrong in its words is what limited contact is for.
            findings = [f for f in findings if f.rule_id not in self._limited_contact_ids]
        return Review(tuple(findings), len(text), self.spec.texts)


class _Plain:
    """The draft as the patterns see it, with a map back to the user's own characters.

    Curly apostrophes become straight ones, runs of white space one space, invisible characters
    vanish and compatibility forms (full-width letters, ligatures) are unfolded, so a pattern
    written once catches the ways people actually type.
    """

    __slots__ = ("origin", "size", "text")

    def __init__(self, raw: str) -> None:
        out: list[str] = []
        origin: list[int] = []
        for i, ch in enumerate(raw):
            if ch in _INVISIBLE:
                continue
            if ch.isspace():
                if out and out[-1] == " ":
                    continue
                ch = " "
            elif ch in _APOSTROPHES:
                ch = "'"
            elif not ch.isascii():
                ch = unicodedata.normalize("NFKC", ch)
            for c in ch:
                out.append(c)
                origin.append(i)
        self.text = "".join(out)
        self.origin = origin
        self.size = len(raw)

    def span(self, match: re.Match[str]) -> tuple[int, int]:
        start, end = match.span()
        if end == start:  # validated patterns never match empty text; keep the map safe anyway
            pos = self.origin[start] if start < len(self.origin) else self.size
            return pos, pos
        return self.origin[start], self.origin[end - 1] + 1


def _apply(
    compiled: _CompiledRule,
    text: str,
    plain: _Plain,
    local_time: dt.time,
    days_left: int,
    limited_left: int,
    awake: bool = False,
    awaiting: bool = False,
) -> Finding | None:
    rule = compiled.rule

    def found(fragment: str | None = None, **values: object) -> Finding:
        timing = isinstance(rule.check, _TIMING)
        return Finding(
            rule.id, rule.title, rule.explain.format(**values), rule.example, fragment, timing, _practical(rule)
        )

    if not text:
        return None  # an empty draft is answered with a prompt to paste one, not with advice
    check = rule.check
    if check is None:
        if compiled.pattern is None:  # cannot happen: Rule requires patterns when there is no check
            return None
        match = compiled.pattern.search(plain.text)
        return found(_sentence_around(text, *plain.span(match))) if match else None
    if isinstance(check, MaxChars):
        return found(None, count=f"{len(text):,}", limit=check.limit) if len(text) > check.limit else None
    if isinstance(check, MaxQuestions):
        marks = list(_QUESTION.finditer(text))
        if len(marks) <= check.limit:
            return None
        # Quote the sentences the first two question marks end.
        quoted = " … ".join(_sentence_around(text, m.start(), m.start()) for m in marks[:2])
        return found(_clip(quoted, 0, len(quoted)), count=len(marks), limit=check.limit)
    if isinstance(check, NightHours):
        night = check.covers(local_time.hour) and not awake
        return found(None, time=local_time.strftime("%H:%M")) if night else None
    if isinstance(check, AwaitingReply):
        return found(None) if awaiting else None
    left = limited_left if isinstance(check, DuringLimitedContact) else days_left
    if left > 0:
        return found(None, days_left="1 day" if left == 1 else f"{left} days")
    return None


def _sentence_around(text: str, start: int, end: int) -> str:
    """The sentence holding text[start:end], trimmed to a quotable length around the match."""
    window = max(0, start - 300)
    before = [m.end() for m in _SENTENCE_END.finditer(text, window, start)]
    left = before[-1] if before else window
    after = _SENTENCE_END.search(text, end, end + 300)
    right = after.end() if after else min(len(text), end + 300)
    return _clip(text[left:right], start - left, end - left)


def _clip(sentence: str, start: int, end: int) -> str:
    """Collapse white space and keep at most _FRAGMENT_MAX characters, centred on [start, end)."""
    if len(sentence) > _FRAGMENT_MAX:
        spare = max(0, _FRAGMENT_MAX - (end - start))
        left = max(0, start - spare // 2)
        right = min(len(sentence), max(end, left + _FRAGMENT_MAX))
        left = max(0, min(left, right - _FRAGMENT_MAX))
        head = "…" if left > 0 else ""
        tail = "…" if right < len(sentence) else ""
        sentence = head + sentence[left:right].strip() + tail
    return " ".join(sentence.split())


def load_coach(root: Path = CONTENT_DIR) -> Coach:
    """Load `coach.yaml` from the content folder; a broken file raises ContentError with its line."""
    return Coach(load_model(root / COACH_FILE, CoachFile))


def _practical(rule: Rule) -> tuple[str, str] | None:
    if rule.practical_explain and rule.practical_example:
        return rule.practical_explain, rule.practical_example
    return None


def format_review(review: Review, name: str, *, practical: bool = False) -> list[str]:
    """One to three short plain-text messages: a kind opening, the findings, and a closing question.

    Timing findings (night, no contact) share the first message. At most three messages are sent,
    so some word findings may only be named: an upset reader should not get a wall of corrections.
    It never rewrites the draft and never predicts a reply. `practical`: a message about children,
    work or a home that has to be sent.
    """
    texts = review.texts
    name = " ".join(name.split())[:40]
    if review.chars == 0:
        return [texts.empty]
    if not review.findings:
        if practical:
            return [texts.clean_practical]
        return [texts.clean.format(name=name) if name else texts.clean_no_name]
    timing = [f for f in review.findings if f.timing]
    words = [f for f in review.findings if not f.timing]
    parts = (
        ["\n\n".join(f"{f.explain}\n{texts.instead.format(example=f.example)}" for f in timing)]
        if timing
        else []
    )
    slots = _MESSAGES - len(parts)
    parts += [_block(f, texts, practical=practical) for f in words[:slots]]
    rest = words[slots:]
    opening = texts.opening.format(name=name) if name else texts.opening_no_name
    parts[0] = f"{opening}\n\n{parts[0]}"
    ending = [texts.closing]
    if rest:
        titles = ", ".join(f.title[0].lower() + f.title[1:] for f in rest)
        ending.insert(0, texts.more.format(titles=titles))
    elif not words:
        ending.insert(0, texts.words_ok)
    if len(parts) == 1:
        return [parts[0], " ".join(ending)]
    parts[-1] = "\n\n".join([parts[-1], *ending])
    return parts


def _block(finding: Finding, texts: ReviewTexts, *, practical: bool = False) -> str:
    explain, example = finding.practical if practical and finding.practical else (finding.explain, finding.example)
    lines = [finding.title]
    if finding.fragment:
        lines.append(texts.quote.format(fragment=finding.fragment))
    lines.append(explain)
    lines.append(texts.instead.format(example=example))
    return "\n".join(lines)
