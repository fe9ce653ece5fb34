"""The service's due-event path on the real SQLite store, shared by the tests and the worker process."""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime
from pathlib import Path

from bot.crypto import Cipher
from bot.store.base import UserKey
from bot.store.sqlite import SqliteStore, open_sqlite
from dialogs import calendar
from dialogs.model import Event, Reply
from dialogs.state import UserState

PLATFORM = "telegram"


class StoreCheckinService:
    """One transaction per event, as the real service does: refuse a replay, send what is owed, reschedule."""

    def __init__(self, store: SqliteStore) -> None:
        self.store = store

    async def handle(self, event: Event) -> None:
        async with self.store.user(UserKey(event.platform, event.user_id)) as tx:
            if not await tx.claim_event(event.event_id, event.at):
                return
            raw = await tx.load_state()
            assert raw is not None
            state = UserState.model_validate_json(raw)
            owed = calendar.checkin_owed(state, event.at)
            if owed is not None and state.checkins.last_sent_on != owed.local_date:
                state.checkins.last_sent_on = owed.local_date
                await tx.enqueue([Reply(f"check-in {owed.local_date.isoformat()}")], event.at)
            await tx.save_state(state.model_dump_json(), event.at, calendar.catch_up(state, event.at))


async def open_db(path: Path) -> SqliteStore:
    return await open_sqlite(path, Cipher(None))


async def seed(store: SqliteStore, users: int, now: datetime, zone: str = "UTC") -> list[UserKey]:
    """Users who have had check-ins before and want the next one at 09:00 local."""
    keys = []
    for i in range(users):
        state = UserState()
        state.profile.timezone = zone
        state.checkins.time = dt.time(9, 0)
        state.checkins.last_sent_on = state.checkins.last_answered_on = date(2026, 5, 31)
        key = UserKey(PLATFORM, f"user{i}")
        async with store.user(key) as tx:
            await tx.save_state(state.model_dump_json(), now, calendar.next_checkin(state, now))
        keys.append(key)
    return keys


async def sent_texts(store: SqliteStore, keys: list[UserKey]) -> dict[str, list[str]]:
    return {key.user_id: [item.reply.text for item in await store.pending(key)] for key in keys}
