"""The database layer: concurrent read-modify-writes are not lost; SQLite is tuned."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from datetime import date

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import OperationalError

from youthbot.db import engine, sqlite_inloop
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
        assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() == 0
        # the loop's connections leave checkpoints to the helper thread (below)
        assert (await conn.execute(text("PRAGMA wal_autocheckpoint"))).scalar() == 10_000


async def test_core_connection_runs_single_and_many_row_statements(database):
    """AsyncConnection insists the driver awaited something; SQLite on the loop's thread
    must satisfy it for one row and for many."""
    rows = [{"id": i, "language": "es", "role": "young", "created_on": date(2026, 1, 1),
             "last_seen_on": date(2026, 1, 1), "consent_version": 0} for i in (21, 22, 23)]
    async with database.engine.begin() as conn:
        await conn.execute(insert(User.__table__), rows[:1])
        await conn.execute(insert(User.__table__), rows[1:])
    async with database.engine.connect() as conn:
        found = await conn.scalars(select(User.id).where(User.id.in_([21, 22, 23])))
        assert sorted(found) == [21, 22, 23]


async def test_sqlite_write_lock_held_elsewhere_waits_without_freezing_the_loop(
    database, monkeypatch
):
    """Another process (a shell command) holding SQLite's write lock delays a turn's
    transaction; the event loop keeps serving meanwhile, and the write lands afterwards."""
    if not database.is_sqlite:
        return
    other = sqlite3.connect(database.url.database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.001)

    async def write() -> None:
        async with database.session() as session:
            session.add(User(id=7, language="es", role="young", created_on=date(2026, 1, 1),
                             last_seen_on=date(2026, 1, 1), consent_version=0))

    ticker = asyncio.create_task(tick())
    writer = asyncio.create_task(write())
    await asyncio.sleep(0.1)
    assert not writer.done()
    assert ticks > 5  # the loop was not blocked by the waiting writer
    other.execute("COMMIT")
    await asyncio.wait_for(writer, 5)
    ticker.cancel()
    other.close()
    async with database.session() as session:
        assert (await session.get(User, 7)) is not None


async def test_sqlite_sessions_work_without_the_greenlet_bridge(database, monkeypatch):
    """On SQLite a session's calls go straight to SQLite on the loop's thread: what a turn
    does (read, add, flush, get, delete, a raw connection, commit) never spawns a greenlet,
    and behaves as through AsyncSession. A failure rolls back everything."""
    if not database.is_sqlite:
        return
    import sqlalchemy.ext.asyncio.session as async_session

    def refuse(*args, **kwargs):
        raise AssertionError("a greenlet was spawned")

    async with database.session():  # the engine's first connection has its own set-up
        pass
    monkeypatch.setattr(async_session, "greenlet_spawn", refuse)
    day = date(2026, 1, 1)
    async with database.session() as session:
        assert isinstance(session, sqlite_inloop.InLoopSession)
        session.add(User(id=8, language="es", role="young", created_on=day, last_seen_on=day,
                         consent_version=0))
        await session.flush()
        assert await session.scalar(select(User.language).where(User.id == 8)) == "es"
        assert list(await session.scalars(select(User.id))) == [8]
        connection = await session.connection()
        assert connection.sync_connection.connection.driver_connection.in_transaction
        (await session.get(User, 8)).language = "en"
    with pytest.raises(RuntimeError):
        async with database.session() as session:
            await session.delete(await session.get(User, 8))
            await session.flush()
            raise RuntimeError("the handler failed")
    async with database.session() as session:
        assert (await session.get(User, 8)).language == "en"  # committed, then not deleted


async def test_sqlite_write_lock_never_released_fails_the_transaction(database, monkeypatch):
    if not database.is_sqlite:
        return
    monkeypatch.setattr(engine, "SQLITE_WRITER_WAIT", 0.05)
    other = sqlite3.connect(database.url.database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(OperationalError, match="locked"):
            async with database.session() as session:
                await session.execute(text("SELECT 1"))
    finally:
        other.execute("ROLLBACK")
        other.close()
    async with database.session() as session:  # the connection is usable again
        assert (await session.execute(text("SELECT 1"))).scalar() == 1


async def test_sqlite_checkpoints_run_on_a_helper_thread_and_go_on_after_a_failure(
    database, monkeypatch, caplog
):
    """The running bot copies the write-ahead log into the database file off the loop, every
    round (a job of its JobQueue); a failed round is logged and the next one runs."""
    if not database.is_sqlite:
        assert not database.needs_checkpoints
        assert await database.checkpoint() is None  # nothing to do
        return
    assert database.needs_checkpoints
    async with database.session() as session:
        session.add_all(
            User(id=i, language="es", role="young", created_on=date(2026, 1, 1),
                 last_seen_on=date(2026, 1, 1), consent_version=0)
            for i in range(30, 60)
        )
    loop_thread = threading.get_ident()
    rounds: list[tuple[int, tuple[int, int, int]]] = []
    real = sqlite_inloop.checkpoint

    def checkpoint(path: str) -> tuple[int, int, int]:
        if not rounds:
            rounds.append((0, (0, 0, 0)))
            raise sqlite3.OperationalError("database is locked")
        result = real(path)
        rounds.append((threading.get_ident(), result))
        return result

    monkeypatch.setattr(sqlite_inloop, "checkpoint", checkpoint)
    await database.checkpoint()  # fails: logged, nothing raised
    assert "SQLite checkpoint failed (OperationalError)" in caplog.text
    await database.checkpoint()
    thread, (busy, log, copied) = rounds[1]
    assert thread != loop_thread
    assert busy == 0 and log > 0 and copied == log  # the whole log reached the file
    other = sqlite3.connect(database.url.database)
    try:
        assert other.execute("SELECT count(*) FROM users WHERE id >= 30").fetchone() == (30,)
    finally:
        other.close()


async def test_in_memory_sqlite_needs_no_checkpoints():
    memory = engine.Database("sqlite+aiosqlite:///:memory:")
    try:
        assert not memory.needs_checkpoints
        assert await memory.checkpoint() is None
    finally:
        await memory.dispose()
