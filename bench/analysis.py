"""The "why" under the figures, worded from the numbers of the run that produced them."""

from __future__ import annotations

import re

from bench.results import Figure, fmt
from bot.understanding.reader import default_workers

__all__ = ["analysis"]


def _find(figures: list[Figure], start: str) -> Figure | None:
    """The figure of that name, else the first whose name starts so."""
    exact = next((f for f in figures if f.name == start), None)
    return exact or next((f for f in figures if f.name.startswith(start)), None)


def _met(f: Figure) -> str:
    return "met" if f.met else "MISSED"


_STORE = re.compile(
    r"the SQLite connection held ([\d.]+) ms per \w+ \((\d+) turns, (\d+) trips to its thread\): at most ([\d,]+)/s"
)


def _store(f: Figure) -> tuple[float, int, int, float] | None:
    """(ms held per update, turns, trips, ceiling per second) from a figure's note."""
    m = _STORE.search(f.note)
    if m is None:
        return None
    held, turns, trips, ceiling = m.groups()
    return float(held), int(turns), int(trips), float(ceiling.replace(",", ""))


def _counted(f: Figure) -> str:
    m = re.search(r"counted per \w+: ([^;]+)", f.note)
    return m.group(1) if m else ""


def _steps(figures: list[Figure]) -> list[str]:
    steps, echo, peer, calls, peer_calls = (_find(figures, n) for n in (
        "guide steps per second", "guide steps per second, against the echo bot", "guide steps per second, the peer",
        "Bot API calls per second (counted)", "Bot API calls per second, the peer"))
    if steps is None or peer is None or echo is None or steps.value is None or peer.value is None:
        return []
    out = []
    text = (
        f"**Guide steps ({steps.ratio or 0:.2f}x the peer, {echo.ratio or 0:.2f}x the echo bot; goal >= 1.0x the peer:"
        f" {_met(steps)}).** A step is the press of \"One more step\": {_counted(steps)}, the same calls for"
        f" Rekindle and the peer, counted by the emulator. Rekindle did {steps.value:.0f} steps/s, the peer"
        f" {peer.value:.0f}, the echo bot, with one call per update, {echo.baseline or 0:.0f}."
        " Rekindle sends its calls through aiohttp (bot/adapters/telegram/transport.py); the peer and the"
        " echo bot use python-telegram-bot's default, httpx, as a developer's bot would. A py-spy profile of"
        " a step found httpx's connection pool costing more CPU per request than the step's own logic, and"
        " on httpx Rekindle ran 0.81x the peer (the full run of 2026-12-02 05:39 UTC)."
    )
    held = _store(steps)
    if held is not None:
        ms, turns, trips, ceiling = held
        text += (
            " Rekindle also does what the peer does not: it records each step before confirming it. Per step its"
            f" one SQLite connection was held {ms:.2f} ms ({turns} turns of the connection lock, {trips}"
            f" trips to aiosqlite's thread, a transaction's writes going with its COMMIT): that alone allows"
            f" at most {ceiling:.0f} steps/s,"
        )
        text += (
            " and is where the run stopped. " if ceiling <= 1.25 * steps.value
            else f" above the {steps.value:.0f} measured, so the connection is not all of it. "
        )
        writes = re.search(r"PicklePersistence wrote its file (\d+) times", peer.note)
        text += (
            "The peer keeps its conversations in memory; with PicklePersistence's defaults it writes them"
            " out every 60 s (the whole file once per changed person), so a crash loses up to a minute (here"
            " it runs with on_flush=True, writing only at shutdown, which changes nothing inside a run)"
            + (f" ({writes.group(1)} writes fell inside its measurement)" if writes else "")
            + "; Rekindle commits state and outbox in one transaction per step, then takes a delivery lease and"
            " records each delivered message."
        )
        if not steps.met and ceiling <= 1.25 * steps.value:
            text += (
                f" To reach the peer, the connection must be held under {1000 / (peer.value or 1):.1f} ms per step:"
                " fewer turns (claim and release of the outbox lease, a transaction per delivered message) or"
                " fewer trips. That is the store's and the service's work"
                " (bot/store/sqlite.py, bot/service.py), not this bench's."
            )
        elif not steps.met:
            text += (
                " With the connection this far from its ceiling, the gap is the event loop's own work per step:"
                " one thread runs the bot's adapter, service and engine and parses every reply into"
                " python-telegram-bot objects, for the peer as for Rekindle. A profile of that thread"
                " (`py-spy record` during `python -m bench --only steps`) shows where."
            )
    out.append(text)
    if calls is not None and calls.value is not None and calls.baseline:
        text = (
            f"**Bot API calls ({calls.ratio or 0:.2f}x the echo bot; goal >= 0.9x: {_met(calls)}).** Counted, not"
            f" computed: {calls.value:,.0f} calls/s against the echo bot's {calls.baseline:,.0f}"
        )
        if peer_calls is not None and peer_calls.value is not None:
            text += f" and the peer's {peer_calls.value:,.0f}"
        text += "."
        if peer_calls is not None and (peer_calls.ratio or 0) >= 1 and (calls.ratio or 0) < 1:
            text += (
                f" The peer makes the same four calls per step at {peer_calls.ratio or 0:.2f}x the echo bot's rate,"
                " so the calls are not what holds Rekindle back: its own work per step is (above)."
            )
        elif (calls.ratio or 0) >= 1:
            text += (
                " A step's calls share one intake and one transaction, so a bot making steps can make more calls"
                " per second than the echo bot while making fewer updates."
            )
        out.append(text)
    return out


