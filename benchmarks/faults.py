"""The fault suite: delivery under faults, against real `youthbot run --webhook` processes.

    .venv/bin/python benchmarks/faults.py --database postgresql+asyncpg://postgres@127.0.0.1/DB
        [--scenario all|replay|sigkill|outage|replicas|storm|burst] [--people 30] [--updates 8]
        [--think 0.05] [--outage 5] [--staff]

One command runs every scenario, each for a few seconds (THE DATABASE IS WIPED and migrated
before each). The bot runs as child processes (loopback only); its Bot API is
benchmarks/fake_telegram.py, its PostgreSQL is reached through a TCP proxy here. Simulated
Telegram resends an update after any answer but 200 (503, an error, no answer), with growing
pauses. Each person says "hola N" to the bot (the shortcut brings the menu: one reply).

- replay:   every update is POSTed twice at once (a webhook answer lost on the way).
- sigkill:  the bot is killed with SIGKILL a third of the way through, and started again;
            Telegram resends what was not answered 200.
- outage:   the database is cut (refused, connections reset) for --outage seconds.
- replicas: two bot processes on one database; each update goes to either, and a person's
            updates are sent 10-100 ms apart without waiting for answers, as Telegram does.
- storm:    the fake Bot API lets through 5 messages a second and answers 429 to the rest.
- burst:    each person sends all their updates at once, in a shuffled order.

Prints, per scenario: updates sent, lost (never recorded as handled), duplicated (replies
beyond one per update: an effect twice), replies missing (updates applied whose reply never
reached the fake Bot API), out of order (a person's update applied after a later-numbered
one of theirs), apologies ("something went wrong"), HTTP answers, and the
reply latency p50/p99 (from the first POST of an update to its 200, which the bot gives once
the update's replies were sent).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
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
from youthbot.db.models import ProcessedUpdate, UpdateArrival  # noqa: E402


async def settled(stats_url: str, quiet: float = 1.5, limit: float = 60.0) -> int:
    """Messages the fake has delivered, once none has arrived for `quiet` seconds."""
    last, since, start = -1, time.monotonic(), time.monotonic()
    while time.monotonic() - start < limit:
        total = (await stats(stats_url))["delivered"].total()
        if total != last:
            last, since = total, time.monotonic()
        elif time.monotonic() - since >= quiet:
            break
        await asyncio.sleep(0.25)
    return last


SCENARIOS = ("replay", "sigkill", "outage", "replicas", "storm", "burst")
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



@dataclass
class Sent:
    """One update as simulated Telegram delivers it."""

    update_id: int
    person: int
    first: float
    answered: float | None = None
    posts: int = 0


@dataclass
class Telegram:
    """Numbers updates in the order people write them and delivers each until answered 200."""

    urls: list[str]
    next_id: int = 1_000_000
    codes: Counter[str] = field(default_factory=Counter)
    sent: dict[int, Sent] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.client = AsyncHTTPClient(force_instance=True, max_clients=400)

    def number(self) -> int:
        self.next_id += 1
        return self.next_id

    async def post(self, body: bytes) -> str:
        try:
            response = await self.client.fetch(
                random.choice(self.urls), method="POST", body=body, raise_error=False,
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET,
                         "Content-Type": "application/json"},
                request_timeout=60,
            )
            code = str(response.code)
        except (HTTPClientError, OSError) as exc:
            code = type(exc).__name__
        self.codes[code] += 1
        return code

    async def deliver(self, update_id: int, person: int, text_: str, copies: int = 1) -> None:
        """POST (`copies` at once) until one is answered 200, with Telegram's growing pauses."""
        record = self.sent.setdefault(update_id, Sent(update_id, person, time.monotonic()))
        body, pause = update(update_id, person, text_), 0.5
        while True:
            codes = await asyncio.gather(*(self.post(body) for _ in range(copies)))
            record.posts += copies
            if "200" in codes:
                record.answered = time.monotonic()
                return
            await asyncio.sleep(pause)
            pause = min(pause * 2, 4.0)

    async def says(self, person: int, count: int, *, think: float, copies: int = 1) -> None:
        """A person who writes again once the bot has answered."""
        for _ in range(count):
            await self.deliver(self.number(), person, "hola", copies)
            await asyncio.sleep(think)

    async def types_fast(self, person: int, count: int) -> None:
        """A person writing every 10-100 ms; each update is delivered at once (Telegram does
        not wait for the previous answer when it has several connections)."""
        deliveries = []
        for _ in range(count):
            deliveries.append(asyncio.create_task(self.deliver(self.number(), person, "hola")))
            await asyncio.sleep(random.uniform(0.01, 0.1))
        await asyncio.gather(*deliveries)

    async def bursts(self, person: int, count: int) -> None:
        """All of a person's updates at once, arriving in a shuffled order."""
        ids = [self.number() for _ in range(count)]
        random.shuffle(ids)
        await asyncio.gather(*(self.deliver(i, person, "hola") for i in ids))

    def close(self) -> None:
        self.client.close()


