"""Opinion polls: asked through the announcement outbox to a targeted audience, answered once
with a button, counted anonymously by region and age band (1–4 shown as "<5"), closed and
shared back with those who answered, exported as CSV and a chart."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from harness import ADMIN, FRIEND, YOUNG, YOUNG_EN, labels, texts
from sqlalchemy import select, update

from youthbot.bot.announce.outbox import AnnouncementSender
from youthbot.bot.polls.views import build_option_buttons
from youthbot.cli import main
from youthbot.core import polls, privacy
from youthbot.core.announce.audience import Audience
from youthbot.db.models import Poll, PollCount, PollResponder, User
from youthbot.db.types import utcnow
from youthbot.offline import ApiError

LANGUAGES = pytest.mark.parametrize("lang", ["es", "en"])
PERSONAS = {"es": YOUNG, "en": YOUNG_EN}
QUESTION = {"es": "¿Qué tema llevamos a la municipalidad?",
            "en": "Which topic do we take to the council?"}  # fmt: skip
OPTIONS = [{"es": "Seguridad en internet", "en": "Online safety"},
           {"es": "Trabajo digno", "en": "Decent work"}]  # fmt: skip


async def opt_in(bot, *personas) -> None:
    for persona in personas:
        await bot.person(persona).onboard()
    async with bot.db.session() as session:
        await session.execute(
            update(User).where(User.id.in_([p.id for p in personas]))
            .values(notify_announcements=True)
        )  # fmt: skip


def sender(bot) -> AnnouncementSender:
    return AnnouncementSender(bot.app, rate=1000, lanes=2, progress_seconds=0.01, gap_seconds=0)


def received(bot, text: str) -> dict[int, int]:
    """Who got `text` through the outbox (sent, not edited), how many times."""
    got: dict[int, int] = {}
    for c in bot.api.calls:
        if c.method == "sendMessage" and c.text == text and not isinstance(c.result, ApiError):
            got[c.chat_id] = got.get(c.chat_id, 0) + 1
    return got


async def live_in_puno(bot, *personas) -> None:
    await opt_in(bot, *personas)
    async with bot.db.session() as session:
        await session.execute(
            update(User).where(User.id.in_([p.id for p in personas]))
            .values(country="PE", region="puno")
        )  # fmt: skip


PUNO = Audience(regions=("PE:puno",))


async def ask_poll(bot, audience: Audience = PUNO) -> int:
    async with bot.db.session() as session:
        poll = await polls.create_poll(
            session, question=QUESTION, options=OPTIONS, audience=audience, created_by=None,
            now=utcnow(),
        )  # fmt: skip
        await polls.ask(
            session, poll, language="es", buttons=build_option_buttons(poll, ["es", "en"]),
            now=utcnow(),
        )  # fmt: skip
    await sender(bot).run(until_idle=True)
    return poll.id


async def stored(bot):
    async with bot.db.session() as session:
        markers = (await session.execute(select(PollResponder.poll_id, PollResponder.user_id)))
        counts = await session.execute(
            select(PollCount.option, PollCount.region, PollCount.age_band, PollCount.count)
        )
        return sorted(markers.all()), sorted(counts.all())


@LANGUAGES
async def test_a_young_person_answers_with_a_button_and_only_a_counter_keeps_what(bot, lang):
    persona = PERSONAS[lang]
    await live_in_puno(bot, persona)
    await opt_in(bot, FRIEND)  # opted in, but in no region: a Puno poll does not reach her
    poll_id = await ask_poll(bot)
    assert received(bot, QUESTION[lang]) == {persona.id: 1}
    assert not received(bot, QUESTION["es" if lang == "en" else "en"])
    person = bot.person(persona)
    message, _data = person.find_button(OPTIONS[0][lang])
    assert [b["text"] for row in message["reply_markup"]["inline_keyboard"] for b in row] == [
        OPTIONS[0][lang], OPTIONS[1][lang]
    ]
    calls = await person.press(OPTIONS[0][lang])
    assert {"es": "Tu respuesta: Seguridad en internet. ¡Gracias! Nadie puede ver lo que "
                  "elegiste",
            "en": "Your answer: Online safety. Thank you! Nobody can see what you chose"}[lang] \
        in texts(calls)[0]  # fmt: skip
    assert labels(calls) == []  # the buttons go
    assert await stored(bot) == ([(poll_id, persona.id)], [(0, "PE:puno", "14-17", 1)])
    # what is kept about a person: that they answered, never what
    assert {c.name for c in PollResponder.__table__.columns} == {"poll_id", "user_id"}
    assert "user_id" not in {c.name for c in PollCount.__table__.columns}


@LANGUAGES
async def test_a_second_answer_is_refused_kindly_and_counts_nothing(bot, lang):
    persona = PERSONAS[lang]
    await live_in_puno(bot, persona)
    poll_id = await ask_poll(bot)
    person = bot.person(persona)
    message, first = person.find_button(OPTIONS[0][lang])
    _message, second = person.find_button(OPTIONS[1][lang])
    await person.press_data(first, message)
    calls = await person.press_data(second, message)  # the old message, another option
    assert calls[0].params == {
        "callback_query_id": calls[0].params["callback_query_id"], "show_alert": True,
        "text": {"es": "Ya respondiste esta encuesta. ¡Gracias!",
                 "en": "You already answered this poll. Thank you!"}[lang],
    }  # fmt: skip
    assert await stored(bot) == ([(poll_id, persona.id)], [(0, "PE:puno", "14-17", 1)])


async def test_a_person_the_poll_was_not_sent_to_cannot_answer(bot):
    await live_in_puno(bot, YOUNG)
    await opt_in(bot, FRIEND)
    poll_id = await ask_poll(bot)
    await bot.person(FRIEND).press_data(f"1|poll.ans|{poll_id}|0")
    await bot.person(YOUNG).press_data(f"1|poll.ans|{poll_id}|7")  # no such option
    assert await stored(bot) == ([], [])


@LANGUAGES
async def test_results_hide_small_cells_and_are_shared_back_when_closed(bot, lang):
    await live_in_puno(bot, YOUNG, YOUNG_EN)
    await opt_in(bot, FRIEND)
    async with bot.db.session() as session:
        await session.execute(update(User).where(User.id == FRIEND.id)
                              .values(country="PE", region="puno"))  # fmt: skip
    poll_id = await ask_poll(bot)
    await bot.person(YOUNG).press(OPTIONS[0]["es"])
    await bot.person(YOUNG_EN).press(OPTIONS[0]["en"])
    async with bot.db.session() as session:  # seven more, from earlier weeks
        session.add(PollCount(poll_id=poll_id, option=1, region="PE:puno", age_band="18-25",
                              count=7))  # fmt: skip
    admin = bot.person(ADMIN, language_code=lang)
    await admin.onboard()
    calls = await admin.send({"es": "/encuestas", "en": "/polls"}[lang])
    assert {"es": "Respuestas: 9", "en": "Answers: 9"}[lang] in texts(calls)[0]
    calls = await admin.press({"es": "📊 Resultados", "en": "📊 Results"}[lang])
    shown = texts(calls)[0]
    assert f"1. {OPTIONS[0][lang]}: <5\n   Puno ({'Perú' if lang == 'es' else 'Peru'}): <5" \
        in shown  # fmt: skip
    # 9 in all with one option under 5: the other is hidden too, or 9 - 7 would give it away
    assert f"2. {OPTIONS[1][lang]}: –\n" in shown and ": 7" not in shown
    assert {"es": "«–» oculta una cifra que revelaría otra más pequeña.",
            "en": "“–” hides a count that would give a smaller one away."}[lang] in shown
    assert [c.method for c in calls if c.method == "sendPhoto"] == ["sendPhoto"]
    calls = await admin.press({"es": "🔒 Cerrar y compartir", "en": "🔒 Close and share"}[lang])
    assert {"es": "Sus resultados van a las <5 personas que respondieron.",
            "en": "Its results go to the <5 people who answered."}[lang] in texts(calls)[0]
    await sender(bot).run(until_idle=True)
    shared_es = ("📊 ¿Qué tema llevamos a la municipalidad?\n"
                 "Esto respondieron 9 jóvenes en Puno:\n• Seguridad en internet: <5\n"
                 "• Trabajo digno: –\n"
                 "«–» oculta una cifra que revelaría otra más pequeña.\n"
                 "Gracias por dar tu opinión. La llevamos a quienes toman las decisiones.")
    shared_en = ("📊 Which topic do we take to the council?\n"
                 "This is what 9 young people in Puno answered:\n• Online safety: <5\n"
                 "• Decent work: –\n"
                 "“–” hides a count that would give a smaller one away.\n"
                 "Thank you for giving your opinion. We take it to the people who decide.")
    assert received(bot, shared_es) == {YOUNG.id: 1}  # FRIEND was asked but did not answer
    assert received(bot, shared_en) == {YOUNG_EN.id: 1}
    calls = await bot.person(FRIEND).press(OPTIONS[1]["es"])
    assert calls[0].params["text"] == "Esta encuesta ya se cerró. ¡Gracias!"


async def test_deleting_a_person_deletes_their_marker_and_keeps_the_counters(bot):
    await live_in_puno(bot, YOUNG)
    poll_id = await ask_poll(bot)
    await bot.person(YOUNG).press(OPTIONS[1]["es"])
    async with bot.db.session() as session:
        await privacy.forget_people(session, user_ids=[YOUNG.id], now=utcnow())
    assert await stored(bot) == ([], [(1, "PE:puno", "14-17", 1)])
    async with bot.db.session() as session:
        assert (await session.get(Poll, poll_id)).status == "open"


POLL_FILE = """\
question:
  es: ¿Qué tema llevamos a la municipalidad?
  en: Which topic do we take to the council?