def _latency(figures: list[Figure]) -> list[str]:
    steps = next((f for f in figures if f.section.startswith("1.") and f.name == "guide steps per second"), None)
    peer = _find(figures, "guide steps per second, the peer")
    rows = [f for f in figures if f.section.startswith("2.") and re.match(r"p(50|99) at \d+%", f.name)]
    if not rows or steps is None or steps.value is None:
        return []
    out = []
    rates = sorted({float(re.search(r"\((\d+)/s\)", f.name).group(1)) for f in rows})  # type: ignore[union-attr]
    over = [r for r in rates if r > steps.value]
    goal = next((f for f in rows if f.goal), None)
    text = (
        "**Latency at the same offered rate.** Every side gets the same presses per second, at 25%, 50% and"
        f" 90% of what the echo bot sustained in this run ({', '.join(f'{r:.0f}' for r in rates)}/s)."
    )
    if over:
        text += (
            f" Rekindle sustains {steps.value:.0f} steps/s, so at {', '.join(f'{r:.0f}' for r in over)}/s it falls"
            " behind and its figures there are mostly the queue of a bounded run"
        )
        if peer is not None and peer.value is not None:
            peer_over = [r for r in rates if r > peer.value]
            text += f"; the peer ({peer.value:.0f}/s) falls behind at " + (
                ", ".join(f"{r:.0f}" for r in peer_over) + "/s" if peer_over else "none of them"
            )
        text += "."
    low = [f for f in rows if f.name.startswith("p50 at 25%")]
    if low and low[0].value is not None:
        text += (
            f" At 25% a step's last message arrived {low[0].value:.0f} ms after its press (p50), the peer's"
            f" {low[0].baseline or 0:.0f} ms."
        )
    if goal is not None and goal.value is not None:
        text += (
            f" The goal, p99 at 50% within 2x the peer's, is {_met(goal)}: {goal.value:,.0f} ms against"
            f" {goal.baseline or 0:,.0f} ms ({goal.ratio or 0:.2f}x)."
        )
    out.append(text)
    spin = _find(figures, "spinner answered, p50 at 25%")
    paced = _find(figures, "p50 with Telegram")
    if spin is not None and spin.value is not None:
        last = f", where the step's last message came {low[0].value:.0f} ms after it" if low and low[0].value else ""
        out.append(
            f"**The spinner.** The press's answer does not wait for the store: at 25% it came {spin.value:.0f} ms"
            f" after the press (p50){last}; the peer, which answers first and has nothing to record,"
            f" {spin.baseline or 0:.0f} ms. With a webhook (section 7) the answer rides on the webhook's answer"
            " instead of a request of its own, one request fewer per press; it comes with the step's messages,"
            " and by request after 0.5 s if the step takes longer."
        )
    if paced is not None and paced.value is not None and paced.baseline:
        spread = re.search(r"([\d.]+) ms from a step's first message to its last", paced.note)
        sends = re.search(r"(\d+) messages and one keyboard edit per step", paced.note)
        calls = int(sends.group(1)) + 1 if sends else 0
        text = (
            f"**Per-chat pacing.** With Telegram's per-chat pacing on, at half Rekindle's throughput, a step's last"
            f" message came {paced.value:.0f} ms after the press, {paced.ratio or 0:.2f}x the same rate with pacing"
            " lifted"
        )
        if calls and calls <= 3:
            text += f": a step's {calls - 1} messages and the keyboard's removal fit in the burst of 3"
        elif calls:
            text += (
                f": a step's {calls - 1} messages and the keyboard's removal are more than the burst of 3, and each"
                " one past it waits a second"
            )
        text += f" ({spread.group(1)} ms from the first message to the last, p50)." if spread else "."
        text += (
            " Between a step's messages nothing waits but the record of each delivery; a step of more messages"
            " than the burst sends the rest a second apart, which is Telegram's own pace for one chat (about one"
            " message a second) and which the adapter keeps."
        )
        out.append(text)
    return out


