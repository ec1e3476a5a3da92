"""Reminders: the day before and an hour before an activity to those who joined (the hour one
carries an online activity's link), the day after to its leader.

Nothing is scheduled in memory: a periodic job asks the database what is due, marks it sent
in one UPDATE and then sends it, so a restart (or another replica) neither loses nor repeats a
reminder. `send_due_reminders` is the job's body, callable directly (tests, a cron).
"""

from __future__ import annotations

import logging

from telegram.ext import Application

from ...core.activities import joins as joins
from ...core.activities import reports as reports
from ...i18n import _, pgettext, speaking
from ..runtime import notify
from ..runtime.turn import Deps, Markup, button, deps_of, keyboard
from .actions import REPORT
from .views import render_join_reminder

logger = logging.getLogger(__name__)

JOB_NAME = "activity-reminders"
INTERVAL_SECONDS = 300  # the hour-before reminder goes out 55 to 60 minutes before


async def schedule(application: Application) -> None:
    """At start: run the due-check every few minutes (and soon after start)."""
    if application.job_queue is None:
        logger.warning("no job queue: activity reminders will not be sent")
        return
    application.job_queue.run_repeating(
        _run_job, interval=INTERVAL_SECONDS, first=30, name=JOB_NAME
    )


async def _run_job(context) -> None:
    await send_due_reminders(context.application)


async def send_due_reminders(application: Application) -> int:
    """Send every reminder that is due now; returns how many were delivered."""
    deps = deps_of(application)
    now = deps.clock()
    async with deps.db.session() as session:
        joiners = await joins.claim_join_reminders(session, now=now)
        leaders = await reports.claim_report_reminders(session, now=now)
        messages = [render_reminder(deps, r) for r in joiners]
        messages += [render_report_reminder(deps, r) for r in leaders]
    delivered = 0
    for chat_id, text, markup in messages:
        # a reminder for someone who used quick exit is dropped, not kept
        outcome = await notify.deliver(deps, application.bot, chat_id, text, markup, keep=False)
        delivered += outcome is notify.Outcome.SENT
    if messages:
        logger.info("activity reminders: %s due, %s delivered", len(messages), delivered)
    return delivered


def render_reminder(deps: Deps, reminder: joins.Reminder) -> tuple[int, str, Markup]:
    with speaking(deps.catalogs, reminder.language) as translator:
        text, markup = render_join_reminder(
            deps, translator, reminder.activity, soon=reminder.soon
        )
    return reminder.user_id, text, markup


def render_report_reminder(deps: Deps, reminder: joins.Reminder) -> tuple[int, str, Markup]:
    activity = reminder.activity
    with speaking(deps.catalogs, reminder.language):
        text = _("📝 How did “{title}” go? Please report how many took part and what happened. "
                 "It takes two minutes.").format(title=activity.title)
        markup = keyboard(button(pgettext("button", "📝 Report now"), REPORT(activity.id)))
    return reminder.user_id, text, markup
