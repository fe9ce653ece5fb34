"""docs/benchmarks.md: the figures, the machine, the date and the exact command, rewritten by each run."""

from __future__ import annotations

from datetime import UTC, datetime

from bench.results import Figure, fmt, verdict

__all__ = ["markdown"]

METHOD = """\
## How it is measured

- Sections 1-6 run on 127.0.0.1 in one process and one event loop: the Telegram emulator from the
  test suite (`tests/emulators/telegram.py`), the bot, and the load generator. Absolute numbers are
  therefore lower than a bot would reach with Telegram on another machine; the ratios against the
  baselines, measured in the same run on the same emulator, are what to read.
- Three bots, each polling the same emulator with the same concurrency (16):
  - Rekindle as in production: `TelegramAdapter(settings, service, tuning)` over `build_service(...)`
    (the safety model loaded) and a real SQLite file, taking updates through its own poller, which
    confirms an update only once it is recorded.
  - The peer (`bench/peer.py`): the bot a Python developer would write for the same guide, a
    python-telegram-bot `ConversationHandler` with `PicklePersistence` at its defaults, polled by PTB's
    own `Updater`. It sends Rekindle's own texts and keyboards, recorded from Rekindle by the template,
    and makes the same calls: for a press, answer the spinner, send the step's messages (the keyboard on
    the last), take the pressed keyboard away; for a typed answer, one message. No safety model, no
    transaction, no outbox.
  - The echo bot (`tests/emulators/echo_bot.py`): a text in, one message out.
- People: one person goes through the real intake (`bench/data.py`) and is cloned in bulk into the
  store (and into the peer's pickle). A guide step is their press of "One more step" after the first
  lesson; a typed message is their answer to the first lesson's question. Everyone sends one update.
  Journal text is stored unencrypted (no `REKINDLE_DATA_KEY`).
- Calls: the emulator counts every request each bot makes, per method; each run checks that every
  update made exactly its calls (one spinner answer, every message, the keyboard's removal). "Bot API
  calls per second" are these counts (getUpdates apart) over the run's time.
- Throughput: all updates queued at once for distinct people; the time runs to the last call of the
  last one. Latency: updates injected open loop on a fixed schedule at 25%, 50% and 90% of the echo
  bot's throughput in this run, the same offered rate for every bot; latency counts from the
  scheduled instant to the update's last message, so a busy loop cannot hide its queueing. The
  emulator has no flood limits, so the adapter's pacing is lifted, except in the line that shows what
  Telegram's per-chat pacing (1 message/s after a burst of 3) adds at the same rate.
- Typed messages: the burst window that folds one person's quick texts into one answer (1.5 s, when
  polling) is set to 0 for the throughput runs, as webhook mode has it: every person sends one text,
  so the window would only delay each by 1.5 s. The long-message burst keeps the production window.
  The model's time inside the bot is measured by a wrapper around the reader's model (`bench/probes.py`),
  the SQLite connection's by a timing wrapper around the store's connection lock; a heartbeat task
  sleeping 5 ms on the bot's loop records the largest gap between its wake-ups, and the burst is
  timed to the last message of the last answer. The model holds numpy's BLAS to one thread when it
  loads (an earlier run of this bench measured typed messages 2.2x faster that way).
- The sweep uses the real `Dispatcher` and service with a counting Sender.
- Fan-out: the emulator answers 429 (retry_after 1) beyond a token bucket of `rate` messages/s with
  one second of burst; the adapter gets the same overall rate through
  `Tuning(limits=RateLimits(overall_per_second=rate))`, keeping the production per-chat pacing.
- Start-up: `python -m bench.ready <db> <now>` in a subprocess, timed from before the process starts
  to "ready to serve" (settings, content, the safety model, the store, the service, the scheduler
  started) and to the end of the scheduler's first tick. The store's check-ins fall due one person in
  1,440 each minute of a day and the clock stands a minute into it, so the first tick sends the last
  minute's check-ins; those people are put back after each run. RSS is `VmRSS`. The store files are
  generated once under `bench/results/` (gitignored).
- PostgreSQL (section 7): real `python -m bot` processes in webhook mode on one PostgreSQL database,
  the emulator spreading its webhook pushes round-robin over them as a load balancer would; the peer
  and the echo bot in processes of their own, fed by the same webhook pushes through
  python-telegram-bot's webhook server; then 1, 2 and 4 `python -m bot scheduler` processes sweeping
  the same due check-ins. Each run checks that every update was answered once and every check-in
  sent once.
"""


def _row(f: Figure) -> str:
    ratio = f"{f.ratio:.2f}x" if f.ratio is not None else ""
    base = f"{fmt(f.baseline, f.unit)} ({f.baseline_name})" if f.baseline_name else ""
    goal = f"{f.goal}: **{verdict(f)}**" if f.goal else ""
    return f"| {f.name} | {fmt(f.value, f.unit)} | {base} | {ratio} | {goal} | {f.note} |"


BUDGET = 600.0  # seconds: issue 14 wants `make bench`, the whole suite, under 10 minutes


def _budget(command: str, seconds: float) -> str:
    if command != "python -m bench":
        return ""  # a partial or quick run has no budget of its own
    return f" ({'within' if seconds < BUDGET else 'over'} the 10 minutes the whole suite is meant to take)"


def markdown(
    figures: list[Figure],
    machine: dict[str, str],
    command: str,
    seconds: float,
    analysis: str,
    load: tuple[float, float] | None = None,
    steal: float | None = None,
) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    busy = (
        f" The machine's load average (1 minute) was {load[0]:.2f} when the run began and {load[1]:.2f} when it"
        " ended: anything well above 0 is other work sharing the cores."
        if load is not None
        else ""
    )
    if steal is not None:
        busy += (
            f" The host took {steal:.1%} of the cores' time away from this machine during the run (steal,"
            " from /proc/stat): above a few percent, stalls and rates carry the neighbours' load too."
        )
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `{command}` on {now}; the run took {seconds:.0f} s{_budget(command, seconds)}."
        f" Rerun it to refresh this page.{busy}",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *(f"| {k} | {v} |" for k, v in machine.items()),
        "",
        "## Figures",
        "",
    ]
    sections: dict[str, list[Figure]] = {}
    for figure in figures:
        sections.setdefault(figure.section, []).append(figure)
    for section, items in sections.items():
        lines += [f"### {section}", "", "| figure | value | baseline | ratio | goal | note |",
                  "|---|---|---|---|---|---|", *(_row(f) for f in items), ""]
    missed = [f for f in figures if f.met is False]
    lines += ["## Goals missed", ""]
    lines += [f"- {f.section}: {f.name} ({f.goal})" for f in missed] or ["- none"]
    lines += ["", analysis.rstrip(), "", METHOD]
    return "\n".join(lines)
