"""Quiz tables: private attempts and answers, badges, group runs, and anonymous counters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..types import BigIntPK, UTCDateTime, utcnow
from .base import DELETE, NULLIFY, Base, owned_by_person, person

ACTIVE = "active"
FINISHED = "finished"


class QuizAttempt(Base):
    """One play of a quiz by one person: where they are and their score so far.

    Kept in the database (not in chat_states) so that /menu, /cancel or a restart resume at
    the same question. Anonymous people's attempts are deleted when the quiz ends.
    """

    __tablename__ = "quiz_attempts"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = owned_by_person(index=True)
    quiz_id: Mapped[str] = mapped_column(String(24))
    position: Mapped[int] = mapped_column(Integer, default=0)
    score: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(12), default=ACTIVE)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The person had finished this quiz before: its answers count as a retry, apart.
    retry: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class QuizAnswer(Base):
    """One answer given in a private quiz (not kept for anonymous people)."""

    __tablename__ = "quiz_answers"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = owned_by_person(index=True)
    quiz_id: Mapped[str] = mapped_column(String(24))
    question_id: Mapped[str] = mapped_column(String(12))
    option: Mapped[int] = mapped_column(Integer)
    correct: Mapped[bool] = mapped_column(Boolean)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# Counter rows per question: answers of different people go to different rows, so a class
# playing the same quiz at once does not queue on one row lock (measured on PostgreSQL).
STAT_SHARDS = 16


class QuizQuestionStat(Base):
    """How many answers a question got and how many were right: no person in it.

    Counted at answer time so the figures survive people deleting their data, and so that
    figures never read personal rows. A question's figures are the sum over its `shard` rows
    (the shard is the answering account's id modulo `STAT_SHARDS`, and says nothing more).
    """

    __tablename__ = "quiz_question_stats"

    quiz_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(12), primary_key=True)
    shard: Mapped[int] = mapped_column(Integer, primary_key=True, default=0)
    answers: Mapped[int] = mapped_column(Integer, default=0)
    correct: Mapped[int] = mapped_column(Integer, default=0)
    # The same, for answers given in a first attempt only (one per person and question).
    first_answers: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    first_correct: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class QuizPeopleStat(Base):
    """How many people finished a quiz, by first attempt or retry, region and age band: a
    counter with no person in it, added to when an attempt finishes ("" = not said)."""

    __tablename__ = "quiz_people_stats"

    quiz_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    attempt: Mapped[str] = mapped_column(String(8), primary_key=True)  # "first" or "retry"
    region: Mapped[str] = mapped_column(String(32), primary_key=True, default="")
    age_band: Mapped[str] = mapped_column(String(8), primary_key=True, default="")
    people: Mapped[int] = mapped_column(Integer, default=0)


class QuizBadge(Base):
    """The badge for completing every quiz, given once."""

    __tablename__ = "quiz_badges"

    user_id: Mapped[int] = owned_by_person(primary_key=True, autoincrement=False)
    awarded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class QuizGroupRun(Base):
    """A quiz played in a group chat with native quiz polls, one question at a time."""

    __tablename__ = "quiz_group_runs"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    # A group's chat id (negative), never a person's.
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    quiz_id: Mapped[str] = mapped_column(String(24))
    language: Mapped[str] = mapped_column(String(8))
    started_by: Mapped[int | None] = mapped_column(BigInteger, info=person(NULLIFY))
    # Named play (chosen by the leader): non-anonymous polls, first names on the leaderboard.
    # Otherwise polls are anonymous and the end shows only counts per question.
    named: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    position: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(12), default=ACTIVE, index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class QuizGroupPoll(Base):
    """A quiz poll the bot posted: which run and question it belongs to, and the right option."""

    __tablename__ = "quiz_group_polls"

    poll_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    run_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("quiz_group_runs.id", ondelete="CASCADE"), index=True
    )
    question_index: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[str] = mapped_column(String(12))
    correct_option: Mapped[int] = mapped_column(Integer)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    # An anonymous poll's latest counts (Telegram sends them as `poll` updates): no person.
    answers: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    correct_answers: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class QuizGroupPlayer(Base):
    """Someone answering a group quiz: first name and score, deleted when the run ends."""

    __tablename__ = "quiz_group_players"

    run_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("quiz_group_runs.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    )
    user_id: Mapped[int] = mapped_column(
        BigInteger, primary_key=True, autoincrement=False, info=person(DELETE)
    )
    first_name: Mapped[str] = mapped_column(String(64))
    score: Mapped[int] = mapped_column(Integer, default=0)
    last_answered: Mapped[int] = mapped_column(Integer, default=-1)
