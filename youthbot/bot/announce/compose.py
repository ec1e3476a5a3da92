"""Announcements in Telegram: an admin writes one (a text per language), previews, confirms,
watches the progress, and can stop it. Also: people blocking and unblocking the bot."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType

from ...core import announce
from ...core.activities.dates import DateInvalid, parse_start
from ...core.announce.audience import Audience
from ...core.errors import NotFound
from ...core.people.roles import Role
from ...db.models.announce import DRAFT
from ...i18n import _, language_label, ngettext, pgettext
from ..runtime.longtext import MAX_MESSAGE_LENGTH, utf16_length
from ..runtime.turn import BotContext, Turn, button, keyboard, run_turn
from . import actions
from .actions import Kind, Step
from .outbox import progress_keyboard, render_progress
from .views import (
    build_draft_keyboard,
    describe_audience,
    render_audience,
    valid_choice,
    when_label,
)

FLOW = "announce"
ADMINS = {Role.ADMIN}


async def start_announcement(turn: Turn) -> None:
    """Ask for the announcement's text in the first language."""
    await turn.set_state(FLOW, Step.TEXT, lang=turn.deps.catalogs.languages[0], texts={})
    ask_text(turn, turn.deps.catalogs.languages[0], first=True)


def ask_text(turn: Turn, language: str, *, first: bool) -> None:
    name = language_label(language)
    if first:
        turn.reply(
            _(
                "Write the announcement for people who use {language}. It is sent as plain "
                "text, exactly as you write it, only to people who chose to receive news. "
                "/cancel stops here."
            ).format(language=name)
        )
        return
    default = language_label(turn.deps.catalogs.languages[0])
    turn.reply(
        _(
            "Now write it for people who use {language}, or skip: they will get the "
            "{default} text."
        ).format(language=name, default=default),
        keyboard(button(pgettext("button", "Skip this language"), actions.SKIP())),
    )


async def write_announcement(turn: Turn) -> None:
    """Keep the text for this language; ask for the next one, or show the preview (the form
    is closed for anyone who is no longer an admin before this runs: router.form)."""
    if turn.state.step == Step.WHEN:
        await write_when(turn)
        return
    text = turn.text.strip()
    if not text:
        turn.reply(_("Please write the announcement as a text message."))
        return
    if utf16_length(text) > MAX_MESSAGE_LENGTH:
        turn.reply(
            _("That is {count} characters; an announcement can have at most {limit}.").format(
                count=turn.translator.format_number(utf16_length(text)),
                limit=turn.translator.format_number(MAX_MESSAGE_LENGTH),
            )
        )
        return
    texts = dict(turn.state.data.get("texts", {}))
    texts[turn.state.data["lang"]] = text
    await next_language(turn, texts)


async def skip_language(turn: Turn) -> None:
    """Leave this language without its own text (its people get the first language's)."""
    if turn.state is None or turn.state.flow != FLOW or not turn.state.data.get("texts"):
        turn.stale()
        return
    await next_language(turn, dict(turn.state.data["texts"]))


async def next_language(turn: Turn, texts: dict[str, str]) -> None:
    languages = turn.deps.catalogs.languages
    language = turn.state.data["lang"]
    current = languages.index(language) if language in languages else 0
    if current + 1 < len(languages):
        await turn.set_state(FLOW, Step.TEXT, lang=languages[current + 1], texts=texts)
        ask_text(turn, languages[current + 1], first=False)
        return
    await turn.clear_state()
    draft = await announce.create_draft(
        turn.session,
        created_by=turn.user_id,
        admin_chat_id=turn.chat_id,
        language=languages[0],
        texts=texts,
        now=turn.now,
    )
    for language in languages:
        if language in texts:
            turn.reply(_("Preview for {language}:").format(language=language_label(language)))
            turn.reply(texts[language])
    await show_audience(turn, draft, edit=False)


async def show_audience(turn: Turn, draft, *, edit: bool) -> None:
    """Who receives the draft (choose by country, region, age band, language), how many per
    language, and the buttons to send now, schedule or cancel."""
    audience = Audience.from_json(draft.audience)
    counts = await announce.recipients_by_language(turn.session, audience)
    text = render_audience(
        turn.deps, turn.translator, audience, counts, with_text=set(draft.texts)
    )
    (turn.edit if edit else turn.reply)(text, build_draft_keyboard(turn.deps, draft))


async def choose_audience(turn: Turn, announcement_id: int, kind: Kind, value: str) -> None:
    """Add or remove a country, region, age band or language; the counts again."""
    if not valid_choice(turn.deps, kind, value):
        turn.stale()
        return
    try:
        draft = await announce.get_announcement(turn.session, announcement_id)
        audience = Audience.from_json(draft.audience).toggled(kind.value, value)
        draft = await announce.set_audience(
            turn.session, announcement_id=announcement_id, audience=audience
        )
    except (announce.AnnouncementNotEditable, NotFound):
        turn.answer(_("This announcement was already sent or cancelled."), alert=True)
        return
    await show_audience(turn, draft, edit=True)


