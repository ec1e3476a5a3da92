"""Admins keep the directory right from Telegram: `/services` lists every service (emergency
lines first) with a button each; a service's screen suspends or reactivates it at once;
`/revet ID NOTE` records that it was checked again today. All audited, all re-checked on the
server: the role on every step, the service id of every button."""

from __future__ import annotations

from ...core import help as help_service
from ...core.help import emergency
from ...core.help.directory import Service
from ...core.people.roles import Role
from ...i18n import N_, _, pgettext
from ..runtime.router import ANY, STAFF, Router, chat_matches
from ..runtime.turn import Turn, button, keyboard
from .actions import SERVICE, SERVICE_CHANGE, SERVICES, Change

ADMINS = {Role.ADMIN}
ACTIONS = {Change.SUSPEND: "suspended", Change.ACTIVATE: "active"}
STATUS_LABELS = {  # the statuses of services.yaml and of overrides, as staff read them
    "active": N_("active"),
    "pending": N_("pending vetting"),
    "suspended": N_("suspended"),
}


def status_label(status: str) -> str:
    """A service's status in the reader's language."""
    return _(STATUS_LABELS[status]) if status in STATUS_LABELS else status


def _find(turn: Turn, service_id: str) -> Service | None:
    return next((s for s in turn.deps.content.services if s.id == service_id), None)


def _allowed_chat(turn: Turn) -> bool:
    return turn.is_private or chat_matches(turn.update, STAFF, turn.settings)


async def list_services(turn: Turn) -> None:
    """Every service with the status young people see, emergency lines first, a button each."""
    overrides = await help_service.service_overrides(turn.session)
    services = await emergency.effective(turn.session, turn.deps.content.services)
    places = [c.id for c in turn.deps.content.countries]  # regions.yaml's order: Peru first
    ordered = sorted(services, key=lambda s: (
        not emergency.is_line(s),
        min((places.index(c) for c in s.countries if c in places), default=len(places)),
        s.emergency_rank or 99,
        s.id,
    ))
    lines = [
        _("Services (✅ = young people see it today; 🚨 = emergency or crisis line, never hidden "
          "by its review date). Press one to suspend, reactivate or re-vet it.")
    ]
    rows = []
    for service in ordered:
        override = overrides.get(service.id)
        if emergency.is_line(service):
            shown = service.is_reachable(override)
        else:
            shown = service.is_visible(turn.today, override)
        mark = ("🚨" if emergency.is_line(service) else "") + ("✅" if shown else "⛔")
        lines.append(_("{mark} {id} · {status} · review {due}").format(
            mark=mark, id=service.id, status=status_label(override or service.status),
            due=service.review_due.isoformat()))
        rows.append(button(f"{mark} {service.id}", SERVICE(service.id)))
    turn.reply("\n".join(lines), keyboard(*(rows[i:i + 2] for i in range(0, len(rows), 2))))


async def show_service(turn: Turn, service: Service) -> None:
    """One service: its status and review, and the buttons to change them."""
    overrides = await help_service.service_overrides(turn.session)
    current = (await emergency.effective(turn.session, [service]))[0]
    status = overrides.get(service.id, service.status)
    text = "\n".join([
        f"{current.name_in(turn.language)} ({current.id})",
        _("Status: {status}").format(status=status_label(status)),
        _("Vetted on: {vetted}. Review due: {due}.").format(
            vetted=current.vetted_on.isoformat() if current.vetted_on else "—",
            due=current.review_due.isoformat()),
        _("To re-vet it after calling it: /revet {id} what you checked").format(id=service.id),
    ])
    action = Change.ACTIVATE if status == "suspended" else Change.SUSPEND
    label = (pgettext("button", "✅ Reactivate") if action is Change.ACTIVATE
             else pgettext("button", "⛔ Suspend"))
    pending = service.status == "pending"
    rows = [] if pending else [button(label, SERVICE_CHANGE(service.id, action))]
    rows.append(button(pgettext("button", "⬅️ All services"), SERVICES()))
    turn.reply(text, keyboard(*rows))


