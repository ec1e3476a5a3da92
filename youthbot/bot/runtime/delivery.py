"""Replies that must survive a crash: sending outbox rows, the sweeper, and detached replies.

- `deliver_row` sends a durable row (checked against quick exit's hold first) and deletes it;
  `OutboxSweeper` sends rows whose process died before it could (start-up, then every few
  seconds), each under a lease so two replicas never both take it (core/delivery).
- `SendQueue`: in production a turn's other replies wait for the send budget (budget.py)
  after their update is done, each chat's in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable
from datetime import timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from telegram import InlineKeyboardMarkup, MessageEntity, ReplyParameters
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from ...core import delivery as outbox
from ...core.safety import hold as hold_service
from .budget import priority

logger = logging.getLogger(__name__)

LEASE = timedelta(seconds=15)


class Outcome(StrEnum):
    """What became of a message to a person."""

    SENT = "sent"
    HELD = "held"  # they used quick exit: kept for them (or dropped) until they write again
    BLOCKED = "blocked"  # they blocked the bot
    FAILED = "failed"  # Telegram refused it for another reason (logged)


def process_name() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


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


class SendQueue:
    """Replies sent after their update was answered: each chat's in the order of its turns,
    different chats' side by side. The processor's slot is free while they wait for the send
    budget, so a safety reply never waits behind other people's replies for a slot."""

    def __init__(self) -> None:
        self._tails: dict[int, asyncio.Task] = {}

    def after(self, chat_id: int, send: Callable[[], Awaitable[None]]) -> None:
        previous = self._tails.get(chat_id)

        async def run() -> None:
            if previous is not None:
                await asyncio.wait([previous])
            try:
                await send()
            except Exception:  # noqa: BLE001 - detached: nobody else would see it
                logger.exception("replies of a turn failed after its commit")

        task = asyncio.create_task(run())
        self._tails[chat_id] = task
        task.add_done_callback(lambda done: self._forget(chat_id, done))

    def _forget(self, chat_id: int, task: asyncio.Task) -> None:
        if self._tails.get(chat_id) is task:
            del self._tails[chat_id]

    async def drain(self) -> None:
        """Wait for every queued reply (at shutdown)."""
        while self._tails:
            await asyncio.wait(list(self._tails.values()))
