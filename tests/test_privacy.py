"""Export, delete, encryption at rest, retention, admin stats, and what never reaches the logs."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from bot.crypto import generate_key
from bot.logs import setup_logging
from bot.store.base import UserKey
from tests.service_kit import FakeClock, User, make_service

CANARY = "canary-q8z the lake house keeps coming back to me"


async def _with_data(user: User) -> None:
    await user.onboard()
    await user.say(CANARY)
    await user.command("checkin")
    await user.tap("^3$")
    await user.tap("^7$")
    await user.tap("^No$")
    await user.say("tired but ok")
    user.clock.advance(hours=1)  # an hour later /urge asks the urge afresh
    await user.command("urge")
    await user.tap("^8$")
    await user.say("saw our song on the radio")
    await user.tap("write it out")
    await user.say("I miss you, unsent")
    await user.command("sos")
    await user.tap("Make a safety plan")
    await user.say("I stop eating")


async def test_export_contains_every_row(tmp_path):
    clock = FakeClock()
    service, sender = await make_service(tmp_path / "r.db", clock)
    try:
        user = User(service, sender, "u1", clock)
        await _with_data(user)
        await user.command("report", "that reply felt cold")
        before = len(sender.inbox["u1"])
        await user.command("export")
        answer = sender.inbox["u1"][before:]
        received = [r for r in answer if r.files]
        assert len(received) == 1
        coming = service.kit.content.text("export_sent")
        assert coming in answer[0].reply.text and not answer[0].files, "said it is coming before it comes"
        files = dict(received[0].files)
        data = json.loads(files["rekindle-export.json"])
        # What the person wrote and chose, and none of the store's own bookkeeping.
        assert set(data) == {"about you", "safety plan", "journal", "checkins", "urges", "reports"}
        assert all(data[k] for k in ("journal", "checkins", "urges", "reports", "safety plan"))
        journal = {row["text"] for row in data["journal"]}
        assert {CANARY, "tired but ok", "saw our song on the radio", "I miss you, unsent"} <= journal
        assert data["about you"]["name"] == "Robin" and "I stop eating" in data["safety plan"].values()
        text = files["rekindle-export.txt"].decode()
        assert CANARY in text and "I stop eating" in text
        assert "Day by day" in text and "Check-in: mood" in text and "processed" not in text
        assert "event_id" not in json.dumps(data) and "nonce" not in json.dumps(data)
    finally:
        await service.close()


@pytest.mark.parametrize("encrypted", [False, True])
async def test_delete_leaves_no_row_and_no_bytes(tmp_path, encrypted):
    clock = FakeClock()
    settings = {"rekindle_data_key": generate_key()} if encrypted else {}
    service, sender = await make_service(tmp_path / "r.db", clock, **settings)
    other = User(service, sender, "keeper", clock)
    await other.onboard()
    user = User(service, sender, "u1", clock)
    await _with_data(user)
    await user.command("delete")
    await user.tap("Delete everything")
    assert "erased" in user.texts[-1]
    async with service.store.user(UserKey("test", "u1")) as tx:
        assert all(not rows for rows in (await tx.export()).values())
    # While the bot is still running: the WAL was checkpointed and secure_delete zeroed the pages.
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("r.db*"))
    assert CANARY.encode() not in raw
    assert b"I stop eating" not in raw
    await other.command("menu")
    await service.close()


async def test_encrypted_at_rest_and_wrong_key_refuses_to_start(tmp_path):
    clock = FakeClock()
    key = generate_key()
    service, sender = await make_service(tmp_path / "r.db", clock, rekindle_data_key=key)
    user = User(service, sender, "u1", clock)
    await _with_data(user)
    await service.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("r.db*"))
    assert CANARY.encode() not in raw and b"Robin" not in raw
    from bot.crypto import WrongKeyError

    with pytest.raises(WrongKeyError, match="does not match"):
        await make_service(tmp_path / "r.db", clock, rekindle_data_key=generate_key())


async def test_retention_erases_inactive_users(tmp_path):
    clock = FakeClock()
    service, sender = await make_service(tmp_path / "r.db", clock, retention_days=30)
    try:
        old, active = User(service, sender, "old", clock), User(service, sender, "active", clock)
        await old.onboard()
        clock.advance(days=20)
        await active.onboard()
        clock.advance(days=11)
        await service.housekeeping()
        async with service.store.user(UserKey("test", "old")) as tx:
            assert await tx.load_state() is None
        async with service.store.user(UserKey("test", "active")) as tx:
            assert await tx.load_state() is not None
        assert any("30 days" in t for t in active.texts), "the consent text names the retention period"
    finally:
        await service.close()


async def test_stats_only_for_admins_and_only_counts(tmp_path):
    clock = FakeClock()
    service, sender = await make_service(tmp_path / "r.db", clock, admin_ids=["boss"])
    try:
        user = User(service, sender, "u1", clock)
        await _with_data(user)
        await user.command("stats")
        assert "only for the people who run" in user.texts[-1]
        boss = User(service, sender, "boss", clock)
        await boss.onboard()
        await boss.command("stats")
        assert "Users: 2." in boss.texts[-1]
        assert CANARY not in boss.texts[-1] and "Robin" not in boss.texts[-1]
    finally:
        await service.close()


async def test_debug_logs_hold_no_token_and_no_journal_text(tmp_path):
    token = "123456789:AAHfakeTokenForTheLogTest_abcdefghij"
    out = io.StringIO()
    saved = logging.getLogger().handlers[:], logging.getLogger().level
    setup_logging("DEBUG", [token], stream=out)
    try:
        logging.getLogger("rekindle.test").debug("calling https://api.telegram.org/bot%s/getMe", token)
        logging.getLogger("rekindle.test").debug("a token-shaped string 987654321:%s", "Z" * 30)
        clock = FakeClock()
        service, sender = await make_service(tmp_path / "r.db", clock, telegram_bot_token=token)
        user = User(service, sender, "u1", clock)
        await _with_data(user)
        await service.close()
    finally:
        logging.getLogger().handlers[:], level = saved
        logging.getLogger().setLevel(level)
    logged = out.getvalue()
    assert "getMe" in logged and "[redacted]" in logged, "the run logged at DEBUG and the filter worked"
    assert token not in logged and "Z" * 30 not in logged
    assert CANARY not in logged and "I stop eating" not in logged and "tired but ok" not in logged


def _raw(folder: Path, pattern: str) -> bytes:
    return b"".join(p.read_bytes() for p in folder.glob(pattern))


async def test_delete_while_another_connection_reads_says_so_blocks_nobody_and_finishes(tmp_path):
    clock = FakeClock()
    service, sender = await make_service(tmp_path / "r.db", clock, erase_waits=(0.01, 0.01))
    try:
        other = User(service, sender, "keeper", clock)
        await other.onboard()
        user = User(service, sender, "u1", clock)
        await _with_data(user)
        await user.command("delete")
        # A backup (or a second process) opens a read transaction before the erase and holds it.
        reader = sqlite3.connect(tmp_path / "r.db", isolation_level=None)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM journal").fetchall()
        try:
            erasing = asyncio.create_task(user.tap("Delete everything"))
            await asyncio.wait_for(other.command("menu"), 5)  # not held up by the erase
            await asyncio.wait_for(erasing, 5)
            assert "What would you like to do?" in other.texts[-1]
            assert "erased" not in user.texts[-1] and "still being wiped" in user.texts[-1]
            async with service.store.user(UserKey("test", "u1")) as tx:
                assert all(not rows for rows in (await tx.export()).values()), "the rows are gone already"
            assert CANARY.encode() in _raw(tmp_path, "r.db*"), "the honest part: the WAL still has it"
        finally:
            reader.execute("COMMIT")
            reader.close()
        for _ in range(200):  # the background checkpoint goes through once the reader let go
            if "gone too" in user.texts[-1]:
                break
            await asyncio.sleep(0.01)
        assert "gone too" in user.texts[-1]
        assert CANARY.encode() not in _raw(tmp_path, "r.db*")
        assert b"I stop eating" not in _raw(tmp_path, "r.db*")
    finally:
        await service.close()


async def test_terminal_files_are_private_and_deleted_with_the_data(tmp_path):
    from bot.adapters.terminal import TerminalSender, parse_line

    clock = FakeClock()
    service, recording = await make_service(tmp_path / "r.db", clock)
    terminal = TerminalSender(io.StringIO(), tmp_path / "rekindle-files")
    service.register_sender(terminal)
    old_umask = os.umask(0o022)
    try:

        async def line(text: str) -> None:
            event = parse_line(text, "sam", terminal, clock())
            assert event is not None
            await service.handle(event)

        intake = ("/start", "1", "Sam", "2", "2", "2", "8", "1", "2", "5", "1", "1", "2")
        for text in (*intake, CANARY, "/checkin", "2", "8",
                     "1", "tired", "/progress", "/export"):  # fmt: skip
            await line(text)
        folder = tmp_path / "rekindle-files" / "sam"
        saved = {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()}
        assert saved == {n: 0o600 for n in ("rekindle-progress.png", "rekindle-export.json", "rekindle-export.txt")}
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert CANARY.encode() in (folder / "rekindle-export.txt").read_bytes()
        await line("/delete")
        await line("1")  # "Delete everything"
        assert not folder.exists(), "the plain-text export went with the rest of the data"
        assert recording.inbox == {}, "everything went to the terminal"
    finally:
        os.umask(old_umask)
        await service.close()


async def test_a_key_on_a_plain_text_database_refuses_in_one_line_until_encrypt_runs(tmp_path):
    from bot.crypto import Cipher, PlainTextStored
    from bot.store.sqlite import open_sqlite
    from tests.test_terminal import bot_cli

    db = tmp_path / "r.db"
    clock = FakeClock()
    service, sender = await make_service(db, clock)  # no key: text is stored as it is
    user = User(service, sender, "u1", clock)
    await user.onboard()
    await user.say(CANARY)
    await service.close()
    key = generate_key()

    refused = await asyncio.to_thread(bot_cli, "chat", DATABASE_URL=f"sqlite:///{db}", REKINDLE_DATA_KEY=key)
    assert refused.returncode == 2
    assert refused.stderr.strip().splitlines() == [f"rekindle: {PlainTextStored()}"]
    assert "python -m bot encrypt" in refused.stderr

    encrypted = await asyncio.to_thread(bot_cli, "encrypt", DATABASE_URL=f"sqlite:///{db}", REKINDLE_DATA_KEY=key)
    assert encrypted.returncode == 0, encrypted.stderr
    assert "encrypting [" in encrypted.stderr and "100%" in encrypted.stderr
    assert "encrypted" in encrypted.stdout
    assert CANARY.encode() not in _raw(tmp_path, "r.db*") and b"Robin" not in _raw(tmp_path, "r.db*")

    store = await open_sqlite(db, Cipher(key))
    try:
        async with store.user(UserKey("test", "u1")) as tx:
            assert CANARY in [e.text for e in await tx.journal()]
    finally:
        await store.close()
