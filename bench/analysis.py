"""The "why" under the figures, worded from the numbers of the run that produced them."""

from __future__ import annotations

import re

from bench.results import Figure

__all__ = ["analysis"]


def _find(figures: list[Figure], start: str) -> Figure | None:
    return next((f for f in figures if f.name.startswith(start)), None)


def _throughput(figures: list[Figure]) -> list[str]:
    steps, calls = _find(figures, "guide steps"), _find(figures, "Bot API calls")
    if steps is None or calls is None or steps.ratio is None or calls.ratio is None:
        return []
    per_step = round((calls.value or 0) / (steps.value or 1))
    out = [
        f"**Throughput ({steps.ratio:.2f}x echo).** One guide step is not one message: pressing Next makes"
        f" {per_step} Bot API calls (the spinner answer, removing the used keyboard, and"
        f" {max(per_step - 2, 1)} sendMessage, the lesson joined into one message), plus an engine step"
        " and a SQLite transaction. The echo bot makes one call per update. Counted in Bot API calls, the"
        f" stack runs at {calls.ratio:.2f}x the echo bot, so the HTTP work, not the engine or the store,"
        " is most of the cost.",
    ]
    if not steps.met:
        out.append(
            "The 0.8x goal per update cannot be met while a press costs three calls against the echo"
            " bot's one. The two extra calls are the ones a person feels: the spinner answer (without it"
            " the button spins for up to 15 s) and taking the used keyboard away (so an old button cannot"
            " be pressed again). Editing the pressed message in place would save one of them, at the"
            " price of the lesson history the person can scroll back through; we keep the history."
        )
    return out


def _latency(figures: list[Figure]) -> list[str]:
    steps = _find(figures, "guide steps")
    paced = _find(figures, "p50 with Telegram")
    out = []
    slow = [f for f in figures if f.section.startswith("2.") and f.name.startswith("p99 at")]
    if steps is not None and steps.value is not None:
        over = [f.name.split(" at ")[1] for f in slow if float(f.name.split()[2]) > steps.value]
        if over:
            out.append(
                f"**Latency.** At {' and '.join(over)} the injection rate is above what this process sustains"
                f" ({steps.value:.0f} steps/s), so updates queue and p50/p99 mostly measure the backlog of a"
                " bounded run; below that rate latency is a few round trips per message."
            )
    if paced is not None and paced.value is not None and paced.value < 1000:
        out.append(
            f"**Per-chat pacing.** With Telegram's real pacing (1 message/s per chat after a burst of 3),"
            f" a step's last message arrives {paced.value:.0f} ms after the press: a step sends one message,"
            " well inside the burst, so the pacing costs a person nothing."
        )
    elif paced is not None and paced.value is not None:
        out.append(
            f"**Per-chat pacing.** With Telegram's real pacing (1 message/s per chat after a burst of 3),"
            f" a user waits about {paced.value / 1000:.1f} s for the last message of a step: the messages"
            " after the burst go a second apart, and the update holds one of the adapter's 16 concurrency"
            " slots while it waits."
        )
    return out


