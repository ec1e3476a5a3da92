"""The `youthbot` command as a newcomer and an operator use it."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from youthbot.db.engine import Database
from youthbot.db.models import Case
from youthbot.db.types import utcnow

ENV_KEYS = ("TELEGRAM_BOT_TOKEN", "DATABASE_URL", "ADMIN_IDS", "STAFF_CHAT_ID",
            "WEBHOOK_URL", "WEBHOOK_SECRET", "TELEGRAM_API_BASE_URL")


def youthbot(*args: str, cwd: Path, env: dict[str, str] | None = None,
             stdin: str | None = None) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ENV_KEYS}
    clean.update(env or {})
    return subprocess.run([sys.executable, "-m", "youthbot", *args], cwd=cwd, env=clean,
                          input=stdin, capture_output=True, text=True, timeout=120)


def test_run_without_a_token_is_one_clear_line(tmp_path):
    result = youthbot("run", cwd=tmp_path)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "TELEGRAM_BOT_TOKEN" in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name,value", [("ADMIN_IDS", "12,abc"), ("STAFF_CHAT_ID", "staff"),
                                        ("WEBHOOK_PORT", "99999")])
def test_a_malformed_setting_names_the_variable(tmp_path, name, value):
    result = youthbot("run", cwd=tmp_path, env={name: value, "TELEGRAM_BOT_TOKEN": "1:x"})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0]
    assert "Traceback" not in result.stderr


def test_dotenv_file_is_read(tmp_path):
    (tmp_path / ".env").write_text("ADMIN_IDS=notanumber\n")
    result = youthbot("run", cwd=tmp_path, env={"TELEGRAM_BOT_TOKEN": "1:x"})
    assert "ADMIN_IDS" in result.stderr


def test_version_and_content_check(tmp_path):
    result = youthbot("--version", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("youthbot ")
    result = youthbot("content", "check", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "content OK" in result.stdout


async def claimed_case(url: str, *, claimed_by: int) -> str:
    """A young person's case, claimed by `claimed_by`, in the database at `url`."""
    db = Database(url)
    try:
        async with db.session() as session:
            session.add(Case(number="C-TEST1", user_id=77, topic="violence", language="es",
                             status="claimed", claimed_by=claimed_by, claimed_at=utcnow()))
    finally:
        await db.dispose()
    return "C-TEST1"


async def case_state(url: str) -> tuple[str, int | None, bool]:
    """The case's status, claimant, and whether its alert to the team is due now."""
    db = Database(url)
    try:
        async with db.session() as session:
            case = await session.scalar(select(Case))
            return case.status, case.claimed_by, case.next_alert_at <= utcnow()
    finally:
        await db.dispose()


def test_roles_from_the_shell(tmp_path):
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'ops.sqlite3'}",
           "ADMIN_IDS": "999"}
    assert youthbot("roles", "grant", "4242", "moderator", cwd=tmp_path, env=env).returncode == 0
    both = youthbot("roles", "grant", "4242", "leader", cwd=tmp_path, env=env).stdout
    assert "4242 is now leader (roles: leader, moderator)" in both  # one role added
    listed = youthbot("roles", "list", cwd=tmp_path, env=env).stdout
    assert "999\tadmin (ADMIN_IDS)" in listed and "4242\tmoderator" in listed
    assert "4242\tleader" in listed
    number = asyncio.run(claimed_case(env["DATABASE_URL"], claimed_by=4242))
    revoked = youthbot("roles", "revoke", "4242", "moderator", cwd=tmp_path, env=env)
    assert revoked.returncode == 0
    assert f"back with the team, waiting for a moderator: {number}" in revoked.stdout
    assert asyncio.run(case_state(env["DATABASE_URL"])) == ("open", None, True)
    listed = youthbot("roles", "list", cwd=tmp_path, env=env).stdout
    assert "4242\tleader" in listed and "4242\tmoderator" not in listed  # one role removed
    again = youthbot("roles", "revoke", "4242", "moderator", cwd=tmp_path, env=env)
    assert again.returncode == 1 and "does not have the role" in again.stderr
    bad = youthbot("roles", "grant", "4242", "king", cwd=tmp_path, env=env)
    assert bad.returncode != 0
    status = youthbot("db", "current", cwd=tmp_path, env=env).stdout
    assert "database at revision" in status


def test_console_scripted_in_spanish_then_english(tmp_path):
    script = "1\n1\n2\nqué tal\n/language\nEnglish\n/menu\n"
    result = youthbot("console", "--lang", "es", cwd=tmp_path, stdin=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "bot: ¡Hola! 👋 Soy el bot" in out
    assert "Antes de empezar, así te cuidamos" in out
    assert "  [1] 🧠 Quizzes\n  [2] 📅 Actividades\n  [3] 🆘 Pedir ayuda\n  [4] ⚙️ Ajustes" in out
    assert "Perdona, no entendí eso." in out
    assert "(edited message" in out
    assert "Done: I will talk to you in English." in out
    assert out.rstrip().endswith(">")
    assert "  [1] 🧠 Quizzes\n  [2] 📅 Activities\n  [3] 🆘 Get help\n  [4] ⚙️ Settings" in out
    assert (tmp_path / "youthbot-console.sqlite3").exists()


def test_db_revision_writes_the_next_migration_and_finds_no_difference(tmp_path):
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'dev.sqlite3'}"}
    versions = Path(__file__).resolve().parent.parent.parent / "youthbot/db/migrations/versions"
    before = set(versions.glob("*.py"))
    try:
        result = youthbot("db", "revision", "-m", "probe", cwd=tmp_path, env=env)
        assert result.returncode == 0, result.stderr
        new = set(versions.glob("*.py")) - before
        assert len(new) == 1
        written = new.pop()
        last = max(int(p.name[:4]) for p in before if p.name[:4].isdigit())
        assert written.name == f"{last + 1:04d}_probe.py"
        body = written.read_text()
        assert "def upgrade() -> None:\n    # ### commands auto generated by Alembic" in body
        assert "op." not in body.split("def upgrade")[1]  # the models match the migrations
    finally:
        for path in set(versions.glob("*.py")) - before:
            path.unlink()
