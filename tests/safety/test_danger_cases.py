"""Danger words and cases (issue 14): a disclosure inside an open case makes it urgent and
alerts the team; the same danger again soon gets the first number and its own offer of a
person; a case opened from danger words says what was detected and takes its topic from it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from harness import MODERATOR, STAFF_CHAT_ID, YOUNG, YOUNG_EN, labels, texts
from sqlalchemy import select

from youthbot.bot.runtime import callbacks
from youthbot.core.people.roles import Role
from youthbot.db.models import Case, CaseFigure, CaseMessage

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # 10:00 in Lima: the team is working
PERSONAS = pytest.mark.parametrize("persona", [YOUNG, YOUNG_EN], ids=["es", "en"])
SAD = {"es": "estoy muy triste", "en": "i am very sad today"}
DIE = {"es": "me kiero morir", "en": "i wanna die"}
AGAIN = {"es": "me quiero matar", "en": "kms"}
TOUCH = {"es": "mi tio me toca", "en": "my uncle touches me"}
PERSON = {"es": "💬 Hablar con una persona", "en": "💬 Talk to a person"}
MENU = {"es": "☰ Menú", "en": "☰ Menu"}
HERE = {"es": "Aquí estoy. 💙", "en": "I am here. 💙"}
ABOVE = {"es": "arriba", "en": "above"}
# Staff always read the default language (Spanish).
SUICIDE_ALERT = "— la persona escribió palabras de peligro sobre suicidio o autolesiones."
ABUSE_ALERT = "— la persona escribió palabras de peligro sobre abuso sexual."
SAID = "la persona dijo que está en peligro"


@pytest.fixture
def at_work(bot) -> None:
    bot.deps.clock = lambda: NOW


@pytest.fixture
async def moderator(bot):
    await bot.grant(MODERATOR, Role.MODERATOR)
    return bot.person(MODERATOR)


async def read_case(bot) -> Case:
    async with bot.db.session() as session:
        return (await session.scalars(select(Case).order_by(Case.id.desc()))).first()


async def urgency_figures(bot) -> dict[str, int]:
    async with bot.db.session() as session:
        rows = await session.execute(
            select(CaseFigure.value, CaseFigure.count).where(CaseFigure.measure == "urgency")
        )
        return {value: count for value, count in rows}


def staff_texts(calls) -> list[str]:
    return [c.text for c in calls if c.chat_id == STAFF_CHAT_ID and c.text]


def assert_no_identity_reached_staff(bot, persona, *secrets: str) -> None:
    for call in bot.api.calls:
        if call.chat_id != STAFF_CHAT_ID:
            continue
        blob = json.dumps(call.params, ensure_ascii=False, default=str)
        for secret in (persona.first_name, persona.username, str(persona.id), *secrets):
            assert secret not in blob, (call.method, secret)


async def open_mental_health_case(bot, persona):
    """ayuda → No → Feeling bad → Peru → Loreto → Talk to a person: a case, not urgent."""
    person = bot.person(persona)
    await person.onboard()
    await person.press_data(callbacks.pack("help.person", 4, "me", "PE", "loreto", 0))
    case = await read_case(bot)
    assert case.topic == "mental_health" and not case.urgent
    return person, case


# 1. A disclosure inside an open case ----------------------------------------------------------


@PERSONAS
async def test_a_disclosure_in_an_open_case_makes_it_urgent_and_alerts_the_team(
    bot, at_work, moderator, persona
):
    lang = persona.language_code
    person, case = await open_mental_health_case(bot, persona)
    calls = await person.send(SAD[lang])
    assert not any("URGENTE" in t for t in staff_texts(calls))
    calls = await person.send(DIE[lang])
    mine = texts(calls, persona.id)
    assert "📞 113" in mine[0]  # the crisis line, at once
    assert PERSON[lang] not in labels([c for c in calls if c.chat_id == persona.id])
    staff = staff_texts(calls)
    alert = next(t for t in staff if t.startswith(f"🚨 URGENTE: {case.number} "))
    assert SUICIDE_ALERT in alert and "Por favor, tómenlo ya." in alert
    assert SAID not in alert
    alert_call = next(c for c in calls if c.chat_id == STAFF_CHAT_ID and c.text == alert)
    assert [e["user"]["id"] for e in alert_call.params["entities"]] == [MODERATOR.id]
    assert any(DIE[lang] in t for t in staff)  # the message itself still reaches the team
    stored = await read_case(bot)
    assert stored.urgent
    assert await urgency_figures(bot) == {"normal": 0, "urgent": 1}
    async with bot.db.session() as session:
        relayed = (await session.scalars(
            select(CaseMessage.text).where(CaseMessage.case_id == case.id)
        )).all()
    assert DIE[lang] in relayed
    # Once urgent, more danger words are relayed without a second alert.
    calls = await person.send(AGAIN[lang])
    assert not any(t.startswith("🚨 URGENTE") for t in staff_texts(calls))
    assert any(AGAIN[lang] in t for t in staff_texts(calls))
    assert_no_identity_reached_staff(bot, persona)


@PERSONAS
async def test_a_disclosure_in_a_claimed_case_tells_its_moderator_only(
    bot, at_work, moderator, persona
):
    lang = persona.language_code
    await bot.grant(YOUNG_EN if persona is YOUNG else YOUNG, Role.MODERATOR)  # another one
    person, case = await open_mental_health_case(bot, persona)
    await moderator.press_data(
        callbacks.pack("case.claim", case.id),
        bot.messages[(STAFF_CHAT_ID, case.staff_message_id)],
    )
    calls = await person.send(DIE[lang])
    alerts = [c for c in calls if c.chat_id == STAFF_CHAT_ID and c.text
              and c.text.startswith(f"🚨 URGENTE: {case.number} ")]
    assert len(alerts) == 1
    assert SUICIDE_ALERT in alerts[0].text and "tómenlo" not in alerts[0].text
    assert alerts[0].buttons == []
    assert [e["user"]["id"] for e in alerts[0].params["entities"]] == [MODERATOR.id]
    stored = await read_case(bot)
    assert stored.urgent and stored.status == "claimed"


# 2. The same danger again soon ------------------------------------------------------------------


@PERSONAS
async def test_the_repeat_reply_has_the_first_number_and_its_own_offer(bot, at_work, persona):
    lang = persona.language_code
    person = bot.person(persona)
    await person.onboard()
    await person.send(DIE[lang])
    await person.press(MENU[lang])  # what was above is now the menu
    calls = await person.send(AGAIN[lang])
    mine = texts(calls, persona.id)
    assert len(mine) == 1 and mine[0].startswith(HERE[lang])
    assert "📞" in mine[0] and ABOVE[lang] not in mine[0]
    assert PERSON[lang] in labels(calls)
    calls = await person.press(PERSON[lang])
    case = await read_case(bot)
    assert case.urgent and case.topic == "mental_health"
    alert = next(t for t in staff_texts(calls) if t.startswith("🚨 URGENTE: "))
    assert SUICIDE_ALERT in alert


# 3. A case opened from danger words -------------------------------------------------------------


@PERSONAS
async def test_a_case_from_danger_words_says_what_was_detected(bot, at_work, moderator, persona):
    lang = persona.language_code
    person = bot.person(persona)
    await person.onboard()
    await person.send(TOUCH[lang])
    calls = await person.press(PERSON[lang])
    case = await read_case(bot)
    assert case.urgent and case.topic == "sexual_exploitation"
    staff = staff_texts(calls)
    assert staff[0].startswith(f"🚨 URGENTE · Caso {case.number}")
    assert "Tema: Explotación o abuso sexual" in staff[0]
    assert "Aún no se preguntó" not in staff[0]
    alert = next(t for t in staff if t.startswith(f"🚨 URGENTE: {case.number} "))
    assert ABUSE_ALERT in alert and SAID not in alert
    assert not any(SAID in t for t in staff)
    assert_no_identity_reached_staff(bot, persona, TOUCH[lang])


@pytest.mark.parametrize(
    ("text", "category", "topic"),
    [
        ("he will share my nudes if i dont pay", "image_threat", "grooming"),
        ("me van a vender", "sold_or_taken", "sexual_exploitation"),
    ],
)
async def test_the_topic_follows_the_kind_of_danger(bot, at_work, text, category, topic):
    person = bot.person(YOUNG)
    await person.onboard()
    await person.send(text)
    await person.press(PERSON["es"])
    case = await read_case(bot)
    assert case.urgent and case.topic == topic


async def test_a_forged_danger_offer_changes_nothing(bot, at_work):
    person = bot.person(YOUNG)
    await person.onboard()
    for args in (("nope", "PE"), ("abuse", "ZZ"), ("abuse",)):
        calls = await person.press_data(callbacks.pack("help.dperson", *args))
        assert calls  # a kind answer, not silence
    assert await read_case(bot) is None