def _rest(figures: list[Figure]) -> list[str]:
    out = []
    stall = _find(figures, "largest loop stall")
    if stall is not None and stall.value is not None:
        cause = (
            " The stalls the sweep used to show (142-215 ms) were full garbage collections: each walked every"
            " object alive in the process (about 90,000 with python-telegram-bot imported, more after the"
            " other benches), 30-140 ms on 2 cores, about twice a minute. `bot.app.settle_heap` freezes what"
            " is alive once the bot is wired, so a full pass now walks only what the sweep allocates (about 1 ms)."
        )
        if stall.met:
            out.append(
                f"**Stalls.** The sweep's largest loop gap ({stall.value:.1f} ms) stays under 50 ms.{cause}"
            )
        else:
            out.append(
                f"**Stalls ({stall.value:.0f} ms).** Something held the loop for longer than 50 ms.{cause}"
                " Look next at other processes on the machine: with the CPU taken elsewhere the bot's"
                " threads wait their turn, and a gap grows without any work of its own."
            )
    sweep = _find(figures, "sweep time")
    if sweep is not None and sweep.value is not None:
        out.append(
            f"**Sweep time.** {sweep.note.split(',')[0]}: every check-in is its own transaction (claim the"
            " event id, load and save the state, write the outbox) and then its own delivery transaction,"
            " all on one SQLite connection. That is far above Telegram's 30 messages/s, so the sender, not"
            " the sweep, sets the pace of a real fan-out."
        )
    fan = [f for f in figures if f.section.startswith("4.")]
    if fan:
        worst = max(fan, key=lambda f: f.ratio or 0)
        verdict = "within" if all(f.met for f in fan) else "outside"
        out.append(
            f"**Fan-out (worst {worst.ratio or 0:.3f}x the floor, {verdict} 5%).** A check-in is one message."
            " The overall pace is our own GCRA budget (`bot.budget`) at 98% of the limit with 90% of a"
            " second's burst: Telegram's counter and ours never tick together, and pacing at exactly the"
            " limit made sends land early, get a 429 and wait a whole second (1.19x before). The 2% and"
            " the smaller burst are the whole gap to the floor."
        )
    ready = [f for f in figures if f.section.startswith("5.") and f.name.startswith("ready")]
    if ready and all(f.met for f in ready):
        out.append(
            "**Start-up** is flat in the number of users: nothing is loaded per user at start, the due"
            " query walks the `users_due` index, and the scheduler is one interval job rather than one"
            " job per user."
        )
    return out + _postgres(figures)


_CPU = re.compile(
    r"CPU per [\w-]+: \S+ ([\d.]+) ms, PostgreSQL ([\d.]+) ms, emulator ([\d.]+) ms;"
    r" ([\d.]+) of (\d+) cores ours, ([\d.]+) busy in all"
)


def _cpu(f: Figure) -> tuple[float, float, float, float, int, float] | None:
    """(bot ms, PostgreSQL ms, emulator ms, cores ours, cores, cores busy) from a section 6 note."""
    m = _CPU.search(f.note)
    if m is None:
        return None
    bots, pg, emu, ours, cores, busy = m.groups()
    return float(bots), float(pg), float(emu), float(ours), int(cores), float(busy)


def _postgres(figures: list[Figure]) -> list[str]:
    six = [f for f in figures if f.section.startswith("6.")]
    if not six:
        return []
    if all(f.value is None for f in six):
        return [f"**PostgreSQL** figures are {six[0].note}."]
    workers = [f for f in six if f.name.startswith("guide steps") and f.name.endswith("PostgreSQL")]
    sqlite = next((f for f in six if f.name.startswith("guide steps") and f.name.endswith("SQLite")), None)
    echo = _find(six, "echo bot")
    sweeps = [f for f in six if f.name.startswith("check-in sweep")]
    out = []
    if workers and echo is not None and echo.value:
        out.append(_workers(workers, sqlite, echo))
    if len(sweeps) > 1:
        out.append(_schedulers(sweeps))
    return out


def _count(f: Figure) -> str:
    return f.name.split(", ")[1]  # "2 workers" from "guide steps per second, 2 workers, PostgreSQL"


