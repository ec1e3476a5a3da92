"""Re-alerts: unclaimed cases are posted again in the staff chat until a moderator claims them.

The schedule is in the database (`cases.next_alert_at`); a periodic job asks it what is due,
so a restart or another replica neither loses nor repeats an alert.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram.error import TelegramError
from telegram.ext import Application

from ...core.cases import staff as case_staff
from ...db.models import Case
from ...i18n import _, ngettext, speaking
from ..runtime.turn import BotContext, deps_of
from . import notify as staff
from . import views as shared_views

logger = logging.getLogger(__name__)

REALERT_CHECK_SECONDS = 60


def realert_interval(turn_or_deps) -> timedelta:
    """How long an unclaimed case waits before the team is alerted again."""
    return timedelta(minutes=turn_or_deps.settings.case_realert_minutes)


async def alert_due_cases(application: Application) -> int:
    """Re-alert every unclaimed case whose alert is due (urgent ones mention moderators).

    The schedule is in the database: after a restart, the first check alerts what is due.
    """
    deps = deps_of(application)
    if not deps.settings.staff_chat_ids:
        return 0
    now = deps.clock()
    async with deps.db.session() as session:
        due = await case_staff.due_alerts(session, now=now, realert=realert_interval(deps))
        teams = {shared_views.team_of(deps, case).id for case in due if case.urgent}
        moderators = {
            team: await case_staff.on_duty_moderators(session, team=team) for team in teams
        }
    for case in due:
        team = shared_views.team_of(deps, case)
        notifier = staff.notifier_for(deps, application.bot, case)
        with speaking(deps.catalogs, team.language):
            text, entities = render_realert(
                case, now=now, moderators=moderators.get(team.id, [])
            )
            markup = shared_views.build_claim_keyboard(case)
        place = staff.place_of(case, deps)
        try:
            posted = await notifier.post(place, text, markup, entities)
        except TelegramError as exc:
            logger.warning("could not re-alert case %s: %s", case.id, type(exc).__name__)
            continue
        await staff.remember_post(deps, case.id, place, posted)
    return len(due)


def render_realert(case: Case, *, now, moderators: list[int]):
    minutes = max(1, int((now - case.opened_at).total_seconds() // 60))
    text = ngettext(
        "⏰ {number} is still waiting for a moderator (opened {minutes} minute ago).",
        "⏰ {number} is still waiting for a moderator (opened {minutes} minutes ago).",
        minutes,
    ).format(number=case.number, minutes=minutes)
    if not case.urgent:
        return text, []
    return shared_views.mention_moderators(_("🚨 URGENT") + " " + text, moderators)


async def realert_job(context: BotContext) -> None:
    """The periodic job: alert_due_cases."""
    await alert_due_cases(context.application)
