"""Announcements in Telegram: an admin writes one (a text per language), previews, confirms,
watches the progress, and can stop it. Also: people blocking and unblocking the bot."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType

from ...core import announce
from ...core.errors import NotFound
from ...core.people.roles import Role
from ...i18n import _, language_label, ngettext, pgettext
from ..runtime.longtext import MAX_MESSAGE_LENGTH, utf16_length
from ..runtime.turn import BotContext, Turn, button, keyboard, run_turn
from . import actions
from .actions import Step
from .outbox import progress_keyboard, render_progress

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
    counts = await announce.recipients_by_language(turn.session)
    show_preview(turn, draft.id, texts, counts)


def show_preview(turn: Turn, draft_id: int, texts: dict[str, str], counts: dict[str, int]):
    """Each text as people will see it, who gets which, and the buttons to send or cancel."""
    catalogs = turn.deps.catalogs
    default = catalogs.languages[0]
    number = turn.translator.format_number
    lines = []
    for language in catalogs.languages:
        name, count = language_label(language), counts.get(language, 0)
        if language in texts:
            turn.reply(_("Preview for {language}:").format(language=name))
            turn.reply(texts[language])
            line = ngettext("{language}: {count} person", "{language}: {count} people", count)
        else:
            line = ngettext(
                "{language}: {count} person (gets the {default} text)",
                "{language}: {count} people (get the {default} text)",
                count,
            )
        line = line.format(language=name, count=number(count), default=language_label(default))
        lines.append(line[:1].upper() + line[1:])  # "Inglés: 3 personas" starts the line
    total = sum(counts.get(language, 0) for language in catalogs.languages)
    turn.reply(
        _("Who will receive it (people who chose to receive news):")
        + "\n"
        + "\n".join(lines)
        + "\n\n"
        + ngettext(
            "Send it to {count} person now?", "Send it to {count} people now?", total
        ).format(count=number(total)),
        keyboard(
            [
                button(pgettext("button", "📣 Send"), actions.SEND(draft_id)),
                button(pgettext("button", "Cancel"), actions.CANCEL(draft_id)),
            ]
        ),
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
        turn.edit(_("Nobody has chosen to receive announcements yet, so nothing was sent."))
        return
    progress = announce.Progress(total, 0, 0, total, 0)
    turn.edit(
        render_progress(announcement, progress, turn.translator.format_number),
        progress_keyboard(announcement),
    )


async def cancel_announcement(turn: Turn, announcement_id: int) -> None:
    """Drop a draft that was not sent."""
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
