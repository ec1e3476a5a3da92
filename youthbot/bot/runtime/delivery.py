"""Sending under Telegram's limits and across crashes: priorities, the shared budget, the outbox.

- `Budget`: this process's door to the bot's one send budget (core/delivery): every message
  waits for a slot claimed in the database, so all replicas and all senders together stay
  under Telegram's ~30 a second; safety first, then conversation, then announcements.
- `SendLimiter`: PTB's rate limiter slot: each Bot API call that makes or edits a message
  takes a slot at the priority of the code sending it (`PRIORITY`); a 429 pauses the budget
  for everyone and the call waits and is tried again (announcements give the row back).
- The outbox: `deliver_row` sends a durable row (checked against quick exit's hold first) and
  deletes it; `OutboxSweeper` sends rows whose process died before it could (start-up, then
  every few seconds), each under a lease so two replicas never both take it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from datetime import timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from telegram import InlineKeyboardMarkup, MessageEntity, ReplyParameters
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter

from ...core import delivery as outbox
from ...core.safety import hold as hold_service

logger = logging.getLogger(__name__)

SAFETY, CONVERSATION, ANNOUNCEMENT = 0, 1, 2
# How far ahead of now the schedule may be for a claim to be granted (None: always).
HORIZONS: dict[int, float | None] = {SAFETY: None, CONVERSATION: 0.5, ANNOUNCEMENT: 0.0}
# However busy conversation is, announcements still get this many messages a second.
ANNOUNCEMENT_FLOOR = 2.0
PRIORITY: ContextVar[int] = ContextVar("send_priority", default=CONVERSATION)
LEASE = timedelta(seconds=15)
# Bot API methods that make or change a message: they count against Telegram's limit.
BUDGETED = ("send", "edit", "copy", "forward")


class Outcome(StrEnum):
    """What became of a message to a person."""

    SENT = "sent"
    HELD = "held"  # they used quick exit: kept for them (or dropped) until they write again
    BLOCKED = "blocked"  # they blocked the bot
    FAILED = "failed"  # Telegram refused it for another reason (logged)


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


def process_name() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


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


# The outbox ---------------------------------------------------------------------------------

AfterSent = Callable[[Any, Outcome, "int | None", dict[str, Any]], Awaitable[None]]


async def send_row(bot: Any, row: outbox.Due) -> int | None:
    """Make the Bot API call a row describes; the id of the message it made or replaced."""
    markup = InlineKeyboardMarkup.de_json(row.markup, bot) if row.markup else None
    if row.edit_of is not None:
        try:
            await bot.edit_message_text(
                row.text, chat_id=row.chat_id, message_id=row.edit_of, reply_markup=markup
            )
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():
                raise
        return row.edit_of
    where: dict[str, Any] = {}
    if row.thread_id is not None:
        where["message_thread_id"] = row.thread_id
    elif row.reply_to is not None:
        where["reply_parameters"] = ReplyParameters(row.reply_to, allow_sending_without_reply=True)
    entities = [MessageEntity.de_json(e, bot) for e in row.entities] if row.entities else None
    message = await bot.send_message(
        row.chat_id, row.text, reply_markup=markup, entities=entities, **where
    )
    return message.message_id


async def deliver_row(deps: Any, bot: Any, row: outbox.Due, owner: str) -> Outcome | None:
    """Send one leased outbox row (unless quick exit holds its person) and delete it; run
    its follow-up. None when it could not be sent now: a sweeper tries again shortly."""
    if row.chat_id > 0 and await _held(deps, row):
        outcome, message_id = Outcome.HELD, None
    else:
        try:
            with priority(row.priority):
                message_id = await send_row(bot, row)
            outcome = Outcome.SENT
        except Forbidden:
            logger.info("a person has blocked the bot; message not delivered")
            outcome, message_id = Outcome.BLOCKED, None
        except (RetryAfter, NetworkError) as exc:
            logger.warning("outbox message not sent yet (%s); trying again", type(exc).__name__)
            async with deps.db.session() as session:
                await outbox.retry_later(
                    session, message_id=row.id, owner=owner, at=deps.clock() + timedelta(seconds=2)
                )
            return None
        except TelegramError as exc:
            logger.warning("outbox message refused: %s", type(exc).__name__)
            outcome, message_id = Outcome.FAILED, None
        async with deps.db.session() as session:
            await outbox.finish(session, message_id=row.id)
    await _after(deps, row, outcome, message_id)
    return outcome


async def _held(deps: Any, row: outbox.Due) -> bool:
    """Quick exit holds the row's person: keep it for them or drop it, and the row is done
    (one transaction: a crash cannot keep it twice)."""
    async with deps.db.session() as session:
        if row.keep:
            held = await hold_service.keep_if_held(
                session, user_id=row.chat_id, text=row.text, markup=row.markup, now=deps.clock()
            )
        else:
            held = await hold_service.is_held(session, row.chat_id)
        if held:
            await outbox.finish(session, message_id=row.id)
    if held:
        logger.info(
            "a message for a person after quick exit: %s", "kept" if row.keep else "dropped"
        )
    return held


async def _after(deps: Any, row: outbox.Due, outcome: Outcome, message_id: int | None) -> None:
    if not row.after:
        return
    handler: AfterSent | None = deps.after_send.get(row.after.get("name"))
    if handler is None:
        logger.warning("outbox: no follow-up named %s", row.after.get("name"))
        return
    await handler(deps, outcome, message_id, row.after.get("args") or {})


class OutboxSweeper:
    """Sends the outbox rows a dead process left (or a failed send gave back), on start-up
    and every `period` seconds, in every replica; a lease keeps each row to one of them."""

    def __init__(self, deps: Any, bot: Any, *, period: float = 5.0, owner: str | None = None):
        self.deps, self.bot, self.period = deps, bot, period
        self.owner = owner or process_name()
        self._stopping = asyncio.Event()

    def stop(self) -> None:
        self._stopping.set()

    async def sweep(self) -> int:
        """Send every row that is due now; how many were taken."""
        taken = 0
        while True:
            async with self.deps.db.session() as session:
                rows = await outbox.take_due(
                    session, owner=self.owner, now=self.deps.clock(), lease=LEASE
                )
            if not rows:
                return taken
            taken += len(rows)
            for row in rows:
                await deliver_row(self.deps, self.bot, row, self.owner)

    async def run(self) -> None:
        while not self._stopping.is_set():
            try:
                taken = await self.sweep()
                if taken:
                    logger.info("outbox: %s message(s) left unsent were sent", taken)
            except (SQLAlchemyError, OSError) as exc:
                logger.warning("outbox: database error (%s); trying again shortly",
                               type(exc).__name__)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.period)
