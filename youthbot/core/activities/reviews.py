"""Moderators review pending activities: how many wait, the next one, approve or send back.

Plain async services on a session; the caller's transaction commits. Every review is audited.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ...db.models import Activity, User
from ..people import users
from . import NotPending, Status, clean_reason
from .overview import OwnActivity, take_snapshot


async def count_pending(session: AsyncSession) -> int:
    return await session.scalar(
        select(func.count()).select_from(Activity).where(Activity.status == Status.PENDING)
    )


async def next_pending(session: AsyncSession, *, after_id: int = 0) -> Activity | None:
    """The oldest pending activity after `after_id`, wrapping round to the first."""
    query = select(Activity).where(Activity.status == Status.PENDING).order_by(Activity.id)
    found = await session.scalar(query.where(Activity.id > after_id).limit(1))
    return found or await session.scalar(query.limit(1))


async def pending(session: AsyncSession, *, activity_id: int) -> Activity:
    """The activity, while it still waits for review (NotPending otherwise)."""
    activity = await session.get(Activity, activity_id)
    if activity is None or activity.status != Status.PENDING:
        raise NotPending(activity_id)
    return activity


async def review(
    session: AsyncSession,
    *,
    activity_id: int,
    moderator_id: int,
    approve: bool,
    reason: str | None,
    now: datetime,
) -> tuple[Activity, str | None]:
    """Approve or send back a pending activity; returns it and the leader's language.
    Nobody approves their own activity (OwnActivity); the fields are remembered, so the next
    review shows what changed."""
    note = None if approve else clean_reason(reason or "")
    activity = await session.get(Activity, activity_id, with_for_update=True)
    if activity is None or activity.status != Status.PENDING:
        raise NotPending(activity_id)
    if approve and activity.leader_id == moderator_id:
        raise OwnActivity(activity_id)
    await take_snapshot(session, activity, now=now)
    activity.status = Status.APPROVED if approve else Status.RETURNED
    activity.review_note = note
    activity.reviewed_by, activity.reviewed_at = moderator_id, now
    users.audit(
        session,
        actor_id=moderator_id,
        action="activity.approve" if approve else "activity.return",
        target=f"activity:{activity_id}",
    )
    leader = await session.get(User, activity.leader_id) if activity.leader_id else None
    return activity, (leader.language if leader and not leader.blocked else None)
