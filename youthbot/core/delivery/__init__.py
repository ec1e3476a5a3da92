"""The outbox of replies that must survive a crash, and the bot's one send budget.

Outbox guarantee (at least once). A message that matters (emergency numbers, a danger reply,
the alert of an urgent case, a relayed case message) is a row written in the turn's own
transaction, leased to the process running the turn. After the commit that process sends it
and deletes the row. A process killed in between leaves the row; once its lease has passed,
any process's sweeper takes it (`take_due`: a new lease, so two replicas never both send it)
and sends it. A crash after Telegram took the message but before the row was deleted sends it
twice: at least once, never lost. Quick exit wins: a person's pending rows are held or
dropped in the quick exit's own transaction (`hold_pending`), and each row is checked against
the hold again right before it is sent.

Budget. One row per budget holds the next free sending slot (seconds since the epoch). Each
message claims a slot with one atomic UPDATE … RETURNING (SQLite's writer lock, PostgreSQL's
row lock), so slots are `interval` apart whichever replica or sender claims them: the rate
is never exceeded. Priority is how far ahead a claim may reach (`horizon`): safety always
gets the next slot, conversation only while the schedule is less than a second ahead,
announcements only when it is not ahead at all — they slow down while people are talking.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ...db.dialects import insert_for
from ...db.models import HeldMessage
from ...db.models.delivery import OutboxMessage, SendBudget

TELEGRAM = "telegram"
GIVE_UP_AFTER = timedelta(days=1)
ANNOUNCEMENT_FLOOR = "announce-floor"  # announcements' own minimum share (bot/runtime/delivery)


@dataclass(frozen=True)
class Due:
    """An outbox row to send now, as plain values (it outlives its session)."""

    id: int
    user_id: int | None
    chat_id: int
    thread_id: int | None
    reply_to: int | None
    edit_of: int | None
    text: str
    markup: dict[str, Any] | None
    entities: list[Any] | None
    priority: int
    keep: bool
    after: dict[str, Any] | None


def due_of(row: OutboxMessage) -> Due:
    """A row's values (after the commit that gave it its id)."""
    return Due(
        row.id, row.user_id, row.chat_id, row.thread_id, row.reply_to, row.edit_of, row.text,
        row.markup, row.entities, row.priority, row.keep, row.after,
    )


def new_message(
    session: AsyncSession,
    *,
    chat_id: int,
    text: str,
    priority: int,
    owner: str,
    now: datetime,
    lease: timedelta,
    user_id: int | None = None,
    keep: bool = False,
    markup: dict[str, Any] | None = None,
    entities: list[Any] | None = None,
    thread_id: int | None = None,
    reply_to: int | None = None,
    edit_of: int | None = None,
    after: dict[str, Any] | None = None,
) -> OutboxMessage:
    """Add a message to send at least once, leased to `owner`, who sends it after the commit
    (`user_id`: a person we keep a row for, whose data it goes with)."""
    row = OutboxMessage(
        user_id=user_id, chat_id=chat_id, thread_id=thread_id, reply_to=reply_to,
        edit_of=edit_of, text=text, markup=markup, entities=entities, priority=priority,
        keep=keep, after=after, created_at=now, lease_owner=owner, lease_until=now + lease,
        attempts=0,
    )
    session.add(row)
    return row


async def take_due(
    session: AsyncSession, *, owner: str, now: datetime, lease: timedelta, limit: int = 20
) -> list[Due]:
    """Rows whose lease has passed (their process died, or gave up for now), leased to
    `owner`, most urgent first. Rows locked by another replica's sweep are skipped. A row
    Telegram has not taken for `GIVE_UP_AFTER` is dropped (it holds a person's words)."""
    await session.execute(
        delete(OutboxMessage).where(OutboxMessage.created_at < now - GIVE_UP_AFTER)
    )
    rows = (
        await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.lease_until < now)
            .order_by(OutboxMessage.priority, OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ).all()
    for row in rows:
        row.lease_owner, row.lease_until = owner, now + lease
        row.attempts += 1
    return [due_of(row) for row in rows]


async def finish(session: AsyncSession, *, message_id: int) -> None:
    """Telegram took the message (or the hold kept or dropped it): it is done."""
    await session.execute(delete(OutboxMessage).where(OutboxMessage.id == message_id))


async def retry_later(
    session: AsyncSession, *, message_id: int, owner: str, at: datetime
) -> None:
    """Not sent this time (Telegram or the network away): any sweeper may take it at `at`."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.lease_owner == owner)
        .values(lease_until=at)
    )


async def hold_pending(session: AsyncSession, *, user_id: int, now: datetime) -> int:
    """Quick exit: the person's pending messages to their own chat never reach it. Those kept
    for them (a moderator's reply) wait with the other held messages; the rest are dropped."""
    rows = (
        await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.chat_id == user_id)
            .order_by(OutboxMessage.id)
            .with_for_update()
        )
    ).all()
    for row in rows:
        if row.keep:
            session.add(HeldMessage(user_id=user_id, text=row.text, markup=row.markup,
                                    held_at=now))
    if rows:
        await session.execute(
            delete(OutboxMessage).where(OutboxMessage.id.in_([row.id for row in rows]))
        )
    return len(rows)


async def pending_for(session: AsyncSession, chat_ids: Sequence[int]) -> list[Due]:
    """What waits to be sent to these chats (tests and the crash benchmark read it)."""
    rows = await session.scalars(
        select(OutboxMessage).where(OutboxMessage.chat_id.in_(chat_ids)).order_by(OutboxMessage.id)
    )
    return [due_of(row) for row in rows]


# The budget --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """A claim's answer: the first slot granted, or None and how far the schedule reaches."""

    first: float | None
    next_slot: float


async def claim_slots(
    session: AsyncSession,
    *,
    now: float,
    interval: float,
    count: int = 1,
    horizon: float | None = None,
    name: str = TELEGRAM,
) -> Claim:
    """Claim `count` consecutive sending slots, `interval` apart, unless the schedule is more
    than `horizon` seconds ahead of `now`. One round trip when granted."""
    start = case((SendBudget.next_slot > now, SendBudget.next_slot), else_=now)
    query = update(SendBudget).where(SendBudget.name == name)
    if horizon is not None:
        query = query.where(SendBudget.next_slot <= now + horizon)
    query = query.values(next_slot=start + interval * count).returning(SendBudget.next_slot)
    claimed = await session.scalar(query)
    if claimed is not None:
        return Claim(claimed - interval * count, claimed)
    ahead = await session.scalar(select(SendBudget.next_slot).where(SendBudget.name == name))
    if ahead is not None:
        return Claim(None, ahead)
    await session.execute(  # the budget's first use: its row, then the claim as usual
        insert_for(session, SendBudget)
        .values(name=name, next_slot=now)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    return await claim_slots(
        session, now=now, interval=interval, count=count, horizon=horizon, name=name
    )


async def pause_budget(session: AsyncSession, *, until: float, name: str = TELEGRAM) -> None:
    """Telegram said 429: no slot before `until`, for every sender of every replica."""
    await session.execute(
        update(SendBudget)
        .where(SendBudget.name == name, SendBudget.next_slot < until)
        .values(next_slot=until)
    )
