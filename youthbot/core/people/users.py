"""People, consent, roles and invite codes."""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from ...db.models import AuditEntry, ChatState, InviteCode, PersonRole, StaffHandle, User
from ..errors import InviteInvalid, NotFound
from .roles import Role, highest

# The privacy notice's version. Bump it when the notice changes in substance: everyone who
# saw an older one is shown the new one at their next message or button, and nothing new is
# kept about them until they agree to it. 2: the complete notice of issue 17.
CONSENT_VERSION = 2


class AgeBand(StrEnum):
    """The age groups a person chooses from when they agree to the privacy notice."""

    UNDER_14 = "u14"
    FROM_14_TO_17 = "14-17"
    FROM_18_TO_25 = "18-25"
    FROM_26 = "26+"


AGE_BANDS = tuple(band.value for band in AgeBand)
ANONYMOUS_AGE_BAND = AgeBand.UNDER_14.value
INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# A form (activity, report, announcement) untouched this long stops taking typed text.
FORM_IDLE = timedelta(hours=12)


async def load_user(session: AsyncSession, user_id: int) -> tuple[User | None, ChatState | None]:
    """The person and their conversation state, in one round trip."""
    row = (await session.execute(_LOAD_USER, {"user_id": user_id})).first()
    return (row[0], row[1]) if row else (None, None)


# Built once: it runs in every turn.
_LOAD_USER = (
    select(User, ChatState)
    .outerjoin(ChatState, ChatState.user_id == User.id)
    .where(User.id == bindparam("user_id"))
)


async def create_user(session: AsyncSession, *, user_id: int, language: str, today: date) -> User:
    """A new person: only their id and language until they agree to the privacy notice."""
    user = User(
        id=user_id,
        language=language,
        role=Role.YOUNG,
        created_on=today,
        last_seen_on=today,
        notify_announcements=False,
        notify_reminders=True,
        blocked=False,
    )
    session.add(user)
    await session.flush()
    return user


def touch_user(user: User, today: date) -> None:
    """Record the day a person was last seen (a day, not a time: it is all retention needs)."""
    if user.last_seen_on != today:
        user.last_seen_on = today
    if user.blocked:
        user.blocked = False


def has_consented(user: User) -> bool:
    return user.consent_version == CONSENT_VERSION


def needs_notice(user: User) -> bool:
    """They have not been shown the current notice yet (first contact, or it changed)."""
    return user.notice_version != CONSENT_VERSION


def notice_changed(user: User) -> bool:
    """They saw an earlier version of the notice, not the current one."""
    return user.notice_version is not None and user.notice_version != CONSENT_VERSION


def mark_notice_shown(user: User) -> None:
    user.notice_version = CONSENT_VERSION


def is_anonymous(user: User) -> bool:
    """Under-14s and people who have not agreed (to this version of the notice): only their
    account row and language (an age group if given), and a help case if they ask for one —
    no quiz answers or progress, region, joined activities or notification choices
    (core/privacy/mine.py)."""
    return not has_consented(user) or user.age_band == ANONYMOUS_AGE_BAND


def record_consent(user: User, *, age_band: str, now: datetime) -> None:
    user.age_band = AgeBand(age_band).value  # a ValueError for a band that does not exist
    user.consent_version = CONSENT_VERSION
    user.consent_at = now
    user.notice_version = CONSENT_VERSION


async def set_state(
    session: AsyncSession,
    state: ChatState | None,
    *,
    user_id: int,
    flow: str,
    step: str,
    data: dict[str, Any] | None = None,
    now: datetime,
) -> ChatState:
    """Remember what the person's next message means."""
    if state is None:
        state = ChatState(user_id=user_id, flow=flow, step=step, data=data or {}, updated_at=now)
        session.add(state)
    else:
        state.flow, state.step, state.data = flow, step, dict(data or {})
        state.updated_at = now
    return state


def form_left(state: ChatState, now: datetime) -> bool:
    """Whether a form has waited so long that typed text is no longer taken as its answer:
    someone writing the next day (or weeks later) is not answering yesterday's question."""
    return now - state.updated_at > FORM_IDLE


async def clear_state(session: AsyncSession, user_id: int) -> None:
    await session.execute(delete(ChatState).where(ChatState.user_id == user_id))


def audit(
    session: AsyncSession, *, actor_id: int | None, action: str, target: str = "", detail: str = ""
) -> None:
    """Write one audit line. Never pass message text or a young person's data in `detail`."""
    session.add(
        AuditEntry(actor_id=actor_id, action=action, target=target[:64], detail=detail[:200])
    )


async def load_roles(session: AsyncSession, user: User | None) -> list[str]:
    """The roles stored for a person (no query for the many who hold none)."""
    if user is None or user.role == Role.YOUNG:
        return []
    return list(
        await session.scalars(select(PersonRole.role).where(PersonRole.user_id == user.id))
    )


