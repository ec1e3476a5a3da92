"""Announcements and their durable outbox: one row per recipient, claimed one at a time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..types import BigIntPK, UTCDateTime, utcnow
from .base import NULLIFY, Base, owned_by_person, person

# Announcement status. `scheduled` waits for `scheduled_for`; the worker then queues it.
DRAFT, SCHEDULED, SENDING, DONE, CANCELLED = "draft", "scheduled", "sending", "done", "cancelled"

# Delivery status. `sending` is claimed and about to be (or being) sent; after a crash such a
# row is `doubt`: it may or may not have reached the person, and it is not sent again.
PENDING, CLAIMED, SENT, FAILED, BLOCKED, SKIPPED, DOUBT, STOPPED = (
    "pending",
    "sending",
    "sent",
    "failed",
    "blocked",
    "skipped",
    "doubt",
    "stopped",
)


class Announcement(Base):
    """A message from the admins to everyone who opted in, in one text per language."""

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    created_by: Mapped[int | None] = mapped_column(BigInteger, info=person(NULLIFY))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(12), default=DRAFT, index=True)
    texts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Where progress is shown: the admin's private chat and the message edited in place.
    admin_chat_id: Mapped[int | None] = mapped_column(BigInteger, info=person(NULLIFY))
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger)
    language: Mapped[str] = mapped_column(String(8))
    total: Mapped[int] = mapped_column(Integer, default=0)
    # The one worker (of all replicas) delivering it, until `lease_until`.
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who receives it (core/announce/audience.py): countries, regions, age bands, languages;
    # empty means everyone who opted in. A poll's share-back names the poll instead.
    audience: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    scheduled_for: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Buttons under the text, per language: [[label, callback data], …] rows (a poll's options).
    buttons: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class AnnouncementDelivery(Base):
    """One recipient of one announcement, and what became of their message."""

    __tablename__ = "announcement_deliveries"
    __table_args__ = (
        UniqueConstraint("announcement_id", "user_id"),
        Index("ix_announcement_deliveries_announcement_id_status", "announcement_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    announcement_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("announcements.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = owned_by_person(index=True)
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(8), default=PENDING)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
