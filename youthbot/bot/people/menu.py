"""First contact, language, privacy notice and consent, the main menu and settings."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from ...core import cases as case_service
from ...core.errors import InviteInvalid
from ...core.people import users
from ...core.people.roles import Role
from ...core.people.users import AgeBand
from ...i18n import _, current, pgettext
from ..activities import views as activity_views
from ..activities.actions import MENU as ACTIVITIES_MENU
from ..cases.actions import REOPEN as CASE_REOPEN
from ..privacy.views import notice_button, render_short_notice
from ..quiz.actions import LIST as QUIZ_LIST
from ..runtime.callbacks import Action
from ..runtime.router import ANY, Router, router_of
from ..runtime.turn import Turn, button, keyboard
from .actions import (
    AGE,
    CONSENT,
    CONSENT_AGAIN,
    FIRST_LANGUAGE,
    LANGUAGE,
    MENU,
    SETTINGS,
    SETTINGS_LANGUAGE,
    Agreement,
)
from .admin import render_role_data, role_name
from .commands import has_own_menu, refresh_menu_later
from .views import help_button, menu_button


def build_main_menu_keyboard(turn: Turn) -> InlineKeyboardMarkup:
    return keyboard(
        [
            button(pgettext("button", "🧠 Quizzes"), QUIZ_LIST()),
            button(pgettext("button", "📅 Activities"), ACTIVITIES_MENU()),
        ],
        help_button(),
        button(pgettext("button", "⚙️ Settings"), SETTINGS()),
    )


def render_main_menu(turn: Turn) -> str:
    text = _("What would you like to do?")
    if turn.user is not None and not users.has_consented(turn.user):
        text += "\n\n" + _(
            "You did not agree to the privacy notice: quizzes, activities and help work, and "
            "we keep only your account and language. To agree later: ⚙️ Settings → 🔒 Privacy."
        )
    return text


def show_main_menu(turn: Turn, *, edit: bool = False) -> None:
    """The main menu, or the privacy notice first for someone who has not seen this version."""
    if turn.user is not None and users.needs_notice(turn.user):
        show_privacy_notice(turn, edit=edit)
        return
    send = turn.edit if edit else turn.reply
    send(render_main_menu(turn), build_main_menu_keyboard(turn))


def build_language_keyboard(turn: Turn, action: Action) -> InlineKeyboardMarkup:
    catalogs = turn.deps.catalogs
    return keyboard(
        [button(catalogs.get(lang).language_name, action(lang)) for lang in catalogs.languages],
        help_button(),
    )


def build_notice_keyboard() -> InlineKeyboardMarkup:
    return keyboard(
        [
            button(pgettext("button", "✅ I agree"), CONSENT(Agreement.YES)),
            button(pgettext("button", "No, thanks"), CONSENT(Agreement.NO)),
        ],
        notice_button(),
        help_button(),
    )


def show_privacy_notice(turn: Turn, *, edit: bool = False, changed: bool = False) -> None:
    """The short notice with agree / no, and the complete one a button away; noted as shown."""
    if turn.user is not None:
        users.mark_notice_shown(turn.user)
    send = turn.edit if edit else turn.reply
    role_data = render_role_data(turn.role)
    parts = [
        _("We have changed our privacy notice. Until you agree to the new one, we keep "
          "nothing new about you.") if changed else "",
        render_short_notice(turn.settings),
        role_data or "",
    ]
    send("\n\n".join(p for p in parts if p), build_notice_keyboard())


async def start(turn: Turn) -> None:
    """Greet; a new person chooses a language, then reads the privacy notice."""
    await turn.clear_state()
    args = turn.context.args or []
    if args and args[0].startswith("inv_"):
        await redeem(turn, args[0][4:])
        return
    if args and await router_of(turn.context).open_start_link(turn, args[0]):
        return
    if users.has_consented(turn.user):
        turn.reply(_("Hello again! 👋"))
        show_main_menu(turn)
        return
    turn.reply(
        _(
            "Hello! 👋 I am the Youth Voices for Change bot. I can help you learn about your "
            "rights with short quizzes, find youth activities near you, and get help if you "
            "need it.\n\nWhich language do you prefer?"
        ),
        build_language_keyboard(turn, FIRST_LANGUAGE),
    )


async def choose_first_language(turn: Turn, language: str) -> None:
    """Store the language chosen at first contact and show the privacy notice."""
    if not turn.switch_language(language):
        turn.stale()
        return
    show_privacy_notice(turn, edit=True)


async def ask_language(turn: Turn) -> None:
    """Offer the languages; works in any state."""
    turn.reply(_("Choose your language:"), build_language_keyboard(turn, LANGUAGE))


async def choose_language(turn: Turn, language: str) -> None:
    """Switch language and show the menu in it (a role's command menu follows)."""
    previous = turn.language
    if not turn.switch_language(language):
        turn.stale()
        return
    if has_own_menu(turn.roles):
        refresh_menu_later(turn, user_id=turn.user_id, language=turn.language,
                           roles=turn.roles, previous_language=previous)
    turn.edit(_("Done: I will talk to you in English."))
    show_main_menu(turn)


async def answer_consent(turn: Turn, agreed: Agreement) -> None:
    """Agreement asks for the age group next; a "no" keeps only the language."""
    if agreed is Agreement.YES:
        role_data = render_role_data(turn.role)
        text = _(
            "Thank you. How old are you? This helps us keep you safe. If you are under 14, "
            "we keep only your account, your language and your age group."
        )
        turn.edit(
            "\n\n".join(filter(None, [text, role_data])), build_age_keyboard(AGE)
        )
        return
    text = _(
        "That is fine. We keep only your Telegram account and your language (and, if you ask "
        "to talk to a person, that conversation). You can play quizzes (nothing is kept), read "
        "activities and get help at any time. To agree later: ⚙️ Settings → 🔒 Privacy."
    )
    if turn.user is not None and turn.user.consent_version is not None:
        # They agreed to an earlier notice: nothing new is kept, the old stays until asked.
        text = _(
            "That is fine: from now on we keep nothing new about you. What you shared "
            "before stays until you delete it with /delete_my_data, or withdraw your "
            "agreement in ⚙️ Settings → 🔒 Privacy. You can still get help at any time."
        )
    role_data = render_role_data(turn.role)
    if role_data:
        text += "\n\n" + role_data
    turn.edit(text)
    show_main_menu(turn)


def build_age_keyboard(action: Action) -> InlineKeyboardMarkup:
    """The four age groups (`action` takes the band: first contact, or a change in Settings)."""
    return keyboard(
        [
            button(_("Under 14"), action(AgeBand.UNDER_14)),
            button(_("14 to 17"), action(AgeBand.FROM_14_TO_17)),
        ],
        [
            button(_("18 to 25"), action(AgeBand.FROM_18_TO_25)),
            button(_("26 or older"), action(AgeBand.FROM_26)),
        ],
    )


async def read_notice_again(turn: Turn) -> None:
    """The person wants to read the privacy notice again; agreeing or not comes next."""
    show_privacy_notice(turn, edit=True)


async def choose_age_band(turn: Turn, band: AgeBand) -> None:
    """Record consent with the age group; under-14s are told exactly what is kept."""
    users.record_consent(turn.user, age_band=band, now=turn.now)
    role_data = render_role_data(turn.role)
    if band == users.ANONYMOUS_AGE_BAND and role_data:
        # Their role keeps more (said next): not "only".
        text = _("Thank you! Because you are under 14, we will not keep your quiz answers, "
                 "progress or region.")
    elif band == users.ANONYMOUS_AGE_BAND:
        text = _(
            "Thank you! Because you are under 14, we keep only your Telegram account, your "
            "language and your age group: not your quiz answers, progress or region. If you "
            "ask to talk to a person, that conversation is kept until {days} days after it "
            "ends. Everything still works."
        ).format(days=turn.settings.case_retention_days)
    else:
        text = _("Thank you! You are all set.")
    turn.edit("\n\n".join(filter(None, [text, role_data])))
    show_main_menu(turn)


async def menu(turn: Turn) -> None:
    """The main menu, from any state (the conversation in progress is left)."""
    await turn.clear_state()
    show_main_menu(turn)


async def press_menu(turn: Turn) -> None:
    """The person pressed Menu: what they were doing is left; the main menu."""
    await turn.clear_state()
    show_main_menu(turn, edit=True)


async def cancel(turn: Turn) -> None:
    """Leave whatever was going on; says truthfully what was kept (an activity's draft)."""
    state = turn.state
    await turn.clear_state()
    if not turn.is_private:
        return
    note = None
    if state is not None and state.flow == activity_views.FLOW:
        note = activity_views.render_cancelled(state.step, dict(state.data or {}))
    turn.reply(note or (_("Cancelled.") if state is not None else
                        _("There was nothing to cancel.")))
    show_main_menu(turn)


async def settings_command(turn: Turn) -> None:
    """The person wrote /settings: their settings; a setting is chosen next."""
    show_settings(turn)


async def press_settings(turn: Turn) -> None:
    """The person pressed Settings: their settings; a setting is chosen next."""
    show_settings(turn, edit=True)


async def press_language(turn: Turn) -> None:
    """The person wants another language: the languages; one is chosen next."""
    turn.edit(_("Choose your language:"), build_language_keyboard(turn, LANGUAGE))


async def enter_code(turn: Turn) -> None:
    """Redeem an invite code typed after the command."""
    args = turn.context.args or []
    if not args:
        turn.reply(_("Please write the code after the command, like this: /code ABCD2345"))
        return
    await redeem(turn, args[0])


def register(router: Router) -> None:
    """Register first contact, menu, language and settings."""
    router.command("start")(start)
    router.button(FIRST_LANGUAGE)(choose_first_language)
    router.command("language", "idioma", chats=ANY)(ask_language)
    router.button(LANGUAGE)(choose_language)
    router.button(CONSENT)(answer_consent)
    router.button(CONSENT_AGAIN)(read_notice_again)
    router.button(AGE)(choose_age_band)
    router.command("menu")(menu)
    router.button(MENU)(press_menu)
    router.command("cancel", "cancelar", chats=ANY)(cancel)
    router.command("settings", "ajustes")(settings_command)
    router.button(SETTINGS)(press_settings)
    router.button(SETTINGS_LANGUAGE)(press_language)
    router.command("code", "codigo")(enter_code)
    router.fallback = unknown
    router.form_left = form_left


def show_settings(turn: Turn, *, edit: bool = False) -> None:
    send = turn.edit if edit else turn.reply
    send(
        _("Settings"),
        keyboard(
            button(pgettext("button", "🌐 Language"), SETTINGS_LANGUAGE()),
            *(item(turn) for item in router_of(turn.context).settings_items),
            [menu_button(), help_button()],
        ),
    )


async def redeem(turn: Turn, code: str) -> None:
    """Give the role of an invite code to the person using it."""
    try:
        role = await users.redeem_invite(turn.session, code=code, user=turn.user, now=turn.now)
    except InviteInvalid:
        turn.reply(
            _(
                "That code does not work. It may have expired or been used already. "
                "Please ask your coordinator for a new one."
            )
        )
        return
    refresh_menu_later(turn, user_id=turn.user_id, language=turn.language,
                       roles=turn.roles - {Role.YOUNG} | {role})
    welcome = _("Welcome! Your new role: {role}.").format(role=role_name(role))
    turn.reply("\n\n".join(filter(None, [welcome, render_role_data(role)])))
    show_main_menu(turn)


async def form_left(turn: Turn) -> None:
    """Text long after a form was left unfinished: not taken as its answer; the menu."""
    turn.reply(
        _(
            "You left a form unfinished a while ago, so I did not take this message as an "
            "answer to it. Anything already saved is kept: an unfinished activity waits in "
            "📅 Activities → ➕ Register an activity."
        )
    )
    show_main_menu(turn)


async def unknown(turn: Turn) -> None:
    """Text or a command the bot does not know: a kind hint and the menu; right after a help
    conversation ended, the way back to it instead (nothing is passed on to the team)."""
    if turn.is_private and turn.user is not None:
        case = await case_service.reopenable_case(turn.session, turn.user_id, now=turn.now)
        if case is not None:
            until = current().format_date(case.reopen_until.date(), "long")
            turn.reply(
                _("Your conversation with our team ({number}) has ended, so this message was "
                  "not passed on to them. To talk to them again, reopen it (until {date}) or "
                  "press “Get help”.").format(number=case.number, date=until),
                keyboard(button(pgettext("button", "🔁 Reopen"), CASE_REOPEN(case.id)),
                         [menu_button(), help_button()]),
            )
            return
    turn.reply(
        _(
            "Sorry, I did not understand that. Please use the buttons below. If you need "
            "help, press “Get help” or write /help."
        )
    )
    show_main_menu(turn)
