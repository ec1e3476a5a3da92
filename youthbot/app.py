"""The composition root: `build_application(settings)` wires everything; nothing at import."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from telegram import BotCommand
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from . import logsafe
from .bot import announce
from .bot.activities import menu as activities
from .bot.cases import moderation as cases
from .bot.cases import person as talk
from .bot.cases import stats as case_stats
from .bot.help import emergency, services
from .bot.help import triage as help
from .bot.people import admin, menu, shortcuts
from .bot.privacy import data as privacy
from .bot.quiz import group as quiz_group
from .bot.quiz import private as quiz
from .bot.quiz import stats as quiz_stats
from .bot.quiz import typed as quiz_text
from .bot.runtime import error_alerts, errors
from .bot.runtime.router import (
    Router,
    command_callback,
    command_filter,
    on_button,
    on_edited_private_message,
    on_private_message,
)
from .bot.runtime.turn import BotContext, Content, Deps
from .bot.safety import clear_guide, hold, tracking
from .bot.safety import danger as safety
from .bot.safety.tracking import MessageTracker, TrackingBot
from .config import Settings
from .core.help.directory_coverage import check_coverage
from .core.help.directory_file import (
    check_emergency_coverage,
    check_services,
    default_services_path,
    load_services,
)
from .core.people.shortcuts import check_shortcuts, shortcuts_path
from .core.quiz.files import check_quizzes, default_quiz_dir, load_quizzes
from .core.regions import check_regions, default_regions_path, load_regions, region_ids
from .core.safety.danger_file import (
    check_danger_words,
    default_danger_words_path,
    load_danger_words,
)
from .core.yamlsource import ContentInvalid, Problem
from .db import migrate
from .db.engine import Database
from .db.types import utcnow
from .i18n import N_, Catalogs, _, activate, deactivate

logger = logging.getLogger(__name__)

# (command, description) shown in Telegram's command menu, per language.
PUBLIC_COMMANDS = (
    ("start", N_("Start or restart the bot")),
    ("menu", N_("Main menu")),
    ("help", N_("Get help now")),
    ("language", N_("Change language")),
    ("cancel", N_("Cancel what you are doing")),
    ("salir", N_("Quick exit: clear this chat")),
)


def build_router() -> Router:
    """Every feature registers its buttons, commands and flows here, explicitly and in order."""
    router = Router()
    safety.register(router)  # first: the danger-word check runs before every other handler
    tracking.register(router)
    hold.register(router)  # quick exit's hold, lifted in every turn of the person
    menu.register(router)
    privacy.register(router)
    clear_guide.register(router)
    admin.register(router)
    help.register(router)
    talk.register_conversation(router)
    shortcuts.register(router)  # after an open case's relay, before forms and quizzes
    cases.register(router)
    case_stats.register(router)
    services.register(router)
    emergency.register(router)
    quiz.register(router)
    quiz_text.register(router)
    quiz_group.register(router)
    quiz_stats.register(router)
    activities.register(router)
    announce.register(router)
    error_alerts.register(router)
    return router


def _content_path(settings: Settings, name: str, default: Path) -> Path:
    return settings.content_dir / name if settings.content_dir else default


def check_content(
    settings: Settings, *, today: date | None = None, coverage: bool = True
) -> tuple[list[Problem], list[str]]:
    """Every problem in every content file (a country without an active emergency line too),
    and notes: services whose review is due within 60 days of `today` or overdue, known gaps.
    `coverage`: also every topic of every country needs a fitting service."""
    today = today or utcnow().date()
    _quizzes, problems = check_quizzes(
        _content_path(settings, "quizzes", default_quiz_dir())
    )
    countries, region_problems = check_regions(
        _content_path(settings, "regions.yaml", default_regions_path())
    )
    services_path = _content_path(settings, "services.yaml", default_services_path())
    services, service_problems, due = check_services(
        services_path, today=today, region_ids=region_ids(countries)
    )
    gap_notes: list[str] = []
    if not region_problems and not service_problems:
        service_problems = check_emergency_coverage(
            services, [c.id for c in countries], services_path
        )
    if coverage and not service_problems and not region_problems:
        # Every topic, in every country people can choose, has a fitting service.
        service_problems, gap_notes = check_coverage(
            services_path, services, [c.id for c in countries], today=today
        )
    _matcher, danger_problems = check_danger_words(
        _content_path(settings, "danger_words.yaml", default_danger_words_path())
    )
    shortcut_problems = check_shortcuts(shortcuts_path(settings.content_dir))
    notes = [
        ("WARNING: review OVERDUE since " if service.review_due < today
         else "WARNING: review due ")
        + f"{service.review_due.isoformat()}: {service.id} ({service.status}"
        + (", emergency line" if service.emergency else "") + ")"
        for service in sorted(due, key=lambda s: s.review_due)
    ] + gap_notes
    problems += shortcut_problems
    return problems + region_problems + service_problems + danger_problems, notes


def load_content(settings: Settings) -> Content:
    """Load and validate the content files; invalid content raises ContentInvalid.

    A topic left without a service (a review date passed, say) fails `content check` but does
    not stop the bot: matching falls back to `other`, then to the emergency numbers."""
    problems, _notes = check_content(settings, coverage=False)
    if problems:
        raise ContentInvalid(problems)
    countries = load_regions(_content_path(settings, "regions.yaml", default_regions_path()))
    return Content(
        quizzes=load_quizzes(_content_path(settings, "quizzes", default_quiz_dir())),
        countries=countries,
        services=load_services(
            _content_path(settings, "services.yaml", default_services_path()),
            today=utcnow().date(),
            region_ids=region_ids(countries),
        ),
        danger=load_danger_words(
            _content_path(settings, "danger_words.yaml", default_danger_words_path())
        ),
    )


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    rate_limit: bool = False,
    database: Database | None = None,
    update_processor: BaseUpdateProcessor | None = None,
) -> Application:
    """The Application with every handler, our dependencies in bot_data, start-up and shutdown."""
    logsafe.install(settings.token)
    safety.quiet_library_loggers()
    builder = (
        Application.builder()
        .bot(build_bot(settings, request=request, rate_limit=rate_limit))
        .context_types(ContextTypes(context=BotContext))
        .post_init(startup)
        .post_shutdown(shutdown)
        .concurrent_updates(update_processor or False)
    )
    application = builder.build()
    router = build_router()
    deps = Deps(
        settings=settings,
        db=database
        or Database(
            settings.database_url,
            pool_size=settings.database_pool_size,
            max_overflow=settings.database_max_overflow,
        ),
        catalogs=Catalogs(settings.locales_dir, settings.default_language),
        content=load_content(settings),
        turn_hooks=router.turn_hooks,
    )
    application.bot_data["deps"] = deps
    application.bot_data["router"] = router
    register_handlers(application, router)
    return application


def build_bot(
    settings: Settings, *, request: BaseRequest | None, rate_limit: bool
) -> TrackingBot:
    """PTB's bot, noting the message ids quick exit may delete (bot/safety/tracking.py)."""
    base = (settings.telegram_api_base_url or "https://api.telegram.org").rstrip("/")
    return TrackingBot(
        settings.token or "offline",
        base_url=f"{base}/bot",
        base_file_url=f"{base}/file/bot",
        request=request or HTTPXRequest(connection_pool_size=256),
        get_updates_request=request or HTTPXRequest(connection_pool_size=1),
        rate_limiter=AIORateLimiter(max_retries=3) if rate_limit else None,
        tracker=MessageTracker(),
    )


