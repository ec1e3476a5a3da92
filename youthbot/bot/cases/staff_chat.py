"""Messages and commands in the staff chat: the claimant's text relayed to the person (without
a name), /note for an internal note, and /cases for the open cases."""

from __future__ import annotations

import logging
import re

from telegram import Update

from ...core import cases as case_service
from ...core.cases import actions as case_actions
from ...core.cases import staff as case_staff
from ...core.cases.teams import team_of_chat
from ...core.people.roles import is_allowed
from ...db.models import Case
from ...i18n import _
from ...logsafe import who
from ..runtime.turn import BotContext, Turn, clean_text, run_turn
from . import notify as staff
from . import views as shared_views
from .staff_views import MODERATORS

logger = logging.getLogger(__name__)

NUMBER = re.compile(r"\bC-[A-Z0-9]{4,6}\b")


def _reply_in_thread(turn: Turn, text: str) -> None:
    """Answer a staff-chat message in its own topic."""
    message = turn.update.effective_message
    turn.send(turn.chat_id, text, message_thread_id=message.message_thread_id)


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
    return await case_staff.case_in_staff_chat(
        turn.session, chat_id=turn.chat_id, thread_id=thread, number=number
    )


async def relay_from_staff(turn: Turn) -> None:
    """A message in a case's topic: the claimant's text goes to the person, without a name."""
    case = await _case_of_message(turn)
    if case is None:
        return  # the team talking among themselves
    if not is_allowed(turn.roles, MODERATORS):
        logger.info("%s is not a moderator; case %s untouched", who(turn.user_id), case.id)
        _reply_in_thread(turn, _("Only moderators can work on cases. Nothing was sent."))
        return
    text = clean_text(turn.update.effective_message.text)  # text only: a caption is a photo's
    if not text:
        _reply_in_thread(turn, _("Only text is passed on to the person. Nothing was sent."))
        return
    try:
        await case_actions.relay_to_person(
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
    await _delete_with_case(turn, case)
    staff.tell_person_later(
        turn, case, lambda: (_("💬 Our team: {text}").format(text=text), None), durable=True
    )


async def _delete_with_case(turn: Turn, case) -> None:
    """Without topics, the team's own messages about a case are deleted with it too."""
    if case.staff_thread_id is None:
        message_id = turn.update.effective_message.message_id
        await case_staff.add_staff_post(turn.session, case_id=case.id, staff_message_id=message_id)


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
    case_actions.add_note(
        turn.session, case=case, moderator_id=turn.user_id, text=note, now=turn.now
    )
    await _delete_with_case(turn, case)
    # posted as the case's (its id kept without topics): deleted with the case too
    staff.post_later(
        turn, case, _("📝 Note saved to {number}. It is not sent to the person.").format(
            number=case.number)
    )


async def list_cases(turn: Turn) -> None:
    """/cases: the open cases of this group's team, urgent first."""
    teams = shared_views.teams_of(turn.deps)
    team = team_of_chat(teams, turn.chat_id) or teams[-1]
    active = await case_staff.active_cases_of_team(
        turn.session, team.id, fallback=team is teams[-1]
    )
    if not active:
        turn.reply(_("No open cases. 🎉"))
        return
    lines = [_("Open cases:")]
    for case in active:
        lines.append(
            "{urgent}{number} · {status} · {topic}".format(
                urgent="🚨 " if case.urgent else "",
                number=case.number,
                status=shared_views.render_status(case),
                topic=shared_views.topic_label(case.topic),
            )
        )
    turn.reply("\n".join(lines))


async def staff_message(update: Update, context: BotContext) -> None:
    """Any other message in the staff chat: relayed when it belongs to a case."""
    await run_turn(update, context, relay_from_staff, create_user=False)
