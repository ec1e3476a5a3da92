"""What the staff chat's case handlers share: who may act, the case a button names, answers
to a moderator in the staff chat's language, and a case's history as they read it."""

from __future__ import annotations

from ...core import cases as case_service
from ...core.cases import staff as case_staff
from ...core.people.roles import Role
from ...db.models import Case
from ...i18n import N_, _, speaking
from ..runtime.turn import Turn
from . import views as shared_views
from .relay import MEDIA_KINDS
from .views import staff_language

MODERATORS = {Role.MODERATOR}
MAX_HISTORY_CHARS = 3500
EVENT_LABELS = {
    "claimed": N_("claimed by a moderator"),
    "handed_over": N_("handed over"),
    "referred": N_("referred to a service:"),
    "closed": N_("closed:"),
    "withdrawn": N_("ended by the person"),
    "reopened": N_("reopened by the person"),
    "flagged": N_("account flagged:"),
    "blocked": N_("account blocked:"),
    "unblocked": N_("account unblocked"),
    "assigned": N_("assigned by name to a colleague"),
    "canned": N_("canned reply sent:"),
}


def staff_or_admin_private(turn: Turn) -> bool:
    """Staff lists and settings are read in a staff chat, or by an admin in private; never
    in another group (nothing about cases is posted there). Tells the person otherwise."""
    chat = turn.update.effective_chat
    if chat is not None and chat.id in turn.settings.staff_chat_ids:
        return True
    if turn.is_private and turn.role is Role.ADMIN:
        return True
    if turn.is_private:
        turn.reply(_("This works in the staff group, or for admins here."))
    return False


def staff_text(turn: Turn, render, *, case: Case | None = None) -> str:
    """What `render` returns in the language of the staff chat that has `case` (the fallback
    team's without one), whatever the moderator's own."""
    with speaking(turn.deps.catalogs, staff_language(turn.deps, case)):
        return render()


async def case_of(turn: Turn, case_id: int) -> Case | None:
    """The case a button names (locked), or None after telling the moderator it is gone."""
    try:
        return await case_staff.get_case(turn.session, case_id)
    except case_service.CaseNotFound:
        turn.stale()
        return None


def refuse_case_error(turn: Turn, error: case_service.CaseError) -> None:
    """Turn a case outcome into a short answer to the moderator's button."""
    if isinstance(error, case_service.CaseNotActive):
        turn.answer(_("This case is closed."), alert=True)
    elif isinstance(error, case_service.AlreadyClaimed):
        turn.answer(_("Another moderator has claimed this case."), alert=True)
    elif isinstance(error, case_service.NotClaimant) and error.unclaimed:
        turn.answer(_("Claim this case first."), alert=True)
    else:
        turn.answer(_("Only the moderator who claimed this case can do that."), alert=True)


def render_history(turn: Turn, case: Case, history: list) -> list[str]:
    """The history in chunks short enough for one Telegram message each."""
    team = shared_views.team_of(turn.deps, case)
    translator, zone = turn.deps.catalogs.get(team.language), team.hours.zone
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
    if item.kind == "closed" and detail in shared_views.OUTCOME_LABELS:
        detail = _(shared_views.OUTCOME_LABELS[detail])
    return f"— {event} {detail}".rstrip()
