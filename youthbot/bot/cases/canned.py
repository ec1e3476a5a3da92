"""Canned replies from the case card: topic → reply → (a service, for {service}) → preview →
send, in the young person's language; and admins' /canned and /canned_edit.

Only the case's claimant sends one (as with any message to the person); the preview shows the
words the person will read. Roles are checked by the router on every button and command.
"""

from __future__ import annotations

from ...core import cases as case_service
from ...core import help as help_service
from ...core.cases import actions as case_actions
from ...core.cases import canned as canned_service
from ...core.help.directory import Service
from ...core.people.roles import Role
from ...db.models import Case
from ...i18n import _, language_label, pgettext, speaking
from ..runtime.turn import Turn, button, keyboard
from . import notify as staff
from . import views as shared_views
from .actions import CANNED, CANNED_PICK, CANNED_SEND, CANNED_SERVICE, CANNED_TOPIC, CARD
from .staff_views import case_of, refuse_case_error, staff_or_admin_private, staff_text

NO_SERVICE = "-"
LABEL_CHARS = 48


def _may_write(turn: Turn, case: Case) -> bool:
    """Only the claimant writes to the person: told otherwise, and False."""
    if case.status not in case_service.ACTIVE:
        refuse_case_error(turn, case_service.CaseNotActive(case.number))
        return False
    if case.status != case_service.CaseStatus.CLAIMED or case.claimed_by != turn.user_id:
        refuse_case_error(
            turn, case_service.NotClaimant(case.status == case_service.CaseStatus.OPEN)
        )
        return False
    return True


def _library(turn: Turn) -> canned_service.CannedLibrary:
    return turn.deps.content.canned


async def choose_topic(turn: Turn, case_id: int) -> None:
    """💬 Canned reply: which topic?"""
    case = await case_of(turn, case_id)
    if case is None or not _may_write(turn, case):
        return
    lang = shared_views.staff_language(turn.deps, case)
    library = _library(turn)
    with speaking(turn.deps.catalogs, lang):
        rows = [
            button(canned_service.text_in(names, lang), CANNED_TOPIC(case.id, topic))
            for topic, names in library.topics.items() if library.in_topic(topic)
        ]
        rows.append(button(pgettext("button", "⬅️ Back"), CARD(case.id)))
    text = staff_text(turn, case=case, render=lambda: _(
        "💬 A vetted reply for {number}, sent in the person's language ({language}). Which "
        "topic?").format(number=case.number, language=language_label(case.language)))
    staff.post_later(turn, case, text, keyboard(*rows))


async def choose_reply(turn: Turn, case_id: int, topic: str) -> None:
    """A topic: its replies, each by its first words in the staff chat's language."""
    case = await case_of(turn, case_id)
    if case is None or not _may_write(turn, case):
        return
    replies = _library(turn).in_topic(topic)
    if not replies:
        turn.stale()
        return
    lang = shared_views.staff_language(turn.deps, case)
    with speaking(turn.deps.catalogs, lang):
        rows = [button(_short(r.text_in(lang)), CANNED_PICK(case.id, r.id)) for r in replies]
        rows.append(button(pgettext("button", "⬅️ Back"), CANNED(case.id)))
    text = staff_text(turn, case=case, render=lambda: _("Which reply?"))
    turn.edit(text, keyboard(*rows))


def _short(text: str) -> str:
    first = " ".join(text.split())
    return first if len(first) <= LABEL_CHARS else first[: LABEL_CHARS - 1] + "…"


async def pick_reply(turn: Turn, case_id: int, reply_id: str) -> None:
    """A reply: with {service}, which service first; else its preview."""
    case = await case_of(turn, case_id)
    if case is None or not _may_write(turn, case):
        return
    reply = _library(turn).get(reply_id)
    if reply is None:
        turn.stale()
        return
    if not reply.needs_service:
        await _preview(turn, case, reply, None)
        return
    services = await help_service.referable_services(
        turn.session, turn.deps.content.services, country=case.country, today=turn.today
    )
    services.sort(key=lambda s: (case.topic not in s.topics, not s.is_national, s.id))
    lang = shared_views.staff_language(turn.deps, case)
    with speaking(turn.deps.catalogs, lang):
        rows = [button(s.name_in(lang), CANNED_SERVICE(case.id, reply.id, s.id))
                for s in services[:30]]
        rows.append(button(pgettext("button", "⬅️ Back"), CANNED(case.id)))
    text = staff_text(turn, case=case, render=lambda: _(
        "This reply includes a service's card. Which service?"))
    turn.edit(text, keyboard(*rows))


async def pick_service(turn: Turn, case_id: int, reply_id: str, service_id: str) -> None:
    """A service for the reply's {service}: the preview."""
    case = await case_of(turn, case_id)
    if case is None or not _may_write(turn, case):
        return
    reply = _library(turn).get(reply_id)
    service = await _service(turn, service_id)
    if reply is None or service is None:
        turn.stale()
        return
    await _preview(turn, case, reply, service)


async def _service(turn: Turn, service_id: str) -> Service | None:
    if service_id == NO_SERVICE:
        return None
    return await help_service.visible_service(
        turn.session, turn.deps.content.services, service_id, today=turn.today
    )


