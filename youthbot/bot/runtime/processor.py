"""Update processing: different people's updates run concurrently, one person's in order.

PTB hands every update from `application.update_queue` to the update processor in the order it
was queued. `PerUserUpdateProcessor` chains the updates of one person (or of one chat, for
updates without a person) so each starts only when the previous one has finished, while the
updates of other people go ahead, at most `concurrency` at a time. A person sending many
updates holds one slot, never all of them, so nobody waits behind a flood.

One person's updates run in update-id order, the order they sent them in, even when they
arrive in another order (Telegram opens several connections; after a restart it resends
what was pending, in any order; with replicas, each takes a share). Each update is noted in
the database as it arrives (db/updates.py). Before it runs, it waits (a short reorder window,
`window` seconds after its arrival at most) while an earlier update of the same person is
expected: in flight here or on another replica, or an id just below it not arrived yet.
Here, waiting updates of one person go lowest id first. Across replicas, the turn's
PostgreSQL advisory lock (bot/runtime/turn.py) keeps one person's turns from overlapping.
An update that still comes after a later one is handled as the person meant it: the turn
knows it is late and where it belongs (`Turn.in_order_at`).

An update the database could not take (bot/runtime/errors.py `keep_for_later`) is not lost: the
webhook server, told so, answers 503 and Telegram sends it again; an update nobody waits for (long
polling, or a webhook answer already given) is run again here after a pause, still holding its
person's place in line, until it is handled or the bot stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from telegram import Update
from telegram.ext import BaseUpdateProcessor

from ...db.engine import Database
from ...db.types import utcnow
from ...db.updates import IN_FLIGHT, earlier_expected, finish_arrival, note_arrival

logger = logging.getLogger(__name__)

# PTB's own semaphore is acquired before `do_process_update`; it is kept out of the way (the
# order of entry must be the order of the queue) and our own semaphore limits the work.
_ENTRY_LIMIT = 1_000_000
# Pauses before running a kept update again: doubling, then every RERUN_MAX seconds.
RERUN_FIRST = 1.0
RERUN_MAX = 15.0
# The reorder window: the longest an update waits for an earlier one of its person that has
# not arrived yet, and how often it looks again meanwhile (then less and less often).
REORDER_WINDOW = 0.25
REORDER_STEP = 0.01
MAX_STEP = 0.1
# An earlier update of the same person that has arrived (here or on another replica) is being
# handled: it is waited for this long at most (a stuck replica must not stop the person).
IN_FLIGHT_WAIT = 20.0
# The database faults that make the ordering give way (the turn deals with the database).
_DB_FAULTS = (SQLAlchemyError, OSError, TimeoutError)


def ordering_key(update: object) -> int | None:
    """Whose updates must not overlap: the person's id, else the chat's, else nobody's."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None


def person_of(update: object) -> int | None:
    """The person an update comes from (None: a channel post, a chat's own update...)."""
    if isinstance(update, Update) and update.effective_user is not None:
        return update.effective_user.id
    return None


