"""What every handler stands on: dependencies, keyboards, and one `Turn` per update.

A turn is one database transaction: the person and their conversation state are loaded in one
query, the handler changes what it must, the transaction commits, and only then are the
queued Bot API calls made. No network call happens while a write lock is held, and a handler
that fails sends nothing. Which handler an update reaches is bot/runtime/router.py's business.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, ApplicationHandlerStop, CallbackContext, ExtBot

from ...config import Settings
from ...core import delivery as outbox
from ...core.announce import set_blocked
from ...core.content import Content
from ...core.people import users
from ...core.people.roles import Role, effective_roles, highest, is_allowed
from ...db.engine import Database
from ...db.faults import retrying
from ...db.models import ChatState, User
from ...db.types import utcnow
from ...db.updates import claim_update, mark_applied
from ...i18n import Catalogs, Translator, _, activate, deactivate
from . import budget, callbacks, delivery
from .longtext import split_text

logger = logging.getLogger(__name__)

Markup = InlineKeyboardMarkup | None


@dataclass
class Deps:
    """Everything handlers need, built once by `build_application`."""

    settings: Settings
    db: Database
    catalogs: Catalogs
    content: Content
    # Run in every turn's transaction before its handler (the router's turn hooks).
    turn_hooks: list[Callable[[Turn], Awaitable[None]]] = field(default_factory=list)
    # Run in the same transaction after the handler (e.g. a changed privacy notice shown).
    after_hooks: list[Callable[[Turn], Awaitable[None]]] = field(default_factory=list)
    clock: Callable[[], datetime] = utcnow
    extras: dict[str, Any] = field(default_factory=dict)
    # Follow-ups of outbox messages by name (bot/runtime/delivery.py), from the router.
    after_send: dict[str, Any] = field(default_factory=dict)
    # This process, as the owner of the outbox rows its turns write (their lease).
    owner: str = field(default_factory=delivery.process_name)
    # Where replies wait for the send budget after their update is done (None: sent inline).
    sends: delivery.SendQueue | None = None


class BotContext(CallbackContext[ExtBot, dict, dict, dict]):
    """PTB's context with typed access to our dependencies.

    One context serves every handler group of one update: `recorded_update` remembers that a
    turn of this update already committed its id, so later groups do not mistake it for a
    repetition.
    """

    recorded_update: int | None = None

    @property
    def deps(self) -> Deps:
        return self.application.bot_data["deps"]


def deps_of(application: Application) -> Deps:
    return application.bot_data["deps"]


def clean_text(text: str | None) -> str:
    """Text as we store and pass it on: without NUL characters, which PostgreSQL refuses in
    any text (the whole turn would fail) and nobody can see anyway."""
    return text.replace("\x00", "") if text else ""


# Keyboards --------------------------------------------------------------------------------


def button(label: str, action: str | callbacks.Packed, *args: Any) -> InlineKeyboardButton:
    """A button: `button(label, ACTION(args...))`, or the older `button(label, name, *args)`."""
    if isinstance(action, callbacks.Packed):
        if args:
            raise callbacks.CallbackDataError("packed data takes no more arguments")
        return InlineKeyboardButton(label, callback_data=str(action))
    return InlineKeyboardButton(label, callback_data=callbacks.pack(action, *args))


def url_button(label: str, url: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, url=url)


def keyboard(*rows: Iterable[InlineKeyboardButton] | InlineKeyboardButton) -> InlineKeyboardMarkup:
    """Rows of buttons; a lone button is a row of its own. Empty rows are dropped."""
    built = []
    for row in rows:
        items = [row] if isinstance(row, InlineKeyboardButton) else list(row)
        if items:
            built.append(items)
    return InlineKeyboardMarkup(built)


# The turn ---------------------------------------------------------------------------------


@dataclass
class Turn:
    """One update being handled: who, in which language, their state, and what to send."""

    update: Update
    context: BotContext
    session: AsyncSession
    user: User | None
    state: ChatState | None
    role: Role  # the highest role held (the one named where one is shown)
    translator: Translator
    now: datetime
    roles: frozenset[Role] = frozenset({Role.YOUNG})  # every role held
    # Set when this update comes late (a later one of the same person was handled first):
    # the moment, just before that later one, where it belongs in the person's order.
    late_at: datetime | None = None
    _sends: list[Callable[[], Awaitable[Any]]] = field(default_factory=list)
    _answer: tuple[str | None, bool] | None = None
    _unreachable: set[int] = field(default_factory=set)
    # Set by `must_arrive`: the priority of this turn's sends, which go through the outbox.
    _durable: int | None = None

    @property
    def deps(self) -> Deps:
        return self.context.deps

    @property
    def settings(self) -> Settings:
        return self.deps.settings

    @property
    def bot(self) -> ExtBot:
        return self.context.bot

    @property
    def user_id(self) -> int:
        return self.update.effective_user.id

    def holds(self, required: Iterable[Role]) -> bool:
        """Whether one of the person's roles is in `required` (admins hold every role)."""
        return is_allowed(self.roles, required)

    @property
    def chat_id(self) -> int:
        return self.update.effective_chat.id

    @property
    def in_order_at(self) -> datetime:
        """When what this update says belongs in the person's order (a case's messages are
        ordered by it): now, or for a late update just before the later one."""
        return self.late_at or self.now

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def language(self) -> str:
        return self.translator.language

    @property
    def is_private(self) -> bool:
        chat = self.update.effective_chat
        return chat is not None and chat.type == ChatType.PRIVATE

    @property
    def text(self) -> str:
        """What the person wrote (or the caption), safe to store (see `clean_text`)."""
        message = self.update.effective_message
        return clean_text((message.text or message.caption) if message else None)

    @property
    def anonymous(self) -> bool:
        return self.user is None or users.is_anonymous(self.user)

    @property
    def country(self) -> str | None:
        """The country the person chose, if any (it decides which numbers they are shown)."""
        return self.user.country if self.user is not None else None

    # Queued Bot API calls, made after the transaction commits ---------------------------

    def must_arrive(self, level: int = budget.SAFETY) -> None:
        """From here on, what this turn sends to a chat survives a crash: each message is an
        outbox row written in this transaction and sent at least once (emergency numbers,
        danger replies); and the turn's calls go at `level`, ahead of lower priorities."""
        self._durable = level

    @property
    def priority(self) -> int:
        return budget.CONVERSATION if self._durable is None else self._durable

    def reply(self, text: str, markup: Markup = None, **kwargs: Any) -> None:
        """Send a new message to the chat this update came from."""
        self.send(self.chat_id, text, markup, **kwargs)

    def send(self, chat_id: int, text: str, markup: Markup = None, **kwargs: Any) -> None:
        """Send to any chat; a text over Telegram's limit goes as several messages."""
        parts = split_text(text)
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            if self._durable is not None:
                self.send_durably(
                    chat_id, part, markup if last else None,
                    thread_id=kwargs.get("message_thread_id"), priority=self._durable,
                )
                continue
            self._sends.append(self._sender(chat_id, part, markup if last else None, kwargs))

    def send_durably(
        self,
        chat_id: int,
        text: str,
        markup: Markup = None,
        *,
        priority: int | None = None,
        keep: bool = False,
        user_id: int | None = None,
        entities: Any = None,
        thread_id: int | None = None,
        reply_to: int | None = None,
        edit_of: int | None = None,
        after: dict[str, Any] | None = None,
        then: Callable[[delivery.Outcome], Awaitable[None]] | None = None,
    ) -> None:
        """Write one message to the outbox in this transaction; send it after the commit (a
        process that dies first leaves it to the sweeper). To a person's chat it is held or
        dropped (`keep`) after their quick exit; `after` names a follow-up run once sent."""
        if user_id is None and chat_id > 0 and self.user is not None:
            user_id = self.user.id if chat_id == self.user.id else None
        deps = self.deps
        row = outbox.new_message(
            self.session, chat_id=chat_id, text=text,
            priority=self.priority if priority is None else priority, owner=deps.owner,
            now=self.now, lease=delivery.LEASE, user_id=user_id, keep=keep,
            markup=markup.to_dict() if markup is not None else None,
            entities=[e.to_dict() for e in entities] if entities else None,
            thread_id=thread_id, reply_to=reply_to, edit_of=edit_of, after=after,
        )
        bot = self.bot

        async def send() -> None:
            outcome = await delivery.deliver_row(deps, bot, outbox.due_of(row), deps.owner)
            if then is not None and outcome is not None:
                await then(outcome)

        self._sends.append(send)

    def _sender(
        self, chat_id: int, text: str, markup: Markup, kwargs: dict[str, Any]
    ) -> Callable[[], Awaitable[Any]]:
        async def send() -> Any:
            try:
                return await self.bot.send_text(chat_id, text, reply_markup=markup, **kwargs)
            except Forbidden:
                if chat_id > 0:  # a person's private chat: they blocked the bot
                    self._unreachable.add(chat_id)
                raise

        return send

    def edit(self, text: str, markup: Markup = None) -> None:
        """Replace the message whose button was pressed; a new message otherwise."""
        query = self.update.callback_query
        message = query.message if query else None
        if not isinstance(message, Message):
            self.reply(text, markup)
            return
        if self._durable is not None:
            first, *more = split_text(text)
            self.send_durably(message.chat_id, first, None if more else markup,
                              edit_of=message.message_id)
            for index, part in enumerate(more):
                self.send_durably(message.chat_id, part, markup if index == len(more) - 1
                                  else None)
            return
        text, *more = split_text(text)

        async def edit() -> None:
            try:
                await self.bot.edit_text(
                    message.chat_id,
                    message.message_id,
                    text,
                    reply_markup=None if more else markup,
                )
            except BadRequest as exc:
                if "not modified" not in str(exc).lower():
                    raise

        self._sends.append(edit)
        for index, part in enumerate(more):
            last = index == len(more) - 1
            self._sends.append(self._sender(message.chat_id, part, markup if last else None, {}))

    def answer(self, text: str | None = None, *, alert: bool = False) -> None:
        """Answer the pressed button (a short toast, or an alert)."""
        self._answer = (text, alert)

    def stale(self, *, alert: bool = False) -> None:
        """The one answer to a button that no longer fits what the database holds: a toast (or
        an alert) on a pressed button, a message when the person typed."""
        text = _("This button no longer works. Please use the latest message.")
        if self.update.callback_query is not None:
            self.answer(text, alert=alert)
        else:
            self.reply(text)

    def later(self, call: Callable[[], Awaitable[Any]]) -> None:
        """Run `call` after commit, in order with the sends (for calls needing their result)."""
        self._sends.append(call)

    async def flush(self) -> None:
        """The queued calls, in order, at this turn's priority. The turn has committed: a call
        Telegram refuses is logged and the rest go on; the person is never told their action
        failed (a 429 was already waited out and tried again by the limiter)."""
        with budget.priority(self.priority):
            query = self.update.callback_query
            if query is not None:
                text, alert = self._answer or (None, False)
                await _after_commit(query.answer(text, show_alert=alert))
            for send in self._sends:
                await _after_commit(send())
        self._sends.clear()

    def switch_language(self, language: str) -> bool:
        """Store a language we have a catalog for and speak it for the rest of this turn."""
        catalogs = self.deps.catalogs
        if language not in catalogs.languages or self.user is None:
            return False
        self.user.language = language
        self.translator = catalogs.get(language)
        activate(self.translator)
        return True

    # Conversation state ----------------------------------------------------------------

    async def set_state(self, flow: str, step: str, **data: Any) -> None:
        self.state = await users.set_state(
            self.session, self.state, user_id=self.user_id, flow=flow, step=step, data=data,
            now=self.now,
        )

    async def clear_state(self) -> None:
        if self.state is not None:
            await self.session.delete(self.state)
            self.state = None


