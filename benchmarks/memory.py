"""Peak memory (RSS) of the bot with 100,000 people and 1,000,000 stored quiz answers.

    .venv/bin/python benchmarks/memory.py [--users 100000] [--answers 1000000] [--pg URL]

A child process fills the database (users, quiz_answers, quiz_attempts); another child starts
the Application with the update processor, serves 2,000 updates from 200 people (menus and
quizzes) and reports its own peak RSS (getrusage), so the filling does not count.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

CHUNK = 20_000


async def fill(url: str, users: int, answers: int) -> None:
    from sqlalchemy import insert
    from throughput import fresh_database

    from youthbot.db.models import QuizAnswer, QuizAttempt, User

    db = await fresh_database(url)
    today, now = date.today(), datetime.now(UTC)
    quizzes = ["csec-basics", "online-safety", "trafficking-signals", "rights-and-help"]
    for start in range(0, users, CHUNK):
        rows = [
            {"id": 50_000_000 + i, "language": "es" if i % 4 else "en", "role": "young",
             "age_band": "14-17", "consent_version": 1, "consent_at": now,
             "notify_announcements": i % 3 == 0, "notify_reminders": True, "blocked": False,
             "created_on": today, "last_seen_on": today}
            for i in range(start, min(users, start + CHUNK))
        ]
        async with db.session() as session:
            await session.execute(insert(User), rows)
            await session.execute(
                insert(QuizAttempt),
                [{"user_id": r["id"], "quiz_id": quizzes[r["id"] % 4], "position": 8,
                  "score": 5, "status": "finished", "started_at": now} for r in rows],
            )
    rng = random.Random(7)
    for start in range(0, answers, CHUNK):
        rows = [
            {"user_id": 50_000_000 + rng.randrange(users), "quiz_id": quizzes[i % 4],
             "question_id": f"q{i % 8 + 1}", "option": i % 3, "correct": i % 3 == 0,
             "answered_at": now}
            for i in range(start, min(answers, start + CHUNK))
        ]
        async with db.session() as session:
            await session.execute(insert(QuizAnswer), rows)
    await db.dispose()


async def serve_some(url: str) -> None:
    from throughput import run_load

    from youthbot.app import build_application
    from youthbot.bot.runtime.processor import PerUserUpdateProcessor
    from youthbot.config import Settings
    from youthbot.db.engine import Database
    from youthbot.offline import OfflineBotAPI, OfflineRequest

    db = Database(url)
    settings = Settings(_env_file=None, database_url=url, auto_migrate=False)
    api = OfflineBotAPI()
    application = build_application(
        settings, request=OfflineRequest(api), database=db,
        update_processor=PerUserUpdateProcessor(32),
    )
    await application.initialize()
    await application.start()
    try:
        # returning people (ids from the filled range) and new ones
        await run_load(application, api, users=100, actions=10, think=0, first=50_000_000)
        await run_load(application, api, users=100, actions=6, think=0, first=90_000_000)
    finally:
        await application.stop()
        await application.shutdown()
        await db.dispose()
    api.calls.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--pg", metavar="URL", help="run on this PostgreSQL (it is reset)")
    parser.add_argument("--role", choices=["fill", "serve"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role == "fill":
        asyncio.run(fill(args.url, args.users, args.answers))
        return
    if args.role == "serve":
        asyncio.run(serve_some(args.url))
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"{peak_kib / 1024:.0f}")
        return
    url = args.pg or f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/memory.sqlite3"
    me = [sys.executable, __file__, "--url", url]
    subprocess.run(
        [*me, "--role", "fill", "--users", str(args.users), "--answers", str(args.answers)],
        check=True,
    )
    out = subprocess.run([*me, "--role", "serve"], check=True, capture_output=True, text=True)
    peak = out.stdout.strip().splitlines()[-1]
    kind = "PostgreSQL" if args.pg else "SQLite"
    print(
        f"{kind}: {args.users} people, {args.answers} quiz answers stored; "
        f"peak RSS of the bot serving 1,600 updates: {peak} MB"
    )


if __name__ == "__main__":
    main()
