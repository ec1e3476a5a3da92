"""Danger replies while 200 people play quizzes and an announcement goes out, at 30/s.

    .venv/bin/python benchmarks/send_budget.py [--players 200] [--seconds 40]
        [--recipients 3000] [--database URL] [--before REV]

`youthbot run --webhook` runs as a child process against benchmarks/fake_telegram.py, which
accepts 30 messages (sent or edited) in any second and answers 429 beyond. Simulated people:
`--players` play the first quiz over and over (start, then answer every question), each acting
again only once the bot's answer has reached their chat, after 1-4 s of reading; an
announcement to `--recipients` people is being sent by the bot's own worker; and once a second,
after a 10 s warm-up, someone new writes danger words. Printed: the danger replies' latency
(from the webhook POST to the first message in their chat, at the fake), p50 / p99 / max,
the 429s, and what conversation and the announcement got of the 30 a second. `--before REV`
runs the bot's code at that git revision. THE DATABASE IS WIPED.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from crash_replies import (  # noqa: E402
    SECRET,
    code_at,
    fetch_stats,
    free_port,
    message,
    start_bot,
    start_fake,
)
from sqlalchemy import select, text  # noqa: E402
from tornado.httpclient import AsyncHTTPClient, HTTPClientError  # noqa: E402

from youthbot.bot.runtime import callbacks  # noqa: E402
from youthbot.core import announce  # noqa: E402
from youthbot.core.people.users import CONSENT_VERSION  # noqa: E402
from youthbot.db import migrate  # noqa: E402
from youthbot.db.engine import Database  # noqa: E402
from youthbot.db.models import QuizAttempt, User  # noqa: E402
from youthbot.db.types import utcnow  # noqa: E402

PLAYER, PROBE, RECIPIENT = 50_000_000, 51_000_000, 52_000_000
QUIZ = "csec-basics"


async def prepare(url: str, players: int, probes: int, recipients: int) -> None:
    db = Database(url)
    if db.is_postgresql:
        async with db.engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    await migrate.upgrade(db)
    now = utcnow()
    people = [*(PLAYER + i for i in range(players)), *(PROBE + i for i in range(probes)),
              *(RECIPIENT + i for i in range(recipients))]
    async with db.session() as session:
        await session.execute(User.__table__.insert(), [
            {"id": user_id, "language": "es", "country": "PE", "region": "lima",
             "age_band": "18-25", "role": "young", "consent_version": CONSENT_VERSION,
             "consent_at": now, "notify_announcements": user_id >= RECIPIENT,
             "notify_reminders": False, "blocked": False, "created_on": now.date(),
             "last_seen_on": now.date()}
            for user_id in people
        ])
    async with db.session() as session:
        draft = await announce.create_draft(
            session, created_by=None, admin_chat_id=None, language="es",
            texts={"es": "Hola: taller el sábado.", "en": "Hi: workshop on Saturday."}, now=now,
        )
        await announce.start_sending(session, announcement_id=draft.id, actor_id=None, now=now)
    await db.dispose()


def press(update_id: int, person: int, data: str) -> bytes:
    chat = {"id": person, "type": "private", "first_name": "P"}
    query = {
        "id": str(update_id), "chat_instance": "bench", "data": data,
        "from": {"id": person, "is_bot": False, "first_name": "P", "language_code": "es"},
        "message": {"message_id": 1, "date": int(time.time()), "chat": chat, "text": "…",
                    "from": {"id": 1, "is_bot": True, "first_name": "Bench"}},
    }
    return json.dumps({"update_id": update_id, "callback_query": query}).encode()


class Simulation:
    def __init__(self, hook: str, stats: str, db: Database, questions: int) -> None:
        self.hook, self.wait_url, self.db = hook, stats.replace("/stats", "/wait"), db
        self.questions = questions
        self.client = AsyncHTTPClient(force_instance=True, max_clients=500)
        self.update_id = 0
        self.seen: dict[int, int] = {}
        self.stopping = False
        self.actions = 0

    def next_id(self) -> int:
        self.update_id += 1
        return self.update_id

    async def post(self, body: bytes) -> None:
        for _ in range(30):
            try:
                response = await self.client.fetch(
                    self.hook, method="POST", body=body, raise_error=False, request_timeout=120,
                    headers={"X-Telegram-Bot-Api-Secret-Token": SECRET,
                             "Content-Type": "application/json"},
                )
                if response.code == 200:
                    return
            except (HTTPClientError, OSError):
                pass
            await asyncio.sleep(1.0)

    async def answered(self, person: int) -> None:
        """Until the bot's answer to this person's last action has reached their chat."""
        self.seen[person] = self.seen.get(person, 0) + 1
        # (a stale press is answered with a toast only: no message comes)
        with contextlib.suppress(HTTPClientError):
            await self.client.fetch(f"{self.wait_url}?chat={person}&count={self.seen[person]}",
                                    request_timeout=30)
        # everything that arrived meanwhile counts as seen
        self.seen[person] = json.loads(
            (await self.client.fetch(f"{self.wait_url}?chat={person}&count=0")).body
        )["count"]

    async def player(self, person: int) -> None:
        await asyncio.sleep(random.uniform(0, 5))
        while not self.stopping:
            await self.post(press(self.next_id(), person, callbacks.pack("quiz.start", QUIZ)))
            await self.answered(person)
            async with self.db.session() as session:
                attempt = await session.scalar(
                    select(QuizAttempt.id).where(QuizAttempt.user_id == person)
                    .order_by(QuizAttempt.id.desc()).limit(1)
                )
            for index in range(self.questions):
                if self.stopping:
                    return
                await asyncio.sleep(random.uniform(1, 4))
                data = callbacks.pack("quiz.ans", attempt, index, random.randrange(2))
                await self.post(press(self.next_id(), person, data))
                self.actions += 1
                await self.answered(person)

    async def probe(self, person: int) -> tuple[float, float]:
        """A danger message; (when it was posted, wall time)."""
        chat = {"id": person, "type": "private"}
        posted = time.time()
        await self.post(message(self.next_id(), person, chat, "me quiero morir"))
        return posted


def quantile(values: list[float], q: float) -> float:
    """Nearest rank: the smallest value with at least q % of them at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


