"""Running against Telegram: long polling, or a webhook behind a secret; /healthz in both.

One process: the Application with the per-person update processor and its JobQueue (every
periodic job, serve/jobs.py's upkeep too), the HTTP server (webhook and health) and the
announcement worker. Several processes
(replicas) can share one PostgreSQL behind one webhook URL.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import re
import signal
import sys
from urllib.parse import urlparse

from sqlalchemy.exc import DBAPIError
from telegram import Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application

from ..app import build_application
from ..bot.announce.outbox import AnnouncementSender
from ..bot.runtime.processor import PerUserUpdateProcessor
from ..bot.runtime.turn import deps_of
from ..config import Settings
from .jobs import schedule_upkeep
from .webserver import HEALTH_PATH, WebServer

logger = logging.getLogger(__name__)

_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class StartupError(Exception):
    """A problem that stops the bot at start; the message is one line for the operator."""


def webhook_problem(settings: Settings) -> str | None:
    """Why webhook mode cannot start with these settings (one line), or None."""
    if not settings.webhook_url:
        return "WEBHOOK_URL must be set to run with a webhook"
    url = urlparse(settings.webhook_url)
    if url.scheme not in ("https", "http") or not url.hostname:
        return "WEBHOOK_URL must be a full URL such as https://bot.example.org/telegram"
    if (url.path or "/") == HEALTH_PATH:
        return f"WEBHOOK_URL's path cannot be {HEALTH_PATH}"
    if settings.webhook_secret is None or not settings.webhook_secret.get_secret_value():
        return "WEBHOOK_SECRET must be set to run with a webhook (refusing to serve without it)"
    if not _SECRET.match(settings.webhook_secret.get_secret_value()):
        return "WEBHOOK_SECRET may only hold 1-256 characters A-Z, a-z, 0-9, _ and -"
    return None


def run_bot(settings: Settings, *, webhook: bool, concurrency: int = 32) -> int:
    """Run until SIGINT/SIGTERM; a start-up failure is one clear line, not a traceback."""
    problem = webhook_problem(settings) if webhook else None
    if problem:
        print(f"youthbot: {problem}", file=sys.stderr)
        return 2
    processor = PerUserUpdateProcessor(concurrency, window=settings.reorder_window_ms / 1000)
    application = build_application(settings, rate_limit=True, update_processor=processor)
    try:
        asyncio.run(serve(application, settings, webhook=webhook))
    except StartupError as exc:
        print(f"youthbot: {exc}", file=sys.stderr)
        return 1
    except InvalidToken:
        print("youthbot: TELEGRAM_BOT_TOKEN was rejected by Telegram", file=sys.stderr)
        return 2
    except NetworkError as exc:
        print(
            f"youthbot: cannot reach the Bot API ({type(exc).__name__}); check the network "
            "or TELEGRAM_API_BASE_URL",
            file=sys.stderr,
        )
        return 1
    except (DBAPIError, OSError) as exc:
        print(
            f"youthbot: DATABASE_URL: cannot use the database ({type(exc).__name__})",
            file=sys.stderr,
        )
        return 1
    return 0


async def serve(
    application: Application,
    settings: Settings,
    *,
    webhook: bool,
    stop: asyncio.Event | None = None,
    started: asyncio.Event | None = None,
) -> None:
    """Start everything, run until `stop` is set (or a signal), then stop in order."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    deps = deps_of(application)
    server = WebServer(
        application,
        deps.db,
        webhook_path=(urlparse(settings.webhook_url).path or "/") if webhook else None,
        secret=settings.webhook_secret.get_secret_value() if webhook else None,
    )
    await application.initialize()
    tasks: list[asyncio.Task] = []
    sender = AnnouncementSender(application)
    try:
        await application.post_init(application)
        try:
            port = await server.start(settings.webhook_listen, settings.webhook_port)
        except OSError as exc:
            raise StartupError(
                f"WEBHOOK_PORT: cannot listen on {settings.webhook_listen}:"
                f"{settings.webhook_port} ({exc.strerror or type(exc).__name__})"
            ) from None
        if application.job_queue is not None:
            schedule_upkeep(application.job_queue, deps.db)
        await application.start()  # and the JobQueue
        if webhook:
            await application.bot.set_webhook(
                settings.webhook_url,
                secret_token=settings.webhook_secret.get_secret_value(),
                allowed_updates=Update.ALL_TYPES,
            )
        else:
            await application.updater.start_polling(allowed_updates=Update.ALL_TYPES)
        # Periodic upkeep runs on the JobQueue (serve/jobs.py); the announcement worker is a
        # long-running consumer that paces itself and drains on stop, so it stays a task.
        tasks = [asyncio.create_task(sender.run(), name="announcements")]
        settle_heap()
        logger.info(
            "running with %s; health on port %s", "a webhook" if webhook else "long polling", port
        )
        if started is not None:
            started.set()
        await stop.wait()
    finally:
        await _stop(application, server, sender, tasks)
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)


def settle_heap() -> None:
    """Move what start-up built (content, catalogs, mappers, modules) out of the collector's
    sight: a full collection during turns then scans only what turns made, not all of it
    again (measured: 60-160 ms pauses at 200 active people without this, 16 ms with it)."""
    gc.collect()
    gc.freeze()


async def _stop(application, server: WebServer, sender, tasks: list[asyncio.Task]) -> None:
    """Stop taking work, finish what was taken, then release everything."""
    logger.info("stopping")
    sender.stop()
    server.stop_accepting()
    with contextlib.suppress(Exception):
        await asyncio.wait_for(asyncio.gather(*tasks[:1], return_exceptions=True), 15)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if isinstance(application.update_processor, PerUserUpdateProcessor):
        application.update_processor.stop_rerunning()  # no waiting out a database outage
    if application.running:
        await application.stop()  # processes what is already queued
    await server.close()
    await application.shutdown()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)
