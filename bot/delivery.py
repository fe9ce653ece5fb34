"""The contract between the service and each platform adapter for sending replies.

An adapter implements `Sender`; the service owns the outbox and calls `send` once per committed
reply, in order, and records the outcome. The exceptions tell the service what happened in terms
that do not depend on the platform.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from dialogs.model import Reply

__all__ = ["DeliveryError", "RetryLater", "Sender", "Uncertain", "Unreachable"]


class DeliveryError(Exception):
    """Base class: the reply was not (or not surely) delivered."""


class Unreachable(DeliveryError):
    """The platform says this user cannot be messaged (blocked the bot, closed DMs, deactivated).

    The service marks the user unreachable, stops scheduled sends, and never retries this reply.
    Writing to the bot again makes them reachable.
    """


class RetryLater(DeliveryError):
    """Rate limited and the library did not absorb it: try this reply again after `seconds`."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds:.1f}s")
        self.seconds = seconds


class Uncertain(DeliveryError):
    """The request timed out or the connection dropped after sending: it may have arrived.

    The service records it as possibly delivered and does not blindly send it again.
    """


class Sender(Protocol):
    """What an adapter gives the service so it can deliver replies on one platform."""

    @property
    def platform(self) -> str: ...

    async def send(
        self, user_id: str, reply: Reply, image: bytes | None = None, files: Sequence[tuple[str, bytes]] = ()
    ) -> None:
        """Deliver one reply to one user. `image` is the rendered PNG when `reply.image` is set;
        `files` are documents (name, bytes) to attach, such as the /export files.

        Raise Unreachable, RetryLater or Uncertain as documented above; any other exception is
        treated as a transient failure and retried later by the service.
        """
        ...
