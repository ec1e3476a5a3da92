"""Each role sees its commands in Telegram's command menu: per-chat scopes, in the person's
language, set at start-up (the staff chat, the admins, everyone holding a role) and when a
role is granted or revoked. Telegram refusing them never stops the bot."""

from __future__ import annotations

import logging

import pytest
from harness import (
    ADMIN,
    LEADER,
    STAFF_CHAT_ID,
    YOUNG,
    BotHarness,
    Persona,
    content_for,
    start_harness,
    texts,
)

from youthbot.app import build_application
from youthbot.bot.people.commands import ROLE_COMMANDS, STAFF_CHAT_COMMANDS
from youthbot.core.people.roles import Role, is_allowed
from youthbot.offline import ApiError, OfflineBotAPI, OfflineRequest


def scoped(calls, method: str, chat_id: int) -> dict:
    """language_code -> commands of the calls for this chat's scope."""
    found = {}
    for call in calls:
        scope = call.params.get("scope")
        if call.method == method and scope and scope.get("chat_id") == chat_id:
            assert scope["type"] == "chat"
            found[call.params.get("language_code")] = call.params.get("commands")
    return found


def names(commands) -> list[str]:
    return [c["command"] for c in commands]


def test_every_role_command_is_registered_for_that_role():
    from youthbot.app import build_router

    router = build_router()
    by_name = {name: route for route in router.commands for name in route.names}
    for role, commands in ROLE_COMMANDS.items():
        for name, _text in commands:
            assert is_allowed(role, by_name[name].roles), name
    for name, _text in STAFF_CHAT_COMMANDS:
        assert by_name[name].chats == "staff"


async def test_start_up_sets_the_staff_chat_and_the_admins_menus(bot):
    staff = scoped(bot.api.calls, "setMyCommands", STAFF_CHAT_ID)
    assert names(staff[None]) == ["cases", "note", "casestats"]
    assert {"command": "casestats", "description": "Cifras de casos"} in staff[None]
    admin = scoped(bot.api.calls, "setMyCommands", ADMIN.id)
    assert set(admin) == {"es", None}
    assert names(admin["es"])[:6] == ["start", "menu", "help", "language", "cancel", "salir"]
    assert {"command": "activities", "description": "Todas las actividades, con filtros"} in (
        admin["es"]
    )
    # the public menu stays for everyone else (no scope)
    public = [c for c in bot.api.calls if c.method == "setMyCommands" and "scope" not in c.params]
    assert all("activities" not in names(c.params["commands"]) for c in public)


@pytest.mark.parametrize(
    ("lang", "next_text"),
    [("es", "Quiz en grupo: la siguiente pregunta"), ("en", "Group quiz: the next question")],
)
async def test_granting_and_revoking_sets_the_persons_menu_in_their_language(
    bot, lang, next_text
):
    leader = bot.person(Persona(LEADER.id, "Luisito", "luis_leader_handle", lang))
    await leader.onboard(age_band="18-25")
    admin = bot.person(ADMIN)
    await admin.onboard(age_band="26+")
    calls = await admin.send(f"/grant {LEADER.id} leader")
    menu = scoped(calls, "setMyCommands", LEADER.id)
    assert set(menu) == {lang, None}
    assert menu[lang] == menu[None]
    assert {"command": "next", "description": next_text} in menu[lang]
    assert "activities" not in names(menu[lang])

    calls = await admin.send(f"/grant {LEADER.id} admin")
    menu = scoped(calls, "setMyCommands", LEADER.id)
    assert {"next", "activities", "grant"} <= set(names(menu[lang]))

    await admin.send(f"/revoke {LEADER.id} admin")
    calls = await admin.send(f"/revoke {LEADER.id} leader")
    assert scoped(calls, "setMyCommands", LEADER.id) == {}
    assert set(scoped(calls, "deleteMyCommands", LEADER.id)) == {lang, None}


async def test_a_refused_menu_changes_nothing_else(bot):
    await bot.person(YOUNG).onboard()
    admin = bot.person(ADMIN)
    await admin.onboard(age_band="26+")
    bot.api.fail_next("setMyCommands", ApiError(400, "Bad Request: chat not found"))
    calls = await admin.send(f"/grant {YOUNG.id} leader")
    assert texts(calls) == [f"Listo: {YOUNG.id} ahora es líder de grupo juvenil."]


async def test_start_up_goes_on_when_every_menu_is_refused(settings, database, caplog):
    # a database with a leader in it, then a fresh start where Telegram refuses every menu
    first = await start_harness(settings, database)
    await first.grant(LEADER, Role.LEADER)
    await first.app.shutdown()
    api = OfflineBotAPI()
    api.fail_next("setMyCommands", ApiError(500, "Internal Server Error"), times=20)
    api.fail_next("deleteMyCommands", ApiError(500, "Internal Server Error"), times=20)
    application = build_application(
        settings, content=content_for(settings), request=OfflineRequest(api), database=database
    )
    await application.initialize()
    with caplog.at_level(logging.WARNING):
        await application.post_init(application)
    assert "could not set the staff chat's commands" in caplog.text
    assert "could not set the command menu of p-" in caplog.text
    assert str(LEADER.id) not in caplog.text
    harness = BotHarness(application, api, database)
    calls = await harness.person(YOUNG).send("/start")
    assert texts(calls)[0].startswith("¡Hola!")
    await application.shutdown()


async def test_the_menu_follows_a_change_of_language(bot):
    from youthbot.bot.runtime import callbacks

    await bot.grant(LEADER, Role.LEADER)
    leader = bot.person(LEADER)
    await leader.onboard(age_band="18-25")
    calls = await leader.press_data(callbacks.pack("lang", "en"))
    menu = scoped(calls, "setMyCommands", LEADER.id)
    assert set(menu) == {"en", None}
    assert {"command": "stopquiz", "description": "Group quiz: stop it"} in menu["en"]
    assert set(scoped(calls, "deleteMyCommands", LEADER.id)) == {"es"}  # the old language
    # a young person's language change sets no menu of their own
    young = bot.person(YOUNG)
    await young.onboard()
    calls = await young.press_data(callbacks.pack("lang", "en"))
    assert scoped(calls, "setMyCommands", YOUNG.id) == {}
