"""Announcements: drafts, the outbox of recipients, claiming rows and reporting progress.

Delivery guarantee. Each recipient is one row. A worker holds a lease on the announcement
(one worker of all replicas sends it, so the overall rate holds) and, for each message, claims
one row in its own committed transaction (`pending` → `sending`), sends, and records the
outcome in another. A crash can only leave rows in `sending` — at most one per sending lane,
the messages in flight at that instant. The next worker to take the lease turns them into
`doubt` and does not send them again: nobody receives an announcement twice. Every other row
is either done or still `pending`, and `pending` rows are sent after the restart: nobody is
skipped, except the in-flight `doubt` rows, which are counted and shown to the admin.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, insert, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ...db.models import AuditEntry, User
from ...db.models.announce import (
    BLOCKED,
    CANCELLED,
    CLAIMED,
    DONE,
    DOUBT,
    DRAFT,
    FAILED,
    PENDING,
    SCHEDULED,
    SENDING,
    SENT,
    SKIPPED,
    STOPPED,
    Announcement,
    AnnouncementDelivery,
)
from ..errors import NotFound
from ..people.users import CONSENT_VERSION
from .audience import Audience

Delivery = AnnouncementDelivery
FINISHED = (SENT, FAILED, BLOCKED, SKIPPED, DOUBT, STOPPED)


class AnnouncementNotEditable(Exception):
    """The announcement was already sent, is being sent, or was cancelled."""


@dataclass(frozen=True)
class Claimed:
    """A claimed outbox row: who gets which language's text."""

    id: int
    user_id: int
    language: str


@dataclass(frozen=True)
class Progress:
    total: int
    sent: int
    not_delivered: int
    left: int
    doubt: int

    @property
    def finished(self) -> bool:
        return self.left == 0


def _opted_in():
    """Opted in, not blocking the bot, agreed to the current privacy notice, and not in the
    quiet after a quick exit (an announcement for them is dropped, not kept:
    core/safety/hold.py)."""
    return (
        User.notify_announcements.is_(True)
        & User.blocked.is_(False)
        & (User.consent_version == CONSENT_VERSION)
        & User.held_since.is_(None)
    )


async def recipients_by_language(
    session: AsyncSession, audience: Audience | None = None
) -> dict[str, int]:
    """How many people would receive an announcement now, per language."""
    chosen = _opted_in() & (audience or Audience()).condition()
    rows = await session.execute(
        select(User.language, func.count()).where(chosen).group_by(User.language)
    )
    return {language: count for language, count in rows}


async def create_draft(
    session: AsyncSession,
    *,
    created_by: int | None,
    admin_chat_id: int | None,
    language: str,
    texts: dict[str, str],
    now: datetime,
    audience: Audience | None = None,
    buttons: dict[str, list] | None = None,
) -> Announcement:
    """A draft with one text per language (at least the admin's `language`), for `audience`
    (everyone opted in by default), with `buttons` under each language's text (a poll's)."""
    if not texts.get(language):
        raise ValueError("the announcement needs a text in the admin's language")
    announcement = Announcement(
        created_by=created_by,
        created_at=now,
        status=DRAFT,
        texts=dict(texts),
        admin_chat_id=admin_chat_id,
        language=language,
        total=0,
        audience=(audience or Audience()).to_json(),
        buttons=buttons,
    )
    session.add(announcement)
    await session.flush()
    return announcement


async def get_announcement(session: AsyncSession, announcement_id: int) -> Announcement:
    announcement = await session.get(Announcement, announcement_id)
    if announcement is None:
        raise NotFound(str(announcement_id))
    return announcement


async def set_audience(
    session: AsyncSession, *, announcement_id: int, audience: Audience
) -> Announcement:
    """Change who a draft goes to."""
    announcement = await session.get(Announcement, announcement_id, with_for_update=True)
    if announcement is None or announcement.status != DRAFT:
        raise AnnouncementNotEditable(str(announcement_id))
    announcement.audience = audience.to_json()
    return announcement


async def start_sending(
    session: AsyncSession,
    *,
    announcement_id: int,
    actor_id: int | None,
    now: datetime,
    progress_message_id: int | None = None,
) -> int:
    """Queue the draft for everyone in its audience opted in now; returns how many."""
    announcement = await session.get(Announcement, announcement_id, with_for_update=True)
    if announcement is None or announcement.status != DRAFT:
        raise AnnouncementNotEditable(str(announcement_id))
    announcement.progress_message_id = progress_message_id
    total = await _queue(session, announcement, now)
    _audit(session, actor_id, "announce.send", announcement_id, str(total))
    return total


