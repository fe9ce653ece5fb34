"""Storage: SQLite by default, PostgreSQL when DATABASE_URL says so. Both keep the same contract."""

from __future__ import annotations

from bot.config import Settings
from bot.crypto import Cipher
from bot.store.base import BadDatabase, Store, UserKey

__all__ = ["BadDatabase", "Store", "UserKey", "open_store"]


async def open_store(settings: Settings, cipher: Cipher, *, allow_plain: bool = False) -> Store:
    """Open the configured store. With a key, a database that holds plain text is refused
    (PlainTextStored) unless `allow_plain`, which only the encrypt command sets."""
    path = settings.sqlite_path
    if path is not None:
        from bot.store.sqlite import open_sqlite

        return await open_sqlite(path, cipher, allow_plain=allow_plain)
    from bot.store.postgres import open_postgres  # type: ignore[import-not-found,unused-ignore]

    store: Store = await open_postgres(
        settings.database_url, cipher, wait=settings.database_wait_seconds, allow_plain=allow_plain
    )
    return store
