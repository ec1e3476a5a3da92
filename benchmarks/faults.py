"""A database outage under load, against a real `youthbot run --webhook` (loopback only).

    .venv/bin/python benchmarks/faults.py --database postgresql+asyncpg://postgres@127.0.0.1/DB
        [--people 50] [--updates 20] [--outage 10] [--staff]

The bot runs as a child process; its Bot API is benchmarks/fake_telegram.py (no rate limit
worth the name), and its PostgreSQL is reached through a TCP proxy in this process. After a
third of the updates, the proxy is cut for `--outage` seconds: the listening socket closes
(new connections are refused) and every open connection is reset, as when PostgreSQL stops.
Simulated Telegram: each person sends their next update only when the previous one was
answered 200, and sends an update again after any other answer (503, or no answer), with
Telegram's growing pauses. THE DATABASE IS WIPED (drop schema public) and migrated first.

Prints: webhook answers by status, updates lost (sent, never recorded as handled), replies
beyond what the calm phase gives per update (duplicates), apologies sent, staff alerts, the
bot's log lines (and tracebacks) during the run, and the rate before, during and after.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from announce import start_fake, stats  # noqa: E402
from sqlalchemy import select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from tornado.httpclient import AsyncHTTPClient, HTTPClientError  # noqa: E402

from youthbot.db import migrate  # noqa: E402
from youthbot.db.engine import Database  # noqa: E402
from youthbot.db.models import ProcessedUpdate  # noqa: E402

SECRET = "faults-benchmark-secret"
FIRST_PERSON = 30_000_000
STAFF_CHAT = -1009_000_000_001
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class Proxy:
    """TCP to `target` on loopback; `cut()` refuses and resets, `restore()` listens again."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = 0
        self.server: asyncio.Server | None = None
        self.open: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self.server = await asyncio.start_server(
            self._pipe, "127.0.0.1", self.port, reuse_address=True
        )
        self.port = self.server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        self.server.close()
        for writer in list(self.open):
            writer.transport.abort()
        self.open.clear()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self.open |= {writer, up_writer}

        async def copy(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except (OSError, RuntimeError):
                pass
            finally:
                sink.transport.abort()
                self.open.discard(sink)

        await asyncio.gather(copy(reader, up_writer), copy(up_reader, writer))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def wipe_and_migrate(url: str) -> None:
    db = Database(url)
    async with db.engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await migrate.upgrade(db)
    await db.dispose()


async def recorded(url: str) -> set[int]:
    db = Database(url)
    async with db.session() as session:
        ids = set(await session.scalars(select(ProcessedUpdate.update_id)))
    await db.dispose()
    return ids


def update(update_id: int, person: int, text_: str) -> bytes:
    sender = {"id": person, "is_bot": False, "first_name": "P", "language_code": "es"}
    message = {
        "message_id": update_id, "date": int(time.time()), "text": text_,
        "chat": {"id": person, "type": "private", "first_name": "P"}, "from": sender,
    }
    if text_.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text_)}]
    return json.dumps({"update_id": update_id, "message": message}).encode()


