"""Cases: a young person talking with trained staff through the bot, known by a number only.

A person has at most one open case (the `open_cases` row, keyed by person). Only the moderator
who claimed a case writes to the person; every staff action is audited without message text.
This module holds the person's side and what the others share (statuses, errors, events);
what moderators do is in case_actions, how the staff chat finds and lists cases in case_staff.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ...db.models import Case, CaseMessage, OpenCase
from ..errors import DomainError
from . import counts as case_counts


class CaseStatus(StrEnum):
    """Where a case is (the values are those the database holds)."""

    OPEN = "open"
    CLAIMED = "claimed"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


ACTIVE = (CaseStatus.OPEN, CaseStatus.CLAIMED)


class Outcome(StrEnum):
    """How staff closed a case."""

    HELPED = "helped"
    REFERRED = "referred"
    NO_REPLY = "no_reply"
    NOT_REAL = "not_real"
    DUPLICATE = "duplicate"


class Feedback(StrEnum):
    """The person's optional answer to "did this help?"."""

    YES = "yes"
    BIT = "bit"
    NO = "no"


OUTCOMES = tuple(Outcome)
FEEDBACK = tuple(Feedback)
REOPEN_WINDOW = timedelta(days=7)
FLOOD_WINDOW = timedelta(minutes=1)
# Who wrote a case message; events (claimed, referred, closed...) keep no personal text.
PERSON, STAFF, NOTE, EVENT = "person", "staff", "note", "event"
# Letters and digits that cannot be misread for each other (no 0/O, 1/I/L).
NUMBER_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


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
    age_band: str | None = None,
    team: str | None = None,
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
        status=CaseStatus.OPEN,
        opened_at=now,
        next_alert_at=now + realert,
        alerts_sent=0,
        age_band=age_band,
        team=team,
    )
    session.add(case)
    await session.flush()
    session.add(OpenCase(user_id=user_id, case_id=case.id))
    await session.flush()
    await case_counts.count_opened(session, case)
    return case


async def mark_urgent(session: AsyncSession, case: Case) -> None:
    if not case.urgent:
        case.urgent = True
        await case_counts.count_urgent(session, case)


def check_pace(case: Case, recent: int, *, limit: int, now: datetime) -> None:
    """Raise Flooding past `limit` messages a minute (the person is told once a minute)."""
    if recent < limit:
        return
    note = case.slowed_at is None or now - case.slowed_at >= FLOOD_WINDOW
    if note:
        case.slowed_at = now
    raise Flooding(note)


async def add_person_message(
    session: AsyncSession,
    *,
    case: Case,
    kind: str,
    text: str | None,
    now: datetime,
    at: datetime | None = None,
) -> CaseMessage:
    """Keep what the person sent (text only; media is recorded by kind, never stored); `at`:
    where it belongs in the case's order when it arrived late (else `now`)."""
    message = CaseMessage(case_id=case.id, at=at or now, sender=PERSON, kind=kind, text=text)
    session.add(message)
    await session.flush()
    return message



async def withdraw_case(session: AsyncSession, *, case: Case, now: datetime) -> None:
    """The person ends the conversation; they may reopen it for a while."""
    if case.status not in ACTIVE:
        raise CaseNotActive(case.number)
    await finish_case(session, case, status=CaseStatus.WITHDRAWN, now=now)
    add_event(session, case, "withdrawn", now=now)


async def reopenable_case(session: AsyncSession, user_id: int, *, now: datetime) -> Case | None:
    """This person's closed case that can still be reopened (the latest), if any."""
    return await session.scalar(
        select(Case)
        .where(Case.user_id == user_id, Case.reopen_until.is_not(None), Case.reopen_until >= now)
        .order_by(Case.id.desc())
        .limit(1)
    )


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
    await case_counts.count_finished(session, case, sign=-1)
    case.status, case.claimed_by, case.claimed_at = CaseStatus.OPEN, None, None
    case.closed_at = case.outcome = case.reopen_until = None
    case.next_alert_at = now + realert
    session.add(OpenCase(user_id=user_id, case_id=case.id))
    add_event(session, case, "reopened", now=now)
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
    await case_counts.count_feedback(session, case, answer=answer)
    case.feedback = answer
    return case


# Shared with case_actions -----------------------------------------------------------------


async def finish_case(session: AsyncSession, case: Case, *, status: str, now: datetime) -> None:
    """End an active case (closed or withdrawn); the person may reopen it for a while."""
    case.status, case.closed_at = status, now
    case.reopen_until = now + REOPEN_WINDOW
    case.next_alert_at = None
    await session.execute(delete(OpenCase).where(OpenCase.case_id == case.id))
    await case_counts.count_finished(session, case)


def add_event(
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