async def _after_commit(call: Awaitable[Any]) -> None:
    try:
        await call
    except Forbidden:
        raise  # run_turn marks the person as unreachable
    except TelegramError as exc:
        logger.warning("a call after the commit failed: %s", type(exc).__name__)


TurnHandler = Callable[..., Awaitable[Any]]


async def run_turn(
    update: Update,
    context: BotContext,
    fn: TurnHandler,
    args: tuple = (),
    *,
    roles: Iterable[Role] | None = None,
    create_user: bool = True,
) -> None:
    """Load the person, resolve their language, check their role, run `fn`, commit, send.

    The update id is recorded in the turn's transaction (with the person's advisory lock on
    PostgreSQL): a repeated update stops here and changes nothing. Several handler groups may
    run turns for one update; the first to commit records it for all of them.
    """
    tg_user = update.effective_user
    if tg_user is None or tg_user.is_bot:
        return
    deps = context.deps
    # A transient database fault (a restart, a refused or cut connection, a deadlock) runs
    # the whole transaction again with back-off; nothing was sent, and had a lost commit
    # landed after all, the retry finds the update recorded. Still failing: the update is
    # kept for later (db/faults.py).
    turn = await retrying(
        lambda: _transaction(update, context, fn, args, roles, create_user), deps.db.outage
    )
    context.recorded_update = update.update_id
    queue = deps.sends
    if queue is None or turn.priority == budget.SAFETY:
        await send_phase(turn)
    else:  # the update is done; its replies wait for the send budget, in order per chat
        queue.after(turn.chat_id, lambda: send_phase(turn, detached=True))