async def main(args: argparse.Namespace) -> None:
    url = args.database or f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/budget.sqlite3"
    probes = args.seconds - 10
    await prepare(url, args.players, probes, args.recipients)
    code = code_at(args.before)
    fake, api_port, stats_url = await start_fake(edits=True)
    port, log = free_port(), Path(tempfile.mkdtemp()) / "bot.log"
    bot = await start_bot(code, url, api_port, port, log)
    db = Database(url)
    from youthbot.core.content import load_content  # the quiz's length, from the content
    quiz = next(q for q in load_content(ROOT / "youthbot" / "content",
                                        today=utcnow().date()).quizzes if q.id == QUIZ)
    sim = Simulation(f"http://127.0.0.1:{port}/hook", stats_url, db, len(quiz.questions))
    players = [asyncio.create_task(sim.player(PLAYER + i)) for i in range(args.players)]
    started = time.time()
    await asyncio.sleep(10)  # warm-up: everyone is playing, the announcement is going out
    posted: dict[int, float] = {}
    probing = []
    for i in range(probes):
        posted[PROBE + i] = time.time()
        probing.append(asyncio.create_task(sim.probe(PROBE + i)))
        await asyncio.sleep(1.0)
    await asyncio.gather(*probing)
    measured_from, measured_to = started + 10, time.time()
    await asyncio.sleep(5)  # the last replies
    sim.stopping = True
    result = await fetch_stats(stats_url)
    for process in (bot, fake):
        process.terminate()
        await process.wait()
    for task in players:
        task.cancel()
    await asyncio.gather(*players, return_exceptions=True)
    await db.dispose()

    first: dict[int, float] = {}
    for chat, at, _text in result["messages"]:
        if chat in posted and chat not in first:
            first[chat] = at
    latencies = sorted(first[c] - posted[c] for c in posted if c in first)
    window = [(chat, at) for chat, at, _t in result["messages"]
              if measured_from <= at <= measured_to]
    span = measured_to - measured_from
    players_rate = sum(1 for c, _a in window if PLAYER <= c < PROBE) / span
    announce_rate = sum(1 for c, _a in window if c >= RECIPIENT) / span
    print(f"code: {args.before or 'this checkout'}, database: {url.split(':')[0]}, "
          f"{args.players} quiz players, an announcement to {args.recipients}")
    print(f"danger replies: {len(latencies)} of {len(posted)} arrived; latency p50 "
          f"{quantile(latencies, 50):.2f} s, p99 {quantile(latencies, 99):.2f} s, "
          f"max {latencies[-1]:.2f} s" if latencies else "danger replies: none arrived")
    print(f"429s from the fake Bot API: {result['too_many']}")
    print(f"messages a second while measured: quiz players {players_rate:.1f}, announcement "
          f"{announce_rate:.1f}, all {len(window) / span:.1f} (limit 30)")
    print(f"quiz answers posted: {sim.actions}; the bot's log: {log}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--players", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=40)
    parser.add_argument("--recipients", type=int, default=3000)
    parser.add_argument("--database", help="SQLAlchemy URL (default: a new SQLite file)")
    parser.add_argument("--before", metavar="REV", help="run the bot's code at this revision")
    asyncio.run(main(parser.parse_args()))
