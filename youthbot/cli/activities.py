"""`youthbot export activities`: the monitoring export of activities, from the shell."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from ..config import Settings
from ..i18n import counted


def add_export_parser(sub):
    """`export activities --format csv|xlsx --out FILE [--from DATE --to DATE]`; returns the
    `export` sub-parsers, for the other exports."""
    export = sub.add_parser("export", help="export data for monitoring reports")
    export_sub = export.add_subparsers(metavar="WHAT", required=True)
    activities = export_sub.add_parser(
        "activities", help="one row per activity (CSV or XLSX), optionally the charts"
    )
    activities.add_argument("--format", choices=("csv", "xlsx"), required=True)
    activities.add_argument("--out", type=Path, required=True, metavar="FILE")
    activities.add_argument("--from", dest="start", metavar="DATE", help="first day, 2026-01-31")
    activities.add_argument("--to", dest="end", metavar="DATE", help="last day, 2026-12-31")
    activities.add_argument("--lang", help="language of headers and labels (default: es)")
    activities.add_argument(
        "--charts", type=Path, metavar="DIR", help="also write the two PNG charts here"
    )
    activities.set_defaults(func=cmd_export_activities)
    return export_sub


def cmd_export_activities(args: argparse.Namespace, settings: Settings) -> int:
    from ..core.activities.export import parse_day

    try:
        start = parse_day(args.start) if args.start else None
        end = parse_day(args.end) if args.end else None
    except ValueError as exc:
        print(f"youthbot: not a date: {exc} (use 2026-12-31)", file=sys.stderr)
        return 2
    if start and end and end < start:
        print("youthbot: --to is before --from", file=sys.stderr)
        return 2
    return asyncio.run(export_activities(settings, args, start, end))


async def export_activities(settings: Settings, args: argparse.Namespace, start, end) -> int:
    from ..core.activities.export import load_rows, render_charts, write_csv, write_xlsx
    from ..core.regions import default_regions_path, load_regions
    from ..db import migrate
    from ..db.engine import Database
    from ..i18n import Catalogs, activate, deactivate

    catalogs = Catalogs(settings.locales_dir, settings.default_language)
    regions = settings.content_dir / "regions.yaml" if settings.content_dir else None
    countries = load_regions(regions or default_regions_path())
    db = Database(settings.database_url)
    try:
        await migrate.upgrade(db)
        async with db.session() as session:
            rows = await load_rows(session, start=start, end=end, timezone=settings.timezone)
    finally:
        await db.dispose()
    token = activate(catalogs.get(args.lang or settings.default_language))
    try:
        if args.format == "csv":
            with args.out.open("w", encoding="utf-8-sig", newline="") as stream:
                write_csv(rows, stream, countries)
        else:
            with args.out.open("wb") as stream:
                write_xlsx(rows, stream, countries)
        if args.charts:
            args.charts.mkdir(parents=True, exist_ok=True)
            for name, content in render_charts(rows, countries).items():
                (args.charts / name).write_bytes(content)
    finally:
        deactivate(token)
    print(f"{counted(len(rows), 'activity', 'activities')} written to {args.out}")
    return 0
