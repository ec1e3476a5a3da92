"""Which errors are transient database faults (asyncpg and SQLite, wrapped or bare, or as a
cause) and the bounded retry with back-off, on their own; the bot-level behaviour is in
test_faults.py."""

from __future__ import annotations

import logging
import sqlite3

import asyncpg.exceptions as pg
import pytest
from sqlalchemy import exc as sa_exc

from youthbot.db.faults import DatabaseUnavailable, Outage, is_transient, retrying


class _AdaptedError(Exception):
    """Like SQLAlchemy's asyncpg adaptation: the driver's error with its SQLSTATE."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.sqlstate = getattr(cause, "sqlstate", None)
        self.__cause__ = cause


def _wrapped(cause: BaseException) -> sa_exc.DBAPIError:
    return sa_exc.DBAPIError.instance("SELECT 1", {}, _AdaptedError(cause), Exception)


def _multiple() -> OSError:
    return OSError("Multiple exceptions: [Errno 111] Connect call failed ('127.0.0.1', 1)")


TRANSIENT = [
    ConnectionRefusedError(111, "Connection refused"),
    ConnectionResetError(104, "Connection reset by peer"),
    _multiple(),
    TimeoutError(),
    pg.TooManyConnectionsError("sorry, too many clients already"),
    pg.SerializationError("could not serialize access"),
    pg.DeadlockDetectedError("deadlock detected"),
    pg.CannotConnectNowError("the database system is starting up"),
    pg.AdminShutdownError("terminating connection due to administrator command"),
    _wrapped(pg.TooManyConnectionsError("sorry, too many clients already")),
    _wrapped(pg.SerializationError("could not serialize access")),
    _wrapped(pg.DeadlockDetectedError("deadlock detected")),
    _wrapped(ConnectionRefusedError(111, "Connection refused")),
    sqlite3.OperationalError("database is locked"),
    sa_exc.OperationalError("BEGIN IMMEDIATE", {}, sqlite3.OperationalError("database is locked")),
    DatabaseUnavailable("ConnectionRefusedError"),
]
NOT_TRANSIENT = [
    ValueError("bad"),
    FileNotFoundError(2, "No such file"),
    PermissionError(13, "Permission denied"),
    pg.UniqueViolationError("duplicate key"),
    _wrapped(pg.UniqueViolationError("duplicate key")),
    sqlite3.OperationalError("no such table: users"),
    sa_exc.IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed")),
]


@pytest.mark.parametrize("error", TRANSIENT, ids=lambda e: type(e).__name__)
def test_connection_level_faults_are_transient_wrapped_or_bare(error):
    assert is_transient(error)
    try:  # and when raised while handling another error, or from one
        raise RuntimeError("while handling it") from error
    except RuntimeError as outer:
        assert is_transient(outer)


@pytest.mark.parametrize("error", NOT_TRANSIENT, ids=lambda e: type(e).__name__)
def test_bugs_and_bad_data_are_not_transient(error):
    assert not is_transient(error)


async def test_retrying_runs_again_until_it_works_and_logs_the_outage_twice(caplog):
    outage, slept, attempts = Outage(), [], []

    async def work() -> str:
        attempts.append(1)
        if len(attempts) < 4:
            raise ConnectionRefusedError(111, "Connection refused")
        return "done"

    async def sleep(delay: float) -> None:
        slept.append(delay)

    with caplog.at_level(logging.INFO, logger="youthbot"):
        assert await retrying(work, outage, delays=(1, 2, 4, 8), sleep=sleep) == "done"
    assert slept == [1, 2, 4] and not outage.ongoing
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2
    assert "database unavailable (ConnectionRefusedError)" in lines[0]
    assert "3 retries, 0 updates kept for later" in lines[1]


async def test_retrying_gives_up_after_its_delays_and_lets_other_errors_through():
    outage = Outage()

    async def refused() -> None:
        raise pg.TooManyConnectionsError("sorry, too many clients already")

    async def no_sleep(_delay: float) -> None:
        return None

    with pytest.raises(DatabaseUnavailable):
        await retrying(refused, outage, delays=(0, 0), sleep=no_sleep)
    assert outage.ongoing and outage.retries == 3 and outage.deferred == 1

    async def bug() -> None:
        raise KeyError("x")

    with pytest.raises(KeyError):
        await retrying(bug, outage, delays=(0, 0), sleep=no_sleep)
    assert outage.retries == 3  # not counted as a fault
