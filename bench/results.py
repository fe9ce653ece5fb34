"""One measured figure next to its baseline, and the plain-text table printed at the end of a run."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Figure:
    section: str  # which of the suite's questions this answers
    name: str
    value: float | None  # None: not measured (the note says why)
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    goal: str = ""  # in words, e.g. ">= 0.8x echo"
    met: bool | None = None  # None when the figure has no goal
    note: str = ""
    higher_is_better: bool = True

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline


def fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "not measured"
    magnitude = abs(value)
    if magnitude >= 100:
        text = f"{value:,.0f}"
    elif magnitude >= 10:
        text = f"{value:.1f}"
    elif magnitude >= 0.1:
        text = f"{value:.2f}"
    else:
        text = f"{value:.3g}"
    return f"{text} {unit}".rstrip()


def verdict(figure: Figure) -> str:
    if figure.met is None:
        return ""
    return "met" if figure.met else "MISSED"


def table(figures: list[Figure]) -> str:
    """A fixed-width table for the terminal."""
    head = ("figure", "value", "baseline", "ratio", "goal", "")
    rows = [head] + [
        (
            f.name,
            fmt(f.value, f.unit),
            f"{fmt(f.baseline, f.unit)} ({f.baseline_name})" if f.baseline_name else "",
            f"{f.ratio:.2f}x" if f.ratio is not None else "",
            f.goal,
            verdict(f),
        )
        for f in figures
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows)
