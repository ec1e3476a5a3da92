"""Update processing: different people's updates run concurrently, one person's in order.

PTB hands every update from `application.update_queue` to the update processor in the order it
was queued. `PerUserUpdateProcessor` chains the updates of one person (or of one chat, for
updates without a person) so each starts only when the previous one has finished, while the
updates of other people go ahead, at most `concurrency` at a time. A person sending many
updates holds one slot, never all of them, so nobody waits behind a flood.

Across replicas, the turn's PostgreSQL advisory lock (bot/runtime.py) does the same job.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

logger = logging.getLogger(__name__)

# PTB's own semaphore is acquired before `do_process_update`; it is kept out of the way (the
# order of entry must be the order of the queue) and our own semaphore limits the work.
_ENTRY_LIMIT = 1_000_000


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
        self._watchers: dict[int, list[Callable[[], None]]] = {}

    def when_done(self, update: object, callback: Callable[[], None]) -> None:
        """Call `callback` once `update` (this very object) has been processed."""
        self._watchers.setdefault(id(update), []).append(callback)

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
        finally:
            if not started and hasattr(coroutine, "close"):
                coroutine.close()  # cancelled while waiting its turn (shutting down)
            done.set_result(None)
            if key is not None and self._tails.get(key) is done:
                del self._tails[key]
            for callback in self._watchers.pop(id(update), ()):
                callback()

    @property
    def busy_keys(self) -> int:
        """How many people have an update being processed or waiting (for tests and metrics)."""
        return len(self._tails)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        self._watchers.clear()
