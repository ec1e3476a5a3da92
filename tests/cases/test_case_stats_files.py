"""Case figures as files: `youthbot stats cases` (table, CSV, PNG chart) and `youthbot export
cases` (the XLSX "Cases" sheet), in Spanish and English; no count from 1 to 4 appears in any of
them, and the chart never draws a small group at its height. Also how the counters follow a
case reopened and a changed "did it help?" answer."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from matplotlib.figure import Figure
from openpyxl import load_workbook
from quiz.test_quiz_cli import shell  # noqa: F401  (the fixture)
from quiz.test_quiz_stats import check_png

from youthbot.cli import main
from youthbot.core import cases as case_service
from youthbot.core.cases import actions as case_actions
from youthbot.core.cases.chart import _stack, render_case_chart
from youthbot.core.cases.stats import case_figures
from youthbot.db import migrate
from youthbot.db.engine import Database

JAN = datetime(2026, 1, 10, 14, 0, tzinfo=UTC)
FEB = datetime(2026, 2, 3, 14, 0, tzinfo=UTC)
MODERATOR_ID = 333333


async def add_case(
    session, *, user_id: int, topic: str, opened: datetime, urgent: bool = False,
    minutes: tuple[int, int, int] | None = None, outcome: str = "helped",
    feedback: str | None = None,
):  # fmt: skip
    """A case opened at `opened`, then claimed, answered and closed after `minutes`."""
    case = await case_service.open_case(
        session, user_id=user_id, topic=topic, urgent=urgent, for_whom="me", country="PE",
        region="lima", language="es", now=opened, realert=timedelta(minutes=10),
    )  # fmt: skip
    if minutes is None:
        return case
    claim, reply, close = (opened + timedelta(minutes=m) for m in minutes)
    await case_actions.claim_case(session, case=case, moderator_id=MODERATOR_ID, now=claim)
    await case_actions.relay_to_person(
        session, case=case, moderator_id=MODERATOR_ID, text="Hola", now=reply
    )
    await case_actions.close_case(
        session, case=case, moderator_id=MODERATOR_ID, is_admin=False, outcome=outcome, now=close
    )
    if feedback:
        await case_service.record_feedback(
            session, case_id=case.id, user_id=user_id, answer=feedback
        )
    return case


async def fill(session) -> None:
    """January: 6 cases about violence at home (one urgent), 2 about grooming, all answered;
    February: 3 legal cases still open."""
    for n in range(8):
        await add_case(
            session, user_id=1000 + n, topic="violence_home" if n < 6 else "grooming",
            opened=JAN + timedelta(hours=n), urgent=n == 0, minutes=(5 + n, 10 + n, 60 * (n + 1)),
            outcome="helped" if n < 6 else "referred", feedback="yes" if n < 3 else None,
        )  # fmt: skip
    for n in range(3):
        await add_case(session, user_id=2000 + n, topic="legal", opened=FEB + timedelta(hours=n))


def no_small_count(value) -> bool:
    """What a count cell may hold: "<5", nothing, 0, or 5 and more."""
    if value in (None, "", "<5"):
        return True
    return int(value) == 0 or int(value) >= 5


@pytest.fixture
def filled(shell, monkeypatch):  # noqa: F811
    url = f"sqlite+aiosqlite:///{shell / 'cases.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)

    async def build() -> None:
        db = Database(url)
        await migrate.upgrade(db)
        async with db.session() as session:
            await fill(session)
            await session.commit()
        await db.dispose()

    asyncio.run(build())
    return shell


CSV_EXPECTED = {
    "en": {
        ("Cases per month", "2026-01"): "8",
        ("Cases per month", "2026-02"): "<5",
        ("Topic", "violence_home"): "6",
        ("Topic", "grooming"): "<5",
        ("Urgency", "urgent"): "<5",
        ("Outcome", "helped"): "6",
        ("Outcome", "open"): "<5",
        ("Did it help?", "bit"): "0",
    },
    "es": {
        ("Casos por mes", "2026-01"): "8",
        ("Tema", "grooming"): "<5",
        ("Resultado", "referred"): "<5",
        ("¿Sirvió?", "yes"): "<5",
    },
}


@pytest.mark.parametrize("lang", ["es", "en"])
def test_stats_cases_writes_table_csv_and_chart_with_small_cells_hidden(filled, capsys, lang):
    code = main(["stats", "cases", "--csv", "cases.csv", "--chart", "cases.png",
                 "--from", "2026-01-01", "--to", "2026-02-28", "--lang", lang])  # fmt: skip
    out = capsys.readouterr()
    assert code == 0, out.err
    table = out.out
    assert {"en": "  Violence at home: 6", "es": "  Violencia en casa: 6"}[lang] in table
    assert {"en": "  Online grooming, sextortion or images shared: <5",
            "es": "  Grooming, sextorsión o imágenes compartidas: <5"}[lang] in table  # fmt: skip
    assert {"en": "  Time to claim: 8  half within 8 min, 90% within 12 min",
            "es": "  Tiempo hasta que alguien lo tomó: 8  la mitad en 8 min, el 90 % en 12 min",
            }[lang] in table  # fmt: skip

    counts = [line.rsplit(": ", 1)[1].split()[0] for line in table.splitlines() if ": " in line]
    assert "<5" in counts and all(no_small_count(c) for c in counts)

    text = (filled / "cases.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    assert header[3] == {"en": "Cases", "es": "Casos"}[lang]
    found = {(r[0], r[1]): r[3] for r in body}
    for key, value in CSV_EXPECTED[lang].items():
        assert found[key] == value, key
    assert all(no_small_count(r[3]) for r in body)
    claim = next(r for r in body if r[1] == "claim")
    assert claim[3:] == ["8", "8", "12"]  # 8 cases: half within 8 minutes, 90% within 12
    check_png((filled / "cases.png").read_bytes())


@pytest.mark.parametrize("lang", ["es", "en"])
def test_export_cases_writes_a_cases_sheet_with_typed_suppressed_cells(filled, capsys, lang):
    code = main(["export", "cases", "--format", "xlsx", "--out", "cases.xlsx",
                 "--from", "2026-01-15", "--to", "2026-02-01", "--lang", lang])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    book = load_workbook(filled / "cases.xlsx")
    sheet = book[{"en": "Cases", "es": "Casos"}[lang]]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == {"en": ("Section", "Key", "Label", "Cases"),
                           "es": ("Sección", "Clave", "Etiqueta", "Casos")}[lang]  # fmt: skip
    by_key = {(r[1]): r for r in rows[1:] if r[0] in ("Cases per month", "Casos por mes")}
    assert by_key["2026-01"][3] == 8 and by_key["2026-02"][3] == "<5"
    for row in rows[1:]:
        count = row[3]
        assert count == "<5" or (isinstance(count, int) and (count == 0 or count >= 5)), row
    close = next(r for r in rows if r[1] == "close")
    assert close[3:] == (8, 240, 480)


def test_times_need_five_cases_and_reopening_or_new_feedback_counts_once(tmp_path):
    async def scenario() -> None:
        db = Database(f"sqlite+aiosqlite:///{tmp_path / 'c.sqlite3'}")
        await migrate.upgrade(db)
        async with db.session() as session:
            case = await add_case(session, user_id=7, topic="other", opened=JAN,
                                  minutes=(1, 2, 3), outcome="helped", feedback="no")  # fmt: skip
            await case_service.reopen_case(
                session, case_id=case.id, user_id=7, now=JAN + timedelta(days=1),
                realert=timedelta(minutes=10),
            )  # fmt: skip
            await case_actions.claim_case(
                session, case=case, moderator_id=MODERATOR_ID, now=JAN + timedelta(days=1)
            )
            await case_actions.close_case(
                session, case=case, moderator_id=MODERATOR_ID, is_admin=False,
                outcome="referred", now=JAN + timedelta(days=2),
            )  # fmt: skip
            await case_service.record_feedback(session, case_id=case.id, user_id=7, answer="yes")
            later = await add_case(session, user_id=8, topic="other", opened=JAN)
            await case_service.mark_urgent(session, later)  # "I am in danger" after opening
            await case_service.mark_urgent(session, later)  # said again: no second move
            figures = await case_figures(session, first=date(2026, 1, 1), last=date(2026, 1, 1))
        await db.dispose()
        assert figures.total == 2
        assert figures.counts["urgency"] == {"normal": 1, "urgent": 1}
        assert figures.counts["outcome"] == {"referred": 1}
        assert figures.counts["feedback"] == {"yes": 1}
        # one case measured each time (the first claim, the last close): too few to give one
        assert [(t.cases, t.median) for t in figures.times.values()] == [(1, None)] * 3

    asyncio.run(scenario())


def test_the_chart_never_draws_a_small_group_at_its_height(tmp_path):
    async def load():
        db = Database(f"sqlite+aiosqlite:///{tmp_path / 'c.sqlite3'}")
        await migrate.upgrade(db)
        async with db.session() as session:
            await fill(session)
            figures = await case_figures(session, first=date(2026, 1, 1), last=date(2026, 2, 1))
        await db.dispose()
        return figures

    figures = asyncio.run(load())
    axes = Figure().subplots()
    _stack(axes, figures, figures.month_list(), "topic", ["#000000"] * 8)
    bars = [p for p in axes.patches if not p.get_hatch()]
    boxes = [p for p in axes.patches if p.get_hatch()]
    assert sorted(round(p.get_height()) for p in bars if p.get_height()) == [6]
    assert len(boxes) == 2 and {p.get_height() for p in boxes} == {1.0}  # fixed, not 2 or 3
    assert [t.get_text() for t in axes.texts] == ["<5", "<5"]
    check_png(render_case_chart(figures))


async def test_the_migration_counts_the_cases_that_existed_before(database):
    """Cases opened before the counters existed are counted once by migration 0011."""
    from sqlalchemy import text

    await migrate.downgrade(database, "0007")
    async with database.engine.begin() as conn:
        await conn.execute(text(
            "INSERT INTO users (id, language, role, age_band, notify_announcements, "
            "notify_reminders, blocked, created_on, last_seen_on) "
            "VALUES (5, 'es', 'young', 'u14', false, true, false, '2026-03-01', '2026-03-05')"
        ))  # fmt: skip
        for n, (status, outcome) in enumerate([("closed", "helped"), ("open", None)]):
            await conn.execute(
                text(
                    "INSERT INTO cases (id, number, user_id, topic, urgent, for_whom, country, "
                    "region, language, status, opened_at, claimed_at, closed_at, outcome, "
                    "feedback, alerts_sent) VALUES (:id, :number, :user, 'legal', false, 'me', "
                    "'PE', 'puno', 'es', :status, :opened, :claimed, :closed, :outcome, "
                    ":feedback, 0)"
                ),
                {
                    "id": n + 1, "number": f"C-AAA{n}", "user": 5 if n == 0 else None,
                    "status": status, "opened": datetime(2026, 3, 5, 10, tzinfo=UTC),
                    "claimed": datetime(2026, 3, 5, 10, 7, tzinfo=UTC) if n == 0 else None,
                    "closed": datetime(2026, 3, 5, 12, tzinfo=UTC) if n == 0 else None,
                    "outcome": outcome, "feedback": "yes" if n == 0 else None,
                },
            )  # fmt: skip
        await conn.execute(
            text("INSERT INTO case_messages (case_id, at, sender, kind) "
                 "VALUES (1, :at, 'staff', 'text')"),
            {"at": datetime(2026, 3, 5, 10, 9, tzinfo=UTC)},
        )  # fmt: skip
    await migrate.upgrade(database)
    async with database.session() as session:
        figures = await case_figures(session, first=date(2026, 3, 1), last=date(2026, 3, 1))
        first = (await session.execute(text(
            "SELECT first_claimed_at IS NOT NULL, first_reply_at IS NOT NULL FROM cases "
            "ORDER BY id"))).all()  # fmt: skip
    assert figures.total == 2
    assert figures.counts["age"] == {"u14": 1, "-": 1}
    assert figures.counts["region"] == {"PE/puno": 2}
    assert figures.counts["outcome"] == {"helped": 1}
    assert figures.counts["feedback"] == {"yes": 1}
    assert [t.cases for t in figures.times.values()] == [1, 1, 1]
    assert [tuple(row) for row in first] == [(True, True), (False, False)]
