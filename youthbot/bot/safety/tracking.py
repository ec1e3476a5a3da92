"""Which messages quick exit may delete: the ids of both sides of every private chat.

Outgoing: `TrackingBot` notes the id of every message it sends, copies or forwards into a
private chat, whoever sends it (a handler, a relay from a moderator's turn, a reminder job).
Incoming: a turn hook notes the message a person sent. To cost no extra transaction, both wait
in memory and are written by a turn (whatever person it is for) at most once a second (one
insert a second under load, instead of one per turn), or by a job every minute. Quick exit
writes whatever waits before it reads, so it always sees its own chat's ids. Ids are forgotten
after 48 hours, when Telegram no longer lets a bot delete them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event
from telegram.error import TelegramError
from telegram.ext import Application, ExtBot

from ...core import safety
from ...db.types import utcnow
from ..runtime.router import Router
from ..runtime.turn import Turn, deps_of

logger = logging.getLogger(__name__)

FLUSH_EVERY = timedelta(minutes=1)
# A turn writes the waiting ids when this long has passed since the last write, or when many wait.
WRITE_AFTER = timedelta(seconds=1)
WRITE_BATCH = 500
DELETE_BATCH = 100  # deleteMessages takes at most 100 ids
_ID_LIMIT = 1 << 52
_MAKES_MESSAGES = ("send", "copyMessage", "copyMessages", "forwardMessage", "forwardMessages")


class MessageTracker:
    """Ids of messages the bot sent to private chats, not yet written to the database."""

    def __init__(self, clock: Callable[[], datetime] = utcnow) -> None:
        self.clock = clock
        self.pending: list[tuple[int, int, datetime]] = []
        self.written_at: datetime | None = None
        # Private chats whose new messages are not noted (the "/borrar" confirmation).
        self.ignored: set[int] = set()

    def note(self, chat_id: int, message_ids: list[int]) -> None:
        at = self.clock()
        self.pending.extend(
            (chat_id, message_id, at) for message_id in message_ids
            if storable(chat_id, message_id)
        )

    def due(self) -> bool:
        """Whether a turn should write the waiting ids now (see the module's note)."""
        if not self.pending:
            return False
        if len(self.pending) >= WRITE_BATCH or self.written_at is None:
            return True
        return self.clock() - self.written_at >= WRITE_AFTER

    def take(self) -> list[tuple[int, int, datetime]]:
        rows, self.pending = self.pending, []
        self.written_at = self.clock()
        return rows


class TrackingBot(ExtBot):
    """PTB's bot, noting the ids of the messages it creates in private chats."""

    def __init__(self, *args: Any, tracker: MessageTracker, **kwargs: Any) -> None:
        self._tracker = tracker
        super().__init__(*args, **kwargs)

    @property
    def tracker(self) -> MessageTracker:
        return self._tracker

    async def send_text(self, chat_id: int, text: str, **params: Any) -> None:
        """`send_message` for a turn's reply, whose resulting Message nobody reads: Telegram's
        answer is not turned into PTB objects (that cost as much as the rest of the call)."""
        await self._post("sendMessage", {"chat_id": chat_id, "text": text, **params})

    async def edit_text(self, chat_id: int, message_id: int, text: str, **params: Any) -> None:
        """`edit_message_text` of a chat's message, its result likewise left unparsed."""
        await self._post(
            "editMessageText",
            {"chat_id": chat_id, "message_id": message_id, "text": text, **params},
        )

    async def _do_post(self, endpoint: str, data: dict, **kwargs: Any) -> Any:
        result = await super()._do_post(endpoint, data, **kwargs)
        if endpoint.startswith(_MAKES_MESSAGES) and endpoint != "sendChatAction":
            chat_id, ids = _created(data, result)
            person = chat_id is not None and chat_id > 0  # > 0: a person, not a group
            if person and ids and chat_id not in self._tracker.ignored:
                self._tracker.note(chat_id, ids)
        return result


def _created(data: dict, result: Any) -> tuple[int | None, list[int]]:
    """The chat and the ids of the messages a send-like call created."""
    items = result if isinstance(result, list) else [result]
    ids = [int(i["message_id"]) for i in items if isinstance(i, dict) and "message_id" in i]
    chat = data.get("chat_id")
    if isinstance(result, dict) and isinstance(result.get("chat"), dict):
        chat = result["chat"].get("id")
    try:
        return (int(chat) if chat is not None else None), ids
    except (TypeError, ValueError):  # a channel's @username
        return None, ids


def storable(chat_id: int, message_id: int) -> bool:
    """Whether the ids are Telegram's (52 bits): the waiting rows are written by whichever
    person's turn comes next, so one forged id would fail that other person's turn."""
    return abs(chat_id) < _ID_LIMIT and 0 <= message_id < _ID_LIMIT


def tracker_of(bot: Any) -> MessageTracker | None:
    return getattr(bot, "tracker", None)


async def remember_messages(turn: Turn) -> None:
    """Turn hook: note the message this person just sent; write what waits when it is due."""
    tracker = tracker_of(turn.bot)
    rows = []
    message = turn.update.message
    if message is not None and turn.is_private and storable(turn.chat_id, message.message_id):
        rows.append((turn.chat_id, message.message_id, turn.now))
    if tracker is not None:
        own = list(rows)
        tracker.pending.extend(rows)
        rows = tracker.take() if tracker.due() else []
        keep_if_rolled_back(turn, tracker, [row for row in rows if row not in own])
    if rows:
        await safety.record_messages(turn.session, rows)


async def write_pending(turn: Turn) -> None:
    """Write every waiting id in this turn (quick exit, before it reads the chat's ids)."""
    tracker = tracker_of(turn.bot)
    rows = tracker.take() if tracker is not None else []
    if rows:
        keep_if_rolled_back(turn, tracker, rows)
        await safety.record_messages(turn.session, rows)


def keep_if_rolled_back(turn: Turn, tracker: MessageTracker, rows: list) -> None:
    """Should the turn's transaction roll back (a database fault: the turn runs again, or
    not), the ids it took from other turns wait for the next write instead of being lost."""
    if not rows:
        return

    def restore(_session: Any) -> None:
        tracker.pending[:0] = rows

    event.listen(turn.session.sync_session, "after_rollback", restore, once=True)


async def flush_pending(application: Application) -> None:
    """Write ids waiting in memory (used by the minute job and at shutdown)."""
    tracker = tracker_of(application.bot)
    rows = tracker.take() if tracker is not None else []
    if rows:
        try:
            async with deps_of(application).db.session() as session:
                await safety.record_messages(session, rows)
        except BaseException:  # a database error, or cancelled at shutdown
            tracker.pending[:0] = rows  # not lost: written next time
            raise


async def delete_messages(bot: ExtBot, chat_id: int, message_ids: list[int]) -> None:
    """Delete messages from a private chat; ones already gone or too old are skipped."""
    for start in range(0, len(message_ids), DELETE_BATCH):
        try:
            await bot.delete_messages(chat_id, message_ids[start : start + DELETE_BATCH])
        except TelegramError as exc:
            logger.warning("quick exit: could not delete messages: %s", type(exc).__name__)


async def schedule_flush(application: Application) -> None:
    """At start-up: the tracker reads the bot's clock, and flushes its ids every minute."""
    tracker = tracker_of(application.bot)
    if tracker is not None:
        deps = deps_of(application)
        tracker.clock = lambda: deps.clock()
    if application.job_queue is not None:
        application.job_queue.run_repeating(
            _flush_job, interval=FLUSH_EVERY, first=FLUSH_EVERY, name="tracking.flush"
        )


def register(router: Router) -> None:
    """Note incoming message ids in every turn; flush the bot's ids every minute."""
    router.turn_hooks.append(remember_messages)
    router.on_startup(schedule_flush)


async def _flush_job(context: Any) -> None:
    await flush_pending(context.application)
