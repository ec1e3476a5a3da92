"""Replies lost to a SIGKILL: danger replies and case relays, against `youthbot run --webhook`.

    .venv/bin/python benchmarks/crash_replies.py [--people 40] [--kill-after 2.0]
        [--database URL] [--before REV]

The bot runs as a child process against benchmarks/fake_telegram.py (30 messages a second,
429s beyond). Three groups of `--people` each: people with no case who write danger words
(their reply: the emergency numbers), people in a claimed case who write to the team (the
reply: their words in the staff chat), and the moderator answering each of them in the case's
topic (the reply: those words in the person's chat). All their updates arrive at once; the
bot is killed with SIGKILL `--kill-after` seconds later and started again, and simulated
Telegram resends what was not answered 200. The script then waits for the outbox sweeper
(a dead process's lease is 15 s) and prints, per kind, how many updates the database recorded
as handled whose reply never arrived. `--before REV` runs the bot's code at that git revision
(e.g. the commit before the outbox) on the same schema, for the figure before. THE DATABASE
IS WIPED (a PostgreSQL URL: drop schema public).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text  # noqa: E402
from tornado.httpclient import AsyncHTTPClient, HTTPClientError  # noqa: E402

from youthbot.core import cases as case_service  # noqa: E402
from youthbot.core.cases import actions as case_actions  # noqa: E402
from youthbot.core.people.users import CONSENT_VERSION  # noqa: E402
from youthbot.db import migrate  # noqa: E402
from youthbot.db.engine import Database  # noqa: E402
from youthbot.db.models import ProcessedUpdate, User  # noqa: E402
from youthbot.db.types import utcnow  # noqa: E402

SECRET = "crash-replies-secret"
STAFF_CHAT = -1009_000_000_002
MODERATOR = 42_000_000
DANGER, TO_STAFF, TO_PERSON = "danger reply", "relay person → staff", "relay staff → person"
FIRST = {DANGER: 40_000_000, TO_STAFF: 41_000_000}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def prepare(url: str, people: int) -> dict[int, int]:
    """Wipe, migrate, and seed: the moderator, the people, a claimed case each (its topic)."""
    db = Database(url)
    if db.is_postgresql:
        async with db.engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    await migrate.upgrade(db)
    now, topics = utcnow(), {}
    async with db.session() as session:
        for user_id in (MODERATOR, *(FIRST[k] + i for k in FIRST for i in range(people))):
            session.add(User(
                id=user_id, language="es", country="PE", region="lima", age_band="18-25",
                role="moderator" if user_id == MODERATOR else "young",
                consent_version=CONSENT_VERSION, consent_at=now, created_on=now.date(),
                last_seen_on=now.date(),
            ))
    for i in range(people):
        async with db.session() as session:
            case = await case_service.open_case(
                session, user_id=FIRST[TO_STAFF] + i, topic="violence", urgent=False,
                for_whom="me", country="PE", region="lima", language="es", now=now,
                realert=timedelta(hours=1),
            )
            await case_actions.claim_case(session, case=case, moderator_id=MODERATOR, now=now)
            case.staff_chat_id, case.staff_thread_id = STAFF_CHAT, 5000 + i
            case.staff_message_id = 9000 + i
            topics[FIRST[TO_STAFF] + i] = case.staff_thread_id
    await db.dispose()
    return topics


def message(update_id: int, sender: int, chat: dict, words: str, **extra) -> bytes:
    body = {
        "message_id": update_id, "date": int(time.time()), "text": words, "chat": chat,
        "from": {"id": sender, "is_bot": False, "first_name": "P", "language_code": "es"},
        **extra,
    }
    return json.dumps({"update_id": update_id, "message": body}).encode()


def traffic(people: int, topics: dict[int, int]) -> list[tuple[str, int, int, str, bytes]]:
    """(kind, update id, where the reply goes, what it contains, body) for every update."""
    staff = {"id": STAFF_CHAT, "type": "supergroup", "title": "Staff", "is_forum": True}
    out, update_id = [], 1
    for i in range(people):
        person = FIRST[DANGER] + i
        out.append((DANGER, update_id, person, "",
                    message(update_id, person, {"id": person, "type": "private"},
                            "me quiero morir")))
        update_id += 1
        person = FIRST[TO_STAFF] + i
        words = f"sigo aquí, número {i}"
        out.append((TO_STAFF, update_id, STAFF_CHAT, words,
                    message(update_id, person, {"id": person, "type": "private"}, words)))
        update_id += 1
        words = f"te leemos, persona {i}"
        out.append((TO_PERSON, update_id, person, words,
                    message(update_id, MODERATOR, staff, words,
                            message_thread_id=topics[person], is_topic_message=True)))
        update_id += 1
    return out


class Telegram:
    """Posts updates to the webhook; an update not answered 200 is posted again later."""

    def __init__(self, url: str) -> None:
        self.url, self.answered = url, set()
        self.client = AsyncHTTPClient(force_instance=True, max_clients=300)

    async def post(self, update_id: int, body: bytes) -> None:
        while update_id not in self.answered:
            try:
                response = await self.client.fetch(
                    self.url, method="POST", body=body, raise_error=False, request_timeout=120,
                    headers={"X-Telegram-Bot-Api-Secret-Token": SECRET,
                             "Content-Type": "application/json"},
                )
                if response.code == 200:
                    self.answered.add(update_id)
                    return
            except (HTTPClientError, OSError):
                pass
            await asyncio.sleep(1.0)


async def start_fake(*, edits: bool = False) -> tuple[asyncio.subprocess.Process, int, str]:
    """The fake Bot API (30 a second; `edits` count too) in its own process: its API port and
    its stats URL."""
    port_file = Path(tempfile.mkdtemp()) / "ports"
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "benchmarks" / "fake_telegram.py"), "30", str(port_file),
        *(["edits"] if edits else []),
    )
    while not port_file.exists() or not port_file.read_text():  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    port, stats = port_file.read_text().split()
    return process, int(port), f"http://127.0.0.1:{stats}/stats"


async def start_bot(code: Path, url: str, api_port: int, port: int, log: Path):
    env = {
        **os.environ, "DATABASE_URL": url, "TELEGRAM_BOT_TOKEN": "123456:crash-replies",
        "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{api_port}",
        "WEBHOOK_URL": "https://bot.example.org/hook", "WEBHOOK_SECRET": SECRET,
        "WEBHOOK_LISTEN": "127.0.0.1", "WEBHOOK_PORT": str(port), "AUTO_MIGRATE": "false",
        "PTB_TIMEDELTA": "1", "PYTHONPATH": str(code), "STAFF_CHAT_ID": str(STAFF_CHAT),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    with log.open("a") as out:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "youthbot", "run", "--webhook",
            env=env, cwd=tempfile.gettempdir(), stdout=out, stderr=out,
        )
    client = AsyncHTTPClient(force_instance=True)
    for _ in range(600):
        try:
            await client.fetch(f"http://127.0.0.1:{port}/healthz")
            break
        except (HTTPClientError, OSError):
            if process.returncode is not None:
                raise SystemExit(f"the bot exited: see {log}") from None
            await asyncio.sleep(0.1)
    client.close()
    return process


def code_at(revision: str | None) -> Path:
    """This checkout, or the bot's code at `revision` unpacked in a temporary folder."""
    if revision is None:
        return ROOT
    folder = Path(tempfile.mkdtemp(prefix="youthbot-before-"))
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", revision], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


