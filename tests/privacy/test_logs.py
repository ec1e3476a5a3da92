"""Logs hold ids and event names only: never a name, a username, the token, or what people
wrote, whatever the level (DEBUG included) and whatever feature ran."""

from __future__ import annotations

import dataclasses
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
    Persona,
    sample_args,
    texts,
)
from sqlalchemy import insert, select

from youthbot import logsafe
from youthbot.bot.runtime import callbacks
from youthbot.core.people.roles import Role
from youthbot.db.models import Activity, CaseMessage
from youthbot.logsafe import who

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
    router = bot.router
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


# Canaries: a person's text, name, username, phone and distinctive Telegram ids ---------------

CANARY_YOUNG = Persona(987654321987, "Zebulonia", "zebu_canary_handle", "es")
CANARY_LEADER = Persona(876543219876, "Quetzalina", "quetz_canary_handle", "en")
CANARY_MODERATOR = Persona(765432198765, "Wilfreda", "wilf_canary_handle", "es")
CANARY_PHONE = "+51 977 123 456"
CANARY_TEXT = f"soy Zebulonia, me quieren llevar a Madre de Dios, mi número es {CANARY_PHONE}"
CANARY_REPLY = "Hola Zebulonia, soy Wilfreda del equipo"
CANARY_TITLE = "Taller Quetzalina en el colegio Ollantay"
CANARIES = [
    CANARY_TEXT,
    CANARY_REPLY,
    CANARY_TITLE,
    CANARY_PHONE,
    "977 123 456",
    "Zebulonia",
    "Quetzalina",
    "Wilfreda",
    "Ollantay",
    TOKEN,
]
LIBRARY_LOGGERS = (
    "",
    "youthbot",
    "telegram",
    "telegram.ext",
    "telegram.ext.ExtBot",
    "httpx",
    "httpcore",
    "sqlalchemy",
    "sqlalchemy.engine",
    "sqlalchemy.engine.Engine",
    "sqlalchemy.pool",
    "aiosqlite",
    "asyncpg",
    "apscheduler",
)


def canary_hits(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Every canary found in any record: its message, arguments and exception, as formatted."""
    text = logged_text(caplog)
    formatter = logging.Formatter("%(name)s %(message)s")
    formatted = "\n".join(formatter.format(record) for record in caplog.records)
    found = [c for c in CANARIES if c in text or c in formatted]
    for persona in (CANARY_YOUNG, CANARY_LEADER, CANARY_MODERATOR):
        for value in (str(persona.id), persona.first_name, persona.username):
            if value in text or value in formatted:
                found.append(value)
    return found


async def _fails(bot, coro) -> None:
    """An update whose handler raises: the bot's error handler logs it (the test's collector
    saw it too; forget it so the harness does not fail the test)."""
    with pytest.raises(AssertionError, match="handler raised"):
        await coro
    bot.errors.clear()


async def test_every_scenario_at_debug_logs_no_canary(caplog, bot):
    """Quiz, danger words, a case relayed both ways, an activity, deletion, a handler's error
    and a database error, every logger at DEBUG: no text, name, username, phone or raw id."""
    for name in LIBRARY_LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    bot.api.forum_chats.add(STAFF_CHAT_ID)
    await bot.grant(CANARY_LEADER, Role.LEADER)
    await bot.grant(CANARY_MODERATOR, Role.MODERATOR)
    young = bot.person(CANARY_YOUNG)
    leader = bot.person(CANARY_LEADER)
    moderator = bot.person(CANARY_MODERATOR)
    for person in (young, leader, moderator):
        await person.onboard()

    # a young person's quiz, a danger message, a case relayed both ways
    await young.send("/quiz")
    await young.press(action="quiz.open")
    await young.press(action="quiz.start")
    await young.press(action="quiz.ans")
    await young.send(CANARY_TEXT)
    await young.ask_for_a_person_in_danger()
    await young.send(CANARY_TEXT)
    await moderator.press(action="case.claim", chat_id=STAFF_CHAT_ID)
    topic = next(c for c in bot.api.calls if c.method == "createForumTopic")
    thread = topic.result["message_thread_id"]
    calls = await moderator.send(CANARY_REPLY, chat_id=STAFF_CHAT_ID, thread_id=thread)
    assert CANARY_REPLY in "".join(texts(calls, CANARY_YOUNG.id))  # really relayed
    await moderator.send("/nota Zebulonia parece asustada", chat_id=STAFF_CHAT_ID,
                         thread_id=thread)

    # a leader's activity
    await leader.send("/menu")
    await leader.press_data(callbacks.pack("act.new"))
    await leader.send(CANARY_TITLE)
    async with bot.db.session() as session:
        assert list(await session.scalars(select(Activity.title))) == [CANARY_TITLE]

    # an error in a handler, and a database error whose row holds the person's text
    router = bot.router
    menu_route = router.routes["menu"]

    async def broken(turn):
        raise RuntimeError(f"broken while {turn.user_id} wrote {CANARY_TEXT}")

    async def database_error(turn):
        await turn.session.execute(
            insert(CaseMessage).values(case_id=None, sender="person", text=CANARY_TEXT)
        )

    try:
        for fn in (broken, database_error):
            router.routes["menu"] = dataclasses.replace(menu_route, fn=fn)
            await _fails(bot, young.press_data(callbacks.pack("menu")))
    finally:
        router.routes["menu"] = menu_route
    failures = [r for r in caplog.records if r.name == "youthbot.errors"]
    assert len(failures) == 2
    assert "RuntimeError" in failures[0].getMessage()
    assert "IntegrityError" in failures[1].getMessage()
    assert "test_logs.py" in failures[1].getMessage()  # where it happened is still told

    # deletion
    await young.send("/borrar")
    await young.press(action="privacy.delete")

    assert caplog.records
    assert any(r.name.startswith("telegram") for r in caplog.records)  # DEBUG really on
    assert any(r.name.startswith("sqlalchemy") for r in caplog.records)
    assert canary_hits(caplog) == []


def test_pseudonyms_tell_people_apart_without_their_ids():
    logsafe.set_key(TOKEN)
    first, again, other = who(CANARY_YOUNG.id), who(CANARY_YOUNG.id), who(CANARY_LEADER.id)
    assert first == again != other
    assert str(CANARY_YOUNG.id) not in first and first.startswith("p-")
    logsafe.set_key("another-token")
    assert who(CANARY_YOUNG.id) != first  # keyed: not a plain hash anyone can recompute


def test_a_library_record_keeps_its_format_and_loses_its_arguments(caplog):
    logsafe.install(TOKEN)
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="telegram.ext.ExtBot")
    logging.getLogger("telegram.ext.ExtBot").debug(
        "Calling Bot API endpoint `%s` with parameters `%s` (%d%%)", "sendMessage",
        {"chat_id": CANARY_YOUNG.id, "text": CANARY_TEXT}, 5,
    )
    try:
        raise ValueError(f"Failing row contains ({CANARY_TEXT})")
    except ValueError:
        logging.getLogger("youthbot.test").exception("update %s failed", 7)
    lines = [record.getMessage() for record in caplog.records]
    assert lines[0] == "Calling Bot API endpoint `‹…›` with parameters `‹…›` (‹…›%)"
    assert lines[1].startswith("update 7 failed\nbuiltins.ValueError (message hidden)")
    assert canary_hits(caplog) == []
