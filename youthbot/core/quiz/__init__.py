"""Quiz play in private chats: attempts, answers, progress and the badge; answer counters.

Every answer, private or in a group, adds to `quiz_question_stats` in the same transaction,
with one atomic upsert: the figures never need the personal rows, and survive their deletion.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, bindparam, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ...db.dialects import by_dialect
from ...db.models.quiz import (
    ACTIVE,
    FINISHED,
    STAT_SHARDS,
    QuizAnswer,
    QuizAttempt,
    QuizBadge,
    QuizPeopleStat,
    QuizQuestionStat,
)
from ..errors import DomainError
from .content import Question, Quiz


class StaleAnswer(DomainError):
    """The button is not (or no longer) this person's current question: nothing changes."""


def find_quiz(quizzes: Sequence[Quiz], quiz_id: str) -> Quiz | None:
    return next((quiz for quiz in quizzes if quiz.id == quiz_id), None)


async def count_answer(
    session: AsyncSession,
    *,
    quiz_id: str,
    question_id: str,
    correct: bool,
    user_id: int,
    first: bool = False,
) -> None:
    """Add one answer (and one right answer if `correct`) to the question's counters, in the
    counter row of the answering person's shard (nothing of the person is stored); `first`:
    it was given in the person's first attempt at the quiz, so it counts among people too."""
    await session.execute(
        _COUNT_ANSWER(session),
        {
            "quiz_id": quiz_id,
            "question_id": question_id,
            "shard": user_id % STAT_SHARDS,
            "right": 1 if correct else 0,
            "first": 1 if first else 0,
            "first_right": 1 if first and correct else 0,
        },
    )


def _count_answer(insert):
    """Built once per dialect: every answer in every quiz runs it. On the table, not the ORM
    class: an ORM-enabled INSERT goes through the ORM's bulk machinery, which took half of
    the answer's time."""
    right = bindparam("right", type_=Integer)
    first = bindparam("first", type_=Integer)
    first_right = bindparam("first_right", type_=Integer)
    stats = QuizQuestionStat.__table__
    return (
        insert(stats)
        .values(
            quiz_id=bindparam("quiz_id"), question_id=bindparam("question_id"),
            shard=bindparam("shard", type_=Integer), answers=1, correct=right,
            first_answers=first, first_correct=first_right,
        )
        .on_conflict_do_update(
            index_elements=["quiz_id", "question_id", "shard"],
            set_={
                "answers": stats.c.answers + 1, "correct": stats.c.correct + right,
                "first_answers": stats.c.first_answers + first,
                "first_correct": stats.c.first_correct + first_right,
            },
        )
    )  # fmt: skip


async def count_finished(
    session: AsyncSession, *, quiz_id: str, retry: bool, region: str | None,
    age_band: str | None,
) -> None:
    """One more person finished `quiz_id` (in a first attempt or a retry), counted by region
    and age band only: no person is in the counter."""
    await session.execute(
        _COUNT_FINISHED(session),
        {
            "quiz_id": quiz_id, "attempt": "retry" if retry else "first",
            "region": region or "", "age_band": age_band or "",
        },
    )  # fmt: skip


def _count_finished(insert):
    people = QuizPeopleStat.__table__
    return (
        insert(people)
        .values(
            quiz_id=bindparam("quiz_id"), attempt=bindparam("attempt"),
            region=bindparam("region"), age_band=bindparam("age_band"), people=1,
        )
        .on_conflict_do_update(
            index_elements=["quiz_id", "attempt", "region", "age_band"],
            set_={"people": people.c.people + 1},
        )
    )  # fmt: skip


_COUNT_ANSWER = by_dialect(_count_answer)
_COUNT_FINISHED = by_dialect(_count_finished)


async def add_counts(
    session: AsyncSession, *, quiz_id: str, question_id: str, answers: int, correct: int
) -> None:
    """Add counts known only as totals (an anonymous group poll) to the question's figures."""
    if answers <= 0:
        return
    await session.execute(
        _ADD_COUNTS(session),
        {
            "quiz_id": quiz_id,
            "question_id": question_id,
            "shard": 0,
            "answers": answers,
            "right": max(0, min(correct, answers)),
        },
    )


