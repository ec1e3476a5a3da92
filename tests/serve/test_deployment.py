"""Deployment: the database URL composed safely from its parts, the connection budget per
replica, and the image and compose file as written (no Docker daemon here: they are read)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml
from harness import TOKEN, content_for
from sqlalchemy.engine import make_url

from youthbot.app import build_application
from youthbot.config import Settings
from youthbot.db.engine import Database
from youthbot.offline import OfflineBotAPI, OfflineRequest

ROOT = Path(__file__).resolve().parent.parent.parent
HARD_PASSWORD = "p@ss:w/rd#?%&=+ 1"


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("DATABASE_URL", "DATABASE_HOST", "DATABASE_PORT", "DATABASE_NAME",
                 "DATABASE_USER", "DATABASE_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_a_password_with_an_at_sign_survives_the_url(clean_env):
    clean_env.setenv("DATABASE_HOST", "db")
    clean_env.setenv("DATABASE_PASSWORD", HARD_PASSWORD)
    clean_env.setenv("DATABASE_USER", "bot@org")
    settings = Settings(_env_file=None)
    url = Database(settings.database_url).url
    assert (url.drivername, url.host, url.port, url.database) == (
        "postgresql+asyncpg", "db", 5432, "youthbot"
    )
    assert (url.username, url.password) == ("bot@org", HARD_PASSWORD)
    assert HARD_PASSWORD not in repr(settings)  # a secret, as the token is


def test_a_password_pasted_into_a_url_is_what_broke():
    with pytest.raises(ValueError):  # the part after the first "@" is taken for the host
        make_url(f"postgresql+asyncpg://youthbot:{HARD_PASSWORD}@db:5432/youthbot")
    pasted = make_url("postgresql+asyncpg://youthbot:p@ss@db:5432/youthbot")
    assert pasted.password != "p@ss"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DATABASE_URL": "sqlite+aiosqlite:///x.sqlite3", "DATABASE_HOST": "db"},
         "sqlite+aiosqlite:///x.sqlite3"),  # an explicit URL wins
        ({"DATABASE_URL": ""}, "sqlite+aiosqlite:///youthbot.sqlite3"),
        ({}, "sqlite+aiosqlite:///youthbot.sqlite3"),
        ({"DATABASE_HOST": "10.0.0.5", "DATABASE_PORT": "6432", "DATABASE_NAME": "yv"},
         "postgresql+asyncpg://youthbot@10.0.0.5:6432/yv"),
    ],
    ids=["url-wins", "empty-url", "nothing", "parts"],
)
def test_where_the_database_url_comes_from(clean_env, env, expected):
    for name, value in env.items():
        clean_env.setenv(name, value)
    assert Settings(_env_file=None).database_url == expected


async def test_the_pool_follows_the_connection_budget(clean_env):
    settings = Settings(
        _env_file=None, telegram_bot_token=TOKEN, database_host="127.0.0.1",
        database_pool_size=5, database_max_overflow=2, auto_migrate=False,
    )
    application = build_application(
        settings, content=content_for(settings),
        request=OfflineRequest(OfflineBotAPI())
    )
    db = application.bot_data["deps"].db
    try:
        assert db.is_postgresql
        assert (db.engine.pool.size(), db.engine.pool._max_overflow) == (5, 2)
    finally:
        await db.dispose()


def _compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_compose_checks_postgresql_over_tcp_and_builds_no_url_by_hand():
    services = _compose()["services"]
    assert "pg_isready -h 127.0.0.1" in " ".join(services["db"]["healthcheck"]["test"])
    bot_env = services["bot"]["environment"]
    assert "DATABASE_URL" not in bot_env
    assert bot_env["DATABASE_HOST"] == "db"
    assert bot_env["DATABASE_PASSWORD"] == "${POSTGRES_PASSWORD}"


def test_three_replicas_fit_in_postgresqls_default_connections():
    env = _compose()["services"]["bot"]["environment"]

    def default(value: str) -> int:
        return int(re.fullmatch(r"\$\{\w+:-(\d+)\}", value).group(1))

    per_replica = default(env["DATABASE_POOL_SIZE"]) + default(env["DATABASE_MAX_OVERFLOW"])
    max_connections, reserved, headroom = 100, 3, 10  # a backup, a shell, a command
    assert 3 * per_replica <= max_connections - reserved - headroom


def _lock(name: str = "requirements.lock") -> dict[str, str]:
    """Each pinned package of a lock file and the text of its entry."""
    text = (ROOT / name).read_text()
    entries = re.split(r"\n(?=[a-z0-9])", text)
    pins = {}
    for entry in entries:
        match = re.match(r"([a-z0-9][a-z0-9._-]*)==(\S+)", entry)
        if match:
            pins[match.group(1)] = entry
    return pins


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_the_lock_pins_every_dependency_with_hashes():
    pins = _lock()
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert {_name(r) for r in declared} <= set(pins)
    for name in ("tornado", "apscheduler", "aiolimiter", "httpx", "greenlet"):  # via extras
        assert name in pins
    for name, entry in pins.items():
        assert "--hash=sha256:" in entry, name


def test_the_tests_lock_pins_what_the_image_ships():
    shipped, tested = _lock(), _lock("requirements-dev.lock")
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]["test"]
    assert {_name(r) for r in extras} <= set(tested)  # CI installs from this lock alone
    for name, entry in tested.items():
        assert "--hash=sha256:" in entry, name
    for name, entry in shipped.items():
        assert tested[name].split()[0] == entry.split()[0], name


def test_the_image_installs_the_locked_dependencies_before_the_code_as_a_number():
    lines = [
        line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    runtime = lines[max(i for i, line in enumerate(lines) if line.startswith("FROM ")):]
    deps = next(i for i, line in enumerate(runtime) if "install_wheel.sh deps" in line)
    code = next(i for i, line in enumerate(runtime) if "install_wheel.sh code" in line)
    wheels = next(i for i, line in enumerate(runtime) if line.startswith("COPY --from=build"))
    assert deps < wheels < code
    assert "requirements.lock" in " ".join(runtime[:deps])
    script = (ROOT / "tools" / "install_wheel.sh").read_text()
    assert "--require-hashes" in script and "--no-index" in script
    user = next(line for line in runtime if line.startswith("USER "))
    assert re.fullmatch(r"USER \d+(:\d+)?", user)
    assert int(user.split()[1].split(":")[0]) != 0


def test_the_backup_command_allocates_no_terminal():
    docs = (ROOT / "docs" / "operations.md").read_text()
    commands = re.findall(r"docker compose exec[^\n`]*pg_dump", docs)
    assert commands and all(" -T " in c for c in commands)
