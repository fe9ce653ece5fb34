"""The terminal chat: the same engine, content and store, with buttons shown as numbered choices.

It reads stdin line by line, so a whole conversation can be piped in and the transcript read back.
Terminal-only commands: `:advance 1d` (or 3h, 30m) moves the clock forward to try the calendar,
`:quit` leaves. End of input leaves too, with exit status 0.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import itertools
import os
import re
import shutil
import sys
import threading
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from dialogs.model import Event, EventKind, Reply

__all__ = ["OffsetClock", "TerminalChat", "TerminalSender", "parse_line"]

PLATFORM = "terminal"


class OffsetClock:
    """Real time shifted by an offset, so a person can jump ahead a day and see the check-in."""

    def __init__(self, start: datetime | None = None) -> None:
        self.offset = (start - datetime.now(UTC)) if start else timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, by: timedelta) -> None:
        self.offset += by


class TerminalSender:
    """Prints replies. Remembers the last buttons so a typed number can press one.

    Pictures and exports are saved under `files_dir/<user>/`, readable by their owner only, and
    removed when that user's data is erased (`forget`, see bot.delivery.KeepsFiles).
    """

    def __init__(self, out: TextIO, files_dir: Path) -> None:
        self._out = out
        self._files_dir = files_dir
        self.buttons: list[tuple[int, str]] = []  # (nonce, value) by number - 1
        self.labels: list[str] = []
        # On a scale ("0" to "10", "1 awful" to "5 good") a typed number means the label's own
        # number, not the button's place: button 8 of the urge scale is "7".
        self.scale: dict[str, int] = {}

    @property
    def platform(self) -> str:
        return PLATFORM

    def pick_up(self, nonce: int, labels: Sequence[str], values: Sequence[str]) -> str:
        """Number the buttons that were live when an earlier run stopped, so a typed "2" still taps
        the second one; returns the line that shows them again (empty when there were none)."""
        self.buttons = [(nonce, value) for value in values]
        self.labels = list(labels)
        self._number()
        return self._button_line() if self.buttons else ""

    def _number(self) -> None:
        self.scale = _scale(self.labels)

    def _button_line(self, first: int = 0) -> str:
        """The buttons from the `first`th on: earlier ones were shown with an earlier message."""
        if self.scale:
            return "   ".join(f"[{label}]" for label in self.labels)
        return "   ".join(f"[{i}] {label}" for i, label in enumerate(self.labels, start=1) if i > first)

    async def send(
        self, user_id: str, reply: Reply, image: bytes | None = None, files: Sequence[tuple[str, bytes]] = ()
    ) -> None:
        lines = [reply.text]
        if image is not None:
            lines.append(f"[picture saved to {self._save(user_id, 'rekindle-progress.png', image)}]")
        for name, data in files:
            lines.append(f"[file saved to {self._save(user_id, name, data)}]")
        if reply.buttons and reply.nonce is not None:
            # Two messages of one reply may each carry buttons, all live (an answer's, then "Back"):
            # numbered on from the first, so each number taps one button, as a tap would.
            new = list(itertools.chain.from_iterable(reply.buttons))
            same_turn = bool(self.buttons) and not self.scale and all(n == reply.nonce for n, _ in self.buttons)
            if not same_turn or _scale([b.label for b in new]):  # a scale is its own keyboard
                self.buttons, self.labels = [], []
            first = len(self.buttons)
            self.buttons += [(reply.nonce, b.value) for b in new]
            self.labels += [b.label for b in new]
            self._number()
            lines.append(self._button_line(first))
        self._out.write(
            "\n".join(f"  {line}" if i else f"Rekindle: {line}" for i, line in enumerate(lines)) + "\n\n"
        )
        self._out.flush()

    def _folder(self, user_id: str) -> Path:
        return self._files_dir / (re.sub(r"[^A-Za-z0-9_.-]", "_", user_id).lstrip(".") or "_")

    def _save(self, user_id: str, name: str, data: bytes) -> Path:
        folder = self._folder(user_id)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = folder / Path(name).name
        # Created 0600 whatever the umask; an older file of the same name is made private too.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        return path

    async def forget(self, user_id: str) -> None:
        shutil.rmtree(self._folder(user_id), ignore_errors=True)


_DURATION = re.compile(r"^:advance\s+((?:\d+\s*[dhm]\s*)+)$")
_PART = re.compile(r"(\d+)\s*([dhm])")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}
TERMINAL_HELP = "(terminal commands: :advance 1d, :advance 3h, :advance 23h50m, :quit)"


def _scale(labels: Sequence[str]) -> dict[str, int]:
    """A scale's labels are a number alone or before a word ("1 awful"), each typed as its number;
    "08:00" (kept as "08 00" in the state) is a time, numbered by place."""
    numbers = [re.match(r"\d+(?!\S)(?! \d)", label) for label in labels]
    return {m.group(): i for i, m in enumerate(numbers) if m is not None} if numbers and all(numbers) else {}


def parse_duration(command: str) -> timedelta | None:
    """`:advance 1d`, `:advance 3h`, `:advance 23h50m`: how far to move the clock, or None."""
    match = _DURATION.match(command)
    if match is None:
        return None
    return sum((timedelta(**{_UNITS[unit]: int(n)}) for n, unit in _PART.findall(match.group(1))), timedelta())


def parse_line(line: str, user_id: str, sender: TerminalSender, now: datetime) -> Event | None:
    text = line.strip()
    if not text:
        return None
    base = {"platform": PLATFORM, "user_id": user_id, "event_id": f"term:{uuid.uuid4().hex}", "at": now}
    if text.isdigit() and sender.buttons:
        index = sender.scale.get(text, -1) if sender.scale else int(text) - 1
        if 0 <= index < len(sender.buttons):
            nonce, value = sender.buttons[index]
            return Event(kind=EventKind.BUTTON, nonce=nonce, button=value, **base)  # type: ignore[arg-type]
    if text.startswith("/") and len(text) > 1 and not text[1].isspace():
        command, _, args = text[1:].partition(" ")
        return Event(kind=EventKind.COMMAND, command=command.lower(), text=args.strip(), **base)  # type: ignore[arg-type]
    return Event(kind=EventKind.TEXT, text=text, **base)  # type: ignore[arg-type]


class TerminalChat:
    def __init__(
        self,
        handle: Callable[[Event], Awaitable[object]],
        sender: TerminalSender,
        clock: OffsetClock,
        tick: Callable[[], Awaitable[object]],
        *,
        user_id: str = "local",
        stdin: TextIO = sys.stdin,
        out: TextIO = sys.stdout,
    ) -> None:
        self._handle = handle
        self._sender = sender
        self._clock = clock
        self._tick = tick
        self._user_id = user_id
        self._stdin = stdin
        self._out = out
        self._echo = not stdin.isatty()

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Chat until end of input, `:quit`, or `stop` (SIGTERM, Ctrl-C): a line being handled is
        finished first, and lines not yet read are left unread."""
        stop = stop or asyncio.Event()
        lines = _LineReader(self._stdin)
        lines.start()
        if not self._echo:
            self._out.write(
                "Rekindle in your terminal. Type a message, a number to tap a button, or :quit.\n\n"
            )
        await self._tick()
        while True:
            line = await lines.next(stop)
            if line is None:
                return
            line = line.rstrip("\n")
            if self._echo and line.strip():
                self._out.write(f"You: {line}\n")
            command = line.strip()
            if command in {":quit", ":q", ":exit"}:
                return
            by = parse_duration(command)
            if by is not None:
                self._clock.advance(by)
                self._out.write(f"(the clock now reads {self._clock():%Y-%m-%d %H:%M} UTC)\n\n")
                await self._tick()
                continue
            if command.startswith(":") and len(command) > 1 and command[1].isalpha():
                # A tester's mistyped terminal command ("advance 23h50m" before it was read) was sent
                # to the bot as a message and answered.
                self._out.write(f"{TERMINAL_HELP}\n\n")
                continue
            event = parse_line(line, self._user_id, self._sender, self._clock())
            if event is not None:
                await self._handle(event)
            await self._tick()