def _workers(workers: list[Figure], sqlite: Figure | None, echo: Figure) -> str:
    one = workers[0]
    best = max(workers, key=lambda f: f.value or 0)
    ratios = ", ".join(f"{_count(f)} {f.ratio or 0:.2f}x" for f in workers)
    text = (
        f"**PostgreSQL workers ({ratios} echo).** Each bot here is a process of its own beside the emulator"
        " and PostgreSQL, the echo bot included, so these ratios compare processes with processes (figure 1"
        " runs the bot inside the bench's own process)."
    )
    c1, ce = _cpu(one), _cpu(echo)
    if c1 is not None and ce is not None:
        sq = f" ({sqlite.value or 0:.0f} with one worker on SQLite)" if sqlite is not None else ""
        text += (
            f" One worker on PostgreSQL does {one.value or 0:.0f} guide steps/s{sq}. A step costs the worker"
            f" {c1[0]:.1f} ms of CPU, and PostgreSQL {c1[1]:.1f} ms more, where an echo update costs"
            f" {ce[0]:.1f} ms: a step is three Bot API calls (the spinner, the keyboard, the lesson) to the"
            f" echo bot's one, {c1[0] / 3:.1f} ms a call against {ce[0]:.1f}, plus the engine, the"
            " transaction and, on PostgreSQL, a turn of the shared send budget (an update of one row) for"
            " each of the two calls addressed to the chat."
        )
        cs = _cpu(sqlite) if sqlite is not None else None
        if sqlite is not None and cs is not None and (sqlite.value or 0) < (one.value or 0):
            text += (
                f" SQLite is the slower single worker because its store runs inside the worker ({cs[0]:.1f} ms"
                f" a step against {c1[0]:.1f}), which is then bound by its one core sooner; on PostgreSQL the"
                " server does that work on the other core."
            )
    cb = _cpu(best)
    if cb is not None and len(workers) > 1:
        total = cb[0] + cb[1] + cb[2]
        ceiling = 1000 * cb[4] / total if total else 0.0
        text += (
            f" The best was {_count(best)}: {best.value or 0:.0f} steps/s, {(best.value or 0) / (one.value or 1):.2f}x"
            f" one worker, with {cb[5]:.1f} of {cb[4]} cores busy"
            + (
                f" ({cb[3]:.1f} of them the workers, PostgreSQL and the emulator, the rest other processes)"
                if cb[5] - cb[3] >= 0.1
                else ", all of it the workers, PostgreSQL and the emulator"
            )
            + f". At {total:.1f} ms of CPU per step in all, {cb[4]} cores hold about {ceiling:.0f} steps/s"
            " however many workers share them"
        )
        if c1 is not None:
            text += (
                f", so on this machine more workers can only fill what one worker leaves idle (one kept"
                f" {c1[5]:.1f} of {c1[4]} cores busy)"
            )
        text += (
            ". Whether workers would go further with more cores, and where PostgreSQL or the shared budget"
            " row would then stop them, this machine cannot show."
        )
    return text


def _schedulers(sweeps: list[Figure]) -> str:
    base = sweeps[0]
    best = min(sweeps, key=lambda f: f.value or float("inf"))
    users = int(base.name.split(", ")[1].split()[0].replace(",", ""))  # "check-in sweep, 2,000 users, ..."
    times = ", ".join(f"{f.name.rsplit(', ', 1)[1].split()[0]}: {f.value or 0:.1f} s" for f in sweeps)
    cb = _cpu(best)
    busy = f", {cb[5]:.1f} of {cb[4]} cores busy" if cb is not None else ""
    batches = -(-users // 500)
    text = (
        f"**Scheduler processes ({users:,} check-ins due at once; by processes {times}).** Several"
        " `python -m bot scheduler` processes on one database sent every check-in exactly once:"
        " `FOR UPDATE SKIP LOCKED` hands each tick disjoint rows, and the check-in's event id refuses a"
        f" repeat. The fastest was {best.name.rsplit(', ', 1)[1]} ({best.ratio or 0:.2f}x the time of"
        f" {base.name.rsplit(', ', 1)[1]}{busy}). A tick claims 500 rows at a time, so {users:,} due rows"
        f" are {batches} claim{'s' if batches > 1 else ''}: at most {batches} process{'es' if batches > 1 else ''}"
        " can share the sweep, and every process, busy or not, still ticks and does its housekeeping."
    )
    if (best.ratio or 1) > 0.75:
        text += " On this machine a second scheduler is a spare more than a speed-up."
    text += (
        f" One scheduler handled {users / (base.value or 1):.0f} check-ins/s, far above Telegram's 30 messages/s"
        " (figure 4), which is what paces a real fan-out."
    )
    return text


def analysis(figures: list[Figure]) -> str:
    paragraphs = _throughput(figures) + _latency(figures) + _rest(figures)
    return "## Analysis\n\n" + "\n\n".join(paragraphs) + "\n"
