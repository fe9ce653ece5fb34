"""Build a real service over a real SQLite file, and talk to it as a platform adapter would."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from bot.app import build_service
from bot.config import Settings
from bot.service import ChatService
from dialogs.model import Event, EventKind
from tests.recording import RecordingSender


class FakeClock:
    def __init__(self, start: datetime = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


_ids = itertools.count(1)


class User:
    """One person on the test platform."""

    def __init__(self, service: ChatService, sender: RecordingSender, user_id: str, clock: FakeClock) -> None:
        self.service, self.sender, self.id, self.clock = service, sender, user_id, clock

    def _event(self, kind: EventKind, **fields: object) -> Event:
        return Event(
            kind=kind, platform="test", user_id=self.id, event_id=f"t{next(_ids)}", at=self.clock(), **fields
        )  # type: ignore[arg-type]

    async def say(self, text: str) -> None:
        await self.service.handle(self._event(EventKind.TEXT, text=text))

    async def command(self, name: str, args: str = "") -> None:
        await self.service.handle(self._event(EventKind.COMMAND, command=name, text=args))

    async def tap(self, label: str) -> None:
        nonce, value = self.sender.button(self.id, label)
        await self.service.handle(self._event(EventKind.BUTTON, nonce=nonce, button=value))

    async def onboard(self, *, time: str = "09:00", contact: str = "No contact") -> None:
        await self.command("start")
        await self.tap("agree")
        await self.say("Robin")
        await self.tap("1-4 weeks")
        await self.tap("They did")
        await self.tap("Trust")
        await self.tap("Done")
        await self.tap(contact)
        if "must" not in contact.lower():
            await self.tap("^No$")  # nothing shared with the ex: children, work or a home
        await self.tap("None of these")
        await self.tap("London")
        await self.tap("United Kingdom")
        await self.tap(time)

    @property
    def texts(self) -> list[str]:
        return self.sender.texts(self.id)


async def make_service(
    db_path, clock: FakeClock, *, erase_waits: tuple[float, ...] | None = None, **settings: object
) -> tuple[ChatService, RecordingSender]:
    service = await build_service(Settings(database_url=f"sqlite:///{db_path}", **settings), clock=clock)
    if erase_waits is not None:  # the same store and content, with short waits for a delayed erase
        service = ChatService(service.store, service.kit, clock=clock, erase_waits=erase_waits)
    sender = RecordingSender()
    service.register_sender(sender)
    return service, sender
