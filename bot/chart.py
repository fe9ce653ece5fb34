"""The progress chart: mood and urge over recent days, as a PNG sized for a phone screen.

matplotlib is imported inside the render function, so importing this module stays cheap. Each call
builds its own `Figure` with the Agg canvas and never touches pyplot's global state or rcParams,
which keeps concurrent renders in worker threads independent of each other.
"""

from __future__ import annotations

import asyncio
import functools
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import fmean
from typing import TYPE_CHECKING

from dialogs.progress import CheckinRecord, UrgeRecord, summarise

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["HEIGHT_PX", "WIDTH_PX", "NoData", "render_progress_chart", "render_progress_chart_async"]

WIDTH_PX = 1080
HEIGHT_PX = 1350  # 4:5, the shape a phone shows full width without cropping
_DPI = 100
_MOOD_COLOUR = "#2f6db5"
_URGE_COLOUR = "#c8641e"
_SHADE_COLOUR = "#7fb77e"
_TEXT = 24  # points at 100 dpi: about 33 px high, readable when the image is shown phone-width
_MARKERS_UP_TO = 60  # beyond this many points, markers turn into a blur


class NoData(Exception):
    """Nothing to draw: no check-in answer or urge note falls inside the requested days.

    The caller shows a friendly message instead of a picture.
    """


@dataclass(frozen=True, slots=True)
class _Series:
    x: list[int]  # day index in the window, 0 = first day
    y: list[float]


def _daily(points: Iterable[tuple[date, int]], first: date, days: int) -> _Series:
    by_day: dict[int, list[int]] = {}
    for day, value in points:
        index = (day - first).days
        if 0 <= index < days:
            by_day.setdefault(index, []).append(value)
    xs = sorted(by_day)
    return _Series(xs, [fmean(by_day[x]) for x in xs])


def _label(day: date) -> str:
    return f"{day.day} {day:%b}"