async def _queue(session: AsyncSession, announcement: Announcement, now: datetime) -> int:
    """One row per recipient (one statement); the announcement is then sending, or done."""
    audience = Audience.from_json(announcement.audience)
    chosen = select(literal(announcement.id), User.id, User.language, literal(PENDING)).where(
        _opted_in() & audience.condition()
    )
    result = await session.execute(
        insert(Delivery).from_select(["announcement_id", "user_id", "language", "status"], chosen)
    )
    announcement.total = result.rowcount or 0
    announcement.status = SENDING if announcement.total else DONE
    announcement.started_at = now
    announcement.finished_at = None if announcement.total else now
    return announcement.total


class NotInTheFuture(Exception):
    """A scheduled time must be later than now."""


async def schedule(
    session: AsyncSession,
    *,
    announcement_id: int,
    at: datetime,
    actor_id: int | None,
    now: datetime,
    progress_message_id: int | None = None,
) -> Announcement:
    """Keep the draft until `at`; the worker queues it then (`release_due`)."""
    if at <= now:
        raise NotInTheFuture(str(at))
    announcement = await session.get(Announcement, announcement_id, with_for_update=True)
    if announcement is None or announcement.status != DRAFT:
        raise AnnouncementNotEditable(str(announcement_id))
    announcement.status, announcement.scheduled_for = SCHEDULED, at
    announcement.progress_message_id = progress_message_id
    _audit(session, actor_id, "announce.schedule", announcement_id, at.isoformat()[:32])
    return announcement


async def release_due(session: AsyncSession, *, now: datetime) -> list[int]:
    """Queue every scheduled announcement whose time has come; their ids.

    Once across replicas: each row is locked (others skip it) and leaves `scheduled` in the
    same transaction that queues its recipients."""
    due = await session.scalars(
        select(Announcement)
        .where(Announcement.status == SCHEDULED, Announcement.scheduled_for <= now)
        .order_by(Announcement.scheduled_for, Announcement.id)
        .with_for_update(skip_locked=True)
    )
    released = []
    for announcement in due.all():
        await _queue(session, announcement, now)
        released.append(announcement.id)
    return released


async def list_scheduled(session: AsyncSession) -> list[Announcement]:
    """Scheduled announcements, soonest first."""
    rows = await session.scalars(
        select(Announcement)
        .where(Announcement.status == SCHEDULED)
        .order_by(Announcement.scheduled_for, Announcement.id)
    )
    return list(rows)


async def cancel(session: AsyncSession, *, announcement_id: int, actor_id: int | None) -> int:
    """Cancel a draft or a scheduled announcement, or stop a sending one; returns how many
    will not be sent."""
    announcement = await session.get(Announcement, announcement_id, with_for_update=True)
    if announcement is None or announcement.status not in (DRAFT, SCHEDULED, SENDING):
        raise AnnouncementNotEditable(str(announcement_id))
    result = await session.execute(
        update(Delivery)
        .where(Delivery.announcement_id == announcement_id, Delivery.status == PENDING)
        .values(status=STOPPED)
    )
    announcement.status = CANCELLED
    announcement.lease_owner = None
    _audit(session, actor_id, "announce.cancel", announcement_id, "")
    return result.rowcount or 0


def _audit(session: AsyncSession, actor_id: int | None, action: str, ann: int, detail: str):
    session.add(AuditEntry(actor_id=actor_id, action=action, target=str(ann), detail=detail))


async def set_blocked(session: AsyncSession, *, user_ids: Iterable[int], blocked: bool) -> None:
    """Mark people as having blocked the bot (or not); they get no announcements meanwhile."""
    ids = list(user_ids)
    if ids:
        await session.execute(update(User).where(User.id.in_(ids)).values(blocked=blocked))


# The worker's side -------------------------------------------------------------------------


