"""Referring a case's person to a directory service: the claimant (or an admin) picks one of
the visible services, and the person receives its card in their language."""

from __future__ import annotations

from ...core import cases as case_service
from ...core import help as help_service
from ...core.cases import actions as case_actions
from ...core.people.roles import Role
from ...db.models import Case
from ...i18n import _, pgettext, speaking
from ..runtime.turn import Turn, button, keyboard
from . import notify as staff
from . import views as shared_views
from .actions import CARD, REFER_TO
from .staff_views import case_of, refuse_case_error, staff_text


async def refer_case(turn: Turn, case_id: int) -> None:
    """Refer: pick a directory service for the person."""
    case = await case_of(turn, case_id)
    if case is None:
        return
    try:
        case_actions.check_may_refer(case, turn.user_id, is_admin=turn.role is Role.ADMIN)
    except case_service.CaseError as error:
        refuse_case_error(turn, error)
        return
    services = await help_service.referable_services(
        turn.session, turn.deps.content.services, country=case.country, today=turn.today
    )
    services.sort(key=lambda s: (case.topic not in s.topics, not s.is_national, s.id))
    lang = shared_views.staff_language(turn.deps, case)
    rows = [button(s.name_in(lang), REFER_TO(case.id, s.id)) for s in services[:30]]
    with speaking(turn.deps.catalogs, lang):
        rows.append(button(pgettext("button", "⬅️ Back"), CARD(case.id)))
    text = staff_text(
        turn,
        case=case,
        render=lambda: _("📨 Which service should the person of {number} receive?").format(
            number=case.number
        ),
    )
    staff.post_later(turn, case, text, keyboard(*rows))


async def refer_to(turn: Turn, case_id: int, service_id: str) -> None:
    """Send the person the chosen service's card."""
    case = await case_of(turn, case_id)
    if case is None:
        return
    service = await help_service.visible_service(
        turn.session, turn.deps.content.services, service_id, today=turn.today
    )
    if service is None:
        turn.answer(_("This service is not available any more."), alert=True)
        return
    try:
        await case_actions.refer_case(
            turn.session,
            case=case,
            moderator_id=turn.user_id,
            service_id=service.id,
            is_admin=turn.role is Role.ADMIN,
            now=turn.now,
        )
    except case_actions.AlreadyReferred:
        turn.answer(
            _("The person already received the card of {service}; it was not sent again.").format(
                service=service.name_in(shared_views.staff_language(turn.deps, case))
            ),
            alert=True,
        )
        return
    except case_service.CaseError as error:
        refuse_case_error(turn, error)
        return

    def render():
        card = shared_views.render_service(service, case.language)
        links = shared_views.build_service_links([service], case.language)
        intro = _("Our team thinks this service can help you:")
        return f"{intro}\n\n{card}", keyboard(*links) if links else None

    staff.tell_person_later(turn, case, render)
    done = staff_text(
        turn,
        case=case,
        render=lambda: _("📨 {number}: the person received the card of {service}.").format(
            number=case.number,
            service=service.name_in(shared_views.staff_language(turn.deps, case)),
        ),
    )
    turn.edit(done, _card_keyboard(turn, case))  # the case's buttons, here at hand again


async def restore_card(turn: Turn, case_id: int) -> None:
    """Back from a list (services to refer to, outcomes to close with): nothing changes; the
    list becomes the case card, its buttons at hand again."""
    case = await case_of(turn, case_id)
    if case is None:
        return
    card = staff_text(turn, lambda: shared_views.render_case_card(case, turn.deps), case=case)
    turn.edit(card, _card_keyboard(turn, case))


def _card_keyboard(turn: Turn, case: Case):
    with speaking(turn.deps.catalogs, shared_views.staff_language(turn.deps, case)):
        return shared_views.build_case_keyboard(case)
