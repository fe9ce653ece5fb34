"""The terminal chat as a person would use it: `python -m bot chat` with a piped conversation."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.adapters.terminal import TerminalSender, parse_line
from dialogs.context import row
from dialogs.model import Reply

REPO = Path(__file__).resolve().parents[1]


def bot_cli(*args: str, stdin: str = "", **env_extra: str) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` in a subprocess, with no platform token from this machine's environment."""
    env = {k: v for k, v in os.environ.items() if not k.endswith("_BOT_TOKEN")}
    env.update(PYTHONPATH=str(REPO), **env_extra)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=60,
        check=False,
    )


def chat(db: Path, script: str, *args: str, **env_extra: str) -> subprocess.CompletedProcess[str]:
    return bot_cli("chat", *args, stdin=script, DATABASE_URL=f"sqlite:///{db}", **env_extra)


def test_scripted_conversation_and_resume(tmp_path):
    db = tmp_path / "chat.db"
    first = chat(db, "hello\n1\nJamie\n2\n2\n2\n8\n1\n2\n5\n1\n1\n2\n")
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert "Rekindle: Hi, I'm Rekindle" in out
    assert "[1] I'm 18+ and I agree" in out
    assert "You: Jamie" in out and "Nice to meet you, Jamie." in out
    assert "Name what you feel" in out, "the first step, on the first day"
    assert "Traceback" not in out + first.stderr

    second = chat(db, "/progress\n/start\n")
    assert second.returncode == 0, second.stderr
    assert "Welcome back, Jamie" in second.stdout
    assert "step 1 of" in second.stdout.lower()


def test_a_second_run_numbers_the_buttons_left_live(tmp_path):
    db = tmp_path / "chat.db"
    first = chat(db, "/start\n1\nJamie\n3 weeks ago\n1\n5\n8\n1\n")
    assert first.returncode == 0, first.stderr
    assert "[1] Yes, we share one of those   [2] No" in first.stdout
    second = chat(db, "2\n")
    assert second.returncode == 0, second.stderr
    assert "picking up where you left off: [1] yes we share one of those   [2] no" in second.stdout
    assert "Was there any of this in the relationship" in second.stdout, "the typed 2 tapped No"


def test_picked_up_times_are_numbered_by_place_and_a_scale_by_its_own_numbers(tmp_path):
    sender = TerminalSender(io.StringIO(), tmp_path)
    assert sender.pick_up(3, ["08 00", "09 00", "no daily check ins"], ["t:08:00", "t:09:00", "t:none"]) == (
        "[1] 08 00   [2] 09 00   [3] no daily check ins"
    )
    assert parse_line("2", "u", sender, datetime.now(UTC)).button == "t:09:00"
    sender.pick_up(3, ["0", "1", "2"], ["u:0", "u:1", "u:2"])
    assert parse_line("2", "u", sender, datetime.now(UTC)).button == "u:2"


def test_bad_input_gets_kind_replies(tmp_path):
    db = tmp_path / "chat.db"
    script = "/start\n1\n/frobnicate\n99\n" + "x" * 20000 + "\n\u200b\U0001f494\n"
    result = chat(db, script)
    assert result.returncode == 0, result.stderr
    assert "I don't know the command /frobnicate" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_clock_option_shows_a_due_check_in(tmp_path):
    db = tmp_path / "chat.db"
    # Intake at 08:30 London time on a spring day, with a 09:00 check-in (the first comes the next
    # day, not half an hour after intake); then jump a day and an hour.
    script = "/start\n1\nAlex\n2\n2\n2\n8\n1\n2\n5\n1\n1\n2\n:advnce 1d\n:advance 1d\n:advance 1h\n4\n8\n"
    result = chat(db, script, "--clock", "2026-03-29 07:30")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    help_at = out.index("(terminal commands:")
    assert "Rekindle:" not in out[out.index("You: :advnce 1d") : help_at], "a mistyped command is not sent"
    assert "(the clock now reads 2026-03-30 08:3" in out
    assert "1 awful" in out, "the check-in arrived after the clock moved"
    assert "[0]   [1]" in out and "[10]" in out, "after the mood answer comes the urge question, 0 to 10"
    assert "8 out of 10" in out, "on a scale a typed number is the label's own, not the button's place"


def test_content_check_and_broken_content(tmp_path):
    ok = bot_cli("content", "check")
    assert ok.returncode == 0 and "content OK" in ok.stdout
    import shutil

    broken = tmp_path / "content"
    shutil.copytree(REPO / "content", broken)
    faq = broken / "faq.yaml"
    lines = faq.read_text().splitlines()
    first_entry = next(i for i, line in enumerate(lines) if line.lstrip().startswith("- id:"))
    lines.insert(first_entry + 1, "    bogus_field: 1")
    faq.write_text("\n".join(lines))
    bad_line = first_entry + 2
    bad = bot_cli("chat", CONTENT_DIR=str(broken), DATABASE_URL=f"sqlite:///{tmp_path}/x.db")
    assert bad.returncode == 2
    assert (
        f"{faq}:{bad_line}:" in bad.stderr and "bogus_field" in bad.stderr and "Traceback" not in bad.stderr
    )


