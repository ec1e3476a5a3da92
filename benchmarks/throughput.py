"""Throughput and latency of the bot vs. a bare echo bot, through the started Application's
update queue and the per-person update processor, on the same offline Bot API.

    .venv/bin/python benchmarks/throughput.py [--users 200] [--actions 25] [--pg URL]

Simulated people onboard, then browse menus and play quizzes (pressing the buttons the bot
sent them). Two loads: "saturated" (every person sends the next update as soon as the previous
is answered) for the update rate, and "paced" (200 people arriving within a second, then each
acting about once a second, onboarding included) for latency at that concurrency. Latency is
from putting the update on the queue to the end of its processing (database commit and Bot API
calls included).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters  # noqa: E402

from youthbot.app import build_application  # noqa: E402
from youthbot.bot.processor import PerUserUpdateProcessor  # noqa: E402
from youthbot.config import Settings  # noqa: E402
from youthbot.db import migrate  # noqa: E402
from youthbot.db.engine import Database  # noqa: E402
from youthbot.offline import OfflineBotAPI, OfflineRequest, UpdateFactory, message_of  # noqa: E402
from youthbot.runner import settle_heap  # noqa: E402

BROWSE = ["/menu", "quiz.list", "quiz.open", "quiz.start", "quiz.ans", "quiz.ans", "quiz.ans",
          "quiz.ans", "/menu", "settings", "menu", "/quiz", "quiz.open", "quiz.start"]


class Driver:
    """Feeds updates to a started Application and times each until processed."""

    def __init__(self, application: Application, api: OfflineBotAPI) -> None:
        self.app = application
        self.api = api
        self.factory = UpdateFactory(application.bot)
        self.latencies: list[float] = []
        self.keyboards: dict[int, dict] = {}
        api.listeners.append(self._remember)

    def _remember(self, call) -> None:
        message = message_of(call)
        if message and message.get("reply_markup") and "chat" in message:
            self.keyboards[message["chat"]["id"]] = message

    async def submit(self, update) -> None:
        done = asyncio.get_running_loop().create_future()
        self.app.update_processor.when_done(update, lambda: done.set_result(None))
        started = time.perf_counter()
        await self.app.update_queue.put(update)
        await done
        self.latencies.append(time.perf_counter() - started)

    def press(self, user: int, action: str):
        message = self.keyboards.get(user)
        if message is None:
            return None
        for row in message["reply_markup"]["inline_keyboard"]:
            for item in row:
                data = item.get("callback_data", "")
                if data.split("|")[1:2] == [action]:
                    return self.factory.callback(user_id=user, data=data, message=message)
        if action == "quiz.ans":  # any answer of the question shown
            for row in message["reply_markup"]["inline_keyboard"]:
                for item in row:
                    if item.get("callback_data", "").startswith("1|quiz.ans|"):
                        return self.factory.callback(
                            user_id=user, data=item["callback_data"], message=message
                        )
        return None

    def step(self, user: int, action: str):
        if action.startswith("/"):
            return self.factory.message(user_id=user, text=action, language_code="es")
        return self.press(user, action) or self.factory.message(user_id=user, text="/menu")

    async def person(self, user: int, actions: int, think: float) -> None:
        if think:  # people arrive spread over a second, not all at the same instant
            await asyncio.sleep(random.uniform(0, think))
        for step in ("/start", "lang.first", "consent", "age"):
            if think and step != "/start":
                await asyncio.sleep(random.uniform(0.5 * think, 1.5 * think))
            if step == "consent":
                update = self._data(user, "1|consent|1")
            elif step == "age":
                update = self._data(user, "1|age|14-17")
            elif step == "lang.first":
                update = self._data(user, "1|lang.first|es")
            else:
                update = self.step(user, step)
            await self.submit(update)
        for i in range(actions):
            if think:
                await asyncio.sleep(random.uniform(0.5 * think, 1.5 * think))
            await self.submit(self.step(user, BROWSE[i % len(BROWSE)]))

    def _data(self, user: int, data: str):
        message = self.keyboards.get(user) or {
            "message_id": 1, "date": 0, "chat": {"id": user, "type": "private"}, "text": "…"
        }
        return self.factory.callback(user_id=user, data=data, message=message)


async def echo_text(update, context) -> None:
    await context.bot.send_message(update.effective_chat.id, update.effective_message.text or "")


async def echo_button(update, context) -> None:
    await update.callback_query.answer()


async def fresh_database(url: str) -> Database:
    db = Database(url)
    if db.is_postgresql:
        async with db.engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    await migrate.upgrade(db)
    return db


async def run_load(application, api, *, users: int, actions: int, think: float, first: int):
    """Updates per second, each update's latency, and the process's CPU use (the simulated
    people included): ms per update, and the share of one core it kept busy."""
    driver = Driver(application, api)
    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(driver.person(first + i, actions, think) for i in range(users)))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    count = len(driver.latencies)
    return count / elapsed, driver.latencies, Cpu(1000 * cpu / count, cpu / elapsed)


@dataclass
class Cpu:
    ms_per_update: float
    busy: float  # share of one core

    def __str__(self) -> str:
        return f"{self.ms_per_update:.2f} ms CPU per update, one core {self.busy:.0%} busy"


def describe(latencies: list[float]) -> str:
    cut = statistics.quantiles(latencies, n=100)
    return f"p50 {cut[49] * 1000:.1f} ms, p99 {cut[98] * 1000:.1f} ms"


async def bench_bot(url: str, args) -> dict:
    db = await fresh_database(url)
    settings = Settings(_env_file=None, database_url=url, auto_migrate=False)
    api = OfflineBotAPI(keep_calls=False)
    application = build_application(
        settings, request=OfflineRequest(api), database=db,
        update_processor=PerUserUpdateProcessor(args.concurrency),
    )
    await application.initialize()
    await application.start()
    settle_heap()  # as `youthbot run` does once started, with the SQLite checkpoints
    checkpoints = asyncio.create_task(db.checkpoint_forever())
    try:
        rate, _, cpu = await run_load(
            application, api, users=args.users, actions=args.actions, think=0, first=1_000_000
        )
        _, paced, paced_cpu = await run_load(
            application, api, users=args.users, actions=args.paced_actions, think=1.0,
            first=2_000_000,
        )
    finally:
        checkpoints.cancel()
        await application.stop()
        await application.shutdown()
        await db.dispose()
    return {"rate": rate, "cpu": cpu, "paced": paced, "paced_cpu": paced_cpu}


async def bench_echo(args) -> float:
    api = OfflineBotAPI(keep_calls=False)
    application = (
        Application.builder().token("1:echo").request(OfflineRequest(api))
        .concurrent_updates(PerUserUpdateProcessor(args.concurrency)).build()
    )
    application.add_handler(MessageHandler(filters.ALL, echo_text))
    application.add_handler(CallbackQueryHandler(echo_button))
    await application.initialize()
    await application.start()
    settle_heap()  # as `youthbot run` does once started
    try:
        rate, _, cpu = await run_load(
            application, api, users=args.users, actions=args.actions, think=0, first=3_000_000
        )
    finally:
        await application.stop()
        await application.shutdown()
    return rate, cpu


async def main(args) -> None:
    echo, echo_cpu = await bench_echo(args)
    print(f"echo bot: {echo:.0f} updates/s ({echo_cpu})")
    databases = [("SQLite", f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.sqlite3")]
    if args.pg:
        databases.append(("PostgreSQL", args.pg))
    for name, url in databases:
        result = await bench_bot(url, args)
        print(
            f"{name}: saturated {result['rate']:.0f} updates/s = {result['rate'] / echo:.0%} "
            f"of the echo bot ({result['cpu']}); {args.users} people acting about once a "
            f"second: {describe(result['paced'])} ({result['paced_cpu']})"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--actions", type=int, default=25, help="updates per person, saturated")
    parser.add_argument("--paced-actions", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--pg", metavar="URL", help="also run on this PostgreSQL (it is reset)")
    asyncio.run(main(parser.parse_args()))
