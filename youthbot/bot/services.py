"""`/service`: admins suspend or reactivate a directory service at once (audited)."""

from __future__ import annotations

from ..core import help as help_service
from ..core.roles import Role
from ..i18n import N_, _
from .routing import ANY, STAFF, Router, chat_matches
from .runtime import Turn

ADMINS = {Role.ADMIN}
ACTIONS = {"suspend": "suspended", "activate": "active"}
STATUS_LABELS = {  # the statuses of services.yaml and of overrides, as staff read them
    "active": N_("active"),
    "pending": N_("pending vetting"),
    "suspended": N_("suspended"),
}


async def list_services(turn: Turn) -> None:
    """Every service with the status young people see, and how to change it."""
    overrides = await help_service.service_overrides(turn.session)
    lines = [
        _("Write /service suspend ID or /service activate ID. Services (✅ = young people see "
          "it today):")
    ]
    for service in turn.deps.content.services:
        shown = service.is_visible(turn.today, overrides.get(service.id))
        status = overrides.get(service.id, service.status)
        mark = "✅" if shown else "⛔"
        shown_status = _(STATUS_LABELS[status]) if status in STATUS_LABELS else status
        lines.append(f"{mark} {service.id} · {shown_status} · {service.name_in(turn.language)}")
    turn.reply("\n".join(lines))


async def change_service(turn: Turn, action: str, service_id: str) -> None:
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
    name = service.name_in(turn.language)
    if action == "suspend":
        turn.reply(
            _("Suspended: {name} ({id}). Nobody sees it until /service activate {id}.").format(
                name=name, id=service.id
            )
        )
    elif service.is_visible(turn.today, "active"):
        turn.reply(_("Active again: {name} ({id}).").format(name=name, id=service.id))
    else:
        turn.reply(
            _(
                "The suspension of {name} ({id}) is lifted, but it is still not shown: it is "
                "pending vetting or its review date has passed. Update services.yaml."
            ).format(name=name, id=service.id)
        )


def register(router: Router) -> None:
    """Register /service for admins, in a private chat or the staff chat."""

    @router.command("service", "servicio", roles=ADMINS, chats=ANY)
    async def service_command(turn: Turn) -> None:
        """/service [suspend|activate ID]: list services or change one."""
        if not (turn.is_private or chat_matches(turn.update, STAFF, turn.settings)):
            return
        args = turn.context.args or []
        if len(args) == 2 and args[0].lower() in ACTIONS:
            await change_service(turn, args[0].lower(), args[1].lower())
            return
        await list_services(turn)
