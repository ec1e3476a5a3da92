"""The directory's state kept in the database: admins' re-vetting of a service, and the
review alerts already sent (so a restart or a second replica never repeats one)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from ..types import UTCDateTime, utcnow
from .base import NULLIFY, Base, person


class ServiceReview(Base):
    """The latest re-vetting of a service by an admin, winning over the file's dates when
    later than them (the history is in the audit log)."""

    __tablename__ = "service_reviews"

    service_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    vetted_on: Mapped[date] = mapped_column(Date)
    review_due: Mapped[date] = mapped_column(Date)
    vetted_by: Mapped[int | None] = mapped_column(BigInteger, info=person(NULLIFY))
    note: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ServiceAlert(Base):
    """One alert about a service sent to staff; the key says which (a threshold before its
    review date, one overdue day, one day of falling back), so each is sent once."""

    __tablename__ = "service_alerts"

    service_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    alert: Mapped[str] = mapped_column(String(40), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
