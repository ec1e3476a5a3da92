"""Opinion polls: the question, who answered (a marker, never what), and anonymous counters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..types import BigIntPK, UTCDateTime, utcnow
from .base import NULLIFY, Base, owned_by_person, person

OPEN, CLOSED = "open", "closed"


class Poll(Base):
    """A question with options, one text per language, asked of an announcement's audience."""

    __tablename__ = "polls"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    created_by: Mapped[int | None] = mapped_column(BigInteger, info=person(NULLIFY))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # {language: question}, and a list of {language: option}
    question: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    options: Mapped[list[Any]] = mapped_column(JSON, default=list)
    audience: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(8), default=OPEN)
    # The announcements that ask it and that share the results back.
    announcement_id: Mapped[int | None] = mapped_column(BigInteger)
    results_announcement_id: Mapped[int | None] = mapped_column(BigInteger)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PollResponder(Base):
    """This person has answered this poll (not what: the answer is only a counter)."""

    __tablename__ = "poll_responders"

    poll_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = owned_by_person(primary_key=True)


class PollCount(Base):
    """How many chose an option, by region ("PE/puno", "-" unknown) and age band."""

    __tablename__ = "poll_counts"

    poll_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True
    )
    option: Mapped[int] = mapped_column(Integer, primary_key=True)
    region: Mapped[str] = mapped_column(String(40), primary_key=True)
    age_band: Mapped[str] = mapped_column(String(8), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
