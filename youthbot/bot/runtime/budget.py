"""The bot's one send budget, seen from a process: priorities, slots, and Telegram's 429s.

- `Budget`: this process's door to the budget (core/delivery): every message waits for a slot
  claimed in the database, so all replicas and all senders together stay under Telegram's
  ~30 a second; safety first, then conversation, then announcements.
- `SendLimiter`: PTB's rate limiter slot: each Bot API call that makes or edits a message
  takes a slot at the priority of the code sending it (`PRIORITY`); a 429 pauses the budget
  for everyone and the call waits and is tried again (announcements give the row back).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from ...core import delivery as outbox

logger = logging.getLogger(__name__)

SAFETY, CONVERSATION, ANNOUNCEMENT = 0, 1, 2
# How far ahead of now the schedule may be for a claim to be granted (None: always).
HORIZONS: dict[int, float | None] = {SAFETY: None, CONVERSATION: 0.5, ANNOUNCEMENT: 0.0}
# However busy conversation is, announcements still get this many messages a second.
ANNOUNCEMENT_FLOOR = 2.0
PRIORITY: ContextVar[int] = ContextVar("send_priority", default=CONVERSATION)
# Bot API methods that make or change a message: they count against Telegram's limit.
BUDGETED = ("send", "edit", "copy", "forward")


@contextlib.contextmanager
def priority(level: int) -> Iterator[None]:
    """Send at `level` inside the block (tasks started inside inherit it)."""
    token = PRIORITY.set(level)
    try:
        yield
    finally:
        PRIORITY.reset(token)


def retry_seconds(exc: RetryAfter) -> float:
    """The wait Telegram asked for (read without PTB's int/timedelta deprecation warning)."""
    return exc._retry_after.total_seconds()  # noqa: SLF001 - PTB's own rate limiter does this


class Budget:
    """This process's share of the one send budget: `await acquire(level)` returns at a slot.

    Waiters of one priority are served in order by one claimer, which claims a slot for each
    of up to `batch` of them in one database round trip. If the database cannot be reached,
    slots are handed out locally at the same rate: a safety reply is never held up by it."""

    def __init__(
        self,
        db: Any,
        *,
        rate: float,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        batch: int = 8,
        poll_seconds: float = 0.05,
    ) -> None:
        self.db, self.interval = db, 1.0 / rate
        self.clock, self.sleep = clock, sleep
        self.batch, self.poll_seconds = batch, poll_seconds
        self._waiting: dict[int, deque[asyncio.Future[float]]] = {p: deque() for p in HORIZONS}
        self._claimers: dict[int, asyncio.Task] = {}
        self._local_next = 0.0
        self._away = False

    async def acquire(self, level: int = CONVERSATION) -> float:
        """Wait for this message's slot (its time, seconds since the epoch)."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiting[level].append(future)
        claimer = self._claimers.get(level)
        if claimer is None or claimer.done():
            self._claimers[level] = asyncio.create_task(self._claim(level))
        slot = await future
        delay = slot - self.clock()
        if delay > 0:
            await self.sleep(delay)
        return slot

    async def _claim(self, level: int) -> None:
        waiting = self._waiting[level]
        while waiting:
            count = min(len(waiting), self.batch)
            now = self.clock()
            claim = await self._claim_slots(level, count, now)
            if claim.first is None and level == ANNOUNCEMENT:
                count, claim = 1, await self._claim_floor(now, claim)
            if claim.first is None:  # others are ahead in the schedule: wait for our turn
                reach = claim.next_slot - (HORIZONS[level] or 0.0) - now
                await self.sleep(max(self.poll_seconds, reach))
                continue
            for index in range(count):
                future = waiting.popleft()
                if not future.done():  # a cancelled waiter's slot goes unused
                    future.set_result(claim.first + index * self.interval)

    async def _claim_floor(self, now: float, denied: outbox.Claim) -> outbox.Claim:
        """An announcement's share however busy the bot is: the next slot, at most
        ANNOUNCEMENT_FLOOR times a second (across replicas: its own row in the budget)."""
        try:
            async with self.db.session() as session:
                floor = await outbox.claim_slots(
                    session, now=now, interval=1 / ANNOUNCEMENT_FLOOR, horizon=0,
                    name=outbox.ANNOUNCEMENT_FLOOR,
                )
                if floor.first is None:
                    return denied
                return await outbox.claim_slots(session, now=now, interval=self.interval)
        except (SQLAlchemyError, OSError):
            return denied

    async def _claim_slots(self, level: int, count: int, now: float) -> outbox.Claim:
        try:
            async with self.db.session() as session:
                claim = await outbox.claim_slots(
                    session, now=now, interval=self.interval, count=count,
                    horizon=HORIZONS[level],
                )
        except (SQLAlchemyError, OSError) as exc:
            if not self._away:
                logger.warning("send budget: database away (%s); pacing locally",
                               type(exc).__name__)
                self._away = True
            first = max(now, self._local_next)
            self._local_next = first + count * self.interval
            return outbox.Claim(first, self._local_next)
        self._away = False
        return claim

    async def pause(self, seconds: float) -> None:
        """Telegram said 429: every sender of every replica waits `seconds`."""
        until = self.clock() + seconds
        self._local_next = max(self._local_next, until)
        with contextlib.suppress(SQLAlchemyError, OSError):
            async with self.db.session() as session:
                await outbox.pause_budget(session, until=until)


class Window:
    """At most `limit` calls in any second of this process, checked right before each call:
    slots are evenly spaced, but a busy event loop (a slow query) can release several late
    ones together, and Telegram counts what arrives in a sliding second."""

    def __init__(self, limit: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.clock = max(1, limit), clock
        self.sent: deque[float] = deque()

    async def admit(self) -> None:
        """Until this call may go: under the limit, and not right on the heels of the last
        one (late slots leave spread out, not as a burst)."""
        gap = 0.5 / self.limit
        while True:
            now = self.clock()
            while self.sent and now - self.sent[0] >= 1.0:
                self.sent.popleft()
            if self.sent and now - self.sent[-1] < gap:
                await asyncio.sleep(self.sent[-1] + gap - now)
                continue
            if len(self.sent) < self.limit:
                self.sent.append(now)
                return
            await asyncio.sleep(self.sent[0] + 1.0 - now)


class SendLimiter(BaseRateLimiter[int]):
    """PTB's rate limiter: a budget slot per message; a 429 waits and tries again."""

    def __init__(
        self,
        budget: Budget | None = None,
        *,
        max_retries: int = 8,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.budget, self.max_retries, self.sleep = budget, max_retries, sleep
        self.window = Window(int(1 / budget.interval)) if budget is not None else None
        # Run when the bot shuts down, before its connections close: replies still waiting
        # for the budget go out, and the outbox sweeper stops.
        self.on_shutdown: list[Callable[[], Awaitable[None]]] = []

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        for call in self.on_shutdown:
            try:
                await asyncio.wait_for(call(), 30)
            except TimeoutError:
                logger.warning("shutting down: replies still waiting were not sent")

    async def process_request(
        self,
        callback: Callable[..., Awaitable[Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        if not endpoint.startswith(BUDGETED) or endpoint == "sendChatAction":
            return await callback(*args, **kwargs)
        level = rate_limit_args if isinstance(rate_limit_args, int) else PRIORITY.get()
        tries = 0
        while True:
            if self.budget is not None:
                await self.budget.acquire(level)
                await self.window.admit()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                wait = retry_seconds(exc)
                tries += 1
                if self.budget is not None:
                    await self.budget.pause(wait)
                if level == ANNOUNCEMENT or tries > self.max_retries:
                    raise  # the announcement's row goes back to its queue
                logger.info("429 on %s: waiting %.1f s, then again", endpoint, wait)
                if self.budget is None:
                    await self.sleep(wait)
