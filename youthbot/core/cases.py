"""Cases: a young person talking with trained staff through the bot, known by a number only.

A person has at most one open case (the `open_cases` row, keyed by person). Only the moderator
who claimed a case writes to the person; every staff action is audited without message text.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..db.models import Case, CaseMessage, OpenCase, User
from .errors import DomainError
from .roles import Role
from .users import audit

OPEN, CLAIMED, CLOSED, WITHDRAWN = "open", "claimed", "closed", "withdrawn"
ACTIVE = (OPEN, CLAIMED)
OUTCOMES = ("helped", "referred", "no_reply", "not_real", "duplicate")
FEEDBACK = ("yes", "bit", "no")
REOPEN_WINDOW = timedelta(days=7)
FLOOD_WINDOW = timedelta(minutes=1)
# Who wrote a case message; events (claimed, referred, closed...) keep no personal text.
PERSON, STAFF, NOTE, EVENT = "person", "staff", "note", "event"
# Letters and digits that cannot be misread for each other (no 0/O, 1/I/L).
NUMBER_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
MAX_MENTIONS = 20


class CaseError(DomainError):
    """Base for case outcomes that are reported, not crashed on."""


class CaseNotFound(CaseError):
    pass


class CaseAlreadyOpen(CaseError):
    """The person already has an open case: `case`."""

    def __init__(self, case: Case) -> None:
        super().__init__(case.number)
        self.case = case


class CaseNotActive(CaseError):
    """The case is closed or withdrawn."""


class AlreadyClaimed(CaseError):
    """Another moderator has claimed the case."""


class NotClaimant(CaseError):
    """Only the moderator who claimed the case may do this (`unclaimed`: nobody has)."""

    def __init__(self, unclaimed: bool) -> None:
        super().__init__("unclaimed" if unclaimed else "claimed by another moderator")
        self.unclaimed = unclaimed


class CannotReopen(CaseError):
    """The case is still open, or the time to reopen it has passed."""


class Flooding(CaseError):
    """Too many messages in a minute; `note` is True when the person should be told."""

    def __init__(self, note: bool) -> None:
        super().__init__("flooding")
        self.note = note


# Reading ----------------------------------------------------------------------------------


async def find_open_case(session: AsyncSession, user_id: int) -> Case | None:
    return await session.scalar(
        select(Case).join(OpenCase, OpenCase.case_id == Case.id).where(OpenCase.user_id == user_id)
    )


async def open_case_and_pace(
    session: AsyncSession, user_id: int, *, now: datetime
) -> tuple[Case, int] | None:
    """The person's open case and how many messages they sent it in the last minute."""
    recent = (
        select(func.count(CaseMessage.id))
        .where(
            CaseMessage.case_id == Case.id,
            CaseMessage.sender == PERSON,
            CaseMessage.at > now - FLOOD_WINDOW,
        )
        .scalar_subquery()
    )
    row = (
        await session.execute(
            select(Case, recent)
            .join(OpenCase, OpenCase.case_id == Case.id)
            .where(OpenCase.user_id == user_id)
        )
    ).first()
    return (row[0], int(row[1])) if row else None


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
    rows = await session.scalars(
        select(CaseMessage).where(CaseMessage.case_id == case_id).order_by(CaseMessage.id)
    )
    return list(rows)


async def on_duty_moderators(session: AsyncSession) -> list[int]:
    """Moderators (and admins with a stored role) to mention when a case is urgent."""
    rows = await session.scalars(
        select(User.id)
        .where(User.role.in_([Role.MODERATOR, Role.ADMIN]))
        .order_by(User.id)
        .limit(MAX_MENTIONS)
    )
    return list(rows)


# The person's side ------------------------------------------------------------------------


async def _new_number(session: AsyncSession) -> str:
    for attempt in range(10):
        size = 4 if attempt < 5 else 6
        number = "C-" + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(size))
        if await session.scalar(select(Case.id).where(Case.number == number)) is None:
            return number
    raise RuntimeError("could not find a free case number")


