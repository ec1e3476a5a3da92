"""Safety through the real Application: the danger-word interrupt (every disclosure of the
evaluation set's tuning half, typed without accents, mid-quiz and mid-form, never as a nag),
groups that never see anything personal, and the console showing /borrar, /salir and an
interrupt in both languages. The check-in for ambiguous messages: test_danger_checkin.py."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from harness import (
    GROUP_CHAT_ID,
    LEADER,
    MODERATOR,
    PERSONAS,
    STAFF_CHAT_ID,
    YOUNG,
    YOUNG_EN,
    labels,
    sample_args,
    texts,
)
from sqlalchemy import select

from youthbot.bot.runtime import callbacks
from youthbot.bot.runtime.router import GROUP, PRIVATE, PUBLIC_GROUP, STAFF
from youthbot.bot.runtime.turn import Turn
from youthbot.core.people.roles import Role
from youthbot.core.safety.danger_eval import load_cases
from youthbot.core.safety.danger_file import default_danger_words_path, load_danger_words
from youthbot.core.yamlsource import load_yaml
from youthbot.db.models import Activity, Case, CaseMessage, ChatState, QuizAttempt, User

MATCHER = load_danger_words()
DISCLOSURES = [c.text for c in load_cases() if c.half == "tuning" and c.kind == "disclosure"]
FILE_ORDINARY = [
    str(s)
    for section in load_yaml(default_danger_words_path())[0]["languages"].values()
    for s in section["ordinary"]
]

GENTLE = {
    ("es", "suicide"): "Gracias por contarme cómo te sientes. 💙",
    ("en", "suicide"): "Thank you for telling me how you feel. 💙",
    ("es", "image_threat"): "Gracias por contármelo. 💙 No es tu culpa. No mandes más fotos",
    ("en", "image_threat"): "Thank you for telling me. 💙 This is not your fault. Do not send",
    ("es", None): "Gracias por contármelo. 💙 Lo que cuentas es serio",
    ("en", None): "Thank you for telling me. 💙 What you describe sounds serious",
}
CALL = {
    "es": "Si estás en peligro ahora mismo, llama a:",
    "en": "If you are in danger right now, call:",
}
PERSON = {"es": "💬 Hablar con una persona", "en": "💬 Talk to a person"}
QUIET = {"es": "Aquí estoy. 💙", "en": "I am here. 💙"}
STILL_THERE = {
    "es": "Lo que estabas haciendo sigue ahí",
    "en": "What you were doing is still there",
}
NOT_UNDERSTOOD = {"es": "Perdona, no entendí eso.", "en": "Sorry, I did not understand that."}
ORDINARY = [
    "Hola, ¿a qué hora es el taller del sábado?",
    "Me toca lavar los platos hoy",
    "Quiero ver mis respuestas del quiz",
    "Llevamos carteles a la marcha",
    "Good morning! When is the next workshop?",
    "It's my turn to cook dinner",
    "I took my dog to the park",
    "Can I invite my friends to the campaign?",
]


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def gentle(lang: str, category: str) -> str:
    return GENTLE.get((lang, category), GENTLE[(lang, None)])


def assert_interrupt(calls, lang: str, category: str, *, offer: bool = True) -> None:
    shown = texts(calls)
    assert shown, "nothing was shown"
    assert shown[0].startswith(gentle(lang, category)), shown[0]
    assert CALL[lang] in shown[0]
    assert "📞 100" in shown[0] or "📞 105" in shown[0]
    if offer:
        assert PERSON[lang] in labels(calls)
        assert len(shown) == 2
    assert not any(NOT_UNDERSTOOD[lang] in t for t in shown)


class Clock:
    """A clock the test moves forward."""

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


# Every phrase, through the Application ----------------------------------------------------


async def test_every_tuning_disclosure_interrupts_typed_without_accents(bot, clock):
    person = bot.person(YOUNG)
    await person.onboard()
    assert len(DISCLOSURES) >= 100
    for text in DISCLOSURES:
        clock.advance(minutes=11)  # past the quiet window: the whole interrupt each time
        calls = await person.send(f"hola... {strip_accents(text).lower()}")
        assert_interrupt(calls, "es", MATCHER.match(text))


@pytest.mark.parametrize("persona", [YOUNG, YOUNG_EN], ids=["es", "en"])
@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("me quieren llevar a otro lado", "danger"),
        ("ME OBLIGAN a salir con senores", "forced"),
        ("kiero morir", "suicide"),
        ("amenaza con publicar mis fotos si no pago", "image_threat"),
        ("they force me to work at night", "forced"),
        ("I want to die", "suicide"),
        ("he is threatening to post my pictures", "image_threat"),
        ("they took my passport", "sold_or_taken"),
    ],
)
async def test_a_sample_in_both_languages(bot, persona, text, category):
    person = bot.person(persona)
    await person.onboard()
    calls = await person.send(text)
    assert_interrupt(calls, persona.language_code, category)
    assert all(c.chat_id == persona.id for c in calls)  # nobody else is told


async def test_ordinary_sentences_do_not_interrupt(bot):
    person = bot.person(YOUNG)
    await person.onboard()
    assert len(FILE_ORDINARY) >= 40
    for text in FILE_ORDINARY + ORDINARY:
        calls = await person.send(text)
        assert not any(CALL["es"] in t for t in texts(calls)), text
        assert texts(calls)[0].startswith(NOT_UNDERSTOOD["es"]), text


# Never a nag ------------------------------------------------------------------------------


async def test_the_same_danger_again_soon_gets_one_short_line(bot, clock):
    person = bot.person(YOUNG)
    await person.onboard()
    assert_interrupt(await person.send("me obligan a trabajar"), "es", "forced")
    clock.advance(minutes=2)
    calls = await person.send("me obligan a trabajar de noche, no me dejan ir")
    assert texts(calls) == [texts(calls)[0]] and texts(calls)[0].startswith(QUIET["es"])
    # another kind of danger is not the same story: the whole interrupt
    clock.advance(minutes=1)
    assert_interrupt(await person.send("me quiero morir"), "es", "suicide")
    clock.advance(minutes=11)
    assert_interrupt(await person.send("me quiero morir"), "es", "suicide")
    # after a quick exit the numbers are gone from the chat: the whole interrupt again
    await person.send("/salir")
    assert_interrupt(await person.send("me quiero morir"), "es", "suicide")


# Mid-flow -----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", [YOUNG, YOUNG_EN], ids=["es", "en"])
async def test_mid_quiz_the_interrupt_comes_first_and_the_quiz_waits(bot, persona):
    lang = persona.language_code
    person = bot.person(persona)
    await person.onboard()
    await person.send("/quiz")
    await person.press(action="quiz.open")
    await person.press(action="quiz.start")
    question, answer = person.find_button(action="quiz.ans")
    text = "me quieren llevar" if lang == "es" else "they want to take me away"
    calls = await person.send(text)
    assert_interrupt(calls, lang, "danger")
    calls = await person.press_data(answer, question)  # the quiz goes on where it was
    assert texts(calls)
    async with bot.db.session() as session:
        attempt = (await session.scalars(select(QuizAttempt))).one()
    assert attempt.position == 1


async def in_a_test_form(bot, persona):
    """The person, onboarded and at the "title" step of a test form that notes its answers."""
    answers: list[str] = []

    async def form(turn: Turn) -> None:
        answers.append(turn.text)
        turn.reply("form: got it")

    bot.router.flows["test.form"] = form
    person = bot.person(persona)
    await person.onboard()
    async with bot.db.session() as session:
        session.add(ChatState(user_id=persona.id, flow="test.form", step="title", data={}))
    return person, answers


@pytest.mark.parametrize("persona", [YOUNG, YOUNG_EN], ids=["es", "en"])
async def test_mid_form_a_disclosure_is_never_the_answer_and_the_form_waits(bot, persona, clock):
    """Any flow (an activity form, a help form...): the danger text is not taken as the
    answer, not even when sent again just after; the form waits for the next other text."""
    lang = persona.language_code
    person, answers = await in_a_test_form(bot, persona)
    text = "me obligan a trabajar de noche" if lang == "es" else "they force me to work at night"
    calls = await person.send(text)
    assert_interrupt(calls, lang, "forced")
    assert STILL_THERE[lang] in texts(calls)[0]
    assert answers == []
    async with bot.db.session() as session:
        assert (await session.get(ChatState, persona.id)).step == "title"
    clock.advance(minutes=1)
    calls = await person.send(text)
    assert len(texts(calls)) == 1 and texts(calls)[0].startswith(QUIET[lang])
    assert answers == []
    calls = await person.send("Feria del sábado")
    assert texts(calls) == ["form: got it"] and answers == ["Feria del sábado"]


async def test_mid_activity_form_a_leaders_programme_text_goes_to_the_form(bot, clock):
    """Workshop titles about forced labour or sextortion are programme content, not a
    disclosure: the matcher tells them apart, so the form takes them."""
    await bot.grant(LEADER, Role.LEADER)
    leader = bot.person(LEADER)
    await leader.onboard()
    await leader.press_data(callbacks.pack("act.new"))
    title = "Taller: nadie debe trabajar a la fuerza"
    calls = await leader.send(title)
    assert not any(CALL["es"] in t for t in texts(calls))
    async with bot.db.session() as session:
        assert list(await session.scalars(select(Activity.title))) == [title]


async def test_with_an_open_case_the_numbers_come_and_the_message_still_reaches_the_team(bot):
    bot.api.forum_chats.add(STAFF_CHAT_ID)
    person = bot.person(YOUNG)
    await person.onboard()
    await person.ask_for_a_person_in_danger()
    calls = await person.send("ahora me quieren llevar")
    mine = [c for c in calls if c.chat_id == YOUNG.id]
    assert_interrupt(mine, "es", "sold_or_taken", offer=False)
    assert PERSON["es"] not in labels(mine)
    async with bot.db.session() as session:
        case = (await session.scalars(select(Case))).one()
        stored = (
            await session.scalars(select(CaseMessage.text).where(CaseMessage.case_id == case.id))
        ).all()
    assert "ahora me quieren llevar" in stored


# Edited messages ------------------------------------------------------------------------------


async def edit(person, text: str) -> list:
    """The person edits an earlier message of theirs so that it now reads `text`."""
    update = person.harness.factory.message(
        user_id=person.id, text=text, language_code=person.language_code, edited=True
    )
    return await person.harness.process(update)


@pytest.mark.parametrize("persona", [YOUNG, YOUNG_EN], ids=["es", "en"])
async def test_a_message_edited_to_say_danger_gets_the_numbers(bot, persona):
    lang = persona.language_code
    person = bot.person(persona)
    await person.onboard()
    text = "me obligan a trabajar" if lang == "es" else "they force me to work"
    calls = await edit(person, text)
    assert_interrupt(calls, lang, "forced")
    assert {c.chat_id for c in calls} == {persona.id}


async def test_an_ordinary_edit_gets_no_answer_and_changes_nothing(bot):
    person = bot.person(YOUNG)
    await person.onboard()
    await person.send("/quiz")
    await person.press(action="quiz.open")
    await person.press(action="quiz.start")
    async with bot.db.session() as session:
        before = (await session.get(ChatState, YOUNG.id)), (
            await session.scalars(select(QuizAttempt.position))
        ).all()
    for text in ["Hola, ¿a qué hora es el taller?", "1", "/menu", ""]:
        assert await edit(person, text) == []
    async with bot.db.session() as session:
        after = (await session.get(ChatState, YOUNG.id)), (
            await session.scalars(select(QuizAttempt.position))
        ).all()
    assert (after[0] and after[0].step, after[1]) == (before[0] and before[0].step, before[1])


async def test_an_edit_mid_form_interrupts_but_is_never_taken_as_the_answer(bot, clock):
    person, answers = await in_a_test_form(bot, YOUNG)
    calls = await edit(person, "me quieren llevar")
    assert_interrupt(calls, "es", "sold_or_taken")
    clock.advance(minutes=1)
    assert await edit(person, "me quieren llevar") == []  # just after: the form keeps quiet
    assert await edit(person, "el taller es el sábado") == []
    assert answers == []
    async with bot.db.session() as session:
        assert (await session.get(ChatState, YOUNG.id)).step == "title"


async def test_edits_in_groups_are_left_alone(bot):
    person = bot.person(YOUNG)
    await person.onboard()
    update = bot.factory.message(
        user_id=YOUNG.id, text="me quieren llevar", chat_id=GROUP_CHAT_ID, edited=True
    )
    assert await bot.process(update) == []


async def test_emergency_numbers_are_those_of_the_persons_country(bot):
    person = bot.person(YOUNG)
    await person.onboard()
    async with bot.db.session() as session:
        (await session.get(User, YOUNG.id)).country = "CO"
    calls = await person.send("me obligan a trabajar")
    assert "📞 141" in texts(calls)[0] and "📞 123" in texts(calls)[0]
    assert "📞 105" not in texts(calls)[0]


async def test_anonymous_people_are_interrupted_too(bot):
    person = bot.person(YOUNG)
    await person.onboard(age_band="u14")
    assert_interrupt(await person.send("me tocan mis partes"), "es", "abuse")
    stranger = bot.person(YOUNG_EN)
    assert_interrupt(await stranger.send("I want to die"), "en", "suicide")


# Groups ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", [YOUNG, YOUNG_EN], ids=["es", "en"])
async def test_start_in_a_group_points_to_a_private_chat(bot, persona):
    person = bot.person(persona)
    calls = await person.send("/start", chat_id=GROUP_CHAT_ID)
    assert len(calls) == 1 and calls[0].chat_id == GROUP_CHAT_ID
    assert "https://t.me/youthvoices_test_bot" in calls[0].text
    assert "/quiz" in calls[0].text
    calls = await person.send("/help", chat_id=GROUP_CHAT_ID)
    assert all(c.chat_id == GROUP_CHAT_ID for c in calls)
    assert any("t.me/youthvoices_test_bot" in str(c.params) for c in calls)


async def test_start_in_the_staff_group_is_not_the_public_answer(bot):
    calls = await bot.person(MODERATOR).send("/start", chat_id=STAFF_CHAT_ID)
    assert not any("t.me/youthvoices_test_bot" in c.text for c in calls)


def personal_strings(persona, case_numbers: list[str]) -> list[str]:
    return [persona.first_name, persona.username, str(persona.id), *case_numbers]



async def test_nothing_personal_ever_reaches_an_ordinary_group(bot):
    """Every command and every button, by every persona, in an ordinary group, while a case
    is open: the group sees no name, username, id or case number."""
    await bot.grant(LEADER, Role.LEADER)
    await bot.grant(MODERATOR, Role.MODERATOR)
    young = bot.person(YOUNG)
    await young.onboard()
    await young.ask_for_a_person_in_danger()
    await young.send("necesito ayuda")
    async with bot.db.session() as session:
        numbers = list(await session.scalars(select(Case.number)))
    router = bot.router
    group_message = {
        "message_id": 1,
        "date": 0,
        "chat": {"id": GROUP_CHAT_ID, "type": "supergroup"},
    }
    group_commands = {
        name
        for route in router.commands
        if route.chats not in (PRIVATE, STAFF)
        for name in route.names
    }
    start = len(bot.api.calls)
    for persona in PERSONAS:
        person = bot.person(persona)
        for route in router.commands:
            for name in route.names:
                for text in (f"/{name}", f"/{name} 1 2"):
                    calls = await person.send(text, chat_id=GROUP_CHAT_ID)
                    if name not in group_commands:
                        assert not any(c.chat_id == GROUP_CHAT_ID for c in calls), text
        for action, route in router.routes.items():
            data = callbacks.pack(action, *sample_args(route.arg_types))
            calls = await person.press_data(data, group_message)
            if route.chats in (PRIVATE, STAFF):  # refused as stale, nothing posted
                assert [c.method for c in calls] == ["answerCallbackQuery"], action
    in_group = [c for c in bot.api.calls[start:] if c.chat_id == GROUP_CHAT_ID]
    assert in_group, "the group was never answered at all"
    for call in in_group:
        shown = str(call.params)
        for persona in PERSONAS:
            for secret in personal_strings(persona, numbers):
                assert secret not in shown, (call.method, secret)
    assert any(r.chats in (GROUP, PUBLIC_GROUP) for r in router.routes.values())  # group quizzes


# The console ---------------------------------------------------------------------------------


def console(tmp_path: Path, lang: str, script: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    result = subprocess.run(
        [sys.executable, "-m", "youthbot", "console", "--lang", lang],
        cwd=tmp_path,
        env=env,
        input=script,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize(
    ("lang", "script", "expected"),
    [
        (
            "es",
            "Español\n✅ Estoy de acuerdo\nDe 14 a 17\nme kieren llevar\n/salir\n/borrar\n"
            "🗑 Sí, borrar todo\n",
            [
                "Gracias por contármelo. 💙",
                "📞 100",
                "💬 Hablar con una persona",
                "bot: (deleted message",
                "¡Hola! 👋 Escribe /start para empezar.",
                "¿Quieres borrar todo lo que guardamos sobre ti?",
                "Listo: borramos todo lo que guardábamos sobre ti.",
            ],
        ),
        (
            "en",
            "English\n✅ I agree\n14 to 17\nthey force me to do things\n/salir\n"
            "/delete_my_data\n🗑 Yes, delete everything\n",
            [
                "Thank you for telling me. 💙",
                "📞 100",
                "💬 Talk to a person",
                "bot: (deleted message",
                "Hello! 👋 Write /start to begin.",
                "Do you want to delete everything we keep about you?",
                "Done: everything we kept about you has been deleted.",
            ],
        ),
    ],
    ids=["es", "en"],
)
def test_the_console_shows_the_interrupt_quick_exit_and_deletion(tmp_path, lang, script, expected):
    out = console(tmp_path, lang, script)
    for line in expected:
        assert line in out, line
    assert "Traceback" not in out


def test_the_danger_check_runs_before_every_other_interceptor(bot):
    from youthbot.bot.safety.danger import interrupt_on_danger

    assert bot.router.interceptors[0] is interrupt_on_danger
    assert bot.router.edit_checks[0] is interrupt_on_danger


async def test_a_leaders_activity_description_about_sextortion_is_not_an_interrupt(bot):
    """Programme content typed by a leader in an activity form goes to the form."""
    from youthbot.core.people.roles import Role

    await bot.grant(LEADER, Role.LEADER)
    leader = bot.person(LEADER)
    await leader.onboard()
    async with bot.db.session() as session:
        from youthbot.db.models import ChatState

        session.add(ChatState(user_id=LEADER.id, flow="activity", step="title", data={}))
    calls = await leader.send("Taller: hablamos de grooming y sextorsión")
    assert not any("Si estás en peligro ahora mismo" in t for t in texts(calls))
    young = bot.person(YOUNG)
    await young.onboard()
    async with bot.db.session() as session:
        session.add(ChatState(user_id=YOUNG.id, flow="activity", step="title", data={}))
    calls = await young.send("me amenaza con publicar mis fotos")
    assert any("Si estás en peligro ahora mismo" in t for t in texts(calls))
