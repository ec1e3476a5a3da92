"""Throughput and latency of the bot vs. a bare echo bot, through the started Application's
update queue and the per-person update processor, on the same offline Bot API.

    .venv/bin/python benchmarks/throughput.py [--users 200] [--actions 25] [--pg URL]

Simulated people onboard, then browse menus and play quizzes (pressing the buttons the bot
sent them). Two loads: "saturated" (every person sends the next update as soon as the previous
is answered) for the update rate, and "paced" (200 people arriving within a second, then each
acting about once a second, onboarding included) for latency at that concurrency. Latency is
from putting the update on the queue to the end of its processing (database commit and Bot API
calls included). Every bot first handles 500 updates that are not measured (a warm-up).

Three reference bots run too, to show where the ratio goes: the echo bot plus the smallest
exactly-once turn (raw sqlite3, no ORM); a bot with no database that answers with a six-button
menu, as this bot's answers mostly are; and both together, the smallest bot shaped like this one.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from telegram import InlineKeyboardButton, InlineKeyboardMarkup  # noqa: E402
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters  # noqa: E402

from youthbot.app import build_application  # noqa: E402
from youthbot.bot.runtime.processor import PerUserUpdateProcessor  # noqa: E402
from youthbot.config import Settings  # noqa: E402
from youthbot.db import migrate  # noqa: E402
from youthbot.db.engine import Database  # noqa: E402
from youthbot.offline import OfflineBotAPI, OfflineRequest, UpdateFactory, message_of  # noqa: E402
from youthbot.serve.jobs import schedule_checkpoints  # noqa: E402
from youthbot.serve.runner import settle_heap  # noqa: E402

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
        self.app.update_processor.when_done(update, lambda _kept: done.set_result(None))
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


# Reference bots between the echo bot and ours, to show where the ratio goes.
MENU = InlineKeyboardMarkup(
    [[InlineKeyboardButton(f"Option {i}", callback_data=f"1|menu|{i}")] for i in range(6)]
)
MENU_TEXT = "What would you like to do? " * 4


async def menu_text(update, context) -> None:
    """No database: every message is answered with a six-button menu, as ours mostly are."""
    await context.bot.send_message(update.effective_chat.id, MENU_TEXT, reply_markup=MENU)


async def menu_button(update, context) -> None:
    await update.callback_query.answer()
    await update.callback_query.edit_message_text(MENU_TEXT, reply_markup=MENU)


class ExactlyOnce:
    """The echo bot plus the smallest exactly-once turn: one SQLite transaction (raw sqlite3,
    no ORM) that records the update id and reads and updates the person's row."""

    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.executescript(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
            "CREATE TABLE updates (update_id INTEGER PRIMARY KEY);"
            "CREATE TABLE people (id INTEGER PRIMARY KEY, seen INTEGER NOT NULL);"
        )

    def fresh(self, update) -> bool:
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        claimed = db.execute(
            "INSERT INTO updates VALUES (?) ON CONFLICT DO NOTHING", (update.update_id,)
        ).rowcount
        if claimed:
            person = update.effective_user.id
            if db.execute("SELECT seen FROM people WHERE id = ?", (person,)).fetchone():
                db.execute("UPDATE people SET seen = seen + 1 WHERE id = ?", (person,))
            else:
                db.execute("INSERT INTO people VALUES (?, 1)", (person,))
        db.execute("COMMIT")
        return bool(claimed)

    def around(self, answer):
        """`answer` (a callback) run after the turn's transaction, only for a fresh update."""

        async def callback(update, context) -> None:
            if self.fresh(update):
                await answer(update, context)

        return callback


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
    schedule_checkpoints(application.job_queue, db)  # as `youthbot run` does, on the JobQueue
    await application.start()
    settle_heap()  # as `youthbot run` does once started
    try:
        await warm_up(application, api, 900_000)
        rate, _, cpu = await run_load(
            application, api, users=args.users, actions=args.actions, think=0, first=1_000_000
        )
        _, paced, paced_cpu = await run_load(
            application, api, users=args.users, actions=args.paced_actions, think=1.0,
            first=2_000_000,
        )
    finally:
        await application.stop()
        await application.shutdown()
        await db.dispose()
    return {"rate": rate, "cpu": cpu, "paced": paced, "paced_cpu": paced_cpu}


async def bench_plain(args, on_text, on_button, first: int):
    """A bare bot with these two callbacks (the echo bot and the references)."""
    api = OfflineBotAPI(keep_calls=False)
    application = (
        Application.builder().token("1:echo").request(OfflineRequest(api))
        .concurrent_updates(PerUserUpdateProcessor(args.concurrency)).build()
    )
    application.add_handler(MessageHandler(filters.ALL, on_text))
    application.add_handler(CallbackQueryHandler(on_button))
    await application.initialize()
    await application.start()
    settle_heap()  # as `youthbot run` does once started
    try:
        await warm_up(application, api, first + 900_000)
        rate, _, cpu = await run_load(
            application, api, users=args.users, actions=args.actions, think=0, first=first
        )
    finally:
        await application.stop()
        await application.shutdown()
    return rate, cpu


async def warm_up(application, api, first: int) -> None:
    """500 updates before measuring, the same for every bot: a running bot is past its first
    updates (statement caches, lazily built parts), and the figures are about a running bot."""
    await run_load(application, api, users=50, actions=6, think=0, first=first)


async def main(args) -> None:
    echo, echo_cpu = await bench_plain(args, echo_text, echo_button, 3_000_000)
    print(f"echo bot: {echo:.0f} updates/s ({echo_cpu})")
    once = ExactlyOnce(f"{tempfile.mkdtemp()}/once.sqlite3")
    for name, callbacks, first in [
        ("echo bot + exactly-once SQLite turn (no ORM)",
         (once.around(echo_text), once.around(echo_button)), 4_000_000),
        ("six-button menu in every answer, no database", (menu_text, menu_button), 5_000_000),
        ("both: the smallest bot shaped like this one",
         (once.around(menu_text), once.around(menu_button)), 6_000_000),
    ]:
        rate, cpu = await bench_plain(args, *callbacks, first)
        print(f"  reference, {name}: {rate:.0f} updates/s = {rate / echo:.0%} ({cpu})")
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
