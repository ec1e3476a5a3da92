"""Roles and who may do what. A person may hold several roles (leader and moderator, say)."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Role(StrEnum):
    YOUNG = "young"
    LEADER = "leader"
    MODERATOR = "moderator"
    ADMIN = "admin"


STAFF = frozenset({Role.MODERATOR, Role.ADMIN})
LEADERS = frozenset({Role.LEADER, Role.ADMIN})
# Highest first: the one role shown where a single one is named, and kept in `users.role`.
RANK = (Role.ADMIN, Role.MODERATOR, Role.LEADER)


def highest(roles: Iterable[str]) -> Role:
    """The highest of `roles` (young when none)."""
    held = set(roles)
    return next((role for role in RANK if role in held), Role.YOUNG)


def effective_roles(
    stored: Iterable[str], user_id: int, admin_ids: Iterable[int]
) -> frozenset[Role]:
    """The roles a person holds: those stored, and admin for the ids in the configuration.
    Unknown stored values are ignored; nobody holding none is a young person."""
    held = set()
    for value in stored:
        try:
            role = Role(value)
        except ValueError:
            continue
        if role is not Role.YOUNG:
            held.add(role)
    if user_id in set(admin_ids):
        held.add(Role.ADMIN)
    return frozenset(held) or frozenset({Role.YOUNG})


def effective_role(stored: str | None, user_id: int, admin_ids: Iterable[int]) -> Role:
    """The highest role (admins named in the configuration are admins whatever is stored)."""
    return highest(effective_roles([stored or Role.YOUNG], user_id, admin_ids))


def is_allowed(held: Role | Iterable[Role], required: Iterable[Role] | None) -> bool:
    """Admins may do everything; otherwise one role `held` must be in `required` (None:
    anyone). `held` is one role or the set a person holds."""
    if required is None:
        return True
    roles = {held} if isinstance(held, str) else set(held)
    return Role.ADMIN in roles or bool(roles & frozenset(required))