async def open_case(
    session: AsyncSession,
    *,
    user_id: int,
    topic: str,
    urgent: bool,
    for_whom: str,
    country: str | None,
    region: str | None,
    language: str,
    now: datetime,
    realert: timedelta,
) -> Case:
    """A new case waiting for a moderator; CaseAlreadyOpen when the person has one."""
    existing = await find_open_case(session, user_id)
    if existing is not None:
        raise CaseAlreadyOpen(existing)
    case = Case(
        number=await _new_number(session),
        user_id=user_id,
        topic=topic,
        urgent=urgent,
        for_whom=for_whom,
        country=country,
        region=region,
        language=language,
        status=OPEN,
        opened_at=now,
        next_alert_at=now + realert,
        alerts_sent=0,
    )
    session.add(case)
    await session.flush()
    session.add(OpenCase(user_id=user_id, case_id=case.id))
    await session.flush()
    return case


def mark_urgent(case: Case) -> None:
    case.urgent = True


def check_pace(case: Case, recent: int, *, limit: int, now: datetime) -> None:
    """Raise Flooding past `limit` messages a minute (the person is told once a minute)."""
    if recent < limit:
        return
    note = case.slowed_at is None or now - case.slowed_at >= FLOOD_WINDOW
    if note:
        case.slowed_at = now
    raise Flooding(note)


async def add_person_message(
    session: AsyncSession, *, case: Case, kind: str, text: str | None, now: datetime
) -> CaseMessage:
    """Keep what the person sent (text only; media is recorded by kind, never stored)."""
    message = CaseMessage(case_id=case.id, at=now, sender=PERSON, kind=kind, text=text)
    session.add(message)
    await session.flush()
    return message


async def set_staff_copy(session: AsyncSession, *, message_id: int, staff_message_id: int) -> None:
    """Remember where a person's message was copied in the staff chat."""
    await session.execute(
        update(CaseMessage)
        .where(CaseMessage.id == message_id)
        .values(staff_message_id=staff_message_id)
    )


async def withdraw_case(session: AsyncSession, *, case: Case, now: datetime) -> None:
    """The person ends the conversation; they may reopen it for a while."""
    if case.status not in ACTIVE:
        raise CaseNotActive(case.number)
    await _finish(session, case, status=WITHDRAWN, now=now)
    _event(session, case, "withdrawn", now=now)


async def reopen_case(
    session: AsyncSession, *, case_id: int, user_id: int, now: datetime, realert: timedelta
) -> Case:
    """Open a closed case of this person again, within REOPEN_WINDOW of its closing."""
    case = await session.get(Case, case_id, with_for_update=True)
    if case is None or case.user_id != user_id:
        raise CaseNotFound(str(case_id))
    if case.status in ACTIVE or case.reopen_until is None or case.reopen_until < now:
        raise CannotReopen(case.number)
    existing = await find_open_case(session, user_id)
    if existing is not None:
        raise CaseAlreadyOpen(existing)
    case.status, case.claimed_by, case.claimed_at = OPEN, None, None
    case.closed_at = case.outcome = case.reopen_until = None
    case.next_alert_at = now + realert
    session.add(OpenCase(user_id=user_id, case_id=case.id))
    _event(session, case, "reopened", now=now)
    await session.flush()
    return case


async def record_feedback(
    session: AsyncSession, *, case_id: int, user_id: int, answer: str
) -> Case:
    """Keep the person's optional "did this help?" answer on a finished case."""
    if answer not in FEEDBACK:
        raise ValueError(answer)
    case = await session.get(Case, case_id)
    if case is None or case.user_id != user_id or case.status in ACTIVE:
        raise CaseNotFound(str(case_id))
    case.feedback = answer
    return case


# The staff side ---------------------------------------------------------------------------


def _require_active(case: Case) -> None:
    if case.status not in ACTIVE:
        raise CaseNotActive(case.number)


def _require_claimant(case: Case, moderator_id: int, *, is_admin: bool = False) -> None:
    if case.status != CLAIMED:
        raise NotClaimant(unclaimed=True)
    if case.claimed_by != moderator_id and not is_admin:
        raise NotClaimant(unclaimed=False)


def record_view(session: AsyncSession, *, case: Case, moderator_id: int) -> None:
    audit(session, actor_id=moderator_id, action="case.view", target=case.number)


