"""Replies that must survive a crash (the outbox) and the bot's one send budget.

An `OutboxMessage` is written in the turn's own transaction and deleted once Telegram took it
(or the person's quick exit held or dropped it): a row that is still here after its lease
expired was left by a process that died between the commit and the send, and is sent again
(at least once). The `SendBudget` row is the schedule of Telegram's ~30 messages a second,
shared by every replica: each message claims the next slot with one atomic UPDATE.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Double, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..types import BigIntPK, UTCDateTime
from .base import Base, owned_by_person


class OutboxMessage(Base):
    """One message to send at least once: to a person (`chat_id` is theirs) or a staff chat."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_lease_until", "lease_until"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    # The person the message is for, or (in the staff chat) whose words it carries: the row
    # goes with their data, and their quick exit holds it.
    user_id: Mapped[int | None] = owned_by_person(index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    reply_to: Mapped[int | None] = mapped_column(BigInteger)
    edit_of: Mapped[int | None] = mapped_column(BigInteger)  # a message to replace instead
    text: Mapped[str] = mapped_column(Text)
    # The inline keyboard and entities as the Bot API's JSON.
    markup: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    entities: Mapped[list[Any] | None] = mapped_column(JSON)
    priority: Mapped[int] = mapped_column(Integer)
    keep: Mapped[bool] = mapped_column(default=False)  # kept for a held person, or dropped
    # What to do once sent (a registered name and its arguments): e.g. remember the staff
    # chat's copy of a case message, so it is deleted with the person's data.
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lease_owner: Mapped[str | None] = mapped_column(String(60))
    lease_until: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class SendBudget(Base):
    """The next free sending slot (seconds since the epoch) of one budget ("telegram")."""

    __tablename__ = "send_budget"

    name: Mapped[str] = mapped_column(String(16), primary_key=True)
    next_slot: Mapped[float] = mapped_column(Double)