def _add_counts(insert):
    answers = bindparam("answers", type_=Integer)
    right = bindparam("right", type_=Integer)
    stats = QuizQuestionStat.__table__
    return (
        insert(stats)
        .values(
            quiz_id=bindparam("quiz_id"), question_id=bindparam("question_id"),
            shard=bindparam("shard", type_=Integer), answers=answers, correct=right,
        )
        .on_conflict_do_update(
            index_elements=["quiz_id", "question_id", "shard"],
            set_={"answers": stats.c.answers + answers, "correct": stats.c.correct + right},
        )
    )


_ADD_COUNTS = by_dialect(_add_counts)


# Private play -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """A person's progress on one quiz: best finished score, and the open question if any."""

    best: int | None = None
    position: int | None = None

    @property
    def done(self) -> bool:
        return self.best is not None


async def quiz_progress(session: AsyncSession, *, user_id: int) -> dict[str, Progress]:
    """Progress per quiz id, in one query (quizzes never played are absent)."""
    rows = await session.execute(_PROGRESS, {"user_id": user_id})
    best: dict[str, int] = {}
    position: dict[str, int] = {}
    for quiz_id, status, score, at in rows:
        if status == FINISHED:
            best[quiz_id] = score
        elif status == ACTIVE:
            position[quiz_id] = at
    return {
        quiz_id: Progress(best.get(quiz_id), position.get(quiz_id))
        for quiz_id in best.keys() | position.keys()
    }


_ATTEMPTS = QuizAttempt.__table__
# On the table's columns: a select of ORM attributes is compiled through the ORM each time.
_PROGRESS = (
    select(
        _ATTEMPTS.c.quiz_id,
        _ATTEMPTS.c.status,
        func.max(_ATTEMPTS.c.score),
        func.max(_ATTEMPTS.c.position),
    )
    .where(_ATTEMPTS.c.user_id == bindparam("user_id"))
    .group_by(_ATTEMPTS.c.quiz_id, _ATTEMPTS.c.status)
)


async def start_attempt(
    session: AsyncSession, *, user_id: int, quiz: Quiz, now: datetime
) -> QuizAttempt:
    """The person's open attempt at `quiz` (to resume it), or a new one from question 1."""
    attempt = await session.scalar(
        select(QuizAttempt)
        .where(
            QuizAttempt.user_id == user_id,
            QuizAttempt.quiz_id == quiz.id,
            QuizAttempt.status == ACTIVE,
        )
        .order_by(QuizAttempt.id.desc())
        .limit(1)
    )
    if attempt is not None and attempt.position < len(quiz.questions):
        return attempt
    if attempt is not None:  # the quiz was shortened since: start again
        await session.delete(attempt)
    done_before = await session.scalar(
        select(func.count()).where(
            QuizAttempt.user_id == user_id,
            QuizAttempt.quiz_id == quiz.id,
            QuizAttempt.status == FINISHED,
        )
    )
    attempt = QuizAttempt(
        user_id=user_id, quiz_id=quiz.id, position=0, score=0, status=ACTIVE, started_at=now,
        retry=bool(done_before),
    )
    session.add(attempt)
    await session.flush()
    return attempt


@dataclass(frozen=True)
class AnswerResult:
    """What happened when a person answered: right or not, and where the quiz stands now."""

    quiz: Quiz
    question: Question
    index: int
    option: int
    correct: bool
    attempt_id: int
    score: int
    finished: bool
    badge: bool


