"""Declarative base, naming convention, and the registry of columns that point at a person."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, ForeignKey, MetaData
from sqlalchemy.orm import DeclarativeBase, MappedColumn, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Every column holding a Telegram user id carries `info={PERSON: policy}`, policy one of:
#   "delete": the row is about that person and goes when they ask to be forgotten;
#   "null":   the row is kept (it is programme data or an audit trail) and the column is cleared.
# `core.privacy.delete_user_data` walks these; a test fails on any id column left unmarked.
PERSON = "person"
DELETE = "delete"
NULLIFY = "null"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def person(policy: str) -> dict[str, str]:
    """Column `info` marking a person reference with its deletion policy."""
    if policy not in (DELETE, NULLIFY):
        raise ValueError(policy)
    return {PERSON: policy}


def owned_by_person(**kwargs: Any) -> MappedColumn[Any]:
    """A `user_id` column for rows that belong to one person: they go when the person does
    (ON DELETE CASCADE, and the registry's DELETE policy). `kwargs`: primary_key, index…"""
    return mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), info=person(DELETE), **kwargs
    )
