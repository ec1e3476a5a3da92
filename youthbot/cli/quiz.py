"""`youthbot stats quizzes`: the quiz figures as a table, and optionally CSV and a PNG chart."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from ..config import Settings


def add_stats_command(stats_sub: Any) -> None:
    """Add `quizzes` under `youthbot stats`."""
    parser = stats_sub.add_parser(
        "quizzes", help="answers and %% correct per quiz and per question (no person appears)"
    )
    parser.add_argument("--csv", metavar="FILE", type=Path, help="also write the figures as CSV")
    parser.add_argument(
        "--chart", metavar="FILE", type=Path, help="also draw %% correct per question as a PNG"
    )
    parser.add_argument(
        "--people-csv", metavar="FILE", type=Path,
        help="also write first attempts by quiz, region and age band as CSV (<5 for 1 to 4)",
    )
    parser.add_argument(
        "--lang", default=None, help="language of titles and questions (default: the default)"
    )
    parser.set_defaults(func=cmd_stats_quizzes)


async def _figures(settings: Settings, language: str) -> tuple:
    from ..app import load_content
    from ..core.quiz.people import people_figures
    from ..core.quiz.stats import quiz_figures
    from ..db import migrate
    from ..db.engine import Database

    quizzes = load_content(settings).quizzes
    db = Database(settings.database_url)
    try:
        await migrate.upgrade(db)
        async with db.session() as session:
            return (
                await quiz_figures(session, quizzes=quizzes, language=language),
                *await people_figures(session, quizzes=quizzes, language=language),
            )
    finally:
        await db.dispose()


def cmd_stats_quizzes(args: argparse.Namespace, settings: Settings) -> int:
    from ..core.quiz.people import format_people, write_people_csv
    from ..core.quiz.stats import format_table, render_chart, write_csv

    language = args.lang or settings.default_language
    figures, people, breakdowns = asyncio.run(_figures(settings, language))
    print(format_table(figures))
    print()
    print(format_people(people, breakdowns))
    if args.people_csv:
        with args.people_csv.open("w", encoding="utf-8", newline="") as stream:
            write_people_csv(breakdowns, stream)
        print(f"people CSV written to {args.people_csv}", file=sys.stderr)
    if args.csv:
        with args.csv.open("w", encoding="utf-8", newline="") as stream:
            write_csv(figures, stream)
        print(f"CSV written to {args.csv}", file=sys.stderr)
    if args.chart:
        args.chart.write_bytes(
            render_chart(
                figures,
                title="Right answers per question, in % (red: under half)",
                axis_label="Right answers (%)",
                no_answers="no answers",
            )
        )
        print(f"chart written to {args.chart}", file=sys.stderr)
    return 0


def add_export_command(export_sub: Any) -> None:
    """Add `quizzes` under `youthbot export`: people per quiz and first attempts by region
    and age band, as XLSX (small cells as "<5")."""
    parser = export_sub.add_parser(
        "quizzes", help="quiz figures by people (first attempts, retries, region × age) as XLSX"
    )
    parser.add_argument("--out", type=Path, required=True, metavar="FILE")
    parser.add_argument("--lang", default=None, help="language of the quiz titles")
    parser.set_defaults(func=cmd_export_quizzes)


def cmd_export_quizzes(args: argparse.Namespace, settings: Settings) -> int:
    from ..core.quiz.people import write_people_xlsx

    language = args.lang or settings.default_language
    _answers, people, breakdowns = asyncio.run(_figures(settings, language))
    with args.out.open("wb") as stream:
        write_people_xlsx(people, breakdowns, stream)
    print(f"quiz figures by people written to {args.out}")
    return 0
