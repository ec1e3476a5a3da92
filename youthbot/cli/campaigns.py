"""`youthbot campaign create|poster|list` and `youthbot stats campaigns`: campaign links and
their QR codes from the shell, and the anonymous counts of people who arrived through them."""

from __future__ import annotations

import argparse
import asyncio
import csv
import sys
from pathlib import Path
from typing import Any

from ..config import Settings


def add_campaign_command(sub: Any) -> None:
    """Add `youthbot campaign …`."""
    campaign = sub.add_parser("campaign", help="campaign links and QR codes (counted anonymously)")
    actions = campaign.add_subparsers(metavar="ACTION", required=True)
    create = actions.add_parser("create", help="a new campaign link (and its QR code)")
    create.add_argument("name", help="what the campaign is, e.g. 'School talks Puno'")
    create.add_argument(
        "--target", default="menu",
        help="what the link opens: menu (default), help, quiz:ID or activity:NUMBER",
    )
    create.add_argument("--qr", type=Path, metavar="FILE", help="write the QR code as a PNG")
    create.set_defaults(func=cmd_create)
    poster = actions.add_parser("poster", help="a published activity's own link and QR code")
    poster.add_argument("activity", type=int, help="the activity's number")
    poster.add_argument("--qr", type=Path, metavar="FILE", help="write the QR code as a PNG")
    poster.set_defaults(func=cmd_poster)
    actions.add_parser("list", help="every campaign with its figures").set_defaults(func=cmd_list)


def add_stats_command(stats_sub: Any) -> None:
    """Add `campaigns` under `youthbot stats`."""
    parser = stats_sub.add_parser("campaigns", help="people who arrived through each campaign")
    parser.add_argument("--csv", type=Path, metavar="FILE", help="also write them as CSV")
    parser.set_defaults(func=cmd_list)


async def _bot_username(settings: Settings) -> str | None:
    """BOT_USERNAME, or the bot's own name asked of Telegram with the token."""
    if settings.bot_username:
        return settings.bot_username.lstrip("@")
    if settings.token is None:
        return None
    from telegram import Bot

    async with Bot(settings.token.get_secret_value(), base_url=_base_url(settings)) as bot:
        return bot.username


def _base_url(settings: Settings) -> str:
    base = settings.telegram_api_base_url
    return base.rstrip("/") + "/bot" if base else "https://api.telegram.org/bot"


async def _in_database(settings: Settings, work):
    from ..db import migrate
    from ..db.engine import Database

    db = Database(settings.database_url)
    try:
        await migrate.upgrade(db)
        async with db.session() as session:
            return await work(session)
    finally:
        await db.dispose()


def _no_username() -> int:
    print(
        "youthbot: the link needs the bot's username: set BOT_USERNAME (or TELEGRAM_BOT_TOKEN, "
        "and it is asked of Telegram)",
        file=sys.stderr,
    )
    return 2


def _write(url: str, qr: Path | None) -> None:
    from ..core.campaigns import qr_png

    print(url)
    print(f"try it offline: youthbot console --start {url.rsplit('=', 1)[1]}", file=sys.stderr)
    if qr is not None:
        qr.write_bytes(qr_png(url))
        print(f"QR code written to {qr}", file=sys.stderr)


def cmd_create(args: argparse.Namespace, settings: Settings) -> int:
    from ..core import campaigns

    username = asyncio.run(_bot_username(settings))
    if not username:
        return _no_username()
    try:
        target = campaigns.parse_target(args.target)
        name = campaigns.clean_name(args.name)
    except campaigns.CampaignError as error:
        what = "--target: use menu, help, quiz:ID or activity:NUMBER" if error.reason == "target" \
            else "the name: 1 to 80 characters"
        print(f"youthbot: {what}", file=sys.stderr)
        return 2
    if target.kind == "quiz" and target.ref not in _quiz_ids(settings):
        print(f"youthbot: no quiz {target.ref} (quizzes: {', '.join(_quiz_ids(settings))})",
              file=sys.stderr)
        return 2

    async def work(session):
        return (await campaigns.create(session, name=name, target=target, now=_now())).code

    try:
        code = asyncio.run(_in_database(settings, work))
    except campaigns.CampaignError:
        print(f"youthbot: activity {target.ref} is not published", file=sys.stderr)
        return 2
    _write(campaigns.link(username, code), args.qr)
    return 0


def cmd_poster(args: argparse.Namespace, settings: Settings) -> int:
    from ..core import campaigns

    username = asyncio.run(_bot_username(settings))
    if not username:
        return _no_username()

    async def work(session):
        return (await campaigns.for_activity(session, args.activity, now=_now())).code

    try:
        code = asyncio.run(_in_database(settings, work))
    except campaigns.CampaignError:
        print(f"youthbot: activity {args.activity} is not published", file=sys.stderr)
        return 2
    _write(campaigns.link(username, code), args.qr)
    return 0


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    from ..core import campaigns

    figures = asyncio.run(_in_database(settings, campaigns.figures))
    header = ["code", "name", "opens", "created", "new", "knew the bot", "all"]
    rows = [
        [f.code, f.name, f.target, f"{f.created_at:%Y-%m-%d}", f.new, f.back, f.total]
        for f in figures
    ]
    print("Counts from 1 to 4 read <5; – hides a count that would give one away.")
    writer = csv.writer(sys.stdout, delimiter="\t")
    writer.writerow(header)
    writer.writerows(rows)
    out = getattr(args, "csv", None)
    if out is not None:
        with out.open("w", encoding="utf-8-sig", newline="") as stream:
            file_writer = csv.writer(stream)
            file_writer.writerow(header)
            file_writer.writerows(rows)
        print(f"CSV written to {out}", file=sys.stderr)
    return 0


def _quiz_ids(settings: Settings) -> list[str]:
    from ..core.content import load_content
    from ..db.types import utcnow

    return sorted(q.id for q in load_content(settings.content_dir, today=utcnow().date()).quizzes)


def _now():
    from ..db.types import utcnow

    return utcnow()


def add_export_command(export_sub: Any) -> None:
    """Add `campaigns` under `youthbot export`."""
    parser = export_sub.add_parser("campaigns", help="campaign figures as XLSX or CSV")
    parser.add_argument("--format", choices=("csv", "xlsx"), required=True)
    parser.add_argument("--out", type=Path, required=True, metavar="FILE")
    parser.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from ..core import campaigns

    figures = asyncio.run(_in_database(settings, campaigns.figures))
    header = ["code", "name", "opens", "created", "new", "knew the bot", "all"]
    rows = [
        [f.code, f.name, f.target, f"{f.created_at:%Y-%m-%d}", f.new, f.back, f.total]
        for f in figures
    ]
    if args.format == "csv":
        with args.out.open("w", encoding="utf-8-sig", newline="") as stream:
            writer = csv.writer(stream)
            writer.writerow(header)
            writer.writerows(rows)
    else:
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Campaigns"
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        sheet.append([])
        sheet.append(["Counts from 1 to 4 read <5; – hides a count that would give one away."])
        workbook.save(args.out)
    print(f"{len(rows)} campaign(s) written to {args.out}")
    return 0
