"""The activities export read back: CSV and XLSX with the right types and totals, no personal
data, the date range, the charts, the admin command and the shell command."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from activities_support import set_clock
from harness import ADMIN, LEADER, MODERATOR, YOUNG, texts
from openpyxl import load_workbook

from youthbot.cli import main as cli_main
from youthbot.core.activities.export import export_files, load_rows, render_charts
from youthbot.core.people.roles import Role
from youthbot.core.regions import load_regions
from youthbot.db import migrate
from youthbot.db.engine import Database
from youthbot.db.models import Activity, ActivityJoin, ActivityReport, User
from youthbot.i18n import Catalogs, activate, deactivate

PNG = b"\x89PNG\r\n\x1a\n"
COUNTS = {
    f"{band}_{gender}": value
    for value, (band, gender) in enumerate(
        ((b, g) for b in ("under12", "age12_17", "age18_25", "adults")
         for g in ("female", "male", "other")),
        start=1,
    )
}  # 1..12: girls/women 22, boys/men 26, other 30, total 78


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def fill(db: Database) -> dict[str, int]:
    """Four exported activities (and a draft that is not), as a leader would leave them."""
    today = date(2026, 12, 1)
    async with db.session() as session:
        for persona in (LEADER, YOUNG):
            session.add(User(id=persona.id, language="es", created_on=today,
                             last_seen_on=today, role="young", notify_announcements=False,
                             notify_reminders=True, blocked=False))
        await session.flush()

        def activity(**values) -> Activity:
            base = dict(leader_id=LEADER.id, title="Actividad", kind="workshop",
                        pathway="children", country="PE", region="lima", online=False,
                        expected=40, created_at=utc(2026, 11, 1), updated_at=utc(2026, 11, 1))
            row = Activity(**{**base, **values})
            session.add(row)
            return row

        reported = activity(status="approved", title="Taller en Comas", district="Comas",
                            starts_at=utc(2026, 12, 10, 21, 0))
        pending = activity(status="pending", kind="campaign", pathway="government",
                           region=None, online=True, starts_at=utc(2027, 1, 5, 15, 0),
                           expected=100)
        cancelled = activity(status="cancelled", kind="school_talk", pathway="community",
                             region="puno", starts_at=utc(2026, 11, 20, 14, 0))
        half = activity(status="approved", kind="dialogue", pathway="private",
                        region="loreto", starts_at=utc(2026, 12, 20, 14, 0))
        activity(status="draft", starts_at=utc(2026, 12, 15, 14, 0))
        await session.flush()
        session.add(ActivityReport(activity_id=reported.id, reporter_id=LEADER.id,
                                   description="Secreto: nombres de participantes",
                                   photo_file_id="secret-photo-id", photo_consent=True,
                                   updated_at=utc(2026, 12, 11), submitted_at=utc(2026, 12, 11, 4),
                                   **COUNTS))
        session.add(ActivityReport(activity_id=half.id, reporter_id=LEADER.id, under12_female=9,
                                   updated_at=utc(2026, 12, 21)))
        session.add(ActivityJoin(activity_id=reported.id, user_id=YOUNG.id,
                                 joined_at=utc(2026, 12, 2)))
        return {"reported": reported.id, "pending": pending.id, "cancelled": cancelled.id,
                "half": half.id}


def spanish():
    return activate(Catalogs(default_language="es").get("es"))


async def test_csv_and_xlsx_read_back_with_types_and_totals(database):
    ids = await fill(database)
    async with database.session() as session:
        rows = await load_rows(session, start=None, end=None, timezone="America/Lima")
    token = spanish()
    try:
        files = dict(export_files(rows, load_regions(), stem="activities"))
    finally:
        deactivate(token)
    assert set(files) == {"activities.csv", "activities.xlsx", "activities-by-month.png",
                          "activities-by-region.png"}

    table = list(csv.DictReader(io.StringIO(files["activities.csv"].decode("utf-8-sig"))))
    assert [int(r["Id de la actividad"]) for r in table] == [
        ids["cancelled"], ids["reported"], ids["half"], ids["pending"]]  # by start, no draft
    reported = table[1]
    assert reported["Tipo"] == "Taller" and reported["Eje"] == "Niñas, niños y adolescentes"
    assert (reported["País"], reported["Región"], reported["Distrito"]) == (
        "Perú", "Lima Metropolitana", "Comas")
    assert reported["Fecha y hora de inicio"] == "2026-12-10 16:00"  # Lima time
    assert reported["Estado"] == "con informe" and reported["En línea"] == "no"
    assert table[2]["Estado"] == "aprobada"  # its report is not sent yet
    assert reported["Grupo u organización"] == ""  # not given
    # under 18: under 12 (1+2+3) and 12 to 17 (4+5+6)
    assert reported["Total menores de 18"] == "21"
    assert reported["Qué pasó y resultados"] == "Secreto: nombres de participantes"
    assert reported["Menos de 12: niñas/mujeres"] == "1"
    assert reported["Personas adultas (más de 25): otro o no lo dijo"] == "12"
    assert (reported["Total niñas/mujeres"], reported["Total niños/hombres"],
            reported["Total otro o no lo dijo"], reported["Total de participantes"]) == (
        "22", "26", "30", "78")
    assert reported["Inscripciones por el bot"] == "1"
    assert reported["Fecha del reporte"] == "2026-12-10"  # 04:00 UTC is the 10th in Lima
    online = table[3]
    assert online["En línea"] == "sí" and online["Región"] == "" and online["Estado"] == (
        "esperando revisión")
    assert table[2]["Total de participantes"] == "" and table[2]["Fecha del reporte"] == ""

    sheet = load_workbook(io.BytesIO(files["activities.xlsx"])).active
    header = [c.value for c in sheet[1]]
    assert header == list(table[0].keys())
    cells = {name: cell.value for name, cell in zip(header, sheet[3], strict=True)}
    assert cells["Id de la actividad"] == ids["reported"]
    assert cells["Fecha y hora de inicio"] == datetime(2026, 12, 10, 16, 0)
    assert sheet[3][header.index("Fecha y hora de inicio")].is_date
    assert cells["En línea"] is False and cells["Participantes esperados"] == 40
    counts = [cells[h] for h in header if ": " in h]
    assert counts == list(range(1, 13)) and all(type(c) is int for c in counts)
    assert cells["Total de participantes"] == 78 == sum(counts)
    assert cells["Total menores de 18"] == 21
    assert sheet[3][header.index("Fecha del reporte")].is_date
    assert cells["Fecha del reporte"].date() == date(2026, 12, 10)
    assert sheet.max_row == 5 and sheet.freeze_panes == "A2"
    half = {name: cell.value for name, cell in zip(header, sheet[4], strict=True)}
    assert half["Total de participantes"] is None  # a report in progress does not count

    # no personal data: no ids of people, no photo (the report's text is programme data)
    everything = files["activities.csv"].decode("utf-8-sig") + str(
        [[c.value for c in row] for row in sheet.iter_rows()])
    for secret in (str(LEADER.id), str(YOUNG.id), "secret-photo-id"):
        assert secret not in everything
    for name in ("activities-by-month.png", "activities-by-region.png"):
        assert files[name].startswith(PNG) and len(files[name]) > 5000


async def test_the_date_range_is_in_local_days(database):
    ids = await fill(database)
    async with database.session() as session:
        rows = await load_rows(session, start=date(2026, 12, 1), end=date(2026, 12, 10),
                               timezone="America/Lima")
    assert [r.id for r in rows] == [ids["reported"]]
    assert rows[0].total == 78 and rows[0].counts[0] == 1


def test_charts_with_nothing_to_show():
    charts = render_charts([], load_regions())
    assert all(png.startswith(PNG) for png in charts.values())


async def test_admins_get_both_files_and_the_charts_in_telegram(bot):
    set_clock(bot)
    await fill(bot.db)
    admin = bot.person(ADMIN)
    await admin.onboard()
    calls = await admin.send("/export 2026-11-01 2027-01-31")
    assert texts(calls)[0] == "Preparando la exportación de actividades…"
    methods = [c.method for c in calls if c.method in ("sendDocument", "sendPhoto")]
    assert methods == ["sendDocument", "sendDocument", "sendPhoto", "sendPhoto"]
    documents = [c for c in calls if c.method == "sendDocument"]
    assert documents[0].params["caption"] == "4 actividades."

    calls = await admin.send("/export 2026-13-01")
    assert texts(calls)[0].startswith("Escribe las fechas así: /export 2026-01-01 2026-12-31")
    calls = await admin.send("/export 2027-01-01 2026-01-01")
    assert texts(calls)[0].startswith("Escribe las fechas así")

    await bot.grant(MODERATOR, Role.MODERATOR)
    moderator = bot.person(MODERATOR)
    calls = await moderator.send("/export")
    assert texts(calls) == ["Perdona, eso no lo puedes hacer aquí."]
    assert not [c for c in calls if c.method == "sendDocument"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_shell_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, fmt):
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"

    async def prepare() -> dict[str, int]:
        db = Database(url)
        await migrate.upgrade(db)
        ids = await fill(db)
        await db.dispose()
        return ids

    ids = asyncio.run(prepare())
    monkeypatch.setenv("DATABASE_URL", url)
    out = tmp_path / f"activities.{fmt}"
    charts = tmp_path / "charts"
    code = cli_main(["export", "activities", "--format", fmt, "--out", str(out),
                     "--from", "2026-12-01", "--to", "2027-01-31", "--lang", "en",
                     "--charts", str(charts)])
    assert code == 0
    assert capsys.readouterr().out.strip() == f"3 activities written to {out}"
    if fmt == "csv":
        with out.open(encoding="utf-8-sig") as stream:
            rows = list(csv.DictReader(stream))
        assert [int(r["Activity id"]) for r in rows] == [ids["reported"], ids["half"],
                                                          ids["pending"]]
        assert rows[0]["Total participants"] == "78" and rows[0]["Type"] == "Workshop"
    else:
        sheet = load_workbook(out).active
        assert [c.value for c in sheet["A"]][1:] == [ids["reported"], ids["half"],
                                                     ids["pending"]]
    assert sorted(p.name for p in charts.iterdir()) == ["activities-by-month.png",
                                                       "activities-by-region.png"]
    assert cli_main(["export", "activities", "--format", fmt, "--out", str(out),
                     "--from", "31-12-2026"]) == 2


async def test_english_export_shows_reported_under_18_and_separates_held_from_planned(database):
    from youthbot.core.activities.export import counted

    ids = await fill(database)
    async with database.session() as session:
        rows = await load_rows(session, start=None, end=None, timezone="America/Lima")
    token = activate(Catalogs(default_language="es").get("en"))
    try:
        files = dict(export_files(rows, load_regions(), stem="activities"))
    finally:
        deactivate(token)
    table = {int(r["Activity id"]): r
             for r in csv.DictReader(io.StringIO(files["activities.csv"].decode("utf-8-sig")))}
    reported = table[ids["reported"]]
    assert (reported["Status"], reported["Total under 18"], reported["Total participants"]) == (
        "reported", "21", "78")
    assert reported["What happened and outcomes"] == "Secreto: nombres de participantes"
    assert "Group or organisation" in reported
    assert table[ids["half"]]["Status"] == "approved"
    assert table[ids["half"]]["Total under 18"] == ""
    # the charts count held (reported) and planned activities apart; cancelled ones not at all
    charted = counted(rows)
    assert sorted((r.id, r.held) for r in charted) == sorted(
        [(ids["reported"], True), (ids["half"], False), (ids["pending"], False)])
