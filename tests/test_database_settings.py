"""A DATABASE_URL that cannot work stops `python -m bot` with one line and exit status 2, like any bad
setting: never a traceback, never the password. Real subprocesses, run side by side."""

from __future__ import annotations

import asyncio
import os
import stat
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.store.conftest import PG_DSN

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "s3cret-pw"


async def _closed_port() -> int:
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = int(server.sockets[0].getsockname()[1])
    server.close()
    await server.wait_closed()
    return port


async def _run_bot(url: str, cwd: Path) -> tuple[int, str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "DISCORD_", "DATABASE_", "REKINDLE_"))
    }
    env.update(PYTHONPATH=str(REPO), DATABASE_URL=url, DATABASE_WAIT_SECONDS="0.3")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "chat", cwd=cwd, env=env,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def test_every_bad_database_setting_is_one_line_and_exit_status_2(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_text("these are my notes, not a database\n")
    port = await _closed_port()
    cases = {
        "a folder": (f"sqlite:///{folder}", "is a folder"),
        "not SQLite": (f"sqlite:///{not_sqlite}", "is not an SQLite database"),
        "missing folder": (f"sqlite:///{tmp_path / 'nowhere' / 'bot.db'}", "does not exist"),
        "no file": ("sqlite:///", "needs a file"),
        "unreachable PostgreSQL": (
            f"postgresql://rekindle:{PASSWORD}@127.0.0.1:{port}/rekindle",
            f"cannot reach PostgreSQL at 127.0.0.1:{port}",
        ),
        "malformed port": (f"postgresql://rekindle:{PASSWORD}@127.0.0.1:port/rekindle", "not a usable PostgreSQL URL"),
        "malformed host": (f"postgresql://rekindle:{PASSWORD}@[::1/rekindle", "not a usable PostgreSQL URL"),
        "unknown scheme": ("mysql://localhost/rekindle", "must start with sqlite:/// or postgresql://"),
    }
    if PG_DSN:
        cases["missing PostgreSQL database"] = (PG_DSN.rsplit("/", 1)[0] + "/no_such_db", "does not exist")
    results = await asyncio.gather(*(_run_bot(url, tmp_path) for url, _ in cases.values()))
    for (name, (_, expected)), (code, out, err) in zip(cases.items(), results, strict=True):
        lines = err.strip().splitlines()
        assert code == 2, f"{name}: exit {code}\n{err[-2000:]}"
        assert len(lines) == 1, f"{name}: {err[-2000:]}"
        assert lines[0].startswith("rekindle: bad setting DATABASE_URL: ") and expected in lines[0], (name, lines)
        assert PASSWORD not in err + out, name
    assert not (tmp_path / "nowhere").exists(), "no folder is made up for a mistyped path"
    assert not_sqlite.read_text() == "these are my notes, not a database\n", "the file was left as it was"


def _modes(folder: Path, pattern: str) -> dict[str, int]:
    return {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.glob(pattern)}


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
async def test_a_new_database_and_its_wal_are_readable_by_the_owner_only(tmp_path: Path) -> None:
    from bot.crypto import Cipher
    from bot.store.base import UserKey
    from bot.store.sqlite import open_sqlite

    old = os.umask(0o022)  # a usual umask: files would be world-readable unless made otherwise
    try:
        store = await open_sqlite(tmp_path / "bot.db", Cipher(None))
        try:
            async with store.user(UserKey("test", "u1")) as tx:
                await tx.save_state("{}", datetime.now(UTC), None)
            modes = _modes(tmp_path, "bot.db*")
            assert {"bot.db", "bot.db-wal"} <= set(modes)
            assert set(modes.values()) == {0o600}, modes
        finally:
            await store.close()
    finally:
        os.umask(old)