options:
  - {es: Seguridad en internet, en: Online safety}
  - {es: Trabajo digno, en: Decent work}
"""


def test_the_command_line_creates_a_targeted_poll_and_writes_csv_and_chart(
    tmp_path: Path, sqlite_template: Path, monkeypatch, capsys
):
    database = tmp_path / "cli.sqlite3"
    database.write_bytes(sqlite_template.read_bytes())
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{database}")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "poll.yaml").write_text(POLL_FILE, encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("question: {en: Only English}\noptions: []\n")
    assert main(["poll", "create", "bad.yaml", "--yes"]) == 1
    assert main(["poll", "create", "poll.yaml", "--region", "PE:atlantis", "--yes"]) == 1
    assert main(["poll", "create", "poll.yaml", "--region", "PE:puno", "--age", "14-17",
                 "--yes"]) == 0  # fmt: skip
    assert "poll 1: queued (announcement 1)" in capsys.readouterr().out
    with sqlite3.connect(database) as conn:
        audience, buttons = conn.execute(
            "SELECT audience, buttons FROM announcements WHERE id = 1"
        ).fetchone()
        assert '"regions": ["PE:puno"]' in audience and '"ages": ["14-17"]' in audience
        assert "1|poll.ans|1|0" in buttons and "Online safety" in buttons
        conn.executemany(
            "INSERT INTO poll_counts (poll_id, option, region, age_band, count) VALUES "
            "(1, ?, 'PE:puno', ?, ?)", [(0, "14-17", 3), (1, "14-17", 12), (1, "18-25", 1)],
        )  # fmt: skip
    csv_file, chart = tmp_path / "puno.csv", tmp_path / "puno.png"
    assert main(["poll", "results", "1", "--csv", str(csv_file), "--chart", str(chart)]) == 0
    assert csv_file.read_text(encoding="utf-8").splitlines() == [
        "poll,option,option_text,region,age_band,count",
        "1,1,Seguridad en internet,PE:puno,14-17,<5",
        "1,2,Trabajo digno,PE:puno,14-17,–",  # 13 - 12 would give the <5 away
        "1,2,Trabajo digno,PE:puno,18-25,<5",
        "1,1,Seguridad en internet,all,all,<5",
        "1,2,Trabajo digno,all,all,–",  # the total of answers minus 13 would too
    ]
    assert chart.read_bytes().startswith(b"\x89PNG")
    assert main(["poll", "close", "1"]) == 0
    assert main(["poll", "close", "1"]) == 1  # closed already


async def test_a_person_in_the_quiet_after_a_quick_exit_is_not_asked(bot):
    await live_in_puno(bot, YOUNG, YOUNG_EN)
    async with bot.db.session() as session:
        await session.execute(update(User).where(User.id == YOUNG.id).values(held_since=utcnow()))
    await ask_poll(bot)
    assert received(bot, QUESTION["es"]) == {}
    assert received(bot, QUESTION["en"]) == {YOUNG_EN.id: 1}
