"""What deleting and retention tell, without leaving a trace: the "/borrar" confirmation sent
without noting its id, and the staff told which open cases retention closed."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram.error import TelegramError
from telegram.ext import Application, ExtBot

from ...i18n import _, speaking
from ..runtime.turn import deps_of
from ..safety.tracking import tracker_of

logger = logging.getLogger(__name__)


async def send_untracked(bot: ExtBot, chat_id: int, text: str) -> None:
    """Send without noting the message's id: nothing about a forgotten person is written."""
    tracker = tracker_of(bot)
    if tracker is not None:
        tracker.ignored.add(chat_id)
    try:
        await bot.send_text(chat_id, text)
    finally:
        if tracker is not None:
            tracker.ignored.discard(chat_id)


async def tell_staff_expired(application: Application, numbers: Sequence[str]) -> None:
    """Staff learn which open cases retention closed, and that their messages are gone."""
    deps = deps_of(application)
    chat_id, days = deps.settings.staff_chat_id, deps.settings.case_retention_days
    if chat_id is None:
        return
    for number in numbers:
        with speaking(deps.catalogs, deps.settings.default_language):
            text = _(
                "Case {number} was closed: nobody wrote in it for {days} days. Its messages "
                "have been deleted, here too."
            ).format(number=number, days=days)
        try:
            await application.bot.send_message(chat_id, text)
        except TelegramError as exc:
            logger.warning("could not tell staff a case expired: %s", type(exc).__name__)
