"""A person's rights over their data, besides deletion: see everything kept about them, become
anonymous (withdrawing agreement, or choosing the under-14 age group) without deleting the
account.

What is kept depends on the age group and the agreement (`users.is_anonymous`): anonymous
people keep their account row (id, language, days first and last seen, their answer to the
notice, an age group if given), their help cases, and short-lived rows everyone has (message
ids for quick exit, a form's state). Quiz answers, attempts and the badge, activities joined,
a region and notification choices are kept only for people who agreed and are 14 or older.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ...db.models import (
    Activity,
    ActivityJoin,
    ActivityReport,
    Case,
    CaseMessage,
    QuizAnswer,
    QuizAttempt,
    QuizBadge,
    User,
)
from ...db.models.quiz import FINISHED
from ..cases import NOTE, PERSON, STAFF


@dataclass(frozen=True)
class QuizKept:
    quiz_id: str
    best: int | None
    answers: int
    open_attempt: bool


@dataclass(frozen=True)
class CaseKept:
    number: str
    status: str
    opened_on: date
    from_person: int
    from_team: int
    notes: int


@dataclass(frozen=True)
class ActivityKept:
    title: str | None
    status: str
    starts_at: datetime | None


@dataclass
class Kept:
    """Everything the database holds about one person (their own rows, not the figures)."""

    user: User
    quizzes: list[QuizKept] = field(default_factory=list)
    badge: bool = False
    joined: list[ActivityKept] = field(default_factory=list)
    cases: list[CaseKept] = field(default_factory=list)
    registered: list[ActivityKept] = field(default_factory=list)
    reports: int = 0


async def what_we_keep(session: AsyncSession, *, user: User) -> Kept:
    """Read every row about `user`: quiz progress, badge, joins, cases, registrations."""
    kept = Kept(user=user)
    answers = dict(
        (
            await session.execute(
                select(QuizAnswer.quiz_id, func.count())
                .where(QuizAnswer.user_id == user.id)
                .group_by(QuizAnswer.quiz_id)
            )
        ).all()
    )
    best: dict[str, int] = {}
    open_: set[str] = set()
    for quiz_id, status, score in await session.execute(
        select(QuizAttempt.quiz_id, QuizAttempt.status, QuizAttempt.score).where(
            QuizAttempt.user_id == user.id
        )
    ):
        if status == FINISHED:
            best[quiz_id] = max(score, best.get(quiz_id, 0))
        else:
            open_.add(quiz_id)
    kept.quizzes = [
        QuizKept(quiz_id, best.get(quiz_id), answers.get(quiz_id, 0), quiz_id in open_)
        for quiz_id in sorted(best.keys() | open_ | answers.keys())
    ]
    kept.badge = await session.get(QuizBadge, user.id) is not None
    kept.joined = [
        ActivityKept(title, status, starts_at)
        for title, status, starts_at in await session.execute(
            select(Activity.title, Activity.status, Activity.starts_at)
            .join(ActivityJoin, ActivityJoin.activity_id == Activity.id)
            .where(ActivityJoin.user_id == user.id)
            .order_by(Activity.starts_at)
        )
    ]
    cases = (
        await session.execute(
            select(Case.id, Case.number, Case.status, Case.opened_at)
            .where(Case.user_id == user.id)
            .order_by(Case.opened_at)
        )
    ).all()
    counts: dict[tuple[int, str], int] = {}
    if cases:
        for case_id, sender, count in await session.execute(
            select(CaseMessage.case_id, CaseMessage.sender, func.count())
            .where(
                CaseMessage.case_id.in_([c.id for c in cases]), CaseMessage.text.is_not(None)
            )
            .group_by(CaseMessage.case_id, CaseMessage.sender)
        ):
            counts[(case_id, sender)] = count
    kept.cases = [
        CaseKept(
            c.number,
            c.status,
            c.opened_at.date(),
            counts.get((c.id, PERSON), 0),
            counts.get((c.id, STAFF), 0),
            counts.get((c.id, NOTE), 0),
        )
        for c in cases
    ]
    kept.registered = [
        ActivityKept(title, status, starts_at)
        for title, status, starts_at in await session.execute(
            select(Activity.title, Activity.status, Activity.starts_at)
            .where(Activity.leader_id == user.id)
            .order_by(Activity.created_at)
        )
    ]
    kept.reports = (
        await session.scalar(
            select(func.count())
            .select_from(ActivityReport)
            .where(ActivityReport.reporter_id == user.id)
        )
        or 0
    )
    return kept


async def forget_answers(session: AsyncSession, *, user_id: int) -> None:
    """Delete what only people who agreed and are 14 or older keep: quiz answers, attempts and
    badge, and activities joined. Cases, a role and what a role registered stay."""
    for model in (QuizAnswer, QuizAttempt, QuizBadge, ActivityJoin):
        await session.execute(delete(model).where(model.user_id == user_id))


async def make_anonymous(session: AsyncSession, *, user: User, withdraw: bool) -> None:
    """The person keeps only what anonymous people keep (see the module's docstring).

    `withdraw`: they took back their agreement (it and their age group go); otherwise they
    chose the under-14 age group (their agreement and age group stay)."""
    await forget_answers(session, user_id=user.id)
    user.region = None
    user.country = None
    user.notify_announcements = False
    if withdraw:
        user.consent_version = None
        user.consent_at = None
        user.age_band = None
