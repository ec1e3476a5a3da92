"""Retention: what is past its time is deleted daily (core/privacy), then its copies in the
staff chat; short-lived rows (message ids, danger notices, held messages) hourly."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from telegram.error import TelegramError
from telegram.ext import Application, ExtBot

from ...core import privacy as privacy_service
from ...core import safety as safety_service
from ...core.privacy import StaffCopies
from ...core.safety import hold as hold_service
from ..runtime.turn import deps_of
from ..safety.tracking import delete_messages
from .notices import tell_staff_expired

logger = logging.getLogger(__name__)

RETENTION_EVERY = timedelta(days=1)
PURGE_EVERY = timedelta(hours=1)


async def run_retention(application: Application) -> privacy_service.Retention:
    """Delete what is past its time (see core/privacy/__init__.py), then its copies in the staff
    chat."""
    deps = deps_of(application)
    async with deps.db.session() as session:
        report = await privacy_service.apply_retention(
            session,
            now=deps.clock(),
            case_retention_days=deps.settings.case_retention_days,
            keep_ids=deps.settings.admin_ids,
        )
    await delete_staff_copies(application.bot, report.staff_copies, deps.settings.staff_chat_id)
    await tell_staff_expired(application, report.expired)
    logger.info(
        "retention: %d case texts, %d people, %d message ids",
        report.case_texts,
        report.people,
        report.messages,
    )
    return report


async def _purge_short_lived(application: Application) -> None:
    deps = deps_of(application)
    now = deps.clock()
    async with deps.db.session() as session:
        await safety_service.forget_old_messages(session, now=now)
        await safety_service.forget_old_notices(session, now=now)
        await hold_service.forget_old_held(
            session, now=now, days=deps.settings.case_retention_days
        )


async def delete_staff_copies(
    bot: ExtBot, copies: Sequence[StaffCopies], default_chat: int | None
) -> None:
    """Delete cases' copies in the staff chat: the forum topic, else the bot's messages."""
    for copy in copies:
        chat_id = copy.chat_id or default_chat
        if chat_id is None:
            continue
        if copy.thread_id is not None:
            try:
                await bot.delete_forum_topic(chat_id, copy.thread_id)
            except TelegramError as exc:
                logger.warning("could not delete a case topic: %s", type(exc).__name__)
        elif copy.message_ids:
            await delete_messages(bot, chat_id, list(copy.message_ids))


async def start_retention(application: Application) -> None:
    """At start-up: apply retention now (anything overdue while the bot was stopped), then
    daily; forget short-lived rows every hour."""
    await run_retention(application)
    if application.job_queue is not None:
        application.job_queue.run_repeating(
            _job(run_retention), interval=RETENTION_EVERY, first=RETENTION_EVERY,
            name="privacy.retention",
        )
        application.job_queue.run_repeating(
            _job(_purge_short_lived), interval=PURGE_EVERY, first=PURGE_EVERY,
            name="privacy.purge",
        )


def _job(fn) -> Any:
    async def job(context: Any) -> None:
        await fn(context.application)

    job.__name__ = fn.__name__
    return job
