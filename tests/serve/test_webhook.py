"""The webhook server over real HTTP on loopback: the secret, exactly-once, /healthz, and the
whole `serve()` in webhook mode."""

from __future__ import annotations

import asyncio
import gc
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from harness import TOKEN, YOUNG, BotHarness, content_for
from sqlalchemy import func, select
from tornado.httpclient import AsyncHTTPClient, HTTPClientError

from youthbot.app import build_application
from youthbot.bot.runtime.processor import PerUserUpdateProcessor
from youthbot.config import Settings
from youthbot.db.engine import Database
from youthbot.db.models import ProcessedUpdate, User
from youthbot.offline import Call, OfflineBotAPI, OfflineRequest
from youthbot.serve.runner import run_bot, serve, webhook_problem
from youthbot.serve.webserver import SECRET_HEADER, WebServer

SECRET = "s3cret_Token-for-tests"
PATH = "/telegram/hook"


class Served:
    def __init__(self, harness: BotHarness, server: WebServer) -> None:
        self.harness = harness
        self.server = server
        self.client = AsyncHTTPClient(force_instance=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.port}{path}"

    async def post(self, update: Any, headers: dict[str, str] | None = None) -> int:
        body = json.dumps(update.to_dict() if hasattr(update, "to_dict") else update)
        return await self.request(self.url(PATH), "POST", body, headers)

    async def request(self, url: str, method: str = "GET", body=None, headers=None) -> int:
        try:
            response = await self.client.fetch(
                url, method=method, body=body, headers=headers, raise_error=False
            )
        except HTTPClientError as exc:  # pragma: no cover - raise_error=False
            return exc.code
        return response.code


@pytest.fixture
async def served(settings: Settings, database: Database) -> AsyncIterator[Served]:
    api = OfflineBotAPI()
    application = build_application(
        settings, content=content_for(settings),
        request=OfflineRequest(api),
        database=database,
        update_processor=PerUserUpdateProcessor(4),
    )
    harness = BotHarness(application, api, database)

    async def collect(update: object, context: Any) -> None:
        harness.errors.append(context.error)

    application.add_error_handler(collect)
    server = WebServer(application, database, webhook_path=PATH, secret=SECRET)
    await application.initialize()
    await application.start()
    await server.start("127.0.0.1", 0)
    api.clear()  # getMe at initialize
    result = Served(harness, server)
    yield result
    result.client.close()
    server.stop_accepting()
    await application.stop()
    await server.close()
    await application.shutdown()
    assert not harness.errors


async def rows(db: Database, model) -> int:
    async with db.session() as session:
        return await session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(
    "headers",
    [None, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: SECRET[:-1]}, {SECRET_HEADER: ""},
     {"X-Other": SECRET}],
    ids=["missing", "wrong", "prefix", "empty", "other-header"],
)
async def test_a_request_without_the_exact_secret_gets_403_and_touches_nothing(served, headers):
    update = served.harness.factory.message(user_id=YOUNG.id, text="/start")
    assert await served.post(update, headers) == 403
    assert await rows(served.harness.db, ProcessedUpdate) == 0
    assert await rows(served.harness.db, User) == 0
    assert served.harness.api.calls == []


async def test_a_verified_update_is_processed_before_the_answer(served):
    update = served.harness.factory.message(user_id=YOUNG.id, text="/start")
    assert await served.post(update, {SECRET_HEADER: SECRET}) == 200
    # answered only once processed: the reply and the rows are already there
    assert [c.chat_id for c in served.harness.api.calls if c.method == "sendMessage"] == [
        YOUNG.id
    ]
    assert await rows(served.harness.db, User) == 1


async def test_telegram_retrying_a_webhook_has_one_effect(served):
    update = served.harness.factory.message(user_id=YOUNG.id, text="/start")
    for _ in range(3):
        assert await served.post(update, {SECRET_HEADER: SECRET}) == 200
    sends = [c for c in served.harness.api.calls if c.method == "sendMessage"]
    assert len(sends) == 1
    assert await rows(served.harness.db, ProcessedUpdate) == 1


