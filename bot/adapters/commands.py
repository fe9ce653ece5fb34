"""The command list both platforms show, read from `content/commands.yaml`.

Telegram registers it with setMyCommands, Discord as slash commands: one list, so the two never
drift apart, and the words stay content a counsellor can edit. A bad file fails at start-up with its
file, line and reason, like every other content file.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from dialogs.content import CONTENT_DIR
from dialogs.yamlfile import load_model

__all__ = ["COMMANDS_FILE", "Argument", "CommandInfo", "CommandList", "load_commands"]

COMMANDS_FILE = "commands.yaml"
Platform = Literal["telegram", "discord"]
# The stricter of the two platforms: Telegram allows descriptions of 256 characters, Discord 100;
# both allow 100 commands.
_NAME = r"^[a-z0-9_]{1,32}$"
_DESCRIPTION = Field(min_length=1, max_length=100)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Argument(_Model):
    name: str = Field(pattern=_NAME)
    description: str = _DESCRIPTION


class CommandInfo(_Model):
    name: str = Field(pattern=_NAME)
    description: str = _DESCRIPTION
    runs: str = Field(default="", pattern=r"^([a-z0-9_]{1,32})?$")
    argument: Argument | None = None
    platforms: tuple[Platform, ...] = ("telegram", "discord")

    @property
    def command(self) -> str:
        """What the core hears: the engine command this one runs."""
        return self.runs or self.name


class CommandList(_Model):
    commands: tuple[CommandInfo, ...] = Field(min_length=1, max_length=100)

    @field_validator("commands")
    @classmethod
    def _unique(cls, commands: tuple[CommandInfo, ...]) -> tuple[CommandInfo, ...]:
        seen: set[str] = set()
        for command in commands:
            if command.name in seen:
                raise ValueError(f"the command {command.name!r} is listed twice")
            seen.add(command.name)
        return commands

    def on(self, platform: Platform) -> tuple[CommandInfo, ...]:
        return tuple(c for c in self.commands if platform in c.platforms)


@cache
def load_commands(content_dir: Path = CONTENT_DIR) -> CommandList:
    """Read and check the file once per content folder; raises `ContentError` (file, line, reason)."""
    return load_model(content_dir / COMMANDS_FILE, CommandList)
