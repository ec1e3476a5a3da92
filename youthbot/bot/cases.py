"""Moderation in the staff group: claim, relay, refer, note, hand over, close, re-alert.

Only moderators and admins act on cases (checked on every update, from the database);
anyone else changes nothing. Every action is audited without message text. The staff chat
sees a case number, never who the young person is.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, MessageHandler, filters

from ..core import cases as case_service
from ..core import help as help_service
from ..core.roles import Role, is_allowed
from ..db.models import Case
from ..i18n import N_, _, ngettext
from . import staff
from .routing import STAFF, Router
from .runtime import BotContext, Turn, button, clean_text, deps_of, keyboard, run_turn
from .talk import MEDIA_KINDS, render_closed_for_person, render_feedback_question

logger = logging.getLogger(__name__)

MODERATORS = {Role.MODERATOR}
NUMBER = re.compile(r"\bC-[A-Z0-9]{4,6}\b")
REALERT_CHECK_SECONDS = 60
MAX_HISTORY_CHARS = 3500
EVENT_LABELS = {
    "claimed": N_("claimed by a moderator"),
    "handed_over": N_("handed over"),
    "referred": N_("referred to a service:"),
    "closed": N_("closed:"),
    "withdrawn": N_("ended by the person"),
    "reopened": N_("reopened by the person"),
}


def _realert(turn_or_deps) -> timedelta:
    return timedelta(minutes=turn_or_deps.settings.case_realert_minutes)


def _staff_text(turn: Turn, render) -> str:
    with staff.speaking(turn.deps, turn.settings.default_language):
        return render()


def _reply_in_thread(turn: Turn, text: str) -> None:
    """Answer a staff-chat message in its own topic."""
    message = turn.update.effective_message
    turn.send(turn.chat_id, text, message_thread_id=message.message_thread_id)


async def _case_of(turn: Turn, case_id: int) -> Case | None:
    """The case a button names (locked), or None after telling the moderator it is gone."""
    try:
        return await case_service.get_case(turn.session, case_id)
    except case_service.CaseNotFound:
        turn.answer(_("This button no longer works. Please use the latest message."))
        return None


async def _case_of_message(turn: Turn) -> Case | None:
    """The case a staff-chat message belongs to: its topic, thread, or the message it answers."""
    message = turn.update.effective_message
    reply = message.reply_to_message
    number = None
    if reply is not None and reply.from_user is not None and reply.from_user.id == turn.bot.id:
        found = NUMBER.search(reply.text or "")
        number = found.group() if found else None
    thread = message.message_thread_id
    if thread is None and reply is not None:
        thread = reply.message_id
    return await case_service.case_in_staff_chat(
        turn.session, chat_id=turn.chat_id, thread_id=thread, number=number
    )


def _refuse_case_error(turn: Turn, error: case_service.CaseError) -> None:
    """Turn a case outcome into a short answer to the moderator's button."""
    if isinstance(error, case_service.CaseNotActive):
        turn.answer(_("This case is closed."), alert=True)
    elif isinstance(error, case_service.AlreadyClaimed):
        turn.answer(_("Another moderator has claimed this case."), alert=True)
    elif isinstance(error, case_service.NotClaimant) and error.unclaimed:
        turn.answer(_("Claim this case first."), alert=True)
    else:
        turn.answer(_("Only the moderator who claimed this case can do that."), alert=True)


# Buttons on the case card -------------------------------------------------------------------


async def claim_case(turn: Turn, case_id: int) -> None:
    """Claim: the case is yours; the person is told someone is with them (no name)."""
    case = await _case_of(turn, case_id)
    if case is None:
        return
    try:
        changed = await case_service.claim_case(
            turn.session, case=case, moderator_id=turn.user_id, now=turn.now
        )
    except case_service.CaseError as error:
        _refuse_case_error(turn, error)
        return
    if not changed:
        turn.answer(_("You already have this case."))
        return
    turn.answer(
        _("You claimed {number}. Write in its topic to answer.").format(number=case.number)
    )
    name = turn.update.effective_user.first_name
    staff.post_later(
        turn,
        case,
        _staff_text(
            turn,
            lambda: _(
                "✋ {number} was claimed by {name}. Everything {name} writes in this topic (or as "
                "a reply to its messages) goes to the person, without a name."
            ).format(number=case.number, name=name),
        ),
    )
    staff.refresh_card_later(turn, case)
    staff.tell_person_later(
        turn,
        case,
        lambda: (_("🤝 A person from our team is with you now. They will write here."), None),
    )


