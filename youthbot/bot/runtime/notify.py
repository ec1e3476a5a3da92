"""The one door for messages to other people than the person of the turn.

`person(turn, user_id, ...)` writes to someone in their private chat (a case's young person, a
leader, a joiner): after their quick exit it is kept for them, or dropped when not `keep`
(core/safety/hold.py), and a blocked bot is logged, never raised. `staff(turn, place, ...)`
posts in the staff chat: a case's forum topic, the thread of its card, or the chat itself.
Both are queued to run once the turn has committed, in order with the turn's other sends; a
`then` callback gets what happened (the Outcome, or the posted message's id), to tell the
staff chat that a message waits or to remember a post. Jobs (no turn) call `deliver`/`post`.
With `durable`, the message is an outbox row written in the turn's transaction and sent at
least once, even if this process dies right after the commit (bot/runtime/delivery.py); a
staff post's follow-up is then a named `after` (it may run in another process).
The announcement outbox is the only other sender to people (it skips held people in its query).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from telegram import MessageEntity, ReplyParameters
from telegram.error import BadRequest, Forbidden, TelegramError

from ...core.safety import hold as hold_service
from .delivery import Outcome
from .turn import Deps, Markup, Turn

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Place:
    """Where in a group a message goes: a forum topic, the thread of a message, or the chat."""

    chat_id: int
    thread_id: int | None = None
    message_id: int | None = None


# To a person ------------------------------------------------------------------------------


async def held_back(
    deps: Deps, user_id: int, text: str, markup: Markup = None, *, keep: bool = True
) -> bool:
    """True when the person used quick exit and has not written since: then the message is
    not to be sent. It is kept for them (`keep`), or dropped (reminders, announcements)."""
    async with deps.db.session() as session:
        if not keep:
            held = await hold_service.is_held(session, user_id)
        else:
            held = await hold_service.keep_if_held(
                session,
                user_id=user_id,
                text=text,
                markup=markup.to_dict() if markup is not None else None,
                now=deps.clock(),
            )
    if held:
        logger.info("a message for a person after quick exit: %s", "kept" if keep else "dropped")
    return held


async def deliver(
    deps: Deps, bot, user_id: int, text: str, markup: Markup = None, *, keep: bool = True
) -> Outcome:
    """Send to a person now (from a job, or from a queued call), honouring the quick-exit hold."""
    if user_id > 0 and await held_back(deps, user_id, text, markup, keep=keep):
        return Outcome.HELD
    try:
        await bot.send_message(user_id, text, reply_markup=markup)
    except Forbidden:
        logger.info("a person has blocked the bot; message not delivered")
        return Outcome.BLOCKED
    except TelegramError as exc:
        logger.warning("could not send to a person: %s", type(exc).__name__)
        return Outcome.FAILED
    return Outcome.SENT


def person(
    turn: Turn,
    user_id: int,
    text: str,
    markup: Markup = None,
    *,
    keep: bool = True,
    then: Callable[[Outcome], Awaitable[None]] | None = None,
    durable: bool = False,
) -> None:
    """Write to `user_id` once the turn has committed (render `text` in their language first,
    with i18n.speaking); `then` learns whether it was sent, held or refused."""
    if durable:
        turn.send_durably(user_id, text, markup, keep=keep, user_id=user_id, then=then)
        return
    deps, bot = turn.deps, turn.bot

    async def send() -> None:
        outcome = await deliver(deps, bot, user_id, text, markup, keep=keep)
        if then is not None:
            await then(outcome)

    turn.later(send)


# To the staff chat ------------------------------------------------------------------------


async def post(
    bot,
    place: Place,
    text: str,
    markup: Markup = None,
    entities: Sequence[MessageEntity] | None = None,
) -> int | None:
    """A message in the place's topic, or as a reply to its message (a thread); its id."""
    where: dict = {}
    if place.thread_id is not None:
        where["message_thread_id"] = place.thread_id
    elif place.message_id is not None:
        where["reply_parameters"] = ReplyParameters(
            place.message_id, allow_sending_without_reply=True
        )
    message = await bot.send_message(
        place.chat_id, text, reply_markup=markup, entities=entities, **where
    )
    return message.message_id


async def edit(bot, place: Place, text: str, markup: Markup) -> None:
    """Replace the text of the place's message (a case card); "not modified" is no error."""
    if place.message_id is None:
        return
    try:
        await bot.edit_message_text(
            text, chat_id=place.chat_id, message_id=place.message_id, reply_markup=markup
        )
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            logger.warning("could not edit a staff chat message: %s", type(exc).__name__)


def staff(
    turn: Turn,
    place: Place | int,
    text: str,
    markup: Markup = None,
    entities: Sequence[MessageEntity] | None = None,
    *,
    then: Callable[[int | None], Awaitable[None]] | None = None,
    durable: bool = False,
    about: int | None = None,
    after: dict | None = None,
) -> None:
    """Post in the staff chat (a Place, or a chat id) once the turn has committed; a refusal
    is logged and the turn still completes. `then` gets the posted message's id; a `durable`
    post (about the person `about`) has a named follow-up `after` instead."""
    bot = turn.bot
    where = place if isinstance(place, Place) else Place(place)
    if durable:
        turn.send_durably(
            where.chat_id, text, markup, user_id=about, entities=entities,
            thread_id=where.thread_id,
            reply_to=where.message_id if where.thread_id is None else None, after=after,
        )
        return

    async def send() -> None:
        try:
            posted = await post(bot, where, text, markup, entities)
        except TelegramError as exc:
            logger.warning("could not post to the staff chat: %s", type(exc).__name__)
            return
        if then is not None:
            await then(posted)

    turn.later(send)


def staff_edit(turn: Turn, place: Place, text: str, markup: Markup) -> None:
    """Edit a staff chat message (a case card) once the turn has committed."""
    bot = turn.bot
    turn.later(lambda: edit(bot, place, text, markup))