async def change_service(turn: Turn, action: Change, service_id: str) -> None:
    """Suspend or reactivate one service; the override holds until it is undone."""
    try:
        service = await help_service.set_service_status(
            turn.session,
            turn.deps.content.services,
            service_id=service_id,
            status=ACTIONS[action],
            actor_id=turn.user_id,
            now=turn.now,
        )
    except help_service.UnknownService:
        turn.reply(_("There is no service with the id {id}. /service lists them.").format(
            id=service_id))
        return
    except emergency.LastEmergencyLine as refused:
        turn.reply(_(
            "I did not suspend {name} ({id}): it is the last active emergency line of "
            "{country}, and someone in danger there must always see a number. Reactivate or "
            "add another line of {country} first, then suspend this one."
        ).format(name=refused.service.name_in(turn.language), id=refused.service.id,
                 country=refused.country))
        return
    name = service.name_in(turn.language)
    if action == "suspend":
        turn.reply(
            _("Suspended: {name} ({id}). Nobody sees it until /service activate {id}.").format(
                name=name, id=service.id
            )
        )
    elif emergency.is_line(service) or service.is_visible(turn.today, "active"):
        turn.reply(_("Active again: {name} ({id}).").format(name=name, id=service.id))
    else:
        turn.reply(
            _(
                "The suspension of {name} ({id}) is lifted, but it is still not shown: it is "
                "pending vetting or its review date has passed (/revet {id} after checking it)."
            ).format(name=name, id=service.id)
        )


async def revet_service(turn: Turn, args: list[str]) -> None:
    """`/revet ID NOTE`: checked again today; due again in six months."""
    service = _find(turn, args[0].lower()) if args else None
    note = " ".join(args[1:]).strip()
    if service is None or not note:
        turn.reply(_("Write it like this: /revet pe-pnp-105 called, it answers 24 h. The note "
                     "says what you checked (/services lists the ids)."))
        return
    if service.status == "pending":
        turn.reply(_("{id} is pending in services.yaml: vetting a new service is done in the "
                     "file, not here.").format(id=service.id))
        return
    review = await emergency.revet(
        turn.session, turn.deps.content.services, service_id=service.id,
        actor_id=turn.user_id, note=note, today=turn.today,
    )
    turn.reply(_("Re-vetted: {name} ({id}). Next review due {due}. Thank you!").format(
        name=service.name_in(turn.language), id=service.id, due=review.review_due.isoformat()))


async def service_command(turn: Turn) -> None:
    """An admin sent /services (the list) or /service suspend|activate ID (a change at once)."""
    if not _allowed_chat(turn):
        return
    args = turn.context.args or []
    if len(args) == 2 and args[0].lower() in ACTIONS:
        await change_service(turn, Change(args[0].lower()), args[1].lower())
        return
    await list_services(turn)


async def revet_command(turn: Turn) -> None:
    """An admin sent /revet ID NOTE: the service was checked again today."""
    if _allowed_chat(turn):
        await revet_service(turn, turn.context.args or [])


async def press_list(turn: Turn) -> None:
    """An admin pressed ⬅️ All services: next, the list."""
    if _allowed_chat(turn):
        await list_services(turn)


async def press_service(turn: Turn, service_id: str) -> None:
    """An admin pressed a service of the list: its screen (an id no longer there is refused)."""
    service = _find(turn, service_id)
    if service is None or not _allowed_chat(turn):
        turn.stale()
        return
    await show_service(turn, service)


async def press_change(turn: Turn, service_id: str, change: Change) -> None:
    """An admin pressed suspend or reactivate on a service's screen (its id re-checked)."""
    if _find(turn, service_id) is None or not _allowed_chat(turn):
        turn.stale()
        return
    await change_service(turn, change, service_id)


def register(router: Router) -> None:
    """Register /services, /service, /revet and their buttons, for admins only."""
    router.command("services", "service", "servicio", "servicios", roles=ADMINS, chats=ANY)(
        service_command
    )
    router.command("revet", roles=ADMINS, chats=ANY)(revet_command)
    router.button(SERVICES, roles=ADMINS, chats=ANY)(press_list)
    router.button(SERVICE, roles=ADMINS, chats=ANY)(press_service)
    router.button(SERVICE_CHANGE, roles=ADMINS, chats=ANY)(press_change)