async def test_concurrent_deliveries_of_one_update_have_one_effect(served):
    update = served.harness.factory.message(user_id=YOUNG.id, text="/start")
    codes = await asyncio.gather(
        *(served.post(update, {SECRET_HEADER: SECRET}) for _ in range(5))
    )
    assert codes == [200] * 5
    assert len([c for c in served.harness.api.calls if c.method == "sendMessage"]) == 1


async def test_malformed_bodies_get_400(served):
    headers = {SECRET_HEADER: SECRET}
    url = served.url(PATH)
    assert await served.request(url, "POST", "not json", headers) == 400
    assert await served.request(url, "POST", json.dumps([1, 2]), headers) == 400
    assert await served.request(url, "POST", json.dumps({"no": "id"}), headers) == 400
    assert await rows(served.harness.db, ProcessedUpdate) == 0


async def test_health_answers_200_when_the_database_does(served):
    assert await served.request(served.url("/healthz")) == 200
    assert await served.request(served.url("/healthz"), "HEAD") == 200
    assert await served.request(served.url("/nothing-here")) == 404


async def test_health_answers_503_when_the_database_does_not(settings, tmp_path):
    application = build_application(
        settings, content=content_for(settings),
        request=OfflineRequest(OfflineBotAPI())
    )
    broken = Database(f"sqlite+aiosqlite:///{tmp_path}/missing/dir/db.sqlite3")
    server = WebServer(application, broken, webhook_path=None, secret=None)
    await server.start("127.0.0.1", 0)
    client = AsyncHTTPClient(force_instance=True)
    try:
        response = await client.fetch(
            f"http://127.0.0.1:{server.port}/healthz", raise_error=False
        )
        assert response.code == 503
        # polling mode serves no webhook path at all
        response = await client.fetch(
            f"http://127.0.0.1:{server.port}{PATH}", method="POST", body="{}", raise_error=False
        )
        assert response.code == 404
    finally:
        client.close()
        await server.close()
        await broken.dispose()
        await application.bot_data["deps"].db.dispose()


def test_webhook_mode_without_a_secret_is_refused_with_one_line(capsys):
    settings = Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        webhook_url="https://bot.example.org/telegram/hook",
        database_url="sqlite+aiosqlite:///:memory:",
    )
    assert run_bot(settings, webhook=True) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "WEBHOOK_SECRET must be set" in err[0]


@pytest.mark.parametrize(
    ("changes", "needle"),
    [
        ({"webhook_url": None}, "WEBHOOK_URL must be set"),
        ({"webhook_url": "bot.example.org/x"}, "full URL"),
        ({"webhook_url": "https://bot.example.org/healthz"}, "cannot be /healthz"),
        ({"webhook_secret": "has spaces in it"}, "may only hold"),
        ({"webhook_secret": "x" * 257}, "may only hold"),
        ({}, None),
    ],
)
def test_webhook_settings_are_checked(changes, needle):
    values = {"webhook_url": "https://bot.example.org/t/hook", "webhook_secret": SECRET}
    values.update(changes)
    problem = webhook_problem(Settings(_env_file=None, **values))
    assert (problem is None) if needle is None else (needle in problem)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_serve_in_webhook_mode_end_to_end(settings: Settings, database: Database):
    """`serve()` registers the webhook with its secret, serves updates and health, stops."""
    port = free_port()
    settings = settings.model_copy(
        update={
            "webhook_url": f"https://bot.example.org{PATH}",
            "webhook_secret": Settings(_env_file=None, webhook_secret=SECRET).webhook_secret,
            "webhook_listen": "127.0.0.1",
            "webhook_port": port,
        }
    )
    api = OfflineBotAPI()
    application = build_application(
        settings, content=content_for(settings),
        request=OfflineRequest(api),
        database=database,
        update_processor=PerUserUpdateProcessor(4),
    )
    stop, started = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(
        serve(application, settings, webhook=True, stop=stop, started=started)
    )
    await asyncio.wait([task, asyncio.create_task(started.wait())], return_when="FIRST_COMPLETED")
    assert started.is_set(), task.exception()
    client = AsyncHTTPClient(force_instance=True)
    try:
        webhook = [c for c in api.calls if c.method == "setWebhook"]
        assert webhook and webhook[0].params["secret_token"] == SECRET
        assert webhook[0].params["url"] == settings.webhook_url
        update = BotHarness(application, api, database).factory.message(
            user_id=YOUNG.id, text="/start"
        )
        response = await client.fetch(
            f"http://127.0.0.1:{port}{PATH}",
            method="POST",
            body=json.dumps(update.to_dict()),
            headers={SECRET_HEADER: SECRET},
            raise_error=False,
        )
        assert response.code == 200
        assert any(c.chat_id == YOUNG.id for c in api.calls if c.method == "sendMessage")
        health = await client.fetch(f"http://127.0.0.1:{port}/healthz", raise_error=False)
        assert health.code == 200
    finally:
        client.close()
        stop.set()
        await task
    assert not application.running