class _LineReader:
    """Lines from stdin, read by a daemon thread so that a stop never waits for the next line.

    The thread reads the file descriptor itself rather than the buffered `sys.stdin`, whose lock
    a thread blocked in `readline` would still hold when the interpreter shuts down.
    """

    def __init__(self, stdin: TextIO) -> None:
        self._stdin = stdin
        self._queue: asyncio.Queue[str | None] = asyncio.Queue()
        self._loop = asyncio.get_running_loop()

    def start(self) -> None:
        threading.Thread(target=self._read, name="terminal-stdin", daemon=True).start()

    async def next(self, stop: asyncio.Event) -> str | None:
        """The next line; None at end of input or once `stop` is set."""
        if stop.is_set():
            return None
        got = asyncio.ensure_future(self._queue.get())
        stopped = asyncio.ensure_future(stop.wait())
        done, _ = await asyncio.wait({got, stopped}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if got in done:
            return got.result()
        got.cancel()
        return None

    def _put(self, line: str | None) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is closed: the chat is over
            self._loop.call_soon_threadsafe(self._queue.put_nowait, line)

    def _read(self) -> None:
        try:
            fd = self._stdin.fileno()
        except (AttributeError, OSError, ValueError):
            for line in iter(self._stdin.readline, ""):  # an in-memory stream: no lock to hold
                self._put(line)
            self._put(None)
            return
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        pending = ""
        while chunk := os.read(fd, 65536):
            pending += decoder.decode(chunk)
            *complete, pending = pending.split("\n")
            for line in complete:
                self._put(line + "\n")
        pending += decoder.decode(b"", final=True)
        if pending:
            self._put(pending)
        self._put(None)
