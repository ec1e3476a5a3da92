"""Messages for a person that wait because they used quick exit (see core/safety/hold.py).

A held message is text the team or the bot wrote to the person (a moderator's reply, the
closing of their case, an activity's news), kept only until the person writes again and asks
to see it; it goes with the person's data.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..types import BigIntPK, UTCDateTime
from .base import Base, owned_by_person


class HeldMessage(Base):
    """One message waiting for a person who used quick exit, in the order it was written."""

    __tablename__ = "held_messages"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = owned_by_person(index=True)
    text: Mapped[str] = mapped_column(Text)
    # The inline keyboard as the Bot API's JSON (its buttons are re-checked when pressed).
    markup: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    held_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
