"""Open cases nobody writes to any more: closed by retention, then purged like closed ones.

A case is stale when neither the person nor the team wrote (nor anything happened) for
`days`: it is closed as `expired` at the time of its last message, so the same retention run
deletes its texts and staff-chat copies and unlinks the person, as for any case closed that
long ago. It cannot be reopened.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ...db.models import Case, CaseMessage, OpenCase
from . import ACTIVE, CaseStatus

EXPIRED = "expired"


async def close_stale_cases(session: AsyncSession, *, now: datetime, days: int) -> list[str]:
    """Close active cases silent for `days`; their numbers."""
    cutoff = now - timedelta(days=days)
    last = (
        select(CaseMessage.case_id, func.max(CaseMessage.at).label("at"))
        .group_by(CaseMessage.case_id)
        .subquery()
    )
    rows = (
        await session.execute(
            select(Case.id, Case.number, Case.opened_at, last.c.at)
            .outerjoin(last, last.c.case_id == Case.id)
            .where(Case.status.in_(ACTIVE))
            .where(func.coalesce(last.c.at, Case.opened_at) < cutoff)
        )
    ).all()
    for row in rows:
        silent_since = max(row.opened_at, row.at) if row.at is not None else row.opened_at
        await session.execute(
            update(Case)
            .where(Case.id == row.id)
            .values(
                status=CaseStatus.CLOSED,
                outcome=EXPIRED,
                closed_at=silent_since,
                reopen_until=None,
                next_alert_at=None,
            )
        )
    if rows:
        await session.execute(delete(OpenCase).where(OpenCase.case_id.in_([r.id for r in rows])))
    return [row.number for row in rows]
