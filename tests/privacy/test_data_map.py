"""docs/safeguarding.md maps every column with personal data to its purpose, who sees it and
when it goes: a column holding a person's id (the privacy registry) or free text cannot be
added without a row there."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import JSON, BigInteger, Column, Integer, MetaData, String, Table, Text
from sqlalchemy.types import TypeDecorator

from youthbot.db.models import Base
from youthbot.db.models.base import NULLIFY, PERSON, person

DOC = Path(__file__).resolve().parent.parent.parent / "docs" / "safeguarding.md"
SECTION = "## Logs and retention"
# Free text that is not about anyone (with why).
NOT_PERSONAL = {
    "announcements.lease_owner",  # which replica sends an announcement
    "quiz_group_polls.poll_id",  # Telegram's id of a quiz poll in a group
}


def documented_columns(doc: str) -> set[str]:
    """The `table.column` names in the first cell of the section's table rows."""
    section = doc.split(SECTION, 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z_]+\.[a-z_0-9]+)` \|", section, flags=re.M))


def needs_an_entry(tables) -> set[str]:
    """Columns holding a person's id (the registry) or free text, by `table.column`."""
    needed = set()
    for table in tables:
        for column in table.columns:
            kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
            free_text = isinstance(kind, Text | JSON) or (
                isinstance(kind, String) and (kind.length or 0) >= 64
            )
            if PERSON in column.info or free_text:
                needed.add(f"{table.name}.{column.name}")
    return needed - NOT_PERSONAL


def test_every_person_column_and_personal_text_is_in_the_data_map():
    documented = documented_columns(DOC.read_text(encoding="utf-8"))
    missing = needs_an_entry(Base.metadata.sorted_tables) - documented
    assert missing == set(), f"add rows for these to {DOC.name} ({SECTION}): {sorted(missing)}"


def test_the_data_map_names_only_columns_that_exist():
    documented = documented_columns(DOC.read_text(encoding="utf-8"))
    existing = {f"{t.name}.{c.name}" for t in Base.metadata.sorted_tables for c in t.columns}
    assert documented - existing == set()
    assert len(documented) >= 40  # the table was read


def test_the_check_catches_an_undocumented_column():
    """A new feature's table with a person's id and a note, absent from the doc, is caught."""
    metadata = MetaData()
    example = Table(
        "example",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("helper_id", BigInteger, info=person(NULLIFY)),
        Column("note", Text),
        Column("summary", String(200)),
        Column("code", String(8)),
        Column("count", Integer),
    )
    documented = documented_columns(DOC.read_text(encoding="utf-8"))
    assert needs_an_entry([example]) - documented == {
        "example.helper_id",
        "example.note",
        "example.summary",
    }
