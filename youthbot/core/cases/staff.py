"""Cases in the staff chat: finding the one a button or message is about, what moderators
read (its history, the open list), whom and when to alert, and where each case lives there."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ...db.models import Case, CaseMessage, CaseStaffPost, StaffMember, User
from ..people.roles import Role
from . import ACTIVE, CaseNotFound, CaseStatus

MAX_MENTIONS = 20


async def get_case(session: AsyncSession, case_id: int, *, lock: bool = True) -> Case:
    """The case, locked for update (two moderators pressing at once queue)."""
    case = await session.get(Case, case_id, with_for_update=lock)
    if case is None:
        raise CaseNotFound(str(case_id))
    return case


async def case_in_staff_chat(
    session: AsyncSession,
    *,
    chat_id: int,
    thread_id: int | None,
    number: str | None,
) -> Case | None:
    """The case a staff-chat message belongs to: its topic or thread, else a quoted number."""
    if thread_id is not None:
        case = await session.scalar(
            select(Case).where(
                Case.staff_chat_id == chat_id,
                (Case.staff_thread_id == thread_id) | (Case.staff_message_id == thread_id),
            )
        )
        if case is not None:
            return case
    if number:
        return await session.scalar(select(Case).where(Case.number == number))
    return None


async def case_history(session: AsyncSession, case_id: int) -> list[CaseMessage]:
    """A case's messages in the order they were written (a late-arriving message of the person
    is kept at the time it belongs to, so it takes its place: bot/runtime/processor.py)."""
    rows = await session.scalars(
        select(CaseMessage)
        .where(CaseMessage.case_id == case_id)
        .order_by(CaseMessage.at, CaseMessage.id)
    )
    return list(rows)


async def on_duty_moderators(session: AsyncSession, *, team: str | None = None) -> list[int]:
    """Moderators (and admins with a stored role) to mention when a case is urgent: those
    known to the case's `team` when it has any, else all of them."""
    query = (
        select(User.id)
        .where(User.role.in_([Role.MODERATOR, Role.ADMIN]))
        .order_by(User.id)
        .limit(MAX_MENTIONS)
    )
    if team is not None:
        members = query.join(StaffMember, StaffMember.user_id == User.id).where(
            StaffMember.team == team
        )
        found = list(await session.scalars(members))
        if found:
            return found
    return list(await session.scalars(query))


async def team_members(
    session: AsyncSession, team: str, *, admin_ids: Iterable[int] = ()
) -> list[tuple[int, str]]:
    """The team's moderators and admins (still holding the role, or named in ADMIN_IDS) and
    their handles."""
    staff = User.role.in_([Role.MODERATOR, Role.ADMIN])
    if admin_ids:
        staff = staff | StaffMember.user_id.in_(list(admin_ids))
    rows = await session.execute(
        select(StaffMember.user_id, StaffMember.handle)
        .outerjoin(User, User.id == StaffMember.user_id)
        .where(StaffMember.team == team, staff)
        .order_by(StaffMember.handle)
        .limit(30)
    )
    return [(user_id, handle) for user_id, handle in rows]


async def note_member(
    session: AsyncSession, *, user_id: int, team: str, handle: str, now: datetime
) -> None:
    """Remember how a moderator appears to their team (refreshed when they act there)."""
    member = await session.get(StaffMember, (user_id, team))
    if member is None:
        session.add(StaffMember(user_id=user_id, team=team, handle=handle[:64], seen_at=now))
    elif member.handle != handle[:64] or now - member.seen_at > timedelta(hours=1):
        member.handle, member.seen_at = handle[:64], now


async def active_cases_of_team(session: AsyncSession, team: str, *, fallback: bool) -> list[Case]:
    """Open and claimed cases of one team (the fallback team's include those without one)."""
    where = Case.team == team
    if fallback:
        where = where | Case.team.is_(None)
    rows = await session.scalars(
        select(Case)
        .where(Case.status.in_(ACTIVE), where)
        .order_by(Case.urgent.desc(), Case.opened_at)
        .limit(50)
    )
    return list(rows)


async def active_cases(session: AsyncSession) -> list[Case]:
    """Open and claimed cases, urgent first, oldest first."""
    rows = await session.scalars(
        select(Case)
        .where(Case.status.in_(ACTIVE))
        .order_by(Case.urgent.desc(), Case.opened_at)
        .limit(50)
    )
    return list(rows)


async def due_alerts(
    session: AsyncSession, *, now: datetime, realert: timedelta
) -> list[Case]:
    """Unclaimed cases whose alert is due; each is scheduled again `realert` later.

    The schedule lives in the database, so it survives a restart and is shared by replicas
    (on PostgreSQL a replica skips cases another one is alerting right now).
    """
    due = list(
        await session.scalars(
            select(Case)
            .where(Case.status == CaseStatus.OPEN, Case.next_alert_at <= now)
            .order_by(Case.next_alert_at)
            .with_for_update(skip_locked=True)
        )
    )
    for case in due:
        case.next_alert_at = now + realert
        case.alerts_sent = (case.alerts_sent or 0) + 1
    return due


async def set_staff_place(
    session: AsyncSession,
    *,
    case_id: int,
    chat_id: int,
    thread_id: int | None,
    message_id: int | None,
) -> None:
    """Remember where the case lives in the staff chat (its topic, or its card's thread)."""
    await session.execute(
        update(Case)
        .where(Case.id == case_id)
        .values(staff_chat_id=chat_id, staff_thread_id=thread_id, staff_message_id=message_id)
    )


async def add_staff_post(session: AsyncSession, *, case_id: int, staff_message_id: int) -> None:
    """Remember a post about the case in a staff chat without topics (deleted with it)."""
    session.add(CaseStaffPost(case_id=case_id, staff_message_id=staff_message_id))


async def set_staff_copy(session: AsyncSession, *, message_id: int, staff_message_id: int) -> None:
    """Remember where a person's message was copied in the staff chat."""
    await session.execute(
        update(CaseMessage)
        .where(CaseMessage.id == message_id)
        .values(staff_message_id=staff_message_id)
    )
