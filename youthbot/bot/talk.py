"""Talking to a person: the young person's side of a case.

"Talk to a person" opens a case; while it is open, everything the person writes goes to it,
whatever else they were doing (an interceptor). Photos and other media are never forwarded.
They can end it, reopen it within 7 days, and say whether it helped.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Message

from ..core import cases as case_service
from ..core import help as help_service
from ..core.directory import TOPICS
from ..db.models import Case
from ..i18n import N_, _, current, pgettext
from . import shared_views, staff, staff_alerts
from .help import NOT_SAID, WHOM, screen_buttons
from .menu import menu_button
from .routing import Router
from .runtime import Turn, button, keyboard

logger = logging.getLogger(__name__)

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


def end_button() -> object:
    return button(pgettext("button", "✋ End the conversation"), "help.end")


def media_kind(message: Message, text: str) -> str | None:
    """What the message carries besides its `text` (a photo, a poll...), or None for text
    alone; "other" when there is nothing to read (no text, or only invisible characters)."""
    kind = next((k for k in MEDIA_KINDS if k != "other" and getattr(message, k, None)), None)
    if kind is None and not text:
        return "other"
    return kind


# Opening ----------------------------------------------------------------------------------


async def talk_to_person(
    turn: Turn, topic: int, whom: str, country: str, region: str, urgent: int
) -> None:
    """Open a case (urgent after "I am in danger") and tell plainly who answers and when."""
    if (
        not -1 <= topic < len(TOPICS)
        or whom not in WHOM
        or urgent not in (0, 1)
        or not _known_place(turn, country, region)
    ):
        turn.answer(_("This button no longer works. Please use the latest message."))
        return
    if turn.settings.staff_chat_id is None:
        await _no_staff(turn)
        return
    try:
        case = await case_service.open_case(
            turn.session,
            user_id=turn.user_id,
            topic=TOPICS[topic] if topic >= 0 else "unknown",
            urgent=bool(urgent),
            for_whom=whom,
            country=None if country == NOT_SAID else country,
            region=None if region == NOT_SAID else region,
            language=turn.language,
            now=turn.now,
            realert=_realert(turn),
        )
    except case_service.CaseAlreadyOpen as exc:
        await _already_open(turn, exc.case, urgent=bool(urgent))
        return
    turn.reply(render_opened(turn, case), keyboard(end_button(), screen_buttons(turn)))
    await staff_alerts.announce_case_later(turn, case)
    await _tell_if_closed_now(turn)


def render_opened(turn: Turn, case: Case) -> str:
    hours = shared_views.staff_hours_of(turn.deps)
    return _(
        "💬 You are now in touch with our team. Your case number is {number}.\n\n"
        "Who answers: trained staff of the Youth Voices for Change partner organisations. They "
        "do not see your name, your username or your phone number.\n"
        "When: as soon as someone is free, usually within the hour, between {start} and {end}.\n"
        "Write here what is happening, in your own words. Please do not send photos.\n"
        "To stop at any time, press “End the conversation” or write /stop."
    ).format(
        number=case.number,
        start=hours.start.strftime("%H:%M"),
        end=hours.end.strftime("%H:%M"),
    )


async def _tell_if_closed_now(turn: Turn) -> None:
    """Outside staff hours: when people are back, and the 24-hour lines at once."""
    hours = shared_views.staff_hours_of(turn.deps)
    if hours.is_open(turn.now):
        return
    back = turn.translator.format_datetime(hours.next_opening(turn.now), "short")
    lines = await help_service.emergency_lines(
        turn.session, turn.deps.content.services, country=_country_of(turn), today=turn.today
    )
    text = _(
        "Right now our team is not working. They are back on {when} (time in {zone}). Your "
        "messages will be waiting for them.\n\nIf you need help now, these lines answer 24 "
        "hours:"
    ).format(when=back, zone=hours.zone.key.split("/")[-1].replace("_", " "))
    turn.reply(text + "\n\n" + shared_views.render_emergency_lines(lines, turn.language))


async def _no_staff(turn: Turn) -> None:
    lines = await help_service.emergency_lines(
        turn.session, turn.deps.content.services, country=_country_of(turn), today=turn.today
    )
    turn.edit(
        _("Sorry, talking to a person is not available right now. If you need help now, call:")
        + "\n\n"
        + shared_views.render_emergency_lines(lines, turn.language),
        keyboard([menu_button(), *screen_buttons(turn)]),
    )


async def _already_open(turn: Turn, case: Case, *, urgent: bool) -> None:
    if urgent and not case.urgent:
        case_service.mark_urgent(case)
        await staff_alerts.alert_urgent_later(turn, case)
    turn.reply(
        _("Your conversation with our team ({number}) is already open. Just write here.").format(
            number=case.number
        ),
        keyboard(end_button(), screen_buttons(turn)),
    )


def _known_place(turn: Turn, country: str, region: str) -> bool:
    """A country (and region) from regions.yaml, or not said: button data is not trusted."""
    if country == NOT_SAID:
        return region == NOT_SAID
    found = next((c for c in turn.deps.content.countries if c.id == country), None)
    return found is not None and (region == NOT_SAID or found.region(region) is not None)


def _realert(turn: Turn) -> timedelta:
    return timedelta(minutes=turn.settings.case_realert_minutes)


def _country_of(turn: Turn) -> str | None:
    return turn.user.country if turn.user is not None else None


# While a case is open -----------------------------------------------------------------------


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
    if case.status == case_service.OPEN and recent == 0:
        turn.reply(_("✓ Sent to our team. Someone will answer here as soon as they can."))
    return True


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
    with staff.speaking(turn.deps, turn.settings.default_language):
        shown = _("✏️ {number} — the person edited a message. It now says:\n{text}").format(
            number=case.number, text=text
        )
    staff.post_later(turn, case, shown, copy_of=kept.id)
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
        turn.session, case=case, kind="text", text=text, now=turn.now
    )
    with staff.speaking(turn.deps, turn.settings.default_language):
        shown = _("💬 {number} — the person wrote:\n{text}").format(number=case.number, text=text)
    staff.post_later(turn, case, shown, copy_of=kept.id)


async def _relay_media(turn: Turn, case: Case, kind: str) -> None:
    """Never forwarded: staff read that something was sent; the person is told why."""
    await case_service.add_person_message(
        turn.session, case=case, kind=kind, text=None, now=turn.now
    )
    with staff.speaking(turn.deps, turn.settings.default_language):
        shown = _(
            "📎 {number} — the person sent {what}. It was not forwarded, for their safety. You "
            "can ask them to describe it in words."
        ).format(number=case.number, what=_(MEDIA_KINDS[kind]))
    staff.post_later(turn, case, shown)
    turn.reply(
        _(
            "For your safety, I do not pass on photos, videos, voice messages, files or "
            "locations, not even to our team. If you can, tell us in words what it shows. If "
            "someone is threatening to share pictures of you, it is not your fault, and we can "
            "help."
        )
    )


# Ending, reopening, feedback ------------------------------------------------------------------


def feedback_keyboard(case: Case):
    return keyboard(
        [
            button(pgettext("button", "👍 Yes"), "help.feedback", case.id, "yes"),
            button(pgettext("button", "A bit"), "help.feedback", case.id, "bit"),
            button(pgettext("button", "👎 No"), "help.feedback", case.id, "no"),
        ]
    )


def render_closed_for_person(case: Case, *, by_person: bool) -> tuple[str, object]:
    """The message telling the person their case is closed, with the way to reopen it."""
    until = case.reopen_until
    when = current().format_date(until.date(), "long") if until else ""
    text = (
        _("You ended the conversation ({number}). If you change your mind, you can reopen it "
          "until {date}.")
        if by_person
        else _("Our team has closed this conversation ({number}). If you need them again, you "
               "can reopen it until {date}.")
    ).format(number=case.number, date=when)
    markup = keyboard(
        [button(pgettext("button", "🔁 Reopen"), "help.reopen", case.id), menu_button()]
    )
    return text, markup


def render_feedback_question(case: Case) -> tuple[str, object]:
    return _("Did this help? You don't have to answer."), feedback_keyboard(case)


async def end_conversation(turn: Turn) -> None:
    """The person ends their open case: staff are told, the person may reopen it later."""
    case = await case_service.find_open_case(turn.session, turn.user_id)
    if case is None:
        text = _("You have no open conversation with our team.")
        if turn.update.callback_query is not None:
            turn.answer(text)
        else:
            turn.reply(text, keyboard(menu_button()))
        return
    await case_service.withdraw_case(turn.session, case=case, now=turn.now)
    text, markup = render_closed_for_person(case, by_person=True)
    turn.reply(text, markup)
    question, buttons = render_feedback_question(case)
    turn.reply(question, buttons)
    with staff.speaking(turn.deps, turn.settings.default_language):
        note = _("✋ {number}: the person ended the conversation.").format(number=case.number)
    staff.post_later(turn, case, note)
    staff.refresh_card_later(turn, case)


def register_conversation(router: Router) -> None:
    """Register talking to a person: opening, the interceptor, ending, reopening, feedback."""
    router.button("help.person", int, str, str, str, int)(talk_to_person)
    router.intercept(relay_from_person)
    router.check_edits(relay_edit_from_person)

    @router.button("help.end")
    async def press_end(turn: Turn) -> None:
        """End the conversation with the team."""
        await end_conversation(turn)

    @router.command("stop", "parar")
    async def stop_command(turn: Turn) -> None:
        """/stop: end the conversation with the team."""
        await end_conversation(turn)

    @router.button("help.reopen", int)
    async def reopen(turn: Turn, case_id: int) -> None:
        """Reopen a closed case of this person, within 7 days."""
        try:
            case = await case_service.reopen_case(
                turn.session, case_id=case_id, user_id=turn.user_id, now=turn.now,
                realert=_realert(turn),
            )
        except case_service.CaseAlreadyOpen as exc:
            await _already_open(turn, exc.case, urgent=False)
            return
        except (case_service.CaseNotFound, case_service.CannotReopen):
            turn.answer(_("This conversation can no longer be reopened. You can start a new "
                          "one with /help."), alert=True)
            return
        turn.edit(
            _("Your conversation {number} is open again. Write here and our team will read "
              "it.").format(number=case.number),
            keyboard(end_button(), screen_buttons(turn)),
        )
        with staff.speaking(turn.deps, turn.settings.default_language):
            note = _("🔁 {number}: the person reopened the conversation. It needs a moderator."
                     ).format(number=case.number)
        staff.post_later(turn, case, note, shared_views.build_claim_keyboard(case))
        staff.refresh_card_later(turn, case)
        await _tell_if_closed_now(turn)

    @router.button("help.feedback", int, str)
    async def give_feedback(turn: Turn, case_id: int, answer: str) -> None:
        """Keep the optional "did this help?" answer."""
        if answer not in case_service.FEEDBACK:
            turn.answer(_("This button no longer works. Please use the latest message."))
            return
        try:
            await case_service.record_feedback(
                turn.session, case_id=case_id, user_id=turn.user_id, answer=answer
            )
        except case_service.CaseNotFound:
            turn.answer(_("This button no longer works. Please use the latest message."))
            return
        turn.edit(_("Thank you for telling us. 💙"), keyboard(menu_button()))
