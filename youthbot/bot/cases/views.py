"""The views both sides of a case share: topic and outcome labels, places, service cards (in
the young person's language), and the case card, its keyboards and mentions (the staff's)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import time
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, MessageEntity
from telegram import User as TgUser
from telegram.constants import MessageEntityType

from ...core import cases as case_service
from ...core.cases.stats import LABELS as CASE_LABELS
from ...core.cases.teams import Team, build_teams, team_for, team_named
from ...core.help import StaffHours, parse_staff_hours
from ...core.help.directory import Service
from ...db.models import Case
from ...i18n import N_, _, current, language_label, pgettext
from ..runtime.turn import Deps, button, keyboard, url_button
from .actions import (
    ASSIGN,
    BLOCK,
    CANNED,
    CLAIM,
    CLOSE,
    FLAG,
    HAND_OVER,
    NOTE,
    REFER,
    VIEW,
    Outcome,
)

logger = logging.getLogger(__name__)

# One set of topic sentences for the cards, the help screens and the case figures.
TOPIC_LABELS = CASE_LABELS["topic"]
OUTCOME_LABELS = {
    Outcome.HELPED: N_("Helped"),
    Outcome.REFERRED: N_("Referred to a service"),
    Outcome.NO_REPLY: N_("No reply"),
    Outcome.NOT_REAL: N_("Not a real request"),
    Outcome.DUPLICATE: N_("Duplicate"),
}
URL_CHANNELS = {"web": "🌐", "chat": "💬", "whatsapp": "🟢", "telegram": "✈️"}


TEAMS = "cases.teams"


def teams_of(deps: Deps) -> list[Team]:
    """The teams with a configured chat (TEAM_CHATS), then the fallback team (STAFF_CHAT_ID,
    DEFAULT_LANGUAGE, TIMEZONE, STAFF_HOURS); built once per application."""
    teams = deps.extras.get(TEAMS)
    if teams is None:
        settings = deps.settings
        teams = build_teams(
            deps.content.teams,
            chats=settings.team_chats,
            fallback_chat=settings.staff_chat_id,
            fallback_language=settings.default_language,
            fallback_hours=_fallback_hours(deps),
        )
        deps.extras[TEAMS] = teams
    return teams


def team_of(deps: Deps, case: Case | None) -> Team:
    """The team of a case (the fallback team for none, or one no longer configured)."""
    return team_named(teams_of(deps), case.team if case is not None else None)


def team_at(deps: Deps, country: str | None, region: str | None) -> Team:
    """The team that answers people from this place."""
    return team_for(teams_of(deps), country=country, region=region)


def staff_language(deps: Deps, case: Case | None = None) -> str:
    """The language of the staff chat that has the case (the fallback team's without one)."""
    return team_of(deps, case).language


def staff_hours_of(deps: Deps, team: Team | None = None) -> StaffHours:
    """The team's hours; without a team, STAFF_HOURS in TIMEZONE (the fallback team's)."""
    return team.hours if team is not None else teams_of(deps)[-1].hours


def _fallback_hours(deps: Deps) -> StaffHours:
    """STAFF_HOURS in TIMEZONE; a malformed value means "always" (and is logged)."""
    settings = deps.settings
    try:
        return parse_staff_hours(settings.staff_hours, settings.timezone)
    except ValueError as exc:
        logger.warning("%s; treating staff as always available", exc)
        return StaffHours(time(0), time(0), ZoneInfo("UTC"))


def country_name(deps: Deps, country: str | None) -> str:
    found = next((c for c in deps.content.countries if c.id == country), None)
    if found is None:
        return country or _("not said")
    return found.name_in(current().language)


def place_name(deps: Deps, country: str | None, region: str | None) -> str:
    """"Peru · Puno" in the current language; "not said" when the person did not say."""
    found = next((c for c in deps.content.countries if c.id == country), None)
    if found is None:
        return country_name(deps, country)
    area = found.region(region) if region else None
    region_text = area.name_in(current().language) if area else _("region not said")
    return f"{found.name_in(current().language)} · {region_text}"


# Service cards (the young person's language) ----------------------------------------------


def render_service(service: Service, lang: str) -> str:
    """A service as a young person reads it: phone numbers plain, so Telegram makes them
    tappable; web and chat links become buttons (see build_service_links)."""
    lines = [f"📌 {service.name_in(lang)}", service.description_in(lang)]
    for channel in service.channels:
        if channel.kind == "phone":
            lines.append(_("📞 Call: {number}").format(number=channel.value))
        elif channel.kind == "email":
            lines.append(_("✉️ Email: {address}").format(address=channel.value))
    lines.append(_("🕒 {hours}").format(hours=service.hours_in(lang)))
    flags = []
    if service.free:
        flags.append(_("✅ Free"))
    if service.confidential:
        flags.append(_("🔒 Confidential"))
    if flags:
        lines.append(" · ".join(flags))
    return "\n".join(lines)


def build_service_links(services: Sequence[Service], lang: str) -> list[InlineKeyboardButton]:
    """URL buttons for the web, chat, WhatsApp and Telegram channels of `services`."""
    links = []
    for service in services:
        for channel in service.channels:
            if channel.kind in URL_CHANNELS:
                label = f"{URL_CHANNELS[channel.kind]} {service.name_in(lang)}"
                links.append(url_button(label, channel.href))
    return links


def render_emergency_lines(services: Sequence[Service], lang: str) -> str:
    """The emergency numbers first, one per line, then the name and hours."""
    lines = []
    for service in services:
        numbers = [c.value for c in service.channels if c.kind == "phone"]
        if numbers:
            lines.append(f"📞 {' / '.join(numbers)} — {service.name_in(lang)}")
            lines.append(f"     {service.hours_in(lang)}")
    return "\n".join(lines)


# The case as staff see it (the staff chat's language) -------------------------------------


def topic_label(topic: str) -> str:
    return _(TOPIC_LABELS.get(topic, TOPIC_LABELS["other"]))


def render_status(case: Case) -> str:
    if case.status == case_service.CaseStatus.OPEN:
        return _("Waiting for a moderator")
    if case.status == case_service.CaseStatus.CLAIMED:
        return _("Claimed by a moderator")
    if case.status == case_service.CaseStatus.WITHDRAWN:
        return _("Ended by the person")
    return _("Closed: {outcome}").format(outcome=_(OUTCOME_LABELS.get(case.outcome or "", "—")))


# The age group the person chose (users.AGE_BANDS), as the card shows it: never who it is.
AGE_LABELS = {
    "u14": N_("Age: under 14"),
    "14-17": N_("Age: 14–17"),
    "18-25": N_("Age: 18–25"),
    "26+": N_("Age: 26 or older"),
}
AGE_NOT_GIVEN = N_("Age: not given")


def render_case_card(case: Case, deps: Deps) -> str:
    """The case card: number, topic, urgency, place, language, status. Never who it is."""
    team = team_of(deps, case)
    translator = deps.catalogs.get(team.language)
    zone = team.hours.zone
    lines = [
        (_("🚨 URGENT · Case {number}") if case.urgent else _("Case {number}")).format(
            number=case.number
        ),
        _("Topic: {topic}").format(topic=topic_label(case.topic)),
        _("For: {whom}").format(
            whom=_("a friend of the person") if case.for_whom == "friend" else _("the person")
        ),
        _("Where: {place}").format(place=place_name(deps, case.country, case.region)),
        _(AGE_LABELS.get(case.age_band or "", AGE_NOT_GIVEN)),
        _("Language: {language}").format(language=language_label(case.language)),
        _("Opened: {when}").format(
            when=translator.format_datetime(case.opened_at, "short", tzinfo=zone)
        ),
        _("Status: {status}").format(status=render_status(case)),
    ]
    if team.name:
        lines.insert(4, _("Team: {team}").format(team=team.name))
    if case.assigned_to is not None and case.claimed_by == case.assigned_to:
        lines.append(_("Assigned by name to a colleague (see the topic)."))
    return "\n".join(lines)


def build_case_keyboard(case: Case) -> InlineKeyboardMarkup:
    flag_row = [
        button(pgettext("button", "🚩 Flag"), FLAG(case.id)),
        button(pgettext("button", "⛔ Block"), BLOCK(case.id)),
    ]
    if case.status not in case_service.ACTIVE:
        return keyboard(button(pgettext("button", "📄 History"), VIEW(case.id)), flag_row)
    first = [button(pgettext("button", "📄 History"), VIEW(case.id))]
    if case.status == case_service.CaseStatus.OPEN:
        first.insert(0, button(pgettext("button", "✋ Claim"), CLAIM(case.id)))
    return keyboard(
        first,
        [
            button(pgettext("button", "📨 Refer"), REFER(case.id)),
            button(pgettext("button", "📝 Note"), NOTE(case.id)),
        ],
        [
            button(pgettext("button", "🔁 Hand over"), HAND_OVER(case.id)),
            button(pgettext("button", "✅ Close"), CLOSE(case.id)),
        ],
        [
            button(pgettext("button", "💬 Canned reply"), CANNED(case.id)),
            button(pgettext("button", "👤 Assign"), ASSIGN(case.id)),
        ],
        flag_row,
    )


def build_claim_keyboard(case: Case) -> InlineKeyboardMarkup:
    return keyboard(button(pgettext("button", "✋ Claim"), CLAIM(case.id)))


def mention_moderators(text: str, moderator_ids: Sequence[int]) -> tuple[str, list[MessageEntity]]:
    """`text` followed by "moderator 1, moderator 2…", each a mention that notifies them.

    Moderators have no stored names or usernames, so each is mentioned by id through a
    text_mention entity (offsets count UTF-16 code units, as Telegram does).
    """
    if not moderator_ids:
        return text, []
    entities = []
    parts = [text, "\n"]
    for index, moderator_id in enumerate(moderator_ids, start=1):
        label = _("moderator {n}").format(n=index)
        offset = _utf16_len("".join(parts))
        entities.append(
            MessageEntity(
                MessageEntityType.TEXT_MENTION,
                offset,
                _utf16_len(label),
                user=TgUser(moderator_id, label, is_bot=False),
            )
        )
        parts.append(label)
        parts.append(", " if index < len(moderator_ids) else "")
    return "".join(parts), entities


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