def register_handlers(application: Application, router: Router) -> None:
    settings = application.bot_data["deps"].settings
    for route in router.commands:
        application.add_handler(
            CommandHandler(
                list(route.names),
                command_callback(route),
                filters=command_filter(route.chats, settings),
            )
        )
    application.add_handler(CallbackQueryHandler(on_button))
    for handler in router.extra_handlers:
        application.add_handler(handler)
    private = filters.ChatType.PRIVATE
    application.add_handler(
        MessageHandler(private & ~filters.UpdateType.EDITED, on_private_message)
    )
    application.add_handler(
        MessageHandler(private & filters.UpdateType.EDITED_MESSAGE, on_edited_private_message)
    )
    application.add_error_handler(errors.on_error)


async def startup(application: Application) -> None:
    """Migrate, run the features' start-up hooks, register commands (failures only logged)."""
    deps: Deps = application.bot_data["deps"]
    if deps.settings.auto_migrate:
        await migrate.upgrade(deps.db)
    router: Router = application.bot_data["router"]
    for hook in router.startup:
        await hook(application)
    await register_commands(application)


async def register_commands(application: Application) -> None:
    """Commands and description per language; Telegram refusing them must not stop the bot."""
    deps: Deps = application.bot_data["deps"]
    for language in deps.catalogs.languages:
        token = activate(deps.catalogs.get(language))
        try:
            commands = [BotCommand(name, _(text)) for name, text in PUBLIC_COMMANDS]
            codes = [language] + ([None] if language == deps.settings.default_language else [])
            for code in codes:
                await application.bot.set_my_commands(commands, language_code=code)
                await application.bot.set_my_short_description(
                    _("Quizzes, youth activities and help, for young people."), language_code=code
                )
                await application.bot.set_my_description(
                    _("Youth Voices for Change: learn about your rights with short quizzes, "
                      "find youth activities, and get help safely and privately. Press Start."),
                    language_code=code,
                )
        except TelegramError as exc:
            logger.warning("could not register commands for %s: %s", language, type(exc).__name__)
        finally:
            deactivate(token)


async def shutdown(application: Application) -> None:
    deps: Deps = application.bot_data["deps"]
    await tracking.flush_pending(application)
    await deps.db.dispose()
