"""Young people find, join and leave approved upcoming activities; reminders are claimed here.

Joining keeps only which activity a person joined and whether their reminder went out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ...db.models import Activity, ActivityJoin, User
from ..errors import NotAllowed, NotFound
from ..people import users
from . import Status

REMINDER_BEFORE = timedelta(hours=24)
SOON_BEFORE = timedelta(hours=1)
# An online activity's link is shown from an hour before the start until its end.
LINK_FROM = SOON_BEFORE


@dataclass(frozen=True)
class Area:
    """A place with upcoming activities: a region of a country, or online (region None)."""

    country: str | None
    region: str | None
    count: int


def _upcoming(now: datetime):
    return (Activity.status == Status.APPROVED, Activity.starts_at > now)


def _open(now: datetime):
    """Approved and not over yet (an activity under way can still be seen and joined)."""
    return (
        Activity.status == Status.APPROVED,
        func.coalesce(Activity.ends_at, Activity.starts_at) > now,
    )


def end_of(activity: Activity) -> datetime:
    return activity.ends_at or activity.starts_at


def link_is_open(activity: Activity, now: datetime) -> bool:
    """Whether an online activity's link may be shown now: from an hour before, to its end."""
    return bool(activity.online and activity.online_link) and (
        activity.starts_at - LINK_FROM <= now < end_of(activity)
    )


async def browse_areas(session: AsyncSession, *, now: datetime) -> list[Area]:
    """Where approved upcoming activities are, with how many in each."""
    rows = await session.execute(
        select(Activity.online, Activity.country, Activity.region, func.count())
        .where(*_upcoming(now))
        .group_by(Activity.online, Activity.country, Activity.region)
    )
    areas: dict[tuple[str | None, str | None], int] = {}
    for online, country, region, count in rows:
        key = (None, None) if online else (country, region)
        areas[key] = areas.get(key, 0) + count
    return [Area(country, region, count) for (country, region), count in areas.items()]


async def list_upcoming(
    session: AsyncSession,
    *,
    now: datetime,
    country: str | None,
    region: str | None,
    offset: int = 0,
    limit: int = 8,
) -> list[Activity]:
    """Approved upcoming activities in a region (or online when `region` is None), soonest
    first; one more than `limit` tells the caller there is a next page."""
    query = select(Activity).where(*_upcoming(now))
    if region is None:
        query = query.where(Activity.online.is_(True))
    else:
        query = query.where(Activity.country == country, Activity.region == region)
    rows = await session.scalars(
        query.order_by(Activity.starts_at, Activity.id).offset(offset).limit(limit + 1)
    )
    return list(rows)


async def get_upcoming(session: AsyncSession, *, activity_id: int, now: datetime) -> Activity:
    """An approved activity that is not over (NotFound otherwise)."""
    activity = await session.get(Activity, activity_id)
    if activity is None or activity.status != Status.APPROVED or end_of(activity) <= now:
        raise NotFound(activity_id)
    return activity


async def is_joined(session: AsyncSession, *, activity_id: int, user_id: int) -> bool:
    return await session.get(ActivityJoin, (activity_id, user_id)) is not None


async def join(session: AsyncSession, *, activity_id: int, user: User, now: datetime) -> bool:
    """Join an approved activity that is not over; True when newly joined (again: nothing
    changes, False). Anonymous: NotAllowed."""
    if users.is_anonymous(user):
        raise NotAllowed(activity_id)
    activity = await get_upcoming(session, activity_id=activity_id, now=now)
    if await is_joined(session, activity_id=activity_id, user_id=user.id):
        return False
    # Joining late: a reminder that is already due would only repeat what they see now.
    left = activity.starts_at - now
    session.add(
        ActivityJoin(
            activity_id=activity_id, user_id=user.id, joined_at=now,
            reminded_at=now if left <= REMINDER_BEFORE else None,
            soon_reminded_at=now if left <= SOON_BEFORE else None,
        )
    )
    return True


async def leave(session: AsyncSession, *, activity_id: int, user_id: int) -> bool:
    result = await session.execute(
        delete(ActivityJoin).where(
            ActivityJoin.activity_id == activity_id, ActivityJoin.user_id == user_id
        )
    )
    return result.rowcount > 0


async def list_joined(session: AsyncSession, *, user_id: int, now: datetime) -> list[Activity]:
    rows = await session.scalars(
        select(Activity)
        .join(ActivityJoin, ActivityJoin.activity_id == Activity.id)
        .where(ActivityJoin.user_id == user_id, *_open(now))
        .order_by(Activity.starts_at)
        .limit(30)
    )
    return list(rows)


# Reminders -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reminder:
    """One message due: to whom, in which language, about which activity."""

    user_id: int
    language: str
    activity: Activity
    soon: bool = False  # the one an hour before (with the link of an online activity)


async def claim_join_reminders(session: AsyncSession, *, now: datetime) -> list[Reminder]:
    """Mark as sent, and return, the reminders due to people who joined: the day before, and
    an hour before. Each is claimed with one UPDATE, so two replicas (or a restart) never send
    one twice; within the hour only the second goes out (the day-before one is marked, not
    sent). People who turned reminders off are marked but not returned."""
    within_hour = select(Activity.id).where(
        *_upcoming(now), Activity.starts_at <= now + SOON_BEFORE
    )
    within_day = select(Activity.id).where(
        *_upcoming(now), Activity.starts_at <= now + REMINDER_BEFORE
    )
    soon = await _claim(session, ActivityJoin.soon_reminded_at, within_hour, now)
    await session.execute(  # too late for the day-before reminder: the hour one says it all
        update(ActivityJoin)
        .where(ActivityJoin.reminded_at.is_(None), ActivityJoin.activity_id.in_(within_hour))
        .values(reminded_at=now)
        .execution_options(synchronize_session=False)
    )
    day = await _claim(session, ActivityJoin.reminded_at, within_day, now)
    return [
        *await load_reminders(session, day),
        *await load_reminders(session, soon, soon=True),
    ]


async def _claim(session: AsyncSession, column, activities, now: datetime) -> list:
    claimed = await session.execute(
        update(ActivityJoin)
        .where(column.is_(None), ActivityJoin.activity_id.in_(activities))
        .values({column.key: now})
        .returning(ActivityJoin.activity_id, ActivityJoin.user_id)
        .execution_options(synchronize_session=False)
    )
    return [(a, u) for a, u in claimed.all()]


async def load_reminders(
    session: AsyncSession, pairs: list[tuple[int, int]], *, soon: bool = False
) -> list[Reminder]:
    """Reminders for (activity id, user id) pairs, leaving out people who turned them off."""
    if not pairs:
        return []
    people = {
        row.id: row.language
        for row in await session.execute(
            select(User.id, User.language).where(
                User.id.in_({u for _a, u in pairs}),
                User.notify_reminders.is_(True),
                User.blocked.is_(False),
            )
        )
    }
    activities = {
        a.id: a
        for a in await session.scalars(
            select(Activity).where(Activity.id.in_({a for a, _u in pairs}))
        )
    }
    return [
        Reminder(user_id, people[user_id], activities[activity_id], soon)
        for activity_id, user_id in sorted(pairs)
        if user_id in people
    ]
