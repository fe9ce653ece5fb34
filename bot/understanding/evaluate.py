"""Measuring the safety check on labelled messages: `python -m bot safety eval FILE.tsv`.

A row's label is one of crisis, danger, boundary, moved_on, none; `a+b` means the message carries
both (each must be found), `a|b` means either answer is right. For crisis, being caught means the
crisis reply or the direct question; the full reply's precision is reported on its own, and so is
how often an ordinary message gets the question.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dialogs.assessment import Assessment, CrisisZone
from dialogs.safety_examples import LABELS, Example
from dialogs.yamlfile import ContentError

__all__ = ["Case", "Report", "cases_from_examples", "evaluate", "read_tsv"]

FINDINGS = ("crisis", "danger", "boundary", "moved_on")


@dataclass(frozen=True, slots=True)
class Case:
    text: str
    required: frozenset[str]  # every one of these must be found ("none": nothing may be)
    accepted: frozenset[str]  # anything else that is also right (from `a|b`)
    where: str = ""


@dataclass
class Report:
    rows: int = 0
    recall: dict[str, float] = field(default_factory=dict)
    precision: dict[str, float] = field(default_factory=dict)
    support: dict[str, int] = field(default_factory=dict)
    crisis_act_precision: float = 0.0
    ordinary_asked: float = 0.0  # plain "none" messages that got the question
    ordinary_acted: float = 0.0  # ... or the full crisis reply
    misses: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"{'finding':<10}{'n':>6}{'recall':>9}{'precision':>11}"]
        for name in FINDINGS:
            out.append(
                f"{name:<10}{self.support.get(name, 0):>6}{self.recall.get(name, 0):>9.3f}"
                f"{self.precision.get(name, 0):>11.3f}"
            )
        out.append(f"crisis reply precision (full reply only): {self.crisis_act_precision:.3f}")
        out.append(f"ordinary messages asked the question: {self.ordinary_asked:.3f}")
        out.append(f"ordinary messages given the crisis reply: {self.ordinary_acted:.3f}")
        out.append(f"rows: {self.rows}")
        return out


def read_tsv(path: Path) -> list[Case]:
    cases = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None or [h.strip().lower() for h in header[:2]] != ["label", "text"]:
            raise ContentError(path, 1, "the first line must be the header 'label<TAB>text'")
        for number, row in enumerate(reader, start=2):
            if not row or not "".join(row).strip():
                continue
            if len(row) < 2:
                raise ContentError(path, number, "expected a label, a tab and the text")
            try:
                cases.append(_case(row[0].strip(), "\t".join(row[1:]), f"{path.name}:{number}"))
            except ValueError as exc:
                raise ContentError(path, number, str(exc)) from exc
    return cases


def _case(label: str, text: str, where: str) -> Case:
    if "|" in label:
        options = frozenset(p.strip() for p in label.split("|"))
        _check(options)
        return Case(text, frozenset(), options, where)
    required = frozenset(p.strip() for p in label.split("+"))
    _check(required)
    return Case(text, required, frozenset(), where)


def _check(labels: Iterable[str]) -> None:
    unknown = sorted(set(labels) - set(LABELS))
    if unknown:
        raise ValueError(f"unknown label {unknown[0]!r}; use {', '.join(LABELS)}")


def cases_from_examples(examples: Sequence[Example]) -> list[Case]:
    return [Case(ex.text, ex.labels, frozenset(), ex.where) for ex in examples]


def found(a: Assessment) -> frozenset[str]:
    hits = {
        "crisis": a.crisis != CrisisZone.NONE,
        "danger": a.danger,
        "boundary": a.boundary,
        "moved_on": a.moved_on,
    }
    return frozenset(name for name, hit in hits.items() if hit) or frozenset({"none"})


def _right(case: Case, got: frozenset[str]) -> bool:
    if case.accepted:
        return any(option in got if option != "none" else got == {"none"} for option in case.accepted)
    if case.required == {"none"}:
        return got == {"none"}
    return case.required <= got


def evaluate(cases: Sequence[Case], assess: Callable[[str], Assessment]) -> Report:
    report = Report(rows=len(cases))
    results = [(case, assess(case.text)) for case in cases]
    for name in FINDINGS:
        wanted = [(c, a) for c, a in results if name in c.required]
        flagged = [(c, a) for c, a in results if name in found(a)]
        report.support[name] = len(wanted)
        report.recall[name] = sum(name in found(a) for _, a in wanted) / len(wanted) if wanted else 1.0
        report.precision[name] = (
            sum(name in c.required or name in c.accepted for c, _ in flagged) / len(flagged)
            if flagged
            else 1.0
        )
    acted = [c for c, a in results if a.crisis == CrisisZone.ACT]
    report.crisis_act_precision = (
        sum("crisis" in c.required or "crisis" in c.accepted for c in acted) / len(acted) if acted else 1.0
    )
    ordinary = [a for c, a in results if c.required == {"none"}]
    if ordinary:
        report.ordinary_asked = sum(a.crisis == CrisisZone.ASK for a in ordinary) / len(ordinary)
        report.ordinary_acted = sum(a.crisis == CrisisZone.ACT for a in ordinary) / len(ordinary)
    for case, a in results:
        if not _right(case, found(a)):
            expected = "+".join(sorted(case.required)) or "|".join(sorted(case.accepted))
            report.misses.append(f"{case.where}\texpected {expected}\tgot {a.label}\t{case.text[:160]!r}")
    return report
