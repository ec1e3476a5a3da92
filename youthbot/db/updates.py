"""Exactly-once updates, in each person's order.

Each Telegram update id is recorded in the transaction of its effects.

Telegram delivers an update again when a webhook answer is late or lost, and long polling
repeats the updates after a crash. The first transaction that records an update id owns the
update; any later delivery finds the id and changes nothing. Recording is done in the same
statement that takes the person's PostgreSQL advisory transaction lock, so a turn costs one
round trip more than the handler's own work, not two.

Order: every replica notes each update as it arrives (`note_arrival`, table update_arrivals)
and when its handling ended. Before a person's update runs, bot/runtime/processor.py asks
`earlier_expected`: is an earlier update of the same person in flight (on any replica)? Then
it waits for it. Is an update id just below this one not here yet? Then it waits a few
hundred milliseconds at most. The turn records when the update was applied
(`mark_applied`), and the processor when its handling ended, replies sent
(`finish_arrival`); an update that still comes after a later one of its person (late) learns
where it belongs in their order.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, bindparam, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession

from .models import ProcessedUpdate, UpdateArrival

# Telegram keeps an undelivered update for at most 24 hours; ids older than this are forgotten.
KEEP_PROCESSED_DAYS = 3
# How many update ids below an arriving one are looked at for a gap (one not here yet).
GAP_SPAN = 64
# An applied update is taken as done this long after, even if its end was not recorded.
SENDING = timedelta(seconds=5)
# A missing update id below one that arrived this long ago is not waited for: it will not
# come (Telegram's connections and replicas under load reorder by seconds, not more).
SETTLED_AFTER = timedelta(seconds=10)
# An arrival not done after this long is not waited for (its replica died and Telegram
# resent it long ago, or gave up).
IN_FLIGHT_FOR = timedelta(minutes=5)
# A late update is placed this much before the first later update of its person.
_BEFORE = timedelta(microseconds=1)


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
    """Forget update ids recorded before `before` (and their arrivals); returns how many."""
    result = await session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.at < before))
    await session.execute(delete(UpdateArrival).where(UpdateArrival.arrived_at < before))
    return result.rowcount or 0


# Order ------------------------------------------------------------------------------------


def _insert(session: AsyncSession):
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    return dialect.insert(UpdateArrival)


async def note_arrival(
    session: AsyncSession, *, update_id: int, user_id: int | None, now: datetime
) -> None:
    """Note that `update_id` (of `user_id`, None for no person) has arrived at a replica; an
    update delivered again before it was applied (kept for later, a replica died) is in
    flight again."""
    statement = _insert(session).values(update_id=update_id, user_id=user_id, arrived_at=now)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["update_id"],
            set_={"done_at": None},
            where=UpdateArrival.applied_at.is_(None),
        )
    )


IN_FLIGHT = "in flight"
NOT_ARRIVED = "not arrived"


async def earlier_expected(
    session: AsyncSession,
    *,
    update_id: int,
    user_id: int,
    now: datetime,
) -> str | None:
    """Whether an earlier update of `user_id` may still come before `update_id`:
    IN_FLIGHT when one arrived and is not done (here or on another replica), NOT_ARRIVED when
    an id just below is missing (Telegram numbers a bot's updates one by one: a missing one is
    probably on its way, perhaps this person's); None otherwise."""
    in_flight = await session.scalar(
        select(UpdateArrival.update_id)
        .where(
            UpdateArrival.user_id == user_id,
            UpdateArrival.update_id < update_id,
            UpdateArrival.done_at.is_(None),
            UpdateArrival.arrived_at >= now - IN_FLIGHT_FOR,
            # applied, its end not recorded (the database went away just then): done by now
            or_(UpdateArrival.applied_at.is_(None), UpdateArrival.applied_at >= now - SENDING),
        )
        .limit(1)
    )
    if in_flight is not None:
        return IN_FLIGHT
    rows = (
        await session.execute(
            select(UpdateArrival.update_id, UpdateArrival.arrived_at).where(
                UpdateArrival.update_id >= update_id - GAP_SPAN,
                UpdateArrival.update_id < update_id,
            )
        )
    ).all()
    if not rows:
        return None  # nothing known below: the first update in a while, no gap to fill
    # An id missing below one that arrived long ago will not come any more (refused at the
    # door, say); above it, every id up to this one should be here.
    settled = [uid for uid, at in rows if at < now - SETTLED_AFTER]
    low = max(settled) if settled else min(uid for uid, _at in rows) - 1
    present = sum(1 for uid, _at in rows if uid > low)
    return NOT_ARRIVED if present < update_id - low - 1 else None


async def finish_arrival(session: AsyncSession, *, update_id: int, now: datetime) -> None:
    """The handling of `update_id` ended (handled, repeated or failed): nobody waits for it."""
    await session.execute(
        update(UpdateArrival)
        .where(UpdateArrival.update_id == update_id, UpdateArrival.done_at.is_(None))
        .values(done_at=now)
    )


async def mark_applied(
    session: AsyncSession, *, update_id: int, user_id: int, now: datetime
) -> datetime | None:
    """Record, in the turn's transaction, that `update_id` of `user_id` is handled.

    Returns None when it comes in its person's order; for a late update (a later update of the
    same person was handled before it) the moment just before that later one, where it
    belongs in the person's order (a case's messages are ordered by time)."""
    later = await session.scalar(
        select(func.min(UpdateArrival.applied_at)).where(
            UpdateArrival.user_id == user_id,
            UpdateArrival.update_id > update_id,
            UpdateArrival.applied_at.is_not(None),
        )
    )
    # Noted on arrival: the processor ends it once the replies are sent. Not noted (no
    # update processor): nobody will, so it is done now.
    statement = _insert(session).values(
        update_id=update_id, user_id=user_id, arrived_at=now, applied_at=now, done_at=now
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["update_id"], set_={"applied_at": now, "user_id": user_id}
        )
    )
    return later - _BEFORE if later is not None else None
