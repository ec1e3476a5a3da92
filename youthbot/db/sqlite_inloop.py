"""SQLite called directly on the event loop's thread, behind SQLAlchemy's asyncio API.

aiosqlite runs every DBAPI call (cursor, execute, fetch, close, commit) on a helper thread
and wakes the event loop for each result: about ten thread hops per transaction, which we
measured at 0.2–0.3 ms each here, more than the SQL itself. SQLite statements on indexed rows
take microseconds, so this dialect calls `sqlite3` synchronously instead; `AsyncSession` and
`AsyncEngine` work unchanged (they only need an "async" dialect for their greenlet bridge).

The one place SQLite can wait is taking the write lock. Every transaction here begins with
`BEGIN IMMEDIATE`, and readers never wait in WAL mode, so the busy timeout is zero and
`begin_immediate` retries on `database is locked` with `asyncio.sleep`: another process
holding the lock (a `youthbot` command in a shell) delays this one without freezing the loop.

Copying the write-ahead log back into the database file (a checkpoint, with an fsync) is the
one slow step of a commit: 13-20 ms, every 60-70 turns at 200 active people, blocking the loop.
The loop's connections leave it until the log is very large (`LOOP_CHECKPOINT_PAGES`); the
running bot checkpoints on a helper thread every second instead (`Database.checkpoint`, a
JobQueue job of serve/jobs.py).

Sessions skip SQLAlchemy's greenlet bridge as well (`InLoopSession`): with nothing to wait
for, it only cost a new greenlet and its switches per call.

URLs keep the documented `sqlite+aiosqlite://` form; `Database` maps them onto this dialect.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Iterator
from typing import Any

import sqlalchemy
from sqlalchemy import pool
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

try:  # internals: tests/db/test_sqlite_inloop_internals.py checks every one this file uses
    from sqlalchemy.util import await_only
    from sqlalchemy.util.concurrency import in_greenlet
except ImportError as missing:
    raise ImportError(
        f"SQLAlchemy {sqlalchemy.__version__} lacks an internal db/sqlite_inloop.py uses "
        f"({missing}); keep SQLAlchemy at the minor version pinned in pyproject.toml"
    ) from missing

DRIVERNAME = "sqlite+youthbot_inloop"
# A connection on the loop checkpoints only past this many log pages (about 40 MB): a command
# run from the shell without the bot still bounds the log, the running bot never gets there.
LOOP_CHECKPOINT_PAGES = 10_000


async def _ready() -> None:
    return None


def _awaited() -> None:
    if in_greenlet():
        await_only(_ready())


class _Cursor(sqlite3.Cursor):
    def execute(self, *args: Any) -> sqlite3.Cursor:
        # `AsyncConnection.execute` checks that the driver awaited something; a finished
        # coroutine satisfies it without leaving the loop's thread or yielding to other tasks.
        _awaited()
        return super().execute(*args)

    def executemany(self, *args: Any) -> sqlite3.Cursor:
        _awaited()
        return super().executemany(*args)

    async def _async_soft_close(self) -> None:
        """Called by SQLAlchemy's asyncio results; rows are read synchronously anyway."""


class _Connection(sqlite3.Connection):
    def cursor(self, factory: type[sqlite3.Cursor] = _Cursor) -> sqlite3.Cursor:  # type: ignore[override]
        return super().cursor(factory)


class SQLiteDialect_inloop(SQLiteDialect_pysqlite):  # noqa: N801 - SQLAlchemy's naming
    """pysqlite, declared async so `create_async_engine` accepts it."""

    driver = "youthbot_inloop"
    is_async = True
    supports_statement_cache = True

    @classmethod
    def get_pool_class(cls, url: URL) -> type[pool.Pool]:
        if cls._is_url_file_db(url):
            return pool.AsyncAdaptedQueuePool
        return pool.StaticPool

    def create_connect_args(self, url: URL) -> tuple[list, dict[str, Any]]:
        args, kwargs = super().create_connect_args(url)
        # One thread runs the event loop, but CLI commands may use several loops in a row.
        kwargs["check_same_thread"] = False
        kwargs["timeout"] = 0
        kwargs["factory"] = _Connection
        return args, kwargs


