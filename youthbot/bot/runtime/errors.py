"""The one error handler: log the traceback (no personal data), count it for the staff alert
(bot/runtime/error_alerts.py), be kind."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, NetworkError, TelegramError
from telegram.ext import ApplicationHandlerStop

from ...db.faults import DatabaseUnavailable, is_transient
from ...i18n import _, activate, deactivate
from .error_alerts import alerts_of
from .processor import PerUserUpdateProcessor
from .turn import BotContext

logger = logging.getLogger("youthbot.errors")


async def on_error(update: object, context: BotContext) -> None:
    """Log what failed (update id and exception only), count it for staff, tell the person."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(error, Forbidden):
        logger.info("update %s: the person has blocked the bot", update_id)
        return
    if isinstance(error, NetworkError):
        logger.warning(
            "update %s: network error talking to Telegram: %s", update_id, type(error).__name__
        )
        return
    if is_transient(error):
        keep_for_later(update, context, error)
        raise ApplicationHandlerStop  # the update's later handler groups would fail alike
    logger.error("update %s failed: %s", update_id, type(error).__name__, exc_info=error)
    deps = context.deps
    alerts_of(deps).note(error)  # posted, added up, by a job: this update does not wait
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != "private":
        return
    user = update.effective_user
    translator = deps.catalogs.get(
        deps.catalogs.resolve(None, user.language_code if user else None)
    )
    token = activate(translator)
    try:
        await context.bot.send_message(
            update.effective_chat.id,
            _(
                "Sorry, something went wrong on our side. Please try again in a moment. If you "
                "need help now, write /help."
            ),
        )
    except TelegramError:
        logger.warning("could not tell the person about an error in update %s", update_id)
    finally:
        deactivate(token)


def keep_for_later(update: object, context: BotContext, error: BaseException) -> None:
    """The database is away: the update runs again later (the webhook answers 503 so Telegram
    resends it; a polled one is run again here), so nobody is told anything went wrong. The
    outage is logged once when it starts and once when it ends (db/faults.py), not per update.
    """
    outage = context.deps.db.outage
    if not isinstance(error, DatabaseUnavailable):  # raised outside a turn, not yet counted
        outage.failed(error)
        outage.gave_up()
    processor = context.application.update_processor
    if isinstance(processor, PerUserUpdateProcessor) and isinstance(update, Update):
        processor.defer(update, lambda: context.application.process_update(update))
