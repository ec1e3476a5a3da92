"""What moderators do with a case: claim, relay, note, refer, hand over, close, release.

Only the moderator who claimed a case writes to the person (an admin may also refer, hand over
and close it); every action is audited without message text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ...db.models import Case, CaseMessage
from ..people.users import audit
from . import (
    ACTIVE,
    EVENT,
    NOTE,
    OUTCOMES,
    STAFF,
    AlreadyClaimed,
    CaseError,
    CaseNotActive,
    CaseStatus,
    NotClaimant,
    add_event,
    finish_case,
)
from .counts import count_claimed, count_reply


def _require_active(case: Case) -> None:
    if case.status not in ACTIVE:
        raise CaseNotActive(case.number)


def _require_claimant(case: Case, moderator_id: int, *, is_admin: bool = False) -> None:
    if case.status != CaseStatus.CLAIMED:
        raise NotClaimant(unclaimed=True)
    if case.claimed_by != moderator_id and not is_admin:
        raise NotClaimant(unclaimed=False)


def check_may_refer(case: Case, moderator_id: int, *, is_admin: bool) -> None:
    """Raise the CaseError that keeps this moderator from referring (or handing over) the
    case: only its claimant, or an admin, may, and only while it is active."""
    _require_active(case)
    _require_claimant(case, moderator_id, is_admin=is_admin)


def check_may_close(case: Case, moderator_id: int, *, is_admin: bool) -> None:
    """Raise the CaseError that keeps this moderator from closing the case: an active case
    nobody claimed, or one they (or, for an admin, anyone) claimed."""
    _require_active(case)
    if case.status == CaseStatus.CLAIMED and case.claimed_by != moderator_id and not is_admin:
        raise AlreadyClaimed(case.number)


def record_view(session: AsyncSession, *, case: Case, moderator_id: int) -> None:
    audit(session, actor_id=moderator_id, action="case.view", target=case.number)


async def claim_case(
    session: AsyncSession, *, case: Case, moderator_id: int, now: datetime
) -> bool:
    """Take the case; False when this moderator already has it, AlreadyClaimed for others."""
    _require_active(case)
    if case.status == CaseStatus.CLAIMED:
        if case.claimed_by == moderator_id:
            return False
        raise AlreadyClaimed(case.number)
    case.status, case.claimed_by, case.claimed_at = CaseStatus.CLAIMED, moderator_id, now
    case.next_alert_at = None
    await count_claimed(session, case, now=now)
    add_event(session, case, "claimed", now=now, author_id=moderator_id)
    audit(session, actor_id=moderator_id, action="case.claim", target=case.number)
    return True


async def relay_to_person(
    session: AsyncSession, *, case: Case, moderator_id: int, text: str, now: datetime
) -> None:
    """Record the claimant's message for the person (sent without the moderator's name)."""
    _require_active(case)
    _require_claimant(case, moderator_id)
    session.add(
        CaseMessage(case_id=case.id, at=now, sender=STAFF, author_id=moderator_id, text=text)
    )
    await count_reply(session, case, now=now)
    audit(session, actor_id=moderator_id, action="case.relay", target=case.number)


def add_note(
    session: AsyncSession, *, case: Case, moderator_id: int, text: str, now: datetime
) -> None:
    """An internal note: stays in the staff chat and the case, never reaches the person."""
    session.add(
        CaseMessage(case_id=case.id, at=now, sender=NOTE, author_id=moderator_id, text=text)
    )
    audit(session, actor_id=moderator_id, action="case.note", target=case.number)


class AlreadyReferred(CaseError):
    """The person of this case already received this service's card."""


