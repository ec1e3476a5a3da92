"""Youth-led activities: the activities themselves (drafts included), their reports, and who
joined them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..types import BigIntPK, UTCDateTime, utcnow
from .base import NULLIFY, Base, owned_by_person, person


class Activity(Base):
    """One activity a leader registers; a row with status "draft" is the leader's draft.

    Nullable fields are filled step by step while it is a draft; a submitted activity has all
    of them except district (optional) and region (online activities).
    """

    __tablename__ = "activities"
    __table_args__ = (
        Index("ix_activities_status_starts_at", "status", "starts_at"),
        Index("ix_activities_leader_id_status", "leader_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    leader_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="SET NULL"), info=person(NULLIFY)
    )
    status: Mapped[str] = mapped_column(String(12))
    draft_step: Mapped[str | None] = mapped_column(String(16))
    title: Mapped[str | None] = mapped_column(String(80))
    kind: Mapped[str | None] = mapped_column(String(16))
    pathway: Mapped[str | None] = mapped_column(String(16))
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    country: Mapped[str | None] = mapped_column(String(2))
    region: Mapped[str | None] = mapped_column(String(20))
    district: Mapped[str | None] = mapped_column(String(60))
    online: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    expected: Mapped[int | None] = mapped_column(Integer)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Where to meet (a public place) or, online, the https link: shown near the start only.
    venue: Mapped[str | None] = mapped_column(String(120))
    online_link: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(String(300))
    group_name: Mapped[str | None] = mapped_column(String(80))
    review_note: Mapped[str | None] = mapped_column(String(300))
    reviewed_by: Mapped[int | None] = mapped_column(BigInteger, info=person(NULLIFY))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    report_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ActivityReport(Base):
    """What happened at an activity: participants by age band and gender, a description, and
    optionally a photo (its Telegram file id only). Counted only once `submitted_at` is set."""

    __tablename__ = "activity_reports"

    activity_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("activities.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    )
    reporter_id: Mapped[int | None] = mapped_column(BigInteger, info=person(NULLIFY))
    step: Mapped[str | None] = mapped_column(String(16))
    under12_female: Mapped[int | None] = mapped_column(Integer)
    under12_male: Mapped[int | None] = mapped_column(Integer)
    under12_other: Mapped[int | None] = mapped_column(Integer)
    age12_17_female: Mapped[int | None] = mapped_column(Integer)
    age12_17_male: Mapped[int | None] = mapped_column(Integer)
    age12_17_other: Mapped[int | None] = mapped_column(Integer)
    age18_25_female: Mapped[int | None] = mapped_column(Integer)
    age18_25_male: Mapped[int | None] = mapped_column(Integer)
    age18_25_other: Mapped[int | None] = mapped_column(Integer)
    adults_female: Mapped[int | None] = mapped_column(Integer)
    adults_male: Mapped[int | None] = mapped_column(Integer)
    adults_other: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str | None] = mapped_column(String(500))
    photo_file_id: Mapped[str | None] = mapped_column(String(200))
    photo_consent: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # "It did not take place": all counts 0, and the leader's reason.
    not_held: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    not_held_reason: Mapped[str | None] = mapped_column(String(300))


class ActivityJoin(Base):
    """A young person who joined an activity, and whether their reminder has been sent."""

    __tablename__ = "activity_joins"

    activity_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("activities.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    )
    user_id: Mapped[int] = owned_by_person(primary_key=True, autoincrement=False, index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the day before
    soon_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # an hour before


class ActivityReviewSnapshot(Base):
    """What an activity said when it was last reviewed, so the next review shows what changed.
    Programme data only (title, kind, date, place…), never who organises it."""

    __tablename__ = "activity_review_snapshots"

    activity_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("activities.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    )
    fields: Mapped[dict] = mapped_column(JSON, default=dict)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
