"""The database layer: concurrent read-modify-writes are not lost; SQLite is tuned."""

from __future__ import annotations

import asyncio
from datetime import date

from sqlalchemy import select, text

from youthbot.db.models import User


async def test_concurrent_read_modify_writes_are_not_lost(database):
    async with database.session() as session:
        session.add(User(id=1, language="es", role="young", created_on=date(2026, 1, 1),
                         last_seen_on=date(2026, 1, 1), consent_version=0))

    async def bump() -> None:
        # a naive read-then-write: only safe because each transaction takes the write lock
        # (BEGIN IMMEDIATE on SQLite) or a row lock (FOR UPDATE on PostgreSQL) first
        async with database.session() as session:
            user = (await session.scalars(
                select(User).where(User.id == 1).with_for_update())).one()
            await asyncio.sleep(0)
            user.consent_version += 1

    await asyncio.gather(*(bump() for _ in range(20)))
    async with database.session() as session:
        assert (await session.get(User, 1)).consent_version == 20


async def test_sqlite_pragmas(database):
    if not database.is_sqlite:
        return
    async with database.engine.connect() as conn:
        assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
        assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() == 30000