async def take_lease(
    session: AsyncSession, *, owner: str, now: datetime, ttl: timedelta
) -> Announcement | None:
    """The oldest announcement being sent whose lease is free, expired or ours; lease it.

    Rows still claimed when a lease is taken were in flight when a worker stopped (another
    worker that died, or this one after a database error): they turn into `doubt`.
    """
    query = (
        select(Announcement)
        .where(
            Announcement.status == SENDING,
            or_(
                Announcement.lease_owner.is_(None),
                Announcement.lease_owner == owner,
                Announcement.lease_until < now,
            ),
        )
        .order_by(Announcement.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    announcement = (await session.execute(query)).scalar_one_or_none()
    if announcement is None:
        return None
    await session.execute(
        update(Delivery)
        .where(Delivery.announcement_id == announcement.id, Delivery.status == CLAIMED)
        .values(status=DOUBT, done_at=now)
    )
    announcement.lease_owner, announcement.lease_until = owner, now + ttl
    return announcement


async def renew_lease(
    session: AsyncSession, *, announcement_id: int, owner: str, now: datetime, ttl: timedelta
) -> bool:
    """Extend our lease; False when it was lost (stopped, or taken by another worker)."""
    result = await session.execute(
        update(Announcement)
        .where(
            Announcement.id == announcement_id,
            Announcement.lease_owner == owner,
            Announcement.status == SENDING,
        )
        .values(lease_until=now + ttl)
    )
    return (result.rowcount or 0) == 1


async def skip_unreachable(session: AsyncSession, *, announcement_id: int) -> int:
    """Skip queued people who blocked the bot or opted out since the announcement started."""
    gone = select(User.id).where(~_opted_in())
    result = await session.execute(
        update(Delivery)
        .where(
            Delivery.announcement_id == announcement_id,
            Delivery.status == PENDING,
            Delivery.user_id.in_(gone),
        )
        .values(status=SKIPPED)
    )
    return result.rowcount or 0


async def claim_next(
    session: AsyncSession, *, announcement_id: int, now: datetime
) -> Claimed | None:
    """Atomically claim the next pending row (`pending` → `sending`); None when none is left.

    Someone who used quick exit since the announcement started is skipped here, right before
    sending (`skip_unreachable` catches them too, but only every few seconds)."""
    next_id = (
        select(Delivery.id)
        .where(Delivery.announcement_id == announcement_id, Delivery.status == PENDING)
        .order_by(Delivery.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    while True:
        row = (
            await session.execute(
                update(Delivery)
                .where(Delivery.id == next_id, Delivery.status == PENDING)
                .values(status=CLAIMED, claimed_at=now)
                .returning(Delivery.id, Delivery.user_id, Delivery.language)
            )
        ).first()
        if row is None:
            return None
        held = await session.scalar(select(User.held_since).where(User.id == row[1]))
        if held is None:
            return Claimed(*row)
        await session.execute(
            update(Delivery).where(Delivery.id == row[0]).values(status=SKIPPED, done_at=now)
        )


async def record_outcome(
    session: AsyncSession, *, delivery_id: int, user_id: int, status: str, now: datetime
) -> None:
    """What became of a claimed row; a block also marks the person (skipped from then on)."""
    if status not in FINISHED and status != PENDING:
        raise ValueError(status)
    await session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.status.in_((CLAIMED, DOUBT)))
        .values(status=status, done_at=None if status == PENDING else now)
    )
    if status == BLOCKED:
        await set_blocked(session, user_ids=[user_id], blocked=True)


async def progress(session: AsyncSession, *, announcement_id: int) -> Progress:
    """Sent / not delivered / left (and in doubt) for one announcement, in one query."""
    rows = await session.execute(
        select(Delivery.status, func.count())
        .where(Delivery.announcement_id == announcement_id)
        .group_by(Delivery.status)
    )
    counts = dict(rows.all())
    left = counts.get(PENDING, 0) + counts.get(CLAIMED, 0)
    not_delivered = sum(counts.get(s, 0) for s in (FAILED, BLOCKED, SKIPPED, STOPPED))
    total = sum(counts.values())
    return Progress(total, counts.get(SENT, 0), not_delivered, left, counts.get(DOUBT, 0))


async def finish(
    session: AsyncSession, *, announcement_id: int, owner: str, now: datetime
) -> bool:
    """Mark the announcement done when nothing is left; release the lease either way."""
    left = await session.scalar(
        select(func.count())
        .select_from(Delivery)
        .where(
            Delivery.announcement_id == announcement_id,
            Delivery.status.in_((PENDING, CLAIMED)),
        )
    )
    values: dict = {"lease_owner": None, "lease_until": None}
    if not left:
        values.update(status=DONE, finished_at=now)
    await session.execute(
        update(Announcement)
        .where(
            Announcement.id == announcement_id,
            Announcement.lease_owner == owner,
            Announcement.status == SENDING,
        )
        .values(**values)
    )
    return not left


async def any_sending(session: AsyncSession) -> bool:
    """Whether some announcement is still being sent (by anyone)."""
    found = await session.scalar(select(Announcement.id).where(Announcement.status == SENDING))
    return found is not None


async def list_announcements(session: AsyncSession, *, limit: int = 20) -> list[Announcement]:
    rows = await session.execute(
        select(Announcement).order_by(Announcement.id.desc()).limit(limit)
    )
    return list(rows.scalars())
