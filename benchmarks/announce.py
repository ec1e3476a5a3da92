"""Announcement to 10,000 people through a fake Bot API that allows 30 messages a second.

    .venv/bin/python benchmarks/announce.py [--recipients 10000] [--database URL] [--no-kill]

`youthbot announce --deliver` runs as a child process against the fake API (loopback). Half-way
it is killed with SIGKILL and started again; the new process waits out the dead one's lease and
resumes. Prints: achieved rate as a share of the limit, 429s received, duplicates, missed, and
the rows left "unconfirmed" by the kill.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from sqlalchemy import insert, text  # noqa: E402
from tornado.httpclient import AsyncHTTPClient  # noqa: E402

from youthbot.core import announce  # noqa: E402
from youthbot.core.people.users import CONSENT_VERSION  # noqa: E402
from youthbot.db import migrate  # noqa: E402
from youthbot.db.engine import Database  # noqa: E402
from youthbot.db.models import User  # noqa: E402
from youthbot.db.types import utcnow  # noqa: E402

FIRST_ID = 10_000_000


async def prepare(url: str, recipients: int) -> int:
    db = Database(url)
    if db.is_postgresql:
        async with db.engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    await migrate.upgrade(db)
    today = utcnow().date()
    rows = [
        {
            "id": FIRST_ID + i,
            "language": "es" if i % 5 else "en",
            "role": "young",
            "notify_announcements": True,
            "notify_reminders": True,
            "consent_version": CONSENT_VERSION,  # only people who agreed get announcements
            "age_band": "18-25",
            "blocked": False,
            "created_on": today,
            "last_seen_on": today,
        }
        for i in range(recipients)
    ]
    async with db.session() as session:
        await session.execute(insert(User), rows)
    async with db.session() as session:
        draft = await announce.create_draft(
            session,
            created_by=None,
            admin_chat_id=None,
            language="es",
            texts={"es": "Hola: taller el sábado.", "en": "Hi: workshop on Saturday."},
            now=utcnow(),
        )
        queued = await announce.start_sending(
            session, announcement_id=draft.id, actor_id=None, now=utcnow()
        )
    await db.dispose()
    if queued != recipients:
        raise SystemExit(f"only {queued} of {recipients} recipients were queued")
    return draft.id


async def doubt_count(url: str, announcement_id: int) -> int:
    db = Database(url)
    async with db.session() as session:
        current = await announce.progress(session, announcement_id=announcement_id)
    await db.dispose()
    return current.doubt


async def child(url: str, port: int) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "TELEGRAM_BOT_TOKEN": "123456:benchmark",
        "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{port}",
        "PTB_TIMEDELTA": "1",
        "AUTO_MIGRATE": "false",
    }
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "youthbot", "announce", "--deliver",
        env=env, cwd=tempfile.gettempdir(),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )


async def start_fake(limit: int) -> tuple[asyncio.subprocess.Process, int, str]:
    """The fake Bot API in its own process; its API port and its stats URL."""
    port_file = Path(tempfile.mkdtemp()) / "ports"
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(ROOT / "benchmarks" / "fake_telegram.py"), str(limit), str(port_file)
    )
    while not port_file.exists() or not port_file.read_text():  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    port, stats = port_file.read_text().split()
    return process, int(port), f"http://127.0.0.1:{stats}/stats"


async def stats(url: str) -> dict:
    response = await AsyncHTTPClient().fetch(url)
    data = json.loads(response.body)
    data["delivered"] = Counter({int(k): v for k, v in data["delivered"].items()})
    return data


async def main(args: argparse.Namespace) -> None:
    url = args.database or f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/announce-bench.sqlite3"
    announcement_id = await prepare(url, args.recipients)
    fake, port, stats_url = await start_fake(30)
    started = time.monotonic()
    process = await child(url, port)
    killed_at = None
    if not args.no_kill:
        while (await stats(stats_url))["delivered"].total() < args.recipients // 2:  # noqa: ASYNC110
            if process.returncode is not None:
                raise SystemExit(f"the delivering process exited early ({process.returncode})")
            await asyncio.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        await process.wait()
        killed_at = len((await stats(stats_url))["times"])
        process = await child(url, port)
    await process.wait()
    result = await stats(stats_url)
    fake.terminate()
    await fake.wait()
    elapsed = time.monotonic() - started

    times, delivered = result["times"], result["delivered"]
    segments = [times[:killed_at], times[killed_at:]] if killed_at else [times]
    active = sum(seg[-1] - seg[0] for seg in segments if len(seg) > 1)
    rate = (len(times) - len(segments)) / active if active else 0.0
    duplicates = sum(n - 1 for n in delivered.values() if n > 1)
    ids = set(range(FIRST_ID, FIRST_ID + args.recipients))
    missed = len(ids - set(delivered))
    unconfirmed = await doubt_count(url, announcement_id)
    print(f"database: {url.split(':')[0]}")
    print(f"recipients: {args.recipients}, delivered: {len(delivered)}")
    print(f"achieved rate while sending: {rate:.2f} msg/s = {rate / 30:.1%} of the 30/s limit")
    print(f"429s received: {result['too_many']}")
    if killed_at:
        kill_time = times[killed_at - 1]
        before = sum(1 for t in result["refused"] if t <= kill_time)
        print(f"killed with SIGKILL after {killed_at} deliveries, then resumed "
              f"(429s before the kill: {before}, after: {result['too_many'] - before})")
    print(f"duplicates: {duplicates}, missed: {missed}, unconfirmed (doubt) rows: {unconfirmed}")
    print(f"wall time: {elapsed:.0f} s (includes waiting out the dead worker's lease)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--database", help="SQLAlchemy URL (default: a new SQLite file)")
    parser.add_argument("--no-kill", action="store_true", help="no SIGKILL half-way")
    asyncio.run(main(parser.parse_args()))
