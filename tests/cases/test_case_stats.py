"""Case figures in the staff chat: cases opened, claimed, answered, closed and rated through the
bot (the clock moved between steps) become /casestats, in Spanish and English, with every
count from 1 to 4 shown as "<5"; only moderators and admins get them; they survive deletion."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from harness import ADMIN, LEADER, MODERATOR, STAFF_CHAT_ID, YOUNG, start_harness, texts
from sqlalchemy import delete, select

from youthbot.bot.runtime import callbacks
from youthbot.core.cases.stats import case_figures
from youthbot.core.people.roles import Role
from youthbot.core.privacy import apply_retention, forget_people
from youthbot.db.models import Case, CaseFigure

NOW = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
# Minutes from opening to the claim, the first reply and the close, for six cases.
TIMINGS = [(3, 4, 30), (5, 9, 40), (8, 10, 60), (10, 15, 90), (20, 25, 120), (40, 50, 300)]
SUMMARY = {
    "es": [
        "📊 Casos de ayuda de diciembre 2025 a noviembre 2026. Las cifras de 1 a 4 se muestran "
        "como “<5”.",
        "6 casos abiertos.",
        "Por tema: Violencia en casa 6",
        "Por urgencia: Urgente <5 · No urgente 5",
        "Por edad: De 14 a 17 6",
        "Por región: Perú · Puno 6",
        "Cómo terminaron los casos: Se ayudó 6",
        "¿Sirvió? (quienes respondieron): Sí sirvió 5 · Sirvió un poco <5",
        "Tiempo hasta que alguien lo tomó: la mitad en 8 min, el 90 % en 40 min (6 casos).",
        "Tiempo hasta la primera respuesta: la mitad en 10 min, el 90 % en 50 min (6 casos).",
        "Tiempo hasta el cierre: la mitad en 1 h, el 90 % en 5 h (6 casos).",
    ],
    "en": [
        "📊 Help cases from December 2025 to November 2026. Counts from 1 to 4 show as “<5”.",
        "6 cases opened.",
        "By topic: Violence at home 6",
        "By urgency: Urgent <5 · Not urgent 5",
        "By age band: 14 to 17 6",
        "By region: Peru · Puno 6",
        "How cases ended: Helped 6",
        "Did it help? (the people who answered): It helped 5 · It helped a bit <5",
        "Time to claim: half within 8 min, 90% within 40 min (6 cases).",
        "Time to the first reply: half within 10 min, 90% within 50 min (6 cases).",
        "Time to close: half within 1 h, 90% within 5 h (6 cases).",
    ],
}
HINT = {"es": "Escribe las fechas así: /casestats", "en": "Please write the dates like"}


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(params=["es", "en"])
async def staff_bot(request, settings, database):
    """The bot with the staff chat speaking `es` or `en`, a moderator, and a forum staff chat."""
    harness = await start_harness(
        settings.model_copy(update={"default_language": request.param}), database
    )
    harness.language = request.param
    harness.deps.clock = Clock(NOW)
    harness.api.forum_chats.add(STAFF_CHAT_ID)
    await harness.grant(MODERATOR, Role.MODERATOR)
    yield harness
    await harness.app.shutdown()
    assert not harness.errors


async def latest_case(bot) -> Case:
    async with bot.db.session() as session:
        return (await session.scalars(select(Case).order_by(Case.id.desc()))).first()


async def run_case(bot, *, start: datetime, timing, urgent: int, feedback: str) -> Case:
    """A young person asks for a person; a moderator claims, answers and closes it as helped,
    each after the given minutes; the person says whether it helped."""
    clock, person, moderator = bot.deps.clock, bot.person(YOUNG), bot.person(MODERATOR)
    claim, reply, close = timing
    clock.now = start
    await person.press_data(callbacks.pack("help.person", 3, "me", "PE", "puno", urgent))
    case = await latest_case(bot)
    clock.now = start + timedelta(minutes=claim)
    await moderator.press(action="case.claim", chat_id=STAFF_CHAT_ID)
    clock.now = start + timedelta(minutes=reply)
    calls = await moderator.send("Hola, aquí estoy.", chat_id=STAFF_CHAT_ID,
                                 thread_id=case.staff_thread_id)
    assert texts(calls, YOUNG.id)  # relayed: the first reply
    await moderator.send("¿Sigues ahí?", chat_id=STAFF_CHAT_ID, thread_id=case.staff_thread_id)
    clock.now = start + timedelta(minutes=close)
    await moderator.press(action="case.close", chat_id=STAFF_CHAT_ID)
    message, _data = moderator.find_button(action="case.outcome", chat_id=STAFF_CHAT_ID)
    await moderator.press_data(callbacks.pack("case.outcome", case.id, "helped"), message)
    message, _data = person.find_button(action="help.feedback")
    await person.press_data(callbacks.pack("help.feedback", case.id, feedback), message)
    return case


async def six_cases(bot) -> None:
    await bot.person(YOUNG).onboard()
    for index, timing in enumerate(TIMINGS):
        await run_case(
            bot, start=NOW + timedelta(days=index), timing=timing, urgent=int(index == 0),
            feedback="bit" if index == 5 else "yes",
        )  # fmt: skip


def small_counts(text: str) -> list[str]:
    """Counts from 1 to 4 written as numbers after a label (never allowed)."""
    return re.findall(r"[A-Za-zÁÉÍÓÚáéíóúñ)] [1-4](?![\d:])(?! [a-z%])", text)


async def test_casestats_summarises_cases_claimed_answered_closed_and_rated(staff_bot):
    bot, lang = staff_bot, staff_bot.language
    await six_cases(bot)
    async with bot.db.session() as session:
        cases = (await session.scalars(select(Case).order_by(Case.id))).all()
    assert [round((c.first_claimed_at - c.opened_at).total_seconds() / 60) for c in cases] == [
        t[0] for t in TIMINGS
    ]
    assert [round((c.first_reply_at - c.opened_at).total_seconds() / 60) for c in cases] == [
        t[1] for t in TIMINGS
    ]

    moderator = bot.person(MODERATOR)
    bot.deps.clock.now = NOW + timedelta(days=20)
    calls = await moderator.send("/casestats", chat_id=STAFF_CHAT_ID)
    summary = texts(calls, STAFF_CHAT_ID)[0]
    lines = summary.splitlines()
    for expected in SUMMARY[lang]:
        assert expected in lines, (expected, summary)
    assert small_counts(summary) == []
    assert [c.method for c in calls if c.method == "sendPhoto"] == ["sendPhoto"]

    # a date range: the month before has nothing
    calls = await moderator.send("/casestats 2026-10-01 2026-10-31", chat_id=STAFF_CHAT_ID)
    assert texts(calls, STAFF_CHAT_ID)[0].splitlines()[1] == {
        "es": "0 casos abiertos.", "en": "0 cases opened."}[lang]
    assert not [c for c in calls if c.method == "sendPhoto"]
    for wrong in ("2026-12-01 2026-01-01", "2030-01-01", "ayer", "2026-01-01 2026-02-01 x"):
        calls = await moderator.send(f"/casestats {wrong}", chat_id=STAFF_CHAT_ID)
        assert texts(calls, STAFF_CHAT_ID)[0].startswith(HINT[lang]), wrong


async def test_figures_survive_deletion_retention_and_purged_cases(bot):
    bot.deps.clock = Clock(NOW)
    bot.api.forum_chats.add(STAFF_CHAT_ID)
    await bot.grant(MODERATOR, Role.MODERATOR)
    await six_cases(bot)
    first = last = date(2026, 11, 1)
    async with bot.db.session() as session:
        before = await case_figures(session, first=first, last=last)
        rows_before = len((await session.scalars(select(CaseFigure))).all())
    async with bot.db.session() as session:
        await forget_people(session, user_ids=[YOUNG.id], now=NOW + timedelta(days=10))
        await apply_retention(session, now=NOW + timedelta(days=90), case_retention_days=30)
        await session.execute(delete(Case))  # as if retention purged the closed cases
    async with bot.db.session() as session:
        after = await case_figures(session, first=first, last=last)
        assert len((await session.scalars(select(CaseFigure))).all()) == rows_before
    assert after == before and after.total == 6
    assert after.counts["age"] == {"14-17": 6} and after.counts["feedback"] == {"yes": 5, "bit": 1}


@pytest.mark.parametrize("persona", [YOUNG, LEADER], ids=["young", "leader"])
async def test_only_moderators_and_admins_get_casestats(bot, persona):
    bot.deps.clock = Clock(NOW)
    if persona is LEADER:
        await bot.grant(LEADER, Role.LEADER)
    calls = await bot.person(persona).send("/casestats", chat_id=STAFF_CHAT_ID)
    assert texts(calls, STAFF_CHAT_ID) == ["Perdona, eso no lo puedes hacer aquí."]
    assert not [c for c in calls if c.method == "sendPhoto"]
    # an admin may (admins can do everything), with the figures in the staff chat's language
    calls = await bot.person(ADMIN).send("/casestats", chat_id=STAFF_CHAT_ID)
    assert texts(calls, STAFF_CHAT_ID)[0].splitlines()[1] == "0 casos abiertos."
    # in a private chat /casestats is not a command: the moderator gets no figures there
    await bot.grant(MODERATOR, Role.MODERATOR)
    calls = await bot.person(MODERATOR).send("/casestats")
    assert not any("casos abiertos" in t for t in texts(calls))
