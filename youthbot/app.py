"""The composition root: `build_application(settings)` wires everything; nothing at import."""

from __future__ import annotations

import asyncio
import logging
from datetime import date

from telegram import BotCommand
from telegram.error import TelegramError
from telegram.ext import (
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
from .bot import (
    activities,
    announce,
    campaigns,
    cases,
    help,
    people,
    polls,
    privacy,
    quiz,
    safety,
)
from .bot.people import commands as people_commands
from .bot.runtime import budget as send_budget
from .bot.runtime import delivery, error_alerts, errors
from .bot.runtime.processor import PerUserUpdateProcessor
from .bot.runtime.router import (
    Router,
    command_callback,
    command_filter,
    on_button,
    on_edited_private_message,
    on_private_message,
)
from .bot.runtime.turn import BotContext, Deps
from .bot.safety import clear_guide, tracking
from .bot.safety import danger as danger_words
from .bot.safety.tracking import MessageTracker, TrackingBot
from .config import Settings
from .core import content as core_content
from .core.content import Content, read_content
from .core.yamlsource import Problem
from .db import migrate
from .db.engine import Database
from .db.types import utcnow
from .i18n import Catalogs, _, activate, deactivate

logger = logging.getLogger(__name__)

# (command, description) shown in Telegram's command menu, per language (people's commands).
PUBLIC_COMMANDS = people_commands.PUBLIC_COMMANDS


def build_router() -> Router:
    """Every feature registers its buttons, commands and flows here, explicitly and in order.

    The order matters for what is kept in lists: interceptors (danger words, then an open
    case's relay, then the menu shortcuts), edit checks, turn hooks, settings buttons,
    start-up hooks and /start (groups before private chats)."""
    router = Router()
    safety.register(router)  # first: the danger-word check runs before every other handler
    privacy.register(router)  # its settings buttons come first in the settings screen
    # Not in safety.register: the guide's settings button comes after privacy's.
    clear_guide.register(router)
    cases.register(router)  # an open case's relay intercepts before the shortcuts
    people.register(router)  # the shortcuts' interceptor: after the relay, before forms
    help.register(router)
    quiz.register(router)
    activities.register(router)
    announce.register(router)
    polls.register(router)
    campaigns.register(router)
    error_alerts.register(router)
    return router


def check_content(
    settings: Settings, *, today: date | None = None, coverage: bool = True
) -> tuple[list[Problem], list[str]]:
    """Every problem in every content file, and notes (reviews due, known gaps): what
    `youthbot content check` prints. One reading of the files (core/content.py)."""
    report = read_content(settings.content_dir, today=today or utcnow().date(), coverage=coverage)
    return report.problems, report.notes


def load_content(settings: Settings) -> Content:
    """The validated content, each file read once; invalid content raises ContentInvalid."""
    return core_content.load_content(settings.content_dir, today=utcnow().date())


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    rate_limit: bool = False,
    database: Database | None = None,
    update_processor: BaseUpdateProcessor | None = None,
    content: Content | None = None,
) -> Application:
    """The Application with every handler, our dependencies in bot_data, start-up and shutdown.

    `content`: already loaded content (several applications in one process); read otherwise."""
    logsafe.install(settings.token)
    danger_words.quiet_library_loggers()
    db = database or Database(
        settings.database_url,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
    )
    # Production shares the send budget through the database; tests and the console do not
    # pace, but a 429 on a reply is waited out and tried again everywhere.
    budget = send_budget.Budget(db, rate=settings.send_rate) if rate_limit else None
    limiter = send_budget.SendLimiter(budget)
    builder = (
        Application.builder()
        .bot(build_bot(settings, request=request, limiter=limiter))
        .context_types(ContextTypes(context=BotContext))
        .post_init(startup)
        .post_shutdown(shutdown)
        .concurrent_updates(update_processor or False)
    )
    application = builder.build()
    router = build_router()
    deps = Deps(
        settings=settings,
        db=db,
        catalogs=Catalogs(settings.locales_dir, settings.default_language),
        content=content or load_content(settings),
        turn_hooks=router.turn_hooks,
        after_hooks=router.after_hooks,
        after_send=router.after_send,
        sends=delivery.SendQueue() if rate_limit else None,
    )
    application.bot_data["deps"] = deps
    application.bot_data["router"] = router
    limiter.on_shutdown.append(lambda: stop_sending(application))
    # The outbox's sweeper runs where the bot runs for real (`youthbot run`); tests sweep
    # when they mean to.
    application.bot_data["sweep_outbox"] = rate_limit
    if isinstance(update_processor, PerUserUpdateProcessor):
        update_processor.use_database(deps.db, now=lambda: deps.clock())
    register_handlers(application, router)
    return application


def build_bot(
    settings: Settings, *, request: BaseRequest | None, limiter: send_budget.SendLimiter
) -> TrackingBot:
    """PTB's bot, noting the message ids quick exit may delete (bot/safety/tracking.py)."""
    base = (settings.telegram_api_base_url or "https://api.telegram.org").rstrip("/")
    return TrackingBot(
        settings.token or "offline",
        base_url=f"{base}/bot",
        base_file_url=f"{base}/file/bot",
        request=request or HTTPXRequest(connection_pool_size=256),
        get_updates_request=request or HTTPXRequest(connection_pool_size=1),
        rate_limiter=limiter,
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
    if application.bot_data.get("sweep_outbox"):
        sweeper = delivery.OutboxSweeper(deps, application.bot)
        application.bot_data["outbox_sweeper"] = (sweeper, asyncio.create_task(sweeper.run()))
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


async def stop_sending(application: Application) -> None:
    """Before the bot's connections close: the replies still queued go out, the sweeper stops."""
    deps: Deps = application.bot_data["deps"]
    if deps.sends is not None:
        await deps.sends.drain()
    running = application.bot_data.pop("outbox_sweeper", None)
    if running is not None:
        sweeper, task = running
        sweeper.stop()
        await task


async def shutdown(application: Application) -> None:
    deps: Deps = application.bot_data["deps"]
    await stop_sending(application)
    await tracking.flush_pending(application)
    await deps.db.dispose()
