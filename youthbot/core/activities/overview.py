"""Coordinators' overview of every activity: filters, the ones awaiting a report, a report's
full text, unpublishing with a reason, and what changed since an activity's last review.

Plain async services on a session; the caller's transaction commits. Unpublishing is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ...db.models import Activity, ActivityReport, ActivityReviewSnapshot, User
from ..errors import DomainError
from ..people import users
from . import Status, clean_reason

PAGE = 8
# What a review looks at; the fields the activities work adds (group, venue, end, link,
# description) are compared too when the model has them.
SNAPSHOT_FIELDS = (
    "title", "kind", "pathway", "starts_at", "country", "region", "district", "online",
    "expected", "group_name", "venue", "description", "ends_at", "online_link",
)  # fmt: skip
# Statuses a coordinator filters by: the stored ones, and "reported" (approved, report in).
UNPUBLISHED = Status.UNPUBLISHED
REPORTED = "reported"
AWAITING = "awaiting"  # approved, already started, no report yet
FILTER_STATUSES = (
    Status.PENDING, Status.APPROVED, AWAITING, REPORTED, Status.RETURNED, Status.CANCELLED,
    UNPUBLISHED,
)  # fmt: skip


class NotPublished(DomainError):
    """Only an approved activity that has no report yet can be unpublished."""


class OwnActivity(DomainError):
    """The reviewer registered this activity: another admin or moderator must approve it."""


def group_of(activity: Activity) -> str | None:
    """The group or organisation that runs the activity (the field arrives with the
    activities' group work; None until then or when not given)."""
    return getattr(activity, "group_name", None)


def _group_column():
    return getattr(Activity, "group_name", None)


def snapshot(activity: Activity) -> dict[str, str | None]:
    """The reviewed fields as plain strings (dates in ISO form), for the JSON snapshot."""
    fields: dict[str, str | None] = {}
    for name in SNAPSHOT_FIELDS:
        if not hasattr(activity, name):
            continue
        value = getattr(activity, name)
        if isinstance(value, datetime):
            value = value.astimezone(UTC).isoformat()
        fields[name] = None if value is None else str(value)
    return fields


async def take_snapshot(session: AsyncSession, activity: Activity, *, now: datetime) -> None:
    """Remember what the activity said at this review (one row per activity, the latest)."""
    row = await session.get(ActivityReviewSnapshot, activity.id)
    if row is None:
        fields = snapshot(activity)
        session.add(ActivityReviewSnapshot(activity_id=activity.id, fields=fields, taken_at=now))
    else:
        row.fields, row.taken_at = snapshot(activity), now


async def changes_since_review(session: AsyncSession, activity: Activity) -> list[str] | None:
    """The names of the fields changed since the last review, in SNAPSHOT_FIELDS order;
    None when the activity was never reviewed."""
    row = await session.get(ActivityReviewSnapshot, activity.id)
    if row is None:
        return None
    now = snapshot(activity)
    return [name for name in now if name in row.fields and row.fields[name] != now[name]]


@dataclass(frozen=True)
class Filters:
    """What the coordinator picked; None: any."""

    status: str | None = None
    region: str | None = None  # a region id, or "online"
    month: str | None = None  # "YYYY-MM" in the programme's time zone
    group: str | None = None


def _month_bounds(month: str, timezone: str) -> tuple[datetime, datetime]:
    year, number = (int(part) for part in month.split("-"))
    zone = ZoneInfo(timezone)
    start = datetime(year, number, 1, tzinfo=zone)
    end = datetime(year + (number == 12), number % 12 + 1, 1, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def _reported():
    return select(ActivityReport.activity_id).where(ActivityReport.submitted_at.is_not(None))


def _status_clause(status: str, now: datetime):
    if status == REPORTED:
        return and_(Activity.status == Status.APPROVED, Activity.id.in_(_reported()))
    if status == AWAITING:
        return and_(
            Activity.status == Status.APPROVED,
            Activity.starts_at <= now,
            Activity.id.not_in(_reported()),
        )
    if status == Status.APPROVED:
        return and_(Activity.status == Status.APPROVED, Activity.id.not_in(_reported()))
    return Activity.status == status


async def list_activities(
    session: AsyncSession,
    *,
    filters: Filters,
    now: datetime,
    timezone: str,
    offset: int = 0,
    limit: int = PAGE,
) -> tuple[list[Activity], int]:
    """Every activity but drafts, newest start first, filtered; and how many match."""
    query = select(Activity).where(Activity.status != Status.DRAFT)
    if filters.status:
        query = query.where(_status_clause(filters.status, now))
    if filters.region == "online":
        query = query.where(Activity.online.is_(True))
    elif filters.region:
        query = query.where(Activity.region == filters.region)
    if filters.month:
        start, end = _month_bounds(filters.month, timezone)
        query = query.where(Activity.starts_at >= start, Activity.starts_at < end)
    group = _group_column()
    if filters.group and group is not None:
        query = query.where(func.lower(group) == filters.group.lower())
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.scalars(
        query.order_by(Activity.starts_at.desc(), Activity.id.desc()).offset(offset).limit(limit)
    )
    return list(rows), total or 0


async def filter_values(session: AsyncSession) -> tuple[list[str], list[str], list[str]]:
    """The regions (with "online"), months and groups that occur, for the filter buttons."""
    visible = Activity.status != Status.DRAFT
    regions = sorted(
        r for r in await session.scalars(select(Activity.region).where(visible).distinct()) if r
    )
    if await session.scalar(select(func.count()).where(visible, Activity.online.is_(True))):
        regions.append("online")
    starts = await session.scalars(
        select(Activity.starts_at).where(visible, Activity.starts_at.is_not(None))
    )
    months = sorted({at.strftime("%Y-%m") for at in starts}, reverse=True)
    group = _group_column()
    groups = []
    if group is not None:
        groups = sorted(g for g in await session.scalars(select(group).where(visible).distinct())
                        if g)  # fmt: skip
    return regions, months, groups


async def overview_status(session: AsyncSession, activity: Activity) -> str:
    """The status a coordinator reads: "reported" once an approved activity's report is in."""
    if activity.status == Status.APPROVED:
        report = await session.get(ActivityReport, activity.id)
        if report is not None and report.submitted_at is not None:
            return REPORTED
    return activity.status


async def get_activity(session: AsyncSession, *, activity_id: int) -> Activity | None:
    activity = await session.get(Activity, activity_id)
    return None if activity is None or activity.status == Status.DRAFT else activity


async def submitted_report(session: AsyncSession, *, activity_id: int) -> ActivityReport | None:
    report = await session.get(ActivityReport, activity_id)
    return report if report is not None and report.submitted_at is not None else None


async def leader_handle(session: AsyncSession, activity: Activity) -> str | None:
    if activity.leader_id is None:
        return None
    return (await users.handles_of(session, [activity.leader_id])).get(activity.leader_id)


async def unpublish(
    session: AsyncSession, *, activity_id: int, admin_id: int, reason: str, now: datetime
) -> tuple[Activity, str | None]:
    """Take an approved (unreported) activity out of browsing, with a reason the leader reads;
    returns it and the leader's language (None: nobody to tell)."""
    note = clean_reason(reason)
    activity = await session.get(Activity, activity_id, with_for_update=True)
    if activity is None or activity.status != Status.APPROVED:
        raise NotPublished(activity_id)
    if await submitted_report(session, activity_id=activity_id) is not None:
        raise NotPublished(activity_id)
    activity.status = UNPUBLISHED
    activity.review_note = note
    activity.reviewed_by, activity.reviewed_at = admin_id, now
    activity.updated_at = now
    users.audit(
        session, actor_id=admin_id, action="activity.unpublish", target=f"activity:{activity_id}"
    )
    leader = await session.get(User, activity.leader_id) if activity.leader_id else None
    return activity, (leader.language if leader and not leader.blocked else None)