def _typed(figures: list[Figure]) -> list[str]:
    rk, off, peer = (_find(figures, n) for n in (
        "typed messages per second, with the safety model", "typed messages per second, model off",
        "typed messages per second, the peer"))
    inside, inside99 = _find(figures, "safety model per message inside the running bot, p50"), _find(
        figures, "safety model per message inside the running bot, p99")
    stall = next(
        (f for f in figures if f.section.startswith("3.") and f.name.startswith("largest loop stall")),
        None,
    )
    if rk is None or rk.value is None or peer is None:
        return []
    out = []
    text = (
        f"**Typed messages ({rk.ratio or 0:.2f}x the peer; goal >= 0.5x: {_met(rk)}).** Each typed answer is read"
        f" by the safety model in a worker thread before the engine sees it: Rekindle answered {rk.value:.0f}"
        f" messages/s, the peer (no model) {peer.value or 0:.0f}"
    )
    if off is not None and off.value is not None:
        text += f", and Rekindle with the model taken out {off.value:.0f} ({off.ratio or 0:.2f}x the peer)"
    text += "."
    if inside is not None and inside.value is not None:
        text += (
            f" Inside the running bot a read took {inside.value:.1f} ms (p50"
            + (f", p99 {inside99.value:.1f} ms" if inside99 is not None and inside99.value is not None else "")
            + f"); the same read alone took {inside.baseline or 0:.1f} ms: sixteen updates in flight share the"
            " cores with the model's threads."
        )
        if not rk.met and inside.value:
            readers = default_workers()
            text += (
                f" The reader's {readers} thread{'s' if readers > 1 else ''} share the cores with the event loop,"
                f" so reads alone cap Rekindle near {1000 * readers / inside.value:.0f} messages/s, and less while"
                " the loop takes its share: the model's read time, which depends on the CPU (see its extensions"
                " above), is the limit."
            )
    if inside99 is not None and inside99.value is not None and inside99.goal:
        text += (
            f" The safety issue's bar, a read's p99 {inside99.goal}, is {_met(inside99)} inside the saturated bot"
            f" ({inside99.value:.1f} ms); a read alone had a p99 of {inside99.baseline or 0:.1f} ms."
        )
    batches = re.search(r"median of \d+ batches of [\d,]+ \(([^)]*)/s\)", peer.note)
    if batches:
        text += f" The peer's batches in this run went at {batches.group(1)} messages/s."
    out.append(text)
    if stall is not None and stall.value is not None:
        people = re.search(r"stall, (\d+) people", stall.name)
        answered = re.search(r"all answered ([\d.]+) s after the burst", stall.note)
        read = re.search(r"the model took ([\d,]+) ms per long message", stall.note)
        shape = re.search(r"n-gram weights are (\d+) x ([\d,]+)", stall.note)
        t = (
            f"**Long messages ({stall.value:,.0f} ms loop stall; goal no stall over 50 ms: {_met(stall)}).**"
            f" {people.group(1) if people else 'Many'} people sent 4,000 characters each at the same moment"
        )
        if answered and read:
            t += (
                f"; all were answered {answered.group(1)} s later, and a read of one long message took"
                f" {read.group(1)} ms in the model's threads (p50)"
            )
        t += "."
        if not stall.met:
            t += (
                " The model runs in the reader's threads, yet the event loop stopped: the surface half of the"
                " classifier multiplies each piece's n-gram vector by its weight matrix"
                + (f" ({shape.group(1)} x {shape.group(2)})" if shape else "")
                + " with numpy; the model holds OpenBLAS to one thread (bot/understanding/reader.py), so"
                " what is left is the model's own work in its threads competing for the cores and the GIL."
            )
        out.append(t)
    return out


