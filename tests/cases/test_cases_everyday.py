"""Everyday rough edges of help and cases (issue 20): what is open is not offered again, every
message is acknowledged, a claimed case is not put up for claiming, a referral goes once, the
card's buttons come back, and the other-country screen has a way back and out."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from harness import MODERATOR, STAFF_CHAT_ID, YOUNG, YOUNG_EN, labels, texts
from sqlalchemy import delete, select

from youthbot.bot.runtime import callbacks
from youthbot.core.people.roles import Role
from youthbot.db.models import Case, CaseMessage, OpenCase

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # 10:00 in Lima, staff at work
PERSONAS = pytest.mark.parametrize("persona", [YOUNG, YOUNG_EN], ids=["es", "en"])
T = {
    "es": {
        "yes": "🚨 Sí, estoy en peligro",
        "no": "No, ahora no",
        "person": "💬 Hablar con una persona",
        "open": "Tu conversación con nuestro equipo ({number}) está abierta",
        "end": "✋ Terminar la conversación",
        "other": "🌎 Estoy en otro país",
        "offer": "¿Quieres hablar ahora con una persona de nuestro equipo?",
        "country": "¿En qué país estás?",
        "where": "¿Dónde estás?",
        "back": "⬅️ Volver",
        "exit": "🚪 Salida rápida",
        "not_say": "Prefiero no decirlo",
        "topic": "Violencia en casa",
        "me": "Para mí",
        "sent": "✓ Enviado a nuestro equipo.",
    },
    "en": {
        "yes": "🚨 Yes, I am in danger",
        "no": "No, not right now",
        "person": "💬 Talk to a person",
        "open": "Your conversation with our team ({number}) is open",
        "end": "✋ End the conversation",
        "other": "🌎 I am in another country",
        "offer": "Do you want to talk to a person from our team now?",
        "country": "Which country are you in?",
        "where": "Where are you?",
        "back": "⬅️ Back",
        "exit": "🚪 Quick exit",
        "not_say": "I prefer not to say",
        "topic": "Violence at home",
        "me": "For me",
        "sent": "✓ Sent to our team.",
    },
}


@pytest.fixture
def at_work(bot) -> None:
    bot.deps.clock = lambda: NOW


@pytest.fixture
async def moderator(bot):
    await bot.grant(MODERATOR, Role.MODERATOR)
    return bot.person(MODERATOR)


async def open_case(bot, persona) -> tuple[object, Case]:
    person = bot.person(persona)
    await person.onboard()
    await person.press_data(callbacks.pack("help.person", 3, "me", "PE", "puno", 0))
    async with bot.db.session() as session:
        return person, (await session.scalars(select(Case))).one()


async def claim(bot, moderator, case: Case) -> None:
    await moderator.press_data(
        callbacks.pack("case.claim", case.id), bot.messages[(STAFF_CHAT_ID, case.staff_message_id)]
    )


def to_person(calls, persona) -> list:
    return [c for c in calls if c.chat_id == persona.id and c.method != "answerCallbackQuery"]


def alert_of(calls) -> str:
    answers = [c for c in calls if c.method == "answerCallbackQuery"]
    return answers[-1].params.get("text", "")


# 5. What is open is not offered again ---------------------------------------------------------


@PERSONAS
async def test_an_open_case_is_not_offered_again_after_danger_or_in_the_services(
    bot, at_work, persona
):
    lang = persona.language_code
    person, case = await open_case(bot, persona)
    await person.send("/help")
    calls = await person.press(T[lang]["yes"])
    shown = to_person(calls, persona)
    assert "📞 105" in shown[0].text  # the numbers first, always
    assert shown[-1].text == T[lang]["open"].format(number=case.number) + (
        ": escribe aquí y la leerán." if lang == "es" else ": write here and they will read it."
    )
    assert T[lang]["person"] not in shown[-1].button_labels
    assert shown[-1].button_labels[:2] == [T[lang]["end"], T[lang]["other"]]

    await person.send("/help")
    await person.press(T[lang]["no"])
    await person.press(T[lang]["topic"])
    await person.press(T[lang]["me"])
    await person.press("Perú" if lang == "es" else "Peru")
    calls = await person.press("Puno")
    services = to_person(calls, persona)[-1]
    assert T[lang]["open"].format(number=case.number) in services.text
    assert T[lang]["person"] not in services.button_labels
    async with bot.db.session() as session:
        assert len((await session.scalars(select(Case))).all()) == 1


@PERSONAS
async def test_without_a_case_the_offer_is_still_made(bot, at_work, persona):
    lang = persona.language_code
    person = bot.person(persona)
    await person.onboard()
    await person.send("/help")
    calls = await person.press(T[lang]["yes"])
    assert to_person(calls, persona)[-1].text.startswith(T[lang]["offer"])
    assert labels(calls)[0] == T[lang]["person"]


# 6. Every message is acknowledged -------------------------------------------------------------


@PERSONAS
async def test_every_message_in_a_case_is_acknowledged(bot, at_work, moderator, persona):
    lang = persona.language_code
    person, case = await open_case(bot, persona)
    calls = await person.send("first")
    assert texts(calls, persona.id)[0].startswith(T[lang]["sent"])

    reacted_to = []
    for words in ("second", "third"):
        calls = await person.send(words)
        assert texts(calls, persona.id) == []  # nothing new on a watched screen
        reaction = [c for c in calls if c.method == "setMessageReaction"]
        assert len(reaction) == 1 and reaction[0].chat_id == persona.id
        reacted_to.append(int(reaction[0].params["message_id"]))
        emoji = reaction[0].params["reaction"]
        emoji = json.loads(emoji) if isinstance(emoji, str) else emoji
        assert emoji == [{"type": "emoji", "emoji": "👌"}]
    assert reacted_to[1] > reacted_to[0] >= 100_000  # the person's own messages (factory ids)

    await claim(bot, moderator, case)
    calls = await person.send("after the claim")
    assert [c.method for c in calls if c.chat_id == persona.id] == ["setMessageReaction"]
    assert any("after the claim" in t for t in texts(calls, STAFF_CHAT_ID))


@PERSONAS
async def test_a_refused_reaction_becomes_a_check_mark(bot, at_work, persona):
    from youthbot.offline import ApiError

    person, _case = await open_case(bot, persona)
    await person.send("first")
    bot.api.fail_next("setMessageReaction", ApiError(400, "Bad Request: message not found"))
    calls = await person.send("second")
    assert texts(calls, persona.id) == ["✓"]


async def test_the_offline_api_refuses_a_reaction_telegram_would_refuse(bot):
    from telegram.error import BadRequest

    with pytest.raises(BadRequest, match="(?i)reaction_invalid"):
        await bot.app.bot.set_message_reaction(YOUNG.id, 1, "🦖")
    assert await bot.app.bot.set_message_reaction(YOUNG.id, 1, "👌") is True


# 7. A claimed case is not put up for claiming -------------------------------------------------


@PERSONAS
async def test_danger_in_a_claimed_case_tells_its_moderator_only(
    bot, at_work, moderator, persona
):
    lang = persona.language_code
    await bot.grant(YOUNG_EN if persona is YOUNG else YOUNG, Role.MODERATOR)  # another one
    person, case = await open_case(bot, persona)
    await claim(bot, moderator, case)
    await person.send("/help")
    calls = await person.press(T[lang]["yes"])
    staff = [c for c in calls if c.chat_id == STAFF_CHAT_ID and c.method == "sendMessage"]
    assert len(staff) == 1
    assert staff[0].text.startswith(f"🚨 URGENTE: {case.number} — la persona dijo")
    assert "tómenlo" not in staff[0].text and staff[0].buttons == []
    mentioned = [e["user"]["id"] for e in staff[0].params["entities"]]
    assert mentioned == [MODERATOR.id]
    async with bot.db.session() as session:
        stored = await session.get(Case, case.id)
    assert stored.urgent and stored.status == "claimed" and stored.claimed_by == MODERATOR.id


# 8 and 9. Referral once per service; the card's buttons come back ----------------------------


@PERSONAS
async def test_a_referral_goes_once_and_the_card_buttons_come_back(
    bot, at_work, moderator, persona
):
    person, case = await open_case(bot, persona)
    await claim(bot, moderator, case)
    await moderator.press("📨 Derivar", chat_id=STAFF_CHAT_ID)
    old_list, data = moderator.find_button("Línea 100", chat_id=STAFF_CHAT_ID)
    calls = await moderator.press_data(data, old_list)
    assert len(texts(calls, persona.id)) == 1 and "Línea 100" in texts(calls, persona.id)[0]
    picked = next(c for c in calls if c.method == "editMessageText")
    assert picked.text.startswith(f"📨 {case.number}: la persona recibió la ficha")
    assert picked.button_labels == [
        "📄 Historial", "📨 Derivar", "📝 Nota", "🔁 Pasar el caso", "✅ Cerrar",
        "💬 Respuesta preparada", "👤 Asignar", "🚩 Marcar", "⛔ Bloquear",
    ]

    # the old button again, or the service from a new list: nothing more reaches the person
    for message in (old_list, None):
        if message is None:
            await moderator.press("📨 Derivar", chat_id=STAFF_CHAT_ID)
            message, data = moderator.find_button("Línea 100", chat_id=STAFF_CHAT_ID)
        calls = await moderator.press_data(data, message)
        assert to_person(calls, persona) == []
        assert alert_of(calls).startswith("La persona ya recibió la ficha de Línea 100")
    async with bot.db.session() as session:
        referred = (
            await session.scalars(select(CaseMessage).where(CaseMessage.kind == "referred"))
        ).all()
    assert [r.text for r in referred] == ["pe-linea-100"]


@pytest.mark.parametrize("list_button", ["📨 Derivar", "✅ Cerrar"])
async def test_back_from_the_refer_or_close_list_restores_the_card(
    bot, at_work, moderator, list_button
):
    person, case = await open_case(bot, YOUNG)
    await claim(bot, moderator, case)
    await moderator.press(list_button, chat_id=STAFF_CHAT_ID)
    calls = await moderator.press("⬅️ Volver", chat_id=STAFF_CHAT_ID)
    edited = next(c for c in calls if c.method == "editMessageText")
    assert edited.text.startswith(f"Caso {case.number}\nTema: Violencia en casa")
    assert "📨 Derivar" in edited.button_labels and "✅ Cerrar" in edited.button_labels
    assert to_person(calls, YOUNG) == []
    async with bot.db.session() as session:
        kinds = (await session.scalars(select(CaseMessage.kind))).all()
        stored = await session.get(Case, case.id)
    assert "referred" not in kinds and "closed" not in kinds
    assert (stored.status, stored.claimed_by) == ("claimed", MODERATOR.id)


# 10. The other-country screen, and Back after "I prefer not to say" ---------------------------


@PERSONAS
async def test_the_other_country_screen_has_back_and_quick_exit(bot, at_work, persona):
    lang = persona.language_code
    person = bot.person(persona)
    await person.onboard()
    await person.send("/help")
    await person.press(T[lang]["yes"])
    calls = await person.press(T[lang]["other"])
    screen = to_person(calls, persona)[-1]
    assert screen.text == T[lang]["country"]
    assert screen.button_labels[-2:] == [T[lang]["back"], T[lang]["exit"]]
    calls = await person.press(T[lang]["back"])
    back = to_person(calls, persona)[-1]
    assert back.method == "editMessageText" and back.text.startswith(T[lang]["offer"])
    assert T[lang]["person"] in back.button_labels


@PERSONAS
async def test_back_after_not_saying_the_country_asks_the_country_again(bot, at_work, persona):
    lang = persona.language_code
    person = bot.person(persona)
    await person.onboard()
    await person.send("/help")
    await person.press(T[lang]["no"])
    await person.press(T[lang]["topic"])
    await person.press(T[lang]["me"])
    await person.press(T[lang]["not_say"])
    calls = await person.press(T[lang]["back"])
    assert texts(calls, persona.id)[0].startswith(T[lang]["where"])


async def test_two_presses_at_once_send_the_card_once(bot, at_work, moderator):
    """A double tap (two updates handled at the same time): the case row's lock orders them,
    and the second finds the first's referral."""
    import asyncio

    person, case = await open_case(bot, YOUNG)
    await claim(bot, moderator, case)
    await moderator.press("📨 Derivar", chat_id=STAFF_CHAT_ID)
    message, data = moderator.find_button("Línea 100", chat_id=STAFF_CHAT_ID)
    taps = [
        bot.factory.callback(user_id=MODERATOR.id, data=data, message=message,
                             first_name=MODERATOR.first_name, language_code="es")
        for _ in range(2)
    ]
    start = len(bot.api.calls)
    await asyncio.gather(*(bot.app.process_update(tap) for tap in taps))
    assert not bot.errors
    cards = [t for t in texts(bot.api.calls[start:], YOUNG.id) if "Línea 100" in t]
    assert len(cards) == 1
    async with bot.db.session() as session:
        referred = (
            await session.scalars(select(CaseMessage).where(CaseMessage.kind == "referred"))
        ).all()
    assert len(referred) == 1


