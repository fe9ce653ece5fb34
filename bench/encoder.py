"""The sentence encoder's costs: load time, memory, and latency per message.

`python -m bench.encoder` prints the figures; `encoder_figures()` returns them for the suite.
Load time and memory are measured in a fresh child process (`python -m bench.encoder --load-only`),
so that nothing this process already imported hides them.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bench.ready import rss_kib
from bench.results import Figure, table

if TYPE_CHECKING:
    from bot.understanding import Encoder

__all__ = ["FULL", "TINY", "EncoderSizes", "encoder_figures", "load_costs", "split_sentences"]

ROOT = Path(__file__).resolve().parent.parent
SECTION = "6. Sentence encoder"

SHORT_MESSAGES = (
    "hi",
    "I miss her so much tonight.",
    "should i text him?",
    "cant sleep again",
    "He hasn't replied in four days and I keep checking my phone.",
    "what do I say if she calls",
    "I went for a run this morning and felt a bit better.",
    "i dont know what im doing anymore",
    "Is it normal to still cry about it after two months?",
    "ok thanks",
    "She posted a picture with someone new and I feel sick.",
    "next",
)
BATCH = (
    "I saw him at the supermarket today.",
    "He looked happy, which hurt more than I expected.",
    "I didn't say anything and left my basket by the door.",
    "Now I'm sitting in the car and can't drive home yet.",
    "Part of me wants to message him.",
    "What should I do?",
)
LONG_PARTS = (
    "It has been three months since we split up, and most days I manage fine.",
    "Work keeps me busy, and my sister has been wonderful about checking in.",
    "But the evenings are hard, especially on Sundays when we used to cook together.",
    "Last night I found one of her scarves behind the radiator and just sat on the floor holding it.",
    "I know I should put her things in a box and give them back, but every time I start I stop again.",
    "My friends say I should start dating, which feels impossible right now.",
    "Sometimes I wonder whether I was the problem all along.",
    "Did I stop listening? Did I take her for granted?",
    "I replay our last conversation and think of all the things I could have said.",
    "Anyway, I signed up for a climbing class, and the first session is on Thursday.",
)


@dataclass(frozen=True, slots=True)
class EncoderSizes:
    single_calls: int  # embed() calls of one short message, per thread setting
    batch_calls: int  # calls for the 6-sentence batch and for the long message
    load_runs: int  # child processes for load time and memory


FULL = EncoderSizes(single_calls=1000, batch_calls=200, load_runs=3)
TINY = EncoderSizes(single_calls=20, batch_calls=2, load_runs=1)


def split_sentences(text: str) -> list[str]:
    """A plain splitter for the bench: end punctuation followed by white space."""
    return [part for part in re.split(r"(?<=[.!?])\s+", text.strip()) if part]


def long_message(length: int = 4000) -> str:
    parts: list[str] = []
    while sum(len(p) + 1 for p in parts) < length:
        parts.append(LONG_PARTS[len(parts) % len(LONG_PARTS)])
    return " ".join(parts)[:length].rsplit(" ", 1)[0] + "."


def _percentiles(samples_ms: Sequence[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return cuts[49], cuts[98]


def _timed(embed: Callable[[Sequence[str]], object], inputs: Sequence[Sequence[str]]) -> list[float]:
    """Milliseconds for each embed(texts) call, in order."""
    samples = []
    for texts in inputs:
        start = time.perf_counter()
        embed(texts)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _load_child() -> None:
    """In a fresh process: import, load, embed once; print the times and resident memory as JSON."""
    before = rss_kib()
    start = time.perf_counter()
    from bot.understanding import Encoder

    imported = time.perf_counter()
    rss_imported = rss_kib()
    encoder = Encoder.load(threads=2)
    loaded = time.perf_counter()
    rss_loaded = rss_kib()
    from bot.understanding.spelling import Spelling

    Spelling()  # the safety model's other part: the dictionary for the mended reading
    spelled = time.perf_counter()
    rss_spelled = rss_kib()
    for message in (*SHORT_MESSAGES, *BATCH):
        encoder.embed([message])
    encoder.embed(split_sentences(long_message()))
    report = {
        "import_s": imported - start,
        "load_s": loaded - imported,
        "rss_start_kib": before,
        "rss_imported_kib": rss_imported,
        "rss_loaded_kib": rss_loaded,
        "spelling_s": spelled - loaded,
        "rss_spelled_kib": rss_spelled,
        "rss_used_kib": rss_kib(),
    }
    print(json.dumps(report), flush=True)


def load_costs(runs: int) -> list[dict[str, float]]:
    """Import and load times and resident memory, from `runs` fresh child processes."""
    reports = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-m", "bench.encoder", "--load-only"],
            cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        reports.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return reports


def encoder_figures(sizes: EncoderSizes = FULL) -> list[Figure]:
    from bot.understanding import Encoder

    figures: list[Figure] = []
    loads = load_costs(sizes.load_runs)

    def median(key: str) -> float:
        return statistics.median(report[key] for report in loads)

    mib = 1 / 1024
    figures += [
        Figure(SECTION, "import onnxruntime, tokenizers, numpy", median("import_s") * 1000, "ms",
               higher_is_better=False),
        Figure(SECTION, "load the model (Encoder.load, 2 threads)", median("load_s") * 1000, "ms",
               higher_is_better=False),
        Figure(SECTION, "RSS added by the import", (median("rss_imported_kib") - median("rss_start_kib")) * mib,
               "MiB", higher_is_better=False),
        Figure(SECTION, "RSS added by loading the model", (median("rss_loaded_kib") - median("rss_imported_kib")) * mib,
               "MiB", higher_is_better=False),
        Figure(SECTION, "load the spelling dictionary (the mended reading)", median("spelling_s") * 1000, "ms",
               higher_is_better=False),
        Figure(SECTION, "RSS added by the spelling dictionary",
               (median("rss_spelled_kib") - median("rss_loaded_kib")) * mib, "MiB", higher_is_better=False),
        Figure(SECTION, "RSS after embedding a few messages", median("rss_used_kib") * mib, "MiB",
               higher_is_better=False, note="whole process"),
    ]  # fmt: skip

    for threads in (1, 2):
        figures += _latencies(Encoder.load(threads=threads), threads, sizes)
    return figures


def _latencies(encoder: Encoder, threads: int, sizes: EncoderSizes) -> list[Figure]:
    sentences = split_sentences(long_message())
    _timed(encoder.embed, [[message] for message in SHORT_MESSAGES])  # warm up
    singles = [[SHORT_MESSAGES[i % len(SHORT_MESSAGES)]] for i in range(sizes.single_calls)]
    runs = (
        ("one short message", singles),
        (f"a batch of {len(BATCH)} sentences", [BATCH] * sizes.batch_calls),
        (f"a 4,000-character message as {len(sentences)} sentences", [sentences] * sizes.batch_calls),
        ("a 4,000-character message whole (cut at 256 tokens)", [[long_message()]] * sizes.batch_calls),
    )
    figures = []
    for name, inputs in runs:
        p50, p99 = _percentiles(_timed(encoder.embed, inputs))
        figures.append(
            Figure(SECTION, f"p50, {name}, {threads} thread(s)", p50, "ms", higher_is_better=False)
        )
        figures.append(
            Figure(SECTION, f"p99, {name}, {threads} thread(s)", p99, "ms", higher_is_better=False)
        )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.encoder", description=__doc__)
    parser.add_argument("--tiny", action="store_true", help="a few calls only, for a smoke run")
    parser.add_argument("--load-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.load_only:
        _load_child()
        return 0
    print(table(encoder_figures(TINY if args.tiny else FULL)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
