"""Transient database faults: which errors pass by themselves, retrying them, one log per outage.

A database that restarts, a cut or refused connection, too many clients, a serialization or
deadlock failure, SQLite's write lock held too long: the same transaction run again a moment
later succeeds. `is_transient` recognises these on asyncpg and SQLite, whether SQLAlchemy
wrapped them or they arrived bare (asyncpg raises OSError while connecting). `retrying` runs a
transaction again with back-off, a bounded number of times; if the database is still away it
raises `DatabaseUnavailable`, and the caller keeps the work for later (the webhook answers 503
so Telegram sends the update again; long polling runs it again; see bot/runtime/processor.py).

`Outage` turns a thousand failing updates into two log lines: one when the first fails, one
with the counts when the database answers again.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import TypeVar

from sqlalchemy import exc as sa_exc

logger = logging.getLogger("youthbot.db.faults")

T = TypeVar("T")

# SQLSTATE classes and codes that mean "try again": connection exceptions (08), insufficient
# resources (53: too many clients, out of memory or disk for now), the server shutting down or
# starting up (57P01-57P03), serialization failure and deadlock (40001, 40P01).
_TRANSIENT_CLASSES = ("08", "53")
_TRANSIENT_CODES = frozenset({"57P01", "57P02", "57P03", "40001", "40P01"})
_NETWORK_ERRNOS = frozenset(
    {
        errno.ECONNREFUSED, errno.ECONNRESET, errno.ECONNABORTED, errno.EPIPE, errno.ETIMEDOUT,
        errno.EHOSTUNREACH, errno.ENETUNREACH, errno.ENETDOWN, errno.EHOSTDOWN,
    }
)
_SQLITE_BUSY = ("database is locked", "database is busy", "database table is locked")
# Within one turn: 0.05 + 0.1 + 0.2 + 0.4 + 0.8 + 1.6 s, about 3 s, then the update is kept
# for later. Long enough for a failover or a deadlock victim, short of blocking a person long.
RETRY_DELAYS = (0.05, 0.1, 0.2, 0.4, 0.8, 1.6)


class DatabaseUnavailable(Exception):
    """The database stayed away through every retry: keep the work and try it later."""


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The error, what SQLAlchemy wrapped in it, and its causes (bounded, no cycles)."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending and len(seen) < 12:
        current = pending.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending += [getattr(current, "orig", None), current.__cause__, current.__context__]


def _transient_one(error: BaseException) -> bool:
    if isinstance(error, DatabaseUnavailable):
        return True
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, sa_exc.TimeoutError):  # the pool had no connection free in time
        return True
    sqlstate = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
    if isinstance(sqlstate, str) and (
        sqlstate in _TRANSIENT_CODES or sqlstate[:2] in _TRANSIENT_CLASSES
    ):
        return True
    if isinstance(error, sqlite3.OperationalError | sa_exc.OperationalError):
        message = str(error).lower()
        if any(busy in message for busy in _SQLITE_BUSY):
            return True
    if type(error).__name__ == "WriterBusy":  # db/sqlite_inloop.py, without importing it
        return True
    if isinstance(error, ConnectionError | TimeoutError | socket.gaierror):
        return True
    # asyncpg connecting to several addresses raises a plain OSError ("Multiple exceptions")
    # with no errno. Subclasses (FileNotFoundError, PermissionError) are not network faults.
    return type(error) is OSError and (error.errno is None or error.errno in _NETWORK_ERRNOS)


def is_transient(error: BaseException) -> bool:
    """Whether `error` (or what it wraps) is a database fault that passes by itself."""
    return any(_transient_one(e) for e in _chain(error))


class Outage:
    """Counts one outage: logs a line when it starts and one, with counts, when it ends."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.started: float | None = None
        self.retries = 0
        self.deferred = 0
        self.outages = 0

    @property
    def ongoing(self) -> bool:
        return self.started is not None

    def failed(self, error: BaseException) -> None:
        """A transient failure was met (it will be retried)."""
        self.retries += 1
        if self.started is None:
            self.started = self.clock()
            self.outages += 1
            logger.warning(
                "database unavailable (%s); retrying, and keeping updates for later",
                _name(error),
            )

    def gave_up(self) -> None:
        """A piece of work is kept for later (redelivered or re-run), not lost."""
        self.deferred += 1

    def succeeded(self) -> None:
        """The database answered; ends the outage, if there was one, with one line."""
        if self.started is None:
            return
        seconds = self.clock() - self.started
        logger.warning(
            "database back after %.1f s: %s retries, %s updates kept for later",
            seconds, self.retries, self.deferred,
        )
        self.started = None
        self.retries = self.deferred = 0


def _name(error: BaseException) -> str:
    """The innermost exception type's name (for one log line; never the message's data)."""
    names = [type(e).__name__ for e in _chain(error)]
    return names[-1] if len(names) == 1 else f"{names[0]} from {names[-1]}"


async def retrying(
    work: Callable[[], Awaitable[T]],
    outage: Outage,
    *,
    delays: tuple[float, ...] | None = None,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> T:
    """Run `work` (one whole transaction), again after each transient fault, with back-off.

    Other errors pass through at once. When every retry failed, `DatabaseUnavailable`.
    """
    attempts = iter(RETRY_DELAYS if delays is None else delays)
    while True:
        try:
            result = await work()
        except Exception as error:
            if not is_transient(error):
                raise
            outage.failed(error)
            delay = next(attempts, None)
            if delay is None:
                outage.gave_up()
                raise DatabaseUnavailable(_name(error)) from error
            await sleep(delay)
            continue
        outage.succeeded()
        return result
