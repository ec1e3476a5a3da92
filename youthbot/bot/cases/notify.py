"""What reaches other people than the one in the turn: the staff chat and relayed messages.

They leave through the one door, bot/runtime/notify.py (quick-exit hold, blocked bots);
this module knows where a case lives in the staff chat (its topic, or its card's thread) and
what the staff chat is told when a message could not reach the person. What is announced
about cases is in staff_alerts, the views both sides share in views.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from telegram import MessageEntity
from telegram.error import TelegramError

from ...core.cases import staff as case_staff
from ...db.models import Case
from ...i18n import _, speaking
from ..runtime import notify
from ..runtime.turn import Deps, Markup, Turn
from .views import build_case_keyboard, render_case_card, staff_language, team_of

logger = logging.getLogger(__name__)


# The staff chat's places for a case --------------------------------------------------------

StaffPlace = notify.Place  # where a case lives in the staff chat: its topic, or its card's thread


class TelegramStaffNotifier:
    """A case's place in the staff chat: a forum topic per case when the group has topics."""

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
        return await notify.post(self.bot, place, text, markup, entities)


def notifier_for(deps: Deps, bot, case: Case | None = None) -> TelegramStaffNotifier:
    """Telegram's notifier for the staff chat of the case's team (tests and the console run
    it on the offline Bot API)."""
    return TelegramStaffNotifier(bot, team_of(deps, case).chat_id)


def place_of(case: Case, deps: Deps) -> StaffPlace:
    chat_id = case.staff_chat_id or team_of(deps, case).chat_id
    return StaffPlace(chat_id, case.staff_thread_id, case.staff_message_id)


# Queued side effects (after the turn commits), through bot/runtime/notify.py ----------------


def post_later(
    turn: Turn,
    case: Case,
    text: str,
    markup: Markup = None,
    entities: Sequence[MessageEntity] | None = None,
    *,
    copy_of: int | None = None,
    remember: bool = True,
    durable: bool = False,
) -> None:
    """Post in the case's topic or thread once the turn has committed; `copy_of` is the case
    message this posts, whose staff-chat copy is remembered (deleted with the person's data);
    any other post's id is remembered where there is no topic (the History, notices), so it
    is deleted with the case's texts too. `durable`: sent at least once, even across a crash
    (a relayed message, an urgent alert; bot/runtime/delivery.py)."""
    deps = turn.deps
    place, case_id = place_of(case, deps), case.id
    if durable:
        args = {"case": case_id, "copy_of": copy_of, "remember": remember,
                "chat": place.chat_id, "thread": place.thread_id}
        notify.staff(turn, place, text, markup, entities, durable=True, about=case.user_id,
                     after={"name": POSTED, "args": args})
        return

    async def posted(message_id: int | None) -> None:
        if copy_of is not None and message_id is not None:
            async with deps.db.session() as session:
                await case_staff.set_staff_copy(
                    session, message_id=copy_of, staff_message_id=message_id
                )
        elif remember:
            await remember_post(deps, case_id, place, message_id)

    notify.staff(turn, place, text, markup, entities, then=posted)


POSTED = "cases.posted"


async def posted_durably(
    deps: Deps, outcome: notify.Outcome, message_id: int | None, args: dict
) -> None:
    """The follow-up of a durable post about a case (in whichever process sent it): its
    staff-chat copy or its id is remembered, as `post_later` does."""
    if message_id is None:
        return
    if args.get("copy_of") is not None:
        async with deps.db.session() as session:
            await case_staff.set_staff_copy(
                session, message_id=args["copy_of"], staff_message_id=message_id
            )
    elif args.get("remember"):
        place = StaffPlace(args["chat"], args.get("thread"))
        await remember_post(deps, args["case"], place, message_id)


async def remember_post(deps: Deps, case_id: int, place: StaffPlace, posted: int | None) -> None:
    """Without topics, keep the id of a post about a case: it is deleted with the case."""
    if posted is not None and place.thread_id is None:
        async with deps.db.session() as session:
            await case_staff.add_staff_post(session, case_id=case_id, staff_message_id=posted)


def refresh_card_later(turn: Turn, case: Case) -> None:
    """Show the case's new status on its card."""
    deps = turn.deps
    with speaking(deps.catalogs, staff_language(deps, case)):
        text, markup = render_case_card(case, deps), build_case_keyboard(case)
    notify.staff_edit(turn, place_of(case, deps), text, markup)


def tell_person_later(
    turn: Turn, case: Case, render: Callable[[], tuple[str, Markup]], *, durable: bool = False
) -> None:
    """Send the case's person a message rendered in their language (not the turn's);
    `durable`: at least once, even across a crash (a moderator's relayed words).

    After a quick exit it waits for the person (bot/safety/hold.py), and the case's topic is told;
    when it cannot be delivered (the person blocked the bot), the case's topic is told too.
    """
    deps, bot = turn.deps, turn.bot
    if case.user_id is None:
        return
    with speaking(deps.catalogs, case.language):
        text, markup = render()
    with speaking(deps.catalogs, staff_language(deps, case)):
        failed = _("⚠️ {number}: the message could not be delivered (the person may have "
                   "blocked the bot).").format(number=case.number)
        waiting = _("⏸ {number}: the person used quick exit. This message was not delivered: "
                    "it waits until they write again.").format(number=case.number)
    place, case_id = place_of(case, deps), case.id

    async def told(outcome: notify.Outcome) -> None:
        if outcome is notify.Outcome.SENT:
            return
        note = waiting if outcome is notify.Outcome.HELD else failed
        try:
            posted = await notify.post(bot, place, note)
        except TelegramError as exc:
            logger.warning("could not post to the staff chat: %s", type(exc).__name__)
            return
        await remember_post(deps, case_id, place, posted)

    notify.person(turn, case.user_id, text, markup, then=told, durable=durable)
