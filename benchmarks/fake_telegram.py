"""A fake Bot API over HTTP on loopback, enforcing Telegram's broadcast limit with 429s.

Answers getMe, getChat (a group without topics), sendMessage, editMessageText and anything
else with `true`. sendMessage (and editMessageText with `edits`) is limited to `limit` calls
in any sliding second across all chats: beyond it the answer is 429 with retry_after, as
Telegram does. Every accepted message is recorded: per chat, and (chat, wall time, the
text's first 300 characters) for the benchmarks that look for a given reply.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter, deque
from pathlib import Path

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler


class FakeTelegram:
    def __init__(self, limit: int = 30, retry_after: int = 1, *, edits: bool = False) -> None:
        self.limit = limit
        self.edits = edits  # edits count against the limit too
        self.messages: list[tuple[int, float, str]] = []
        # Messages sent or edited per chat, and who waits for a chat's count to reach a number
        # (GET /wait: a simulated person who acts again only once the bot's answer is there).
        self.per_chat: Counter[int] = Counter()
        self.waiters: dict[int, list[tuple[int, asyncio.Future]]] = {}
        self.retry_after = retry_after
        self.window: deque[float] = deque()
        self.delivered: Counter[int] = Counter()
        self.times: list[float] = []
        self.too_many = 0
        self.refused: list[float] = []
        self.apologies = 0  # "something went wrong" answers (benchmarks/faults.py)
        self.server: HTTPServer | None = None
        self.port = 0

    def start(self) -> int:
        app = Application([(r"/bot[^/]+/(\w+)", _Handler, {"fake": self})], log_function=_quiet)
        sockets = bind_sockets(0, address="127.0.0.1")
        self.server = HTTPServer(app)
        self.server.add_sockets(sockets)
        self.port = sockets[0].getsockname()[1]
        return self.port

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()

    def arrived(self, chat_id: int) -> None:
        self.per_chat[chat_id] += 1
        waiting = self.waiters.get(chat_id, [])
        for count, future in [w for w in waiting if w[0] <= self.per_chat[chat_id]]:
            waiting.remove((count, future))
            if not future.done():
                future.set_result(None)

    def admit(self) -> bool:
        now = time.monotonic()
        while self.window and now - self.window[0] >= 1.0:
            self.window.popleft()
        if len(self.window) >= self.limit:
            self.too_many += 1
            self.refused.append(now)
            return False
        self.window.append(now)
        return True


_APOLOGIES = ("algo falló", "something went wrong")


def _quiet(handler) -> None:
    return None


class _Handler(RequestHandler):
    def initialize(self, fake: FakeTelegram) -> None:
        self.fake = fake

    def _params(self) -> dict:
        if self.request.headers.get("Content-Type", "").startswith("application/json"):
            return json.loads(self.request.body or b"{}")
        return {k: self.get_body_argument(k) for k in self.request.body_arguments}

    def post(self, method: str) -> None:
        params = self._params()
        name = method.lower()
        limited = name == "sendmessage" or (self.fake.edits and name == "editmessagetext")
        if name == "getme":
            result = {"id": 1, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}
        elif name == "getchat":
            result = {"id": int(params["chat_id"]), "type": "supergroup", "title": "Staff"}
        elif limited and not self.fake.admit():
            self.set_status(429)
            self.finish(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {self.fake.retry_after}",
                    "parameters": {"retry_after": self.fake.retry_after},
                }
            )
            return
        elif name == "editmessagetext":
            self.fake.messages.append(
                (int(params["chat_id"]), time.time(), params.get("text", "")[:300])
            )
            self.fake.arrived(int(params["chat_id"]))
            result = True
        elif name == "sendmessage":
            chat_id = int(params["chat_id"])
            if any(sorry in params.get("text", "") for sorry in _APOLOGIES):
                self.fake.apologies += 1
            self.fake.delivered[chat_id] += 1
            self.fake.times.append(time.monotonic())
            self.fake.messages.append((chat_id, time.time(), params.get("text", "")[:300]))
            self.fake.arrived(chat_id)
            result = {
                "message_id": self.fake.delivered.total(),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private", "first_name": "P"},
                "text": params.get("text", ""),
            }
        else:
            result = True
        self.finish({"ok": True, "result": result})


class _Stats(RequestHandler):
    def initialize(self, fake: FakeTelegram) -> None:
        self.fake = fake

    def get(self) -> None:
        self.finish(
            {
                "delivered": {str(k): v for k, v in self.fake.delivered.items()},
                "times": self.fake.times,
                "too_many": self.fake.too_many,
                "refused": self.fake.refused,
                "apologies": self.fake.apologies,
                "messages": self.fake.messages,
            }
        )


class _Wait(RequestHandler):
    """GET /wait?chat=ID&count=N: answers once the chat has N messages (sent or edited)."""

    def initialize(self, fake: FakeTelegram) -> None:
        self.fake = fake

    async def get(self) -> None:
        chat, count = int(self.get_argument("chat")), int(self.get_argument("count"))
        if self.fake.per_chat[chat] < count:
            future = asyncio.get_running_loop().create_future()
            self.fake.waiters.setdefault(chat, []).append((count, future))
            await future
        self.finish({"count": self.fake.per_chat[chat]})


def serve_forever(limit: int, port_file: str, *, edits: bool = False) -> None:
    """Run as its own process (so its clock is not stalled by the sender's work)."""
    import os
    from contextlib import suppress

    with suppress(OSError):
        os.nice(-5)  # measure arrivals promptly even on a busy machine

    async def main() -> None:
        fake = FakeTelegram(limit=limit, edits=edits)
        fake.start()
        stats = Application(
            [(r"/stats", _Stats, {"fake": fake}), (r"/wait", _Wait, {"fake": fake})],
            log_function=_quiet,
        )
        stats_server = HTTPServer(stats)
        stats_sockets = bind_sockets(0, address="127.0.0.1")
        stats_server.add_sockets(stats_sockets)
        ready = f"{port_file}.tmp"
        Path(ready).write_text(f"{fake.port} {stats_sockets[0].getsockname()[1]}")  # noqa: ASYNC240
        os.replace(ready, port_file)  # whole, or not at all
        await asyncio.Event().wait()

    asyncio.run(main())


if __name__ == "__main__":
    import sys

    serve_forever(int(sys.argv[1]), sys.argv[2], edits="edits" in sys.argv[3:])
