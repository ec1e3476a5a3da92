"""How `youthbot console` starts: which database (the same one every other command uses when
DATABASE_URL is set), the role to try, and whether to send `/start` or welcome back.

The lines printed here are for the developer at the terminal (English, like the rest of the
console's own lines); what the bot says goes through the catalogs as always.
"""

from __future__ import annotations

from sqlalchemy.engine import make_url
from telegram.ext import Application

from .config import Settings
from .core.people import users
from .core.people.roles import Role, effective_roles

CONSOLE_DATABASE_URL = "sqlite+aiosqlite:///youthbot-console.sqlite3"
ROLES = (Role.LEADER, Role.MODERATOR, Role.ADMIN)


def choose_database(settings: Settings, given: str | None) -> tuple[Settings, str]:
    """The console's settings and the line that says which database it uses: `--database`,
    else DATABASE_URL (or DATABASE_HOST) when set, else the console's own file."""
    if given:
        settings = settings.model_copy(update={"database_url": given})
        why = "--database; other commands reach it with DATABASE_URL set to it"
    elif settings.database_configured:
        why = "DATABASE_URL, as every other youthbot command"
    else:
        settings = settings.model_copy(update={"database_url": CONSOLE_DATABASE_URL})
        why = (
            "the console's own file, as DATABASE_URL is not set; other commands reach it "
            f"after: export DATABASE_URL={CONSOLE_DATABASE_URL}"
        )
    shown = make_url(settings.database_url).render_as_string(hide_password=True)
    return settings, f"Database: {shown} ({why}).\n"


async def known_state(application: Application, user_id: int) -> tuple[bool, str | None]:
    """Whether the database already knows this person (they went through /start, or are in
    a conversation), and the conversation (flow) they are in, if any."""
    deps = application.bot_data["deps"]
    async with deps.db.session() as session:
        user, state = await users.load_user(session, user_id)
    if state is not None:
        return True, state.flow
    known = user is not None and (user.consent_version is not None or user.age_band is not None)
    return known, None


def welcome_back(user_id: int, flow: str | None) -> str:
    """The console's resume prompt, instead of a `/start` that would hide where they were."""
    if flow is not None:
        return (
            f"Welcome back, user {user_id}: you are in the middle of '{flow}', so /start was "
            "not sent. Answer its last question, or /cancel; /menu shows the menu.\n"
        )
    return (
        f"Welcome back, user {user_id}: this database already knows you, so /start was not "
        "sent. Type /menu for the menu, or /start to begin again.\n"
    )


async def ensure_role(
    application: Application, user_id: int, role: Role, *, unless: tuple[Role, ...] = ()
) -> bool:
    """Give `user_id` `role` in the console's database (unless they already have it or one of
    `unless`); True when it was granted now."""
    deps = application.bot_data["deps"]
    async with deps.db.session() as session:
        user, _state = await users.load_user(session, user_id)
        current = effective_roles(
            await users.load_roles(session, user), user_id, deps.settings.admin_ids
        )
        if role in current or current & set(unless):
            return False
        await users.grant_role(
            session,
            actor_id=None,
            user_id=user_id,
            role=role,
            default_language=deps.settings.default_language,
            today=deps.clock().date(),
        )
    return True
