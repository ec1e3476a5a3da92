"""Safeguarding tables: message ids for quick exit, and when a danger interrupt was last shown.

Both hold no text and are short-lived: tracked message ids are forgotten after 48 hours (bots
cannot delete older messages anyway), danger notices after a few minutes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from ..types import BigIntPK, UTCDateTime, utcnow
from .base import DELETE, Base, person


class TrackedMessage(Base):
    """A message in a private chat (either side) that quick exit may delete."""

    __tablename__ = "tracked_messages"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    # A private chat's id is the person's Telegram id.
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True, info=person(DELETE))
    message_id: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class DangerNotice(Base):
    """When a person was last shown the danger interrupt (and for what kind of danger), so it
    is not repeated at once."""

    __tablename__ = "danger_notices"

    user_id: Mapped[int] = mapped_column(
        BigInteger, primary_key=True, autoincrement=False, info=person(DELETE)
    )
    category: Mapped[str] = mapped_column(String(16))
    shown_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
