"""A newcomer's first steps (issue 15): the console and every other command agree on the
database, `--role` tries each role, `--help` lists every command, and restarting the console
resumes where the person was instead of sending /start again."""

from __future__ import annotations

import argparse
import io

import pytest
from sqlalchemy import select

from tests.cli.test_cli import youthbot
from youthbot.cli import build_parser
from youthbot.config import Settings
from youthbot.console import run_console
from youthbot.core.people.roles import Role
from youthbot.db.engine import Database
from youthbot.db.models import ChatState, User

LANGUAGES = pytest.mark.parametrize("lang", ["es", "en"])
ONBOARD = {"es": ["1", "1", "2"], "en": ["2", "1", "2"]}  # language, I agree, 14 to 17
ACTIVITIES = {"es": "📅 Actividades", "en": "📅 Activities"}
REGISTER = {"es": "➕ Registrar una actividad", "en": "➕ Register an activity"}
REVIEW = {"es": "🛂 Revisar pendientes", "en": "🛂 Review pending"}
TITLE_QUESTION = {
    "es": "¿Cómo se llama la actividad? Escribe un título corto (hasta 80 caracteres).",
    "en": "What is the activity called? Write a short title (up to 80 characters).",
}
KIND_QUESTION = {"es": "¿Qué tipo de actividad es?", "en": "What kind of activity is it?"}
CONSOLE_FILE = "sqlite+aiosqlite:///youthbot-console.sqlite3"


def test_help_lists_every_command():
    parser = build_parser()
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    shown = parser.format_help()
    helps = {choice.dest: choice.help for choice in commands._choices_actions}
    assert set(commands.choices) == set(helps)  # every command has a help line
    for name, text in helps.items():
        assert text and f"    {name}" in shown and text in shown
    for name in ("run", "console", "db", "content", "roles", "stats", "announce", "export",
                 "danger"):
        assert name in commands.choices and name in parser.description


def test_the_console_and_roles_grant_use_the_same_database(tmp_path):
    first = youthbot("console", "--lang", "en", cwd=tmp_path, stdin="2\n1\n2\n")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith(
        f"Database: {CONSOLE_FILE} (the console's own file, as DATABASE_URL is not set; "
        f"other commands reach it after: export DATABASE_URL={CONSOLE_FILE}).\n"
    )
    assert "> /start\n" in first.stdout
    env = {"DATABASE_URL": CONSOLE_FILE}  # as the README's quick start says
    granted = youthbot("roles", "grant", "10001", "leader", cwd=tmp_path, env=env)
    assert granted.returncode == 0 and "10001 is now leader" in granted.stdout
    again = youthbot("console", "--lang", "en", cwd=tmp_path, env=env, stdin="/menu\n2\n")
    assert again.returncode == 0, again.stderr
    out = again.stdout
    assert out.startswith(
        f"Database: {CONSOLE_FILE} (DATABASE_URL, as every other youthbot command).\n"
    )
    assert "> /start" not in out
    assert "Welcome back, user 10001: this database already knows you" in out
    assert f"  [3] {REGISTER['en']}\n" in out  # the leader's menu
    assert not list(tmp_path.glob("youthbot.sqlite3"))  # nothing went to another file


async def console(tmp_path, lang: str, lines: list[str], **options) -> str:
    out = io.StringIO()
    settings = Settings(
        _env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path}/console.sqlite3"
    )
    await run_console(
        settings, user_id=10001, language_code=lang,
        stdin=io.StringIO("".join(line + "\n" for line in lines)), out=out,
        files_dir=tmp_path / "files", **options,
    )
    return out.getvalue()


async def stored(tmp_path) -> tuple[User | None, ChatState | None]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/console.sqlite3")
    try:
        async with db.session() as session:
            user = await session.scalar(select(User).where(User.id == 10001))
            state = await session.scalar(select(ChatState).where(ChatState.user_id == 10001))
            return user, state
    finally:
        await db.dispose()


@LANGUAGES
@pytest.mark.parametrize(
    "role,button", [(Role.LEADER, REGISTER), (Role.MODERATOR, REVIEW), (Role.ADMIN, REVIEW)]
)
async def test_role_option_grants_the_role_and_says_so(tmp_path, lang, role, button):
    shown = await console(tmp_path, lang, [*ONBOARD[lang], ACTIVITIES[lang]], role=role)
    assert (
        f"You are user 10001, {role} in this database (granted now; "
        "`youthbot roles revoke` takes it back).\n"
    ) in shown
    assert f"] {button[lang]}" in shown.split(f"> {ACTIVITIES[lang]}\n")[1]
    user, _state = await stored(tmp_path)
    assert user.role == role
    again = await console(tmp_path, lang, [], role=role)
    assert f"You are user 10001, {role} in this database.\n" in again  # nothing granted twice


async def test_without_a_role_option_a_young_person_sees_no_leader_button(tmp_path):
    shown = await console(tmp_path, "en", [*ONBOARD["en"], ACTIVITIES["en"]])
    assert "You are user" not in shown and REGISTER["en"] not in shown
    user, _state = await stored(tmp_path)
    assert user.role == Role.YOUNG


@LANGUAGES
async def test_restarting_resumes_the_form_instead_of_sending_start(tmp_path, lang):
    first = await console(
        tmp_path, lang, [*ONBOARD[lang], ACTIVITIES[lang], REGISTER[lang]], role=Role.LEADER
    )
    assert "> /start\n" in first and TITLE_QUESTION[lang] in first
    _user, state = await stored(tmp_path)
    assert state.flow == "activity"
    asked = state.step
    shown = await console(tmp_path, lang, ["Taller de prevención"])
    assert "> /start" not in shown
    assert (
        "Welcome back, user 10001: you are in the middle of 'activity', so /start was not "
        "sent. Answer its last question, or /cancel; /menu shows the menu.\n"
    ) in shown
    assert shown.split("> Taller de prevención\n")[1].startswith(f"bot: {KIND_QUESTION[lang]}")
    _user, state = await stored(tmp_path)
    assert state.flow == "activity" and state.step != asked  # the title was taken


@LANGUAGES
async def test_restarting_a_known_person_shows_no_welcome_again(tmp_path, lang):
    await console(tmp_path, lang, ONBOARD[lang])
    shown = await console(tmp_path, lang, ["/menu"])
    assert "> /start" not in shown
    assert (
        "Welcome back, user 10001: this database already knows you, so /start was not sent. "
        "Type /menu for the menu, or /start to begin again.\n"
    ) in shown
    assert f"] {ACTIVITIES[lang]}\n" in shown.split("> /menu\n")[1]
    user, state = await stored(tmp_path)
    assert user.age_band is not None and state is None