class WriterBusy(Exception):
    """Another process holds SQLite's write lock; raised where waiting cannot yield (outside
    a greenlet: `InLoopSession`), so the caller waits without blocking and tries again."""


def begin_immediate(dbapi_connection: sqlite3.Connection, wait: float) -> None:
    """Take SQLite's write lock, yielding to the event loop while another process holds it.

    Runs in a `begin` event. Inside SQLAlchemy's greenlet bridge it may await, and waits here;
    outside it (an `InLoopSession`) it tries once and raises `WriterBusy`.
    """
    if not in_greenlet():
        try:
            dbapi_connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc):
                raise WriterBusy from exc
            raise OperationalError("BEGIN IMMEDIATE", None, exc) from exc
        return
    delays = retry_delays(wait)
    while True:
        try:
            dbapi_connection.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            delay = next(delays, None) if "locked" in str(exc) else None
            if delay is None:
                # As SQLAlchemy would have raised it for any other statement.
                raise OperationalError("BEGIN IMMEDIATE", None, exc) from exc
        await_only(asyncio.sleep(delay))


def retry_delays(wait: float) -> Iterator[float]:
    """How long to sleep before each new try for the write lock: 2 ms, doubling up to 50 ms,
    until `wait` seconds have passed since the first."""
    deadline = time.monotonic() + wait
    delay = 0.002
    while time.monotonic() < deadline:
        yield delay
        delay = min(delay * 2, 0.05)


class InLoopSession(AsyncSession):
    """An AsyncSession for this dialect whose methods call the sync session directly.

    AsyncSession runs every call through a new greenlet (and closes through a new task); on
    this machine that was about 50 µs per call, five to ten calls a turn, for SQL that itself
    takes microseconds on the loop's thread: the fixed part of a turn (begin, record the
    update, load the person, commit) measured 891 µs through greenlets, 514 µs without. The
    API is AsyncSession's, so handlers cannot tell; what would need a greenlet (an ORM lazy
    load) just runs, and the tests on PostgreSQL still catch it.
    """

    async def execute(self, statement: Any, params: Any = None, **kwargs: Any) -> Any:
        return self.sync_session.execute(statement, params, **kwargs)

    async def scalar(self, statement: Any, params: Any = None, **kwargs: Any) -> Any:
        return self.sync_session.scalar(statement, params, **kwargs)

    async def scalars(self, statement: Any, params: Any = None, **kwargs: Any) -> Any:
        return self.sync_session.scalars(statement, params, **kwargs)

    async def get(self, entity: Any, ident: Any, **kwargs: Any) -> Any:
        return self.sync_session.get(entity, ident, **kwargs)

    async def refresh(self, instance: Any, *args: Any, **kwargs: Any) -> None:
        self.sync_session.refresh(instance, *args, **kwargs)

    async def delete(self, instance: Any) -> None:
        self.sync_session.delete(instance)

    async def flush(self, objects: Any = None) -> None:
        self.sync_session.flush(objects=objects)

    async def connection(self, **kwargs: Any) -> AsyncConnection:
        return AsyncConnection._retrieve_proxy_for_target(self.sync_session.connection(**kwargs))

    async def run_sync(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        return fn(self.sync_session, *args, **kwargs)

    async def commit(self) -> None:
        self.sync_session.commit()

    async def rollback(self) -> None:
        self.sync_session.rollback()

    async def close(self) -> None:
        self.sync_session.close()

    async def __aexit__(self, *exc: Any) -> None:
        self.sync_session.close()


def checkpoint(path: str) -> tuple[int, int, int]:
    """Copy what it can of the log into the database file without waiting for anyone (a
    PASSIVE checkpoint), on its own connection; for a helper thread. SQLite's answer:
    (busy, pages in the log, pages copied)."""
    connection = sqlite3.connect(path, timeout=0, check_same_thread=False)
    try:
        busy, log, copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return busy, log, copied
    finally:
        connection.close()


registry.register("sqlite.youthbot_inloop", __name__, "SQLiteDialect_inloop")
