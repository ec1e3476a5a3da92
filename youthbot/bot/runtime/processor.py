"""Update processing: different people's updates run concurrently, one person's in order.

PTB hands every update from `application.update_queue` to the update processor in the order it
was queued. `PerUserUpdateProcessor` chains the updates of one person (or of one chat, for
updates without a person) so each starts only when the previous one has finished, while the
updates of other people go ahead, at most `concurrency` at a time. A person sending many
updates holds one slot, never all of them, so nobody waits behind a flood.

Across replicas, the turn's PostgreSQL advisory lock (bot/runtime/turn.py) does the same job.

An update the database could not take (bot/runtime/errors.py `keep_for_later`) is not lost: the
webhook server, told so, answers 503 and Telegram sends it again; an update nobody waits for (long
polling, or a webhook answer already given) is run again here after a pause, still holding its
person's place in line, until it is handled or the bot stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

logger = logging.getLogger(__name__)

# PTB's own semaphore is acquired before `do_process_update`; it is kept out of the way (the
# order of entry must be the order of the queue) and our own semaphore limits the work.
_ENTRY_LIMIT = 1_000_000
# Pauses before running a kept update again: doubling, then every RERUN_MAX seconds.
RERUN_FIRST = 1.0
RERUN_MAX = 15.0


def ordering_key(update: object) -> int | None:
    """Whose updates must not overlap: the person's id, else the chat's, else nobody's."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Runs updates of different people concurrently and each person's strictly in order."""

    def __init__(self, concurrency: int = 32) -> None:
        super().__init__(max_concurrent_updates=_ENTRY_LIMIT)
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.concurrency = concurrency
        self._slots = asyncio.Semaphore(concurrency)
        self._tails: dict[int, asyncio.Future[None]] = {}
        self._watchers: dict[int, list[Callable[[bool], None]]] = {}
        self._deferred: dict[int, Callable[[], Awaitable[Any]]] = {}
        self._closing = asyncio.Event()

    def when_done(self, update: object, callback: Callable[[bool], None]) -> None:
        """Call `callback(kept)` once `update` (this very object) has been processed; `kept`
        is True when it could not be handled yet and must be delivered again."""
        self._watchers.setdefault(id(update), []).append(callback)

    def defer(self, update: object, again: Callable[[], Awaitable[Any]]) -> None:
        """`update` could not be handled now (the database is away); `again()` reruns it."""
        self._deferred[id(update)] = again

    def stop_rerunning(self) -> None:
        """Shutting down: kept updates are not run again (a webhook's are redelivered)."""
        self._closing.set()

    def forget(self, update: object) -> None:
        """Stop watching `update` (its processing will not be waited for)."""
        self._watchers.pop(id(update), None)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = ordering_key(update)
        previous = self._tails.get(key) if key is not None else None
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if key is not None:
            self._tails[key] = done  # set before any await: the queue's order is kept
        started = False
        try:
            if previous is not None:
                await asyncio.shield(previous)
            async with self._slots:
                started = True
                await coroutine
            await self._rerun_kept(update)
        finally:
            if not started and hasattr(coroutine, "close"):
                coroutine.close()  # cancelled while waiting its turn (shutting down)
            done.set_result(None)
            if key is not None and self._tails.get(key) is done:
                del self._tails[key]
            kept = self._deferred.pop(id(update), None) is not None
            for callback in self._watchers.pop(id(update), ()):
                callback(kept)

    async def _rerun_kept(self, update: object) -> None:
        """Run a kept update again, with growing pauses, unless someone waits to answer for
        it (the webhook: Telegram will resend it) or the bot is stopping."""
        pause = RERUN_FIRST
        while id(update) in self._deferred and id(update) not in self._watchers:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), pause)
            if self._closing.is_set():
                logger.warning(
                    "update %s kept for later could not be handled before stopping",
                    getattr(update, "update_id", None),
                )
                return
            again = self._deferred.pop(id(update))
            pause = min(pause * 2, RERUN_MAX)
            async with self._slots:
                await again()

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        self._closing.set()
        self._watchers.clear()
