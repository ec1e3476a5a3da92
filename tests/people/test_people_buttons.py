"""Every button of first contact, the menu, settings and roles parses back with the router's
declared types."""

from __future__ import annotations

from buttons_support import built_actions
from harness import ADMIN, LEADER, YOUNG

from youthbot.bot.people import actions
from youthbot.core.people.roles import Role

ALL = (
    actions.MENU, actions.SETTINGS, actions.SETTINGS_LANGUAGE, actions.FIRST_LANGUAGE,
    actions.LANGUAGE, actions.CONSENT, actions.CONSENT_AGAIN, actions.AGE, actions.ROLE_LIST,
    actions.ROLE_REVOKE,
)


async def test_every_people_button_parses_back_with_its_declared_types(bot):
    person = bot.person(YOUNG)
    await person.send("/start")
    await person.press("Español")
    await person.press("No, gracias")
    await person.press("⚙️ Ajustes")
    await person.press("🔒 Privacidad")
    await person.press("✅ Leer el aviso y aceptar")
    await person.press("✅ Estoy de acuerdo")
    await person.press("De 14 a 17")
    await person.press("⚙️ Ajustes")
    await person.press("🌐 Idioma")
    await person.press("English")
    await bot.grant(LEADER, Role.LEADER)
    admin = bot.person(ADMIN)
    await admin.onboard()
    await admin.send("/invite leader")
    await admin.send("/roles")
    assert built_actions(bot, *ALL) == {action.name for action in ALL}