def _rest(figures: list[Figure]) -> list[str]:
    out = []
    stall = next((f for f in figures if f.section.startswith("4.") and f.name.startswith("largest loop stall")), None)
    if stall is not None and stall.value is not None:
        cause = (
            " The sweep used to stall 142-215 ms on full garbage collections walking every object alive;"
            " `bot.app.settle_heap` freezes what is alive once the bot is wired, so a full pass walks only what"
            " the sweep allocates."
        )
        if stall.met:
            out.append(
                f"**Sweep stalls.** The sweep's largest loop gap ({stall.value:.1f} ms) stays under 50 ms.{cause}"
            )
        else:
            out.append(
                f"**Sweep stalls ({stall.value:.0f} ms).** Something held the loop for longer than 50 ms.{cause}"
                " Look next at other processes on the machine: with the CPU taken elsewhere the bot's threads"
                " wait their turn, and a gap grows without any work of its own."
            )
    sweep = _find(figures, "sweep time")
    if sweep is not None and sweep.value is not None:
        out.append(
            f"**Sweep time.** {sweep.note.split(',')[0]}: every check-in is its own transaction and its own"
            " delivery, on one SQLite connection; far above Telegram's 30 messages/s, so the sender, not the"
            " sweep, sets the pace of a real fan-out."
        )
    fan = [f for f in figures if f.section.startswith("5.")]
    if fan:
        worst = max(fan, key=lambda f: f.ratio or 0)
        verdict = "within" if all(f.met for f in fan) else "outside"
        out.append(
            f"**Fan-out (worst {worst.ratio or 0:.3f}x the floor, {verdict} 5%).** A check-in is one message."
            " The overall pace is our own budget (`bot.budget`) at 98% of the limit with 90% of a second's"
            " burst, so that Telegram's counter and ours never disagree into a 429 and a whole second's wait;"
            " the 2% and the smaller burst are the gap to the floor."
        )
    ready = [f for f in figures if f.section.startswith("6.") and f.name.startswith("ready to serve")]
    rss = [f for f in figures if f.section.startswith("6.") and f.name.startswith("RSS when ready")]
    ticks = [f for f in figures if f.section.startswith("6.") and f.name.startswith("first tick done")]
    if ready:
        biggest, big_rss = ready[-1], rss[-1] if rss else None
        model = _find(figures, "the safety model's import and load")
        added = re.search(r"adding (\d+) MiB of RSS", model.note) if model is not None else None
        text = (
            f"**Start-up ({biggest.name.split(', ')[1]}: ready in {biggest.value or 0:.2f} s"
            + (f", {big_rss.value or 0:.0f} MiB" if big_rss is not None else "")
            + ").** The safety model loads at start"
        )
        if model is not None and model.value is not None:
            text += (
                f": importing onnxruntime, tokenizers and numpy and loading the encoder and the spelling"
                f" dictionary take {model.value:.2f} s of"
                f" the {model.baseline or 0:.2f} s an empty store needs"
                + (f", and {added.group(1)} MiB of the memory" if added else "")
            )
        text += "."
        empty = _find(figures, "ready to serve, empty store")
        parts = re.findall(r"([a-zA-Z][a-zA-Z ]*?) ([\d.]+) s", empty.note.split(": ", 1)[-1]) if empty else []
        if parts:
            name, seconds = max(parts, key=lambda p: float(p[1]))
            text += (
                f" Inside the process the largest part is {name} ({seconds} s of {empty.value or 0:.2f} s: "
                + ", ".join(f"{n} {v} s" for n, v in parts) + ")."
            )
            if name == "content":
                text += (
                    " That is the content's YAML read with PyYAML's pure-Python loader, each of its scalars serialised"
                    " back to YAML and parsed again to learn its type (dialogs/yamlfile.py); constructing the values"
                    " from the nodes directly would shorten it. That code is the content loader's, outside this"
                    " bench."
                )
        text += (
            " The store adds nothing per user at start: the due query walks the `users_due` index and the"
            " scheduler is one interval job."
        )
        if ticks:
            last = ticks[-1]
            due = re.search(r"found ([\d,]+) check-ins due", last.note)
            text += (
                f" The first tick, with one person in 1,440 due (the last minute's check-ins, as after a restart:"
                f" {due.group(1) if due else '?'}), ends {last.value or 0:.2f} s after the process started,"
                " while the bot already serves."
            )
        verdicts = [f for f in ready + rss if f.goal]
        if verdicts:
            text += " Goals: " + ", ".join(f"{f.name} {f.goal} {_met(f)}" for f in verdicts) + "."
        out.append(text)
    return out + _postgres(figures)


