"""`python -m bench` runs the full suite (under ~10 minutes on 2 cores) and rewrites docs/benchmarks.md.

`python -m bench --quick` runs small sizes in under a minute and writes bench/results/ instead,
so a quick check never replaces the committed figures.

`--only typed` (repeatable: `--only steps --only typed`) runs some parts of the suite, in the
suite's order and at the chosen sizes, and writes bench/results/ too: a partial report never
replaces the committed one.

Section 7 needs PostgreSQL: `make bench` starts the throwaway one from scripts/pg.sh (and stops it
again if it was not running); without one the section says "not measured" and why.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PTB_TIMEDELTA", "true")

from bench.analysis import analysis
from bench.machine import cpu_ticks, describe, steal_share
from bench.report import markdown
from bench.results import table
from bench.suite import FULL, QUICK, SECTIONS, run_suite

ROOT = Path(__file__).resolve().parent.parent


_STARTED = time.perf_counter()


def _progress(message: str) -> None:
    """A step of the run on stderr, with the seconds since the run began: where the time goes."""
    print(f"[bench {time.perf_counter() - _STARTED:5.0f} s] {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, under a minute")
    parser.add_argument("--out", type=Path, help="where to write the Markdown report")
    parser.add_argument(
        "--only", action="append", choices=SECTIONS, help="run only this part of the suite (repeatable)"
    )
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    only = [s for s in SECTIONS if s in args.only] if args.only else list(SECTIONS)
    name = "-".join(
        ["benchmarks", *(["quick"] if args.quick else []), *(["only", *only] if args.only else [])]
    )
    results = ROOT / "bench" / "results" / f"{name}.md"
    out = args.out or (results if args.quick or args.only else ROOT / "docs" / "benchmarks.md")
    logging.basicConfig(level=logging.ERROR)  # the bot's own INFO lines would drown the progress
    machine = describe()
    load_before, ticks_before = os.getloadavg()[0], cpu_ticks()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="rekindle-bench-") as tmp:
        figures = asyncio.run(run_suite(sizes, Path(tmp), _progress, only))
    seconds = time.perf_counter() - start
    print(table(figures))
    command = " ".join(
        ["python -m bench", *(["--quick"] if args.quick else []), *(f"--only {s}" for s in args.only or ())]
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    load = (load_before, os.getloadavg()[0])
    steal = steal_share(ticks_before, cpu_ticks())
    out.write_text(
        markdown(figures, machine, command, seconds, analysis(figures), load, steal), encoding="utf-8"
    )
    _progress(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out} in {seconds:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
