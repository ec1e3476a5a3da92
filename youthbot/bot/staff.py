"""What reaches other people than the one in the turn: the staff chat and relayed messages.

`StaffNotifier` is the one door for those side effects; `TelegramStaffNotifier` is the real
one (tests and the console run it on the offline Bot API, which records every call). Also the
views both sides share: topic and outcome labels, service cards, the case card.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, MessageEntity, ReplyParameters
from telegram import User as TgUser
from telegram.constants import MessageEntityType
from telegram.error import BadRequest, Forbidden, TelegramError

from ..core import cases as case_service
from ..core.directory import Service
from ..core.help import StaffHours, parse_staff_hours
from ..db.models import Case
from ..i18n import N_, _, activate, current, deactivate, pgettext
from .runtime import Deps, Markup, Turn, button, keyboard, url_button

logger = logging.getLogger(__name__)

TOPIC_LABELS = {
    "sexual_exploitation": N_("Sexual exploitation or abuse"),
    "grooming": N_("Online grooming, sextortion or images shared"),
    "trafficking": N_("Trafficking or a suspicious job or travel offer"),
    "violence_home": N_("Violence at home"),
    "mental_health": N_("Feeling bad / mental health"),
    "legal": N_("Legal help or documents"),
    "other": N_("Something else"),
    "unknown": N_("Not asked yet (the person said they are in danger)"),
}
OUTCOME_LABELS = {
    "helped": N_("Helped"),
    "referred": N_("Referred to a service"),
    "no_reply": N_("No reply"),
    "not_real": N_("Not a real request"),
    "duplicate": N_("Duplicate"),
}
URL_CHANNELS = {"web": "🌐", "chat": "💬", "whatsapp": "🟢", "telegram": "✈️"}


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
    """The notifier to use: a test's or the console's if set, else Telegram's."""
    custom = deps.extras.get("staff_notifier")
    if custom is not None:
        return custom
    return TelegramStaffNotifier(bot, deps.settings.staff_chat_id)


def place_of(case: Case, deps: Deps) -> StaffPlace:
    chat_id = case.staff_chat_id or deps.settings.staff_chat_id
    return StaffPlace(chat_id, case.staff_thread_id, case.staff_message_id)


def staff_hours_of(deps: Deps) -> StaffHours:
    """STAFF_HOURS in TIMEZONE; a malformed value means "always" (and is logged)."""
    settings = deps.settings
    try:
        return parse_staff_hours(settings.staff_hours, settings.timezone)
    except ValueError as exc:
        logger.warning("%s; treating staff as always available", exc)
        return StaffHours(time(0), time(0), ZoneInfo("UTC"))


def country_name(deps: Deps, country: str | None) -> str:
    found = next((c for c in deps.content.countries if c.id == country), None)
    if found is None:
        return country or _("not said")
    return found.name_in(current().language)


def place_name(deps: Deps, country: str | None, region: str | None) -> str:
    """"Peru · Puno" in the current language; "not said" when the person did not say."""
    found = next((c for c in deps.content.countries if c.id == country), None)
    if found is None:
        return country_name(deps, country)
    area = found.region(region) if region else None
    region_text = area.name_in(current().language) if area else _("region not said")
    return f"{found.name_in(current().language)} · {region_text}"


# Service cards (the young person's language) ----------------------------------------------


def render_service(service: Service, lang: str) -> str:
    """A service as a young person reads it: phone numbers plain, so Telegram makes them
    tappable; web and chat links become buttons (see build_service_links)."""
    lines = [f"📌 {service.name_in(lang)}", service.description_in(lang)]
    for channel in service.channels:
        if channel.kind == "phone":
            lines.append(_("📞 Call: {number}").format(number=channel.value))
        elif channel.kind == "email":
            lines.append(_("✉️ Email: {address}").format(address=channel.value))
    lines.append(_("🕒 {hours}").format(hours=service.hours_in(lang)))
    flags = []
    if service.free:
        flags.append(_("✅ Free"))
    if service.confidential:
        flags.append(_("🔒 Confidential"))
    if flags:
        lines.append(" · ".join(flags))
    return "\n".join(lines)


def build_service_links(services: Sequence[Service], lang: str) -> list[InlineKeyboardButton]:
    """URL buttons for the web, chat, WhatsApp and Telegram channels of `services`."""
    links = []
    for service in services:
        for channel in service.channels:
            if channel.kind in URL_CHANNELS:
                label = f"{URL_CHANNELS[channel.kind]} {service.name_in(lang)}"
                links.append(url_button(label, channel.href))
    return links


