"""A Sender that records what a user would have received, and can be told to fail."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from dialogs.model import Reply


@dataclass
class Received:
    reply: Reply
    image: bytes | None
    files: list[tuple[str, bytes]]


@dataclass
class RecordingSender:
    platform: str = "test"
    inbox: dict[str, list[Received]] = field(default_factory=lambda: defaultdict(list))
    failures: list[Exception] = field(default_factory=list)  # raised, first to last, one per send

    async def send(
        self, user_id: str, reply: Reply, image: bytes | None = None, files: Sequence[tuple[str, bytes]] = ()
    ) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.inbox[user_id].append(Received(reply, image, list(files)))

    def texts(self, user_id: str) -> list[str]:
        return [r.reply.text for r in self.inbox[user_id]]

    def last_buttons(self, user_id: str) -> tuple[int | None, list[tuple[str, str]]]:
        for received in reversed(self.inbox[user_id]):
            if received.reply.buttons:
                return received.reply.nonce, [
                    (b.label, b.value) for row in received.reply.buttons for b in row
                ]
        return None, []

    def button(self, user_id: str, label: str) -> tuple[int, str]:
        nonce, buttons = self.last_buttons(user_id)
        for text, value in buttons:
            if re.search(label, text, re.I):
                assert nonce is not None
                return nonce, value
        raise AssertionError(f"no button {label!r} in {buttons}")