_CPU = re.compile(
    r"CPU per [\w-]+: \S+ ([\d.]+) ms, PostgreSQL ([\d.]+) ms, emulator ([\d.]+) ms;"
    r" ([\d.]+) of (\d+) cores ours, ([\d.]+) busy in all"
)


def _cpu(f: Figure) -> tuple[float, float, float, float, int, float] | None:
    """(bot ms, PostgreSQL ms, emulator ms, cores ours, cores, cores busy) from a section 7 note."""
    m = _CPU.search(f.note)
    if m is None:
        return None
    bots, pg, emu, ours, cores, busy = m.groups()
    return float(bots), float(pg), float(emu), float(ours), int(cores), float(busy)


def _postgres(figures: list[Figure]) -> list[str]:
    seven = [f for f in figures if f.section.startswith("7.")]
    if not seven:
        return []
    if all(f.value is None for f in seven):
        return [f"**PostgreSQL** figures are {seven[0].note}."]
    workers = [f for f in seven if f.name.startswith("guide steps") and f.name.endswith("PostgreSQL")]
    sqlite = next((f for f in seven if f.name.startswith("guide steps") and f.name.endswith("SQLite")), None)
    peer = _find(seven, "peer (the baseline above)")
    echo = _find(seven, "echo bot")
    sweeps = [f for f in seven if f.name.startswith("check-in sweep")]
    out = []
    if workers and peer is not None and echo is not None:
        out.append(_workers(workers, sqlite, peer, echo))
    if len(sweeps) > 1:
        out.append(_schedulers(sweeps))
    return out


def _count(f: Figure) -> str:
    return f.name.split(", ")[1]  # "2 workers" from "guide steps per second, 2 workers, PostgreSQL"


