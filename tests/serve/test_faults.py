"""Transient database faults in the bot: retried within the turn, and an update the database
cannot take is kept (503 to the webhook, run again when polled), with no apology and two log
lines per outage (which errors count: test_fault_kinds.py). Faults are injected by a session
that refuses, or by a database on a closed port; nothing here waits on a clock."""

from __future__ import annotations

import asyncio
import logging
import socket
from contextlib import asynccontextmanager

import pytest
from harness import FRIEND, STAFF_CHAT_ID, YOUNG, YOUNG_EN, BotHarness, content_for
from serve import test_webhook
from serve.test_webhook import PATH, SECRET, Served, rows
from sqlalchemy import select

from youthbot.app import build_application
from youthbot.bot.runtime import processor as processor_module
from youthbot.bot.runtime.processor import PerUserUpdateProcessor
from youthbot.bot.safety.tracking import flush_pending, tracker_of
from youthbot.db import faults
from youthbot.db.engine import Database
from youthbot.db.models import ProcessedUpdate, TrackedMessage, User
from youthbot.offline import OfflineBotAPI, OfflineRequest
from youthbot.serve.runner import serve
from youthbot.serve.webserver import SECRET_HEADER, WebServer


class Refusing:
    """Makes `db.session()` refuse the next `times` transactions as a stopped server would."""

    def __init__(self, db: Database, times: int) -> None:
        self.db, self.times, self.refused = db, times, 0
        self._session = db.session
        db.session = self.session  # type: ignore[method-assign]

    @asynccontextmanager
    async def session(self):
        if self.refused < self.times:
            self.refused += 1
            raise ConnectionRefusedError(111, "Connection refused")
        async with self._session() as session:
            yield session


served = test_webhook.served  # the webhook server on loopback, as a fixture here too


@pytest.fixture(autouse=True)
def no_pauses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(faults, "RETRY_DELAYS", (0, 0, 0))
    monkeypatch.setattr(processor_module, "RERUN_FIRST", 0)


def _sends(harness: BotHarness, chat_id: int, start: int = 0) -> list[str]:
    return [
        c.text for c in harness.api.calls[start:] if c.method == "sendMessage"
        and c.chat_id == chat_id
    ]


@pytest.mark.parametrize(
    ("persona", "greeting"), [(YOUNG, "¡Hola!"), (YOUNG_EN, "Hello!")], ids=["es", "en"]
)
async def test_a_short_outage_is_retried_within_the_turn(bot, caplog, persona, greeting):
    refusing = Refusing(bot.db, times=2)
    with caplog.at_level(logging.INFO):
        await bot.process(bot.factory.message(
            user_id=persona.id, text="/start", language_code=persona.language_code
        ))
    assert refusing.refused == 2
    texts = _sends(bot, persona.id)
    assert len(texts) >= 1 and texts[0].startswith(greeting)
    assert not any("something went wrong" in t or "algo falló" in t for t in texts)
    assert _sends(bot, STAFF_CHAT_ID) == []
    assert await rows(bot.db, User) == 1
    assert "Traceback" not in caplog.text
    outage_lines = [r for r in caplog.records if r.name == "youthbot.db.faults"]
    assert len(outage_lines) == 2


async def test_an_outage_outlasting_the_retries_sends_nothing_and_changes_nothing(bot, caplog):
    Refusing(bot.db, times=1000)
    start = len(bot.api.calls)
    with caplog.at_level(logging.INFO):
        for n in range(5):
            await bot.app.process_update(bot.factory.message(user_id=YOUNG.id, text=f"hi {n}"))
    assert bot.errors == []  # the update's other handler groups were not tried
    assert bot.api.calls[start:] == []  # no apology, no staff alert
    assert "Traceback" not in caplog.text
    assert len([r for r in caplog.records if r.levelno >= logging.WARNING]) == 1
    assert bot.db.outage.deferred == 5


async def test_the_webhook_answers_503_while_the_database_is_away_and_the_resend_counts_once(
    served: Served,
):
    harness = served.harness
    update = harness.factory.message(user_id=YOUNG.id, text="/start")
    refusing = Refusing(harness.db, times=4)  # more than the three retries of one turn
    assert await served.post(update, {SECRET_HEADER: SECRET}) == 503
    assert harness.api.calls == []
    assert await rows(harness.db, ProcessedUpdate) == 0
    # Telegram sends it again; the database is back
    assert await served.post(update, {SECRET_HEADER: SECRET}) == 200
    assert refusing.refused == 4
    assert len(_sends(harness, YOUNG.id)) >= 1
    assert await served.post(update, {SECRET_HEADER: SECRET}) == 200
    assert await rows(harness.db, ProcessedUpdate) == 1
    assert await rows(harness.db, User) == 1


