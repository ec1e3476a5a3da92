"""While a case is open, what the person writes goes to the team: words are relayed, and
photos and other media never are (staff read what kind of thing was sent).

Checked before every other handler on private messages, and on edited ones. Over the pace
limit a message is not passed on, and the person is asked to wait.
"""

from __future__ import annotations

import logging

from telegram import Message
from telegram.constants import ReactionEmoji
from telegram.error import BadRequest

from ...core import cases as case_service
from ...db.models import Case
from ...i18n import N_, _, speaking
from ..runtime.turn import Turn
from . import notify as staff
from .views import staff_language

logger = logging.getLogger(__name__)

RECEIVED = ReactionEmoji.OK_HAND_SIGN  # "👌": what a person wrote reached the team

# What a young person may send that is never forwarded, and how staff are told about it.
MEDIA_KINDS = {
    "photo": N_("a photo"),
    "video": N_("a video"),
    "animation": N_("a GIF"),
    "voice": N_("a voice message"),
    "video_note": N_("a video message"),
    "audio": N_("an audio file"),
    "document": N_("a file"),
    "sticker": N_("a sticker"),
    "location": N_("a location"),
    "venue": N_("a place"),
    "contact": N_("a contact"),
    "other": N_("something that is not text"),
}


def media_kind(message: Message, text: str) -> str | None:
    """What the message carries besides its `text` (a photo, a poll...), or None for text
    alone; "other" when there is nothing to read (no text, or only invisible characters)."""
    kind = next((k for k in MEDIA_KINDS if k != "other" and getattr(message, k, None)), None)
    if kind is None and not text:
        return "other"
    return kind


async def relay_from_person(turn: Turn) -> bool:
    """Checked first on every private message: an open case takes what the person writes."""
    message = turn.update.effective_message
    if message is None or (message.text or "").startswith("/"):
        return False
    found = await _open_case_in_pace(turn)
    if found is None:
        return False
    case, recent, flooding = found
    if flooding is not None:
        if flooding.note:
            turn.reply(
                _(
                    "You are sending many messages very quickly. Please wait a minute: our team "
                    "reads everything, but I could not pass on your last message. Send it "
                    "again in a moment."
                )
            )
        return True
    text = turn.text
    kind = media_kind(message, text)
    if kind is not None:
        await _relay_media(turn, case, kind)
    if text:
        await _relay_text(turn, case, text)
    if case.status == case_service.CaseStatus.OPEN and recent == 0:
        turn.reply(_("✓ Sent to our team. Someone will answer here as soon as they can."))
    elif text:
        acknowledge(turn, message)
    return True


def acknowledge(turn: Turn, message: Message) -> None:
    """A discreet "arrived" on the person's own message: a reaction (no new message on the
    screen); a "✓" reply where Telegram refuses the reaction."""

    async def react() -> None:
        try:
            await turn.bot.set_message_reaction(message.chat_id, message.message_id, RECEIVED)
        except BadRequest as exc:
            logger.info("reaction refused (%s); a check mark instead", type(exc).__name__)
            await turn.bot.send_text(message.chat_id, "✓")

    turn.later(react)


async def relay_edit_from_person(turn: Turn) -> bool:
    """Checked on every edited private message: while a case is open, the team sees the new
    wording, marked as an edit (a corrected place or age matters). Only words: an edited
    photo caption is not the photo. The person gets no second confirmation."""
    text = turn.text
    if not text or text.startswith("/"):
        return False
    found = await _open_case_in_pace(turn)
    if found is None:
        return False
    case, _recent, flooding = found
    if flooding is not None:
        return True  # not passed on; the note about pace is for new messages
    kept = await case_service.add_person_message(
        turn.session, case=case, kind="text", text=text, now=turn.now
    )
    with speaking(turn.deps.catalogs, staff_language(turn.deps, case)):
        shown = _("✏️ {number} — the person edited a message. It now says:\n{text}").format(
            number=case.number, text=text
        )
    staff.post_later(turn, case, shown, copy_of=kept.id, durable=True)
    return True


async def _open_case_in_pace(
    turn: Turn,
) -> tuple[Case, int, case_service.Flooding | None] | None:
    """The person's open case, how many messages it took in the last minute, and whether this
    one is over the pace (then it is not passed on); None without an open case."""
    found = await case_service.open_case_and_pace(turn.session, turn.user_id, now=turn.now)
    if found is None:
        return None
    case, recent = found
    try:
        case_service.check_pace(
            case, recent, limit=turn.settings.flood_messages_per_minute, now=turn.now
        )
    except case_service.Flooding as flooding:
        logger.info("case %s: messages slowed down", case.id)
        return case, recent, flooding
    return case, recent, None


async def _relay_text(turn: Turn, case: Case, text: str) -> None:
    kept = await case_service.add_person_message(
        turn.session, case=case, kind="text", text=text, now=turn.now, at=turn.in_order_at
    )
    with speaking(turn.deps.catalogs, staff_language(turn.deps, case)):
        if turn.late_at is None:
            shown = _("💬 {number} — the person wrote:\n{text}")
        else:  # it reached the bot after a message they sent later: the team reads it as such
            shown = _("💬 {number} — the person wrote, before their last message:\n{text}")
        shown = shown.format(number=case.number, text=text)
    staff.post_later(turn, case, shown, copy_of=kept.id, durable=True)


async def _relay_media(turn: Turn, case: Case, kind: str) -> None:
    """Never forwarded: staff read that something was sent; the person is told why."""
    await case_service.add_person_message(
        turn.session, case=case, kind=kind, text=None, now=turn.now, at=turn.in_order_at
    )
    with speaking(turn.deps.catalogs, staff_language(turn.deps, case)):
        shown = _(
            "📎 {number} — the person sent {what}. It was not forwarded, for their safety. You "
            "can ask them to describe it in words."
        ).format(number=case.number, what=_(MEDIA_KINDS[kind]))
    staff.post_later(turn, case, shown, durable=True)
    turn.reply(
        _(
            "For your safety, I do not pass on photos, videos, voice messages, files or "
            "locations, not even to our team. If you can, tell us in words what it shows. If "
            "someone is threatening to share pictures of you, it is not your fault, and we can "
            "help."
        )
    )
