"""Forgetting people: "delete my data" and the retention schedule.

Both are driven by the registry in db/models/base.py: every column holding a person's id says
what happens to its rows when that person is forgotten (`delete` the row, or `null` the
column and keep the row as programme figures). A new table is covered as soon as its columns
are marked, and a test fails on any person-like column left unmarked.

Two features need more than the registry: an open help case is closed as withdrawn, the
messages of the person's cases are deleted, and the case rows stay (without the person) as
figures, their staff-group copies returned so the caller can delete them in Telegram; cases a
forgotten moderator held go back to the team; and a leader's draft activity or unsent report
is deleted (once sent, it is programme data).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Column, Table, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ...db.models import (
    Activity,
    ActivityReport,
    AuditEntry,
    Base,
    Case,
    CaseMessage,
    CaseStaffPost,
    User,
)
from ...db.models.base import DELETE, NULLIFY, PERSON
from .. import safety
from ..activities import Status
from ..cases import ACTIVE, CaseStatus
from ..cases.actions import release_claims
from ..cases.retention import close_stale_cases
from ..people.roles import Role

INACTIVE_AFTER = timedelta(days=365)
_CHUNK = 500


@dataclass(frozen=True)
class PersonColumn:
    """A column that holds a person's Telegram id, and its deletion policy."""

    table: Table
    column: Column
    policy: str


def person_columns(tables: Iterable[Table] | None = None) -> list[PersonColumn]:
    """Every marked person column, children's tables before their parents'."""
    tables = list(tables) if tables is not None else list(reversed(Base.metadata.sorted_tables))
    return [
        PersonColumn(table, column, column.info[PERSON])
        for table in tables
        for column in table.columns
        if PERSON in column.info
    ]


@dataclass(frozen=True)
class StaffCopies:
    """Where a case's messages were copied in the staff chat, so they can be deleted there:
    its forum topic, or (without topics) the ids of its card and relayed messages."""

    number: str
    chat_id: int | None
    thread_id: int | None
    message_ids: tuple[int, ...] = ()


@dataclass
class Forgotten:
    """What forgetting people did: how many, the cases it withdrew, the staff copies to go."""

    people: int = 0
    withdrawn: list[str] = field(default_factory=list)
    staff_copies: list[StaffCopies] = field(default_factory=list)
    # Cases a forgotten moderator held, back with the team (core/case_actions.release_claims).
    released: list[Case] = field(default_factory=list)


async def forget_people(
    session: AsyncSession, *, user_ids: Iterable[int], now: datetime
) -> Forgotten:
    """Remove every row about these people; null them where the row is programme data.

    Open cases are closed as withdrawn and the messages of all their cases deleted; counts
    that hold no person (quiz figures, cases as numbers) stay.
    """
    ids = sorted(set(user_ids))
    forgotten = Forgotten(people=len(ids))
    columns = person_columns()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        await _empty_cases(session, chunk, now=now, into=forgotten)
        forgotten.released += await release_claims(session, moderator_ids=chunk, now=now)
        await _delete_drafts(session, chunk)
        await _scrub_audit_targets(session, chunk)
        for item in columns:
            if item.policy == NULLIFY:
                await session.execute(
                    update(item.table)
                    .where(item.column.in_(chunk))
                    .values({item.column.name: None})
                )
        for item in columns:
            if item.policy == DELETE:
                await session.execute(delete(item.table).where(item.column.in_(chunk)))
    return forgotten


async def _empty_cases(
    session: AsyncSession, ids: Sequence[int], *, now: datetime, into: Forgotten
) -> None:
    """Close open cases as withdrawn, delete the messages of every case of these people."""
    rows = (
        await session.execute(
            select(Case.id, Case.number, Case.status).where(Case.user_id.in_(ids))
        )
    ).all()
    if not rows:
        return
    case_ids = [row.id for row in rows]
    active = [row.id for row in rows if row.status in ACTIVE]
    if active:
        await session.execute(
            update(Case)
            .where(Case.id.in_(active))
            .values(
                status=CaseStatus.WITHDRAWN, closed_at=now, reopen_until=None, next_alert_at=None
            )
        )
    into.withdrawn += [row.number for row in rows if row.status in ACTIVE]
    into.staff_copies += await take_staff_copies(session, case_ids)
    await session.execute(delete(CaseMessage).where(CaseMessage.case_id.in_(case_ids)))


