"""Campaign links: where a poster, a school talk or an activity's flyer sends people, and how
many arrived through each. Counters only: nothing about who arrived is stored."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..types import UTCDateTime, utcnow
from .base import Base


class Campaign(Base):
    """One link (`t.me/<bot>?start=c_<code>`) and what it opens: the menu, Get help, a quiz or
    an activity (`target` is "menu", "help", "quiz:<id>" or "activity:<id>").

    `arrivals_new` counts openings by someone who had not finished first contact yet,
    `arrivals_back` by someone who had: two numbers, never a person."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    target: Mapped[str] = mapped_column(String(48), default="menu")
    arrivals_new: Mapped[int] = mapped_column(Integer, default=0)
    arrivals_back: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