class PollingRequest(OfflineRequest):
    """The offline Bot API with long polling that hands out `pending` updates, then waits."""

    def __init__(self, api: OfflineBotAPI, pending: list[dict]) -> None:
        super().__init__(api)
        self.pending = pending

    async def do_request(self, url: str, method: str, request_data=None, **kwargs: Any):
        if url.endswith("/getUpdates"):
            await asyncio.sleep(0.02)
            updates, self.pending = self.pending, []
            self.api.calls.append(Call("getUpdates", {}, updates))
            return 200, json.dumps({"ok": True, "result": updates}).encode()
        return await super().do_request(url, method, request_data, **kwargs)


async def test_serve_with_long_polling_end_to_end(settings: Settings, database: Database):
    """Polling: the webhook is deleted, updates are fetched and answered, /healthz is served."""
    port = free_port()
    settings = settings.model_copy(update={"webhook_listen": "127.0.0.1", "webhook_port": port})
    api = OfflineBotAPI()
    update = {
        "update_id": 424242,
        "message": {
            "message_id": 1, "date": 0, "text": "/start",
            "chat": {"id": YOUNG.id, "type": "private", "first_name": "A"},
            "from": {"id": YOUNG.id, "is_bot": False, "first_name": "A"},
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    application = build_application(
        settings, content=content_for(settings),
        request=PollingRequest(api, [update, update]),  # Telegram repeating it after a crash
        database=database,
        update_processor=PerUserUpdateProcessor(4),
    )
    answered = asyncio.Event()
    api.listeners.append(lambda call: call.chat_id == YOUNG.id and answered.set())
    stop, started = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(
        serve(application, settings, webhook=False, stop=stop, started=started)
    )
    client = AsyncHTTPClient(force_instance=True)
    try:
        await asyncio.wait(
            [task, asyncio.create_task(answered.wait())], return_when="FIRST_COMPLETED"
        )
        assert answered.is_set(), task.exception() if task.done() else None
        assert "deleteWebhook" in api.methods()
        # what start-up built is out of the collector's sight; checkpoints are off the loop
        assert gc.get_freeze_count() > 0
        jobs = {job.name for job in application.job_queue.jobs()}
        assert "upkeep.prune" in jobs
        assert ("upkeep.checkpoint" in jobs) == database.is_sqlite  # nothing to do on PostgreSQL
        health = await client.fetch(f"http://127.0.0.1:{port}/healthz", raise_error=False)
        assert health.code == 200
    finally:
        client.close()
        stop.set()
        await task
        gc.unfreeze()
    assert not application.job_queue.scheduler.running  # stopped with the Application
    sends = [c for c in api.calls if c.method == "sendMessage" and c.chat_id == YOUNG.id]
    assert len(sends) == 1  # the repeated update had no second effect
