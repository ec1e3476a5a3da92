"""Settings: read once from the environment (and an optional `.env`), passed down explicitly."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import (
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import URL

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///youthbot.sqlite3"


class Settings(BaseSettings):
    """Everything the bot is configured with. Unknown environment variables are ignored."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    # DATABASE_URL, or (when it is unset) PostgreSQL from its parts: a password may then hold
    # any character (an `@`, `/` or `%` would break a URL written by hand).
    database_url: str | None = None
    database_host: str | None = None
    database_port: int = Field(default=5432, ge=1, le=65535)
    database_name: str = "youthbot"
    database_user: str = "youthbot"
    database_password: SecretStr | None = None
    _database_configured: bool = PrivateAttr(default=False)
    # PostgreSQL connections per process: kept open, and opened beyond that at busy moments.
    # Replicas x (pool + overflow) must stay under the server's max_connections (docs).
    database_pool_size: int = Field(default=32, ge=1, le=500)
    database_max_overflow: int = Field(default=8, ge=0, le=500)
    telegram_api_base_url: str | None = None
    # The bot's @username for campaign links made from the shell (else asked of Telegram).
    bot_username: str | None = None
    staff_chat_id: int | None = None
    # Teams' staff groups (content/teams.yaml): "team=chat id, team=chat id"; the fallback
    # team is STAFF_CHAT_ID with DEFAULT_LANGUAGE, TIMEZONE and STAFF_HOURS.
    team_chats: Annotated[dict[str, int], NoDecode] = Field(default_factory=dict)
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    default_language: str = "es"
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
    # Who runs the bot and how to reach them about personal data: the privacy notice says so.
    org_name: str = Field(
        default="Youth Voices for Change (Down to Zero Alliance)", min_length=2, max_length=200
    )
    privacy_contact: str | None = Field(default=None, max_length=200)
    # Where people can complain about how their data is handled (Peru's authority by default).
    data_authority: str = Field(
        default=(
            "Autoridad Nacional de Protección de Datos Personales (Ministerio de Justicia y "
            "Derechos Humanos, Perú): https://www.gob.pe/anpd"
        ),
        min_length=2,
        max_length=300,
    )
    # Telegram's ~30 messages a second, for every replica, conversation and announcement
    # together (bot/runtime/budget.py); a little under, for the network's jitter.
    send_rate: float = Field(default=28.0, gt=0, le=1000)
    # How long a person's update may wait for an earlier one of theirs (bot/runtime/processor.py).
    reorder_window_ms: int = Field(default=250, ge=0, le=5000)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _parse_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p for p in value.replace(";", ",").replace(" ", ",").split(",") if p]
            return frozenset(int(p) for p in parts)
        return value

    @field_validator("team_chats", mode="before")
    @classmethod
    def _parse_team_chats(cls, value: object) -> object:
        if isinstance(value, str):
            chats = {}
            for part in (p for p in value.replace(";", ",").split(",") if p.strip()):
                team, sep, chat = part.partition("=")
                if not sep or not team.strip():
                    raise ValueError("must look like peru=-1001234567890,brasil=-100987654321")
                chats[team.strip()] = int(chat)
            return chats
        return value

    @property
    def staff_chat_ids(self) -> frozenset[int]:
        """Every staff group: the fallback team's and each team's."""
        chats = set(self.team_chats.values())
        if self.staff_chat_id is not None:
            chats.add(self.staff_chat_id)
        return frozenset(chats)

    @field_validator("default_language")
    @classmethod
    def _known_default(cls, value: str) -> str:
        if not value or not value.isalpha() or len(value) > 8:
            raise ValueError("must be a language code such as es or en")
        return value.lower()

    @model_validator(mode="after")
    def _compose_database_url(self) -> Settings:
        # Whether a database was configured (DATABASE_URL or DATABASE_HOST): the console then
        # uses it, so it and every other command agree; otherwise the console has its own file.
        self._database_configured = bool(self.database_url or self.database_host)
        if not self.database_url:  # unset, or set to nothing
            self.database_url = (
                self.database_url_from_parts() if self.database_host else DEFAULT_DATABASE_URL
            )
        return self

    def database_url_from_parts(self) -> str:
        """postgresql+asyncpg://… from DATABASE_HOST, _PORT, _NAME, _USER and _PASSWORD, each
        part quoted by SQLAlchemy (never pasted into a string)."""
        password = self.database_password.get_secret_value() if self.database_password else None
        url = URL.create(
            "postgresql+asyncpg",
            username=self.database_user,
            password=password,
            host=self.database_host,
            port=self.database_port,
            database=self.database_name,
        )
        return url.render_as_string(hide_password=False)

    @property
    def database_configured(self) -> bool:
        """DATABASE_URL (or DATABASE_HOST) was set, rather than the default file used."""
        return self._database_configured

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