def render_emergency_lines(services: Sequence[Service], lang: str) -> str:
    """The emergency numbers first, one per line, then the name and hours."""
    lines = []
    for service in services:
        numbers = [c.value for c in service.channels if c.kind == "phone"]
        if numbers:
            lines.append(f"📞 {' / '.join(numbers)} — {service.name_in(lang)}")
            lines.append(f"     {service.hours_in(lang)}")
    return "\n".join(lines)


# The case as staff see it (the staff chat's language) -------------------------------------


def topic_label(topic: str) -> str:
    return _(TOPIC_LABELS.get(topic, TOPIC_LABELS["other"]))


def render_status(case: Case) -> str:
    if case.status == case_service.OPEN:
        return _("Waiting for a moderator")
    if case.status == case_service.CLAIMED:
        return _("Claimed by a moderator")
    if case.status == case_service.WITHDRAWN:
        return _("Ended by the person")
    return _("Closed: {outcome}").format(outcome=_(OUTCOME_LABELS.get(case.outcome or "", "—")))


def render_case_card(case: Case, deps: Deps) -> str:
    """The case card: number, topic, urgency, place, language, status. Never who it is."""
    translator = deps.catalogs.get(deps.settings.default_language)
    zone = staff_hours_of(deps).zone
    lines = [
        (_("🚨 URGENT · Case {number}") if case.urgent else _("Case {number}")).format(
            number=case.number
        ),
        _("Topic: {topic}").format(topic=topic_label(case.topic)),
        _("For: {whom}").format(
            whom=_("a friend of the person") if case.for_whom == "friend" else _("the person")
        ),
        _("Where: {place}").format(place=place_name(deps, case.country, case.region)),
        _("Language: {language}").format(language=deps.catalogs.get(case.language).language_name),
        _("Opened: {when}").format(
            when=translator.format_datetime(case.opened_at, "short", tzinfo=zone)
        ),
        _("Status: {status}").format(status=render_status(case)),
    ]
    return "\n".join(lines)


def build_case_keyboard(case: Case) -> InlineKeyboardMarkup:
    if case.status not in case_service.ACTIVE:
        return keyboard(button(pgettext("button", "📄 History"), "case.view", case.id))
    first = [button(pgettext("button", "📄 History"), "case.view", case.id)]
    if case.status == case_service.OPEN:
        first.insert(0, button(pgettext("button", "✋ Claim"), "case.claim", case.id))
    return keyboard(
        first,
        [
            button(pgettext("button", "📨 Refer"), "case.refer", case.id),
            button(pgettext("button", "📝 Note"), "case.note", case.id),
        ],
        [
            button(pgettext("button", "🔁 Hand over"), "case.handover", case.id),
            button(pgettext("button", "✅ Close"), "case.close", case.id),
        ],
    )


def build_claim_keyboard(case: Case) -> InlineKeyboardMarkup:
    return keyboard(button(pgettext("button", "✋ Claim"), "case.claim", case.id))


def mention_moderators(text: str, moderator_ids: Sequence[int]) -> tuple[str, list[MessageEntity]]:
    """`text` followed by "moderator 1, moderator 2…", each a mention that notifies them.

    Moderators have no stored names or usernames, so each is mentioned by id through a
    text_mention entity (offsets count UTF-16 code units, as Telegram does).
    """
    if not moderator_ids:
        return text, []
    entities = []
    parts = [text, "\n"]
    for index, moderator_id in enumerate(moderator_ids, start=1):
        label = _("moderator {n}").format(n=index)
        offset = _utf16_len("".join(parts))
        entities.append(
            MessageEntity(
                MessageEntityType.TEXT_MENTION,
                offset,
                _utf16_len(label),
                user=TgUser(moderator_id, label, is_bot=False),
            )
        )
        parts.append(label)
        parts.append(", " if index < len(moderator_ids) else "")
    return "".join(parts), entities


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# Queued side effects (after the turn commits) ---------------------------------------------


def post_later(
    turn: Turn,
    case: Case,
    text: str,
    markup: Markup = None,
    entities: Sequence[MessageEntity] | None = None,
    *,
    copy_of: int | None = None,
) -> None:
    """Post in the case's topic or thread once the turn has committed; `copy_of` is the case
    message this posts, whose staff-chat copy is remembered (deleted with the person's data)."""
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
                await case_service.set_staff_copy(
                    session, message_id=copy_of, staff_message_id=posted
                )

    turn.later(send)


