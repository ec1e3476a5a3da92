"""Settings: read once from the environment (and an optional `.env`), passed down explicitly."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

SUPPORTED_LANGUAGES = ("es", "en")


class Settings(BaseSettings):
    """Everything the bot is configured with. Unknown environment variables are ignored."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    database_url: str = "sqlite+aiosqlite:///youthbot.sqlite3"
    telegram_api_base_url: str | None = None
    staff_chat_id: int | None = None
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    default_language: str = "es"
    languages: Annotated[tuple[str, ...], NoDecode] = SUPPORTED_LANGUAGES
    auto_migrate: bool = True
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    locales_dir: Path | None = None
    content_dir: Path | None = None
    quiz_poll_seconds: int = Field(default=30, ge=5, le=600)
    case_realert_minutes: int = Field(default=10, ge=1, le=1440)
    case_retention_days: int = Field(default=30, ge=1, le=3650)
    staff_hours: str = "08:00-20:00"
    timezone: str = "America/Lima"
    flood_messages_per_minute: int = Field(default=20, ge=1, le=1000)
    announce_rate: float = Field(default=28.0, gt=0, le=1000)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _parse_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p for p in value.replace(";", ",").replace(" ", ",").split(",") if p]
            return frozenset(int(p) for p in parts)
        return value

    @field_validator("languages", mode="before")
    @classmethod
    def _parse_languages(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(p.strip() for p in value.split(",") if p.strip())
        return value

    @field_validator("default_language")
    @classmethod
    def _known_default(cls, value: str) -> str:
        if not value or not value.isalpha() or len(value) > 8:
            raise ValueError("must be a language code such as es or en")
        return value.lower()

    @property
    def token(self) -> str | None:
        """The bot token in clear, for PTB only; never log it."""
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else None


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line naming the variable."""


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning pydantic's report into one line that names the variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]).upper() if error["loc"] else "configuration"
        raise ConfigError(f"{name}: {error['msg']}") from None