async def send_phase(turn: Turn, *, detached: bool = False) -> None:
    """The turn's Bot API calls, in its person's language; a person found to have blocked the
    bot is marked. Detached from its update, a failure is logged, never raised."""
    token = activate(turn.translator)
    try:
        await turn.flush()
    except Forbidden:
        if not turn._unreachable:
            if detached:
                logger.info("update %s: a chat refused the bot", turn.update.update_id)
                return
            raise
        async with turn.deps.db.session() as session:
            await set_blocked(session, user_ids=turn._unreachable, blocked=True)
        logger.info("update %s: a person has blocked the bot; marked", turn.update.update_id)
        if turn._unreachable != {turn.chat_id} and not detached:
            raise
    finally:
        deactivate(token)


async def _transaction(
    update: Update,
    context: BotContext,
    fn: TurnHandler,
    args: tuple,
    required: Iterable[Role] | None,
    create_user: bool,
) -> Turn:
    """The turn's transaction: claim the update, load the person, run `fn`, commit."""
    tg_user = update.effective_user
    deps = context.deps
    now = deps.clock()
    recorded = context.recorded_update == update.update_id
    async with deps.db.session() as session:
        fresh = await claim_update(
            session,
            update_id=None if recorded else update.update_id,
            lock_key=tg_user.id,
            now=now,
        )
        if not fresh:
            logger.info("update %s was handled before; repetition ignored", update.update_id)
            raise ApplicationHandlerStop
        late_at = None
        if not recorded:
            late_at = await mark_applied(
                session, update_id=update.update_id, user_id=tg_user.id, now=now
            )
        user, state = await users.load_user(session, tg_user.id)
        if user is None and create_user:
            language = deps.catalogs.resolve(None, tg_user.language_code)
            user = await users.create_user(
                session, user_id=tg_user.id, language=language, today=now.date()
            )
        elif user is not None:
            users.touch_user(user, now.date())
        language = deps.catalogs.resolve(user.language if user else None, tg_user.language_code)
        translator = deps.catalogs.get(language)
        roles = effective_roles(
            await users.load_roles(session, user), tg_user.id, deps.settings.admin_ids
        )
        role = highest(roles)
        turn = Turn(
            update, context, session, user, state, role, translator, now, roles, late_at=late_at
        )
        token = activate(translator)
        try:
            for hook in deps.turn_hooks:
                await hook(turn)
            if is_allowed(roles, required):
                await fn(turn, *args)
            else:
                logger.info("refused %s for role %s", getattr(fn, "__name__", fn), role)
                refuse(turn)
            for hook in deps.after_hooks:
                await hook(turn)
        finally:
            deactivate(token)
    return turn


def refuse(turn: Turn) -> None:
    """Tell the person, kindly, that this is not theirs to do; change nothing."""
    text = _("Sorry, that is not something you can do here.")
    if turn.update.callback_query is not None:
        turn.answer(text, alert=True)
    else:
        turn.reply(text)