class Bot:
    """One `youthbot run --webhook` process (a replica); it can be killed and started again."""

    def __init__(self, url: str, api_port: int, log: Path, *, staff: bool = False) -> None:
        self.url, self.api_port, self.log, self.staff = url, api_port, log, staff
        self.port = free_port()
        self.process: asyncio.subprocess.Process | None = None

    @property
    def hook(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def start(self) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": self.url,
            "DATABASE_POOL_SIZE": "10",
            "DATABASE_MAX_OVERFLOW": "2",
            "TELEGRAM_BOT_TOKEN": "123456:faults-benchmark",
            "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{self.api_port}",
            "WEBHOOK_URL": "https://bot.example.org/hook",
            "WEBHOOK_SECRET": SECRET,
            "WEBHOOK_LISTEN": "127.0.0.1",
            "WEBHOOK_PORT": str(self.port),
            "AUTO_MIGRATE": "false",
            "PTB_TIMEDELTA": "1",
            "PYTHONPATH": str(ROOT),
        }
        env.pop("STAFF_CHAT_ID", None)
        if self.staff:
            env["STAFF_CHAT_ID"] = str(STAFF_CHAT)
        with self.log.open("a") as out:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "youthbot", "run", "--webhook",
                env=env, cwd=tempfile.gettempdir(), stdout=out, stderr=out,
            )
        client = AsyncHTTPClient(force_instance=True)
        try:
            for _ in range(600):  # until /healthz answers (about a minute at most)
                try:
                    await client.fetch(f"http://127.0.0.1:{self.port}/healthz")
                    return
                except (HTTPClientError, OSError):
                    if self.process.returncode is not None:
                        raise SystemExit(f"the bot exited: see {self.log}") from None
                    await asyncio.sleep(0.1)
        finally:
            client.close()

    async def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            await self.process.wait()


async def applied_order(url: str, ids: set[int]) -> dict[int, list[int]]:
    """Each person's update ids in the order they were applied."""
    db = Database(url)
    async with db.session() as session:
        rows = (await session.execute(
            select(UpdateArrival.update_id, UpdateArrival.user_id, UpdateArrival.applied_at)
            .where(UpdateArrival.applied_at.is_not(None))
        )).all()
    await db.dispose()
    order: dict[int, list[int]] = {}
    for update_id, person, _at in sorted(rows, key=lambda row: (row[2], row[0])):
        if update_id in ids:
            order.setdefault(person, []).append(update_id)
    return order


def out_of_order(order: dict[int, list[int]]) -> int:
    """Updates applied after a later-numbered update of the same person."""
    late = 0
    for ids in order.values():
        highest = 0
        for update_id in ids:
            late += update_id < highest
            highest = max(highest, update_id)
    return late


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


