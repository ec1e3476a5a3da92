"""Every button the announcement views build parses back with the router's declared types."""

from __future__ import annotations

from harness import ADMIN, YOUNG
from test_announce import opt_in

from youthbot.bot.announce import actions
from youthbot.bot.runtime import callbacks


def built_buttons(bot) -> list[str]:
    return [
        button["callback_data"]
        for call in bot.api.calls
        for row in call.buttons
        for button in row
        if "callback_data" in button
    ]


async def test_every_announcement_button_parses_back_with_its_declared_types(bot):
    await opt_in(bot, YOUNG)
    admin = bot.person(ADMIN)
    await admin.onboard()
    await admin.send("/announce")
    await admin.send("¡Hola! Taller el sábado.")
    await admin.press("Saltar este idioma")
    await admin.press("📣 Enviar")
    built = built_buttons(bot)
    names = {callbacks.parse(data, bot.router.arg_types)[0] for data in built
             if data.split(callbacks.SEP)[1].startswith("ann.")}
    assert names == {a.name for a in (actions.SKIP, actions.SEND, actions.CANCEL, actions.STOP)}
    assert all(callbacks.parse(data, bot.router.arg_types) is not None for data in built)
