"""Quiz play in groups: one run per chat, its polls, and how it ends.

Private play (the default): anonymous polls; Telegram sends only each poll's counts, kept on
the poll's row, and the end shows per question how many answered and the share right. Named
play (a leader's choice): players' first names and scores live in `quiz_group_players` only
while the run lasts, for a leaderboard of first names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ...db.dialects import insert_for
from ...db.models.quiz import ACTIVE, FINISHED, QuizGroupPlayer, QuizGroupPoll, QuizGroupRun
from ..errors import DomainError
from . import add_counts, count_answer, find_quiz
from .content import Question, Quiz

MAX_FIRST_NAME = 64


class QuizAlreadyRunning(DomainError):
    """A group quiz is already running in this chat."""


class NoQuizRunning(DomainError):
    """There is no group quiz running in this chat."""


@dataclass(frozen=True)
class Standing:
    rank: int
    first_name: str
    score: int


@dataclass(frozen=True)
class QuestionResult:
    """How a group did on one question of private play: counts only."""

    index: int
    answers: int
    correct: int


@dataclass(frozen=True)
class RunView:
    """A group run as plain values, safe to use after the session has closed."""

    id: int
    chat_id: int
    quiz_id: str
    language: str
    position: int
    named: bool = False


@dataclass(frozen=True)
class Step:
    """What to do next in a group run: close a poll, then post a question or the leaderboard."""

    run: RunView
    close_message_id: int | None
    next_index: int | None = None
    standings: tuple[Standing, ...] | None = None
    asked: int = 0
    # Private play: per question asked, how many answered and how many right.
    results: tuple[QuestionResult, ...] | None = None


def _view(run: QuizGroupRun) -> RunView:
    return RunView(
        run.id, run.chat_id, run.quiz_id, run.language, run.position, bool(run.named)
    )


async def active_run(session: AsyncSession, *, chat_id: int) -> QuizGroupRun | None:
    return await session.scalar(
        select(QuizGroupRun)
        .where(QuizGroupRun.chat_id == chat_id, QuizGroupRun.status == ACTIVE)
        .order_by(QuizGroupRun.id.desc())
        .limit(1)
        .with_for_update()
    )


async def active_runs(session: AsyncSession) -> list[RunView]:
    """Every running group quiz (to pick them up again after a restart)."""
    runs = await session.scalars(select(QuizGroupRun).where(QuizGroupRun.status == ACTIVE))
    return [_view(run) for run in runs]


async def start_run(
    session: AsyncSession,
    *,
    chat_id: int,
    quiz: Quiz,
    language: str,
    started_by: int,
    now: datetime,
    named: bool = False,
) -> RunView:
    """Start `quiz` in a group chat at question 1; one run per chat at a time. Private play
    unless `named`."""
    if await active_run(session, chat_id=chat_id) is not None:
        raise QuizAlreadyRunning(chat_id)
    run = QuizGroupRun(
        chat_id=chat_id,
        quiz_id=quiz.id,
        language=language,
        started_by=started_by,
        named=named,
        position=0,
        status=ACTIVE,
        started_at=now,
    )
    session.add(run)
    await session.flush()
    return _view(run)


async def record_poll(
    session: AsyncSession,
    *,
    run_id: int,
    poll_id: str,
    index: int,
    question: Question,
    correct_option: int,
    message_id: int,
) -> None:
    """Remember a posted poll, so its answers can be scored: `correct_option` is the right
    option's position in the poll as posted (the options may have been shuffled)."""
    session.add(
        QuizGroupPoll(
            poll_id=poll_id,
            run_id=run_id,
            question_index=index,
            question_id=question.id,
            correct_option=correct_option,
            message_id=message_id,
        )
    )


async def record_poll_answer(
    session: AsyncSession,
    *,
    poll_id: str,
    user_id: int,
    first_name: str,
    option_ids: Sequence[int],
) -> bool:
    """Score one answer to a running named quiz poll; each person counts once per question.
    (Private play's polls are anonymous: Telegram sends no answers, and none is taken.)"""
    row = (
        await session.execute(
            select(QuizGroupPoll, QuizGroupRun.quiz_id)
            .join(QuizGroupRun, QuizGroupRun.id == QuizGroupPoll.run_id)
            .where(
                QuizGroupPoll.poll_id == poll_id,
                QuizGroupRun.status == ACTIVE,
                QuizGroupRun.named.is_(True),
            )
        )
    ).first()
    if row is None or not option_ids:
        return False
    poll, quiz_id = row
    correct = option_ids[0] == poll.correct_option
    await session.execute(
        insert_for(session, QuizGroupPlayer)
        .values(
            run_id=poll.run_id,
            user_id=user_id,
            first_name=first_name[:MAX_FIRST_NAME],
            score=0,
            last_answered=-1,
        )
        .on_conflict_do_nothing(index_elements=["run_id", "user_id"])
    )
    scored = await session.execute(
        update(QuizGroupPlayer)
        .where(
            QuizGroupPlayer.run_id == poll.run_id,
            QuizGroupPlayer.user_id == user_id,
            QuizGroupPlayer.last_answered < poll.question_index,
        )
        .values(
            score=QuizGroupPlayer.score + (1 if correct else 0),
            last_answered=poll.question_index,
        )
    )
    if scored.rowcount != 1:
        return False
    await count_answer(
        session, quiz_id=quiz_id, question_id=poll.question_id, correct=correct, user_id=user_id
    )
    return True


