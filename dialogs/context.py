"""The working context of one engine step: a private copy of the state and the effects so far."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dialogs.assessment import Understanding
from dialogs.content import FaqEntry
from dialogs.dates import waking_day
from dialogs.kit import Kit
from dialogs.model import Button, DataRequest, Effect, Event, Image, JournalWrite, Reply
from dialogs.state import UserState

__all__ = ["Ctx", "Keyboard", "row"]

Keyboard = Sequence[Sequence[Button]]
NIGHT_FROM, NIGHT_UNTIL = 23, 5  # local hours


def row(*buttons: tuple[str, str]) -> tuple[Button, ...]:
    return tuple(Button(label, value) for label, value in buttons)


@dataclass(slots=True)
class Ctx:
    state: UserState
    event: Event
    now: datetime
    kit: Kit
    effects: list[Effect] = field(default_factory=list)
    # Once a safety question is answered (or left): the message that raised it, handled as an
    # ordinary message now, and the questions (FAQ ids) asked instead of an answer. Other words typed
    # at the question ("what??") were said to it, and are neither filed nor answered again.
    replay: list[str] = field(default_factory=list)
    replay_asked: list[str] = field(default_factory=list)
    replay_meanings: dict[str, Understanding] = field(default_factory=dict)  # the model's, kept with them
    replay_at: dict[str, datetime] = field(default_factory=dict)  # ... and when they were typed
    # While held words are handled: when they were typed, so the journal dates them then (a trial's
    # Sunday note, held by a crisis reply he later called a misreading, was dated Monday).
    written_at: datetime | None = None
    # The FAQ entry the typed answer came close to (see `Meaning.near`): a screen that files the
    # answer may offer it beside its acknowledgement, with `faq.acknowledge`.
    near: FaqEntry | None = None
    # The typed answer read as a question no FAQ entry answers (see `Meaning.unanswered`).
    unanswered: bool = False
    closest: FaqEntry | None = None  # ... and the entry nearest to it, offered (see `Meaning.closest`)
    # How long this person had been quiet before this event (None: never seen). Words after a long
    # silence are about now, not about whatever the screen last asked.
    quiet_for: timedelta | None = None
    # The safety flags as they were when this event came: words that correct a boundary correct one
    # already there, not one their own words just raised.
    flags_before: frozenset[str] = frozenset()
    in_a_burst: bool = False  # these words came within a minute or two of their last ones
    _nonce: int | None = None

    @property
    def at_night(self) -> bool:
        """The small hours where they are, when a low line weighs most."""
        hour = self.now.astimezone(self.zone).hour
        return hour >= NIGHT_FROM or hour < NIGHT_UNTIL

    @property
    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.state.profile.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")

    @property
    def today(self) -> date:
        return self.now.astimezone(self.zone).date()

    @property
    def step_day(self) -> date:
        """The day the guide's steps are paced by: until the small hours end it is still yesterday,
        for someone reading at 00:30 has not yet slept (see dialogs.dates.waking_day)."""
        return waking_day(self.now.astimezone(self.zone))

    def t(self, key: str, **values: object) -> str:
        """The text for `key`, filled in. Where content gives several ways of saying it, the step's
        count picks one, so the same acknowledgement does not come twice in a row."""
        values.setdefault("name", self.state.profile.name or "friend")
        return self.kit.content.text(key, self.state.nonce + len(self.effects), **values)

    def _stamp(self) -> int:
        # Every prompt shown in this step shares one new nonce; older buttons expire with it.
        if self._nonce is None:
            self._nonce = self.state.nonce + 1
            self.state.nonce = self._nonce
        return self._nonce

    def say(
        self, text: str, buttons: Keyboard = (), *, image: Image | None = None, coaching: bool = False
    ) -> None:
        rows = tuple(tuple(r) for r in buttons if r)
        self.effects.append(
            Reply(
                text=text,
                buttons=rows,
                nonce=self._stamp() if rows else None,
                image=image,
                contact_coaching=coaching,
            )
        )

    def say_key(self, key: str, buttons: Keyboard = (), **values: object) -> None:
        self.say(self.t(key, **values), buttons)

    def journal(self, kind: str, text: str, ref: str = "") -> None:
        self.effects.append(JournalWrite(kind=kind, text=text, ref=ref, at=self.written_at))

    def request(self, kind: str, **params: str) -> None:
        self.effects.append(DataRequest(kind=kind, params=params))

    def emit(self, effect: Effect) -> None:
        self.effects.append(effect)

    def goto(self, screen: str, **data: str | int | bool | list[str] | None) -> None:
        self.state.screen = screen
        self.state.data = dict(data)

    def data_int(self, key: str, default: int = 0) -> int:
        value = self.state.data.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else default

    @property
    def replied(self) -> bool:
        # A data request is answered by the service, so it counts as an answer too.
        return any(isinstance(e, Reply | DataRequest) for e in self.effects)
