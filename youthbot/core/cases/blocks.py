"""Flagging and blocking the account behind a case (prank, abusive, an adult posing as a child).

A moderator flags, an admin blocks: a blocked account cannot open cases and its messages stop
reaching staff. Safety is never blocked: the emergency numbers, the directory and the replies
to danger words work as for everyone. Every step is audited; staff know the account only by
the case number it was flagged or blocked from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ...db.models import AccountBlock, AccountFlag, Case
from ..people.users import audit
from . import ACTIVE, CaseError, CaseStatus, Outcome, add_event, finish_case


class FlagReason(StrEnum):
    """Why an account was flagged or blocked (the values are those the database holds)."""

    PRANK = "prank"
    ABUSIVE = "abusive"
    ADULT = "adult"


class NoAccount(CaseError):
    """The case has no person any more (they deleted their data): nothing to flag or block."""


class NotBlocked(CaseError):
    """There is no block for that case number."""


@dataclass(frozen=True)
class BlockedAccount:
    """A block as staff see it: the case number and why, never who."""

    case_number: str
    reason: str
    at: datetime
    flags: int


async def is_blocked(session: AsyncSession, user_id: int) -> bool:
    return await session.get(AccountBlock, user_id) is not None


async def flag_account(
    session: AsyncSession, *, case: Case, moderator_id: int, reason: FlagReason, now: datetime
) -> int:
    """Flag the account behind `case` for admins; how many flags the account now has."""
    if case.user_id is None:
        raise NoAccount(case.number)
    session.add(
        AccountFlag(
            user_id=case.user_id, case_number=case.number, reason=reason,
            flagged_by=moderator_id, at=now,
        )
    )
    add_event(session, case, "flagged", now=now, author_id=moderator_id, detail=reason)
    audit(session, actor_id=moderator_id, action="case.flag", target=case.number, detail=reason)
    await session.flush()
    return int(
        await session.scalar(
            select(func.count(AccountFlag.id)).where(AccountFlag.user_id == case.user_id)
        )
        or 0
    )


async def block_account(
    session: AsyncSession, *, case: Case, admin_id: int, reason: FlagReason, now: datetime
) -> bool:
    """Block the account behind `case` (False when it already was). Its open case, if any,
    is closed as "not a real request" and cannot be reopened."""
    if case.user_id is None:
        raise NoAccount(case.number)
    if await session.get(AccountBlock, case.user_id) is not None:
        return False
    session.add(
        AccountBlock(
            user_id=case.user_id, case_number=case.number, reason=reason,
            blocked_by=admin_id, at=now,
        )
    )
    open_cases = await session.scalars(
        select(Case)
        .where(Case.user_id == case.user_id, Case.status.in_(ACTIVE))
        .with_for_update()
    )
    for open_case in open_cases:
        open_case.outcome = Outcome.NOT_REAL
        await finish_case(session, open_case, status=CaseStatus.CLOSED, now=now)
        open_case.reopen_until = None
    add_event(session, case, "blocked", now=now, author_id=admin_id, detail=reason)
    audit(session, actor_id=admin_id, action="account.block", target=case.number, detail=reason)
    await session.flush()
    return True


async def unblock_account(
    session: AsyncSession, *, case_number: str, admin_id: int, now: datetime
) -> None:
    """Lift the block given from `case_number` (NotBlocked when there is none)."""
    block = await session.scalar(
        select(AccountBlock).where(AccountBlock.case_number == case_number)
    )
    if block is None:
        raise NotBlocked(case_number)
    await session.execute(delete(AccountBlock).where(AccountBlock.user_id == block.user_id))
    case = await session.scalar(select(Case).where(Case.number == case_number))
    if case is not None:
        add_event(session, case, "unblocked", now=now, author_id=admin_id)
    audit(session, actor_id=admin_id, action="account.unblock", target=case_number)


async def blocked_accounts(session: AsyncSession) -> list[BlockedAccount]:
    """Every block, newest first, with how many flags its account had."""
    flags = (
        select(func.count(AccountFlag.id))
        .where(AccountFlag.user_id == AccountBlock.user_id)
        .scalar_subquery()
    )
    rows = await session.execute(
        select(AccountBlock.case_number, AccountBlock.reason, AccountBlock.at, flags)
        .order_by(AccountBlock.at.desc())
        .limit(100)
    )
    return [BlockedAccount(n, r, at, int(f or 0)) for n, r, at, f in rows]


async def flags_of(session: AsyncSession, user_id: int | None) -> int:
    """How many times the account was flagged (0 for a forgotten person)."""
    if user_id is None:
        return 0
    return int(
        await session.scalar(
            select(func.count(AccountFlag.id)).where(AccountFlag.user_id == user_id)
        )
        or 0
    )