async def _render(turn: Turn, case: Case, reply, service: Service | None) -> str:
    """The reply as the person will read it, in their language."""
    wording = await canned_service.wording(
        turn.session, _library(turn), reply.id, case.language
    )
    with speaking(turn.deps.catalogs, case.language):
        card = shared_views.render_service(service, case.language) if service else ""
    return wording.format_map({"case": case.number, "service": card})


async def _preview(turn: Turn, case: Case, reply, service: Service | None) -> None:
    text = await _render(turn, case, reply, service)
    lang = shared_views.staff_language(turn.deps, case)
    with speaking(turn.deps.catalogs, lang):
        head = _("Preview ({language}). The person will read:").format(
            language=language_label(case.language))
        if reply.status != "approved":
            head += "\n" + _("⚠️ Wording not yet reviewed by a partner.")
        rows = [
            button(pgettext("button", "✅ Send"),
                   CANNED_SEND(case.id, reply.id, service.id if service else NO_SERVICE)),
            button(pgettext("button", "⬅️ Back"), CANNED(case.id)),
        ]
    turn.edit(f"{head}\n\n{text}", keyboard(*rows))


async def send_reply(turn: Turn, case_id: int, reply_id: str, service_id: str) -> None:
    """✅ Send: the reply goes to the person (as the team, no name), recorded and audited."""
    case = await case_of(turn, case_id)
    if case is None or not _may_write(turn, case):
        return
    reply = _library(turn).get(reply_id)
    service = await _service(turn, service_id)
    unknown_service = service_id != NO_SERVICE and service is None
    if reply is None or unknown_service or reply.needs_service != (service is not None):
        turn.stale()
        return
    text = await _render(turn, case, reply, service)
    try:
        await case_actions.relay_to_person(
            turn.session, case=case, moderator_id=turn.user_id, text=text, now=turn.now
        )
    except case_service.CaseError as error:
        refuse_case_error(turn, error)
        return
    case_actions.record_canned(
        turn.session, case=case, moderator_id=turn.user_id, reply_id=reply.id, now=turn.now
    )

    def render():
        links = shared_views.build_service_links([service], case.language) if service else []
        return _("💬 Our team: {text}").format(text=text), keyboard(*links) if links else None

    staff.tell_person_later(turn, case, render)
    done = staff_text(turn, case=case, render=lambda: _(
        "💬 {number}: canned reply “{reply}” sent to the person.").format(
        number=case.number, reply=reply.id))
    with speaking(turn.deps.catalogs, shared_views.staff_language(turn.deps, case)):
        turn.edit(f"{done}\n\n{text}", shared_views.build_case_keyboard(case))


# Admins: list and reword ---------------------------------------------------------------------


async def list_canned(turn: Turn) -> None:
    """/canned: every reply by topic, its status and which languages an admin reworded."""
    if not staff_or_admin_private(turn):
        return
    library = _library(turn)
    changed = await canned_service.overridden(turn.session)
    lines = [_("Canned replies (id · languages · status):")]
    for topic, names in library.topics.items():
        lines.append("")
        lines.append(f"{canned_service.text_in(names, turn.language)}:")
        for reply in library.in_topic(topic):
            langs = ", ".join(
                f"{lang}*" if (reply.id, lang) in changed else lang for lang in reply.text
            )
            status = (_("approved") if reply.status == "approved"
                      else _("a partner must review it"))
            lines.append(f"• {reply.id} · {langs} · {status}")
    lines.append("")
    lines.append(_("* reworded by an admin. /canned_edit ID LANGUAGE new text changes a reply "
                   "(placeholders: {{case}}, {{service}}).").format())
    turn.reply("\n".join(lines))


async def edit_canned(turn: Turn) -> None:
    """/canned_edit ID LANGUAGE TEXT: an admin rewords a reply in one language (audited)."""
    if not staff_or_admin_private(turn):
        return
    if turn.role is not Role.ADMIN:
        turn.reply(_("Only an admin can change canned replies."))
        return
    parts = turn.text.split(maxsplit=3)
    if len(parts) < 4:
        turn.reply(_("Write /canned_edit, the reply's id, the language and the new text, for "
                     "example: /canned_edit wait-soon en Hi, we have read your message."))
        return
    _command, reply_id, lang, text = parts
    try:
        await canned_service.set_wording(
            turn.session, _library(turn), reply_id=reply_id, lang=lang.lower(), text=text,
            admin_id=turn.user_id, languages=sorted(turn.deps.catalogs.languages),
            now=turn.now,
        )
    except canned_service.UnknownReply:
        turn.reply(_("There is no canned reply {id}. /canned lists them.").format(id=reply_id))
        return
    except canned_service.BadWording:
        turn.reply(_("That wording cannot be used: check the language and the placeholders "
                     "({{case}}, and {{service}} exactly where the reply has it). Nothing was "
                     "changed.").format())
        return
    turn.reply(_("✅ {id} ({language}) now reads:\n\n{text}").format(
        id=reply_id, language=lang.lower(), text=text.strip()))
