"""Schema migrations through Alembic, run on the bot's own engine and event loop."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from .engine import Database

MIGRATIONS = Path(__file__).parent / "migrations"
# Several replicas may start at once; on PostgreSQL they queue on this advisory lock.
_MIGRATION_LOCK = 7_461_021


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url:
        cfg.set_main_option("sqlalchemy.url", url)
    return cfg


async def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the schema up to `revision`."""
    await _run(db, lambda cfg: command.upgrade(cfg, revision))


async def downgrade(db: Database, revision: str) -> None:
    await _run(db, lambda cfg: command.downgrade(cfg, revision))


async def _run(db: Database, action) -> None:
    async with db.engine.begin() as conn:
        if db.is_postgresql:
            await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})

        def run(sync_conn) -> None:
            cfg = alembic_config()
            cfg.attributes["connection"] = sync_conn
            action(cfg)

        await conn.run_sync(run)


async def autogenerate(db: Database, message: str) -> str:
    """Write a migration for what the models have and the (up-to-date) database lacks.

    The new revision id follows the last one (0007, 0008…); returns the file's path.
    """
    head = head_revision() or "0000"
    number = head.split("_")[0]  # "0008_name": revisions written in parallel branches
    rev_id = f"{int(number) + 1:04d}" if number.isdigit() else None
    written: list[str] = []

    def run(sync_conn) -> None:
        cfg = alembic_config()
        cfg.attributes["connection"] = sync_conn
        script = command.revision(cfg, message=message, autogenerate=True, rev_id=rev_id)
        written.append(script.path)

    async with db.engine.begin() as conn:
        await conn.run_sync(run)
    return written[0]


async def current_revision(db: Database) -> str | None:
    async with db.engine.connect() as conn:
        return await conn.run_sync(lambda c: MigrationContext.configure(c).get_current_revision())


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
