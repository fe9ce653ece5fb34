"""kill -9 a worker in the middle of conversations, restart it: no message is lost, none is reordered."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.store.base import UserKey
from tests.faults.kit import (
    PLATFORM,
    collapse_repeats,
    database,
    finish,
    handled_event_ids,
    kill_when,
    open_db,
    pending_count,
    start_worker,
    transcripts,
    write_inbox,
)
from tests.faults.worker import chat
from tests.store.conftest import BACKENDS

USERS = [f"u{i}" for i in range(4)]


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_killed_worker_loses_no_message(backend: str, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox.jsonl"
    event_ids = write_inbox(inbox, USERS)

    # The same inbox handled once without faults, for the replies everyone should end up with.
    reference = tmp_path / "reference"
    reference.mkdir()
    await chat(f"sqlite:///{reference / 'bot.db'}", inbox, reference / "acks", reference / "sent.jsonl", 0.0)
    expected = transcripts(reference / "sent.jsonl")
    assert sum(len(t) for t in expected.values()) > 2 * len(event_ids) // 2

    url = await database(backend, tmp_path)
    acks, sent = tmp_path / "acks", tmp_path / "sent.jsonl"
    args = ("chat", url, str(inbox), str(acks), str(sent), "0.02")
    total = sum(len(t) for t in expected.values())
    for kill_at in (total // 5, total // 2):  # two kills at different points of the conversations
        await kill_when(await start_worker(*args, cwd=tmp_path), sent, kill_at)
    assert len(acks.read_text().splitlines()) < len(event_ids), "the kills came too late to test anything"
    await finish(await start_worker(*args, cwd=tmp_path))

    got = transcripts(sent)
    for user in USERS:
        assert collapse_repeats(got[user])[0] == collapse_repeats(expected[user])[0], f"{user} lost a reply"
    # A kill between a send and its 'delivered' mark sends that one reply again on restart.
    doubled = sum(map(len, got.values())) - total
    assert 0 <= doubled <= 2, f"{doubled} replies were sent twice after two kills"

    keys = [UserKey(PLATFORM, user) for user in USERS]
    store = await open_db(url)
    try:
        handled = await handled_event_ids(store, keys)
        assert sorted(e for ids in handled.values() for e in ids) == sorted(event_ids)
        assert await pending_count(store, keys) == 0, "replies were left undelivered"
    finally:
        await store.close()