def test_safety_classify_cli():
    result = bot_cli("safety", "classify", stdin="i want to kill myself\nhi there\n")
    labels = [line.split("\t")[0] for line in result.stdout.splitlines()]
    assert labels == ["crisis", "none"]
    assert "crisis=" in result.stdout.splitlines()[0], "the scores follow the label"


INTAKE = "/start\n1\nJamie\n2\n2\n2\n8\n1\n2\n5\n1\n1\n2\n"


def test_journal_urge_draft_and_progress_in_the_terminal(tmp_path):
    db = tmp_path / "chat.db"
    script = (
        INTAKE
        + "sad, angry, relieved\n"
        + "/urge\n9\nour song came on\n2\nI miss you so much, please answer me\n"
        + "/journal\n/journal song\n"
        + "/checkin\n2\n8\n1\n\n/checkin\n"
        + "/progress\n"
        + "/draft You never listened. Please come back!\n"
    )
    result = chat(db, script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "in your journal" in out, "the answer to the step's question was acknowledged"
    assert "unsent" in out.lower() and "Tomorrow I'll ask" in out
    assert "Your journal, page 1 of 1" in out and "our song came on" in out
    assert "[picture saved to " in out
    picture = Path(out.split("[picture saved to ", 1)[1].split("]", 1)[0])
    assert picture.read_bytes().startswith(b"\x89PNG")
    assert "never" in out.lower()  # the coach quotes the blame it found
    assert "Traceback" not in out + result.stderr


def test_an_old_key_that_begins_with_a_dash_is_still_read_as_the_key() -> None:
    from bot.__main__ import _keys_kept_whole

    assert _keys_kept_whole(["rotate-key", "--old", "-5KIY=", "--old", "abc="]) == [
        "rotate-key",
        "--old=-5KIY=",
        "--old=abc=",
    ]
    assert _keys_kept_whole(["rotate-key", "--old"]) == ["rotate-key", "--old"]


def test_reports_and_key_rotation_from_the_command_line(tmp_path):
    from bot.crypto import generate_key

    db = tmp_path / "chat.db"
    # An old key that begins with "-", as one in 32 do: argparse once took it for an option.
    old, new = next(k for k in iter(generate_key, None) if k.startswith("-")), generate_key()
    first = chat(db, INTAKE + "/report the last reply felt preachy\n", REKINDLE_DATA_KEY=old)
    assert first.returncode == 0, first.stderr
    url = f"sqlite:///{db}"
    rotate = bot_cli("rotate-key", "--old", old, DATABASE_URL=url, REKINDLE_DATA_KEY=new)
    assert rotate.returncode == 0, rotate.stderr
    assert "re-encrypted" in rotate.stdout
    reports = bot_cli("reports", DATABASE_URL=url, REKINDLE_DATA_KEY=new)
    assert reports.returncode == 0, reports.stderr
    assert "the last reply felt preachy" in reports.stdout
    refused = bot_cli("reports", DATABASE_URL=url, REKINDLE_DATA_KEY=old)
    assert refused.returncode == 2 and "does not match" in refused.stderr


@pytest.mark.parametrize(
    ("command", "minutes"),
    [(":advance 1d", 1440), (":advance 3h", 180), (":advance 23h50m", 1430), (":advance 1d 2h", 1560)],
)
def test_advance_reads_days_hours_and_minutes_together(command: str, minutes: int) -> None:
    from datetime import timedelta

    from bot.adapters.terminal import parse_duration

    assert parse_duration(command) == timedelta(minutes=minutes)


@pytest.mark.parametrize("command", [":advance soon", ":advnce 1d", "advance 1d"])
def test_a_mistyped_terminal_command_is_not_a_duration(command: str) -> None:
    from bot.adapters.terminal import parse_duration

    assert parse_duration(command) is None


def test_two_messages_of_one_reply_number_their_buttons_on(tmp_path):
    """Trial 20: an answer's "See the questions" and the nearest question under it were both [1]; a
    typed 1 could only reach the last."""
    out = io.StringIO()
    sender = TerminalSender(out, tmp_path)
    asyncio.run(sender.send("u", Reply(text="An answer", buttons=(row(("See the questions", "faq")),), nonce=4)))
    asyncio.run(sender.send("u", Reply(text="Nearest", buttons=(row(("Back", "_back"), ("Menu", "_menu")),), nonce=4)))
    shown = out.getvalue()
    assert "[1] See the questions" in shown and "[2] Back   [3] Menu" in shown
    assert parse_line("1", "u", sender, datetime.now(UTC)).button == "faq"
    assert parse_line("3", "u", sender, datetime.now(UTC)).button == "_menu"
    # A new turn, or a scale, starts again at 1 (or at its own numbers).
    asyncio.run(sender.send("u", Reply(text="Urge?", buttons=(row(("0", "u:0"), ("1", "u:1")),), nonce=4)))
    assert parse_line("1", "u", sender, datetime.now(UTC)).button == "u:1"
    asyncio.run(sender.send("u", Reply(text="Next", buttons=(row(("Yes", "yes"), ("No", "no")),), nonce=5)))
    assert parse_line("1", "u", sender, datetime.now(UTC)).button == "yes"
