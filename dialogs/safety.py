"""Rule-based safety assessment of one incoming message.

Runs on every free-text message before the dialog state machine sees it, so it is pure and quick:
the text is normalised once, and each label's patterns (from `content/safety/patterns.yaml`) are
joined into one precompiled regex. Labels are checked in priority order and the first match wins.

Figures of speech ("this is killing me", "dying to know") are not matched by clever patterns; they
are blanked out of the text before a label's patterns run, so "i'm dying to know, i want to die"
still reads as crisis.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from dialogs.assessment import Assessment, CrisisZone
from dialogs.content import CONTENT_DIR
from dialogs.yamlfile import ContentError, load_model

__all__ = [
    "PATTERNS_FILE",
    "SafetyClassifier",
    "SafetyLabel",
    "SafetyPatterns",
    "load_classifier",
    "normalise",
    "visible",
]

PATTERNS_FILE = Path("safety") / "patterns.yaml"


class SafetyLabel(StrEnum):
    """What a message needs before anything else happens. Declared in priority order."""

    CRISIS = "crisis"
    DANGER = "danger"
    BOUNDARY = "boundary"
    MOVED_ON = "moved_on"
    NONE = "none"


# --- normalisation -----------------------------------------------------------------------------

# A crisis statement often closes a long rant, so very long input keeps its start and its end.
_HEAD = 16_000
_TAIL = 4_000

# Invisible characters people (or keyboards) slip between letters: zero-width space/joiners, bidi
# marks and isolates, word joiner, BOM, soft hyphen, variation selectors, Hangul fillers, tags.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3\U000e0000-\U000e0fff]"
)
# Combining marks, after decomposition: accents ("fiancé") and "zalgo" or strike-through decoration.
_MARKS = re.compile("[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u00b4": "'",
        "\u02bc": "'",
        "\u02bb": "'",
        "\u02b9": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
    }
)
# Leetspeak is only undone inside a word that also has letters, and never in a number with a
# unit ("3am", "20mg", "2nd"), so ordinary numbers survive.
_LEET_TOKEN = re.compile(r"[a-z0-9]*[a-z][a-z0-9]*")
_NUMBER_WITH_UNIT = re.compile(
    r"\d+(?:st|nd|rd|th|s|am|pm|k|m|mg|g|kg|lbs?|h|hrs?|mins?|x|yo|yrs?|ft|cm|km|mi|ml|l|p|d|w|mo|gb|mb"
    r"|days?|weeks?|months?|years?|hours?|minutes?|ish)"
)
_LEET_DIGITS = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t"})
_LEET_SYMBOLS = re.compile(r"(?<=[a-z])[@!|](?=[a-z])|\$(?=[a-z])|(?<=[a-z])\$")
_LEET_SYMBOL_MAP = {"@": "a", "!": "i", "|": "i", "$": "s"}
# "k m s", "s.u.i.c.i.d.e": three or more single letters in a row become one word.
_SPACED_LETTERS = re.compile(r"\b[a-z](?:[ .\-_*]+[a-z]\b){2,}")
_SPACED_SEPARATORS = re.compile(r"[ .\-_*]+")
_REPEATS = re.compile(r"([^\W\d_])\1{2,}")
_SPACES = re.compile(r"\s+")


def _undo_leet(match: re.Match[str]) -> str:
    token = match.group()
    if token.isalpha() or _NUMBER_WITH_UNIT.fullmatch(token):
        return token
    return token.translate(_LEET_DIGITS)


def visible(text: str) -> str:
    """The text as a reader sees it: styled letters ("𝔥𝔢𝔶", "ｈｅｙ") made plain and invisible
    characters dropped, case and everything else kept. What the model reads."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))


def normalise(text: str) -> str:
    """Reduce a message to plain lower-case words so patterns match however it was typed."""
    if len(text) > _HEAD + _TAIL:
        text = text[:_HEAD] + "\n" + text[-_TAIL:]
    text = unicodedata.normalize("NFKD", text)
    text = _INVISIBLE.sub("", text)
    text = _MARKS.sub("", text)
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.translate(_QUOTES)
    text = _LEET_SYMBOLS.sub(lambda m: _LEET_SYMBOL_MAP[m.group()], text)
    text = _LEET_TOKEN.sub(_undo_leet, text)
    text = _SPACED_LETTERS.sub(lambda m: _SPACED_SEPARATORS.sub("", m.group()), text)
    text = _REPEATS.sub(r"\1\1", text)
    return _SPACES.sub(" ", text).strip()


# --- the patterns file -------------------------------------------------------------------------

_TERM = re.compile(r"{([a-z_]+)}")
_BACKREF = re.compile(r"\\[1-9]|\(\?P=")


def _quick(info: ValidationInfo) -> bool:
    """Loading at start-up: each label's patterns are compiled once, joined. Only when that fails is
    each pattern checked on its own, to name the line at fault (see `_load`)."""
    return bool(info.context and info.context.get("quick"))


def _compiles(pattern: str, info: ValidationInfo) -> str:
    if _BACKREF.search(pattern):
        raise ValueError("back-references are not supported (a label's patterns are joined into one regex)")
    if _quick(info):
        return pattern
    try:
        # Terms are checked on their own; here a placeholder group stands in for each one.
        re.compile(_TERM.sub("(?:x)", pattern))
    except re.error as exc:
        raise ValueError(f"not a valid regular expression: {exc}") from None
    return pattern


