"""Quiz figures: the admin's /quizstats (text and chart), figures that outlive people's data,
the table, the CSV, and a chart that is a real PNG drawn with the Agg backend."""

from __future__ import annotations

import csv
import io
import struct

import matplotlib
import matplotlib.image
import pytest
from harness import ADMIN, LEADER, YOUNG, YOUNG_EN, texts
from quiz.test_quiz import open_and_start, play
from sqlalchemy import delete, func, select

from youthbot.bot.quiz import stats as quiz_stats_view
from youthbot.core.people.roles import Role
from youthbot.core.quiz import stats as quiz_stats
from youthbot.db.models import QuizAnswer, QuizQuestionStat, User
from youthbot.db.models.quiz import STAT_SHARDS

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def check_png(data: bytes) -> tuple[int, int]:
    """The PNG's width and height, after checking it is one (signature, IHDR, decodable)."""
    assert data.startswith(PNG_SIGNATURE)
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    pixels = matplotlib.image.imread(io.BytesIO(data), format="png")
    assert pixels.shape[:2] == (height, width)
    return width, height


async def play_two_people(bot) -> None:
    """Anabela misses question 2 of the basics; Samwise misses questions 2 and 3."""
    quiz = next(q for q in bot.deps.content.quizzes if q.id == "csec-basics")
    for persona, wrong in ((YOUNG, {1}), (YOUNG_EN, {1, 2})):
        person = bot.person(persona)
        await person.onboard()
        await open_and_start(person, quiz.id)
        await play(person, quiz, wrong=wrong)


async def figures(bot, language: str = "es") -> list[quiz_stats.QuizFigure]:
    async with bot.db.session() as session:
        return await quiz_stats.quiz_figures(
            session, quizzes=bot.deps.content.quizzes, language=language
        )


async def test_figures_per_quiz_and_per_question(bot):
    await play_two_people(bot)
    shown = await figures(bot)
    basics = shown[0]
    assert basics.quiz_id == "csec-basics"
    assert (basics.answers, basics.correct) == (16, 13)
    assert [(q.answers, q.correct) for q in basics.questions[:4]] == [
        (2, 2), (2, 0), (2, 1), (2, 2)
    ]
    assert basics.questions[1].percent == 0.0 and basics.questions[2].percent == 50.0
    assert basics.percent == 81.2
    assert all(q.answers == 0 and q.percent is None for q in shown[1].questions)


async def test_answers_of_different_people_are_counted_in_separate_rows(bot):
    """The counters are spread over shard rows (a class answering at once does not queue on
    one row lock); the figures add them up, and no row says who answered."""
    await play_two_people(bot)
    assert YOUNG.id % STAT_SHARDS != YOUNG_EN.id % STAT_SHARDS
    async with bot.db.session() as session:
        shards = set(
            await session.scalars(
                select(QuizQuestionStat.shard).where(QuizQuestionStat.quiz_id == "csec-basics")
            )
        )
    assert shards == {YOUNG.id % STAT_SHARDS, YOUNG_EN.id % STAT_SHARDS}
    assert [(q.answers, q.correct) for q in (await figures(bot))[0].questions[:2]] == [
        (2, 2), (2, 0)
    ]


async def test_admin_gets_the_figures_and_the_chart(bot, monkeypatch):
    drawn: list[bytes] = []

    def spy(*args, **kwargs) -> bytes:
        drawn.append(quiz_stats.render_chart(*args, **kwargs))
        return drawn[-1]

    monkeypatch.setattr(quiz_stats_view, "render_chart", spy)
    await play_two_people(bot)
    admin = bot.person(ADMIN)
    await admin.onboard()
    calls = await admin.send("/quizstats")

    es = bot.deps.catalogs.get("es")
    text = "\n".join(texts(calls))
    assert text.startswith("📊 Cifras de los quizzes")
    title = "Lo básico: explotación sexual"
    assert f"{title}: 16 respuestas, {es.format_percent(13 / 16)} correctas" in text
    assert f"  2. 2 respuestas, {es.format_percent(0)} correctas" in text
    assert f"  3. 2 respuestas, {es.format_percent(0.5)} correctas" in text
    assert "  1. 0 respuestas, — correctas" in text
    for persona in (YOUNG, YOUNG_EN):
        assert persona.first_name not in text and str(persona.id) not in text
    photos = [c for c in calls if c.method == "sendPhoto"]
    assert len(photos) == 1 and photos[0].chat_id == ADMIN.id
    assert photos[0].params["caption"] == (
        "Las preguntas en rojo muestran las ideas equivocadas que hay que trabajar."
    )
    assert len(drawn) == 1
    check_png(drawn[0])
    assert matplotlib.get_backend().lower() == "agg"


async def test_no_answers_yet_means_no_chart(bot):
    admin = bot.person(ADMIN)
    await admin.onboard()
    calls = await admin.send("/quizstats")
    assert "Todavía nadie ha respondido un quiz, así que no hay gráfico." in texts(calls)
    assert not [c for c in calls if c.method == "sendPhoto"]


@pytest.mark.parametrize("role", [None, Role.LEADER])
async def test_only_admins_see_the_figures(bot, role):
    persona = YOUNG if role is None else LEADER
    if role is not None:
        await bot.grant(persona, role)
    person = bot.person(persona)
    await person.onboard()
    calls = await person.send("/quizstats")
    refusal = bot.deps.catalogs.get("es").gettext("Sorry, that is not something you can do here.")
    assert texts(calls) == [refusal]


async def test_figures_survive_people_deleting_their_data(bot):
    await play_two_people(bot)
    before = await figures(bot)
    async with bot.db.session() as session:
        await session.execute(delete(User))
    async with bot.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(QuizAnswer)) == 0
    assert await figures(bot) == before


async def test_table_csv_and_chart_from_test_data(bot):
    await play_two_people(bot)
    shown = await figures(bot, "en")

    table = quiz_stats.format_table(shown).splitlines()
    assert table[0].split() == ["quiz", "/", "question", "answers", "correct", "%", "correct"]
    assert table[2].split()[-3:] == ["16", "13", "81.2%"]
    assert table[2].startswith("csec-basics: The basics")
    assert table[4].split()[-3:] == ["2", "0", "0.0%"]
    assert table[-1].split()[-3:] == ["0", "0", "—"]

    stream = io.StringIO()
    quiz_stats.write_csv(shown, stream)
    rows = list(csv.DictReader(io.StringIO(stream.getvalue())))
    assert list(rows[0]) == list(quiz_stats.CSV_COLUMNS)
    assert rows[0]["level"] == "quiz" and rows[0]["percent_correct"] == "81.2"
    second = rows[2]
    assert (second["level"], second["question_number"], second["question_id"]) == (
        "question", "2", "q2"
    )
    assert (second["answers"], second["correct"], second["percent_correct"]) == ("2", "0", "0.0")
    assert second["question"].startswith("True or false?")
    question_rows = [r for r in rows if r["level"] == "question"]
    assert len(question_rows) == sum(len(q.questions) for q in bot.deps.content.quizzes)

    png = quiz_stats.render_chart(
        shown, title="Right answers per question", axis_label="%", no_answers="no answers"
    )
    width, height = check_png(png)
    assert width == 1100 and height > 1000  # one bar per question of every quiz
    assert matplotlib.get_backend().lower() == "agg"
