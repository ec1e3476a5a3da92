"""Tables every feature uses: people, invites, conversation state, audit, processed updates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..types import BigIntPK, UTCDateTime, utcnow
from .base import DELETE, NULLIFY, Base, owned_by_person, person


class User(Base):
    """A person who talked to the bot: an id and their choices, nothing else about them."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(
        BigInteger, primary_key=True, autoincrement=False, info=person(DELETE)
    )
    language: Mapped[str] = mapped_column(String(8))
    country: Mapped[str | None] = mapped_column(String(2))
    region: Mapped[str | None] = mapped_column(String(32))
    # The highest role held (admin > moderator > leader > young), kept in step with
    # `person_roles` by core/people/users.py: most people hold none, and the turn reads the
    # full set only for those who do.
    role: Mapped[str] = mapped_column(String(16), default="young", server_default="young")
    age_band: Mapped[str | None] = mapped_column(String(8))
    consent_version: Mapped[int | None] = mapped_column(Integer)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The privacy notice version last shown to them: a newer one is shown again (users.py).
    notice_version: Mapped[int | None] = mapped_column(Integer)
    notify_announcements: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    notify_reminders: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    blocked: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # Set by quick exit: nothing is sent to the person until they write again
    # (core/safety/hold.py).
    held_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_on: Mapped[date] = mapped_column(Date)
    last_seen_on: Mapped[date] = mapped_column(Date, index=True)


class PersonRole(Base):
    """One role a person holds (a person may hold several: leader and moderator, say)."""

    __tablename__ = "person_roles"

    user_id: Mapped[int] = owned_by_person(primary_key=True, autoincrement=False)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StaffHandle(Base):
    """The public @username of someone holding a role, so reviewers can reach a leader.
    Only for people with a role (never a young person's); refreshed when they write."""

    __tablename__ = "staff_handles"

    user_id: Mapped[int] = owned_by_person(primary_key=True, autoincrement=False)
    handle: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InviteCode(Base):
    """A one-time code that gives its first user a role, until it expires."""

    __tablename__ = "invite_codes"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[int | None] = mapped_column(BigInteger, info=person(NULLIFY))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_by: Mapped[int | None] = mapped_column(BigInteger, info=person(NULLIFY))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ChatState(Base):
    """Where a person is in a conversation, so restarts and replicas resume at the same step."""

    __tablename__ = "chat_states"

    user_id: Mapped[int] = owned_by_person(primary_key=True)
    flow: Mapped[str] = mapped_column(String(24))
    step: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Set by users.set_state from the turn's clock (users.form_left reads it).
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEntry(Base):
    """Who (staff) did what to which record; never message text or a young person's data."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(BigInteger, index=True, info=person(NULLIFY))
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(String(200), default="")


class ProcessedUpdate(Base):
    """Telegram update ids already handled, so a redelivered update has no second effect."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class UpdateArrival(Base):
    """Each update as it arrives at a replica, and when its handling ended: how one person's
    updates are put in update-id order across replicas (bot/runtime/processor.py) and how a
    late one is recognised (db/updates.py). Forgotten with the processed update ids."""

    __tablename__ = "update_arrivals"
    __table_args__ = (Index("ix_update_arrivals_user_id_update_id", "user_id", "update_id"),)

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # No foreign key: an update arrives before its person is known to the bot.
    user_id: Mapped[int | None] = mapped_column(BigInteger, info=person(DELETE))
    arrived_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # When its turn committed: a person's update handled before an earlier one makes that one
    # late (db/updates.py `mark_applied`).
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When its handling ended, replies sent (or it was given up): without it, in flight.
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