async def fetch_stats(url: str) -> dict:
    return json.loads((await AsyncHTTPClient().fetch(url)).body)


def arrived(messages: list, where: int, words: str) -> int:
    """How many times the reply arrived."""
    return sum(1 for chat, _t, body in messages if chat == where and words in body)


async def main(args: argparse.Namespace) -> None:
    url = args.database or f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/crash.sqlite3"
    topics = await prepare(url, args.people)
    code = code_at(args.before)
    fake, api_port, stats_url = await start_fake()
    port, log = free_port(), Path(tempfile.mkdtemp()) / "bot.log"
    bot = await start_bot(code, url, api_port, port, log)
    telegram = Telegram(f"http://127.0.0.1:{port}/hook")
    updates = traffic(args.people, topics)
    posting = [asyncio.create_task(telegram.post(u, body)) for _k, u, _w, _x, body in updates]
    await asyncio.sleep(args.kill_after)
    bot.send_signal(signal.SIGKILL)
    await bot.wait()
    bot = await start_bot(code, url, api_port, port, log)
    await asyncio.gather(*posting)
    db = Database(url)
    async with db.session() as session:
        handled = set(await session.scalars(select(ProcessedUpdate.update_id)))
    await db.dispose()
    deadline = time.monotonic() + args.wait
    while True:  # until every reply arrived, or the outbox sweeper had its chance
        messages = (await fetch_stats(stats_url))["messages"]
        lost = Counter(kind for kind, u, where, words, _b in updates
                       if u in handled and not arrived(messages, where, words))
        if not lost or time.monotonic() > deadline:
            break
        await asyncio.sleep(1.0)
    result = await fetch_stats(stats_url)
    twice = sum(1 for kind, u, where, words, _b in updates  # the danger reply is two messages
                if kind != DANGER and arrived(result["messages"], where, words) > 1)
    for process in (bot, fake):
        process.terminate()
        await process.wait()
    kinds = Counter(kind for kind, *_rest in updates)
    print(f"code: {args.before or 'this checkout'}, database: {url.split(':')[0]}, "
          f"killed {args.kill_after} s after {len(updates)} updates arrived at once")
    print(f"updates recorded as handled: {len(handled)} of {len(updates)}")
    for kind in (DANGER, TO_STAFF, TO_PERSON):
        print(f"  {kind}: {lost[kind]} of {kinds[kind]} replies never arrived")
    print(f"replies lost to the SIGKILL: {lost.total()}; relays that arrived twice: {twice}; "
          f"429s: {result['too_many']}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=40)
    parser.add_argument("--kill-after", type=float, default=2.0)
    parser.add_argument("--wait", type=float, default=40.0,
                        help="seconds to wait for the replies after the restart")
    parser.add_argument("--database", help="SQLAlchemy URL (default: a new SQLite file)")
    parser.add_argument("--before", metavar="REV", help="run the bot's code at this revision")
    asyncio.run(main(parser.parse_args()))
