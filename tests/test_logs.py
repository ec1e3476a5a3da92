"""Logs hold ids and event names only: never a name, a username, the token, or what people
wrote, whatever the level (DEBUG included) and whatever feature ran."""

from __future__ import annotations

import logging

import pytest
from harness import (
    ADMIN,
    GROUP_CHAT_ID,
    LEADER,
    MODERATOR,
    PERSONAS,
    STAFF_CHAT_ID,
    TOKEN,
    YOUNG,
    YOUNG_EN,
    sample_args,
)
from sqlalchemy import select

from youthbot.bot import callbacks
from youthbot.core.roles import Role
from youthbot.db.models import Activity

# What people write: distinctive, with a name, a place and a phone number in it.
SECRET_TEXTS = [
    "Soy Anabela Quispe de Belén, mi número es 987 654 321",
    "my nudes are being shared by Kevin from Juliaca",
    "me quieren llevar a Madre de Dios mañana",
    "I live at 42 Wallaby Way, call me on +51 912 345 678",
    "Hola equipo, me llamo Rosalind y tengo miedo",
    "Taller de murales en el colegio Santa Rosa",
]
SECRET_PARTS = ["987 654 321", "Wallaby", "912 345 678", "Quispe", "Kevin", "Santa Rosa"]


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Everything at DEBUG, set before the bot is built (as an operator debugging would)."""
    caplog.set_level(logging.DEBUG)
    return caplog


def logged_text(caplog: pytest.LogCaptureFixture) -> str:
    parts = []
    for record in caplog.records:
        parts.append(f"{record.name} {record.getMessage()}")
        if record.exc_info and record.exc_info[1] is not None:
            parts.append(repr(record.exc_info[1]))
        if record.exc_text:
            parts.append(record.exc_text)
    return "\n".join(parts)


def assert_clean(caplog: pytest.LogCaptureFixture) -> None:
    text = logged_text(caplog)
    assert caplog.records, "nothing was logged at all: the capture is not working"
    secrets = [TOKEN, *SECRET_TEXTS, *SECRET_PARTS]
    for persona in PERSONAS:
        secrets += [persona.first_name, persona.username]
    leaks = [secret for secret in secrets if secret in text]
    assert leaks == [], f"logged: {leaks}"



async def test_the_token_in_an_httpx_line_is_never_logged(debug_logs, bot):
    logging.getLogger("httpx").info("HTTP Request: POST https://api.telegram.org/bot%s/x", TOKEN)
    logging.getLogger("telegram.ext.ExtBot").debug("Calling Bot API with %s", SECRET_TEXTS[0])
    logging.getLogger("youthbot.test").info("an event, with ids only: 123")
    assert_clean(debug_logs)
    # PTB logs whole updates when it fetches them ("Processing update ..."), a path these
    # tests do not take: its loggers, and the drivers', stay above DEBUG even so
    for name in (
        "telegram.ext.Application",
        "telegram.ext.ExtBot",
        "telegram.ext.Updater",
        "httpx",
        "httpcore",
        "sqlalchemy.engine.Engine",
        "aiosqlite",
        "asyncpg",
    ):
        assert not logging.getLogger(name).isEnabledFor(logging.DEBUG), name
    assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)


async def test_the_whole_journey_of_every_persona_logs_nothing_personal(debug_logs, bot):
    bot.api.forum_chats.add(STAFF_CHAT_ID)
    await bot.grant(LEADER, Role.LEADER)
    await bot.grant(MODERATOR, Role.MODERATOR)
    for persona in PERSONAS:
        await bot.person(persona).onboard()
    young, young_en = bot.person(YOUNG), bot.person(YOUNG_EN)

    # quizzes, help and a case relayed both ways, danger words, deletion and quick exit
    await young.send("/quiz")
    await young.press(action="quiz.open")
    await young.press(action="quiz.start")
    await young.press(action="quiz.ans")
    await young.send(SECRET_TEXTS[2])
    await young.ask_for_a_person_in_danger()
    await young.send(SECRET_TEXTS[0])
    moderator = bot.person(MODERATOR)
    await moderator.press(action="case.claim", chat_id=STAFF_CHAT_ID)
    topics = [c for c in bot.api.calls if c.method == "createForumTopic"]
    thread = topics[0].result["message_thread_id"] if topics else None
    await moderator.send(SECRET_TEXTS[4], chat_id=STAFF_CHAT_ID, thread_id=thread)
    await young_en.send(SECRET_TEXTS[1])
    await young_en.send(SECRET_TEXTS[3])
    leader = bot.person(LEADER)
    await leader.send("/menu")
    await leader.press_data(callbacks.pack("act.new"))
    await leader.send(SECRET_TEXTS[5])  # the new activity's title
    async with bot.db.session() as session:
        titles = list(await session.scalars(select(Activity.title)))
    assert titles == [SECRET_TEXTS[5]]  # the form really ran

    # every command and button of every feature, by everyone, in private, the staff chat
    # and a group, with arguments and with sample button data
    router = bot.deps.router
    for persona in PERSONAS:
        person = bot.person(persona)
        for chat_id in (None, STAFF_CHAT_ID, GROUP_CHAT_ID):
            for route in router.commands:
                for name in route.names:
                    await person.send(f"/{name} {SECRET_TEXTS[3]}", chat_id=chat_id)
            for action, route in router.routes.items():
                chat = persona.id if chat_id is None else chat_id
                message = {"message_id": 1, "date": 0, "chat": {"id": chat, "type": "private"}}
                if chat_id is not None:
                    message["chat"]["type"] = "supergroup"
                await person.press_data(
                    callbacks.pack(action, *sample_args(route.arg_types)), message
                )
    await young.send("/salir")
    await young.send("/borrar")
    await young.press(action="privacy.delete")
    await bot.person(ADMIN).send(f"/grant {LEADER.id} moderator")
    assert_clean(debug_logs)
