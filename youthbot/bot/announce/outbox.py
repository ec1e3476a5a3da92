"""The announcement worker: delivers the outbox at a steady rate and shows the admin progress.

Runs in every `youthbot run` process (and in `youthbot announce deliver`). A lease on the
announcement lets one worker of all replicas send it; if that worker dies, another takes over
when the lease expires. See core/announce/__init__.py for the guarantee. Each message also
takes a slot of the bot's one send budget at the lowest priority (bot/runtime/budget.py):
announcements go at what conversations and safety replies leave of Telegram's rate, and slow
down while people are talking to the bot; the pacer below only caps their own rate.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy.exc import SQLAlchemyError
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application, ExtBot
from telegram.request import BaseRequest, HTTPXRequest

from ...core import announce
from ...db.models.announce import (
    BLOCKED,
    CANCELLED,
    DONE,
    DOUBT,
    FAILED,
    PENDING,
    SCHEDULED,
    SENDING,
    SENT,
    Announcement,
)
from ...i18n import _, pgettext, speaking
from ..runtime import budget
from ..runtime.turn import Deps, button, deps_of, keyboard
from .actions import STOP

logger = logging.getLogger(__name__)


class Pacer:
    """Hands out evenly spaced sending slots, `rate` per second, shared by all lanes.

    After a 429 no slot falls in the pause, and a lane whose slot fell in it takes a new one
    after it, spaced like every other. Released together at the pause's end, those lanes were
    a burst of up to one message per lane, which met the next 429 a second later, and so on
    for the rest of the announcement (measured: a 429 every 1.8 s, 60 % of the rate)."""

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.interval = 1.0 / rate
        self.clock, self.sleep = clock, sleep
        self.next = clock()
        self.paused_until = 0.0

    async def wait(self) -> None:
        """Until this lane's slot, which is never inside a pause."""
        while True:
            now = self.clock()
            slot = max(now, self.next)
            self.next = slot + self.interval
            if slot > now:
                await self.sleep(slot - now)
            if self.clock() >= self.paused_until:
                return

    def paused(self) -> bool:
        return self.clock() < self.paused_until

    def pause(self, seconds: float) -> None:
        """Telegram said 429: no lane sends for `seconds`."""
        self.paused_until = max(self.paused_until, self.clock() + seconds)
        self.next = max(self.next, self.paused_until)


class Window:
    """At most `limit` sends in any second: the safety net after a stall (e.g. a slow
    database) released several lanes at once. Checked right before each send."""

    def __init__(self, limit: int) -> None:
        self.limit = max(1, limit)
        self.sent: deque[float] = deque()

    async def admit(self) -> None:
        while True:
            now = time.monotonic()
            while self.sent and now - self.sent[0] >= 1.0:
                self.sent.popleft()
            if len(self.sent) < self.limit:
                self.sent.append(now)
                return
            await asyncio.sleep(self.sent[0] + 1.0 - now)