ENDED = {
    "es": "Tu conversación con nuestro equipo ({number}) terminó, así que este mensaje no "
          "llegó al equipo. Para volver a hablar con el equipo, reábrela (hasta el {date}) o "
          "toca “Pedir ayuda”.",
    "en": "Your conversation with our team ({number}) has ended, so this message was not passed "
          "on to them. To talk to them again, reopen it (until {date}) or press “Get help”.",
}
REOPEN_BY = {"es": "30 de noviembre de 2026", "en": "November 30, 2026"}


@PERSONAS
async def test_writing_after_a_conversation_ended_shows_the_way_back(bot, at_work, persona):
    """Not "I did not understand": the case is named, nothing reaches the team, and Reopen is
    one press away; once the reopening window has passed, the ordinary hint again."""
    lang = persona.language_code
    person, case = await open_case(bot, persona)
    await person.press(T[lang]["end"])
    await person.press(action="help.end")  # the confirmation, where one is asked
    async with bot.db.session() as session:
        case = await session.get(Case, case.id)
    assert case.status != "open" and case.reopen_until is not None
    calls = await person.send("gracias, ya estoy mejor")
    assert texts(calls, person.id) == [
        ENDED[lang].format(number=case.number, date=REOPEN_BY[lang])
    ]
    assert texts(calls, STAFF_CHAT_ID) == []
    calls = await person.press(action="help.reopen")
    async with bot.db.session() as session:
        assert (await session.get(Case, case.id)).status == "open"
    bot.deps.clock = lambda: datetime(2026, 12, 20, 15, 0, tzinfo=UTC)
    async with bot.db.session() as session:
        again = await session.get(Case, case.id)
        again.status, again.reopen_until = "closed", datetime(2026, 12, 1, tzinfo=UTC)
        await session.execute(delete(OpenCase))
    calls = await person.send("hola?? alguien")
    assert not any(f"({case.number})" in t for t in texts(calls, person.id))