async def take_staff_copies(session: AsyncSession, case_ids: Sequence[int]) -> list[StaffCopies]:
    """Where these cases were copied in the staff chat; the case rows forget it."""
    if not case_ids:
        return []
    cases = (
        await session.execute(
            select(
                Case.id,
                Case.number,
                Case.staff_chat_id,
                Case.staff_thread_id,
                Case.staff_message_id,
            ).where(Case.id.in_(case_ids))
        )
    ).all()
    relayed = await session.execute(
        select(CaseMessage.case_id, CaseMessage.staff_message_id).where(
            CaseMessage.case_id.in_(case_ids), CaseMessage.staff_message_id.is_not(None)
        )
    )
    posts = await session.execute(
        select(CaseStaffPost.case_id, CaseStaffPost.staff_message_id).where(
            CaseStaffPost.case_id.in_(case_ids)
        )
    )
    by_case: dict[int, list[int]] = {}
    for case_id, message_id in [*relayed, *posts]:
        by_case.setdefault(case_id, []).append(message_id)
    copies = []
    for case in cases:
        ids = [case.staff_message_id] if case.staff_message_id else []
        ids += by_case.get(case.id, [])
        if case.staff_thread_id is not None or ids:
            copies.append(
                StaffCopies(
                    case.number, case.staff_chat_id, case.staff_thread_id, tuple(sorted(set(ids)))
                )
            )
    await session.execute(
        update(Case)
        .where(Case.id.in_(case_ids))
        .values(staff_thread_id=None, staff_message_id=None)
    )
    await session.execute(
        update(CaseMessage)
        .where(CaseMessage.case_id.in_(case_ids), CaseMessage.staff_message_id.is_not(None))
        .values(staff_message_id=None)
    )
    await session.execute(delete(CaseStaffPost).where(CaseStaffPost.case_id.in_(case_ids)))
    return copies


async def _delete_drafts(session: AsyncSession, ids: Sequence[int]) -> None:
    """Half-typed activities and reports are the person's, not yet programme data."""
    await session.execute(
        delete(ActivityReport).where(
            ActivityReport.reporter_id.in_(ids), ActivityReport.submitted_at.is_(None)
        )
    )
    await session.execute(
        delete(Activity).where(Activity.leader_id.in_(ids), Activity.status == Status.DRAFT)
    )


async def _scrub_audit_targets(session: AsyncSession, ids: Sequence[int]) -> None:
    """Role changes name their target by id in the audit text: that id goes too."""
    await session.execute(
        update(AuditEntry).where(AuditEntry.target.in_([str(i) for i in ids])).values(target="")
    )


# Retention ----------------------------------------------------------------------------------


@dataclass
class Retention:
    """What one retention run did."""

    case_texts: int = 0
    cases_unlinked: int = 0
    people: int = 0
    messages: int = 0
    staff_copies: list[StaffCopies] = field(default_factory=list)
    # Open cases closed for having had no message for the retention period (their numbers).
    expired: list[str] = field(default_factory=list)


async def apply_retention(
    session: AsyncSession,
    *,
    now: datetime,
    case_retention_days: int,
    inactive_after: timedelta = INACTIVE_AFTER,
    keep_ids: Iterable[int] = (),
) -> Retention:
    """Delete what is past its time: case texts N days after closing (open cases silent for N
    days are closed first, core/cases/retention.py), people inactive for
    `inactive_after` (except anyone holding a role, and `keep_ids`), old message ids and
    danger notices. Safe to run at any time, as often as wanted."""
    report = Retention()
    report.expired = await close_stale_cases(session, now=now, days=case_retention_days)
    await _expire_cases(session, report, now=now, days=case_retention_days)
    cutoff = (now - inactive_after).date()
    inactive = await session.scalars(
        select(User.id).where(User.last_seen_on < cutoff, User.role == Role.YOUNG)
    )
    keep = set(keep_ids)
    forgotten = await forget_people(
        session, user_ids=[i for i in inactive if i not in keep], now=now
    )
    report.people = forgotten.people
    report.staff_copies += forgotten.staff_copies
    report.messages = await safety.forget_old_messages(session, now=now)
    await safety.forget_old_notices(session, now=now)
    return report


async def _expire_cases(
    session: AsyncSession, report: Retention, *, now: datetime, days: int
) -> None:
    """`days` after a case closes its texts go, with their copies in the staff chat; the
    link to the person goes once the case can no longer be reopened."""
    finished = select(Case.id).where(
        Case.status.in_((CaseStatus.CLOSED, CaseStatus.WITHDRAWN)),
        Case.closed_at < now - timedelta(days=days),
    )
    result = await session.execute(
        update(CaseMessage)
        .where(CaseMessage.case_id.in_(finished), CaseMessage.text.is_not(None))
        .values(text=None)
    )
    report.case_texts = result.rowcount or 0
    copied = await session.scalars(
        finished.where(Case.staff_thread_id.is_not(None) | Case.staff_message_id.is_not(None))
    )
    report.staff_copies += await take_staff_copies(session, list(copied))
    result = await session.execute(
        update(Case)
        .where(
            Case.id.in_(finished),
            Case.user_id.is_not(None),
            Case.reopen_until.is_(None) | (Case.reopen_until < now),
        )
        .values(user_id=None)
    )
    report.cases_unlinked = result.rowcount or 0
