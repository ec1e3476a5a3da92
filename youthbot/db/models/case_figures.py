"""Anonymous counters of help cases: the figures coordinators see, kept apart from the cases."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class CaseFigure(Base):
    """How many cases opened in a month had a given topic, region, age band, outcome...

    No person, no case number, no link to a case: one count per (month, measure, value), so
    the figures survive retention and "delete my data". The months are UTC months of opening;
    dimensions are counted separately (topic and region are never crossed), and times are
    counted in buckets (`value` is the bucket's upper bound in minutes).
    """

    __tablename__ = "case_figures"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    measure: Mapped[str] = mapped_column(String(12), primary_key=True)
    value: Mapped[str] = mapped_column(String(48), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