async def view_case(turn: Turn, case_id: int) -> None:
    """History: the case's messages so far, posted in its topic (audited)."""
    case = await _case_of(turn, case_id)
    if case is None:
        return
    case_service.record_view(turn.session, case=case, moderator_id=turn.user_id)
    history = await case_service.case_history(turn.session, case.id)
    for chunk in _staff_text(turn, lambda: render_history(turn, case, history)):
        staff.post_later(turn, case, chunk)


def render_history(turn: Turn, case: Case, history: list) -> list[str]:
    """The history in chunks short enough for one Telegram message each."""
    translator = turn.deps.catalogs.get(turn.settings.default_language)
    zone = staff.staff_hours_of(turn.deps).zone
    lines = [_("📄 History of {number}:").format(number=case.number)]
    for item in history:
        when = translator.format_datetime(item.at, "HH:mm", tzinfo=zone)
        lines.append(f"{when} {_render_history_item(item)}")
    if not history:
        lines.append(_("(nothing yet)"))
    chunks, current = [], ""
    for line in lines:
        if current and len(current) + len(line) > MAX_HISTORY_CHARS:
            chunks.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line[:MAX_HISTORY_CHARS]
    return [*chunks, current]


def _render_history_item(item) -> str:
    if item.sender == case_service.PERSON:
        if item.kind != "text":
            what = _(MEDIA_KINDS[item.kind]) if item.kind in MEDIA_KINDS else item.kind
            return _("person: (sent {what}, not forwarded)").format(what=what)
        return _("person: {text}").format(text=item.text or _("(deleted)"))
    if item.sender == case_service.STAFF:
        return _("team: {text}").format(text=item.text or _("(deleted)"))
    if item.sender == case_service.NOTE:
        return _("note: {text}").format(text=item.text or _("(deleted)"))
    event = _(EVENT_LABELS[item.kind]) if item.kind in EVENT_LABELS else item.kind
    detail = item.text or ""
    if item.kind == "closed" and detail in staff.OUTCOME_LABELS:
        detail = _(staff.OUTCOME_LABELS[detail])
    return f"— {event} {detail}".rstrip()


async def refer_case(turn: Turn, case_id: int) -> None:
    """Refer: pick a directory service for the person."""
    case = await _case_of(turn, case_id)
    if case is None:
        return
    if case.status != case_service.CLAIMED or (
        case.claimed_by != turn.user_id and turn.role is not Role.ADMIN
    ):
        _refuse_case_error(turn, _claimant_error(case))
        return
    services = await help_service.referable_services(
        turn.session, turn.deps.content.services, country=case.country, today=turn.today
    )
    services.sort(key=lambda s: (case.topic not in s.topics, not s.is_national, s.id))
    lang = turn.settings.default_language
    rows = [button(s.name_in(lang), "case.referto", case.id, s.id) for s in services[:30]]
    text = _staff_text(
        turn,
        lambda: _("📨 Which service should the person of {number} receive?").format(
            number=case.number
        ),
    )
    staff.post_later(turn, case, text, keyboard(*rows))


def _claimant_error(case: Case) -> case_service.CaseError:
    if case.status not in case_service.ACTIVE:
        return case_service.CaseNotActive(case.number)
    return case_service.NotClaimant(unclaimed=case.status == case_service.OPEN)


async def refer_to(turn: Turn, case_id: int, service_id: str) -> None:
    """Send the person the chosen service's card."""
    case = await _case_of(turn, case_id)
    if case is None:
        return
    service = await help_service.visible_service(
        turn.session, turn.deps.content.services, service_id, today=turn.today
    )
    if service is None:
        turn.answer(_("This service is not available any more."), alert=True)
        return
    try:
        case_service.refer_case(
            turn.session,
            case=case,
            moderator_id=turn.user_id,
            service_id=service.id,
            is_admin=turn.role is Role.ADMIN,
            now=turn.now,
        )
    except case_service.CaseError as error:
        _refuse_case_error(turn, error)
        return

    def render():
        card = staff.render_service(service, case.language)
        links = staff.build_service_links([service], case.language)
        intro = _("Our team thinks this service can help you:")
        return f"{intro}\n\n{card}", keyboard(*links) if links else None

    staff.tell_person_later(turn, case, render)
    turn.edit(
        _staff_text(
            turn,
            lambda: _("📨 {number}: the person received the card of {service}.").format(
                number=case.number, service=service.name_in(turn.settings.default_language)
            ),
        )
    )


async def explain_note(turn: Turn, case_id: int) -> None:
    """Note: how to write an internal note."""
    turn.answer(
        _(
            "Write /note and your note in this case's topic (or as a reply to one of its "
            "messages). Notes stay here and never reach the person."
        ),
        alert=True,
    )


