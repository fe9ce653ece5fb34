"""Settings from the environment and `.env`, validated once at start-up."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from pydantic_settings import SettingsError as _PydanticSettingsError

__all__ = ["Settings", "SettingsError", "load_settings"]


class SettingsError(Exception):
    """A setting is wrong; `str()` is one line naming it and why."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = "sqlite:///rekindle.db"
    # How long start-up waits for PostgreSQL to answer (a database container starting beside the bot).
    database_wait_seconds: float = Field(default=10.0, ge=0)
    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_webhook_url: str | None = None
    telegram_webhook_listen: str = "127.0.0.1"
    telegram_webhook_port: int = Field(default=8443, ge=1, le=65535)
    telegram_webhook_secret: SecretStr | None = None
    # Telegram's overall limit for a bot: about 30/s, up to 1000/s with paid broadcasts. On PostgreSQL the
    # processes sending with one token share it.
    telegram_messages_per_second: float = Field(default=30.0, gt=0)
    discord_bot_token: SecretStr | None = None
    rekindle_data_key: SecretStr | None = None
    content_dir: Path | None = None
    admin_ids: Annotated[list[str], NoDecode] = Field(default_factory=list)
    retention_days: int = Field(default=365, ge=30)
    dispatch_interval_seconds: float = Field(default=30.0, gt=0)
    run_scheduler: bool = True  # several workers on PostgreSQL may all dispatch; turn it off where unwanted
    log_level: str = "INFO"

    @field_validator("database_url")
    @classmethod
    def _known_store(cls, v: str) -> str:
        if not (v.startswith("sqlite:///") or v.startswith(("postgresql://", "postgres://"))):
            raise ValueError("must start with sqlite:/// or postgresql://")
        if v.startswith("sqlite:///") and not v.removeprefix("sqlite:///").strip():
            raise ValueError("needs a file after sqlite:///, like sqlite:///rekindle.db")
        return v

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, v: str) -> str:
        level = v.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return level

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _comma_list(cls, v: object) -> object:
        if isinstance(v, str):
            return [part.strip() for part in v.split(",") if part.strip()]
        if isinstance(v, int):
            return [str(v)]
        return v

    @property
    def sqlite_path(self) -> Path | None:
        if self.database_url.startswith("sqlite:///"):
            return Path(self.database_url.removeprefix("sqlite:///"))
        return None


def load_settings(**overrides: object) -> Settings:
    """Build settings, turning pydantic's multi-line report into one line per the first problem."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except _PydanticSettingsError as exc:
        raise SettingsError(f"bad setting: {exc}") from None
    except ValidationError as exc:
        err = exc.errors()[0]
        name = ".".join(str(p) for p in err["loc"]).upper() or "settings"
        raise SettingsError(f"bad setting {name}: {err['msg'].removeprefix('Value error, ')}") from None
