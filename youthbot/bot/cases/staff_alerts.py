"""What the staff chat is told about cases: a new case, one that became urgent, someone in
danger without a case, and a case handed back to the team."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from telegram.error import TelegramError

from ...core import cases as case_service
from ...core import help as help_service
from ...core.cases import staff as case_staff
from ...core.help.directory import Service
from ...db.models import Case
from ...i18n import N_, _, current, language_label, speaking
from ..help.emergency import describe_lines
from ..runtime import notify
from ..runtime.turn import Turn
from .notify import (
    notifier_for,
    post_later,
    refresh_card_later,
    tell_person_later,
)
from .views import (
    build_case_keyboard,
    build_claim_keyboard,
    country_name,
    mention_moderators,
    render_case_card,
    staff_language,
    team_at,
    team_of,
    topic_label,
)

logger = logging.getLogger(__name__)

# What danger words of each kind were about, as the staff alert names them (never the words).
DETECTED = {
    "forced": N_("being forced into sex or work"),
    "sold_or_taken": N_("being sold or taken away"),
    "image_threat": N_("threats with intimate pictures"),
    "held": N_("being held and not let go"),
    "abuse": N_("sexual abuse"),
    "suicide": N_("suicide or self-harm"),
    "danger": N_("being in danger"),
}


def hand_back_later(turn: Turn, cases: Sequence[Case]) -> None:
    """Cases whose moderator left the team (deleted their data, or lost the role), released
    by `case_actions.release_claims`: announced as a hand-over, and re-alerted on schedule."""
    for case in cases:
        case.next_alert_at = turn.now + timedelta(minutes=turn.settings.case_realert_minutes)
        announce_handed_over(turn, case)


def announce_handed_over(turn: Turn, case: Case) -> None:
    """The team is asked for a moderator; the person is told someone will continue."""
    with speaking(turn.deps.catalogs, staff_language(turn.deps, case)):
        text = _("🔁 {number} was handed over and needs a moderator.").format(number=case.number)
    post_later(turn, case, text, build_claim_keyboard(case))
    refresh_card_later(turn, case)
    tell_person_later(
        turn,
        case,
        lambda: (_("Another person from our team will continue with you soon."), None),
    )


def case_title(case: Case) -> str:
    """The forum topic's name: the number and the topic, nothing about the person."""
    title = _("{number} · {topic}").format(number=case.number, topic=topic_label(case.topic))
    return f"🚨 {title}" if case.urgent else title


async def announce_case_later(turn: Turn, case: Case, *, danger: str | None = None) -> None:
    """Post a new case in the staff chat (its own topic when it is a forum), and, when it is
    urgent, an alert that mentions the moderators at once (saying which danger words were
    detected when `danger`, their category, opened it)."""
    deps, bot = turn.deps, turn.bot
    team = team_of(deps, case)
    moderators = (
        await case_staff.on_duty_moderators(turn.session, team=team.id) if case.urgent else []
    )
    shown = await _lines_of(turn, case) if case.urgent else []
    with speaking(deps.catalogs, team.language):
        title, card, markup = case_title(case), render_case_card(case, deps), build_case_keyboard(
            case
        )
        alert, entities = mention_moderators(
            render_urgent(case, shown, deps, danger=danger), moderators
        )
    case_id, urgent = case.id, case.urgent

    async def send() -> None:
        notifier = notifier_for(deps, bot, case)
        try:
            place = await notifier.open_thread(title=title, text=card, markup=markup)
        except TelegramError as exc:
            logger.warning("could not post case %s to the staff chat: %s", case_id,
                           type(exc).__name__)
            return
        async with deps.db.session() as session:
            await case_staff.set_staff_place(
                session,
                case_id=case_id,
                chat_id=place.chat_id,
                thread_id=place.thread_id,
                message_id=place.message_id,
            )

    turn.later(send)
    if urgent:
        # At least once, even across a crash (the outbox): in the team's chat itself, since
        # the case's topic is only made after the commit; remembered, and deleted with the
        # case's texts like every post outside a topic.
        post_later(turn, case, alert, None, entities, durable=True)


def render_urgent(
    case: Case, shown: Sequence[Service], deps, *, danger: str | None = None, claim: bool = True
) -> str:
    """The urgent alert: why (they said so, or danger words of the kind `danger`) and the
    emergency lines the person was shown; asking for a claim when `claim`."""
    lines = describe_lines(shown, current().language)
    if danger is None:
        text = _("🚨 URGENT: {number} — the person said they are in danger right now. They "
                 "were shown: {lines}.").format(number=case.number, lines=lines)
    else:
        text = _("🚨 URGENT: {number} — the person wrote danger words about {what}. They were "
                 "shown: {lines}.").format(
            number=case.number, what=_(DETECTED.get(danger, DETECTED["danger"])), lines=lines
        )
    return text + " " + _("Please claim it now.") if claim else text


async def _lines_of(turn: Turn, case: Case) -> list[Service]:
    """The emergency lines of the case's country: the ones the person was shown."""
    return await help_service.emergency_lines(
        turn.session, turn.deps.content.services, country=case.country, today=turn.today
    )


async def signal_danger_later(
    turn: Turn, *, country: str | None, shown: Sequence[Service] = ()
) -> None:
    """Someone without a case said they are in danger: tell the team at once, with mentions.

    No case and no identity: whether a person writes to them stays their choice (a message
    arriving unasked on a watched phone could put them at risk). If they accept, an urgent
    case opens and is announced as usual.
    """
    deps = turn.deps
    team = team_at(deps, country, None)
    chat_id = team.chat_id
    if chat_id is None:
        return
    moderators = await case_staff.on_duty_moderators(turn.session, team=team.id)
    with speaking(deps.catalogs, team.language):
        text = _(
            "🚨 Someone has just said they are in danger right now (country: {country}, "
            "language: {language}). They were shown: {lines}. They were offered a person: if "
            "they accept, an urgent case opens here at once."
        ).format(
            country=country_name(deps, country),
            language=language_label(turn.language),
            lines=describe_lines(shown, team.language),
        )
        text, entities = mention_moderators(text, moderators)
    notify.staff(turn, chat_id, text, entities=entities or None, durable=True)


async def alert_urgent_later(turn: Turn, case: Case, *, danger: str | None = None) -> None:
    """An open case just became urgent (through danger words of the kind `danger`, when
    given): alert with mentions and update the card. A claimed one is not put up for claiming
    again: only its moderator is told, in its topic."""
    deps = turn.deps
    shown = await _lines_of(turn, case)
    team = team_of(deps, case)
    with speaking(deps.catalogs, team.language):
        if case.status == case_service.CaseStatus.OPEN:
            moderators = await case_staff.on_duty_moderators(turn.session, team=team.id)
            text, entities = mention_moderators(
                render_urgent(case, shown, deps, danger=danger), moderators
            )
            claim = build_claim_keyboard(case)
        else:
            text = render_urgent(case, shown, deps, danger=danger, claim=False)
            claimant = [case.claimed_by] if case.claimed_by is not None else []
            text, entities = mention_moderators(text, claimant)
            claim = None
    post_later(turn, case, text, claim, entities, durable=True)
    refresh_card_later(turn, case)
