"""Quick exit holds the conversation: after it, nothing is sent to the person until they
write again.

Quick exit sets `users.held_since`. Whatever the team or the bot then has for the person
(a moderator's reply, the closing of their case and its "did it help?", an activity's news)
is kept here instead of being sent; announcements and reminders are dropped. The person's
next message, command or button lifts the hold (`release`), and the waiting messages are
shown only when they ask (`take_held`). Held messages are the person's data: they go with
it (the registry's DELETE, and ON DELETE CASCADE).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ...db.models import HeldMessage, User


def hold(user: User, *, now: datetime) -> None:
    """Quick exit: from now on nothing is sent to this person until they write again."""
    user.held_since = now


async def release(session: AsyncSession, user: User) -> int:
    """The person wrote again: the hold ends; how many messages wait for them."""
    user.held_since = None
    count = await session.scalar(
        select(func.count()).select_from(HeldMessage).where(HeldMessage.user_id == user.id)
    )
    return count or 0


async def keep_if_held(
    session: AsyncSession,
    *,
    user_id: int,
    text: str,
    markup: dict[str, Any] | None,
    now: datetime,
) -> bool:
    """Keep the message for later when the person is held (True); False: send it now.

    The person's row is locked (PostgreSQL) so their returning turn, which lifts the hold and
    counts what waits, runs either before this or after it, never in between."""
    held = await session.scalar(
        select(User.held_since).where(User.id == user_id).with_for_update()
    )
    if held is None:
        return False
    session.add(HeldMessage(user_id=user_id, text=text, markup=markup, held_at=now))
    return True


async def is_held(session: AsyncSession, user_id: int) -> bool:
    """Whether this person used quick exit and has not written since."""
    held = await session.scalar(select(User.held_since).where(User.id == user_id))
    return held is not None


async def held_among(session: AsyncSession, user_ids: Iterable[int]) -> set[int]:
    """Which of these people are held (for messages that are dropped, like reminders)."""
    ids = list(set(user_ids))
    if not ids:
        return set()
    rows = await session.scalars(
        select(User.id).where(User.id.in_(ids), User.held_since.is_not(None))
    )
    return set(rows)


async def take_held(session: AsyncSession, *, user_id: int) -> list[HeldMessage]:
    """The messages that waited for the person, oldest first; they are forgotten here."""
    rows = list(
        await session.scalars(
            select(HeldMessage).where(HeldMessage.user_id == user_id).order_by(HeldMessage.id)
        )
    )
    if rows:
        await session.execute(delete(HeldMessage).where(HeldMessage.user_id == user_id))
    return rows


async def forget_old_held(session: AsyncSession, *, now: datetime, days: int) -> int:
    """Held messages kept no longer than the case texts they come from (CASE_RETENTION_DAYS),
    for someone who never comes back; the number forgotten."""
    result = await session.execute(
        delete(HeldMessage).where(HeldMessage.held_at < now - timedelta(days=days))
    )
    return result.rowcount or 0
