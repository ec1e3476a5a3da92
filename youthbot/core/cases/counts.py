"""Counting help cases into anonymous figures (`case_figures`) as things happen to them.

Each case is counted under the UTC month it opened: its topic, place, urgency, age band and
for whom when it opens; the time to its first claim and first staff reply when they happen;
its outcome and time to close when it ends (taken back if it is reopened, so a case counts
once, with its last outcome); the "did it help?" answer when given (the latest one counts).
Nothing of the person is kept, so retention and "delete my data" leave the figures whole.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from ...db.dialects import by_dialect
from ...db.models import Case, CaseFigure, User

# Upper bounds (minutes) of the time buckets: fine where answers usually fall, coarse later.
TIME_BUCKETS = (
    1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 75, 90, 120, 150, 180, 240,
    300, 360, 480, 600, 720, 960, 1440, 2160, 2880, 4320, 5760, 7200, 10080, 14400, 20160,
    30240, 43200,
)  # fmt: skip
OVER = "over"  # longer than the last bucket
CLAIM, REPLY, CLOSE = "claim", "reply", "close"
NOT_SAID = "-"
FALLBACK_TEAM = "main"  # core/cases/teams.FALLBACK (not imported: teams imports help)


def month_of(moment: datetime) -> date:
    return date(moment.year, moment.month, 1)


def bucket(start: datetime, end: datetime) -> str:
    """The time bucket (its upper bound in minutes, as text) of the time between two moments."""
    minutes = max(0.0, (end - start).total_seconds() / 60)
    return next((str(edge) for edge in TIME_BUCKETS if minutes <= edge), OVER)


def _upsert(insert_):
    table = CaseFigure.__table__
    return (
        insert_(table)
        .values(
            month=bindparam("month"), measure=bindparam("measure"), value=bindparam("value"),
            count=bindparam("delta"),
        )
        .on_conflict_do_update(
            index_elements=["month", "measure", "value"],
            set_={"count": table.c.count + insert_(table).excluded.count},
        )
    )  # fmt: skip


_UPSERT = by_dialect(_upsert)


async def add_counts(
    session: AsyncSession, month: date, counts: list[tuple[str, str, int]]
) -> None:
    """Add each (measure, value, delta) to the month's counters, in one statement. Rows are
    always locked in the same order (sorted), so two transactions cannot deadlock on them."""
    if not counts:
        return
    statement = _UPSERT(session)
    await session.execute(
        statement,
        [
            {"month": month, "measure": m, "value": v[:48], "delta": d}
            for m, v, d in sorted(counts)
        ],
    )


TEAM_PREFIX = "t:"  # a team's own copy of a measure: value "team/value" (see _add_for)


def team_measure(measure: str) -> str:
    return TEAM_PREFIX + measure


async def _add_for(session: AsyncSession, case: Case, counts: list[tuple[str, str, int]]) -> None:
    """Count for the month the case opened; a case of a team (other than the fallback) is
    counted again under its team ("t:topic", "peru/violence_home"), for /casestats there."""
    if case.team and case.team != FALLBACK_TEAM:
        counts = counts + [
            (team_measure(measure), f"{case.team}/{value}", delta)
            for measure, value, delta in counts
        ]
    await add_counts(session, month_of(case.opened_at), counts)


def _urgency(urgent: bool) -> str:
    return "urgent" if urgent else "normal"


async def count_opened(session: AsyncSession, case: Case) -> None:
    """A new case: one more, by topic, country, region, urgency, age band and for whom.
    The age band is read from the person's row now (under-14s keep theirs too)."""
    band = await session.scalar(select(User.age_band).where(User.id == case.user_id))
    country = case.country or NOT_SAID
    region = f"{country}/{case.region}" if case.region else f"{country}/{NOT_SAID}"
    await _add_for(
        session,
        case,
        [
            ("cases", "all", 1),
            ("topic", case.topic, 1),
            ("country", country, 1),
            ("region", region, 1),
            ("urgency", _urgency(case.urgent), 1),
            ("age", band or NOT_SAID, 1),
            ("whom", case.for_whom, 1),
        ],
    )


async def count_urgent(session: AsyncSession, case: Case) -> None:
    """The case became urgent after it opened: it moves from normal to urgent."""
    await _add_for(
        session, case, [("urgency", "normal", -1), ("urgency", "urgent", 1)]
    )


async def count_claimed(session: AsyncSession, case: Case, *, now: datetime) -> None:
    """The first claim of a case (claims after a hand-over or a reopening do not count)."""
    if case.first_claimed_at is not None:
        return
    case.first_claimed_at = now
    await _add_for(session, case, [(CLAIM, bucket(case.opened_at, now), 1)])


async def count_reply(session: AsyncSession, case: Case, *, now: datetime) -> None:
    """The first message from staff relayed to the person."""
    if case.first_reply_at is not None:
        return
    case.first_reply_at = now
    await _add_for(session, case, [(REPLY, bucket(case.opened_at, now), 1)])


async def count_finished(session: AsyncSession, case: Case, *, sign: int = 1) -> None:
    """The case ended (`sign` 1) or its ending is taken back because it reopened (-1): its
    outcome ("withdrawn" when the person ended it) and, when staff closed it, the time."""
    counts = [("outcome", case.outcome or case.status, sign)]
    if case.outcome and case.closed_at is not None:
        counts.append((CLOSE, bucket(case.opened_at, case.closed_at), sign))
    await _add_for(session, case, counts)


async def count_feedback(session: AsyncSession, case: Case, *, answer: str) -> None:
    """The person's "did it help?" answer; a changed answer replaces the earlier one."""
    if case.feedback == answer:
        return
    counts = [("feedback", answer, 1)]
    if case.feedback:
        counts.append(("feedback", case.feedback, -1))
    await _add_for(session, case, counts)