async def claim_case(
    session: AsyncSession, *, case: Case, moderator_id: int, now: datetime
) -> bool:
    """Take the case; False when this moderator already has it, AlreadyClaimed for others."""
    _require_active(case)
    if case.status == CLAIMED:
        if case.claimed_by == moderator_id:
            return False
        raise AlreadyClaimed(case.number)
    case.status, case.claimed_by, case.claimed_at = CLAIMED, moderator_id, now
    case.next_alert_at = None
    _event(session, case, "claimed", now=now, author_id=moderator_id)
    audit(session, actor_id=moderator_id, action="case.claim", target=case.number)
    return True


def relay_to_person(
    session: AsyncSession, *, case: Case, moderator_id: int, text: str, now: datetime
) -> None:
    """Record the claimant's message for the person (sent without the moderator's name)."""
    _require_active(case)
    _require_claimant(case, moderator_id)
    session.add(
        CaseMessage(case_id=case.id, at=now, sender=STAFF, author_id=moderator_id, text=text)
    )
    audit(session, actor_id=moderator_id, action="case.relay", target=case.number)


def add_note(
    session: AsyncSession, *, case: Case, moderator_id: int, text: str, now: datetime
) -> None:
    """An internal note: stays in the staff chat and the case, never reaches the person."""
    session.add(
        CaseMessage(case_id=case.id, at=now, sender=NOTE, author_id=moderator_id, text=text)
    )
    audit(session, actor_id=moderator_id, action="case.note", target=case.number)


def refer_case(
    session: AsyncSession,
    *,
    case: Case,
    moderator_id: int,
    service_id: str,
    is_admin: bool,
    now: datetime,
) -> None:
    """Record that the person was sent a directory service's card."""
    _require_active(case)
    _require_claimant(case, moderator_id, is_admin=is_admin)
    _event(session, case, "referred", now=now, author_id=moderator_id, detail=service_id)
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
    _require_active(case)
    _require_claimant(case, moderator_id, is_admin=is_admin)
    case.status, case.claimed_by, case.claimed_at = OPEN, None, None
    case.next_alert_at = now + realert
    _event(session, case, "handed_over", now=now, author_id=moderator_id)
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
            .where(Case.status == CLAIMED, Case.claimed_by.in_(moderator_ids))
            .order_by(Case.id)
            .with_for_update()
        )
    )
    for case in cases:
        case.status, case.claimed_by, case.claimed_at = OPEN, None, None
        case.next_alert_at = now
        _event(session, case, "handed_over", now=now)
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
    _require_active(case)
    if case.status == CLAIMED and case.claimed_by != moderator_id and not is_admin:
        raise AlreadyClaimed(case.number)
    case.outcome = outcome
    await _finish(session, case, status=CLOSED, now=now)
    _event(session, case, "closed", now=now, author_id=moderator_id, detail=outcome)
    audit(
        session, actor_id=moderator_id, action="case.close", target=case.number, detail=outcome
    )


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
            .where(Case.status == OPEN, Case.next_alert_at <= now)
            .order_by(Case.next_alert_at)
            .with_for_update(skip_locked=True)
        )
    )
    for case in due:
        case.next_alert_at = now + realert
        case.alerts_sent = (case.alerts_sent or 0) + 1
    return due


# Helpers ----------------------------------------------------------------------------------


async def _finish(session: AsyncSession, case: Case, *, status: str, now: datetime) -> None:
    case.status, case.closed_at = status, now
    case.reopen_until = now + REOPEN_WINDOW
    case.next_alert_at = None
    await session.execute(delete(OpenCase).where(OpenCase.case_id == case.id))


def _event(
    session: AsyncSession,
    case: Case,
    kind: str,
    *,
    now: datetime,
    author_id: int | None = None,
    detail: str | None = None,
) -> None:
    """A case event, for the history moderators see; `detail` is never personal."""
    session.add(
        CaseMessage(
            case_id=case.id, at=now, sender=EVENT, author_id=author_id, kind=kind, text=detail
        )
    )


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


async def active_cases(session: AsyncSession) -> list[Case]:
    """Open and claimed cases, urgent first, oldest first."""
    rows = await session.scalars(
        select(Case)
        .where(Case.status.in_(ACTIVE))
        .order_by(Case.urgent.desc(), Case.opened_at)
        .limit(50)
    )
    return list(rows)
