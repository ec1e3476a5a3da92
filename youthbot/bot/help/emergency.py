"""Emergency lines on the bot side: the lines a screen shows (and the alert when a country's
lines are all suspended), how they read, and the daily check of their review dates.

The check is a periodic job that asks the database what is due and records each alert
before sending it (core/emergency.claim_review_alerts), so a restart or a second replica
never repeats one. `send_review_alerts` is the job's body, callable directly (tests, a cron).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram.error import TelegramError
from telegram.ext import Application

from ...core import help as help_service
from ...core import regions
from ...core.help import emergency
from ...core.help.directory import Service
from ...i18n import _, ngettext, speaking
from ..runtime import notify
from ..runtime.router import Router
from ..runtime.turn import BotContext, Deps, Turn, deps_of

logger = logging.getLogger(__name__)

JOB_NAME = "services.review-alerts"
CHECK_SECONDS = 3600


async def lines_for(turn: Turn, country: str | None, *, topic: str | None = None):
    """The lines to show for `country` (never empty). Once the person's messages are queued,
    call `warn_if_fallback` so staff learn when these were shown although all suspended."""
    return await help_service.emergency_lines(
        turn.session, turn.deps.content.services,
        country=country or spoken_country(turn), today=turn.today, topic=topic,
    )


def spoken_country(turn: Turn) -> str | None:
    """For someone who has not said their country: the country regions.yaml gives for their
    language (Brazil for Portuguese), else None (then Peru's lines)."""
    return regions.country_for_language(turn.deps.content.countries, turn.language)


async def warn_if_fallback(turn: Turn, lines: emergency.Lines) -> None:
    """Every line of the country was suspended but shown anyway: tell the staff chat and the
    admins, once a day per country, after the person's own messages (a failure to reach an
    admin never stops them)."""
    if not lines.fallback or not await emergency.claim_fallback_alert(
        turn.session, country=lines.country, today=turn.today, now=turn.now
    ):
        return
    with speaking(turn.deps.catalogs, turn.settings.default_language):
        text = _(
            "⚠️ Every emergency line of {country} is suspended, so young people are shown "
            "them anyway: {lines}. Please reactivate one or add another now (/services)."
        ).format(country=lines.country,
                 lines=describe_lines(lines, turn.settings.default_language))
    logger.warning("emergency lines of %s all suspended: shown anyway", lines.country)
    for chat_id in staff_and_admins(turn.deps):  # through the one door: an admin's hold holds
        if chat_id > 0:
            notify.person(turn, chat_id, text)
        else:
            notify.staff(turn, chat_id, text)


async def send_safely(bot, chats: Sequence[int], texts: Sequence[str]) -> None:
    """Send each text to each chat; one that cannot be reached is logged and skipped."""
    for chat_id in chats:
        for text in texts:
            try:
                await bot.send_message(chat_id, text)
            except TelegramError as exc:
                logger.warning("could not send a directory alert: %s", type(exc).__name__)


def staff_and_admins(deps: Deps) -> list[int]:
    """Where alerts about the directory go: the staff chat and each admin of the settings."""
    chats = [deps.settings.staff_chat_id] if deps.settings.staff_chat_id is not None else []
    return chats + sorted(deps.settings.admin_ids)


def describe_lines(lines: Sequence[Service], lang: str) -> str:
    """"105 (Policía…), 100 (Línea 100)": what a person was shown, for staff."""
    parts = []
    for service in lines:
        numbers = " / ".join(c.value for c in service.channels if c.kind == "phone")
        parts.append(f"{numbers} ({service.name_in(lang)})")
    return ", ".join(parts) or "—"


def render_first_line(lines: Sequence[Service], lang: str) -> str:
    """The first emergency number in one line, for the first help screen."""
    for service in lines:
        numbers = [c.value for c in service.channels if c.kind == "phone"]
        if numbers:
            return _("📞 In an emergency, call {number} ({name}).").format(
                number=numbers[0], name=service.name_in(lang)
            )
    return ""


# Review alerts -----------------------------------------------------------------------------


def render_review_alert(alert: emergency.ReviewAlert, lang: str) -> str:
    service = alert.service
    name = f"{service.name_in(lang)} ({service.id})"
    if alert.days_left < 0:
        late = -alert.days_left
        text = ngettext(
            "⚠️ The review of the line {name} is overdue by {days} day (it was due on {due}). "
            "It is still shown to young people in danger. Call it to check it works, then "
            "write /revet {id} and a short note.",
            "⚠️ The review of the line {name} is overdue by {days} days (it was due on {due}). "
            "It is still shown to young people in danger. Call it to check it works, then "
            "write /revet {id} and a short note.",
            late,
        )
        return text.format(name=name, days=late, due=service.review_due.isoformat(), id=service.id)
    days = max(alert.days_left, 0)
    text = ngettext(
        "⏰ The line {name} is due for review in {days} day ({due}). Call it to check it "
        "works, then write /revet {id} and a short note.",
        "⏰ The line {name} is due for review in {days} days ({due}). Call it to check it "
        "works, then write /revet {id} and a short note.",
        days,
    )
    return text.format(name=name, days=days, due=service.review_due.isoformat(), id=service.id)


async def send_review_alerts(application: Application) -> int:
    """Alert the staff chat and the admins about every line whose review is near or past
    (each alert once); returns how many alerts were due."""
    deps = deps_of(application)
    now = deps.clock()
    async with deps.db.session() as session:
        overrides = await help_service.service_overrides(session)
        due = await emergency.claim_review_alerts(
            session, deps.content.services, overrides=overrides, today=now.date(), now=now
        )
    if not due:
        return 0
    lang = deps.settings.default_language
    with speaking(deps.catalogs, lang):
        texts = [render_review_alert(alert, lang) for alert in due]
    await send_safely(application.bot, staff_and_admins(deps), texts)
    logger.info("service review alerts: %s sent", len(due))
    return len(due)


async def review_job(context: BotContext) -> None:
    """The periodic job: send_review_alerts."""
    await send_review_alerts(context.application)


async def schedule(application: Application) -> None:
    """At start-up: check the lines' review dates every hour (and soon after start)."""
    queue = application.job_queue
    if queue is None:
        logger.warning("no job queue: review alerts for emergency lines will not be sent")
        return
    if not queue.get_jobs_by_name(JOB_NAME):
        queue.run_repeating(review_job, interval=CHECK_SECONDS, first=20, name=JOB_NAME)


def register(router: Router) -> None:
    """Check the lines' review dates every hour (and soon after start)."""
    router.on_startup(schedule)
