"""Opinion polls: ask an announcement's audience a question, count the answers anonymously,
close, and share the results back with those who answered.

What is stored about an answer: a marker that this person answered this poll (so nobody
answers twice; deleted with the person) and +1 on a counter of (option, region, age band).
Never who chose what. So an answer cannot be changed: nobody knows which counter to take
it back from.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ...db.dialects import insert_for
from ...db.models import Announcement, AnnouncementDelivery, User
from ...db.models.polls import CLOSED, OPEN, Poll, PollCount, PollResponder
from .. import announce
from ..announce.audience import Audience, region_key
from ..errors import NotFound


class PollClosed(Exception):
    """The poll no longer takes answers."""


class AlreadyAnswered(Exception):
    """This person answered this poll already (one answer each, final)."""


class NotAsked(Exception):
    """The poll was not sent to this person (a forged or foreign button)."""


async def create_poll(
    session: AsyncSession,
    *,
    question: dict[str, str],
    options: list[dict[str, str]],
    audience: Audience,
    created_by: int | None,
    now: datetime,
) -> Poll:
    """A poll, open, not yet sent: one question and 2–10 options, each per language."""
    if not 2 <= len(options) <= 10:
        raise ValueError("a poll has 2 to 10 options")
    poll = Poll(
        created_by=created_by, created_at=now, question=dict(question),
        options=[dict(o) for o in options], audience=audience.to_json(), status=OPEN,
    )  # fmt: skip
    session.add(poll)
    await session.flush()
    return poll


async def prepare(
    session: AsyncSession,
    poll: Poll,
    *,
    language: str,
    buttons: dict[str, list],
    now: datetime,
    admin_chat_id: int | None = None,
):
    """The announcement draft that will ask the poll (its question, its option buttons, its
    audience): sent like any announcement, through the outbox."""
    draft = await announce.create_draft(
        session, created_by=poll.created_by, admin_chat_id=admin_chat_id, language=language,
        texts=poll.question, now=now, audience=Audience.from_json(poll.audience),
        buttons=buttons,
    )  # fmt: skip
    poll.announcement_id = draft.id
    return draft


async def ask(
    session: AsyncSession,
    poll: Poll,
    *,
    language: str,
    buttons: dict[str, list],
    now: datetime,
    at: datetime | None = None,
) -> int:
    """Send the poll through the announcement outbox (durable, paced, once each, quick-exit
    holds respected), now or `at`; the announcement's id."""
    draft = await prepare(session, poll, language=language, buttons=buttons, now=now)
    if at is None:
        await announce.start_sending(session, announcement_id=draft.id, actor_id=None, now=now)
    else:
        await announce.schedule(
            session, announcement_id=draft.id, at=at, actor_id=None, now=now
        )
    return draft.id


async def get_poll(session: AsyncSession, poll_id: int) -> Poll:
    poll = await session.get(Poll, poll_id)
    if poll is None:
        raise NotFound(str(poll_id))
    return poll


async def answer(session: AsyncSession, *, poll_id: int, option: int, user: User) -> Poll:
    """Count this person's answer once: the marker, then +1 on its counter."""
    poll = await get_poll(session, poll_id)
    if not 0 <= option < len(poll.options):
        raise NotFound(f"{poll_id}/{option}")
    if poll.status != OPEN:
        raise PollClosed(str(poll_id))
    asked = await session.scalar(
        select(AnnouncementDelivery.id).where(
            AnnouncementDelivery.announcement_id == poll.announcement_id,
            AnnouncementDelivery.user_id == user.id,
        )
    )
    if asked is None:
        raise NotAsked(str(poll_id))
    marked = await session.execute(
        insert_for(session, PollResponder)
        .values(poll_id=poll_id, user_id=user.id)
        .on_conflict_do_nothing()
    )
    if not marked.rowcount:
        raise AlreadyAnswered(str(poll_id))
    counter = insert_for(session, PollCount).values(
        poll_id=poll_id, option=option, region=region_key(user.country, user.region),
        age_band=user.age_band or "-", count=1,
    )  # fmt: skip
    await session.execute(
        counter.on_conflict_do_update(
            index_elements=["poll_id", "option", "region", "age_band"],
            set_={"count": PollCount.count + 1},
        )
    )
    return poll


async def close(session: AsyncSession, *, poll_id: int, now: datetime) -> Poll:
    """No more answers; the caller shares the results back (`share_back`)."""
    poll = await session.get(Poll, poll_id, with_for_update=True)
    if poll is None:
        raise NotFound(str(poll_id))
    if poll.status != OPEN:
        raise PollClosed(str(poll_id))
    poll.status, poll.closed_at = CLOSED, now
    if poll.announcement_id is not None:  # chosen on the draft's screen, maybe after creation
        asked = await session.get(Announcement, poll.announcement_id)
        if asked is not None and asked.audience is not None:
            poll.audience = dict(asked.audience)
    return poll


async def share_back(
    session: AsyncSession, poll: Poll, *, texts: dict[str, str], language: str, now: datetime
) -> int:
    """Queue the results (`texts`, per language) for the people who answered; how many."""
    draft = await announce.create_draft(
        session, created_by=None, admin_chat_id=None, language=language, texts=texts,
        now=now, audience=Audience(poll=poll.id),
    )  # fmt: skip
    poll.results_announcement_id = draft.id
    return await announce.start_sending(
        session, announcement_id=draft.id, actor_id=None, now=now
    )


async def counts(session: AsyncSession, poll_id: int) -> list[tuple[int, str, str, int]]:
    """(option, region, age band, count) rows of one poll."""
    rows = await session.execute(
        select(PollCount.option, PollCount.region, PollCount.age_band, PollCount.count)
        .where(PollCount.poll_id == poll_id)
        .order_by(PollCount.option, PollCount.region, PollCount.age_band)
    )
    return [tuple(row) for row in rows]


async def list_polls(session: AsyncSession, *, limit: int = 20) -> list[tuple[Poll, int]]:
    """The latest polls, each with how many answered (from the counters)."""
    answered = (
        select(func.coalesce(func.sum(PollCount.count), 0))
        .where(PollCount.poll_id == Poll.id)
        .scalar_subquery()
    )
    rows = await session.execute(
        select(Poll, answered).order_by(Poll.id.desc()).limit(limit)
    )
    return [(poll, int(total)) for poll, total in rows]
