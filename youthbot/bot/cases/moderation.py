"""Moderation in the staff group: claim, relay, refer, note, hand over, close, re-alert.

Only moderators and admins act on cases (checked on every update, from the database);
anyone else changes nothing. Every action is audited without message text. The staff chat
sees a case number, never who the young person is. Here: the case card's buttons and the
wiring; messages and commands in the staff chat are in case_chat, referring in case_referral,
re-alerts in case_alerts, and what these share in case_views.
"""

from __future__ import annotations

from functools import partial

from telegram.ext import Application, MessageHandler, filters

from ...core import cases as case_service
from ...core.cases import actions as case_actions
from ...core.cases import staff as case_staff
from ...core.people.roles import Role
from ...i18n import _, pgettext, speaking
from ..runtime.router import ANY, STAFF, Router
from ..runtime.turn import Turn, button, deps_of, keyboard
from . import assign, blocking, canned, staff_alerts
from . import notify as staff
from . import views as shared_views
from .actions import (
    ASSIGN,
    ASSIGN_TO,
    BLOCK,
    BLOCK_AS,
    CANNED,
    CANNED_PICK,
    CANNED_SEND,
    CANNED_SERVICE,
    CANNED_TOPIC,
    CARD,
    CLAIM,
    CLOSE,
    CLOSE_WITH,
    FLAG,
    FLAG_AS,
    HAND_OVER,
    NOTE,
    REFER,
    REFER_TO,
    VIEW,
    Outcome,
)
from .ending import render_closed_for_person, render_feedback_question
from .realerts import REALERT_CHECK_SECONDS, realert_interval, realert_job
from .referral import refer_case, refer_to, restore_card
from .staff_chat import add_note, list_cases, staff_message
from .staff_views import MODERATORS, case_of, refuse_case_error, render_history, staff_text

# Buttons on the case card -------------------------------------------------------------------


