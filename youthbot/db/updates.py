"""Exactly-once updates: each Telegram update id is recorded in the transaction of its effects.

Telegram delivers an update again when a webhook answer is late or lost, and long polling
repeats the updates after a crash. The first transaction that records an update id owns the
update; any later delivery finds the id and changes nothing. Recording is done in the same
statement that takes the person's PostgreSQL advisory transaction lock, so a turn costs one
round trip more than the handler's own work, not two.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, bindparam, delete, func, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession

from .models import ProcessedUpdate

# Telegram keeps an undelivered update for at most 24 hours; ids older than this are forgotten.
KEEP_PROCESSED_DAYS = 3


async def claim_update(
    session: AsyncSession, *, update_id: int | None, lock_key: int | None, now: datetime
) -> bool:
    """Record `update_id`; False when it was recorded before (the update is a repetition).

    With `update_id` None (a later handler group of an update already recorded) only the lock
    is taken.

    On PostgreSQL `lock_key` (the person's id) is locked with `pg_advisory_xact_lock` first, in
    the same statement, and stays locked until the transaction ends: two replicas never
    interleave one person's turns. On SQLite the transaction itself is already exclusive.
    """
    postgres = session.bind.dialect.name == "postgresql"
    if update_id is None:
        if postgres and lock_key is not None:
            await session.execute(_LOCK_ONLY, {"key": lock_key})
        return True
    if not postgres:
        return await _claim_sqlite(session, update_id, now)
    statement = _CLAIM_LOCKED_PG if lock_key is not None else _CLAIM_PG
    result = await session.execute(statement, {"update_id": update_id, "at": now, "key": lock_key})
    return result.first() is not None


async def _claim_sqlite(session: AsyncSession, update_id: int, now: datetime) -> bool:
    """The claim straight on SQLite's own connection (on the loop's thread, see
    db/sqlite_inloop.py): SQLAlchemy's execution path cost ten times the insert itself, in
    every turn. The session's connection begins the transaction as usual; the time is stored
    exactly as SQLAlchemy stores it."""
    connection = await session.connection()
    at = _time_as_stored(connection.dialect)(now)
    cursor = connection.sync_connection.connection.driver_connection.cursor()
    try:
        return cursor.execute(_CLAIM_SQLITE_SQL, (update_id, at)).rowcount == 1
    finally:
        cursor.close()


@functools.cache
def _time_as_stored(dialect: Dialect) -> Callable[[datetime], Any]:
    """How the dialect's connection receives a value of the `at` column."""
    return _TABLE.c.at.type.dialect_impl(dialect).bind_processor(dialect)


# Built once: these run in every turn, and building a statement costs more than running it.
_TABLE = ProcessedUpdate.__table__
_LOCK = func.pg_advisory_xact_lock(bindparam("key", type_=BigInteger)).label("locked")
_LOCK_ONLY = select(_LOCK)
_CLAIMED = select(
    bindparam("update_id", type_=BigInteger), bindparam("at", type_=_TABLE.c.at.type)
)


def _claim_pg(source):
    return (
        postgresql.insert(_TABLE)
        .from_select(["update_id", "at"], source)
        .on_conflict_do_nothing(index_elements=["update_id"])
        .returning(_TABLE.c.update_id)
    )


_CLAIM_PG = _claim_pg(_CLAIMED)
_CLAIM_LOCKED_PG = _claim_pg(_CLAIMED.select_from(_LOCK_ONLY.subquery()))
_CLAIM_SQLITE_SQL = (
    "INSERT INTO processed_updates (update_id, at) VALUES (?, ?) "
    "ON CONFLICT (update_id) DO NOTHING"
)


async def prune_processed(session: AsyncSession, *, before: datetime) -> int:
    """Forget update ids recorded before `before`; returns how many."""
    result = await session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.at < before))
    return result.rowcount or 0
