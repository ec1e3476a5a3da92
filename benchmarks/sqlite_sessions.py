"""The fixed cost of a turn on SQLite with db/sqlite_inloop.py (SQLite on the loop's thread,
sessions without the greenlet bridge) and without it (SQLAlchemy's aiosqlite dialect and
AsyncSession, BEGIN IMMEDIATE by SQLAlchemy's documented recipe, the same writer lock).

    PYTHONPATH=$PWD .venv/bin/python benchmarks/sqlite_sessions.py [--turns 2000] [--rounds 5]

The fixed cost is what every turn does before its handler: begin, claim the update id, load
the person and their conversation state, commit. Rounds alternate between the two, and the
median per turn of each is printed.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine  # noqa: E402

from youthbot.db import migrate, updates  # noqa: E402
from youthbot.db.engine import Database  # noqa: E402
from youthbot.db.models import ChatState, User  # noqa: E402


class BridgedDatabase(Database):
    """The same Database without sqlite_inloop.py: aiosqlite (a thread hop per DBAPI call) and
    AsyncSession (a greenlet per call)."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.engine = create_async_engine(self.url, hide_parameters=True)

        @event.listens_for(self.engine.sync_engine, "connect")
        def _on_connect(dbapi_connection, _record) -> None:
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL"):
                cursor.execute(f"PRAGMA {pragma}")
            cursor.close()

        @event.listens_for(self.engine.sync_engine, "begin")
        def _on_begin(conn) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        self.sessionmaker = async_sessionmaker(
            self.engine, class_=AsyncSession, expire_on_commit=False
        )

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self._sqlite_writer, self.sessionmaker() as session, session.begin():
            yield session


async def _claim_through_sqlalchemy(session: AsyncSession, update_id: int, now: datetime) -> bool:
    """The update claim as SQLAlchemy runs it (the driver's own cursor is not at hand)."""
    connection = await session.connection()
    at = updates._time_as_stored(connection.dialect)(now)
    result = await connection.exec_driver_sql(updates._CLAIM_SQLITE_SQL, (update_id, at))
    return result.rowcount == 1


async def fixed_part(db: Database, turns: int, first: int) -> tuple[float, float]:
    """Seconds per turn of: begin, claim, load person and state, commit; elapsed, and CPU
    (the process's, helper threads included: less moved by other processes on the machine)."""
    now = datetime(2026, 12, 4, tzinfo=UTC)
    start, cpu = time.perf_counter(), time.process_time()
    for n in range(turns):
        async with db.session() as session:
            await updates.claim_update(session, update_id=first + n, lock_key=1, now=now)
            await session.get(User, 1)
            await session.get(ChatState, 1)
    return (time.perf_counter() - start) / turns, (time.process_time() - cpu) / turns


async def prepared(db: Database) -> Database:
    await migrate.upgrade(db)
    async with db.session() as session:
        session.add(User(id=1, language="es", role="young", created_on=date(2026, 1, 1),
                         last_seen_on=date(2026, 1, 1), consent_version=0))
    return db


async def main(args: argparse.Namespace) -> None:
    inloop = await prepared(Database(f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/a.sqlite3"))
    bridged = await prepared(BridgedDatabase(f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/b.sqlite3"))
    real_claim = updates._claim_sqlite
    figures: dict[str, list[tuple[float, float]]] = {
        "with sqlite_inloop": [], "without (aiosqlite)": []
    }
    first = 1
    for _ in range(args.rounds):
        for name, db in (("with sqlite_inloop", inloop), ("without (aiosqlite)", bridged)):
            updates._claim_sqlite = real_claim if db is inloop else _claim_through_sqlalchemy
            await fixed_part(db, 200, first)  # warm-up
            first += 200
            figures[name].append(await fixed_part(db, args.turns, first))
            first += args.turns
            await db.checkpoint()
    for name, rounds in figures.items():
        wall, cpu = [r[0] * 1e6 for r in rounds], [r[1] * 1e6 for r in rounds]
        print(f"{name}: fixed part of a turn {statistics.median(wall):.0f} µs elapsed "
              f"(range {min(wall):.0f}-{max(wall):.0f}), {statistics.median(cpu):.0f} µs CPU "
              f"(range {min(cpu):.0f}-{max(cpu):.0f}); median of {args.rounds} rounds "
              f"of {args.turns} turns")
    await inloop.dispose()
    await bridged.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    asyncio.run(main(parser.parse_args()))
