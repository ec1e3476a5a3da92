"""Quiz figures by people: a retry is counted apart from the first attempt, and first attempts
are broken down by region and age band with no count from 1 to 4 shown (and none that could
be worked out from a total)."""

from __future__ import annotations

import csv
import io

import pytest
from harness import ADMIN, YOUNG, YOUNG_EN, texts
from quiz.test_quiz import open_and_start, play
from quiz.test_quiz_cli import shell  # noqa: F401 (the fixture)
from sqlalchemy import select

from youthbot.cli import main
from youthbot.core.quiz.people import people_figures, suppress
from youthbot.db import migrate
from youthbot.db.engine import Database
from youthbot.db.models import QuizPeopleStat, User


def test_small_cells_and_secondary_suppression():
    assert suppress([0, 3, 12]) == ["0", "<5", "12"]
    # the total 23 would give the single hidden 3 away: the next smallest is hidden too
    assert suppress([3, 8, 12], total=23) == ["<5", "<5", "12"]
    assert suppress([3, 4, 12], total=19) == ["<5", "<5", "12"]  # two hidden already
    assert suppress([3, 0, 0], total=3) == ["<5", "0", "0"]  # the total is hidden itself
    assert suppress([5, 9], total=14) == ["5", "9"]


async def people_rows(bot) -> dict[tuple[str, str, str, str], int]:
    async with bot.db.session() as session:
        rows = await session.execute(select(QuizPeopleStat))
        return {(r.quiz_id, r.attempt, r.region, r.age_band): r.people for (r,) in rows}


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_a_retry_counts_apart_and_the_admin_sees_people(bot, lang):
    persona = YOUNG if lang == "es" else YOUNG_EN
    quiz = next(q for q in bot.deps.content.quizzes if q.id == "csec-basics")
    person = bot.person(persona)
    await person.onboard(age_band="14-17")
    async with bot.db.session() as session:
        (await session.get(User, persona.id)).region = "puno"
        await session.commit()
    await open_and_start(person, quiz.id)
    await play(person, quiz, wrong={1})
    await person.press({"es": "🔁 Intentar de nuevo", "en": "🔁 Try again"}[lang])
    await play(person, quiz)
    assert await people_rows(bot) == {
        ("csec-basics", "first", "puno", "14-17"): 1,
        ("csec-basics", "retry", "puno", "14-17"): 1,
    }
    async with bot.db.session() as session:
        people, breakdowns = await people_figures(
            session, quizzes=bot.deps.content.quizzes, language=lang)
    basics = people[0]
    assert (basics.first, basics.retries) == (1, 1)
    # % right counts the first attempt only: 7 of 8, not 15 of 16
    assert (basics.first_answers, basics.first_correct) == (8, 7)

    admin = bot.person(ADMIN, language_code=lang)
    await admin.onboard(age_band="26+")
    calls = await admin.send("/quizstats")
    shown = next(t for t in texts(calls) if t.startswith("👥")).replace("\xa0", " ")
    expected = {
        "es": ("Lo básico: explotación sexual: <5 la primera vez, <5 reintentos, "
               "88 % correctas la primera vez",
               "Puno: 0 / <5 / 0 / 0 / 0 · total <5"),
        "en": ("The basics: sexual exploitation: <5 first time, <5 retries, "
               "88% right the first time",
               "Puno: 0 / <5 / 0 / 0 / 0 · total <5"),
    }[lang]
    for line in expected:
        assert line in shown.splitlines(), shown
    for row in shown.splitlines():  # no count from 1 to 4 in any cell
        if " · total " in row:
            cells, total = row.split(": ", 1)[1].split(" · total ")
            assert all(c in ("0", "<5") or int(c) >= 5 for c in [*cells.split(" / "), total])


async def add_people(url: str) -> None:
    db = Database(url)
    await migrate.upgrade(db)
    async with db.session() as session:
        for region, band, people in (("lima", "14-17", 9), ("lima", "18-25", 3),
                                     ("lima", "u14", 6), ("puno", "14-17", 7)):
            session.add(QuizPeopleStat(quiz_id="csec-basics", attempt="first", region=region,
                                       age_band=band, people=people))
        session.add(QuizPeopleStat(quiz_id="csec-basics", attempt="retry", region="lima",
                                   age_band="14-17", people=2))
        await session.commit()
    await db.dispose()


def test_the_shell_prints_and_writes_people_with_small_cells_hidden(shell, monkeypatch, capsys):  # noqa: F811
    import asyncio

    url = f"sqlite+aiosqlite:///{shell / 'people.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    asyncio.run(add_people(url))
    code = main(["stats", "quizzes", "--people-csv", "people.csv", "--lang", "en"])
    out = capsys.readouterr()
    assert code == 0, out.err
    lines = out.out.splitlines()
    basics = lines[lines.index("people per quiz (first attempts; retries apart)") + 2]
    assert basics.startswith("csec-basics: The basics")
    assert basics.split()[-3:] == ["25", "<5", "—"]
    rows = list(csv.DictReader(io.StringIO((shell / "people.csv").read_text(encoding="utf-8"))))
    lima = next(r for r in rows if r["region"] == "lima")
    # 3 is hidden, and so is 6 (the row total 18 would give the 3 away)
    assert (lima["age_u14"], lima["age_14-17"], lima["age_18-25"], lima["total"]) == (
        "<5", "9", "<5", "18")
    puno = next(r for r in rows if r["region"] == "puno")
    assert (puno["age_14-17"], puno["total"]) == ("7", "7")
    code = main(["export", "quizzes", "--out", "people.xlsx", "--lang", "es"])
    assert code == 0
    from openpyxl import load_workbook

    workbook = load_workbook(shell / "people.xlsx")
    quizzes = [[c.value for c in row] for row in workbook["Quizzes"].iter_rows()]
    assert quizzes[1][:4] == ["csec-basics", "Lo básico: explotación sexual", 25, "<5"]
    first = [[c.value for c in row] for row in workbook["First attempts"].iter_rows()]
    assert first[1][2:] == ["lima", "<5", 9, "<5", 0, 0, 18]
    assert all(not (isinstance(v, int) and 0 < v < 5) for row in first + quizzes for v in row)
