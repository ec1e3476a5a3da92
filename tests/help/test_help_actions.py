"""The help feature's buttons (triage, topics, places, another country's numbers, the admins'
services screens) parse back with the types their router declared; a forged choice is stale."""

from __future__ import annotations

from buttons_support import parsed_actions
from harness import ADMIN, YOUNG

from youthbot.bot.cases import actions as case_actions
from youthbot.bot.help import actions
from youthbot.bot.runtime import callbacks


async def test_every_help_button_parses_with_its_declared_types(bot):
    person = bot.person(YOUNG)
    await person.onboard()
    start = len(bot.api.calls)
    await person.send("/help")
    message, _ = person.find_button(action="help.danger")
    await person.press_data(actions.DANGER(actions.YesNo.NO), message)
    await person.press(action="help.topic")
    await person.press(action="help.whom")
    await person.press(action="help.where")  # Peru: its regions, a page at a time
    await person.press(action="help.regions")
    await person.press(action="help.region")
    await person.press(action="help.done")
    await person.send("/help")
    message, _ = person.find_button(action="help.danger")
    await person.press_data(actions.DANGER(actions.YesNo.YES), message)
    await person.press(action="help.ecountries")
    await person.press(action="help.eoffer")
    await person.press(action="help.ecountries")
    await person.press(action="help.ecountry")
    admin = bot.person(ADMIN)
    await admin.send("/services")
    await admin.press("🚨✅ pe-pnp-105")
    await admin.press(action="svc.list")
    await admin.press("🚨✅ pe-pnp-105")
    await admin.press("⛔ Suspender")
    seen = parsed_actions(bot, bot.api.calls[start:])
    declared = [value for value in vars(actions).values() if isinstance(value, callbacks.Action)]
    assert len(declared) == 13
    assert {action.name for action in declared} | {case_actions.TALK.name} <= seen


async def test_forged_help_choices_are_stale_and_change_nothing(bot):
    person = bot.person(YOUNG)
    await person.onboard()
    for data in (
        callbacks.pack("help.whom", 3, "cousin"),
        callbacks.pack("help.danger", 2),
        callbacks.pack("help.person", 3, "us", "PE", "puno", 0),
        callbacks.pack("help.person", 3, "me", "PE", "puno", 7),
    ):
        calls = await person.press_data(data)
        assert [c.method for c in calls] == ["answerCallbackQuery"], data
        assert "Este botón ya no funciona" in calls[0].params.get("text", ""), data
