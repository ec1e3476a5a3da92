"""`youthbot stats cases` and `youthbot export cases`: the case figures from the shell.

Both read the anonymous counters only; counts from 1 to 4 are written "<5" everywhere.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from ..config import Settings


def _range_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from",
        dest="start",
        metavar="DATE",
        help="a day in the first month (default: 11 months before --to)",
    )
    parser.add_argument(
        "--to", dest="end", metavar="DATE", help="a day in the last month (default: this month)"
    )
    parser.add_argument("--lang", help="language of headers and labels (default: the default)")


def add_stats_command(stats_sub: Any) -> None:
    """Add `cases` under `youthbot stats`."""
    parser = stats_sub.add_parser(
        "cases", help="help cases per month, topic, place, age band; times; outcomes"
    )
    parser.add_argument("--csv", metavar="FILE", type=Path, help="also write the figures as CSV")
    parser.add_argument(
        "--chart", metavar="FILE", type=Path, help="also draw cases per month as a PNG"
    )
    _range_arguments(parser)
    parser.set_defaults(func=cmd_stats_cases)


def add_export_command(export_sub: Any) -> None:
    """Add `cases` under `youthbot export`."""
    parser = export_sub.add_parser("cases", help="the case figures as XLSX (a Cases sheet) or CSV")
    parser.add_argument("--format", choices=("csv", "xlsx"), required=True)
    parser.add_argument("--out", type=Path, required=True, metavar="FILE")
    _range_arguments(parser)
    parser.set_defaults(func=cmd_export_cases)


def _months(args: argparse.Namespace, settings: Settings):
    """The months asked for, or None after saying what is wrong."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from ..core.activities.export import parse_day
    from ..core.cases.stats import month_range

    try:
        start = parse_day(args.start) if args.start else None
        end = parse_day(args.end) if args.end else None
    except ValueError as exc:
        print(f"youthbot: not a date: {exc} (use 2026-12-31)", file=sys.stderr)
        return None
    if start and end and end < start:
        print("youthbot: --to is before --from", file=sys.stderr)
        return None
    today = datetime.now(ZoneInfo(settings.timezone)).date()
    try:
        return month_range(start, end, today=today)
    except ValueError:
        print("youthbot: --from is after this month (give --to as well)", file=sys.stderr)
        return None


async def _load(settings: Settings, first, last):
    from ..core.cases.stats import case_figures
    from ..core.regions import default_regions_path, load_regions
    from ..db import migrate
    from ..db.engine import Database

    regions = settings.content_dir / "regions.yaml" if settings.content_dir else None
    countries = load_regions(regions or default_regions_path())
    db = Database(settings.database_url)
    try:
        await migrate.upgrade(db)
        async with db.session() as session:
            return await case_figures(session, first=first, last=last), countries
    finally:
        await db.dispose()


def _speaking(settings: Settings, language: str | None):
    """Print in `language` (the default one when not given) inside this block."""
    from ..i18n import Catalogs, speaking

    catalogs = Catalogs(settings.locales_dir, settings.default_language)
    return speaking(catalogs, language or settings.default_language)


def cmd_stats_cases(args: argparse.Namespace, settings: Settings) -> int:
    from ..core.cases.chart import render_case_chart
    from ..core.cases.reports import format_table, write_csv

    months = _months(args, settings)
    if months is None:
        return 2
    figures, countries = asyncio.run(_load(settings, *months))
    with _speaking(settings, args.lang):
        print(format_table(figures, countries))
        if args.csv:
            with args.csv.open("w", encoding="utf-8-sig", newline="") as stream:
                write_csv(figures, stream, countries)
            print(f"CSV written to {args.csv}", file=sys.stderr)
        if args.chart:
            args.chart.write_bytes(render_case_chart(figures))
            print(f"chart written to {args.chart}", file=sys.stderr)
    return 0


def cmd_export_cases(args: argparse.Namespace, settings: Settings) -> int:
    from ..core.cases.reports import write_csv, xlsx_bytes

    months = _months(args, settings)
    if months is None:
        return 2
    figures, countries = asyncio.run(_load(settings, *months))
    with _speaking(settings, args.lang):
        if args.format == "csv":
            with args.out.open("w", encoding="utf-8-sig", newline="") as stream:
                write_csv(figures, stream, countries)
        else:
            args.out.write_bytes(xlsx_bytes(figures, countries))
    print(f"case figures of {figures.first:%Y-%m} to {figures.last:%Y-%m} written to {args.out}")
    return 0