class Telegram:
    """Delivers each person's updates in order, resending until answered 200."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.client = AsyncHTTPClient(force_instance=True, max_clients=200)
        self.codes: Counter[str] = Counter()
        self.done: list[tuple[float, int]] = []  # (time answered 200, update id)
        self.sent: set[int] = set()

    async def deliver(self, update_id: int, body: bytes) -> None:
        self.sent.add(update_id)
        pause = 1.0
        while True:
            try:
                response = await self.client.fetch(
                    self.url, method="POST", body=body, raise_error=False,
                    headers={"X-Telegram-Bot-Api-Secret-Token": SECRET,
                             "Content-Type": "application/json"},
                    request_timeout=60,
                )
                code = str(response.code)
            except (HTTPClientError, OSError) as exc:
                code = type(exc).__name__
            self.codes[code] += 1
            if code == "200":
                self.done.append((time.monotonic(), update_id))
                return
            await asyncio.sleep(pause)
            pause = min(pause * 2, 8.0)

    async def person(self, person: int, first_id: int, count: int, think: float) -> None:
        for n in range(count):
            await self.deliver(first_id + n, update(first_id + n, person, f"hola {n}"))
            await asyncio.sleep(think)


async def start_bot(url: str, api_port: int, port: int, staff: bool, log: Path):
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "TELEGRAM_BOT_TOKEN": "123456:faults-benchmark",
        "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{api_port}",
        "WEBHOOK_URL": "https://bot.example.org/hook",
        "WEBHOOK_SECRET": SECRET,
        "WEBHOOK_LISTEN": "127.0.0.1",
        "WEBHOOK_PORT": str(port),
        "AUTO_MIGRATE": "false",
        "PTB_TIMEDELTA": "1",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("STAFF_CHAT_ID", None)
    if staff:
        env["STAFF_CHAT_ID"] = str(STAFF_CHAT)
    with log.open("w") as out:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "youthbot", "run", "--webhook",
            env=env, cwd=tempfile.gettempdir(), stdout=out, stderr=out,
        )
    client = AsyncHTTPClient(force_instance=True)
    for _ in range(600):  # until /healthz answers (about a minute at most)
        try:
            await client.fetch(f"http://127.0.0.1:{port}/healthz")
            break
        except (HTTPClientError, OSError):
            if process.returncode is not None:
                raise SystemExit(f"the bot exited: see {log}") from None
            await asyncio.sleep(0.1)
    client.close()
    return process


def rate(done: list[tuple[float, int]], start: float, end: float) -> float:
    return sum(1 for t, _ in done if start <= t < end) / (end - start) if end > start else 0.0


async def main(args: argparse.Namespace) -> None:
    url = make_url(args.database)
    if url.get_backend_name() != "postgresql" or (url.host or "127.0.0.1") not in LOOPBACK:
        raise SystemExit("--database must be a PostgreSQL database on this machine (loopback)")
    await wipe_and_migrate(args.database)
    proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
    await proxy.start()
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    fake, api_port, stats_url = await start_fake(100_000)
    port, log = free_port(), Path(tempfile.mkdtemp()) / "bot.log"
    bot = await start_bot(proxied, api_port, port, args.staff, log)
    telegram = Telegram(f"http://127.0.0.1:{port}/hook")
    people = [FIRST_PERSON + i for i in range(args.people)]
    try:
        # Calm: each person starts, then says one thing (replies per update, measured).
        await asyncio.gather(*(
            telegram.deliver(1_000_000 + i, update(1_000_000 + i, p, "/start"))
            for i, p in enumerate(people)
        ))
        before_calm = (await stats(stats_url))["delivered"].total()
        await asyncio.gather(*(
            telegram.deliver(2_000_000 + i, update(2_000_000 + i, p, "hola"))
            for i, p in enumerate(people)
        ))
        per_update = ((await stats(stats_url))["delivered"].total() - before_calm) / len(people)
        log_lines_before = len(log.read_text().splitlines())
        replies_before = (await stats(stats_url))["delivered"].total()
        telegram.codes.clear()
        total = args.people * args.updates
        load = asyncio.gather(*(
            telegram.person(p, 3_000_000 + i * args.updates, args.updates, args.think)
            for i, p in enumerate(people)
        ))
        started = time.monotonic()
        while len(telegram.done) < 2 * args.people + total // 3:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        cut_at = time.monotonic()
        await proxy.cut()
        await asyncio.sleep(args.outage)
        await proxy.start()
        back_at = time.monotonic()
        await load
        finished = time.monotonic()
    finally:
        bot.terminate()
        await bot.wait()
        await telegram_close(telegram)
        result = await stats(stats_url)
        fake.terminate()
        await fake.wait()
    handled = await recorded(args.database)
    lost = sorted(u for u in telegram.sent if u not in handled)
    replies = result["delivered"]
    staff = replies.get(STAFF_CHAT, 0)
    expected = per_update * total
    measured_replies = replies.total() - replies_before - staff
    lines = log.read_text().splitlines()[log_lines_before:]
    window = min(10.0, finished - back_at)
    print(f"people: {args.people}, measured updates: {total}, outage: {args.outage:.0f} s "
          f"(cut after {cut_at - started:.1f} s)")
    print(f"webhook answers: {dict(telegram.codes)}")
    print(f"lost (sent, never handled): {len(lost)}")
    print(f"replies: {measured_replies} for {per_update:.2f} per update in the calm phase "
          f"(expected {expected:.0f}; beyond that: {max(0, measured_replies - expected):.0f})")
    print(f"apologies ('something went wrong'): {result['apologies']}, staff alerts: {staff}")
    tracebacks = sum(1 for line in lines if line.startswith("Traceback"))
    print(f"bot log lines during the measured run: {len(lines)}, tracebacks: {tracebacks}")
    for line in lines:
        if "database" in line:
            print(f"  log: {line[:160]}")
    print(f"handled per second: before the cut {rate(telegram.done, started, cut_at):.1f}, "
          f"during {rate(telegram.done, cut_at, back_at):.1f}, "
          f"{window:.0f} s after {rate(telegram.done, back_at, back_at + window):.1f}")
    print(f"all delivered {finished - back_at:.1f} s after the database came back; log: {log}")


async def telegram_close(telegram: Telegram) -> None:
    telegram.client.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="PostgreSQL URL on loopback (WIPED)")
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--updates", type=int, default=20, help="per person, measured")
    parser.add_argument("--think", type=float, default=1.0, help="seconds between a person's")
    parser.add_argument("--outage", type=float, default=10.0)
    parser.add_argument("--staff", action="store_true", help="set STAFF_CHAT_ID (alerts)")
    asyncio.run(main(parser.parse_args()))
