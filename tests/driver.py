"""A test driver for the pure engine: talk to it like a person, tap buttons by their label."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta

from dialogs.assessment import Assessment, Understanding
from dialogs.engine import step
from dialogs.kit import Kit
from dialogs.model import Effect, Event, EventKind, Reply
from dialogs.state import UserState

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Conversation:
    def __init__(
        self, kit: Kit, *, now: datetime = START, platform: str = "test", user_id: str = "u1"
    ) -> None:
        self.kit = kit
        self.now = now
        self.state: UserState | None = None
        self.effects: list[Effect] = []
        self.history: list[Reply] = []
        self._ids = itertools.count(1)
        self.platform = platform
        self.user_id = user_id

    # --- sending ---------------------------------------------------------------------------------------------
    def _event(self, kind: EventKind, **fields: object) -> list[Reply]:
        event = Event(
            kind=kind,
            platform=self.platform,
            user_id=self.user_id,
            event_id=f"e{next(self._ids)}",
            at=self.now,
            **fields,
        )  # type: ignore[arg-type]
        self.state, self.effects = step(self.state, event, self.now, self.kit)
        replies = [e for e in self.effects if isinstance(e, Reply)]
        self.history.extend(replies)
        return replies

    def say(
        self, text: str, assessment: Assessment | None = None, understanding: Understanding | None = None
    ) -> list[Reply]:
        """Type a message. `assessment` stands in for the safety model's reading (None: the rules);
        `understanding` for the meaning model's scores (None: the keyword fallback)."""
        return self._event(EventKind.TEXT, text=text, assessment=assessment, understanding=understanding)

    def command(self, name: str, args: str = "", assessment: Assessment | None = None) -> list[Reply]:
        return self._event(EventKind.COMMAND, command=name, text=args, assessment=assessment)

    def media(self, kind: str, caption: str = "", assessment: Assessment | None = None) -> list[Reply]:
        return self._event(EventKind.MEDIA, media=kind, text=caption, assessment=assessment)

    def due(self, kind: str = "checkin") -> list[Reply]:
        return self._event(EventKind.DUE, due=kind)

    def press(self, value: str, nonce: int | None = None) -> list[Reply]:
        return self._event(EventKind.BUTTON, button=value, nonce=self.state.nonce if nonce is None else nonce)

    def tap(self, label: str) -> list[Reply]:
        """Tap the button whose label matches (regex, case-insensitive) on the latest keyboard. On a
        list of questions, its pages are turned to find it, as a person would."""
        pattern = re.compile(label, re.I)
        turned: list[Reply] = []
        for _ in range(5):
            keyboard = self.keyboard()
            for button in keyboard:
                if pattern.search(button.label):
                    return turned + self.press(button.value)
            page = next((b for b in keyboard if b.value.startswith("faq:page:")), None)
            if page is None or page.value.endswith(":0"):
                break
            turned = self.press(page.value)
        raise AssertionError(f"no button matching {label!r}; buttons: {[b.label for b in keyboard]}")

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    # --- reading ---------------------------------------------------------------------------------------------
    def keyboard(self) -> list:
        for reply in reversed(self.history):
            if reply.buttons:
                return [b for row in reply.buttons for b in row]
        return []

    def labels(self) -> list[str]:
        return [b.label for b in self.keyboard()]

    @property
    def screen(self) -> str:
        assert self.state is not None
        return self.state.screen

    def text(self) -> str:
        """Everything the last step said, joined."""
        return "\n".join(e.text for e in self.effects if isinstance(e, Reply))

    def intake_to_reasons(self, name: str = "Sam") -> None:
        """Intake up to its question about the reasons for the breakup."""
        self.command("start")
        self.tap("agree")
        self.say(name)
        self.tap("1-4 weeks")
        self.tap("They did")

    def intake_to_contact(self, name: str = "Sam") -> None:
        """Intake up to its question about where things stand with the ex."""
        self.intake_to_reasons(name)
        self.tap("Trust")
        self.tap("Done")

    def to_unsent_letter(self) -> None:
        """/urge at 6, the grounding skipped, up to the unsent message it offers to keep."""
        self.command("urge")
        self.tap("^6$")
        self.tap("Skip")
        self.tap("write it out")

    def onboard(
        self,
        *,
        name: str = "Sam",
        contact: str = "No contact",
        shares: str = "^No$",
        safety: str = "None of these",
        zone: str = "London",
        country: str = "United Kingdom",
        time: str = "09:00",
    ) -> None:
        self.intake_to_contact(name)
        self.tap(contact)
        if self.screen == "intake.shares":
            self.tap(shares)
        self.tap(safety)
        if safety != "None of these":
            self.tap("Done")
        self.tap(zone)
        self.tap(country)
        self.tap(time)
