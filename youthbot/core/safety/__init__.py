"""Quick exit's memory of message ids, and the quiet window after a danger interrupt."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from ...db.models import DangerNotice, TrackedMessage

# Telegram lets a bot delete messages of a private chat for 48 hours; older ids are useless.
DELETABLE_FOR = timedelta(hours=48)
# The same kind of danger again within this time gets a short line, not the interrupt again.
DANGER_QUIET_WINDOW = timedelta(minutes=10)
_INSERT_CHUNK = 500
# A Core insert: the ORM's bulk path costs several times more, and this runs in most turns.
_INSERT_TRACKED = insert(TrackedMessage.__table__)


async def record_messages(
    session: AsyncSession, rows: Sequence[tuple[int, int, datetime]]
) -> None:
    """Remember (chat id, message id, time) of messages quick exit may delete."""
    for start in range(0, len(rows), _INSERT_CHUNK):
        chunk = rows[start : start + _INSERT_CHUNK]
        await session.execute(
            _INSERT_TRACKED, [{"chat_id": c, "message_id": m, "at": at} for c, m, at in chunk]
        )


async def take_recent_messages(session: AsyncSession, *, chat_id: int, now: datetime) -> list[int]:
    """The ids of the chat's messages that can still be deleted; the chat's rows are forgotten."""
    since = now - DELETABLE_FOR
    ids = await session.scalars(
        select(TrackedMessage.message_id).where(
            TrackedMessage.chat_id == chat_id, TrackedMessage.at >= since
        )
    )
    found = sorted(set(ids))
    await session.execute(delete(TrackedMessage).where(TrackedMessage.chat_id == chat_id))
    return found


async def forget_old_messages(session: AsyncSession, *, now: datetime) -> int:
    """Forget message ids older than 48 hours; the number forgotten."""
    result = await session.execute(
        delete(TrackedMessage).where(TrackedMessage.at < now - DELETABLE_FOR)
    )
    return result.rowcount or 0


async def start_danger_notice(
    session: AsyncSession,
    *,
    user_id: int,
    category: str,
    now: datetime,
    window: timedelta = DANGER_QUIET_WINDOW,
) -> bool:
    """True when the whole interrupt should be shown (and it is noted); False when one for
    the same kind of danger was shown to this person less than `window` ago."""
    notice = await session.get(DangerNotice, user_id)
    if notice is not None and notice.category == category and notice.shown_at > now - window:
        return False
    if notice is None:
        session.add(DangerNotice(user_id=user_id, category=category, shown_at=now))
    else:
        notice.category, notice.shown_at = category, now
    return True


async def forget_danger_notice(session: AsyncSession, *, user_id: int) -> None:
    """After the chat is cleared, the next danger message gets the whole interrupt again."""
    await session.execute(delete(DangerNotice).where(DangerNotice.user_id == user_id))


async def forget_old_notices(
    session: AsyncSession, *, now: datetime, window: timedelta = DANGER_QUIET_WINDOW
) -> int:
    """A danger notice says something sensitive: keep it no longer than its window."""
    result = await session.execute(
        delete(DangerNotice).where(DangerNotice.shown_at < now - window)
    )
    return result.rowcount or 0


async def recent_danger_notice(
    session: AsyncSession, *, user_id: int, now: datetime, window: timedelta = DANGER_QUIET_WINDOW
) -> str | None:
    """The kind of the danger notice noted for this person less than `window` ago, if any."""
    notice = await session.get(DangerNotice, user_id)
    if notice is None or notice.shown_at <= now - window:
        return None
    return notice.category
