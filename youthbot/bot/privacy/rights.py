"""People's rights in the bot, besides deletion (bot/privacy/data.py): read the complete
privacy notice (/privacidad), see everything kept (/mis_datos), correct the age group and
region, withdraw agreement without deleting the account; and a changed notice shown again."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from ...core.people import users
from ...core.people.users import AgeBand
from ...core.privacy import mine
from ...core.privacy.mine import ActivityKept, Kept
from ...i18n import N_, _, ngettext, pgettext
from ..people.actions import CONSENT, CONSENT_AGAIN, SETTINGS, Agreement
from ..people.admin import role_name
from ..people.menu import build_age_keyboard, show_privacy_notice
from ..people.views import help_button, menu_button
from ..runtime.router import Router
from ..runtime.turn import Turn, button, keyboard
from .actions import (
    AGE_BAND,
    ASK_AGE,
    ASK_DELETE,
    ASK_REGION,
    ASK_WITHDRAW,
    MY_DATA,
    NOTICE,
    PRIVACY,
    REGION,
    WITHDRAW,
    Confirm,
)
from .views import my_data_button, notice_button, privacy_button, render_full_notice

logger = logging.getLogger(__name__)

NONE = "-"
AGE_NAMES = {
    AgeBand.UNDER_14: N_("under 14"),
    AgeBand.FROM_14_TO_17: N_("14 to 17"),
    AgeBand.FROM_18_TO_25: N_("18 to 25"),
    AgeBand.FROM_26: N_("26 or older"),
}
CASE_STATES = {
    "open": N_("waiting for a person"),
    "claimed": N_("with a person"),
    "closed": N_("closed"),
    "withdrawn": N_("ended"),
}


# Views ---------------------------------------------------------------------------------------


def age_name(band: str | None) -> str:
    return _(AGE_NAMES[AgeBand(band)]) if band in users.AGE_BANDS else _("not given")


def place_name(turn: Turn, country_id: str | None, region_id: str | None) -> str:
    country = next((c for c in turn.deps.content.countries if c.id == country_id), None)
    if country is None:
        return _("not chosen")
    region = country.region(region_id) if region_id else None
    names = [region.name_in(turn.language)] if region else []
    return ", ".join([*names, country.name_in(turn.language)])


def render_activity(turn: Turn, activity: ActivityKept) -> str:
    when = (
        turn.translator.format_date(activity.starts_at.date(), "medium")
        if activity.starts_at
        else "—"
    )
    return f"• {activity.title or '—'} ({when})"


def render_my_data(turn: Turn, kept: Kept) -> str:
    """Everything kept about the person, in their language, by kind."""
    user, fmt = kept.user, turn.translator.format_date
    agreed = (
        _("version {version}, on {date}").format(
            version=user.consent_version, date=fmt(user.consent_at.date(), "medium")
        )
        if user.consent_version is not None and user.consent_at is not None
        else _("not given")
    )
    lines = [
        _("📋 What we keep about you"),
        "",
        _("• Your Telegram account: the number {id}").format(id=user.id),
        _("• Language: {language}").format(language=turn.translator.language_name),
        _("• Age group: {band}").format(band=age_name(user.age_band)),
        _("• Region: {region}").format(region=place_name(turn, user.country, user.region)),
        _("• Agreement to the privacy notice: {agreed}").format(agreed=agreed),
        _("• Role: {role}").format(role=role_name(user.role)),
        _("• First used: {first}; last used: {last}").format(
            first=fmt(user.created_on, "medium"), last=fmt(user.last_seen_on, "medium")
        ),
    ]
    if not users.is_anonymous(user):
        lines.append(
            _("• Announcements: {announcements}; activity reminders: {reminders}").format(
                announcements=_("on") if user.notify_announcements else _("off"),
                reminders=_("on") if user.notify_reminders else _("off"),
            )
        )
    lines += ["", _("Quizzes:")]
    titles = {q.id: q.title_in(turn.language) for q in turn.deps.content.quizzes}
    for quiz in kept.quizzes:
        parts = []
        if quiz.best is not None:
            parts.append(_("best score {score}").format(score=quiz.best))
        if quiz.open_attempt:
            parts.append(_("one in progress"))
        parts.append(ngettext_answers(quiz.answers))
        lines.append(f"• {titles.get(quiz.quiz_id, quiz.quiz_id)}: " + ", ".join(parts))
    if kept.badge:
        lines.append(_("• 🏅 the badge for finishing every quiz"))
    if not kept.quizzes and not kept.badge:
        lines.append(_("• nothing kept"))
    lines += ["", _("Activities you joined:")]
    lines += [render_activity(turn, a) for a in kept.joined] or [_("• none")]
    lines += ["", _("Conversations with our team:")]
    for case in kept.cases:
        lines.append(
            _(
                "• {number} ({state}, since {date}): {person} from you, {team} from the team, "
                "{notes} internal notes of the team"
            ).format(
                number=case.number,
                state=_(CASE_STATES.get(case.status, case.status)),
                date=fmt(case.opened_on, "medium"),
                person=case.from_person,
                team=case.from_team,
                notes=case.notes,
            )
        )
    if not kept.cases:
        lines.append(_("• none"))
    if kept.registered or kept.reports:
        lines += ["", _("Activities you registered:")]
        lines += [render_activity(turn, a) for a in kept.registered]
        lines.append(_("Reports you wrote: {count}").format(count=kept.reports))
    lines += [
        "",
        _(
            "Also, for up to 48 hours, the ids of this chat's messages (so that quick exit can "
            "delete them). Totals without names are not about you. To delete everything: "
            "/delete_my_data."
        ),
    ]
    return "\n".join(lines)


def ngettext_answers(count: int) -> str:
    return ngettext("{count} answer kept", "{count} answers kept", count).format(count=count)


def render_privacy_menu(turn: Turn) -> str:
    user = turn.user
    if users.has_consented(user):
        status = _("You agreed to the privacy notice (version {version}).").format(
            version=user.consent_version
        )
        if users.is_anonymous(user):
            status += " " + _("You are under 14: we keep no quiz answers, progress or region.")
    else:
        status = _(
            "You have not agreed to the privacy notice: we keep only your account and "
            "language (and a conversation with our team, if you ask for one)."
        )
    return "\n\n".join([_("🔒 Privacy"), status])


def build_privacy_keyboard(turn: Turn) -> InlineKeyboardMarkup:
    user = turn.user
    rows: list[list[InlineKeyboardButton] | InlineKeyboardButton] = [
        [notice_button(), my_data_button()]
    ]
    if users.has_consented(user):
        rows.append(button(pgettext("button", "🎂 Change my age group"), ASK_AGE()))
        if not users.is_anonymous(user):
            rows.append(button(pgettext("button", "📍 Change my region"), ASK_REGION()))
        rows.append(button(pgettext("button", "✋ Withdraw my agreement"), ASK_WITHDRAW()))
    else:
        rows.append(button(pgettext("button", "✅ Read the notice and agree"), CONSENT_AGAIN()))
    rows.append(button(pgettext("button", "🗑 Delete my data"), ASK_DELETE()))
    rows.append([button(pgettext("button", "⚙️ Settings"), SETTINGS()), menu_button()])
    return keyboard(*rows)


def back_keyboard() -> InlineKeyboardMarkup:
    return keyboard([privacy_button(), menu_button()], help_button())


# Handlers ------------------------------------------------------------------------------------


def show_full_notice(turn: Turn, *, edit: bool) -> None:
    if turn.user is not None and not users.has_consented(turn.user):
        markup = keyboard(
            [
                button(pgettext("button", "✅ I agree"), CONSENT(Agreement.YES)),
                button(pgettext("button", "No, thanks"), CONSENT(Agreement.NO)),
            ],
            [menu_button(), help_button()],
        )
        users.mark_notice_shown(turn.user)
    else:
        markup = back_keyboard()
    (turn.edit if edit else turn.reply)(render_full_notice(turn.settings), markup)


async def notice_command(turn: Turn) -> None:
    """They sent /privacidad: the complete privacy notice (agree or not, if they have not)."""
    show_full_notice(turn, edit=False)


async def press_notice(turn: Turn) -> None:
    """They pressed 📄 Privacy notice: the complete notice."""
    show_full_notice(turn, edit=True)


async def show_my_data(turn: Turn, *, edit: bool) -> None:
    kept = await mine.what_we_keep(turn.session, user=turn.user)
    (turn.edit if edit else turn.reply)(render_my_data(turn, kept), back_keyboard())


async def my_data_command(turn: Turn) -> None:
    """They sent /mis_datos: everything kept about them."""
    await show_my_data(turn, edit=False)


async def press_my_data(turn: Turn) -> None:
    """They pressed 📋 My data: everything kept about them."""
    await show_my_data(turn, edit=True)


async def press_privacy(turn: Turn) -> None:
    """They pressed 🔒 Privacy: their agreement, and what they can change next."""
    turn.edit(render_privacy_menu(turn), build_privacy_keyboard(turn))


async def ask_age(turn: Turn) -> None:
    """They want to correct their age group: the groups; one is chosen next."""
    if not users.has_consented(turn.user):
        turn.stale()
        return
    turn.edit(
        _("Your age group now: {band}. Choose the right one:").format(
            band=age_name(turn.user.age_band)
        ),
        build_age_keyboard(AGE_BAND),
    )


async def set_age(turn: Turn, band: AgeBand) -> None:
    """A new age group; under 14, what under-14s do not keep is deleted at once."""
    user = turn.user
    if not users.has_consented(user):
        turn.stale()
        return
    was_anonymous = users.is_anonymous(user)
    user.age_band = band.value
    text = _("Saved: your age group is {band}.").format(band=age_name(band.value))
    if band.value == users.ANONYMOUS_AGE_BAND and not was_anonymous:
        await mine.make_anonymous(turn.session, user=user, withdraw=False)
        text += "\n\n" + _(
            "Because you are under 14, we deleted your quiz answers and progress, your region "
            "and the activities you joined. We keep only your account, your language and your "
            "age group (and a conversation with our team, if you ask for one)."
        )
    elif was_anonymous and band.value != users.ANONYMOUS_AGE_BAND:
        text += "\n\n" + _(
            "From now on we keep your quiz progress, and you can choose a region and join "
            "activities."
        )
    turn.edit(text, back_keyboard())


async def ask_region(turn: Turn) -> None:
    """They want to choose or change their region: the regions; one is chosen next."""
    if turn.anonymous:
        turn.stale()
        return
    rows = []
    for country in turn.deps.content.countries:
        rows += [
            button(
                f"{region.name_in(turn.language)}, {country.name_in(turn.language)}",
                REGION(country.id, region.id),
            )
            for region in country.regions
        ]
    pairs = [rows[i : i + 2] for i in range(0, len(rows), 2)]
    turn.edit(
        _(
            "Your region now: {region}. It decides which services and activities come first "
            "for you. Choose yours:"
        ).format(region=place_name(turn, turn.user.country, turn.user.region)),
        keyboard(
            *pairs,
            button(pgettext("button", "I'd rather not say"), REGION(NONE, NONE)),
            privacy_button(),
        ),
    )


async def set_region(turn: Turn, country: str, region: str) -> None:
    """Their region, checked against the configured list; "-" forgets it."""
    if turn.anonymous:
        turn.stale()
        return
    if country == NONE:
        turn.user.country = turn.user.region = None
    else:
        found = next((c for c in turn.deps.content.countries if c.id == country), None)
        if found is None or found.region(region) is None:
            turn.stale()
            return
        turn.user.country, turn.user.region = country, region
    turn.edit(
        _("Saved: your region is {region}.").format(
            region=place_name(turn, turn.user.country, turn.user.region)
        ),
        back_keyboard(),
    )


async def ask_withdraw(turn: Turn) -> None:
    """They want to withdraw their agreement: what it does; are they sure?"""
    if not users.has_consented(turn.user):
        turn.stale()
        return
    turn.edit(
        _(
            "If you withdraw your agreement, we delete your quiz answers and progress, your "
            "age group, your region and the activities you joined, and keep nothing new. Your "
            "account stays, with your language, so the bot keeps working; a conversation with "
            "our team stays until it is deleted as usual. Withdraw?"
        ),
        keyboard(
            [
                button(pgettext("button", "✋ Yes, withdraw"), WITHDRAW(Confirm.YES)),
                button(pgettext("button", "No, keep it"), WITHDRAW(Confirm.NO)),
            ]
        ),
    )


async def withdraw(turn: Turn, answer: Confirm) -> None:
    """Yes: the person becomes anonymous and is told what remains; no changes nothing."""
    if answer is Confirm.NO or not users.has_consented(turn.user):
        turn.edit(_("Nothing was changed."), back_keyboard())
        return
    await mine.make_anonymous(turn.session, user=turn.user, withdraw=True)
    logger.info("a person withdrew their agreement")
    text = _(
        "Done: you withdrew your agreement. We deleted your quiz answers and progress, your "
        "age group, your region and the activities you joined. We keep only your Telegram "
        "account and your language (and any conversation with our team, until it is deleted "
        "as usual). You can agree again at any time in ⚙️ Settings → 🔒 Privacy."
    )
    role = turn.user.role
    if role != "young":
        text += "\n\n" + _("You keep your role ({role}): what it needs is still kept.").format(
            role=role_name(role)
        )
    turn.edit(text, back_keyboard())


async def show_changed_notice(turn: Turn) -> None:
    """After any turn of someone who saw an older notice: the new one, once (an after hook).
    Not after a quick exit (nothing may reach a held chat), nor in groups."""
    user = turn.user
    if (
        user is None
        or not turn.is_private
        or user.held_since is not None
        or not users.notice_changed(user)
    ):
        return
    show_privacy_notice(turn, changed=True)


def build_privacy_item(turn: Turn) -> list[InlineKeyboardButton]:
    return [privacy_button(), my_data_button()]


def register(router: Router) -> None:
    """Register the notice, my data, the privacy settings and the changed-notice check."""
    router.command("privacidad", "privacy")(notice_command)
    router.button(NOTICE)(press_notice)
    router.command("mis_datos", "my_data")(my_data_command)
    router.button(MY_DATA)(press_my_data)
    router.button(PRIVACY)(press_privacy)
    router.button(ASK_AGE)(ask_age)
    router.button(AGE_BAND)(set_age)
    router.button(ASK_REGION)(ask_region)
    router.button(REGION)(set_region)
    router.button(ASK_WITHDRAW)(ask_withdraw)
    router.button(WITHDRAW)(withdraw)
    router.after_hooks.append(show_changed_notice)
