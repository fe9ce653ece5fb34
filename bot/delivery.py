"""The contract between the service and each platform adapter for sending replies.

An adapter implements `Sender`; the service owns the outbox and calls `send` once per committed
reply, in order, and records the outcome. The exceptions tell the service what happened in terms
that do not depend on the platform.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from dialogs.model import Reply

__all__ = [
    "BUILD_ERRORS",
    "DeliveryError",
    "KeepsFiles",
    "Rejected",
    "RetryLater",
    "Sender",
    "Uncertain",
    "Unreachable",
]


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

    Crisis help (`Reply.urgent`) is sent again, since a duplicate is better than none; any other
    reply is taken as delivered and not repeated (see docs/deploy.md, "What delivery guarantees").
    """


class Rejected(DeliveryError):
    """The platform refused this reply for good (a 400 Bad Request, a malformed message): sending it
    again would get the same answer. The service drops it, logs one line, and sends the person a
    kind message in its place; the replies after it go on at once.
    """


# What a Sender raises while turning a reply into a request (a button too long, a bad value): the
# same reply fails the same way every time, so the service treats these like Rejected.
BUILD_ERRORS: tuple[type[Exception], ...] = (ValueError, TypeError, LookupError)


class Sender(Protocol):
    """What an adapter gives the service so it can deliver replies on one platform."""

    @property
    def platform(self) -> str: ...

    async def send(
        self, user_id: str, reply: Reply, image: bytes | None = None, files: Sequence[tuple[str, bytes]] = ()
    ) -> None:
        """Deliver one reply to one user. `image` is the rendered PNG when `reply.image` is set;
        `files` are documents (name, bytes) to attach, such as the /export files.

        Raise Unreachable, RetryLater, Uncertain or Rejected as documented above (BUILD_ERRORS count
        as Rejected); any other exception is a passing failure (a 5xx answer, a network error before
        the request left) and the reply is retried later, while the replies after it go on.
        """
        ...


@runtime_checkable
class KeepsFiles(Protocol):
    """A Sender that writes what it sends to disk (the terminal chat saves pictures and exports)."""

    async def forget(self, user_id: str) -> None:
        """Remove every file kept for this user: their data was erased (/delete, retention)."""
        ...
