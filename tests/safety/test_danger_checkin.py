"""The two tiers through the real Application: an ambiguous message gets the gentle check-in
(both answers, forged and stale buttons), a disclosure in a leader's activity form is never
saved and shows the numbers while programme talk is saved, and a check-in mid-quiz."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from harness import LEADER, STAFF_CHAT_ID, YOUNG, YOUNG_EN, labels, texts
from sqlalchemy import select

from youthbot.bot.runtime import callbacks
from youthbot.core.people.roles import Role
from youthbot.db.models import Activity, Case, CaseMessage, ChatState, DangerNotice, QuizAttempt

CHECKIN = {
    "es": "¿Esto te está pasando a ti o a alguien que conoces?",
    "en": "Is this happening to you or to someone you know?",
}
YES = {"es": "Sí, necesito ayuda", "en": "Yes, I need help"}
NO = {"es": "No, solo preguntaba", "en": "No, I was only asking"}
KIND_NO = {
    "es": "Gracias por contármelo. 💙 Si alguna vez lo necesitas, “🆘 Pedir ayuda”",
    "en": "Thank you for telling me. 💙 If you ever need it, \"🆘 Get help\"",
}
SUICIDE = {
    "es": "Gracias por contarme cómo te sientes. 💙",
    "en": "Thank you for telling me how you feel. 💙",
}
CALL = {
    "es": "Si estás en peligro ahora mismo, llama a:",
    "en": "If you are in danger right now, call:",
}
PERSON = {"es": "💬 Hablar con una persona", "en": "💬 Talk to a person"}
STILL_THERE = {
    "es": "Lo que estabas haciendo sigue ahí",
    "en": "What you were doing is still there",
}
STALE = {
    "es": "Este botón ya no funciona",
    "en": "This button no longer works",
}
VEILED = {"es": "ya no puedo mas", "en": "i hate my life"}


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock(bot) -> Clock:
    clock = Clock()
    bot.deps.clock = clock
    return clock


async def notices(bot) -> list[str]:
    async with bot.db.session() as session:
        return list(await session.scalars(select(DangerNotice.category)))


@pytest.mark.parametrize("persona", [YOUNG, YOUNG_EN], ids=["es", "en"])
async def test_an_ambiguous_message_gets_the_check_in_and_yes_gets_the_numbers(bot, persona):
    lang = persona.language_code
    person = bot.person(persona)
    await person.onboard()
    calls = await person.send(VEILED[lang])
    assert texts(calls) == [CHECKIN[lang]]
    assert labels(calls) == [YES[lang], NO[lang]]
    assert not any(CALL[lang] in t for t in texts(calls))  # asked, not assumed
    assert await notices(bot) == []
    calls = await person.press(YES[lang])
    shown = texts(calls)
    assert shown[0].startswith(SUICIDE[lang]) and CALL[lang] in shown[0]
    assert "📞 100" in shown[0] or "📞 105" in shown[0]
    assert PERSON[lang] in labels(calls)
    assert {c.chat_id for c in calls if c.chat_id} == {persona.id}  # nobody else is told
    assert await notices(bot) == ["suicide"]
    # the offer is the disclosure's: an urgent case and the staff alert, as always
    calls = await person.press(PERSON[lang])
    async with bot.db.session() as session:
        case = (await session.scalars(select(Case))).one()
    assert case.urgent
    assert any(c.chat_id == STAFF_CHAT_ID for c in calls)


@pytest.mark.parametrize("persona", [YOUNG, YOUNG_EN], ids=["es", "en"])
async def test_no_gets_a_kind_word_and_the_quiz_is_still_there(bot, persona, clock):
    lang = persona.language_code
    person = bot.person(persona)
    await person.onboard()
    await person.send("/quiz")
    await person.press(action="quiz.open")
    await person.press(action="quiz.start")
    question, answer = person.find_button(action="quiz.ans")
    text = "sextorsion" if lang == "es" else "sextortion"
    calls = await person.send(text)
    assert texts(calls) == [CHECKIN[lang]]
    calls = await person.press(NO[lang])
    assert [c.method for c in calls if c.text] == ["editMessageText"]
    assert texts(calls)[0].startswith(KIND_NO[lang]) and STILL_THERE[lang] in texts(calls)[0]
    assert not any(CALL[lang] in t for t in texts(calls))
    # asked once: more on the same topic soon after is not asked about again
    clock.advance(minutes=2)
    assert not any(CHECKIN[lang] in t for t in texts(await person.send(text)))
    calls = await person.press_data(answer, question)  # the quiz goes on where it was
    assert texts(calls)
    async with bot.db.session() as session:
        attempt = (await session.scalars(select(QuizAttempt))).one()
    assert attempt.position == 1
    # a real disclosure later still gets the whole interrupt
    calls = await person.send("me quiero morir" if lang == "es" else "i want to die")
    assert texts(calls)[0].startswith(SUICIDE[lang])


async def test_forged_and_stale_check_in_buttons_are_harmless(bot, clock):
    person = bot.person(YOUNG)
    await person.onboard()
    for data in (
        callbacks.pack("danger.yes", "nonsense"),
        "1|danger.yes",
        "1|danger.yes|suicide|1",
        "1|danger.yes|" + "x" * 60,
        "1|danger.no|suicide",
    ):
        calls = await person.press_data(data)
        assert [c.method for c in calls] == ["answerCallbackQuery"], data
        assert STALE["es"] in calls[0].params.get("text", ""), data
    assert await notices(bot) == []
    await person.send(VEILED["es"])
    message, data = person.find_button(YES["es"])
    clock.advance(days=3)  # long after: "yes" still gets the numbers, nothing else changes
    calls = await person.press_data(data, message)
    assert CALL["es"] in texts(calls)[0]
    message, data = person.find_button(NO["es"])
    calls = await person.press_data(data, message)
    assert texts(calls)[0].startswith(KIND_NO["es"])
    async with bot.db.session() as session:
        assert (await session.scalars(select(Case))).all() == []
        assert await session.get(ChatState, YOUNG.id) is None


async def test_a_disclosure_in_a_leaders_activity_form_is_not_saved_and_shows_the_numbers(
    bot, clock
):
    await bot.grant(LEADER, Role.LEADER)
    leader = bot.person(LEADER)
    await leader.onboard()
    await leader.press_data(callbacks.pack("act.new"))
    disclosure = "mi entrenador me viola y me quiero morir"
    calls = await leader.send(disclosure)
    assert CALL["es"] in texts(calls)[0] and STILL_THERE["es"] in texts(calls)[0]
    assert PERSON["es"] in labels(calls)
    clock.advance(minutes=1)
    calls = await leader.send(disclosure)  # again, just after: still never the title
    assert not any(CALL["es"] in t for t in texts(calls))
    async with bot.db.session() as session:
        assert list(await session.scalars(select(Activity.title))) == []  # no draft yet
        assert (await session.get(ChatState, LEADER.id)).step == "title"
    for title in ("Taller: cómo reconocer la trata de personas",
                  "Campaña contra la explotación sexual"):
        calls = await leader.send(title)
        shown = texts(calls)
        assert not any(CALL["es"] in t or CHECKIN["es"] in t for t in shown), title
    async with bot.db.session() as session:
        titles = list(await session.scalars(select(Activity.title)))
    assert titles == ["Taller: cómo reconocer la trata de personas"]


async def test_with_an_open_case_an_ambiguous_message_simply_reaches_the_team(bot):
    bot.api.forum_chats.add(STAFF_CHAT_ID)
    person = bot.person(YOUNG)
    await person.onboard()
    await person.ask_for_a_person_in_danger()
    calls = await person.send(VEILED["es"])
    assert not any(CHECKIN["es"] in t for t in texts(calls, YOUNG.id))
    async with bot.db.session() as session:
        stored = list(await session.scalars(select(CaseMessage.text)))
    assert VEILED["es"] in stored