def refresh_card_later(turn: Turn, case: Case) -> None:
    """Show the case's new status on its card."""
    deps, bot = turn.deps, turn.bot
    with speaking(deps, deps.settings.default_language):
        text, markup = render_case_card(case, deps), build_case_keyboard(case)
    place = place_of(case, deps)
    turn.later(lambda: notifier_for(deps, bot).edit_card(place, text, markup))


def tell_person_later(turn: Turn, case: Case, render: Callable[[], tuple[str, Markup]]) -> None:
    """Send the case's person a message rendered in their language (not the turn's).

    When it cannot be delivered (the person blocked the bot), the case's topic is told.
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
    place = place_of(case, deps)

    async def send() -> None:
        notifier = notifier_for(deps, bot)
        if not await notifier.tell_person(user_id, text, markup):
            await notifier.post(place, failed)

    turn.later(send)


def hand_back_later(turn: Turn, cases: Sequence[Case]) -> None:
    """Cases whose moderator left the team (deleted their data, or lost the role), released
    by `case_service.release_claims`: announced as a hand-over, and re-alerted on schedule."""
    for case in cases:
        case.next_alert_at = turn.now + timedelta(minutes=turn.settings.case_realert_minutes)
        announce_handed_over(turn, case)


def announce_handed_over(turn: Turn, case: Case) -> None:
    """The team is asked for a moderator; the person is told someone will continue."""
    with speaking(turn.deps, turn.settings.default_language):
        text = _("🔁 {number} was handed over and needs a moderator.").format(number=case.number)
    post_later(turn, case, text, build_claim_keyboard(case))
    refresh_card_later(turn, case)
    tell_person_later(
        turn,
        case,
        lambda: (_("Another person from our team will continue with you soon."), None),
    )


def case_title(case: Case) -> str:
    """The forum topic's name: the number and the topic, nothing about the person."""
    title = _("{number} · {topic}").format(number=case.number, topic=topic_label(case.topic))
    return f"🚨 {title}" if case.urgent else title


async def announce_case_later(turn: Turn, case: Case) -> None:
    """Post a new case in the staff chat (its own topic when it is a forum), and, when it is
    urgent, an alert that mentions the moderators at once."""
    deps, bot = turn.deps, turn.bot
    moderators = await case_service.on_duty_moderators(turn.session) if case.urgent else []
    with speaking(deps, deps.settings.default_language):
        title, card, markup = case_title(case), render_case_card(case, deps), build_case_keyboard(
            case
        )
        alert, entities = mention_moderators(render_urgent(case), moderators)
    case_id, urgent = case.id, case.urgent

    async def send() -> None:
        notifier = notifier_for(deps, bot)
        try:
            place = await notifier.open_thread(title=title, text=card, markup=markup)
        except TelegramError as exc:
            logger.warning("could not post case %s to the staff chat: %s", case_id,
                           type(exc).__name__)
            return
        async with deps.db.session() as session:
            await case_service.set_staff_place(
                session,
                case_id=case_id,
                chat_id=place.chat_id,
                thread_id=place.thread_id,
                message_id=place.message_id,
            )
        if urgent:
            await notifier.post(place, alert, None, entities)

    turn.later(send)


def render_urgent(case: Case) -> str:
    return _("🚨 URGENT: {number} — the person said they are in danger right now. Please claim "
             "it now.").format(number=case.number)


async def signal_danger_later(turn: Turn, *, country: str | None) -> None:
    """Someone without a case said they are in danger: tell the team at once, with mentions.

    No case and no identity: whether a person writes to them stays their choice (a message
    arriving unasked on a watched phone could put them at risk). If they accept, an urgent
    case opens and is announced as usual.
    """
    chat_id = turn.settings.staff_chat_id
    if chat_id is None:
        return
    moderators = await case_service.on_duty_moderators(turn.session)
    deps = turn.deps
    with speaking(deps, deps.settings.default_language):
        text = _(
            "🚨 Someone has just said they are in danger right now (country: {country}, "
            "language: {language}). They were shown the emergency numbers and offered a "
            "person: if they accept, an urgent case opens here at once."
        ).format(country=country or "?", language=turn.language)
        text, entities = mention_moderators(text, moderators)
    turn.send(chat_id, text, entities=entities or None)


async def alert_urgent_later(turn: Turn, case: Case) -> None:
    """An open case just became urgent: alert with mentions and update the card."""
    moderators = await case_service.on_duty_moderators(turn.session)
    deps = turn.deps
    with speaking(deps, deps.settings.default_language):
        text, entities = mention_moderators(render_urgent(case), moderators)
    claim = build_claim_keyboard(case) if case.status == case_service.OPEN else None
    post_later(turn, case, text, claim, entities)
    refresh_card_later(turn, case)