async def record_poll_counts(
    session: AsyncSession, *, poll_id: str, answers: int, votes: Sequence[int]
) -> bool:
    """Keep the latest counts of a private run's anonymous poll (`votes`: per option, as
    posted); counts only go up, so a late or repeated update cannot lower them."""
    poll = await session.scalar(
        select(QuizGroupPoll)
        .join(QuizGroupRun, QuizGroupRun.id == QuizGroupPoll.run_id)
        .where(
            QuizGroupPoll.poll_id == poll_id,
            QuizGroupRun.status == ACTIVE,
            QuizGroupRun.named.is_(False),
        )
        .with_for_update()
    )
    if poll is None or not 0 <= poll.correct_option < len(votes):
        return False
    poll.answers = max(poll.answers, answers)
    poll.correct_answers = max(poll.correct_answers, min(votes[poll.correct_option], answers))
    return True


async def advance_run(
    session: AsyncSession, *, run_id: int, position: int, quizzes: Sequence[Quiz], now: datetime
) -> Step | None:
    """Move a run past question `position`: the next question, or the end with a leaderboard.

    None when the run has already moved on or ended (the timer and /next may both try).
    """
    run = await session.get(QuizGroupRun, run_id, with_for_update=True)
    if run is None or run.status != ACTIVE or run.position != position:
        return None
    close = await _poll_message(session, run)
    quiz = find_quiz(quizzes, run.quiz_id)
    if quiz is not None and position + 1 < len(quiz.questions):
        run.position = position + 1
        return Step(_view(run), close, next_index=run.position)
    return await _finish(session, run, close, now)


async def stop_run(session: AsyncSession, *, chat_id: int, now: datetime) -> Step:
    """End the chat's running quiz now, with the leaderboard so far."""
    run = await active_run(session, chat_id=chat_id)
    if run is None:
        raise NoQuizRunning(chat_id)
    return await _finish(session, run, await _poll_message(session, run), now)


async def _poll_message(session: AsyncSession, run: QuizGroupRun) -> int | None:
    return await session.scalar(
        select(QuizGroupPoll.message_id).where(
            QuizGroupPoll.run_id == run.id, QuizGroupPoll.question_index == run.position
        )
    )


async def _finish(
    session: AsyncSession, run: QuizGroupRun, close: int | None, now: datetime
) -> Step:
    """The leaderboard (named play) or the counts per question (private play), then forget
    the players' names and the polls: the run is over."""
    results = None
    if not run.named:
        polls = (
            await session.execute(
                select(QuizGroupPoll.question_index, QuizGroupPoll.question_id,
                       QuizGroupPoll.answers, QuizGroupPoll.correct_answers)
                .where(QuizGroupPoll.run_id == run.id)
                .order_by(QuizGroupPoll.question_index)
            )
        ).all()
        results = tuple(QuestionResult(p.question_index, p.answers, p.correct_answers)
                        for p in polls)
        for p in polls:
            await add_counts(session, quiz_id=run.quiz_id, question_id=p.question_id,
                             answers=p.answers, correct=p.correct_answers)
    players = await session.execute(
        select(QuizGroupPlayer.first_name, QuizGroupPlayer.score)
        .where(QuizGroupPlayer.run_id == run.id)
        .order_by(QuizGroupPlayer.score.desc(), QuizGroupPlayer.first_name)
    )
    standings: list[Standing] = []
    for first_name, score in players:
        rank = len(standings) + 1
        if standings and standings[-1].score == score:
            rank = standings[-1].rank
        standings.append(Standing(rank, first_name, score))
    await session.execute(delete(QuizGroupPlayer).where(QuizGroupPlayer.run_id == run.id))
    await session.execute(delete(QuizGroupPoll).where(QuizGroupPoll.run_id == run.id))
    asked = run.position + 1 if close is not None else run.position
    run.status, run.finished_at = FINISHED, now
    return Step(
        _view(run), close, standings=tuple(standings), asked=asked, results=results
    )
