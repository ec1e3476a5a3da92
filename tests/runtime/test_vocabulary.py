"""No English inside Spanish (issue 20): every vocabulary value a screen shows — statuses,
languages, age bands, genders, roles, countries — is translated. The screens that show them are
driven in Spanish and checked for the raw English values and codes."""

from __future__ import annotations

import re

from activities_support import register_activity, set_clock, tap
from harness import ADMIN, LEADER, STAFF_CHAT_ID, YOUNG, YOUNG_EN, texts

from youthbot.bot.runtime import callbacks
from youthbot.core.activities.export import headers
from youthbot.core.people.roles import Role
from youthbot.i18n import activate, deactivate

RAW = re.compile(
    r"\b(English|Spanish|active|pending|suspended|approved|draft|returned|cancelled|"
    r"under 12|adults|girls/women|boys/men|other or not said|female|male|"
    r"u14|14-17|18-25|26\+|leader|moderator|admin|young)\b"
    r"|\((?:es|en)\)|: (?:es|en|PE)\b",
)


def raw_values(text: str) -> list[str]:
    return [match.group(0) for match in RAW.finditer(text)]


def assert_spanish(shown: list[str]) -> None:
    found = [(value, text) for text in shown for value in raw_values(text)]
    assert found == []


def test_the_pattern_catches_what_issue_20_found():
    assert raw_values("Escribe el anuncio para las personas que usan English.")
    assert raw_values("✅ pe-linea-100 · active · Línea 100")
    assert raw_values("(país: PE, idioma: en)")
    assert not raw_values("Escribe /service suspend ID o /service activate ID.")


async def test_staff_screens_in_spanish_translate_languages_countries_and_statuses(bot):
    # an English speaker in danger: the staff chat (Spanish) reads the language and country
    person = bot.person(YOUNG_EN)
    await person.onboard()
    await person.send("/help")
    calls = await tap(person, "help.danger", 1)
    alert = texts(calls, STAFF_CHAT_ID)
    assert alert and "idioma: inglés" in alert[0] and "país: no lo dijo" in alert[0]
    assert_spanish(alert)
    calls = await person.press_data(callbacks.pack("help.person", 3, "me", "PE", "puno", 0))
    card = texts(calls, STAFF_CHAT_ID)
    assert any("Idioma: inglés" in text for text in card)
    assert_spanish(card)

    admin = bot.person(ADMIN)
    await admin.onboard()
    calls = await admin.send("/service")
    assert "· activo ·" in texts(calls)[0]
    assert_spanish(texts(calls))
    calls = await admin.send("/announce")
    shown = texts(calls)
    calls = await admin.send("¡Hola! Hay taller el sábado.")
    shown += texts(calls)
    calls = await admin.send("Hi! There is a workshop on Saturday.")
    shown += texts(calls)
    assert any("personas que usan inglés" in text for text in shown)
    assert_spanish(shown)


async def test_leader_screens_in_spanish_translate_statuses_roles_and_age_bands(bot):
    set_clock(bot)
    await bot.grant(LEADER, Role.LEADER)
    leader = bot.person(LEADER)
    shown = texts(await leader.send("/start"))
    shown += texts(await tap(leader, "lang.first", "es"))
    shown += texts(await tap(leader, "consent", 1))
    shown += texts(await tap(leader, "age", "u14"))
    await register_activity(leader, bot)
    await leader.send("/menu")
    await leader.press(action="act.menu")
    shown += texts(await leader.press(action="act.mine"))
    message, data = leader.find_button(action="act.open")
    shown += texts(await leader.press_data(data, message))
    assert any("esperando revisión" in text for text in shown)
    assert_spanish(shown)


def test_export_headers_in_spanish(bot):
    token = activate(bot.deps.catalogs.get("es"))
    try:
        shown = headers()
    finally:
        deactivate(token)
    assert "Menos de 12: niñas/mujeres" in shown
    assert_spanish(shown)


async def test_a_role_granted_in_spanish_is_named_in_spanish(bot):
    admin = bot.person(ADMIN)
    await admin.onboard()
    calls = await admin.send(f"/grant {YOUNG.id} admin")
    assert texts(calls) == [f"Listo: {YOUNG.id} ahora es administrador/a."]
