from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest

from bot.crypto import Cipher, generate_key
from bot.store.base import Store
from bot.store.sqlite import open_sqlite

PG_DSN = os.environ.get("REKINDLE_TEST_PG_DSN", "")
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.skipif(not PG_DSN, reason="no PostgreSQL"))]


async def make_store(backend: str, tmp_path, cipher: Cipher) -> Store:
    if backend == "sqlite":
        return await open_sqlite(tmp_path / "rekindle.db", cipher)
    from bot.store.postgres import open_postgres
    from tests.store.pg import fresh_database

    return await open_postgres(await fresh_database(PG_DSN), cipher)


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return str(request.param)


@pytest.fixture
def data_key() -> str:
    return generate_key()


@pytest.fixture
async def store(backend, tmp_path) -> AsyncIterator[Store]:
    s = await make_store(backend, tmp_path, Cipher(None))
    try:
        yield s
    finally:
        await s.close()