@dataclass
class _Line:
    """One person's (or chat's) updates waiting here: lowest update id first."""

    waiting: list[tuple[int, int]] = field(default_factory=list)
    busy: bool = False
    running: int | None = None  # the update id being handled

    def has_earlier(self, update_id: int) -> bool:
        """An earlier update of this person is here: the line itself puts it first."""
        lowest = self.waiting[0][0] if self.waiting else update_id
        return lowest < update_id or (self.running is not None and self.running < update_id)
    turn: asyncio.Condition = field(default_factory=asyncio.Condition)


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Runs updates of different people concurrently and each person's strictly in order."""

    def __init__(
        self,
        concurrency: int = 32,
        *,
        window: float = REORDER_WINDOW,
        step: float = REORDER_STEP,
        clock: Callable[[], float] = time.monotonic,
        pause: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        super().__init__(max_concurrent_updates=_ENTRY_LIMIT)
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.concurrency = concurrency
        self.window = window
        self.step = step
        self._clock = clock
        self._pause = pause
        self._db: Database | None = None
        self._now: Callable[[], datetime] = utcnow
        self._sequence = itertools.count()
        self._slots = asyncio.Semaphore(concurrency)
        self._lines: dict[int, _Line] = {}
        self._watchers: dict[int, list[Callable[[bool], None]]] = {}
        self._deferred: dict[int, Callable[[], Awaitable[Any]]] = {}
        self._closing = asyncio.Event()

    def use_database(self, db: Database, *, now: Callable[[], datetime] = utcnow) -> None:
        """Coordinate the order of each person's updates with other replicas through `db`."""
        self._db = db
        self._session = db.session  # its own short transactions, apart from the turns'
        self._now = now

    def when_done(self, update: object, callback: Callable[[bool], None]) -> None:
        """Call `callback(kept)` once `update` (this very object) has been processed; `kept`
        is True when it could not be handled yet and must be delivered again."""
        self._watchers.setdefault(id(update), []).append(callback)

    def defer(self, update: object, again: Callable[[], Awaitable[Any]]) -> None:
        """`update` could not be handled now (the database is away); `again()` reruns it."""
        self._deferred[id(update)] = again

    def stop_rerunning(self) -> None:
        """Shutting down: kept updates are not run again (a webhook's are redelivered)."""
        self._closing.set()

    def forget(self, update: object) -> None:
        """Stop watching `update` (its processing will not be waited for)."""
        self._watchers.pop(id(update), None)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = ordering_key(update)
        update_id = getattr(update, "update_id", None)
        entry = (update_id if isinstance(update_id, int) else -1, next(self._sequence))
        line = None
        if key is not None:
            line = self._lines.setdefault(key, _Line())
            heapq.heappush(line.waiting, entry)  # before any await: nobody overtakes unseen
        started = False
        try:
            behind_local = await self._arrive_and_hold(update, line)
            if line is not None:
                async with line.turn:
                    await line.turn.wait_for(lambda: not line.busy and line.waiting[0] == entry)
                    heapq.heappop(line.waiting)
                    line.busy, line.running = True, entry[0]
                if behind_local:  # the earlier ones here are done; one elsewhere may not be
                    await self._arrive_and_hold(update, None, noted=True)
            try:
                async with self._slots:
                    started = True
                    await coroutine
                await self._rerun_kept(update)
            finally:
                if line is not None:
                    await self._next_in(line, key)
        finally:
            if not started:
                self._leave(line, key, entry)
                if hasattr(coroutine, "close"):
                    coroutine.close()  # cancelled while waiting its turn (shutting down)
            kept = self._deferred.pop(id(update), None) is not None
            await self._finish(update)  # kept: not in flight here; a resend brings it back
            for callback in self._watchers.pop(id(update), ()):
                callback(kept)

    async def _next_in(self, line: _Line, key: int) -> None:
        """This update is over: the next of its person may go (or the line goes)."""
        async with line.turn:
            line.busy, line.running = False, None
            line.turn.notify_all()
        if not line.waiting and self._lines.get(key) is line:
            del self._lines[key]

    def _leave(self, line: _Line | None, key: int | None, entry: tuple[int, int]) -> None:
        """Cancelled before its turn: out of the line, without blocking the others."""
        if line is None or entry not in line.waiting:
            return
        line.waiting.remove(entry)
        heapq.heapify(line.waiting)
        if not line.waiting and not line.busy and self._lines.get(key) is line:
            del self._lines[key]

    async def _arrive_and_hold(
        self, update: object, line: _Line | None, *, noted: bool = False
    ) -> bool:
        """Note the update's arrival where every replica sees it; then wait while an earlier
        update of the same person is expected (db/updates.py `earlier_expected`): one in
        flight, until it is done (`IN_FLIGHT_WAIT` at most: it is being handled); one not
        arrived yet, `window` seconds at most (the reorder window). The note and the first
        look are one transaction. While an earlier update of the person is in this replica's
        line, the database is not asked: the line puts that one first (True is returned, and
        the caller looks again once its turn in the line has come). A database fault makes
        the ordering give way: the turn decides what happens to the update."""
        update_id = getattr(update, "update_id", None)
        if self._db is None or not isinstance(update_id, int):
            return False
        person = person_of(update)
        hold = person is not None and self.window > 0
        started = None
        step = self.step
        while True:
            if noted and line is not None and line.has_earlier(update_id):
                return True
            try:
                async with self._session() as session:
                    if not noted:
                        await note_arrival(
                            session, update_id=update_id, user_id=person, now=self._now()
                        )
                        noted = True
                    expected = hold and await earlier_expected(
                        session, update_id=update_id, user_id=person, now=self._now()
                    )
            except _DB_FAULTS:
                logger.debug("update %s: not ordered (database fault)", update_id)
                return False
            if not expected:
                return False
            # Counted from the first look: a busy pool must not eat the window.
            started = self._clock() if started is None else started
            limit = IN_FLIGHT_WAIT if expected == IN_FLIGHT else self.window
            if self._clock() - started >= limit:
                logger.info("update %s: an earlier one (%s) did not come in time; going on",
                            update_id, expected)
                return False
            await self._pause(step)
            step = min(step * 2, MAX_STEP)

    async def _finish(self, update: object) -> None:
        """Nobody waits for this update any more (handled, repeated, failed or abandoned)."""
        if self._db is None or person_of(update) is None:
            return
        try:
            async with self._session() as session:
                await finish_arrival(session, update_id=update.update_id, now=self._now())
        except _DB_FAULTS:
            logger.debug("update %s: end not noted", update.update_id)

    async def _rerun_kept(self, update: object) -> None:
        """Run a kept update again, with growing pauses, unless someone waits to answer for
        it (the webhook: Telegram will resend it) or the bot is stopping."""
        pause = RERUN_FIRST
        while id(update) in self._deferred and id(update) not in self._watchers:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), pause)
            if self._closing.is_set():
                logger.warning(
                    "update %s kept for later could not be handled before stopping",
                    getattr(update, "update_id", None),
                )
                return
            again = self._deferred.pop(id(update))
            pause = min(pause * 2, RERUN_MAX)
            async with self._slots:
                await again()

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        self._closing.set()
        self._watchers.clear()
