"""The labelled messages the safety model learns from and is measured on: `content/safety/examples/`.

A counsellor edits these YAML files; this module says what a valid file looks like (one label and
one category per file, each example a string or a mapping with `text` and `also`) and loads a split
with every example's file and line, so a mistake is reported where it is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from dialogs.content import CONTENT_DIR
from dialogs.yamlfile import ContentError, load_model

__all__ = [
    "CATEGORIES",
    "EXAMPLES_DIR",
    "LABELS",
    "Example",
    "ExampleFile",
    "Label",
    "Split",
    "examples_digest",
    "load_examples",
]

EXAMPLES_DIR = Path("safety") / "examples"
Label = Literal["crisis", "danger", "boundary", "moved_on", "none"]
LABELS: tuple[Label, ...] = ("crisis", "danger", "boundary", "moved_on", "none")
Split = Literal["train", "heldout"]

_DANGER_KINDS = ("violence", "threats", "stalking", "control", "images", "legal")
CATEGORIES: dict[str, tuple[str, ...]] = {
    # The C-SSRS screen's levels, then self-harm and an attempt in progress.
    "crisis": (
        "wish_dead",
        "active_thoughts",
        "method",
        "intent",
        "plan",
        "preparatory",
        "self_harm",
        "attempt",
    ),
    "danger": tuple(f"{who}_{kind}" for who in ("to_user", "by_user") for kind in _DANGER_KINDS),
    "boundary": ("quoted", "polite", "passed_on", "blocked", "stated"),
    "moved_on": ("new_partner", "engaged", "married", "pregnant", "status"),
    "none": (
        "figure_of_speech",
        "negation",
        "past_resolved",
        "others_story",
        "sadness",
        "anger",
        "contact_ok",
        "everyday",
    ),
}
# The `none` categories that look risky to a keyword filter and are not.
HARD_NEGATIVES = frozenset(
    {"figure_of_speech", "negation", "past_resolved", "others_story", "sadness", "anger"}
)

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ExampleEntry(_Strict):
    text: Text
    also: list[Label] = Field(default_factory=list)


class ExampleFile(_Strict):
    label: Label
    category: str
    examples: list[Text | ExampleEntry] = Field(min_length=1)

    @model_validator(mode="after")
    def _known_category(self) -> ExampleFile:
        allowed = CATEGORIES[self.label]
        if self.category not in allowed:
            raise ValueError(
                f"category {self.category!r} is not one of {', '.join(allowed)} for {self.label}"
            )
        for entry in self.examples:
            if isinstance(entry, ExampleEntry) and self.label in entry.also:
                raise ValueError(f"an example lists its own label {self.label!r} under also")
        return self


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    labels: frozenset[str]  # the file's label plus any `also`
    label: str  # the file's label
    category: str
    split: str
    where: str  # file:line, for review and for reporting misses

    @property
    def direction(self) -> str:
        """For danger: who does or threatens the harm, the user ("by_user") or the ex ("to_user")."""
        return self.category.split("_", 2)[0] + "_user" if self.label == "danger" else ""


def load_examples(root: Path = CONTENT_DIR, splits: Iterable[Split] = ("train", "heldout")) -> list[Example]:
    """Every example in the given splits, in file order; raises ContentError on a broken file or on
    a message that appears twice (in any split, so held-out data never leaks into training)."""
    out: list[Example] = []
    seen: dict[str, str] = {}
    wanted = set(splits)
    for split in ("train", "heldout"):
        folder = root / EXAMPLES_DIR / split
        files = sorted(folder.glob("*.yaml"))
        if not files:
            raise ContentError(folder, None, "no example files (*.yaml) found")
        for path in files:
            parsed = load_model(path, ExampleFile)
            lines = path.read_text(encoding="utf-8").splitlines()
            cursor = 0
            for entry in parsed.examples:
                text, also = (entry, []) if isinstance(entry, str) else (entry.text, entry.also)
                line = _find_line(lines, text, cursor)
                cursor = line + 1
                where = f"{path}:{line + 1}"
                key = " ".join(text.casefold().split())
                if key in seen:
                    raise ContentError(path, line + 1, f"this example is also at {seen[key]}")
                seen[key] = where
                if split in wanted:
                    out.append(
                        Example(
                            text=text,
                            labels=frozenset({parsed.label, *also}),
                            label=parsed.label,
                            category=parsed.category,
                            split=split,
                            where=where,
                        )
                    )
    return out


def _find_line(lines: list[str], text: str, start: int) -> int:
    """The line an example starts on: the next list item at or after `start` that holds its start."""
    probe = text.split("\n", 1)[0].strip()[:30]
    for number in range(start, len(lines)):
        line = lines[number]
        if line.lstrip().startswith("- ") and (not probe or _unescaped(probe) in _unescaped(line)):
            return number
    return start


def _unescaped(text: str) -> str:
    return text.replace('\\"', '"').replace("''", "'")


def examples_digest(root: Path = CONTENT_DIR) -> str:
    """sha256 over the training files' bytes: the head records it, so a stale head is noticed."""
    digest = hashlib.sha256()
    for path in sorted((root / EXAMPLES_DIR / "train").glob("*.yaml")):
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()
