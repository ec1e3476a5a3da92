"""The `youthbot` command: run, console, db, content, roles, stats, announce, export, danger."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable, Coroutine
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from .. import logsafe
from ..config import ConfigError, Settings, load_settings
from ..core.people.roles import STAFF, Role
from ..core.yamlsource import ContentInvalid
from ..i18n import counted
from . import activities as activities_cli
from . import announce as announce_cli
from . import campaigns as campaigns_cli
from . import cases as case_stats_cli
from . import danger as danger_cli
from . import poll as poll_cli
from . import quiz as quiz_cli


def _version() -> str:
    try:
        return version("youthbot")
    except PackageNotFoundError:
        return "0+unknown"


def configure_logging(level: int = logging.INFO) -> None:
    """Plain logs; httpx would print request URLs, which contain the bot token."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logsafe.install()  # no personal data in any record (the bot sets its key when built)
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        settings = load_settings(**getattr(args, "overrides", lambda a: {})(args))
        return args.func(args, settings) or 0
    except ConfigError as exc:
        print(f"youthbot: configuration error: {exc}", file=sys.stderr)
        return 2
    except ContentInvalid as exc:
        print("youthbot: the content files have problems:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="youthbot", description=__doc__)
    parser.add_argument("--version", action="version", version=f"youthbot {_version()}")
    sub = parser.add_subparsers(metavar="COMMAND")

    run = sub.add_parser("run", help="run the bot against Telegram (long polling or webhook)")
    run.add_argument("--webhook", action="store_true", help="serve a webhook (WEBHOOK_URL)")
    run.set_defaults(func=cmd_run)

    console = sub.add_parser("console", help="chat with the bot in this terminal, offline")
    console.add_argument(
        "--lang", default="es", help="your Telegram language: es, en, pt, pt-br… (any catalog)"
    )
    console.add_argument(
        "--as-user", type=int, default=10001, metavar="ID", help="the Telegram user id you act as"
    )
    console.add_argument(
        "--database",
        metavar="URL",
        help="database (default: DATABASE_URL when set, else youthbot-console.sqlite3 here)",
    )
    console.add_argument(
        "--role",
        choices=[Role.LEADER, Role.MODERATOR, Role.ADMIN],
        help="try a role: grants it to you in the console's database at start",
    )
    console.add_argument("--no-start", action="store_true", help="do not send /start first")
    console.add_argument(
        "--start",
        metavar="PAYLOAD",
        dest="start_payload",
        help="open the bot as a t.me link with ?start=PAYLOAD would (a campaign's c_CODE)",
    )
    console.add_argument(
        "--moderator",
        type=int,
        nargs="?",
        const=20002,
        metavar="ID",
        help="also act as moderator ID (default 20002) in the simulated staff chat: "
        "'/staff TEXT' writes there, 'sN' presses its buttons (grants the role in this database)",
    )
    console.add_argument(
        "--files",
        type=Path,
        default=Path("youthbot-console-files"),
        metavar="DIR",
        help="where files the bot sends (exports, charts) are saved (default: "
        "./youthbot-console-files)",
    )
    console.set_defaults(func=cmd_console)

    db = sub.add_parser("db", help="database migrations")
    db_sub = db.add_subparsers(metavar="ACTION", required=True)
    up = db_sub.add_parser("upgrade", help="apply migrations (default: to the latest)")
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(func=cmd_db_upgrade)
    down = db_sub.add_parser("downgrade", help="revert migrations down to REVISION")
    down.add_argument("revision")
    down.set_defaults(func=cmd_db_downgrade)
    db_sub.add_parser("current", help="show the database's revision").set_defaults(
        func=cmd_db_current
    )
    revision = db_sub.add_parser(
        "revision", help="write a new migration from the models' differences (review it!)"
    )
    revision.add_argument("-m", "--message", required=True)
    revision.set_defaults(func=cmd_db_revision)

    content = sub.add_parser("content", help="content files")
    content_sub = content.add_subparsers(metavar="ACTION", required=True)
    content_sub.add_parser(
        "check", help="validate quizzes, services, regions, danger words, canned replies, teams"
    ).set_defaults(func=cmd_content_check)

    roles = sub.add_parser("roles", help="grant, revoke and list roles")
    roles_sub = roles.add_subparsers(metavar="ACTION", required=True)
    for name, func in (("grant", cmd_roles_grant), ("revoke", cmd_roles_revoke)):
        action = roles_sub.add_parser(name, help=f"{name} a role")
        action.add_argument("user_id", type=int)
        action.add_argument("role", choices=[Role.LEADER, Role.MODERATOR, Role.ADMIN])
        action.set_defaults(func=func)
    roles_sub.add_parser("list", help="everyone with a role").set_defaults(func=cmd_roles_list)

    stats = sub.add_parser("stats", help="figures for coordinators (aggregates only)")
    stats_sub = stats.add_subparsers(metavar="WHAT", required=True)
    quiz_cli.add_stats_command(stats_sub)
    case_stats_cli.add_stats_command(stats_sub)
    campaigns_cli.add_stats_command(stats_sub)
    campaigns_cli.add_campaign_command(sub)
    announce_cli.add_announce_command(sub)
    poll_cli.add_poll_command(sub)
    export_sub = activities_cli.add_export_parser(sub)
    case_stats_cli.add_export_command(export_sub)
    campaigns_cli.add_export_command(export_sub)
    quiz_cli.add_export_command(export_sub)
    danger_cli.add_danger_command(sub)
    for register in EXTRA_COMMANDS:
        register(sub)
    return parser


# Features add their own sub-commands here (stats, export, announce).
EXTRA_COMMANDS: list[Callable[[Any], None]] = []


def run_async(coro: Coroutine[Any, Any, int | None]) -> int:
    return asyncio.run(coro) or 0


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    if settings.token is None:
        print(
            "youthbot: TELEGRAM_BOT_TOKEN is not set; get one from @BotFather and put it in "
            "the environment or in .env",
            file=sys.stderr,
        )
        return 2
    from ..serve.runner import run_bot

    configure_logging()
    return run_bot(settings, webhook=args.webhook or bool(settings.webhook_url))


def cmd_console(args: argparse.Namespace, settings: Settings) -> int:
    from ..console import run_console
    from ..console_start import choose_database

    configure_logging(logging.WARNING)
    settings, database_note = choose_database(settings, args.database)
    return run_async(
        run_console(
            settings,
            database_note=database_note,
            role=Role(args.role) if args.role else None,
            user_id=args.as_user,
            language_code=args.lang,
            send_start=not args.no_start,
            start_payload=args.start_payload,
            moderator_id=args.moderator,
            files_dir=args.files.resolve(),
        )
    )


async def _with_db(settings: Settings, action) -> int | None:
    from ..db.engine import Database

    db = Database(settings.database_url)
    try:
        return await action(db)
    finally:
        await db.dispose()


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from ..db import migrate

    async def action(db) -> None:
        await migrate.upgrade(db, args.revision)
        print(f"database at revision {await migrate.current_revision(db)}")

    return run_async(_with_db(settings, action))


def cmd_db_downgrade(args: argparse.Namespace, settings: Settings) -> int:
    from ..db import migrate

    async def action(db) -> None:
        await migrate.downgrade(db, args.revision)
        print(f"database at revision {await migrate.current_revision(db)}")

    return run_async(_with_db(settings, action))


def cmd_db_current(args: argparse.Namespace, settings: Settings) -> int:
    from ..db import migrate

    async def action(db) -> None:
        current = await migrate.current_revision(db)
        head = migrate.head_revision()
        print(f"database at revision {current or 'none'} (latest: {head})")

    return run_async(_with_db(settings, action))


def cmd_db_revision(args: argparse.Namespace, settings: Settings) -> int:
    from ..db import migrate

    async def action(db) -> None:
        await migrate.upgrade(db)
        print(f"wrote {await migrate.autogenerate(db, args.message)}")

    return run_async(_with_db(settings, action))


def cmd_content_check(args: argparse.Namespace, settings: Settings) -> int:
    from ..app import check_content

    problems, notes = check_content(settings)
    for note in notes:
        print(note)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{counted(len(problems), 'problem', 'problems')} found", file=sys.stderr)
        return 1
    print("content OK")
    return 0


def _roles_action(settings: Settings, action) -> int:
    from ..db import migrate

    async def run(db) -> int | None:
        await migrate.upgrade(db)
        async with db.session() as session:
            return await action(session)

    return run_async(_with_db(settings, run))


def cmd_roles_grant(args: argparse.Namespace, settings: Settings) -> int:
    from ..core.people import users
    from ..db.types import utcnow

    async def action(session) -> None:
        user = await users.grant_role(
            session,
            actor_id=None,
            user_id=args.user_id,
            role=Role(args.role),
            default_language=settings.default_language,
            today=utcnow().date(),
        )
        held = ", ".join(sorted(await users.load_roles(session, user)))
        print(f"{args.user_id} is now {args.role} (roles: {held})")

    return _roles_action(settings, action)


def cmd_roles_revoke(args: argparse.Namespace, settings: Settings) -> int:
    from ..core.cases import actions as case_actions
    from ..core.errors import NotFound
    from ..core.people import users
    from ..db.types import utcnow

    async def action(session) -> int:
        try:
            user = await users.revoke_role(
                session, actor_id=None, user_id=args.user_id, role=Role(args.role)
            )
        except NotFound:
            print(f"{args.user_id} does not have the role {args.role}", file=sys.stderr)
            return 1
        released = []
        if user.role not in STAFF and args.user_id not in settings.admin_ids:
            released = await case_actions.release_claims(
                session, moderator_ids=[args.user_id], now=utcnow()
            )
        print(f"{args.user_id} is no longer {args.role}")
        if released:
            # The running bot's alert job asks the staff group for a moderator within a minute.
            numbers = ", ".join(case.number for case in released)
            print(f"back with the team, waiting for a moderator: {numbers}")
        return 0

    return _roles_action(settings, action)


def cmd_roles_list(args: argparse.Namespace, settings: Settings) -> int:
    from ..core.people import users

    async def action(session) -> None:
        for admin_id in sorted(settings.admin_ids):
            print(f"{admin_id}\tadmin (ADMIN_IDS)")
        for user_id, role in await users.list_staff(session):
            print(f"{user_id}\t{role}")

    return _roles_action(settings, action)