async def _add_role(session: AsyncSession, user: User, role: Role, now: datetime) -> bool:
    """Add one role to the person's set; False when they hold it already."""
    held = set(await load_roles(session, user))
    if role in held:
        return False
    session.add(PersonRole(user_id=user.id, role=role, granted_at=now))
    user.role = highest(held | {role})
    await session.flush()
    return True


async def grant_role(
    session: AsyncSession,
    *,
    actor_id: int | None,
    user_id: int,
    role: Role,
    default_language: str,
    today: date,
    now: datetime | None = None,
) -> User:
    """Add `role` to the roles of `user_id` (creating the person's row if they have not
    written yet); the roles they hold already stay."""
    if role is Role.YOUNG:
        raise ValueError(role)
    user = await session.get(User, user_id)
    if user is None:
        user = await create_user(session, user_id=user_id, language=default_language, today=today)
    if await _add_role(session, user, role, now or datetime.now(UTC)):
        audit(session, actor_id=actor_id, action="role.grant", target=str(user_id), detail=role)
    return user


async def revoke_role(
    session: AsyncSession, *, actor_id: int | None, user_id: int, role: Role
) -> User:
    """Take `role` away; other roles stay. Someone not holding it: NotFound."""
    user = await session.get(User, user_id)
    held = set(await load_roles(session, user))
    if user is None or role not in held:
        raise NotFound(str(user_id))
    await session.execute(
        delete(PersonRole).where(PersonRole.user_id == user_id, PersonRole.role == role)
    )
    user.role = highest(held - {role})
    if user.role == Role.YOUNG:
        await session.execute(delete(StaffHandle).where(StaffHandle.user_id == user_id))
    audit(session, actor_id=actor_id, action="role.revoke", target=str(user_id), detail=role)
    return user


async def list_staff(session: AsyncSession) -> list[tuple[int, str]]:
    """Every role held, as (id, role): someone with two roles is listed twice."""
    rows = await session.execute(
        select(PersonRole.user_id, PersonRole.role).order_by(PersonRole.role, PersonRole.user_id)
    )
    return [(r.user_id, r.role) for r in rows]


async def role_holders(session: AsyncSession) -> dict[int, tuple[str, set[str]]]:
    """Everyone holding a role: their language and roles (for their command menus)."""
    rows = await session.execute(
        select(PersonRole.user_id, User.language, PersonRole.role).join(
            User, User.id == PersonRole.user_id
        )
    )
    held: dict[int, tuple[str, set[str]]] = {}
    for user_id, language, role in rows:
        held.setdefault(user_id, (language, set()))[1].add(role)
    return held


async def record_handle(
    session: AsyncSession, *, user: User, handle: str | None, now: datetime
) -> None:
    """Keep the public @username of someone holding a role (a leader, a moderator) so that
    reviewers can reach them; never a young person's. No username: nothing kept."""
    if user.role == Role.YOUNG:
        return
    row = await session.get(StaffHandle, user.id)
    if not handle:
        if row is not None:
            await session.delete(row)
        return
    handle = handle[:40]
    if row is None:
        session.add(StaffHandle(user_id=user.id, handle=handle, updated_at=now))
    elif row.handle != handle:
        row.handle, row.updated_at = handle, now


async def handles_of(session: AsyncSession, user_ids: list[int]) -> dict[int, str]:
    """The @usernames kept for these people (only people holding a role have one)."""
    if not user_ids:
        return {}
    rows = await session.execute(
        select(StaffHandle.user_id, StaffHandle.handle).where(StaffHandle.user_id.in_(user_ids))
    )
    return {r.user_id: r.handle for r in rows}


async def create_invite(
    session: AsyncSession,
    *,
    role: Role,
    created_by: int | None,
    now: datetime,
    valid_for: timedelta = timedelta(days=7),
) -> InviteCode:
    if role not in (Role.LEADER, Role.MODERATOR):
        raise ValueError(role)
    code = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(10))
    invite = InviteCode(
        code=code, role=role, created_by=created_by, created_at=now, expires_at=now + valid_for
    )
    session.add(invite)
    audit(session, actor_id=created_by, action="invite.create", target=code, detail=role)
    return invite


async def redeem_invite(session: AsyncSession, *, code: str, user: User, now: datetime) -> Role:
    """Give the invite's role to `user`; each code works once, before it expires."""
    code = code.strip().upper()
    invite = None
    if 4 <= len(code) <= 16 and code.isalnum():
        invite = await session.get(InviteCode, code, with_for_update=True)
    if invite is None or invite.used_by is not None or invite.expires_at <= now:
        raise InviteInvalid(code)
    invite.used_by, invite.used_at = user.id, now
    await _add_role(session, user, Role(invite.role), now)
    audit(session, actor_id=user.id, action="invite.redeem", target=code, detail=invite.role)
    return Role(invite.role)
