"""Typed shortcuts ("ayuda", "help", "hola", "menú"…) from any state, and typed text mid-quiz."""

from __future__ import annotations

from pathlib import Path

import pytest
from activities_support import LEADERS, as_role, draft_of, set_clock, start_registration
from harness import LEADER, MODERATOR, STAFF_CHAT_ID, YOUNG, YOUNG_EN, labels, texts
from quiz.test_quiz import answer_data, choose, open_and_start, quiz_by_id

from youthbot.bot.runtime import callbacks
from youthbot.core.people.roles import Role
from youthbot.core.people.shortcuts import HELP, MENU, load_shortcuts, normalize
from youthbot.core.yamlsource import ContentInvalid
from youthbot.db.models import ChatState

QUESTION = {
    "es": "🆘 Hiciste bien en pedir ayuda. Primero: ¿estás en peligro ahora mismo?",
    "en": "🆘 You did the right thing by asking. First: are you in danger right now?",
}
STILL_THERE = {
    "es": "Lo que estabas haciendo sigue ahí: continúa cuando quieras.",
    "en": "What you were doing is still there: go on whenever you are ready.",
}
MENU_TEXT = {"es": "¿Qué te gustaría hacer?", "en": "What would you like to do?"}
UNKNOWN = {"es": "Perdona, no entendí eso.", "en": "Sorry, I did not understand that."}
TAP = {
    "es": "Para responder, toca una de las opciones (A, B, C…) debajo de la pregunta.",
    "en": "To answer, tap one of the options (A, B, C…) under the question.",
}
PERSONA = {"es": YOUNG, "en": YOUNG_EN}
HELP_WORDS = [
    ("es", "ayuda"),
    ("es", "Ayúdame"),
    ("es", "ayudame"),
    ("es", "necesito ayuda"),
    ("es", "ayudaaaa!!"),
    ("en", "help"),
    ("en", "Help!! 🙏"),
    ("en", "please help"),
    ("en", "I need help!"),
    ("es", "help"),  # every language's words work for everyone
]
MENU_WORDS = [
    ("es", "hola"),
    ("es", "Hola 👋"),
    ("es", "menú"),
    ("es", "MENU"),
    ("es", "inicio"),
    ("en", "hi"),
    ("en", "Hellooo!"),
    ("en", "start"),
    ("en", "menu"),
]


async def state_of(bot, user_id: int) -> ChatState | None:
    async with bot.db.session() as session:
        return await session.get(ChatState, user_id)


def test_normalising_ignores_case_accents_repeats_punctuation_and_emoji():
    assert normalize("¡¡AYÚDAAAME!! 🙏") == normalize("ayúdame") == "ayudame"
    assert normalize("Hola 👋") == "hola"
    assert normalize("  necesito   ayuda... ") == "necesito ayuda"


def test_a_shortcuts_file_with_a_word_in_both_lists_is_refused(tmp_path: Path):
    path = tmp_path / "shortcuts.yaml"
    path.write_text("help:\n  es: [ayuda, hola]\nmenu:\n  es: [hola]\n", encoding="utf-8")
    with pytest.raises(ContentInvalid, match="in both"):
        load_shortcuts(path)
    path.write_text("help:\n  es: [ayuda]\nmenu:\n  es: [hola]\n", encoding="utf-8")
    shortcuts = load_shortcuts(path)
    assert (shortcuts.match("AYUDA"), shortcuts.match("hola!"), shortcuts.match("hola tú")) == (
        HELP, MENU, None,
    )


@pytest.mark.parametrize(("lang", "text"), HELP_WORDS)
async def test_help_words_open_get_help(bot, lang, text):
    person = bot.person(PERSONA[lang])
    await person.onboard()
    calls = await person.send(text)
    assert QUESTION[lang] in texts(calls)[0]


@pytest.mark.parametrize(("lang", "text"), [("es", "¡¡SOCORRO!!"), ("es", "auxilio")])
async def test_cries_for_help_get_the_emergency_numbers_at_once(bot, lang, text):
    """"socorro" and "auxilio" are danger words too: all the numbers come first."""
    person = bot.person(PERSONA[lang])
    await person.onboard()
    calls = await person.send(text)
    assert "📞 105" in texts(calls)[0]
    assert QUESTION[lang] not in texts(calls)[0]