async def refer_case(
    session: AsyncSession,
    *,
    case: Case,
    moderator_id: int,
    service_id: str,
    is_admin: bool,
    now: datetime,
) -> None:
    """Record that the person was sent a directory service's card, once per service: an old
    button pressed again sends nothing (the case row is locked, so two presses queue)."""
    check_may_refer(case, moderator_id, is_admin=is_admin)
    sent = await session.scalar(
        select(CaseMessage.id).where(
            CaseMessage.case_id == case.id,
            CaseMessage.sender == EVENT,
            CaseMessage.kind == "referred",
            CaseMessage.text == service_id,
        )
    )
    if sent is not None:
        raise AlreadyReferred(case.number)
    add_event(session, case, "referred", now=now, author_id=moderator_id, detail=service_id)
    audit(
        session, actor_id=moderator_id, action="case.refer", target=case.number, detail=service_id
    )


def hand_over(
    session: AsyncSession,
    *,
    case: Case,
    moderator_id: int,
    is_admin: bool,
    now: datetime,
    realert: timedelta,
) -> None:
    """Give the case back to the team: unclaimed again, re-alerted on schedule."""
    check_may_refer(case, moderator_id, is_admin=is_admin)
    case.status, case.claimed_by, case.claimed_at = CaseStatus.OPEN, None, None
    case.next_alert_at = now + realert
    add_event(session, case, "handed_over", now=now, author_id=moderator_id)
    audit(session, actor_id=moderator_id, action="case.handover", target=case.number)


async def release_claims(
    session: AsyncSession, *, moderator_ids: Sequence[int], now: datetime
) -> list[Case]:
    """The cases these people hold go back to the team, because they are being forgotten or
    are no longer staff: a case claimed by nobody able to answer would leave its young person
    waiting for ever. Unclaimed and alerted at once, as after a hand-over."""
    if not moderator_ids:
        return []
    cases = list(
        await session.scalars(
            select(Case)
            .where(Case.status == CaseStatus.CLAIMED, Case.claimed_by.in_(moderator_ids))
            .order_by(Case.id)
            .with_for_update()
        )
    )
    for case in cases:
        case.status, case.claimed_by, case.claimed_at = CaseStatus.OPEN, None, None
        case.next_alert_at = now
        add_event(session, case, "handed_over", now=now)
    await session.flush()
    return cases


async def close_case(
    session: AsyncSession,
    *,
    case: Case,
    moderator_id: int,
    is_admin: bool,
    outcome: str,
    now: datetime,
) -> None:
    """Close with an outcome; the person may reopen it within REOPEN_WINDOW."""
    if outcome not in OUTCOMES:
        raise ValueError(outcome)
    check_may_close(case, moderator_id, is_admin=is_admin)
    case.outcome = outcome
    await finish_case(session, case, status=CaseStatus.CLOSED, now=now)
    add_event(session, case, "closed", now=now, author_id=moderator_id, detail=outcome)
    audit(
        session, actor_id=moderator_id, action="case.close", target=case.number, detail=outcome
    )


async def assign_case(
    session: AsyncSession,
    *,
    case: Case,
    moderator_id: int,
    assignee_id: int,
    is_admin: bool,
    now: datetime,
) -> bool:
    """Give the case to a named colleague, who then holds the claim (the one who may write to
    the person). Who may: anyone on an unclaimed case, its claimant, or an admin. False when
    the colleague already has it."""
    check_may_close(case, moderator_id, is_admin=is_admin)
    if case.status == CaseStatus.CLAIMED and case.claimed_by == assignee_id:
        return False
    case.status, case.claimed_by, case.claimed_at = CaseStatus.CLAIMED, assignee_id, now
    case.assigned_to = assignee_id
    case.next_alert_at = None
    await count_claimed(session, case, now=now)
    add_event(session, case, "assigned", now=now, author_id=moderator_id)
    audit(session, actor_id=moderator_id, action="case.assign", target=case.number)
    return True


def record_canned(
    session: AsyncSession, *, case: Case, moderator_id: int, reply_id: str, now: datetime
) -> None:
    """Which canned reply was sent (its text is kept as the staff message itself)."""
    add_event(session, case, "canned", now=now, author_id=moderator_id, detail=reply_id)
    audit(session, actor_id=moderator_id, action="case.canned", target=case.number,
          detail=reply_id)
