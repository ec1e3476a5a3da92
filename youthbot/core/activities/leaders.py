"""What leaders do with their own activities: a draft, changes, review, the list, cancelling.

Plain async services on a session; the caller's transaction commits. A draft is an
`activities` row with status "draft", one per leader. Ownership and state are re-checked on
every call: button data is never trusted.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ...db.models import Activity, ActivityJoin, User
from ..errors import NotAllowed, NotFound
from . import EDITABLE, ActivityNotEditable, Incomplete, NotADraft, Status, Step, next_step


async def find_draft(session: AsyncSession, *, leader_id: int) -> Activity | None:
    return await session.scalar(
        select(Activity)
        .where(Activity.leader_id == leader_id, Activity.status == Status.DRAFT)
        .order_by(Activity.id.desc())
        .limit(1)
    )


async def start_draft(
    session: AsyncSession, *, leader_id: int, country: str | None, now: datetime
) -> Activity:
    """A new, empty draft for `leader_id` (after any older draft was discarded)."""
    draft = Activity(
        leader_id=leader_id,
        status=Status.DRAFT,
        draft_step=Step.TITLE,
        country=country,
        online=False,
        created_at=now,
        updated_at=now,
    )
    session.add(draft)
    await session.flush()
    return draft


async def get_own(
    session: AsyncSession,
    *,
    activity_id: int,
    leader_id: int,
    editable_at: datetime | None = None,
) -> Activity:
    """The leader's own activity; NotFound, NotAllowed (another's), or ActivityNotEditable
    when `editable_at` is given and it is cancelled or already started."""
    activity = await session.get(Activity, activity_id, with_for_update=True)
    if activity is None:
        raise NotFound(activity_id)
    if activity.leader_id != leader_id:
        raise NotAllowed(activity_id)
    if editable_at is not None and not is_editable(activity, editable_at):
        raise ActivityNotEditable(activity_id)
    return activity


def is_editable(activity: Activity, now: datetime) -> bool:
    if activity.status not in EDITABLE:
        return False
    return activity.status == Status.DRAFT or activity.starts_at is None or (
        activity.starts_at > now
    )


def changed(activity: Activity, *, now: datetime, seen: bool = True) -> bool:
    """Record an edit; an approved activity goes back to review, unless the change is one
    young people never see (`seen` False: the expected number). True when it went back."""
    activity.updated_at = now
    if activity.status == Status.APPROVED and seen:
        activity.status = Status.PENDING
        activity.submitted_at = now
        return True
    return False


def set_place(
    activity: Activity, *, country: str, region: str | None, online: bool
) -> None:
    if activity.online != online:  # a meeting point is no link, and the other way round
        activity.venue = activity.online_link = None
    activity.country, activity.region, activity.online = country, region, online
    activity.district = None


async def submit(session: AsyncSession, activity: Activity, *, now: datetime) -> None:
    """Send a draft (or a sent-back activity) for review; Incomplete names what is missing."""
    missing = next_step(activity)
    if missing is not Step.SUMMARY:
        raise Incomplete(missing)
    if activity.starts_at <= now:
        raise Incomplete(Step.WHEN)
    if activity.ends_at <= activity.starts_at:
        raise Incomplete(Step.END)
    if activity.status not in (Status.DRAFT, Status.RETURNED):
        raise ActivityNotEditable(activity.id)
    activity.status = Status.PENDING
    activity.draft_step = None
    activity.submitted_at = activity.updated_at = now


async def discard(session: AsyncSession, activity: Activity) -> None:
    """Throw a leader's draft away (NotADraft once it was sent for review)."""
    if activity.status != Status.DRAFT:
        raise NotADraft(activity.id)
    await session.delete(activity)


async def last_group(session: AsyncSession, *, leader_id: int) -> str | None:
    """The organising group of the leader's latest activity, to offer it again."""
    return await session.scalar(
        select(Activity.group_name)
        .where(Activity.leader_id == leader_id, Activity.group_name.is_not(None))
        .order_by(Activity.updated_at.desc(), Activity.id.desc())
        .limit(1)
    )


async def list_own(session: AsyncSession, *, leader_id: int, limit: int = 20) -> list[Activity]:
    """The leader's activities (not the draft), the latest first."""
    rows = await session.scalars(
        select(Activity)
        .where(Activity.leader_id == leader_id, Activity.status != Status.DRAFT)
        .order_by(Activity.starts_at.desc(), Activity.id.desc())
        .limit(limit)
    )
    return list(rows)


async def count_joined(session: AsyncSession, *, activity_id: int) -> int:
    return await session.scalar(
        select(func.count()).select_from(ActivityJoin).where(
            ActivityJoin.activity_id == activity_id
        )
    )


async def cancel(
    session: AsyncSession, activity: Activity, *, now: datetime
) -> list[tuple[int, str]]:
    """Cancel an activity; returns (user id, language) of everyone who joined, to tell them."""
    if not is_editable(activity, now) or activity.status == Status.DRAFT:
        raise ActivityNotEditable(activity.id)
    activity.status = Status.CANCELLED
    activity.updated_at = now
    rows = await session.execute(
        select(User.id, User.language)
        .join(ActivityJoin, ActivityJoin.user_id == User.id)
        .where(ActivityJoin.activity_id == activity.id, User.blocked.is_(False))
    )
    return [(row.id, row.language) for row in rows]
