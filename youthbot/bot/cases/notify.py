"""What reaches other people than the one in the turn: the staff chat and relayed messages.

`StaffNotifier` is the one door for those side effects; `TelegramStaffNotifier` is the real
one (tests and the console run it on the offline Bot API, which records every call). They are
queued here to run once the turn has committed; what is announced about cases is in
staff_alerts, the views both sides share in shared_views.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from telegram import MessageEntity, ReplyParameters
from telegram.error import BadRequest, Forbidden, TelegramError

from ...core.cases import staff as case_staff
from ...db.models import Case
from ...i18n import _, activate, deactivate
from ..runtime.turn import Deps, Markup, Turn
from ..safety import hold
from .views import build_case_keyboard, render_case_card

logger = logging.getLogger(__name__)


@contextmanager
def speaking(deps: Deps, language: str) -> Iterator[None]:
    """Render in `language` (the staff chat's, or the young person's) inside this block."""
    token = activate(deps.catalogs.get(language))
    try:
        yield
    finally:
        deactivate(token)


# Side effects towards other people --------------------------------------------------------


@dataclass(frozen=True)
class StaffPlace:
    """Where a case lives in the staff chat: its forum topic, or the thread of its card."""

    chat_id: int
    thread_id: int | None
    message_id: int | None


class StaffNotifier(Protocol):
    async def open_thread(self, *, title: str, text: str, markup: Markup) -> StaffPlace: ...

    async def post(
        self,
        place: StaffPlace,
        text: str,
        markup: Markup = None,
        entities: Sequence[MessageEntity] | None = None,
    ) -> int | None: ...

    async def edit_card(self, place: StaffPlace, text: str, markup: Markup) -> None: ...

    async def tell_person(self, user_id: int, text: str, markup: Markup = None) -> bool: ...


class TelegramStaffNotifier:
    """The staff chat through the Bot API: a forum topic per case when the group has topics."""

    def __init__(self, bot, chat_id: int) -> None:
        self.bot = bot
        self.chat_id = chat_id

    async def open_thread(self, *, title: str, text: str, markup: Markup) -> StaffPlace:
        """Post the case card, in a new topic when the staff group is a forum."""
        thread_id = None
        try:
            chat = await self.bot.get_chat(self.chat_id)
            if chat.is_forum:
                topic = await self.bot.create_forum_topic(self.chat_id, title[:128])
                thread_id = topic.message_thread_id
        except TelegramError as exc:
            logger.warning("no forum topic for a case: %s", type(exc).__name__)
        message = await self.bot.send_message(
            self.chat_id, text, reply_markup=markup, message_thread_id=thread_id
        )
        return StaffPlace(self.chat_id, thread_id, message.message_id)

    async def post(
        self,
        place: StaffPlace,
        text: str,
        markup: Markup = None,
        entities: Sequence[MessageEntity] | None = None,
    ) -> int | None:
        """A message in the case's topic, or as a reply to its card (a thread)."""
        where: dict = {}
        if place.thread_id is not None:
            where["message_thread_id"] = place.thread_id
        elif place.message_id is not None:
            where["reply_parameters"] = ReplyParameters(
                place.message_id, allow_sending_without_reply=True
            )
        message = await self.bot.send_message(
            place.chat_id, text, reply_markup=markup, entities=entities, **where
        )
        return message.message_id

    async def edit_card(self, place: StaffPlace, text: str, markup: Markup) -> None:
        if place.message_id is None:
            return
        try:
            await self.bot.edit_message_text(
                text, chat_id=place.chat_id, message_id=place.message_id, reply_markup=markup
            )
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():
                logger.warning("could not update a case card: %s", type(exc).__name__)

    async def tell_person(self, user_id: int, text: str, markup: Markup = None) -> bool:
        """Send to the young person; False when they blocked the bot."""
        try:
            await self.bot.send_message(user_id, text, reply_markup=markup)
        except Forbidden:
            logger.info("a case's person has blocked the bot")
            return False
        return True


def notifier_for(deps: Deps, bot) -> StaffNotifier:
    """Telegram's notifier (tests and the console run it on the offline Bot API)."""
    return TelegramStaffNotifier(bot, deps.settings.staff_chat_id)


def place_of(case: Case, deps: Deps) -> StaffPlace:
    chat_id = case.staff_chat_id or deps.settings.staff_chat_id
    return StaffPlace(chat_id, case.staff_thread_id, case.staff_message_id)


# Queued side effects (after the turn commits) ---------------------------------------------


def post_later(
    turn: Turn,
    case: Case,
    text: str,
    markup: Markup = None,
    entities: Sequence[MessageEntity] | None = None,
    *,
    copy_of: int | None = None,
    remember: bool = True,
) -> None:
    """Post in the case's topic or thread once the turn has committed; `copy_of` is the case
    message this posts, whose staff-chat copy is remembered (deleted with the person's data);
    any other post's id is remembered where there is no topic (the History, notices), so it
    is deleted with the case's texts too."""
    deps, bot = turn.deps, turn.bot
    place = place_of(case, deps)

    async def send() -> None:
        try:
            posted = await notifier_for(deps, bot).post(place, text, markup, entities)
        except TelegramError as exc:
            logger.warning("could not post to the staff chat: %s", type(exc).__name__)
            return
        if copy_of is not None and posted is not None:
            async with deps.db.session() as session:
                await case_staff.set_staff_copy(
                    session, message_id=copy_of, staff_message_id=posted
                )
        elif remember:
            await remember_post(deps, case.id, place, posted)

    turn.later(send)


async def remember_post(deps: Deps, case_id: int, place: StaffPlace, posted: int | None) -> None:
    """Without topics, keep the id of a post about a case: it is deleted with the case."""
    if posted is not None and place.thread_id is None:
        async with deps.db.session() as session:
            await case_staff.add_staff_post(session, case_id=case_id, staff_message_id=posted)


def refresh_card_later(turn: Turn, case: Case) -> None:
    """Show the case's new status on its card."""
    deps, bot = turn.deps, turn.bot
    with speaking(deps, deps.settings.default_language):
        text, markup = render_case_card(case, deps), build_case_keyboard(case)
    place = place_of(case, deps)
    turn.later(lambda: notifier_for(deps, bot).edit_card(place, text, markup))


def tell_person_later(turn: Turn, case: Case, render: Callable[[], tuple[str, Markup]]) -> None:
    """Send the case's person a message rendered in their language (not the turn's).

    After a quick exit it waits for the person (bot/safety/hold.py), and the case's topic is told;
    when it cannot be delivered (the person blocked the bot), the case's topic is told too.
    """
    deps, bot = turn.deps, turn.bot
    if case.user_id is None:
        return
    with speaking(deps, case.language):
        text, markup = render()
    user_id = case.user_id
    with speaking(deps, deps.settings.default_language):
        failed = _("⚠️ {number}: the message could not be delivered (the person may have "
                   "blocked the bot).").format(number=case.number)
        waiting = _("⏸ {number}: the person used quick exit. This message was not delivered: "
                    "it waits until they write again.").format(number=case.number)
    place, case_id = place_of(case, deps), case.id

    async def send() -> None:
        notifier = notifier_for(deps, bot)
        if await hold.held_back(deps, user_id, text, markup):
            await remember_post(deps, case_id, place, await notifier.post(place, waiting))
        elif not await notifier.tell_person(user_id, text, markup):
            await remember_post(deps, case_id, place, await notifier.post(place, failed))

    turn.later(send)
