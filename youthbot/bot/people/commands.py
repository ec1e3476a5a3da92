"""Telegram's command menu per role: everyone sees the public commands; a person holding a
role sees theirs too (per-chat command scope, in their language); the staff chat sees the
moderators' commands. Set at start-up and whenever a role is granted or revoked; Telegram
refusing a call is logged and changes nothing else (the commands work either way)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram import BotCommand, BotCommandScopeChat
from telegram.error import TelegramError
from telegram.ext import Application

from ...core.people import users
from ...core.people.roles import RANK, Role, effective_roles
from ...i18n import N_, _, speaking
from ...logsafe import who
from ..runtime.turn import Deps, Turn

logger = logging.getLogger(__name__)

# (command, description): the menu of everyone, in every language.
PUBLIC_COMMANDS = (
    ("start", N_("Start or restart the bot")),
    ("menu", N_("Main menu")),
    ("help", N_("Get help now")),
    ("language", N_("Change language")),
    ("cancel", N_("Cancel what you are doing")),
    ("salir", N_("Quick exit: clear this chat")),
    ("privacy", N_("Privacy: the notice, your data and your choices")),
)
# What each role adds in the person's private chat (each is registered for that role; a test
# checks it against the router).
ROLE_COMMANDS: dict[Role, tuple[tuple[str, str], ...]] = {
    Role.LEADER: (
        ("next", N_("Group quiz: the next question")),
        ("stopquiz", N_("Group quiz: stop it")),
    ),
    Role.MODERATOR: (),  # their commands work in the staff chat (STAFF_CHAT_COMMANDS)
    Role.ADMIN: (
        ("activities", N_("All activities, with filters")),
        ("export", N_("Export activities (XLSX, CSV, charts)")),
        ("quizstats", N_("Quiz figures")),
        ("announce", N_("Send an announcement")),
        ("roles", N_("People with a role")),
        ("grant", N_("Give a role: /grant ID ROLE")),
        ("revoke", N_("Take a role away: /revoke ID ROLE")),
        ("invite", N_("One-time invite code")),
        ("services", N_("The services directory")),
        ("scheduled", N_("Scheduled announcements")),
        ("newpoll", N_("Write an opinion poll")),
        ("polls", N_("Opinion polls and their results")),
        ("campaign", N_("A campaign link and QR code")),
        ("campaigns", N_("Campaign figures")),
        ("blocked", N_("Blocked accounts")),
        ("canned", N_("Canned replies")),
    ),
}
STAFF_CHAT_COMMANDS = (
    ("cases", N_("Open cases")),
    ("note", N_("Internal note on a case")),
    ("casestats", N_("Case figures")),
)
# Safety first: the menu of people can hold at most Telegram's 100 commands.
MAX_COMMANDS = 100


def commands_for(roles: Iterable[Role]) -> list[BotCommand]:
    """The public commands, then each held role's, highest role first, without repeats (in
    the current language)."""
    held = set(roles)
    pairs = list(PUBLIC_COMMANDS)
    for role in RANK:
        if role in held:
            pairs.extend(ROLE_COMMANDS[role])
    seen: set[str] = set()
    commands = []
    for name, text in pairs:
        if name not in seen:
            seen.add(name)
            commands.append(BotCommand(name, _(text)))
    return commands[:MAX_COMMANDS]


def has_own_menu(roles: Iterable[Role]) -> bool:
    return any(ROLE_COMMANDS.get(role) for role in roles)


async def set_person_menu(
    deps: Deps,
    bot,
    *,
    user_id: int,
    language: str,
    roles: Iterable[Role],
    previous_language: str | None = None,
) -> bool:
    """Set (or remove) a person's own command menu: in their chat's scope, once for their
    language and once for any other (Telegram falls back through chat+language, chat, then
    the default menus). False when Telegram refused."""
    scope = BotCommandScopeChat(user_id)
    roles = frozenset(roles)
    try:
        if not has_own_menu(roles):
            for code in (language, None):
                await bot.delete_my_commands(scope=scope, language_code=code)
            return True
        with speaking(deps.catalogs, language):
            commands = commands_for(roles)
        for code in (language, None):
            await bot.set_my_commands(commands, scope=scope, language_code=code)
        if previous_language and previous_language != language:
            await bot.delete_my_commands(scope=scope, language_code=previous_language)
    except TelegramError as exc:
        logger.warning("could not set the command menu of %s: %s", who(user_id),
                       type(exc).__name__)  # fmt: skip
        return False
    return True


def refresh_menu_later(
    turn: Turn,
    *,
    user_id: int,
    language: str,
    roles: Iterable[Role],
    previous_language: str | None = None,
) -> None:
    """After the commit: the person's menu follows their roles (and language)."""
    deps, bot, roles = turn.deps, turn.bot, frozenset(roles)
    turn.later(
        lambda: set_person_menu(deps, bot, user_id=user_id, language=language, roles=roles,
                                previous_language=previous_language)
    )  # fmt: skip


async def refresh_after_change(turn: Turn, user_id: int) -> None:
    """Read the person's roles and language now (after a grant or revoke), and refresh their
    menu after the commit."""
    user, _state = await users.load_user(turn.session, user_id)
    if user is None:
        return
    roles = effective_roles(
        await users.load_roles(turn.session, user), user_id, turn.settings.admin_ids
    )
    refresh_menu_later(turn, user_id=user_id, language=user.language, roles=roles)


async def set_staff_chat_menu(deps: Deps, bot) -> None:
    """The staff chat's menu, in the staff's (default) language."""
    chat_id = deps.settings.staff_chat_id
    if not chat_id:
        return
    try:
        with speaking(deps.catalogs, deps.settings.default_language):
            commands = [BotCommand(name, _(text)) for name, text in STAFF_CHAT_COMMANDS]
        await bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id))
    except TelegramError as exc:
        logger.warning("could not set the staff chat's commands: %s", type(exc).__name__)


async def set_role_menus(application: Application) -> None:
    """At start-up: the staff chat's menu and the menu of everyone holding a role (and the
    configured admins). Each failure is logged; the bot starts anyway."""
    deps: Deps = application.bot_data["deps"]
    bot = application.bot
    await set_staff_chat_menu(deps, bot)
    async with deps.db.session() as session:
        people = await users.role_holders(session)
    for admin_id in deps.settings.admin_ids:
        people.setdefault(admin_id, (deps.settings.default_language, set()))
    for user_id, (language, stored) in people.items():
        roles = effective_roles(stored, user_id, deps.settings.admin_ids)
        language = deps.catalogs.resolve(language, None)
        await set_person_menu(deps, bot, user_id=user_id, language=language, roles=roles)
