"""The one command list both platforms show: every entry runs a real command, every command the bot
tells people about is listed, and a mistake in the file is reported with its file, line and reason."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import dialogs.screens  # noqa: F401  (registers every command)
from bot.adapters.commands import COMMANDS_FILE, load_commands
from dialogs.screens.registry import COMMANDS
from dialogs.yamlfile import ContentError


def test_every_listed_command_runs_a_command_the_engine_knows() -> None:
    listed = load_commands().commands
    assert [c.command for c in listed if c.command not in COMMANDS] == []


def test_every_command_the_bot_tells_people_about_is_listed(kit: object) -> None:
    told = set()
    for value in kit.content.texts.values():  # type: ignore[attr-defined]
        for text in [value] if isinstance(value, str) else value:
            told.update(re.findall(r"(?<![\w/])/([a-z]+)\b", text))
    listed = {c.name for c in load_commands().commands}
    assert told, "the texts name no command at all: the pattern is wrong"
    assert sorted(told - listed) == []
    # Both platforms show the everyday ones; an admin's /stats is no user command.
    for platform in ("telegram", "discord"):
        names = {c.name for c in load_commands().on(platform)}
        assert told <= names and "stats" not in names


def write(tmp_path: Path, body: str) -> Path:
    (tmp_path / COMMANDS_FILE).write_text(body, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("body", "line", "reason"),
    [
        (
            "commands:\n  - name: start\n    description: Begin\n  - name: Menu\n    description: All\n",
            4,
            "commands.1.name: String should match pattern",
        ),
        (
            "commands:\n  - name: start\n    description: Begin\n  - name: start\n    description: Again\n",
            2,
            "listed twice",
        ),
        ("commands:\n  - name: start\n    description: " + "x" * 101 + "\n", 3, "at most 100 characters"),
        ("commands:\n  - name: start\n    descripton: Begin\n", 2, "commands.0.description: Field required"),
        ("commands:\n  - name: start\n    description: Begin\n    platforms: [irc]\n", 4, "platforms.0"),
        ("commands: [\n", 2, "not valid YAML"),
    ],
)
def test_a_bad_file_names_file_line_and_reason(tmp_path: Path, body: str, line: int, reason: str) -> None:
    folder = write(tmp_path, body)
    with pytest.raises(ContentError) as caught:
        load_commands(folder)
    error = caught.value
    assert error.path == str(folder / COMMANDS_FILE)
    assert error.line == line, str(error)
    assert reason in error.reason
    assert "\n" not in str(error)



def test_content_check_reads_the_command_list_too() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "content", "check"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert f"{len(load_commands().commands)} commands" in result.stdout