class AnnouncementSender:
    """Delivers announcements; `run()` until `stop()`, or `run(until_idle=True)` once."""

    def __init__(
        self,
        application: Application,
        *,
        rate: float | None = None,
        lanes: int = 8,
        poll_seconds: float = 2.0,
        lease_seconds: float = 15.0,
        progress_seconds: float = 3.0,
        gap_seconds: float = 1.0,
        on_progress: Callable[[Announcement, announce.Progress], None] | None = None,
        bot: Bot | None = None,
    ) -> None:
        self.application = application
        self.deps: Deps = deps_of(application)
        self.rate = rate or self.deps.settings.announce_rate
        self.lanes = lanes
        self.poll_seconds = poll_seconds
        self.lease = timedelta(seconds=lease_seconds)
        self.progress_seconds = progress_seconds
        self.gap_seconds = gap_seconds
        self.on_progress = on_progress
        self.owner = f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"
        self.bot = bot or broadcast_bot(application.bot, lanes)
        self._stopping = asyncio.Event()

    def stop(self) -> None:
        self._stopping.set()

    async def run(self, *, until_idle: bool = False) -> None:
        """Deliver whatever is queued; wait for more unless `until_idle`."""
        own = self.bot is not self.application.bot
        if own:
            await self.bot.initialize()
        try:
            await self._run(until_idle)
        finally:
            if own:
                await self.bot.shutdown()

    async def _run(self, until_idle: bool) -> None:
        while not self._stopping.is_set():
            try:
                await self.release_due()
                announcement = await self._take()
                if announcement is not None:
                    await self.deliver(announcement)
                    await asyncio.sleep(self.gap_seconds)  # at most one message a second a chat
                    continue
                if until_idle and not await self._anything_sending():
                    return  # (a dead worker's lease is waited out, then taken over)
            except (SQLAlchemyError, OSError) as exc:
                # The database is away (restarting, a cut connection): keep the lease and try
                # again after the poll interval; rows in flight become `doubt` when retaken.
                logger.warning(
                    "announcements: database error (%s); trying again shortly",
                    type(exc).__name__,
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.poll_seconds)

    async def release_due(self) -> list[int]:
        """Queue the scheduled announcements whose time has come (each once, of all
        replicas: core/announce.release_due)."""
        async with self.deps.db.session() as session:
            released = await announce.release_due(session, now=self.deps.clock())
        for announcement_id in released:
            logger.info("announcement %s: its scheduled time came; queued", announcement_id)
        return released

    async def _anything_sending(self) -> bool:
        async with self.deps.db.session() as session:
            return await announce.any_sending(session)

    async def _take(self) -> Announcement | None:
        async with self.deps.db.session() as session:
            return await announce.take_lease(
                session, owner=self.owner, now=self.deps.clock(), ttl=self.lease
            )

    async def deliver(self, announcement: Announcement) -> None:
        """Send one leased announcement until its outbox is empty or the lease is lost."""
        logger.info("announcement %s: delivering as %s", announcement.id, self.owner)
        pacer, window = Pacer(self.rate), Window(int(self.rate) + 1)
        lost = asyncio.Event()
        lanes = [
            asyncio.create_task(self._lane(announcement, pacer, window, lost))
            for _ in range(self.lanes)
        ]
        finished = asyncio.Event()
        watcher = asyncio.create_task(self._watch(announcement, lost, finished))
        try:
            await asyncio.gather(*lanes)
        except BaseException:
            for task in (*lanes, watcher):
                task.cancel()
            raise
        # Never cancelled mid-transaction in the normal course: told to finish, and awaited.
        finished.set()
        await watcher
        async with self.deps.db.session() as session:
            await announce.finish(
                session, announcement_id=announcement.id, owner=self.owner, now=self.deps.clock()
            )
        await self._show_progress(announcement)

    async def _watch(
        self, announcement: Announcement, lost: asyncio.Event, finished: asyncio.Event
    ) -> None:
        """Every few seconds: keep the lease, skip people who left, show progress."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(finished.wait(), self.progress_seconds)
            if finished.is_set():
                return
            async with self.deps.db.session() as session:
                kept = await announce.renew_lease(
                    session,
                    announcement_id=announcement.id,
                    owner=self.owner,
                    now=self.deps.clock(),
                    ttl=self.lease,
                )
                if kept:
                    await announce.skip_unreachable(session, announcement_id=announcement.id)
            if not kept:
                logger.warning("announcement %s: lease lost; stopping", announcement.id)
                lost.set()
                return
            await self._show_progress(announcement)

    async def _lane(
        self, announcement: Announcement, pacer: Pacer, window: Window, lost: asyncio.Event
    ) -> None:
        db, bot = self.deps.db, self.bot
        while not (self._stopping.is_set() or lost.is_set()):
            await pacer.wait()
            await window.admit()
            if pacer.paused():  # a 429 came while the window held this lane: a new slot
                continue
            # Claimed right before sending: only the messages in flight can be in doubt.
            async with db.session() as session:
                row = await announce.claim_next(
                    session, announcement_id=announcement.id, now=self.deps.clock()
                )
            if row is None:
                return
            texts = announcement.texts
            text = texts.get(row.language) or texts[announcement.language]
            status = await self._send(bot, row, text, pacer, buttons_for(announcement, row))
            async with db.session() as session:
                await announce.record_outcome(
                    session,
                    delivery_id=row.id,
                    user_id=row.user_id,
                    status=status,
                    now=self.deps.clock(),
                )

    async def _send(
        self, bot, row: announce.Claimed, text: str, pacer: Pacer, markup=None
    ) -> str:
        """Send one message, at the budget's lowest priority; the outbox status it leads to."""
        try:
            with budget.priority(budget.ANNOUNCEMENT):
                await bot.send_message(row.user_id, text, reply_markup=markup)
            return SENT
        except RetryAfter as exc:  # not delivered: back in the queue, everyone waits
            pacer.pause(retry_seconds(exc))
            return PENDING
        except Forbidden:
            return BLOCKED
        except TimedOut:
            return DOUBT  # Telegram may have delivered it: never risk a second copy
        except NetworkError as exc:
            if "ConnectError" in str(exc):  # the request never left: safe to send again
                pacer.pause(5.0)
                return PENDING
            return DOUBT
        except BadRequest:
            return FAILED
        except TelegramError:
            logger.warning("announcement delivery %s failed", row.id, exc_info=True)
            return FAILED

    async def _show_progress(self, announcement: Announcement) -> None:
        async with self.deps.db.session() as session:
            current = await announce.progress(session, announcement_id=announcement.id)
            fresh = await session.get(Announcement, announcement.id)
        if self.on_progress is not None:
            self.on_progress(fresh, current)
        if fresh.admin_chat_id is None or fresh.progress_message_id is None:
            return
        with speaking(self.deps.catalogs, fresh.language) as translator:
            try:
                await self.application.bot.edit_message_text(
                    render_progress(fresh, current, translator.format_number),
                    chat_id=fresh.admin_chat_id,
                    message_id=fresh.progress_message_id,
                    reply_markup=progress_keyboard(fresh),
                )
            except BadRequest as exc:
                if "not modified" not in str(exc).lower():
                    logger.info("announcement %s: progress not shown", announcement.id)
            except TelegramError:
                logger.info("announcement %s: progress not shown", announcement.id)


