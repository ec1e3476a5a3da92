"""Start-up survives Telegram refusing calls; a failing handler is logged, staff are told,
and the person gets a kind sentence in their language."""

from __future__ import annotations

import logging

from harness import STAFF_CHAT_ID, TOKEN, YOUNG, YOUNG_EN, BotHarness, content_for, texts

from youthbot.app import build_application
from youthbot.bot.runtime import callbacks
from youthbot.bot.runtime.error_alerts import ALERT_EVERY, post_error_alerts
from youthbot.offline import ApiError, OfflineBotAPI, OfflineRequest


async def test_commands_and_descriptions_per_language(bot):
    calls = [c for c in bot.api.calls if c.method == "setMyCommands" and "scope" not in c.params]
    by_language = {c.params.get("language_code"): c.params["commands"] for c in calls}
    assert set(by_language) == {"es", "en", "pt", None}
    assert {"command": "help", "description": "Pedir ayuda ahora"} in by_language["es"]
    assert {"command": "help", "description": "Get help now"} in by_language["en"]
    assert {"command": "help", "description": "Pedir ajuda agora"} in by_language["pt"]
    assert by_language[None] == by_language["es"]  # the default language
    descriptions = {c.params.get("language_code") for c in bot.api.calls
                    if c.method == "setMyDescription"}
    assert descriptions == {"es", "en", "pt", None}


async def test_startup_continues_when_telegram_refuses(settings, database, caplog):
    api = OfflineBotAPI()
    api.fail_next("setMyCommands", ApiError(400, "Bad Request: something odd"), times=3)
    api.fail_next("setMyDescription", ApiError(500, "Internal Server Error"), times=3)
    application = build_application(
        settings, content=content_for(settings),
        request=OfflineRequest(api), database=database
    )
    await application.initialize()
    with caplog.at_level(logging.WARNING):
        await application.post_init(application)
    assert "could not register commands" in caplog.text
    harness = BotHarness(application, api, database)
    calls = await harness.person(YOUNG).send("/start")
    assert texts(calls)[0].startswith("¡Hola!")
    await application.shutdown()


async def test_a_failing_handler_is_logged_reported_and_kind(bot, caplog):
    @bot.router.button("test.boom")
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
        # the update did not wait on the staff chat: its alert is counted, posted by a job
        assert [c for c in calls if c.chat_id == STAFF_CHAT_ID] == []
        # where it failed is logged (types and frames), what the exception says is not: a
        # database error's message quotes the rows (logsafe)
        assert "builtins.RuntimeError (message hidden)" in caplog.text
        assert "test_errors_and_startup.py" in caplog.text and " in boom" in caplog.text
        assert "kaboom" not in caplog.text
        for secret in (persona.first_name, persona.username, TOKEN):
            assert secret not in caplog.text


async def test_failures_reach_staff_as_one_message_with_counts(bot):
    @bot.router.button("test.boom")
    async def boom(turn):
        raise RuntimeError("kaboom")

    @bot.router.button("test.bang")
    async def bang(turn):
        raise KeyError("bang")

    for n, action in enumerate(["test.boom"] * 4 + ["test.bang"]):
        await bot.app.process_update(bot.factory.callback(
            user_id=YOUNG.id + n, data=callbacks.pack(action),
            message={"message_id": 1, "date": 0, "chat": {"id": YOUNG.id + n,
                                                            "type": "private"}},
        ))
    bot.errors.clear()
    assert [c for c in bot.api.calls if c.chat_id == STAFF_CHAT_ID] == []
    assert any(j.name == "errors.alert" for j in bot.app.job_queue.jobs())
    assert ALERT_EVERY.total_seconds() == 60
    await post_error_alerts(bot.app)
    to_staff = [c.text for c in bot.api.calls if c.chat_id == STAFF_CHAT_ID]
    assert to_staff == [
        "⚠️ El bot no pudo atender 5 actualizaciones en el último minuto "
        "(RuntimeError × 4, KeyError × 1). Los detalles están en los registros."
    ]
    await post_error_alerts(bot.app)  # nothing new: nothing posted
    assert len([c for c in bot.api.calls if c.chat_id == STAFF_CHAT_ID]) == 1
    for persona in (YOUNG, YOUNG_EN):  # nothing in them names anyone
        assert persona.first_name not in to_staff[0] and str(persona.id) not in to_staff[0]


async def test_an_alert_telegram_refuses_is_kept_for_the_next_round(bot):
    @bot.router.button("test.boom")
    async def boom(turn):
        raise RuntimeError("kaboom")

    await bot.app.process_update(bot.factory.callback(
        user_id=YOUNG.id, data=callbacks.pack("test.boom"),
        message={"message_id": 1, "date": 0, "chat": {"id": YOUNG.id, "type": "private"}},
    ))
    bot.errors.clear()
    bot.api.fail_next("sendMessage", ApiError(400, "Bad Request: chat not found"))
    await post_error_alerts(bot.app)
    await post_error_alerts(bot.app)
    to_staff = [
        c.text for c in bot.api.calls
        if c.chat_id == STAFF_CHAT_ID and not isinstance(c.result, ApiError)
    ]
    assert len(to_staff) == 1 and "1 actualización" in to_staff[0]