def _workers(workers: list[Figure], sqlite: Figure | None, peer: Figure, echo: Figure) -> str:
    one = workers[0]
    best = max(workers, key=lambda f: f.value or 0)
    ratios = ", ".join(f"{_count(f)} {f.ratio or 0:.2f}x" for f in workers)
    text = (
        f"**PostgreSQL workers ({ratios} the peer).** Every bot here is a process of its own beside the emulator"
        " and PostgreSQL, and every one is fed by webhook pushes: the echo bot and the peer through"
        " python-telegram-bot's own webhook server (which answers 200 before handling), Rekindle through its"
        f" own (which answers once the step is recorded). The peer did {peer.value or 0:.0f} steps/s"
        f" ({peer.ratio or 0:.2f}x the echo bot's {echo.value or 0:.0f} updates/s), one Rekindle worker on"
        f" PostgreSQL {one.value or 0:.0f}"
        + (f" and on SQLite {sqlite.value or 0:.0f}" if sqlite is not None else "")
        + f"; the best was {_count(best)} ({best.value or 0:.0f} steps/s). Counted per step: {_counted(one)}"
        " for Rekindle, against the peer's four requests: the spinner answer rides on the webhook's answer."
    )
    by_request = []
    for f in [*([sqlite] if sqlite is not None else []), *workers]:
        m = re.search(r"(?:^|, )([\d.]+) answerCallbackQuery(?:,|$)", _counted(f))
        if m:
            by_request.append(f"{m.group(1)} with {_count(f)}{', SQLite' if f is sqlite else ''}")
    if by_request:
        text += (
            " Where a step took longer than 0.5 s the answer went by a request of its own instead, per step: "
            + "; ".join(by_request) + "."
        )
    c1, cp = _cpu(one), _cpu(peer)
    if c1 is not None and cp is not None:
        text += (
            f" A step cost a Rekindle worker {c1[0]:.1f} ms of CPU and PostgreSQL {c1[1]:.1f} ms more, where it"
            f" cost the peer {cp[0]:.1f} ms."
        )
    cb = _cpu(best)
    if cb is not None and len(workers) > 1:
        total = cb[0] + cb[1] + cb[2]
        ceiling = 1000 * cb[4] / total if total else 0.0
        text += (
            f" With {_count(best)}, {cb[5]:.1f} of {cb[4]} cores were busy; at {total:.1f} ms of CPU per step in all"
            f" (workers, PostgreSQL and the emulator), {cb[4]} cores hold about {ceiling:.0f} steps/s however"
            " many workers share them. The peer cannot run a second process on its pickle file at all."
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
        " can share the sweep."
    )
    if (best.ratio or 1) > 0.75:
        text += " On this machine a second scheduler is a spare more than a speed-up."
    text += (
        f" One scheduler handled {users / (base.value or 1):.0f} check-ins/s, far above Telegram's 30 messages/s"
        " (section 5), which is what paces a real fan-out."
    )
    return text


def _goals(figures: list[Figure]) -> list[str]:
    """Every goal of the run, met or missed, with the figure and its baseline, in the suite's order."""
    judged = [f for f in figures if f.goal and f.met is not None]
    if not judged:
        return []

    def line(f: Figure) -> str:
        text = f"- {_met(f)}: {f.section[3:]}, {f.name}: {fmt(f.value, f.unit)}"
        if f.ratio is not None:
            text += f", {f.ratio:.2f}x the {f.baseline_name} ({fmt(f.baseline, f.unit)})"
        return text + f"; goal {f.goal}."

    met = sum(1 for f in judged if f.met)
    head = f"**Goals in this run: {met} of {len(judged)} met.**"
    return [head + "\n\n" + "\n".join(line(f) for f in judged)]


def analysis(figures: list[Figure]) -> str:
    paragraphs = _goals(figures) + _steps(figures) + _latency(figures) + _typed(figures) + _rest(figures)
    return "## Analysis\n\n" + "\n\n".join(paragraphs) + "\n"
