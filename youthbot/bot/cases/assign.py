"""Assign a case to a named colleague of its team: 👤 Assign lists the team's moderators by
the handle their group shows (staff only; the young person never sees it), and the chosen one
holds the claim and is mentioned in the case's topic, so Telegram notifies them.

Colleagues are known once they have acted in their team's staff group (`note_staff_member`,
a turn hook); only those who still hold a staff role are offered, and checked again on press.
"""

from __future__ import annotations

from telegram import MessageEntity
from telegram import User as TgUser
from telegram.constants import MessageEntityType

from ...core import cases as case_service
from ...core.cases import actions as case_actions
from ...core.cases import staff as case_staff
from ...core.cases.teams import team_of_chat
from ...core.people.roles import Role, is_allowed
from ...i18n import _, pgettext, speaking
from ..runtime.turn import Turn, button, keyboard
from . import notify as staff
from . import views as shared_views
from .actions import ASSIGN_TO, CARD
from .staff_views import MODERATORS, case_of, refuse_case_error, staff_text


def handle_of(turn: Turn) -> str:
    """How the acting moderator appears in the group: @username, else their first name."""
    user = turn.update.effective_user
    return f"@{user.username}" if user.username else (user.first_name or "?")


async def note_staff_member(turn: Turn) -> None:
    """A turn hook: a moderator acting in a team's staff group is known to that team."""
    chat = turn.update.effective_chat
    if chat is None or chat.id not in turn.settings.staff_chat_ids:
        return
    if turn.update.effective_user is None or not is_allowed(turn.role, MODERATORS):
        return
    team = team_of_chat(shared_views.teams_of(turn.deps), chat.id)
    if team is None:
        return
    await case_staff.note_member(
        turn.session, user_id=turn.user_id, team=team.id, handle=handle_of(turn), now=turn.now
    )


async def choose_colleague(turn: Turn, case_id: int) -> None:
    """👤 Assign: which colleague of the team?"""
    case = await case_of(turn, case_id)
    if case is None:
        return
    try:
        case_actions.check_may_close(case, turn.user_id, is_admin=turn.role is Role.ADMIN)
    except case_service.CaseError as error:
        refuse_case_error(turn, error)
        return
    team = shared_views.team_of(turn.deps, case)
    members = await case_staff.team_members(
        turn.session, team.id, admin_ids=turn.settings.admin_ids
    )
    if not members:
        turn.answer(_("No colleague of this team is known yet: moderators appear here once "
                      "they have acted in this group."), alert=True)
        return
    with speaking(turn.deps.catalogs, team.language):
        rows = [button(handle, ASSIGN_TO(case.id, user_id)) for user_id, handle in members]
        rows.append(button(pgettext("button", "⬅️ Back"), CARD(case.id)))
    text = staff_text(turn, case=case, render=lambda: _(
        "👤 Assign {number} to which colleague? They will hold the case and be notified; the "
        "person is never told who."
    ).format(number=case.number))
    staff.post_later(turn, case, text, keyboard(*rows))


async def assign_to(turn: Turn, case_id: int, moderator: int) -> None:
    """A colleague was chosen: they hold the case now, and are mentioned in its topic."""
    case = await case_of(turn, case_id)
    if case is None:
        return
    team = shared_views.team_of(turn.deps, case)
    members = dict(await case_staff.team_members(
        turn.session, team.id, admin_ids=turn.settings.admin_ids
    ))
    if moderator not in members:  # button data is not trusted: a colleague of this team
        turn.stale(alert=True)
        return
    was_open = case.status == case_service.CaseStatus.OPEN
    try:
        changed = await case_actions.assign_case(
            turn.session, case=case, moderator_id=turn.user_id, assignee_id=moderator,
            is_admin=turn.role is Role.ADMIN, now=turn.now,
        )
    except case_service.CaseError as error:
        refuse_case_error(turn, error)
        return
    if not changed:
        turn.answer(_("{name} already has this case.").format(name=members[moderator]))
        return
    handle = members[moderator]
    text = staff_text(turn, case=case, render=lambda: _(
        "👤 {number} is assigned to {colleague} by {name}. Only they write to the person now."
    ).format(number=case.number, colleague=handle, name=handle_of(turn)))
    turn.edit(text)
    staff.post_later(turn, case, *mention(text, handle, moderator))
    staff.refresh_card_later(turn, case)
    if was_open:
        staff.tell_person_later(
            turn, case,
            lambda: (_("🤝 A person from our team is with you now. They will write here."), None),
        )


def mention(text: str, handle: str, user_id: int) -> tuple[str, None, list[MessageEntity]]:
    """`text` with the colleague's handle in it made a mention that notifies them."""
    at = text.find(handle)
    if at < 0:
        return text, None, []
    offset = len(text[:at].encode("utf-16-le")) // 2
    length = len(handle.encode("utf-16-le")) // 2
    entity = MessageEntity(MessageEntityType.TEXT_MENTION, offset, length,
                           user=TgUser(user_id, handle, is_bot=False))
    return text, None, [entity]