async def claim_case(turn: Turn, case_id: int) -> None:
    """Claim: the case is yours; the person is told someone is with them (no name)."""
    case = await case_of(turn, case_id)
    if case is None:
        return
    try:
        changed = await case_actions.claim_case(
            turn.session, case=case, moderator_id=turn.user_id, now=turn.now
        )
    except case_service.CaseError as error:
        refuse_case_error(turn, error)
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
        staff_text(
            turn,
            case=case,
            render=lambda: _(
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
    case = await case_of(turn, case_id)
    if case is None:
        return
    case_actions.record_view(turn.session, case=case, moderator_id=turn.user_id)
    history = await case_staff.case_history(turn.session, case.id)
    for chunk in staff_text(turn, lambda: render_history(turn, case, history), case=case):
        staff.post_later(turn, case, chunk)


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
    case = await case_of(turn, case_id)
    if case is None:
        return
    try:
        case_actions.hand_over(
            turn.session,
            case=case,
            moderator_id=turn.user_id,
            is_admin=turn.role is Role.ADMIN,
            now=turn.now,
            realert=realert_interval(turn),
        )
    except case_service.CaseError as error:
        refuse_case_error(turn, error)
        return
    turn.answer(_("Handed over."))
    staff_alerts.announce_handed_over(turn, case)


async def ask_outcome(turn: Turn, case_id: int) -> None:
    """Close: how did it end?"""
    case = await case_of(turn, case_id)
    if case is None:
        return
    try:
        case_actions.check_may_close(case, turn.user_id, is_admin=turn.role is Role.ADMIN)
    except case_service.CaseError as error:
        refuse_case_error(turn, error)
        return
    with speaking(turn.deps.catalogs, shared_views.staff_language(turn.deps, case)):
        text = _("How did {number} end?").format(number=case.number)
        rows = [
            button(_(label), CLOSE_WITH(case.id, outcome))
            for outcome, label in shared_views.OUTCOME_LABELS.items()
        ]
        rows.append(button(pgettext("button", "⬅️ Back"), CARD(case.id)))
    staff.post_later(turn, case, text, keyboard(*rows))


async def close_case(turn: Turn, case_id: int, outcome: Outcome) -> None:
    """A moderator chose how it ended: the case closes, the person is told (they may reopen
    within 7 days) and asked, optionally, whether it helped."""
    case = await case_of(turn, case_id)
    if case is None:
        return
    try:
        await case_actions.close_case(
            turn.session,
            case=case,
            moderator_id=turn.user_id,
            is_admin=turn.role is Role.ADMIN,
            outcome=outcome,
            now=turn.now,
        )
    except case_service.CaseError as error:
        refuse_case_error(turn, error)
        return
    turn.edit(
        staff_text(
            turn,
            case=case,
            render=lambda: _("✅ {number} closed: {outcome}.").format(
                number=case.number, outcome=_(shared_views.OUTCOME_LABELS[outcome])
            ),
        )
    )
    staff.refresh_card_later(turn, case)
    staff.tell_person_later(turn, case, lambda: render_closed_for_person(case, by_person=False))
    staff.tell_person_later(turn, case, lambda: render_feedback_question(case))


async def start_staff_chat(staff_chat: filters.Chat, application: Application) -> None:
    """At start-up: listen to the staff chats (every team's, from the settings), and check for
    due re-alerts every minute."""
    deps = deps_of(application)
    if deps.settings.staff_chat_ids:
        staff_chat.add_chat_ids(deps.settings.staff_chat_ids)
    if application.job_queue is not None and not application.job_queue.get_jobs_by_name(
        "cases.realert"
    ):
        application.job_queue.run_repeating(
            realert_job, interval=REALERT_CHECK_SECONDS, first=5, name="cases.realert"
        )


def register(router: Router) -> None:
    """Register the staff chat's case buttons, messages and commands, and the re-alert job."""
    router.button(CLAIM, roles=MODERATORS, chats=STAFF)(claim_case)
    router.button(VIEW, roles=MODERATORS, chats=STAFF)(view_case)
    router.button(REFER, roles=MODERATORS, chats=STAFF)(refer_case)
    router.button(REFER_TO, roles=MODERATORS, chats=STAFF)(refer_to)
    router.button(CARD, roles=MODERATORS, chats=STAFF)(restore_card)
    router.button(NOTE, roles=MODERATORS, chats=STAFF)(explain_note)
    router.button(HAND_OVER, roles=MODERATORS, chats=STAFF)(hand_over)
    router.button(CLOSE, roles=MODERATORS, chats=STAFF)(ask_outcome)
    router.button(CLOSE_WITH, roles=MODERATORS, chats=STAFF)(close_case)
    router.command("note", "nota", roles=MODERATORS, chats=STAFF)(add_note)
    router.command("cases", "casos", roles=MODERATORS, chats=STAFF)(list_cases)
    # Flag and block (blocking: admins, checked again in the handler), /blocked, /unblock
    router.button(FLAG, roles=MODERATORS, chats=STAFF)(blocking.ask_flag_reason)
    router.button(FLAG_AS, roles=MODERATORS, chats=STAFF)(blocking.flag_account)
    router.button(BLOCK, roles=MODERATORS, chats=STAFF)(blocking.ask_block_reason)
    router.button(BLOCK_AS, roles={Role.ADMIN}, chats=STAFF)(blocking.block_account)
    # (the staff chat, or an admin's private chat: staff_or_admin_private, in each handler)
    router.command("blocked", "bloqueados", roles=MODERATORS, chats=ANY)(blocking.list_blocked)
    router.command("unblock", "desbloquear", roles={Role.ADMIN}, chats=ANY)(blocking.unblock)
    # Canned replies, and admins rewording them
    router.button(CANNED, roles=MODERATORS, chats=STAFF)(canned.choose_topic)
    router.button(CANNED_TOPIC, roles=MODERATORS, chats=STAFF)(canned.choose_reply)
    router.button(CANNED_PICK, roles=MODERATORS, chats=STAFF)(canned.pick_reply)
    router.button(CANNED_SERVICE, roles=MODERATORS, chats=STAFF)(canned.pick_service)
    router.button(CANNED_SEND, roles=MODERATORS, chats=STAFF)(canned.send_reply)
    router.command("canned", "respuestas", roles=MODERATORS, chats=ANY)(canned.list_canned)
    router.command("canned_edit", roles={Role.ADMIN}, chats=ANY)(canned.edit_canned)
    # Assign to a named colleague of the team (colleagues noted as they act in their group)
    router.button(ASSIGN, roles=MODERATORS, chats=STAFF)(assign.choose_colleague)
    router.button(ASSIGN_TO, roles=MODERATORS, chats=STAFF)(assign.assign_to)
    router.turn_hooks.append(assign.note_staff_member)

    staff_chat = filters.Chat()  # filled at start-up, from the settings
    router.extra_handlers.append(
        MessageHandler(
            staff_chat & ~filters.COMMAND & ~filters.StatusUpdate.ALL & ~filters.UpdateType.EDITED,
            staff_message,
        )
    )
    router.on_startup(partial(start_staff_chat, staff_chat))