async def hand_over(turn: Turn, case_id: int) -> None:
    """Hand over: the case needs a moderator again; the person is told someone will continue."""
    case = await _case_of(turn, case_id)
    if case is None:
        return
    try:
        case_service.hand_over(
            turn.session,
            case=case,
            moderator_id=turn.user_id,
            is_admin=turn.role is Role.ADMIN,
            now=turn.now,
            realert=_realert(turn),
        )
    except case_service.CaseError as error:
        _refuse_case_error(turn, error)
        return
    turn.answer(_("Handed over."))
    staff.announce_handed_over(turn, case)


async def ask_outcome(turn: Turn, case_id: int) -> None:
    """Close: how did it end?"""
    case = await _case_of(turn, case_id)
    if case is None:
        return
    if case.status not in case_service.ACTIVE:
        _refuse_case_error(turn, case_service.CaseNotActive(case.number))
        return
    if case.status == case_service.CLAIMED and case.claimed_by != turn.user_id and (
        turn.role is not Role.ADMIN
    ):
        _refuse_case_error(turn, case_service.AlreadyClaimed(case.number))
        return
    with staff.speaking(turn.deps, turn.settings.default_language):
        text = _("How did {number} end?").format(number=case.number)
        rows = [
            button(_(label), "case.outcome", case.id, outcome)
            for outcome, label in staff.OUTCOME_LABELS.items()
        ]
    staff.post_later(turn, case, text, keyboard(*rows))


async def close_case(turn: Turn, case_id: int, outcome: str) -> None:
    """Close with an outcome: the person is told, may reopen within 7 days, and is asked
    (optionally) whether it helped."""
    if outcome not in case_service.OUTCOMES:
        turn.answer(_("This button no longer works. Please use the latest message."))
        return
    case = await _case_of(turn, case_id)
    if case is None:
        return
    try:
        await case_service.close_case(
            turn.session,
            case=case,
            moderator_id=turn.user_id,
            is_admin=turn.role is Role.ADMIN,
            outcome=outcome,
            now=turn.now,
        )
    except case_service.CaseError as error:
        _refuse_case_error(turn, error)
        return
    turn.edit(
        _staff_text(
            turn,
            lambda: _("✅ {number} closed: {outcome}.").format(
                number=case.number, outcome=_(staff.OUTCOME_LABELS[outcome])
            ),
        )
    )
    staff.refresh_card_later(turn, case)
    staff.tell_person_later(turn, case, lambda: render_closed_for_person(case, by_person=False))
    staff.tell_person_later(turn, case, lambda: render_feedback_question(case))


# Messages and commands in the staff chat -----------------------------------------------------


async def relay_from_staff(turn: Turn) -> None:
    """A message in a case's topic: the claimant's text goes to the person, without a name."""
    case = await _case_of_message(turn)
    if case is None:
        return  # the team talking among themselves
    if not is_allowed(turn.role, MODERATORS):
        logger.info("user %s is not a moderator; case %s untouched", turn.user_id, case.id)
        _reply_in_thread(turn, _("Only moderators can work on cases. Nothing was sent."))
        return
    text = clean_text(turn.update.effective_message.text)  # text only: a caption is a photo's
    if not text:
        _reply_in_thread(turn, _("Only text is passed on to the person. Nothing was sent."))
        return
    try:
        case_service.relay_to_person(
            turn.session, case=case, moderator_id=turn.user_id, text=text, now=turn.now
        )
    except case_service.CaseNotActive:
        _reply_in_thread(turn, _("This case is closed. Nothing was sent."))
        return
    except case_service.NotClaimant as error:
        _reply_in_thread(
            turn,
            _("Claim this case first: only the moderator who claimed it writes to the person. "
              "Nothing was sent.")
            if error.unclaimed
            else _("Only the moderator who claimed this case writes to the person. Nothing was "
                   "sent. Use /note for an internal note."),
        )
        return
    staff.tell_person_later(
        turn, case, lambda: (_("💬 Our team: {text}").format(text=text), None)
    )


async def add_note(turn: Turn) -> None:
    """/note TEXT in a case's topic: an internal note, never sent to the person."""
    case = await _case_of_message(turn)
    parts = turn.text.split(maxsplit=1)
    note = parts[1].strip() if len(parts) > 1 else ""
    if case is None:
        _reply_in_thread(turn, _("Write /note in a case's topic, or as a reply to one of its "
                                 "messages."))
        return
    if not note:
        _reply_in_thread(turn, _("Write your note after /note."))
        return
    case_service.add_note(
        turn.session, case=case, moderator_id=turn.user_id, text=note, now=turn.now
    )
    _reply_in_thread(
        turn,
        _("📝 Note saved to {number}. It is not sent to the person.").format(number=case.number),
    )


