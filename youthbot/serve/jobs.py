"""The process's periodic upkeep, on PTB's JobQueue like every feature's periodic jobs:
forgetting old update ids (hourly) and, on SQLite, checkpointing the write-ahead log off the
event loop (every second).

The announcement worker (bot/announce/outbox.py) is not a periodic job: it is one long-running
consumer that paces its own sending, drains on stop and is started and stopped by
serve/runner.py and `youthbot announce deliver`.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import DBAPIError
from telegram.ext import JobQueue

from ..bot.runtime.turn import deps_of
from ..db.engine import Database
from ..db.updates import KEEP_PROCESSED_DAYS, prune_processed

logger = logging.getLogger(__name__)

PRUNE_EVERY = timedelta(hours=1)
CHECKPOINT_EVERY = timedelta(seconds=1)


def schedule_upkeep(job_queue: JobQueue, db: Database) -> None:
    """The running bot's upkeep: prune update ids now and hourly; SQLite's checkpoints."""
    job_queue.run_repeating(prune_job, interval=PRUNE_EVERY, first=0, name="upkeep.prune")
    schedule_checkpoints(job_queue, db)


def schedule_checkpoints(job_queue: JobQueue, db: Database) -> None:
    """Every second on SQLite on a file (a job that would find nothing to do is not added)."""
    if db.needs_checkpoints:
        job_queue.run_repeating(
            checkpoint_job, interval=CHECKPOINT_EVERY, first=CHECKPOINT_EVERY,
            name="upkeep.checkpoint", data=db,
        )


async def checkpoint_job(context: Any) -> None:
    await context.job.data.checkpoint()


async def prune_job(context: Any) -> None:
    """Forget update ids older than Telegram could ever send again."""
    deps = deps_of(context.application)
    try:
        async with deps.db.session() as session:
            pruned = await prune_processed(
                session, before=deps.clock() - timedelta(days=KEEP_PROCESSED_DAYS)
            )
        if pruned:
            logger.info("forgot %s old update ids", pruned)
    except (DBAPIError, OSError):
        logger.warning("could not prune old update ids; will try again")
