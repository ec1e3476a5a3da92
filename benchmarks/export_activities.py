"""How long the activities export takes for many activities (100,000 by default).

    .venv/bin/python benchmarks/export_activities.py [--count N] [--database URL]

Fills a fresh database (a temporary SQLite file unless --database is given: that database's
activity tables are emptied first) with activities spread over two years, regions and
pathways, two thirds of them reported, then times each part of the export: reading the rows,
writing the CSV, writing the XLSX and drawing the two charts. Prints the figures; it asserts
nothing (timings are not tests). Each figure is wall-clock seconds, and the CPU seconds this
process used (the steady figure on a shared, busy machine).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, insert

from youthbot.core.activities.export import load_rows, render_charts, write_csv, write_xlsx
from youthbot.core.activities.reports import COUNT_COLUMNS
from youthbot.core.regions import load_regions
from youthbot.db import migrate
from youthbot.db.engine import Database
from youthbot.db.models import Activity, ActivityJoin, ActivityReport
from youthbot.i18n import Catalogs, activate

KINDS = ("workshop", "campaign", "school_talk", "dialogue", "art_media", "community", "other")
PATHWAYS = ("children", "community", "government", "private")
STATUSES = ("approved",) * 8 + ("pending", "cancelled")
CHUNK = 5000


def activities(count: int, places: list[tuple[str, str]], rng: random.Random):
    start = datetime(2025, 1, 1, 13, 0, tzinfo=UTC)
    for n in range(1, count + 1):
        country, region = rng.choice(places)
        online = rng.random() < 0.1
        when = start + timedelta(days=rng.randrange(730), hours=rng.randrange(10))
        yield {
            "id": n, "leader_id": None, "status": rng.choice(STATUSES),
            "title": f"Actividad {n}", "kind": rng.choice(KINDS),
            "pathway": rng.choice(PATHWAYS), "starts_at": when, "country": country,
            "region": None if online else region, "district": None, "online": online,
            "expected": rng.randrange(5, 200), "created_at": when, "updated_at": when,
        }  # fmt: skip


def report(activity_id: int, when: datetime, rng: random.Random) -> dict:
    values = {column: rng.randrange(0, 15) for column in COUNT_COLUMNS}
    return {"activity_id": activity_id, "reporter_id": None, "photo_consent": False,
            "updated_at": when, "submitted_at": when + timedelta(days=1), **values}


async def fill(db: Database, count: int) -> None:
    rng = random.Random(4)
    places = [(c.id, r.id) for c in load_regions() for r in c.regions]
    async with db.session() as session:
        for model in (ActivityJoin, ActivityReport, Activity):
            await session.execute(delete(model))
    batch: list[dict] = []
    reports: list[dict] = []
    for row in activities(count, places, rng):
        batch.append(row)
        if rng.random() < 2 / 3:
            reports.append(report(row["id"], row["starts_at"], rng))
        if len(batch) == CHUNK or row["id"] == count:
            async with db.session() as session:
                await session.execute(insert(Activity), batch)
                if reports:
                    await session.execute(insert(ActivityReport), reports)
            batch, reports = [], []


def timed(label: str, started: tuple[float, float]) -> tuple[float, float]:
    """Print the wall-clock and CPU seconds since `started` (CPU time is what this process
    used: on a busy machine the wall clock also counts waiting for a core)."""
    now = (time.perf_counter(), time.process_time())
    print(f"  {label:<28} {now[0] - started[0]:7.2f} s  (CPU {now[1] - started[1]:6.2f} s)")
    return now


async def main(count: int, url: str | None) -> None:
    folder = tempfile.TemporaryDirectory()
    db = Database(url or f"sqlite+aiosqlite:///{Path(folder.name) / 'bench.sqlite3'}")
    await migrate.upgrade(db)
    print(f"filling {count:,} activities into {db.url.get_backend_name()}…")
    await fill(db, count)
    activate(Catalogs(default_language="es").get("es"))
    countries = load_regions()

    print(f"exporting {count:,} activities:")
    began = step = (time.perf_counter(), time.process_time())
    async with db.session() as session:
        rows = await load_rows(session, start=None, end=None, timezone="America/Lima")
    step = timed(f"read {len(rows):,} rows", step)
    text = io.StringIO()
    write_csv(rows, text, countries)
    step = timed(f"CSV ({len(text.getvalue()) / 1e6:.1f} MB)", step)
    workbook = io.BytesIO()
    write_xlsx(rows, workbook, countries)
    step = timed(f"XLSX ({len(workbook.getvalue()) / 1e6:.1f} MB)", step)
    charts = render_charts(rows, countries)
    step = timed(f"two charts ({sum(map(len, charts.values())) / 1e3:.0f} kB)", step)
    timed("total", began)
    await db.dispose()
    folder.cleanup()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--database", help="a database URL (its activities are replaced)")
    args = parser.parse_args()
    asyncio.run(main(args.count, args.database))
    sys.exit(0)