async def answer_question(
    session: AsyncSession,
    *,
    attempt_id: int,
    user_id: int,
    index: int,
    option: int,
    quizzes: Sequence[Quiz],
    anonymous: bool,
    now: datetime,
    region: str | None = None,
    age_band: str | None = None,
) -> AnswerResult:
    """Record an answer to the current question of the person's own active attempt.

    Anything else (someone else's attempt, a finished one, another question, an option that
    does not exist) raises StaleAnswer and changes nothing. Core statements, not the ORM's
    unit of work: this is the busiest write of the bot, and the flush cost more than the rest
    of the turn. The attempt only moves on from the question it was read at, so a second
    press of the same button (or another replica's) cannot count twice.
    """
    row = (
        await session.execute(_READ_ATTEMPT, {"attempt_id": attempt_id, "user_id": user_id})
    ).first()
    quiz = find_quiz(quizzes, row.quiz_id) if row is not None else None
    if quiz is None or row.position != index or index >= len(quiz.questions):
        raise StaleAnswer(attempt_id)
    question = quiz.questions[index]
    if not 0 <= option < len(question.options):
        raise StaleAnswer(attempt_id)
    correct = option == question.correct
    finished = index + 1 >= len(quiz.questions)
    moved = await session.execute(
        _ADVANCE_ATTEMPT,
        {
            "attempt_id": attempt_id,
            "index": index,
            "right": 1 if correct else 0,
            "status": FINISHED if finished else ACTIVE,
            "finished_at": now if finished else None,
        },
    )
    if moved.rowcount != 1:
        raise StaleAnswer(attempt_id)
    if not anonymous:
        await session.execute(
            _INSERT_ANSWER,
            {
                "user_id": user_id,
                "quiz_id": quiz.id,
                "question_id": question.id,
                "option": option,
                "correct": correct,
                "answered_at": now,
            },
        )
    await count_answer(
        session, quiz_id=quiz.id, question_id=question.id, correct=correct, user_id=user_id,
        first=not row.retry,
    )
    badge = False
    if finished:
        await count_finished(
            session, quiz_id=quiz.id, retry=row.retry, region=region, age_band=age_band
        )
        if anonymous:
            await session.execute(_DELETE_ATTEMPT, {"attempt_id": attempt_id})
        else:
            badge = await _award_badge(session, user_id=user_id, quizzes=quizzes, now=now)
    score = row.score + (1 if correct else 0)
    return AnswerResult(quiz, question, index, option, correct, attempt_id, score, finished, badge)


_READ_ATTEMPT = select(
    _ATTEMPTS.c.quiz_id, _ATTEMPTS.c.position, _ATTEMPTS.c.score, _ATTEMPTS.c.retry
).where(
    _ATTEMPTS.c.id == bindparam("attempt_id"),
    _ATTEMPTS.c.user_id == bindparam("user_id"),
    _ATTEMPTS.c.status == ACTIVE,
)
_ADVANCE_ATTEMPT = (
    update(_ATTEMPTS)
    .where(
        _ATTEMPTS.c.id == bindparam("attempt_id"),
        _ATTEMPTS.c.position == bindparam("index"),
        _ATTEMPTS.c.status == ACTIVE,
    )
    .values(
        position=_ATTEMPTS.c.position + 1,
        score=_ATTEMPTS.c.score + bindparam("right", type_=Integer),
        status=bindparam("status"),
        finished_at=bindparam("finished_at"),
    )
)
_INSERT_ANSWER = insert(QuizAnswer.__table__)
_DELETE_ATTEMPT = delete(_ATTEMPTS).where(_ATTEMPTS.c.id == bindparam("attempt_id"))


async def _award_badge(
    session: AsyncSession, *, user_id: int, quizzes: Sequence[Quiz], now: datetime
) -> bool:
    """Give the badge when every quiz has been finished at least once; True only the first time."""
    await session.flush()
    finished = set(
        await session.scalars(
            select(QuizAttempt.quiz_id)
            .where(QuizAttempt.user_id == user_id, QuizAttempt.status == FINISHED)
            .distinct()
        )
    )
    if not {quiz.id for quiz in quizzes} <= finished:
        return False
    if await session.get(QuizBadge, user_id) is not None:
        return False
    session.add(QuizBadge(user_id=user_id, awarded_at=now))
    return True


async def open_position(session: AsyncSession, *, attempt_id: int, user_id: int) -> int | None:
    """The question this person's open attempt waits on; None when it is not open (or not
    theirs)."""
    attempt = await session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.user_id != user_id or attempt.status != ACTIVE:
        return None
    return attempt.position