async def run_scenario(name: str, args: argparse.Namespace) -> dict:
    """One scenario on a freshly migrated database; its figures."""
    url = make_url(args.database)
    await wipe_and_migrate(args.database)
    proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
    await proxy.start()
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    storm = name == "storm"
    people_n = min(args.people, 10) if storm else args.people
    updates_n = min(args.updates, 3) if storm else args.updates
    fake, api_port, stats_url = await start_fake(5 if storm else 100_000)
    log = Path(tempfile.mkdtemp()) / "bot.log"
    bots = [
        Bot(proxied, api_port, log, staff=args.staff)
        for _ in range(2 if name == "replicas" else 1)
    ]
    for bot in bots:
        await bot.start()
    telegram = Telegram([bot.hook for bot in bots])
    people = [FIRST_PERSON + i for i in range(people_n)]
    started = time.monotonic()
    try:
        # Calm: each person starts, then says "hola" once (replies per update, measured).
        await asyncio.gather(*(telegram.deliver(telegram.number(), p, "/start") for p in people))
        before = await settled(stats_url)
        await asyncio.gather(*(telegram.says(p, 1, think=0) for p in people))
        # Replies leave after the webhook's answer (and wait out 429s): count them once the
        # fake has seen no new one for a while, or late ones would pass for duplicates.
        replies_before = await settled(stats_url)
        per_update = (replies_before - before) / len(people)
        calm_ids = set(telegram.sent)
        telegram.codes.clear()
        if name == "replicas":
            load = [telegram.types_fast(p, updates_n) for p in people]
        elif name == "burst":
            load = [telegram.bursts(p, updates_n) for p in people]
        else:
            copies = 2 if name == "replay" else 1
            load = [telegram.says(p, updates_n, think=args.think, copies=copies) for p in people]
        running = asyncio.gather(*load)
        fault = None
        if name in ("sigkill", "outage"):
            third = len(calm_ids) + people_n * updates_n // 3
            while sum(1 for s in telegram.sent.values() if s.answered) < third:  # noqa: ASYNC110
                await asyncio.sleep(0.02)
            fault = time.monotonic()
            if name == "sigkill":
                await bots[0].kill()
                await bots[0].start()
            else:
                await proxy.cut()
                await asyncio.sleep(args.outage)
                await proxy.start()
        await running
        finished = time.monotonic()
        await settled(stats_url)
    finally:
        for bot in bots:
            await bot.stop()
        telegram.close()
        result = await stats(stats_url)
        fake.terminate()
        await fake.wait()
    measured = {i: s for i, s in telegram.sent.items() if i not in calm_ids}
    handled = await recorded(args.database)
    order = await applied_order(args.database, set(measured))
    staff_alerts = result["delivered"].get(STAFF_CHAT, 0)
    replies = result["delivered"].total() - replies_before - staff_alerts
    expected = per_update * len(measured)
    latencies = [s.answered - s.first for s in measured.values() if s.answered is not None]
    lines = log.read_text().splitlines()
    return {
        "scenario": name,
        "people": people_n,
        "updates": len(measured),
        "posts": sum(s.posts for s in measured.values()),
        "lost": sum(1 for i in measured if i not in handled),
        "duplicated": max(0, round(replies - expected)),
        "replies": replies,
        "expected": expected,
        "out_of_order": out_of_order(order),
        "apologies": result["apologies"],
        "staff_alerts": staff_alerts,
        "too_many": result["too_many"],
        "answers": dict(telegram.codes),
        "p50": percentile(latencies, 0.50),
        "p99": percentile(latencies, 0.99),
        "seconds": finished - started,
        "fault_at": None if fault is None else fault - started,
        "window_gave_way": sum(1 for line in lines if "did not come in time" in line),
        "tracebacks": sum(1 for line in lines if line.startswith("Traceback")),
        "log": str(log),
    }


def report(figures: dict) -> None:
    f = figures
    print(f"\n== {f['scenario']}: {f['people']} people, {f['updates']} updates "
          f"({f['posts']} POSTs), {f['seconds']:.1f} s"
          + (f", fault after {f['fault_at']:.1f} s" if f["fault_at"] is not None else ""))
    missing = max(0, round(f["expected"] - f["replies"]))
    print(f"lost {f['lost']}, duplicated {f['duplicated']} (replies {f['replies']} for "
          f"{f['expected']:.0f} expected: {missing} missing), out of order {f['out_of_order']}, "
          f"apologies {f['apologies']}, staff alerts {f['staff_alerts']}, "
          f"429s {f['too_many']}")
    print(f"reply latency p50 {f['p50'] * 1000:.0f} ms, p99 {f['p99'] * 1000:.0f} ms; "
          f"webhook answers {f['answers']}")
    print(f"reorder waits that ran out: {f['window_gave_way']}, tracebacks in the bot's log: "
          f"{f['tracebacks']} ({f['log']})")


async def main(args: argparse.Namespace) -> None:
    url = make_url(args.database)
    if url.get_backend_name() != "postgresql" or (url.host or "127.0.0.1") not in LOOPBACK:
        raise SystemExit("--database must be a PostgreSQL database on this machine (loopback)")
    names = SCENARIOS if args.scenario == "all" else (args.scenario,)
    rows = []
    for name in names:
        figures = await run_scenario(name, args)
        report(figures)
        rows.append(figures)
    if len(rows) > 1:
        print("\n| scenario | updates | lost | duplicated | out of order | replies missing "
              "| p50 | p99 |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for f in rows:
            missing = max(0, round(f["expected"] - f["replies"]))
            print(f"| {f['scenario']} | {f['updates']} | {f['lost']} | {f['duplicated']} | "
                  f"{f['out_of_order']} | {missing} | {f['p50'] * 1000:.0f} ms | "
                  f"{f['p99'] * 1000:.0f} ms |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="PostgreSQL URL on loopback (WIPED)")
    parser.add_argument("--scenario", choices=("all", *SCENARIOS), default="all")
    parser.add_argument("--people", type=int, default=30)
    parser.add_argument("--updates", type=int, default=8, help="per person, measured")
    parser.add_argument("--think", type=float, default=0.05, help="seconds between a person's")
    parser.add_argument("--outage", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--staff", action="store_true", help="set STAFF_CHAT_ID (alerts)")
    arguments = parser.parse_args()
    random.seed(arguments.seed)
    asyncio.run(main(arguments))
