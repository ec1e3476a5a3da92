"""Test fixtures: databases (SQLite always, PostgreSQL when configured), the real Application on
the offline Bot API, personas, and a driver that sends messages and presses buttons as a person.

Every test that uses `bot` fails if any handler raised: the Application's errors are collected
and asserted empty after each update.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from harness import ADMIN, STAFF_CHAT_ID, TOKEN, BotHarness, start_harness
from sqlalchemy import text

from youthbot.config import Settings
from youthbot.db import migrate
from youthbot.db.engine import Database
from youthbot.db.models import Base

PG_URL = os.environ.get("YOUTHBOT_TEST_DATABASE_URL")
DB_KINDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any real HTTP request fails the test: only the offline Bot API may answer."""

    async def refuse(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("network access attempted in a test")

    monkeypatch.setattr(httpx.AsyncClient, "send", refuse)


# Databases -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file, copied for each test (migrating each time would be slow)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"

    async def build() -> None:
        db = Database(f"sqlite+aiosqlite:///{path}")
        await migrate.upgrade(db)
        await db.dispose()

    asyncio.run(build())
    return path


@pytest.fixture(scope="session")
def postgresql_ready() -> str | None:
    """Reset the PostgreSQL test database once and migrate it."""
    if not PG_URL:
        return None

    async def build() -> None:
        db = Database(PG_URL)
        async with db.engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await migrate.upgrade(db)
        await db.dispose()

    asyncio.run(build())
    return PG_URL


@pytest.fixture(params=DB_KINDS)
def database_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
    postgresql_ready: str | None,
) -> str:
    if request.param == "sqlite":
        path = tmp_path / "bot.sqlite3"
        shutil.copy(sqlite_template, path)
        return f"sqlite+aiosqlite:///{path}"
    return postgresql_ready


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    if db.is_postgresql:
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        async with db.engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield db
    await db.dispose()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        database_url=database_url,
        staff_chat_id=STAFF_CHAT_ID,
        admin_ids=frozenset({ADMIN.id}),
        default_language="es",
        auto_migrate=False,
    )


# The bot -------------------------------------------------------------------------------------


@pytest.fixture
async def bot(settings: Settings, database: Database) -> AsyncIterator[BotHarness]:
    harness = await start_harness(settings, database)
    yield harness
    await harness.app.shutdown()
    assert not harness.errors