Pattern = Annotated[str, StringConstraints(min_length=1), AfterValidator(_compiles)]
TermName = Annotated[str, StringConstraints(pattern=r"^[a-z_]+$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LabelRules(_Strict):
    patterns: list[Pattern] = Field(min_length=1)
    # Phrases blanked out before this label's patterns run: figures of speech, denials, hypotheticals.
    exclusions: list[Pattern] = Field(default_factory=list)


class SafetyPatterns(_Strict):
    """`content/safety/patterns.yaml`. `{term}` in a pattern expands to the named entry of `terms`."""

    terms: dict[TermName, Pattern] = Field(default_factory=dict)
    figures_of_speech: list[Pattern] = Field(default_factory=list)  # blanked before every label
    crisis: LabelRules
    danger: LabelRules
    boundary: LabelRules
    moved_on: LabelRules

    @field_validator("figures_of_speech", "crisis", "danger", "boundary", "moved_on")
    @classmethod
    def _terms_exist(cls, value: Any, info: ValidationInfo) -> Any:
        terms: dict[str, str] = info.data.get("terms", {})
        groups: dict[str, list[str]] = (
            {"patterns": value.patterns, "exclusions": value.exclusions}
            if isinstance(value, LabelRules)
            else {"": value}
        )
        for group, patterns in groups.items():
            for i, pattern in enumerate(patterns):
                where = f"{group}[{i}]" if group else f"[{i}]"
                unknown = [name for name in _TERM.findall(pattern) if name not in terms]
                if unknown:
                    raise ValueError(f"{where}: unknown term {{{unknown[0]}}} (add it under terms:)")
                if not _quick(info) and re.search(_expand(pattern, terms), "") is not None:
                    raise ValueError(f"{where}: matches empty text, so it would flag every message")
            if patterns:
                try:
                    joined = _union(patterns, terms)
                except re.error as exc:
                    where = group or "patterns"
                    raise ValueError(f"{where}: cannot be joined into one regex: {exc}") from None
                if joined.search("") is not None:
                    raise ValueError(f"{group or 'patterns'}: one of them matches empty text")
        return value


def _expand(pattern: str, terms: dict[str, str]) -> str:
    return _TERM.sub(lambda m: f"(?:{terms[m.group(1)]})", pattern)


def _union(patterns: list[str], terms: dict[str, str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{_expand(p, terms)})" for p in patterns))


# --- the classifier ----------------------------------------------------------------------------

_BLANK = " ~ "  # replaces an excluded phrase; no pattern matches across it


class SafetyClassifier:
    """Assigns one SafetyLabel to a message. Build it once; `assess` is pure and thread-safe."""

    def __init__(self, patterns: SafetyPatterns) -> None:
        terms = patterns.terms
        self._figures = _union(patterns.figures_of_speech, terms) if patterns.figures_of_speech else None
        self._rules: list[tuple[SafetyLabel, re.Pattern[str] | None, re.Pattern[str]]] = []
        for label in (SafetyLabel.CRISIS, SafetyLabel.DANGER, SafetyLabel.BOUNDARY, SafetyLabel.MOVED_ON):
            rules: LabelRules = getattr(patterns, label.value)
            exclusions = _union(rules.exclusions, terms) if rules.exclusions else None
            self._rules.append((label, exclusions, _union(rules.patterns, terms)))

    def assess(self, text: str) -> SafetyLabel:
        return self.explain(text)[0]

    def assessment(self, text: str) -> Assessment:
        """The rules' finding in the engine's terms: used on their own only when the model is not loaded."""
        label = self.assess(text)
        return Assessment(
            crisis=CrisisZone.ACT if label == SafetyLabel.CRISIS else CrisisZone.NONE,
            danger=label == SafetyLabel.DANGER,
            boundary=label == SafetyLabel.BOUNDARY,
            moved_on=label == SafetyLabel.MOVED_ON,
            source="rules",
            rule=str(label),
        )

    def explain(self, text: str) -> tuple[SafetyLabel, str]:
        """The label and the normalised words that triggered it ("" for NONE): for tests and review."""
        scanned = normalise(text)
        if self._figures is not None:
            scanned = self._figures.sub(_BLANK, scanned)
        for label, exclusions, pattern in self._rules:
            candidate = exclusions.sub(_BLANK, scanned) if exclusions is not None else scanned
            found = pattern.search(candidate)
            if found:
                return label, found.group()
        return SafetyLabel.NONE, ""


@lru_cache(maxsize=8)
def _load(root: Path) -> SafetyClassifier:
    path = root / PATTERNS_FILE
    try:
        # Compiling every pattern on its own as well as joined took a quarter of a second at start-up.
        patterns = load_model(path, SafetyPatterns, context={"quick": True})
    except ContentError:
        patterns = load_model(path, SafetyPatterns)  # each pattern on its own: the error names its line
    return SafetyClassifier(patterns)


def load_classifier(root: Path = CONTENT_DIR) -> SafetyClassifier:
    """Load `safety/patterns.yaml` under root; raises ContentError (file:line: reason) when broken."""
    return _load(root.resolve())