async def list_cases(turn: Turn) -> None:
    """/cases: the open cases, urgent first."""
    active = await case_service.active_cases(turn.session)
    if not active:
        turn.reply(_("No open cases. 🎉"))
        return
    lines = [_("Open cases:")]
    for case in active:
        lines.append(
            "{urgent}{number} · {status} · {topic}".format(
                urgent="🚨 " if case.urgent else "",
                number=case.number,
                status=staff.render_status(case),
                topic=staff.topic_label(case.topic),
            )
        )
    turn.reply("\n".join(lines))


# Re-alerts ----------------------------------------------------------------------------------


async def alert_due_cases(application: Application) -> int:
    """Re-alert every unclaimed case whose alert is due (urgent ones mention moderators).

    The schedule is in the database: after a restart, the first check alerts what is due.
    """
    deps = deps_of(application)
    if deps.settings.staff_chat_id is None:
        return 0
    now = deps.clock()
    async with deps.db.session() as session:
        due = await case_service.due_alerts(session, now=now, realert=_realert(deps))
        urgent = any(case.urgent for case in due)
        moderators = await case_service.on_duty_moderators(session) if urgent else []
    notifier = staff.notifier_for(deps, application.bot)
    for case in due:
        with staff.speaking(deps, deps.settings.default_language):
            text, entities = render_realert(case, now=now, moderators=moderators)
            markup = staff.build_claim_keyboard(case)
        try:
            await notifier.post(staff.place_of(case, deps), text, markup, entities)
        except TelegramError as exc:
            logger.warning("could not re-alert case %s: %s", case.id, type(exc).__name__)
    return len(due)


def render_realert(case: Case, *, now, moderators: list[int]):
    minutes = max(1, int((now - case.opened_at).total_seconds() // 60))
    text = ngettext(
        "⏰ {number} is still waiting for a moderator (opened {minutes} minute ago).",
        "⏰ {number} is still waiting for a moderator (opened {minutes} minutes ago).",
        minutes,
    ).format(number=case.number, minutes=minutes)
    if not case.urgent:
        return text, []
    return staff.mention_moderators(_("🚨 URGENT") + " " + text, moderators)


async def _realert_job(context: BotContext) -> None:
    await alert_due_cases(context.application)


async def _staff_message(update: Update, context: BotContext) -> None:
    await run_turn(update, context, relay_from_staff, create_user=False)


def register(router: Router) -> None:
    """Register the staff chat's case buttons, messages and commands, and the re-alert job."""
    router.button("case.claim", int, roles=MODERATORS, chats=STAFF)(claim_case)
    router.button("case.view", int, roles=MODERATORS, chats=STAFF)(view_case)
    router.button("case.refer", int, roles=MODERATORS, chats=STAFF)(refer_case)
    router.button("case.referto", int, str, roles=MODERATORS, chats=STAFF)(refer_to)
    router.button("case.note", int, roles=MODERATORS, chats=STAFF)(explain_note)
    router.button("case.handover", int, roles=MODERATORS, chats=STAFF)(hand_over)
    router.button("case.close", int, roles=MODERATORS, chats=STAFF)(ask_outcome)
    router.button("case.outcome", int, str, roles=MODERATORS, chats=STAFF)(close_case)
    router.command("note", "nota", roles=MODERATORS, chats=STAFF)(add_note)
    router.command("cases", "casos", roles=MODERATORS, chats=STAFF)(list_cases)

    # The staff chat's id is known from the settings at start-up; the filter is filled then.
    staff_chat = filters.Chat()
    router.extra_handlers.append(
        MessageHandler(
            staff_chat & ~filters.COMMAND & ~filters.StatusUpdate.ALL & ~filters.UpdateType.EDITED,
            _staff_message,
        )
    )

    @router.on_startup
    async def start_staff_chat(application: Application) -> None:
        """Listen to the staff chat, and check for due re-alerts every minute."""
        deps = deps_of(application)
        if deps.settings.staff_chat_id is not None:
            staff_chat.add_chat_ids(deps.settings.staff_chat_id)
        if application.job_queue is not None and not application.job_queue.get_jobs_by_name(
            "cases.realert"
        ):
            application.job_queue.run_repeating(
                _realert_job, interval=REALERT_CHECK_SECONDS, first=5, name="cases.realert"
            )
