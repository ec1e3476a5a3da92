"""Staff alerts about failed updates, off the update's path and added up.

A failing update only counts itself here (no network call, nothing to wait for); a job posts
one message a minute to the staff chat with the counts by error type. A burst of failures
used to queue one alert per update behind the staff group's 20-a-minute limit, inside each
update's own processing: for minutes after a database outage the bot answered a few presses a
second instead of its usual rate.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta
from typing import Any

from telegram.error import TelegramError
from telegram.ext import Application

from ...i18n import activate, deactivate, ngettext
from .router import Router
from .turn import Deps, deps_of

logger = logging.getLogger("youthbot.errors")

ALERT_EVERY = timedelta(minutes=1)


class ErrorAlerts:
    """Failed updates by error type, waiting for the next alert."""

    def __init__(self) -> None:
        self.waiting: Counter[str] = Counter()

    def note(self, error: BaseException) -> None:
        self.waiting[type(error).__name__] += 1

    def take(self) -> Counter[str]:
        waiting, self.waiting = self.waiting, Counter()
        return waiting


def alerts_of(deps: Deps) -> ErrorAlerts:
    return deps.extras.setdefault("error_alerts", ErrorAlerts())


def render_error_alert(counts: Counter[str]) -> str:
    """One staff message: how many updates failed, by error type (no person, no text)."""
    total = sum(counts.values())
    errors = ", ".join(f"{name} × {n}" for name, n in counts.most_common())
    return ngettext(
        "⚠️ The bot could not handle {count} update in the last minute ({errors}). The details "
        "are in the logs.",
        "⚠️ The bot could not handle {count} updates in the last minute ({errors}). The "
        "details are in the logs.",
        total,
    ).format(count=total, errors=errors)


async def post_error_alerts(application: Application) -> None:
    """Post what waits, in one message; kept for the next round if Telegram refuses it."""
    deps = deps_of(application)
    alerts = alerts_of(deps)
    if deps.settings.staff_chat_id is None or not alerts.waiting:
        alerts.waiting.clear()
        return
    counts = alerts.take()
    token = activate(deps.catalogs.get(deps.settings.default_language))
    try:
        await application.bot.send_message(
            deps.settings.staff_chat_id, render_error_alert(counts)
        )
    except TelegramError as exc:
        alerts.waiting.update(counts)
        logger.warning("could not alert the staff chat about errors: %s", type(exc).__name__)
    finally:
        deactivate(token)


def register(router: Router) -> None:
    """Post the waiting error counts to the staff chat once a minute."""
    router.on_startup(_schedule)


async def _schedule(application: Application) -> None:
    if application.job_queue is not None:
        application.job_queue.run_repeating(
            _alert_job, interval=ALERT_EVERY, first=ALERT_EVERY, name="errors.alert"
        )


async def _alert_job(context: Any) -> None:
    await post_error_alerts(context.application)
