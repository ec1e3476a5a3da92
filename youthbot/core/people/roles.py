"""Roles and who may do what."""

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


def effective_role(stored: str | None, user_id: int, admin_ids: Iterable[int]) -> Role:
    """Admins named in the configuration are admins whatever the database says."""
    if user_id in set(admin_ids):
        return Role.ADMIN
    try:
        return Role(stored or Role.YOUNG)
    except ValueError:
        return Role.YOUNG


def is_allowed(role: Role, required: Iterable[Role] | None) -> bool:
    """Admins may do everything; otherwise the role must be one of `required` (None: anyone)."""
    if required is None:
        return True
    return role is Role.ADMIN or role in frozenset(required)
