"""The bot's small HTTP server: Telegram's webhook (behind its secret) and `/healthz`.

PTB's built-in webhook server has no health endpoint, so this one is ours (tornado, which
PTB's webhooks extra installs). A webhook request must carry the exact secret in
`X-Telegram-Bot-Api-Secret-Token`, else it gets 403 before its body is read, and nothing is
stored. The body has a size limit and a time limit, and is checked before PTB parses it
(serve/update_checks.py): a bad update gets 400 and changes nothing. A verified
update goes onto `application.update_queue` (so the update processor orders it) and the answer
is sent once it has been processed: if this replica dies first, Telegram delivers it again and
the processed-updates record keeps the effect single. An update the database could not take
(it is away: bot/runtime/errors.py) gets 503, so Telegram sends it again later.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re

from sqlalchemy import text
from telegram import Update
from telegram.ext import Application
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application as WebApplication
from tornado.web import RequestHandler, stream_request_body

from ..bot.runtime.processor import PerUserUpdateProcessor
from ..db.engine import Database
from .update_checks import BadUpdate, load_update_data

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/healthz"
MAX_BODY_BYTES = 1 << 20
# Telegram sends a whole update at once; a body slower than this is not Telegram's.
BODY_TIMEOUT_SECONDS = 10.0
# A connection that sends no request (or not all its headers) for this long is closed.
IDLE_SECONDS = 60.0
# Telegram waits about a minute for an answer; answer before it gives up.
ANSWER_WITHIN_SECONDS = 50.0


class ServerClosing(Exception):
    """The server stopped before the update was processed: Telegram should send it again."""


class WebServer:
    """Serves the webhook at `webhook_path` (None: health only, for long polling)."""

    def __init__(
        self,
        application: Application,
        db: Database,
        *,
        webhook_path: str | None,
        secret: str | None,
        answer_within: float = ANSWER_WITHIN_SECONDS,
        body_timeout: float = BODY_TIMEOUT_SECONDS,
        idle_timeout: float = IDLE_SECONDS,
    ) -> None:
        if webhook_path is not None and not secret:
            raise ValueError("a webhook needs a secret")
        self.application = application
        self.db = db
        self.webhook_path = webhook_path
        self._secret = (secret or "").encode()
        self.answer_within = answer_within
        self.body_timeout = body_timeout
        self.idle_timeout = idle_timeout
        self._pending: set[asyncio.Future[bool]] = set()
        self._server: HTTPServer | None = None
        self.port: int | None = None

    def _routes(self) -> list:
        routes: list = [(re.escape(HEALTH_PATH), HealthHandler, {"server": self})]
        if self.webhook_path is not None:
            routes.append((re.escape(self.webhook_path), UpdateHandler, {"server": self}))
        return routes

    async def start(self, listen: str, port: int) -> int:
        """Listen (port 0: any free port); returns the port."""
        web = WebApplication(self._routes(), log_function=lambda handler: None)
        sockets = bind_sockets(port, address=listen)
        self._server = HTTPServer(
            web,
            max_body_size=MAX_BODY_BYTES,
            body_timeout=self.body_timeout,
            idle_connection_timeout=self.idle_timeout,
            xheaders=True,
        )
        self._server.add_sockets(sockets)
        self.port = sockets[0].getsockname()[1]
        return self.port

    def stop_accepting(self) -> None:
        if self._server is not None:
            self._server.stop()

    async def close(self) -> None:
        """Answer 503 to whatever was not processed, and close every connection."""
        for future in list(self._pending):
            if not future.done():
                future.set_exception(ServerClosing())
        self.stop_accepting()
        if self._server is not None:
            await self._server.close_all_connections()

    def authorized(self, header: str | None) -> bool:
        return header is not None and hmac.compare_digest(header.encode(), self._secret)

    async def submit(self, update: Update) -> int:
        """Queue a verified update; the HTTP status once processed (or after a long wait)."""
        processor = self.application.update_processor
        if not isinstance(processor, PerUserUpdateProcessor):
            await self.application.update_queue.put(update)
            return 200
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._pending.add(done)
        processor.when_done(update, lambda kept: done.done() or done.set_result(kept))
        try:
            await self.application.update_queue.put(update)
            kept = await asyncio.wait_for(asyncio.shield(done), self.answer_within)
            return 503 if kept else 200  # kept: the database is away, Telegram resends it
        except TimeoutError:
            processor.forget(update)
            return 200  # still queued here; a redelivery would be recognised anyway
        except ServerClosing:
            return 503
        finally:
            self._pending.discard(done)

    async def database_ok(self) -> bool:
        try:
            async with asyncio.timeout(3):
                async with self.db.engine.connect() as conn:
                    await conn.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any failure means "not healthy"
            logger.warning("health check: the database does not answer")
            return False
        return True


@stream_request_body
class UpdateHandler(RequestHandler):
    """POST from Telegram: the secret before the body is read; then a bounded body, read within
    a time limit, checked (serve/update_checks.py), parsed and queued."""

    def initialize(self, server: WebServer) -> None:
        self.server = server
        self._body = bytearray()

    def prepare(self) -> None:
        if not self.server.authorized(self.request.headers.get(SECRET_HEADER)):
            logger.warning("webhook request without the right secret refused")
            self.send_error(403)  # the connection closes with the body unread
            return
        length = self.request.headers.get("Content-Length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            self.send_error(413)
            return
        # A request that sends its headers and never its body gives up its connection.
        self.request.connection.set_body_timeout(self.server.body_timeout)
        self.request.connection.set_max_body_size(MAX_BODY_BYTES)

    def data_received(self, chunk: bytes) -> None:
        self._body += chunk

    async def post(self) -> None:
        update = parse_update(bytes(self._body), self.server.application.bot)
        if update is None:
            self.set_status(400)
            return
        self.set_status(await self.server.submit(update))

    def write_error(self, status_code: int, **kwargs) -> None:
        self.finish()  # the status alone; nothing about why


def parse_update(body: bytes, bot) -> Update | None:
    """The update in a request body, or None when it is not one this bot takes."""
    try:
        return Update.de_json(load_update_data(body), bot)
    except BadUpdate as exc:
        logger.warning("webhook body refused: %s", exc)
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
        logger.warning("webhook body refused: not an update")
    return None


class HealthHandler(RequestHandler):
    """GET /healthz: 200 when the database answers, 503 otherwise."""

    def initialize(self, server: WebServer) -> None:
        self.server = server

    async def get(self) -> None:
        healthy = await self.server.database_ok()
        self.set_status(200 if healthy else 503)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish("ok\n" if healthy else "database unavailable\n")

    async def head(self) -> None:
        self.set_status(200 if await self.server.database_ok() else 503)
