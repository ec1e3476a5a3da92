"""Help cases, their messages, the one-open-case link, and admins' service overrides."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..types import BigIntPK, UTCDateTime, utcnow
from .base import DELETE, NULLIFY, Base, person


class Case(Base):
    """A young person's request to talk to a person, known to staff only by its number."""

    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_status_next_alert_at", "status", "next_alert_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    number: Mapped[str] = mapped_column(String(12), unique=True)
    # Kept (as programme figures) when the person asks to be forgotten; the link goes.
    user_id: Mapped[int | None] = mapped_column(BigInteger, index=True, info=person(NULLIFY))
    topic: Mapped[str] = mapped_column(String(24))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    for_whom: Mapped[str] = mapped_column(String(8), default="me")
    country: Mapped[str | None] = mapped_column(String(2))
    region: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(12), default="open")
    claimed_by: Mapped[int | None] = mapped_column(BigInteger, info=person(NULLIFY))
    staff_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    staff_thread_id: Mapped[int | None] = mapped_column(Integer, index=True)
    staff_message_id: Mapped[int | None] = mapped_column(Integer, index=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The first claim and the first staff message relayed to the person (for the figures;
    # claimed_at is cleared by a hand-over).
    first_claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_reply_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    outcome: Mapped[str | None] = mapped_column(String(16))
    feedback: Mapped[str | None] = mapped_column(String(8))
    reopen_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_alert_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    alerts_sent: Mapped[int] = mapped_column(Integer, default=0)
    slowed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The person's age group when the case opened (users.AGE_BANDS), shown to staff on the
    # card: never who it is, and kept with the case as a figure.
    age_band: Mapped[str | None] = mapped_column(String(8))
    # The team whose staff group has the case (config teams; None: the fallback team), and the
    # colleague it was assigned to by name (who then holds the claim).
    team: Mapped[str | None] = mapped_column(String(24))
    assigned_to: Mapped[int | None] = mapped_column(BigInteger, info=person(NULLIFY))


class OpenCase(Base):
    """The person's one open case: the primary key makes a second one impossible."""

    __tablename__ = "open_cases"

    user_id: Mapped[int] = mapped_column(
        BigInteger, primary_key=True, autoincrement=False, info=person(DELETE)
    )
    case_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("cases.id", ondelete="CASCADE"), unique=True
    )


class CaseMessage(Base):
    """One message of a case: the person's, staff's, an internal note or an event.

    `text` is personal: retention deletes it a while after the case closes, and `kind` says
    what was sent when it was not text (a photo is never stored or forwarded).
    """

    __tablename__ = "case_messages"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    case_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sender: Mapped[str] = mapped_column(String(8))
    author_id: Mapped[int | None] = mapped_column(BigInteger, info=person(NULLIFY))
    kind: Mapped[str] = mapped_column(String(12), default="text")
    text: Mapped[str | None] = mapped_column(Text)
    # The copy in the staff chat, so "delete my data" can delete it there too.
    staff_message_id: Mapped[int | None] = mapped_column(Integer)


class CaseStaffPost(Base):
    """A message the bot posted about a case in a staff chat without topics (a "📄 History"
    post): deleted there with the case's texts, by deletion and by retention."""

    __tablename__ = "case_staff_posts"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    case_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("cases.id", ondelete="CASCADE"), index=True
    )
    staff_message_id: Mapped[int] = mapped_column(Integer)


class ServiceOverride(Base):
    """An admin's status for a directory service, winning over the file until undone."""

    __tablename__ = "service_overrides"

    service_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    status: Mapped[str] = mapped_column(String(12))
    set_by: Mapped[int | None] = mapped_column(BigInteger, info=person(NULLIFY))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AccountFlag(Base):
    """A moderator's flag on the account behind a case (prank, abusive, adult posing as a
    child): for admins to decide on a block. Staff see the case number, never who it is."""

    __tablename__ = "account_flags"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, index=True, info=person(DELETE))
    case_number: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(String(12))
    flagged_by: Mapped[int | None] = mapped_column(BigInteger, info=person(NULLIFY))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AccountBlock(Base):
    """A blocked account: its case messages stop reaching staff and it cannot open cases.
    Emergency numbers, the directory and danger-word replies are never blocked."""

    __tablename__ = "account_blocks"

    user_id: Mapped[int] = mapped_column(
        BigInteger, primary_key=True, autoincrement=False, info=person(DELETE)
    )
    case_number: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(String(12))
    blocked_by: Mapped[int | None] = mapped_column(BigInteger, info=person(NULLIFY))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CannedOverride(Base):
    """An admin's wording of a canned reply in one language, winning over the file."""

    __tablename__ = "canned_overrides"

    reply_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    set_by: Mapped[int | None] = mapped_column(BigInteger, info=person(NULLIFY))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StaffMember(Base):
    """A moderator or admin as their colleagues know them in a team's staff group: the handle
    Telegram shows there (staff only; a young person never sees it), noted when they act."""

    __tablename__ = "staff_members"

    user_id: Mapped[int] = mapped_column(
        BigInteger, primary_key=True, autoincrement=False, info=person(DELETE)
    )
    team: Mapped[str] = mapped_column(String(24), primary_key=True)
    handle: Mapped[str] = mapped_column(String(64))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