async def test_a_polled_update_is_kept_and_run_again_in_order(settings, database):
    api = OfflineBotAPI()
    application = build_application(
        settings, content=content_for(settings), request=OfflineRequest(api), database=database,
        update_processor=PerUserUpdateProcessor(4),
    )
    harness = BotHarness(application, api, database)
    await application.initialize()
    await application.start()
    api.clear()
    refusing = Refusing(database, times=4 + 4)  # the first run, then the first rerun, fail
    try:
        first = harness.factory.message(user_id=YOUNG.id, text="/start")
        second = harness.factory.message(user_id=YOUNG.id, text="/menu")
        await application.update_queue.put(first)
        await application.update_queue.put(second)
        for _ in range(10_000):  # until both are handled (a guard against hanging, no timing)
            if len(await _claimed(refusing)) == 2:
                break
            await asyncio.sleep(0.01)
    finally:
        await application.stop()
        await application.shutdown()
    assert refusing.refused == 8
    claimed = await _claimed(refusing)
    assert claimed == sorted(claimed) == sorted([first.update_id, second.update_id])
    assert len(_sends(harness, YOUNG.id)) >= 2
    assert not any("algo falló" in t for t in _sends(harness, YOUNG.id))


async def _claimed(refusing: Refusing) -> list[int]:
    """The update ids recorded, in the order they were handled (read past the refusals)."""
    async with refusing._session() as session:
        return list(await session.scalars(
            select(ProcessedUpdate.update_id).order_by(ProcessedUpdate.at)
        ))


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_a_database_on_a_closed_port_gets_503_and_one_log_line(settings, caplog):
    closed = Database(f"postgresql+asyncpg://nobody@127.0.0.1:{_closed_port()}/youthbot")
    api = OfflineBotAPI()
    application = build_application(
        settings, content=content_for(settings), request=OfflineRequest(api), database=closed,
        update_processor=PerUserUpdateProcessor(4),
    )
    server = WebServer(application, closed, webhook_path=PATH, secret=SECRET)
    await application.initialize()
    await application.start()
    await server.start("127.0.0.1", 0)
    api.clear()
    web = Served(BotHarness(application, api, closed), server)
    try:
        with caplog.at_level(logging.INFO):
            codes = [
                await web.post(
                    web.harness.factory.message(user_id=YOUNG.id + n, text="/start"),
                    {SECRET_HEADER: SECRET},
                )
                for n in range(3)
            ]
    finally:
        web.client.close()
        server.stop_accepting()
        await application.stop()
        await server.close()
        await application.shutdown()
        await closed.dispose()
    assert codes == [503] * 3
    assert api.calls == []
    assert "Traceback" not in caplog.text
    warnings = [r.getMessage() for r in caplog.records if r.name == "youthbot.db.faults"]
    assert len(warnings) == 1 and "database unavailable" in warnings[0]



class FailingCommit(Refusing):
    """Makes the next `times` transactions fail just before their commit (a reset)."""

    @asynccontextmanager
    async def session(self):
        async with self._session() as session:
            yield session
            if self.refused < self.times:
                self.refused += 1
                raise ConnectionResetError(104, "Connection reset by peer")


async def test_quick_exit_ids_taken_by_a_turn_that_rolls_back_are_not_lost(bot):
    """Message ids wait in memory and are written by whoever's turn is next; when that turn
    rolls back (and runs again), they must still reach the table quick exit reads."""
    tracker = tracker_of(bot.app.bot)
    tracker.note(YOUNG.id, [11, 12])
    tracker.written_at = None  # due: the next turn takes them
    failing = FailingCommit(bot.db, times=1)
    await bot.process(bot.factory.message(user_id=FRIEND.id, text="/start"))
    assert failing.refused == 1
    await flush_pending(bot.app)
    async with failing._session() as session:
        tracked = (
            await session.execute(select(TrackedMessage.chat_id, TrackedMessage.message_id))
        ).all()
    assert sorted(m for c, m in tracked if c == YOUNG.id) == [11, 12]
    assert await rows(bot.db, User) == 1  # the friend, once


async def test_stopping_during_an_outage_does_not_wait_for_the_database(
    settings, database, caplog
):
    """Long polling: a kept update is run again and again while the database is away; a
    SIGTERM then stops the bot at once, saying the update was not handled."""
    port = test_webhook.free_port()
    settings = settings.model_copy(update={"webhook_listen": "127.0.0.1", "webhook_port": port})
    api = OfflineBotAPI()
    update = {
        "update_id": 515151,
        "message": {
            "message_id": 1, "date": 0, "text": "hola",
            "chat": {"id": YOUNG.id, "type": "private", "first_name": "A"},
            "from": {"id": YOUNG.id, "is_bot": False, "first_name": "A"},
        },
    }
    application = build_application(
        settings, content=content_for(settings),
        request=test_webhook.PollingRequest(api, [update]), database=database,
        update_processor=PerUserUpdateProcessor(4),
    )
    stop, started = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(serve(application, settings, webhook=False, stop=stop,
                                     started=started))
    await asyncio.wait([task, asyncio.create_task(started.wait())], return_when="FIRST_COMPLETED")
    assert started.is_set(), task.exception()
    refusing = Refusing(database, times=10**9)
    with caplog.at_level(logging.INFO):
        for _ in range(10_000):  # until it has been kept and run again (a guard, no timing)
            if refusing.refused > 2 * (len(faults.RETRY_DELAYS) + 1):
                break
            await asyncio.sleep(0.01)
        stop.set()
        await asyncio.wait_for(task, 60)  # a guard against hanging only
    assert "update 515151 kept for later could not be handled before stopping" in caplog.text
    assert [c for c in api.calls if c.method == "sendMessage"] == []
