"""A one-line progress bar on stderr for long command-line operations (`python -m bot encrypt`)."""

from __future__ import annotations

import sys
from typing import TextIO

__all__ = ["ProgressBar"]


class ProgressBar:
    """Call with (done, total). On a terminal it redraws one line; elsewhere (a log, a pipe) it writes
    a line at every tenth, so the output stays short."""

    def __init__(self, label: str, out: TextIO | None = None, width: int = 30) -> None:
        self._label = label
        self._out = out or sys.stderr
        self._width = width
        self._live = self._out.isatty()
        self._last_tenth = -1

    def __call__(self, done: int, total: int) -> None:
        share = 1.0 if total <= 0 else min(done / total, 1.0)
        filled = round(share * self._width)
        line = f"{self._label} [{'#' * filled}{'.' * (self._width - filled)}] {share:4.0%}  {done:,}/{total:,} rows"
        if self._live:
            self._out.write("\r" + line + ("\n" if share >= 1.0 else ""))
        elif int(share * 10) != self._last_tenth:
            self._last_tenth = int(share * 10)
            self._out.write(line + "\n")
        self._out.flush()
