"""Every button the announcement views build parses back with the router's declared types."""

from __future__ import annotations

from buttons_support import built_actions
from harness import ADMIN, YOUNG
from test_announce import opt_in, skip_other_languages

from youthbot.bot.announce import actions

ALL = (actions.SKIP, actions.SEND, actions.CANCEL, actions.STOP)


async def test_every_announcement_button_parses_back_with_its_declared_types(bot):
    await opt_in(bot, YOUNG)
    admin = bot.person(ADMIN)
    await admin.onboard()
    await admin.send("/announce")
    await admin.send("¡Hola! Taller el sábado.")
    await skip_other_languages(bot, admin)
    await admin.press("📣 Enviar")
    assert built_actions(bot, *ALL) == {action.name for action in ALL}
