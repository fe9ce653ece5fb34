"""The "why" under the figures, worded from the numbers of the run that produced them."""

from __future__ import annotations

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
    if paced is not None and paced.value is not None:
        out.append(
            f"**Per-chat pacing.** With Telegram's real pacing (1 message/s per chat after a burst of 3),"
            f" a user waits about {paced.value / 1000:.1f} s for the last message of a step, whatever the"
            " machine: the later paragraphs are sent a second apart. While it waits, the update holds one of"
            " the adapter's 16 concurrency slots, so under real limits the adapter finishes at most about"
            f" {16 / max(paced.value / 1000, 0.1):.0f} steps/s in total, and other users queue behind"
            " sleeping updates. Fewer messages per step fixes both."
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
    pg = _find(figures, "updates/s with 1, 2")
    if pg is not None and pg.value is None:
        out.append(f"**PostgreSQL** figures are {pg.note}.")
    return out


def analysis(figures: list[Figure]) -> str:
    paragraphs = _throughput(figures) + _latency(figures) + _rest(figures)
    return "## Analysis\n\n" + "\n\n".join(paragraphs) + "\n"
