"""Start-up survives Telegram refusing calls; a failing handler is logged, staff are told,
and the person gets a kind sentence in their language."""

from __future__ import annotations

import logging

from harness import STAFF_CHAT_ID, TOKEN, YOUNG, YOUNG_EN, BotHarness, texts

from youthbot.app import build_application
from youthbot.bot import callbacks
from youthbot.offline import ApiError, OfflineBotAPI, OfflineRequest


async def test_commands_and_descriptions_per_language(bot):
    calls = [c for c in bot.api.calls if c.method == "setMyCommands"]
    by_language = {c.params.get("language_code"): c.params["commands"] for c in calls}
    assert set(by_language) == {"es", "en", None}
    assert {"command": "help", "description": "Pedir ayuda ahora"} in by_language["es"]
    assert {"command": "help", "description": "Get help now"} in by_language["en"]
    assert by_language[None] == by_language["es"]  # the default language
    descriptions = {c.params.get("language_code") for c in bot.api.calls
                    if c.method == "setMyDescription"}
    assert descriptions == {"es", "en", None}


async def test_startup_continues_when_telegram_refuses(settings, database, caplog):
    api = OfflineBotAPI()
    api.fail_next("setMyCommands", ApiError(400, "Bad Request: something odd"), times=3)
    api.fail_next("setMyDescription", ApiError(500, "Internal Server Error"), times=3)
    application = build_application(settings, request=OfflineRequest(api), database=database)
    await application.initialize()
    with caplog.at_level(logging.WARNING):
        await application.post_init(application)
    assert "could not register commands" in caplog.text
    harness = BotHarness(application, api, database)
    calls = await harness.person(YOUNG).send("/start")
    assert texts(calls)[0].startswith("¡Hola!")
    await application.shutdown()


async def test_a_failing_handler_is_logged_reported_and_kind(bot, caplog):
    @bot.deps.router.button("test.boom")
    async def boom(turn):
        raise RuntimeError("kaboom")

    for persona, expected in ((YOUNG, "Perdona, algo falló de nuestro lado."),
                              (YOUNG_EN, "Sorry, something went wrong on our side.")):
        person = bot.person(persona)
        caplog.clear()
        start = len(bot.api.calls)
        with caplog.at_level(logging.DEBUG):
            await bot.app.process_update(bot.factory.callback(
                user_id=persona.id, data=callbacks.pack("test.boom"),
                message={"message_id": 1, "date": 0, "chat": {"id": persona.id,
                                                                "type": "private"}},
                first_name=persona.first_name, username=persona.username,
                language_code=persona.language_code,
            ))
        calls = bot.api.calls[start:]
        assert [type(e) for e in bot.errors] == [RuntimeError]
        bot.errors.clear()
        to_person = [c.text for c in calls if c.chat_id == person.id and c.method ==
                     "sendMessage"]
        assert to_person[-1].startswith(expected)
        to_staff = [c.text for c in calls if c.chat_id == STAFF_CHAT_ID]
        assert to_staff and "RuntimeError" in to_staff[-1]
        # where it failed is logged (types and frames), what the exception says is not: a
        # database error's message quotes the rows (logsafe)
        assert "builtins.RuntimeError (message hidden)" in caplog.text
        assert "test_errors_and_startup.py" in caplog.text and " in boom" in caplog.text
        assert "kaboom" not in caplog.text
        for secret in (persona.first_name, persona.username, TOKEN):
            assert secret not in caplog.text