async def ask_when(turn: Turn, announcement_id: int) -> None:
    """They pressed 🕒 Schedule: next, the date and time, in the programme's time zone."""
    try:
        draft = await announce.get_announcement(turn.session, announcement_id)
    except NotFound:
        draft = None
    if draft is None or draft.status != DRAFT:
        turn.answer(_("This announcement was already sent or cancelled."), alert=True)
        return
    query_message = turn.update.callback_query.message
    await turn.set_state(
        FLOW, Step.WHEN, announcement=announcement_id,
        message=query_message.message_id if query_message else None,
    )  # fmt: skip
    turn.reply(
        _("When should it go out? Write the date and time in {zone} time, for example "
          "“24/12 18:00”. /cancel keeps it as a draft.").format(zone=turn.settings.timezone)
    )


async def write_when(turn: Turn) -> None:
    """Schedule the draft at the typed time; a time that cannot be read is asked again."""
    try:
        moment = parse_start(turn.text, now=turn.now, timezone=turn.settings.timezone)
    except DateInvalid:
        turn.reply(
            _("I could not read that as a future date and time. Write it like “24/12 18:00” "
              "({zone} time).").format(zone=turn.settings.timezone)
        )
        return
    announcement_id, card = turn.state.data["announcement"], turn.state.data.get("message")
    await turn.clear_state()
    try:
        await announce.schedule(
            turn.session, announcement_id=announcement_id, at=moment, actor_id=turn.user_id,
            now=turn.now, progress_message_id=card,
        )  # fmt: skip
    except announce.AnnouncementNotEditable:
        turn.reply(_("This announcement was already sent or cancelled."))
        return
    text = _("Announcement #{id} is scheduled for {when}. It goes to the people chosen who "
             "want news then. /scheduled lists what is waiting.").format(
        id=announcement_id, when=when_label(turn.deps, turn.translator, moment)
    )
    markup = keyboard(button(pgettext("button", "Cancel it"), actions.CANCEL(announcement_id)))
    turn.reply(text, markup)
    if card is not None:  # the card with the choices: its progress once it goes out
        bot, chat_id = turn.bot, turn.chat_id
        turn.later(lambda: bot.edit_text(chat_id, card, text))


async def list_scheduled(turn: Turn) -> None:
    """/scheduled: the announcements waiting for their time, each with a cancel button."""
    waiting = await announce.list_scheduled(turn.session)
    if not waiting:
        turn.reply(_("No announcement is scheduled."))
        return
    for item in waiting:
        audience = Audience.from_json(item.audience)
        first = item.texts.get(item.language) or next(iter(item.texts.values()), "")
        turn.reply(
            _("#{id} · {when}\nTo: {audience}\n{start}").format(
                id=item.id, when=when_label(turn.deps, turn.translator, item.scheduled_for),
                audience=describe_audience(turn.deps, audience), start=first[:200],
            ),
            keyboard(button(pgettext("button", "Cancel it"), actions.CANCEL(item.id))),
        )


async def confirm_announcement(turn: Turn, announcement_id: int) -> None:
    """Queue the announcement; this message becomes its progress, updated as it goes."""
    message = turn.update.callback_query.message
    try:
        total = await announce.start_sending(
            turn.session,
            announcement_id=announcement_id,
            actor_id=turn.user_id,
            now=turn.now,
            progress_message_id=message.message_id if message else None,
        )
        announcement = await announce.get_announcement(turn.session, announcement_id)
    except (announce.AnnouncementNotEditable, NotFound):
        turn.answer(_("This announcement was already sent or cancelled."), alert=True)
        return
    if total == 0:
        turn.edit(_("Nobody chosen has asked to receive announcements, so nothing was sent."))
        return
    progress = announce.Progress(total, 0, 0, total, 0)
    turn.edit(
        render_progress(announcement, progress, turn.translator.format_number),
        progress_keyboard(announcement),
    )


async def cancel_announcement(turn: Turn, announcement_id: int) -> None:
    """Drop a draft or a scheduled announcement that was not sent."""
    try:
        await announce.cancel(turn.session, announcement_id=announcement_id, actor_id=turn.user_id)
    except announce.AnnouncementNotEditable:
        turn.answer(_("This announcement was already sent or cancelled."), alert=True)
        return
    turn.edit(_("Cancelled. Nothing was sent."))


async def stop_announcement(turn: Turn, announcement_id: int) -> None:
    """Stop sending: the people not reached yet will not get it."""
    try:
        stopped = await announce.cancel(
            turn.session, announcement_id=announcement_id, actor_id=turn.user_id
        )
    except announce.AnnouncementNotEditable:
        turn.answer(_("This announcement was already sent or cancelled."), alert=True)
        return
    turn.answer(
        ngettext(
            "Stopped: {count} person will not get it.",
            "Stopped: {count} people will not get it.",
            stopped,
        ).format(count=turn.translator.format_number(stopped)),
        alert=True,
    )


async def on_my_chat_member(update: Update, context: BotContext) -> None:
    """A person blocked or unblocked the bot in their private chat."""
    member = update.my_chat_member
    if member is None or member.chat.type != ChatType.PRIVATE:
        return
    await run_turn(update, context, record_membership, create_user=False)


async def record_membership(turn: Turn) -> None:
    """Blocked people get no announcements; unblocking makes them reachable again."""
    if turn.user is None:
        return
    status = turn.update.my_chat_member.new_chat_member.status
    turn.user.blocked = status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT)