def render_progress_chart(
    checkins: Iterable[CheckinRecord],
    urges: Iterable[UrgeRecord],
    today: date,
    no_contact_start: date | None,
    no_contact_days: int,
    days: int = 30,
    *,
    limited: bool = False,
) -> bytes:
    """Return a PNG of the last `days` local days ending `today`; raise NoData when it would be empty.

    Mood (1-5) is the top panel and the urge to reach out (0-10, check-in ratings and urge notes
    averaged per day) the bottom one. No-contact days are shaded and a check-in streak of two days
    or more is named in the title.
    """
    if days < 1:
        raise ValueError(f"days must be at least 1, not {days}")
    checkins = list(checkins)
    urges = list(urges)
    first = today - timedelta(days=days - 1)
    mood = _daily(((c.local_date, c.mood) for c in checkins if c.mood is not None), first, days)
    urge_points = [(c.local_date, c.urge) for c in checkins if c.urge is not None]
    urge = _daily([*urge_points, *((u.local_date, u.strength) for u in urges)], first, days)
    if not mood.x and not urge.x:
        raise NoData(f"no mood or urge data between {first} and {today}")
    streak = summarise(checkins, urges, today, no_contact_start, no_contact_days).streak

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    fig = Figure(figsize=(WIDTH_PX / _DPI, HEIGHT_PX / _DPI), dpi=_DPI, layout="constrained")
    FigureCanvasAgg(fig)
    ax_mood, ax_urge = fig.subplots(2, 1, sharex=True)
    title = f"Your last {days} days" if days > 1 else "Today"
    if streak >= 2:
        title += f"\nChecked in {streak} days running"
    fig.suptitle(title, fontsize=_TEXT + 6)

    _panel(ax_mood, mood, "Mood", (1, 5), [1, 2, 3, 4, 5], _MOOD_COLOUR, "No mood answers yet")
    _panel(ax_urge, urge, "Urge to reach out", (0, 10), [0, 5, 10], _URGE_COLOUR, "No urge ratings yet")

    shaded = _no_contact_span(no_contact_start, no_contact_days, first, days)
    if shaded is not None:
        for ax in (ax_mood, ax_urge):
            ax.axvspan(shaded[0] - 0.5, shaded[1] + 0.5, color=_SHADE_COLOUR, alpha=0.25, lw=0, zorder=0)
        ax_mood.legend(
            handles=[
                Patch(
                    color=_SHADE_COLOUR,
                    alpha=0.35,
                    label=_no_contact_label(no_contact_start, no_contact_days, today, limited),
                )
            ],
            loc="lower right",
            bbox_to_anchor=(1.0, 1.0),
            fontsize=_TEXT - 4,
            frameon=False,
            borderaxespad=0.2,
        )

    ax_urge.set_xlim(-0.5, days - 0.5)
    ticks = _ticks(days)
    ax_urge.set_xticks(ticks, [_label(first + timedelta(days=t)) for t in ticks])
    # The last label is today at the right edge: anchor it there so it is not cut off.
    ax_urge.get_xticklabels()[-1].set_horizontalalignment("right")
    if ticks[0] == 0 and days > 1:
        ax_urge.get_xticklabels()[0].set_horizontalalignment("left")

    buffer = io.BytesIO()
    # Light compression: the picture is sent once, and level 1 saves a third of the render time.
    fig.savefig(buffer, format="png", dpi=_DPI, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def _panel(
    ax: Axes,
    series: _Series,
    title: str,
    limits: tuple[int, int],
    yticks: Sequence[int],
    colour: str,
    empty_note: str,
) -> None:
    ax.set_title(title, fontsize=_TEXT + 2, loc="left")
    ax.set_ylim(limits[0] - 0.5, limits[1] + 0.5)
    ax.set_yticks(list(yticks))
    ax.tick_params(labelsize=_TEXT - 2, length=6)
    ax.grid(axis="y", alpha=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if not series.x:
        ax.text(0.5, 0.5, empty_note, transform=ax.transAxes, ha="center", va="center", fontsize=_TEXT - 2)
        return
    if len(series.x) <= _MARKERS_UP_TO:
        ax.plot(series.x, series.y, color=colour, linewidth=4, marker="o", markersize=11)
        return
    # Too many days for single points to be readable: show them faintly under a weekly average.
    ax.plot(series.x, series.y, color=colour, linewidth=1, alpha=0.35)
    ax.plot(series.x, _weekly_average(series), color=colour, linewidth=5)
    ax.set_title(f"{title} (7-day average)", fontsize=_TEXT + 2, loc="left")


def _weekly_average(series: _Series) -> list[float]:
    """For each point, the mean of the points within three days either side of it."""
    return [fmean(y for x2, y in zip(series.x, series.y, strict=True) if abs(x2 - x) <= 3) for x in series.x]


def _no_contact_span(start: date | None, length: int, first: date, days: int) -> tuple[int, int] | None:
    """First and last day index of the no-contact period inside the window, if any of it is."""
    if start is None or length < 1:
        return None
    begin = max((start - first).days, 0)
    end = min((start - first).days + length - 1, days - 1)
    return (begin, end) if begin <= end else None


def _no_contact_label(start: date | None, length: int, today: date, limited: bool = False) -> str:
    kind = "Limited contact" if limited else "No contact"
    if start is None:
        return kind
    day = (today - start).days + 1
    return f"{kind}, day {day} of {length}" if 1 <= day <= length else kind


def _ticks(days: int) -> list[int]:
    """At most five date labels, always including the last day (today)."""
    if days <= 5:
        return list(range(days))
    step = -(-(days - 1) // 4)
    ticks = list(range(days - 1, -1, -step))[::-1]
    return ticks[-5:]


async def render_progress_chart_async(
    checkins: Iterable[CheckinRecord],
    urges: Iterable[UrgeRecord],
    today: date,
    no_contact_start: date | None,
    no_contact_days: int,
    days: int = 30,
    *,
    limited: bool = False,
) -> bytes:
    """`render_progress_chart` in a worker thread, so the event loop keeps serving other users."""
    # Read the records here: a generator must not be consumed from another thread.
    return await asyncio.to_thread(
        functools.partial(render_progress_chart, limited=limited),
        list(checkins), list(urges), today, no_contact_start, no_contact_days, days,
    )
