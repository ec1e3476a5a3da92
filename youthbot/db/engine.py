"""The engine and the session factory; SQLite is tuned for one writer at a time."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from . import sqlite_inloop
from .faults import Outage

logger = logging.getLogger(__name__)

# PostgreSQL connections kept open: one per turn in flight (the update processor runs 32 at a
# time), and a few more for the announcement sender, pruning and /healthz. A smaller pool made
# turns open and close connections all the time under load (168 in 30 s at 200 active people,
# each a new server process, with every statement prepared again): the latency's worst part.
# The running bot takes both from DATABASE_POOL_SIZE and DATABASE_MAX_OVERFLOW (a budget per
# replica: docs/operations.md).
POOL_SIZE = 32
POOL_OVERFLOW = 8
# As long as SQLite's own busy timeout: a transaction waiting longer fails as it would there.
SQLITE_WRITER_WAIT = 30


class Database:
    """Owns the async engine; `session()` gives one session with one explicit transaction."""

    def __init__(
        self,
        url: str,
        *,
        echo: bool = False,
        pool_size: int = POOL_SIZE,
        max_overflow: int = POOL_OVERFLOW,
    ) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self.is_postgresql = self.url.get_backend_name() == "postgresql"
        # Statement parameters are people's text: never put them into exception messages/logs.
        kwargs: dict = {"echo": echo, "hide_parameters": True}
        engine_url = self.url
        if self.is_sqlite:
            # Any SQLite URL (the documented one says aiosqlite) runs on the loop's thread.
            engine_url = self.url.set(drivername=sqlite_inloop.DRIVERNAME)
        else:
            # No pre-ping round trip per transaction: a turn on a cut connection runs again
            # (run_turn), other work tries again on its next round.
            kwargs.update(pool_size=pool_size, max_overflow=max_overflow)
        self.engine = create_async_engine(engine_url, **kwargs)
        if self.is_sqlite:
            _tune_sqlite(self.engine.sync_engine)
        self.sessionmaker = async_sessionmaker(
            self.engine,
            class_=sqlite_inloop.InLoopSession if self.is_sqlite else AsyncSession,
            expire_on_commit=False,
        )
        # SQLite has one writer at a time and every transaction here begins IMMEDIATE. Waiting
        # for it inside SQLite's busy handler means sleeping with back-off while the database
        # sits idle; queueing in-process instead hands the lock over at once (in order).
        self._sqlite_writer = asyncio.Lock() if self.is_sqlite else None
        self._sqlite_connected = False
        self.outage = Outage()  # transient faults met by turns (db/faults.py)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on error."""
        if self._sqlite_writer is None:
            async with self.sessionmaker() as session, session.begin():
                yield session
            return
        async with asyncio.timeout(SQLITE_WRITER_WAIT):
            await self._sqlite_writer.acquire()
        try:
            session, transaction = await self._begin_sqlite()
            try:
                with transaction:  # commits, or rolls back on an exception
                    yield session
            finally:
                session.sync_session.close()
        finally:
            self._sqlite_writer.release()

    async def _begin_sqlite(self) -> tuple[AsyncSession, Any]:
        """An `InLoopSession` holding SQLite's write lock (`BEGIN IMMEDIATE`), and its
        transaction. Another process holding the lock (a command run from the shell) is
        waited for with back-off, without blocking the loop, as SQLite's busy timeout would."""
        if not self._sqlite_connected:
            # The engine's very first connection runs its one-time set-up under a lock that
            # needs the greenlet bridge; every later one is plain.
            async with self.engine.connect():
                self._sqlite_connected = True
        delays = sqlite_inloop.retry_delays(SQLITE_WRITER_WAIT)
        while True:
            session = self.sessionmaker()
            transaction = session.sync_session.begin()
            try:
                session.sync_session.connection()  # BEGIN IMMEDIATE, in the begin event
                return session, transaction
            except sqlite_inloop.WriterBusy as busy:
                transaction.rollback()
                session.sync_session.close()
                delay = next(delays, None)
                if delay is None:
                    raise OperationalError("BEGIN IMMEDIATE", None, busy.__cause__) from busy
            await asyncio.sleep(delay)

    @property
    def needs_checkpoints(self) -> bool:
        """SQLite on a file: its write-ahead log is copied into the database by `checkpoint`,
        which the running bot schedules every second (serve/jobs.py)."""
        path = self.url.database
        return self.is_sqlite and bool(path) and path != ":memory:"

    async def checkpoint(self) -> None:
        """SQLite: one checkpoint of the write-ahead log on a helper thread, so no commit on
        the event loop pays for it (sqlite_inloop.py); a failure is logged, the next round
        tries again. Nothing to do on PostgreSQL or an in-memory database."""
        if not self.needs_checkpoints:
            return
        try:
            await asyncio.to_thread(sqlite_inloop.checkpoint, self.url.database)
        except sqlite3.Error as exc:
            logger.warning("SQLite checkpoint failed (%s); will try again", type(exc).__name__)

    async def dispose(self) -> None:
        await self.engine.dispose()


def _tune_sqlite(sync_engine) -> None:
    """WAL, foreign keys, and `BEGIN IMMEDIATE` so writers queue, not race.

    pysqlite's own transaction handling begins lazily and lost concurrent read-modify-writes
    in our measurements; we take over BEGIN ourselves (SQLAlchemy's documented recipe).
    """

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA wal_autocheckpoint={sqlite_inloop.LOOP_CHECKPOINT_PAGES}")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn) -> None:
        sqlite_inloop.begin_immediate(conn.connection.driver_connection, SQLITE_WRITER_WAIT)
