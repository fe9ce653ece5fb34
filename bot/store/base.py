"""The store contract. SQLite and PostgreSQL implement it; the service is written against it only."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from bot.config import SettingsError
from dialogs.calendar import Due
from dialogs.model import Reply
from dialogs.progress import CheckinRecord, UrgeRecord

__all__ = [
    "BadDatabase",
    "Claimed",
    "DatabaseUnreachable",
    "Due",
    "DueRow",
    "JournalEntry",
    "OutboxItem",
    "Store",
    "StoreUnavailable",
    "UserKey",
    "UserTx",
    "from_ts",
    "ts",
]


class StoreUnavailable(ConnectionError):
    """The database could not be reached or dropped the connection; the whole step can be retried.

    Retrying is safe: a step that did commit is refused by `claim_event` on the next attempt.
    """


class BadDatabase(SettingsError):
    """DATABASE_URL cannot be used as it is: `str()` is one line naming the setting and what is wrong,
    without the password. The command line prints it and exits with status 2, like any bad setting."""

    def __init__(self, problem: str) -> None:
        super().__init__(f"bad setting DATABASE_URL: {problem}")


class DatabaseUnreachable(StoreUnavailable, BadDatabase):
    """The database server did not answer at start-up, for as long as the bot waited for it."""

    def __init__(self, problem: str) -> None:
        StoreUnavailable.__init__(self, f"bad setting DATABASE_URL: {problem}")


@dataclass(frozen=True, slots=True)
class UserKey:
    platform: str
    user_id: str


@dataclass(frozen=True, slots=True)
class DueRow:
    platform: str
    user_id: str
    due_kind: str
    due_local_date: date


@dataclass(frozen=True, slots=True)
class JournalEntry:
    id: int
    at: datetime
    kind: str
    ref: str
    text: str


@dataclass(frozen=True, slots=True)
class Claimed:
    """An event seen for the first time, and the user's state as it was (None: someone new)."""

    state: str | None


@dataclass(frozen=True, slots=True)
class OutboxItem:
    id: int
    key: UserKey
    reply: Reply
    attempts: int
    not_before: datetime | None


def ts(moment: datetime) -> str:
    """A sortable UTC timestamp: the same string order as time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_ts(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


class UserTx(Protocol):
    """Everything about one user, inside one transaction that commits all or nothing."""

    key: UserKey

    async def claim_event(self, event_id: str, at: datetime) -> bool:
        """Record the event id; False when it was handled before (then change nothing)."""
        ...

    async def claim_and_load(self, event_id: str, at: datetime) -> Claimed | None:
        """`claim_event` and `load_state` in one round trip; None when the event was handled before."""
        ...

    async def load_state(self) -> str | None: ...

    async def save_state(
        self, state_json: str, now: datetime, due: Due | None, *, seen: bool = False, last_reply: str | None = None
    ) -> None:
        """Write the state and when to wake the user next. `seen`: the user wrote to us, so they can be
        messaged again. `last_reply`: the last text this step sends them, kept for /report."""
        ...

    async def claim_outbox(self, holder: str, now: datetime, lease: timedelta) -> list[OutboxItem] | None:
        """`Store.claim_outbox` inside this transaction: a step takes the lease on the replies it
        commits, so delivering them needs no second transaction. It is the transaction's last
        statement: a store may commit with it (SQLite does, to save a trip), so nothing follows it."""
        ...

    async def add_journal(self, at: datetime, kind: str, ref: str, text: str) -> None: ...

    async def record_checkin(self, at: datetime, row: CheckinRecord) -> None: ...

    async def record_urge(self, at: datetime, row: UrgeRecord) -> None: ...

    async def enqueue(self, replies: list[Reply], at: datetime) -> None: ...

    async def journal(self) -> list[JournalEntry]:
        """All entries, newest first."""
        ...

    async def history(self, since: date) -> tuple[list[CheckinRecord], list[UrgeRecord]]: ...

    async def add_report(self, at: datetime, note: str) -> None:
        """Flag the last reply this user was sent."""
        ...

    async def export(self) -> dict[str, list[dict[str, Any]]]:
        """Every row about this user, table by table, decrypted."""
        ...

    async def erase(self) -> None:
        """Delete every row about this user in every table."""
        ...

    async def stats(self, now: datetime) -> dict[str, int]:
        """Counts only, for admins: users, active this week, check-ins today, open reports."""
        ...


class Store(Protocol):
    def user(self, key: UserKey) -> AbstractAsyncContextManager[UserTx]: ...

    async def pending(self, key: UserKey) -> list[OutboxItem]:
        """This user's undelivered replies, oldest first."""
        ...

    async def pending_keys(self, platform: str, now: datetime) -> list[UserKey]:
        """Users on this platform with a reply ready to send now (not waiting for a retry)."""
        ...

    async def claim_outbox(
        self, key: UserKey, holder: str, now: datetime, lease: timedelta
    ) -> list[OutboxItem] | None:
        """Take, or renew, the right to deliver this user's outbox until `now + lease`, and return
        what is waiting, oldest first. None when another holder's lease is still running: that process
        is sending this user's replies, and a second sender could repeat or reorder them."""
        ...

    async def release_outbox(self, key: UserKey, holder: str, now: datetime) -> bool:
        """Give the lease up; True when a reply is ready to send now (another process may have committed
        one while this holder had the lease, and left it to the holder)."""
        ...

    async def lease_holders(self) -> set[str]:
        """Every holder with a lease in the table, running out or not."""
        ...

    async def drop_leases(self, holder: str) -> int:
        """Forget a holder's leases (it is known to be dead); return how many."""
        ...

    async def reserve_send_slot(self, name: str, interval: float, window: float) -> float:
        """Take the next send slot of budget `name` (see bot.budget): the slot after the last one
        taken, or now when the budget is idle, but never more than `window` seconds in the past.
        Return how many seconds from now the slot starts (zero or less: send now)."""
        ...

    async def delivered(self, item: OutboxItem) -> None:
        """The reply arrived: remove it from the outbox."""
        ...

    async def postpone(self, item: OutboxItem, not_before: datetime) -> None: ...

    async def drop(self, item: OutboxItem) -> None: ...

    async def revise(self, item: OutboxItem, reply: Reply) -> None:
        """Put `reply` in this item's place, ready to send at once: a plainer message for one that
        could not be sent."""
        ...

    async def set_unreachable(self, key: UserKey, unreachable: bool) -> None: ...

    async def is_unreachable(self, key: UserKey) -> bool: ...

    async def claim_due(self, now: datetime, limit: int, lease: timedelta) -> list[DueRow]: ...

    async def stats(self, now: datetime) -> dict[str, int]: ...

    async def reports(self) -> list[dict[str, Any]]: ...

    async def inactive_since(self, before: datetime, limit: int) -> list[UserKey]: ...

    async def prune_events(self, before: datetime) -> int: ...

    async def rotate_key(self) -> int:
        """Re-encrypt every sensitive value with the current primary key; return rows touched."""
        ...

    async def encrypt_plain(self, batch: int, progress: Callable[[int, int], None]) -> int:
        """Encrypt every value stored as plain text with the key, `batch` rows per transaction (a
        stopped run resumes), then record the key's check value; `progress(done, total)` after each
        batch. Returns the rows encrypted. Only a store opened with `allow_plain` reaches this."""
        ...

    async def checkpoint(self) -> bool:
        """Make erased data leave every file on disk now (SQLite folds and truncates its WAL).

        Never waits on other connections: False when one still reads an older snapshot and the
        erased bytes must stay until it is done; the caller tries again later.
        """
        ...

    async def close(self) -> None: ...
