"""The migrations build exactly the schema the models describe, and can be undone."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from youthbot.db import migrate
from youthbot.db.models import Base


def _diff(connection):
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, Base.metadata)


async def test_models_match_migrations(database):
    async with database.engine.connect() as conn:
        diff = await conn.run_sync(_diff)
    assert diff == []


async def test_downgrade_to_base_and_upgrade_again(database):
    await migrate.downgrade(database, "base")
    async with database.engine.connect() as conn:
        tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
    assert set(tables) <= {"alembic_version"}
    await migrate.upgrade(database)
    assert await migrate.current_revision(database) == migrate.head_revision()
    async with database.engine.connect() as conn:
        diff = await conn.run_sync(_diff)
    assert diff == []


async def test_quiz_counters_keep_their_figures_into_shards_and_back(database):
    """0007 keeps the figures counted so far (in shard 0); undoing it adds the shards up."""
    rows = "SELECT quiz_id, question_id, answers, correct FROM quiz_question_stats ORDER BY 1, 2"
    await migrate.downgrade(database, "0006")
    async with database.engine.begin() as conn:
        await conn.execute(
            text("INSERT INTO quiz_question_stats VALUES ('q', 'a', 5, 3), ('q', 'b', 2, 0)")
        )
    await migrate.upgrade(database)
    async with database.engine.begin() as conn:
        assert (await conn.execute(text(rows))).all() == [("q", "a", 5, 3), ("q", "b", 2, 0)]
        shards = await conn.execute(text("SELECT DISTINCT shard FROM quiz_question_stats"))
        assert shards.scalars().all() == [0]
        await conn.execute(
            text(
                "INSERT INTO quiz_question_stats (quiz_id, question_id, shard, answers, correct) "
                "VALUES ('q', 'a', 7, 4, 4), ('q', 'c', 3, 1, 1)"
            )
        )
    await migrate.downgrade(database, "0006")
    async with database.engine.begin() as conn:
        assert (await conn.execute(text(rows))).all() == [
            ("q", "a", 9, 7), ("q", "b", 2, 0), ("q", "c", 1, 1)
        ]
    await migrate.upgrade(database)


async def test_roles_and_finished_quizzes_are_carried_into_0017(database):
    """0017 gives everyone holding a role its row in person_roles, and counts the finished
    quiz attempts kept so far into quiz_people_stats (a second one of a person: a retry)."""
    await migrate.downgrade(database, "0016")
    async with database.engine.begin() as conn:
        await conn.execute(text(
            "INSERT INTO users (id, language, role, region, age_band, created_on, last_seen_on,"
            " notify_announcements, notify_reminders, blocked) VALUES"
            " (1, 'es', 'moderator', 'lima', '18-25', '2026-01-01', '2026-01-01', false, true,"
            " false), (2, 'en', 'young', 'puno', '14-17', '2026-01-01', '2026-01-01', false,"
            " true, false)"))
        await conn.execute(text(
            "INSERT INTO quiz_attempts (id, user_id, quiz_id, position, score, status,"
            " started_at) VALUES (1, 2, 'q', 8, 7, 'finished', '2026-01-02'),"
            " (2, 2, 'q', 8, 8, 'finished', '2026-01-03'),"
            " (3, 1, 'q', 2, 1, 'active', '2026-01-03')"))
    await migrate.upgrade(database)
    async with database.engine.begin() as conn:
        roles = await conn.execute(text("SELECT user_id, role FROM person_roles"))
        assert roles.all() == [(1, "moderator")]
        people = await conn.execute(text(
            "SELECT quiz_id, attempt, region, age_band, people FROM quiz_people_stats"
            " ORDER BY attempt"))
        assert people.all() == [("q", "first", "puno", "14-17", 1),
                                ("q", "retry", "puno", "14-17", 1)]
