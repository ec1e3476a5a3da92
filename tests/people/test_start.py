"""First contact, consent, language, menu, cancel and unknown input, in both languages."""

from __future__ import annotations

import pytest
from harness import YOUNG, YOUNG_EN, labels, texts
from sqlalchemy import func, select

from youthbot.bot.runtime import callbacks
from youthbot.core.people.users import CONSENT_VERSION
from youthbot.db.models import ChatState, User

GREETING = {"es": "¡Hola! 👋 Soy el bot", "en": "Hello! 👋 I am the"}
NOTICE = {"es": "Antes de empezar, así te cuidamos", "en": "Before we start, how we look"}
MENU = {
    "es": ["🧠 Quizzes", "📅 Actividades", "🆘 Pedir ayuda", "⚙️ Ajustes"],
    "en": ["🧠 Quizzes", "📅 Activities", "🆘 Get help", "⚙️ Settings"],
}


async def read_user(bot, user_id: int) -> User | None:
    async with bot.db.session() as session:
        return await session.get(User, user_id)


@pytest.mark.parametrize("persona", [YOUNG, YOUNG_EN], ids=["es", "en"])
async def test_first_contact_stores_only_language_until_agreement(bot, persona):
    lang = persona.language_code
    person = bot.person(persona)
    calls = await person.send("/start")
    assert texts(calls)[0].startswith(GREETING[lang])
    assert labels(calls)[:2] == ["Español", "English"]

    message, _ = person.find_button(action="lang.first")
    calls = await person.press_data(callbacks.pack("lang.first", lang), message)
    assert texts(calls)[0].startswith(NOTICE[lang])
    assert "/delete_my_data" in texts(calls)[0] or "/borrar" in texts(calls)[0]
    user = await read_user(bot, persona.id)
    assert user.language == lang
    assert user.consent_version is None and user.age_band is None and user.consent_at is None

    message, _ = person.find_button(action="consent")
    await person.press_data(callbacks.pack("consent", 1), message)
    message, _ = person.find_button(action="age")
    calls = await person.press_data(callbacks.pack("age", "18-25"), message)
    assert labels(calls) == MENU[lang]
    user = await read_user(bot, persona.id)
    assert (user.consent_version, user.age_band) == (CONSENT_VERSION, "18-25")
    assert user.consent_at is not None


async def test_choosing_the_other_language_at_first_contact(bot):
    person = bot.person(YOUNG)
    await person.send("/start")
    calls = await person.press("English")
    assert texts(calls)[0].startswith(NOTICE["en"])
    assert (await read_user(bot, YOUNG.id)).language == "en"


async def test_saying_no_keeps_only_the_language_and_help_stays_open(bot):
    person = bot.person(YOUNG)
    await person.send("/start")
    await person.press("Español")
    calls = await person.press("No, gracias")
    assert "Solo guardamos tu cuenta de Telegram y tu idioma" in texts(calls)[0]
    assert "🆘 Pedir ayuda" in labels(calls)
    user = await read_user(bot, YOUNG.id)
    assert user.consent_version is None and user.age_band is None
    # the menu works (the notice is not forced again), and says how to agree later
    calls = await person.send("/menu")
    assert texts(calls)[0].startswith("¿Qué te gustaría hacer?")
    assert "⚙️ Ajustes → 🔒 Privacidad" in texts(calls)[0]
    assert labels(calls) == MENU["es"]


async def test_under_14_is_told_nothing_is_kept(bot):
    person = bot.person(YOUNG)
    await person.onboard(age_band="u14")
    user = await read_user(bot, YOUNG.id)
    assert user.age_band == "u14"
    calls = await person.send("/start")
    assert texts(calls)[0] == "¡Hola otra vez! 👋"


@pytest.mark.parametrize("persona", [YOUNG, YOUNG_EN], ids=["es", "en"])
async def test_language_command_switches_at_any_time(bot, persona):
    person = bot.person(persona)
    await person.onboard()
    other = "en" if persona.language_code == "es" else "es"
    calls = await person.send("/language")
    assert labels(calls)[:2] == ["Español", "English"]
    message, _ = person.find_button(action="lang")
    calls = await person.press_data(callbacks.pack("lang", other), message)
    expected = {
        "en": "Done: I will talk to you in English.",
        "es": "Listo: te hablaré en español.",
    }
    assert texts(calls)[0] == expected[other]
    assert labels(calls) == MENU[other]
    assert (await read_user(bot, persona.id)).language == other


async def test_telegram_language_is_used_until_a_choice_is_stored(bot):
    person = bot.person(YOUNG, language_code="en-GB")
    calls = await person.send("/start")
    assert texts(calls)[0].startswith(GREETING["en"])
    stranger = bot.person(YOUNG_EN, language_code="de")
    calls = await stranger.send("/start")
    assert texts(calls)[0].startswith(GREETING["es"])  # unknown languages: Spanish


@pytest.mark.parametrize("persona", [YOUNG, YOUNG_EN], ids=["es", "en"])
async def test_unknown_text_and_commands_get_a_hint_and_the_menu(bot, persona):
    person = bot.person(persona)
    await person.onboard()
    for text in ("asdf", "/notacommand", "🙂"):
        calls = await person.send(text)
        shown = texts(calls)
        assert len(shown) == 2
        assert ("/help" in shown[0]) or ("/ayuda" in shown[0])
        assert labels(calls) == MENU[persona.language_code]


async def test_cancel_and_menu_clear_the_conversation_state(bot):
    person = bot.person(YOUNG)
    await person.onboard()
    async with bot.db.session() as session:
        session.add(ChatState(user_id=YOUNG.id, flow="test", step="x", data={}))
    calls = await person.send("/cancel")
    assert texts(calls)[0] == "Cancelado."
    async with bot.db.session() as session:
        count = await session.scalar(select(func.count()).select_from(ChatState))
    assert count == 0
    calls = await person.send("/cancel")
    assert texts(calls)[0] == "No había nada que cancelar."


async def test_every_menu_entry_answers(bot):
    person = bot.person(YOUNG)
    await person.onboard()
    for label in MENU["es"]:
        await person.send("/menu")
        calls = await person.press(label)
        assert texts(calls), f"{label} showed nothing"
        assert any(c.method == "answerCallbackQuery" for c in calls)


@pytest.mark.parametrize(
    "data",
    [
        "",
        "garbage",
        "1|lang|xx|extra",
        "2|menu",
        "1|nosuchaction",
        "1|consent|notanint",
        "1|age|<script>",
        "1|lang|" + "ñ" * 30,
    ],
)
async def test_malformed_button_data_changes_nothing(bot, data):
    person = bot.person(YOUNG)
    await person.onboard()
    before = await read_user(bot, YOUNG.id)
    calls = await person.press_data(data)
    answers = [c for c in calls if c.method == "answerCallbackQuery"]
    assert answers and answers[0].params["text"] == (
        "Este botón ya no funciona. Usa el mensaje más reciente."
    )
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    after = await read_user(bot, YOUNG.id)
    assert (after.language, after.role, after.age_band) == (
        before.language,
        before.role,
        before.age_band,
    )


async def test_a_language_without_a_catalog_is_refused(bot):
    person = bot.person(YOUNG)
    await person.onboard()
    await person.press_data(callbacks.pack("lang", "xx"))
    assert (await read_user(bot, YOUNG.id)).language == "es"