@pytest.mark.parametrize(("lang", "text"), MENU_WORDS)
async def test_greetings_bring_the_menu(bot, lang, text):
    person = bot.person(PERSONA[lang])
    await person.onboard()
    calls = await person.send(text)
    assert texts(calls) == [MENU_TEXT[lang]]


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_a_longer_sentence_is_not_a_shortcut(bot, lang):
    person = bot.person(PERSONA[lang])
    await person.onboard()
    text = {"es": "hola, necesito ayuda con mi tarea", "en": "hello I need help with homework"}
    calls = await person.send(text[lang])
    assert texts(calls)[0].startswith(UNKNOWN[lang])


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_help_from_inside_a_quiz_keeps_the_quiz(bot, lang):
    person = bot.person(PERSONA[lang])
    await person.onboard()
    quiz = quiz_by_id(bot, "trafficking-signals")
    await open_and_start(person, quiz.id)
    await choose(person, quiz.questions[0].correct)
    calls = await person.send({"es": "ayudaaa", "en": "HELP"}[lang])
    assert QUESTION[lang] in texts(calls)[0]
    assert texts(calls)[-1] == STILL_THERE[lang]
    assert (await state_of(bot, person.id)).flow == "quiz"
    # the quiz goes on where it was: question 2
    calls = await person.send("?")
    assert texts(calls)[0].startswith(TAP[lang])
    assert quiz.questions[1].text_in(lang) in texts(calls)[1]


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_help_from_inside_a_form_keeps_the_form(bot, lang):
    set_clock(bot)
    leader = await as_role(bot, LEADERS[lang], Role.LEADER)
    await start_registration(leader, bot, title=None)
    calls = await leader.send({"es": "Necesito ayuda", "en": "I need help"}[lang])
    assert QUESTION[lang] in texts(calls)[0]
    assert texts(calls)[-1] == STILL_THERE[lang]
    state = await state_of(bot, leader.id)
    assert state is not None and state.flow.startswith("act")
    # the form takes its answer as before
    await leader.send("Taller de prevención en el colegio")
    assert (await draft_of(bot, leader.id)).title == "Taller de prevención en el colegio"


async def test_hola_mid_form_brings_the_menu_and_keeps_the_draft(bot):
    set_clock(bot)
    leader = await as_role(bot, LEADER, Role.LEADER)
    activity_id = await start_registration(leader, bot)
    calls = await leader.send("Hola 👋")
    assert texts(calls) == [MENU_TEXT["es"]]
    assert await state_of(bot, leader.id) is None
    assert (await draft_of(bot, leader.id)).id == activity_id  # to continue from the menu


async def test_with_an_open_case_hola_goes_to_the_team(bot):
    bot.api.forum_chats.add(STAFF_CHAT_ID)
    await bot.grant(MODERATOR, Role.MODERATOR)
    person = bot.person(YOUNG)
    await person.onboard()
    await person.press_data(callbacks.pack("help.person", 3, "me", "PE", "puno", 0))
    calls = await person.send("hola")
    assert any(t.endswith("la persona escribió:\nhola") for t in texts(calls, STAFF_CHAT_ID))
    assert MENU_TEXT["es"] not in texts(calls, YOUNG.id)


# Typed text mid-quiz --------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_typed_text_mid_quiz_keeps_the_question_answerable(bot, lang):
    person = bot.person(PERSONA[lang])
    await person.onboard()
    quiz = quiz_by_id(bot, "online-safety")
    await open_and_start(person, quiz.id)
    await choose(person, quiz.questions[0].correct)
    calls = await person.send({"es": "creo que la B", "en": "maybe B"}[lang])
    shown = texts(calls)
    assert shown[0].startswith(TAP[lang])
    assert quiz.questions[1].text_in(lang) in shown[1]
    assert MENU_TEXT[lang] not in shown
    assert labels(calls)[:2] == ["A", "B"]
    # the question shown again answers the quiz, and the quiz goes on to the end
    message, data = answer_data(person)
    assert callbacks.parse(data[0], {"quiz.ans": (int, int, int)})[1][1] == 1  # question 2
    for index in range(1, len(quiz.questions)):
        await choose(person, quiz.questions[index].correct)
    assert await state_of(bot, person.id) is None  # the quiz is over: typed text as usual
    calls = await person.send({"es": "creo que la B", "en": "maybe B"}[lang])
    assert texts(calls)[0].startswith(UNKNOWN[lang])