def render_progress(announcement: Announcement, current: announce.Progress, number) -> str:
    """The admin's view of an announcement's delivery, in their language."""
    if announcement.status == SCHEDULED:
        head = _("Announcement #{id} is scheduled.")
    elif announcement.status == DONE:
        head = _("Announcement #{id} is delivered.")
    elif announcement.status == CANCELLED:
        head = _("Announcement #{id} was stopped.")
    else:
        head = _("Announcement #{id} is being sent.")
    text = head.format(id=announcement.id) + "\n" + _(
        "Sent: {sent} · Not delivered: {failed} · Left: {left}"
    ).format(
        sent=number(current.sent), failed=number(current.not_delivered), left=number(current.left)
    )
    if current.doubt:
        text += "\n" + _(
            "Unconfirmed after a restart (not sent again, to avoid duplicates): {doubt}"
        ).format(doubt=number(current.doubt))
    return text


def buttons_for(announcement: Announcement, row: announce.Claimed) -> InlineKeyboardMarkup | None:
    """The buttons under this person's text (a poll's options), in their language."""
    buttons = announcement.buttons or {}
    rows = buttons.get(row.language) or buttons.get(announcement.language)
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data)] for label, data in rows]
    )


def progress_keyboard(announcement: Announcement):
    if announcement.status != SENDING:
        return None
    return keyboard(button(pgettext("button", "⏹ Stop sending"), STOP(announcement.id)))


retry_seconds = budget.retry_seconds


def broadcast_bot(bot: Bot, lanes: int, *, request: BaseRequest | None = None) -> Bot:
    """The bot for announcements: the application's when it has no limiter or the bot's
    own (its budget paces announcements and hands their 429s back, unretried); otherwise a
    plain bot, as a limiter that waits out a 429 and then releases every call at once makes
    a burst, and more 429s. The sender handles 429s (the row goes back, every lane pauses).
    """
    if isinstance(getattr(bot, "rate_limiter", None), (budget.SendLimiter, type(None))):
        return bot
    token = bot.token
    options = {
        "base_url": bot.base_url.removesuffix(token),
        "base_file_url": bot.base_file_url.removesuffix(token),
        "request": request or HTTPXRequest(connection_pool_size=lanes + 2),
    }
    tracker = getattr(bot, "tracker", None)
    if tracker is not None:  # quick exit must be able to delete announcements too
        return type(bot)(token, tracker=tracker, **options)
    return ExtBot(token, **options)
