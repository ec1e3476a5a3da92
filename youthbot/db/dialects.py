"""The one place that picks SQL by database: INSERT … ON CONFLICT is spelt by the dialect
(SQLite's and PostgreSQL's constructs), so core/ asks here instead of importing them.

`insert_for(session, model)` gives the dialect's INSERT for a statement built per call;
`by_dialect(build)` builds a hot statement once per dialect and picks it for a session.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

Insert = Callable[[Any], Any]
INSERTS: dict[str, Insert] = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def dialect_name(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def insert_for(session: AsyncSession, model: Any) -> Any:
    """The dialect's INSERT for `model` (a class or table), which has ON CONFLICT on both."""
    return INSERTS[dialect_name(session)](model)


def by_dialect(build: Callable[[Insert], Any]) -> Callable[[AsyncSession], Any]:
    """`build(insert)` run once per dialect now; the returned function picks the statement
    for a session (statements that run in every turn: building one costs more than running)."""
    built = {name: build(insert) for name, insert in INSERTS.items()}
    return lambda session: built[dialect_name(session)]
