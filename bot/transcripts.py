"""Whole conversations a counsellor can read: `python -m bot transcripts`.

Each script in `docs/transcripts/scripts/*.yaml` is a list of things a person does (type, tap a
button, wait, answer a check-in); the same engine and model the bot runs turn it into
`docs/transcripts/<name>.md`. A test renders them again and compares, so a change to content or to
the engine shows up as a diff in these files.

Script steps:
  say: text                  type a message ("/journal" is a command)
  tap: label                 tap the button whose label matches (a regular expression)
  wait: 1d | 3h | 20m        let time pass
  checkin: [mood, urge, contacted, note]   a due check-in, answered ("-" skips the note)
  step: [answer]             today's step, answered (or "skip")
  repeat: {times: N, steps: [...]}   the steps N times
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import yaml

from bot.understanding.reader import RecentMessages
from dialogs.calendar import checkin_owed
from dialogs.engine import step
from dialogs.kit import Kit
from dialogs.model import Event, EventKind, Reply
from dialogs.state import UserState

if TYPE_CHECKING:
    from bot.understanding.model import Model

__all__ = ["SCRIPTS", "render", "render_all"]

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "docs" / "transcripts" / "scripts"
OUT = ROOT / "docs" / "transcripts"
_DURATION = re.compile(r"^(\d+)([dhm])$")
_COMMAND = re.compile(r"^/([a-z]+)\s*(.*)$", re.S)


@dataclass
class _Talk:
    kit: Kit
    model: Model | None
    now: datetime
    state: UserState | None = None
    lines: list[str] = field(default_factory=list)
    history: list[Reply] = field(default_factory=list)
    recent: RecentMessages = field(default_factory=RecentMessages)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _zone_shown: str = ""

    def event(self, kind: EventKind, **fields: Any) -> None:
        text = fields.get("text", "")
        if self.model is not None and text.strip() and kind in (EventKind.TEXT, EventKind.COMMAND):
            who = ("transcript", "1")
            fields["assessment"], fields["understanding"] = self.model.read(
                text, self.recent.take(who, self.now)
            )
            self.recent.after(who, self.now, text, fields["assessment"])
        event = Event(
            kind=kind,
            platform="transcript",
            user_id="1",
            event_id=f"t{next(self.ids)}",
            at=self.now,
            **fields,
        )
        self.state, effects = step(self.state, event, self.now, self.kit)
        for effect in effects:
            if isinstance(effect, Reply):
                self.history.append(effect)
                self._bot(effect)

    def _stamp(self) -> str:
        """The person's local time; the zone is named when it is first known or changes, so a clock
        that seems to go back (12:00 UTC is 07:00 in New York) reads as what it is."""
        zone = self.state.profile.timezone if self.state else "UTC"
        local = self.now.astimezone(ZoneInfo(zone))
        stamp = f"{local:%a %d %b, %H:%M}"
        if zone != self._zone_shown:
            self._zone_shown = zone
            stamp += f" ({zone} time)"
        return stamp

    def _bot(self, reply: Reply) -> None:
        text = "\n".join(f"> {line}" if line else ">" for line in reply.text.splitlines())
        self.lines.append(f"**Rekindle** ({len(reply.text)} characters)\n{text}")
        if reply.buttons:
            labels = " · ".join(f"[{b.label}]" for row in reply.buttons for b in row)
            self.lines.append(f"> {labels}")
        self.lines.append("")

    def person(self, what: str) -> None:
        self.lines.append(f"*{self._stamp()}*, **Person:** {what}\n")

    def say(self, text: str) -> None:
        self.person(text)
        match = _COMMAND.match(text.strip())
        if match:
            self.event(EventKind.COMMAND, command=match.group(1), text=match.group(2).strip())
        else:
            self.event(EventKind.TEXT, text=text)

    def tap(self, label: str) -> None:
        pattern = re.compile(label, re.I)
        for reply in reversed(self.history):
            if reply.buttons:
                for button in (b for row in reply.buttons for b in row):
                    if pattern.search(button.label):
                        self.person(f"taps [{button.label}]")
                        self.event(EventKind.BUTTON, button=button.value, nonce=reply.nonce)
                        return
                raise ValueError(f"no button {label!r} among {[b.label for r in reply.buttons for b in r]}")
        raise ValueError(f"no buttons to tap {label!r}")

    def due(self) -> None:
        if self.state is None or checkin_owed(self.state, self.now) is None:
            return
        self.lines.append(f"*{self._stamp()}*, the daily check-in is due\n")
        self.event(EventKind.DUE, due="checkin")

    def labels(self) -> list[str]:
        for reply in reversed(self.history):
            if reply.buttons:
                return [b.label for row in reply.buttons for b in row]
        return []


def _duration(text: str) -> timedelta:
    match = _DURATION.match(str(text))
    if not match:
        raise ValueError(f"wait: use 1d, 3h or 20m, not {text!r}")
    amount, unit = int(match.group(1)), match.group(2)
    return (
        timedelta(days=amount)
        if unit == "d"
        else timedelta(hours=amount)
        if unit == "h"
        else timedelta(minutes=amount)
    )


def _run(talk: _Talk, steps: list[dict[str, Any]]) -> None:
    for item in steps:
        ((kind, arg),) = item.items()
        if kind == "say":
            talk.say(str(arg))
        elif kind == "tap":
            talk.tap(str(arg))
        elif kind == "wait":
            talk.now += _duration(arg)
        elif kind == "checkin":
            mood, urge, contacted, note = arg
            talk.due()
            if talk.state is None or not talk.state.screen.startswith("checkin."):
                continue
            talk.tap(f"^{mood}")
            if talk.state.screen == "safety.ask":
                talk.tap("^No$")
            talk.tap(f"^{urge}$")
            talk.tap("^Yes$" if contacted else "^No$")
            if note == "-":
                talk.tap("^Skip$")
            else:
                talk.say(str(note))
        elif kind == "step":
            talk.say("/today")
            if talk.state is not None and talk.state.screen == "guide.lesson":
                if "30 days" in talk.labels():
                    talk.tap("30 days")
                elif str(arg) == "skip":
                    talk.tap("Skip the question")
                else:
                    talk.say(str(arg))
        elif kind == "repeat":
            for _ in range(int(arg["times"])):
                _run(talk, arg["steps"])
        else:
            raise ValueError(f"unknown step {kind!r}")


def render(script: Path, kit: Kit, model: Model | None) -> str:
    spec = yaml.safe_load(script.read_text(encoding="utf-8"))
    start = datetime.fromisoformat(spec["start"]).replace(tzinfo=UTC)
    talk = _Talk(kit, model, start)
    _run(talk, spec["steps"])
    longest = max((len(r.text) for r in talk.history), default=0)
    head = [
        f"# {spec['title']}",
        "",
        spec.get("about", "").strip(),
        "",
        f"Produced by `python -m bot transcripts` from `scripts/{script.name}`; "
        f"{len(talk.history)} messages from Rekindle, the longest {longest} characters.",
        "",
    ]
    return "\n".join([*head, *talk.lines]).rstrip() + "\n"


def render_all(kit: Kit, model: Model | None, out: Path = OUT) -> list[Path]:
    written = []
    for script in sorted(SCRIPTS.glob("*.yaml")):
        target = out / f"{script.stem}.md"
        target.write_text(render(script, kit, model), encoding="utf-8")
        written.append(target)
    return written
