"""The process's periodic upkeep runs on the JobQueue (serve/jobs.py): forgetting old update
ids, and SQLite's checkpoints on a file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from youthbot.db.models import ProcessedUpdate
from youthbot.db.updates import claim_update
from youthbot.serve.jobs import PRUNE_EVERY, schedule_upkeep


async def test_upkeep_jobs_are_on_the_job_queue_and_pruning_forgets_old_update_ids(bot):
    now = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
    bot.deps.clock = lambda: now
    queue = bot.app.job_queue
    schedule_upkeep(queue, bot.db)
    jobs = {job.name: job for job in queue.jobs()}
    expected = {"upkeep.prune"} | ({"upkeep.checkpoint"} if bot.db.is_sqlite else set())
    assert expected <= set(jobs)
    assert jobs["upkeep.prune"].trigger.interval == PRUNE_EVERY
    async with bot.db.session() as session:
        await claim_update(session, update_id=7001, lock_key=1, now=now - timedelta(days=4))
        await claim_update(session, update_id=7002, lock_key=1, now=now - timedelta(days=1))

    await jobs["upkeep.prune"].run(bot.app)
    if "upkeep.checkpoint" in jobs:
        await jobs["upkeep.checkpoint"].run(bot.app)

    async with bot.db.session() as session:
        kept = set(await session.scalars(
            select(ProcessedUpdate.update_id).where(ProcessedUpdate.update_id >= 7001)
        ))
    assert kept == {7002}
    assert bot.errors == []
