"""A person may hold several roles: granting one keeps the others, revoking one keeps the
rest, an invite adds its role; each role's checks read the whole set on the server."""

from __future__ import annotations

import pytest
from harness import ADMIN, LEADER, MODERATOR, YOUNG_EN, Persona, labels, texts
from sqlalchemy import select

from youthbot.bot.runtime import callbacks
from youthbot.core.people.roles import Role, effective_roles, highest, is_allowed
from youthbot.db.models import InviteCode, PersonRole, User

GRANTED = {
    "es": "Listo: {id} ahora es {role}.",
    "en": "Done: {id} is now {role}.",
}
ROLE_NAMES = {
    "es": {"leader": "líder de grupo juvenil", "moderator": "moderador/a"},
    "en": {"leader": "youth group leader", "moderator": "moderator"},
}
REVIEW_BUTTON = {"es": "🛂 Revisar pendientes (0)", "en": "🛂 Review pending (0)"}
REGISTER_BUTTON = {"es": "➕ Registrar una actividad", "en": "➕ Register an activity"}


async def held(bot, user_id: int) -> tuple[set[str], str]:
    async with bot.db.session() as session:
        roles = set(await session.scalars(select(PersonRole.role).where(
            PersonRole.user_id == user_id)))
        return roles, (await session.get(User, user_id)).role


def test_the_set_of_roles_and_its_checks():
    assert effective_roles(["leader", "moderator"], 5, {9}) == {Role.LEADER, Role.MODERATOR}
    assert effective_roles([], 9, {9}) == {Role.ADMIN}
    assert effective_roles(["king"], 5, ()) == {Role.YOUNG}
    assert highest({Role.LEADER, Role.MODERATOR}) is Role.MODERATOR
    both = {Role.LEADER, Role.MODERATOR}
    assert is_allowed(both, {Role.LEADER}) and is_allowed(both, {Role.MODERATOR})
    assert not is_allowed(both, {Role.ADMIN})
    assert is_allowed({Role.ADMIN}, {Role.LEADER})
    assert not is_allowed(Role.YOUNG, {Role.LEADER})


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_a_moderator_can_also_lead_and_keeps_one_role_when_the_other_goes(bot, lang):
    admin = bot.person(ADMIN, language_code=lang)
    await admin.onboard(age_band="26+")
    person = bot.person(Persona(MODERATOR.id, "Martina", "marta_mod_handle", lang))
    await person.onboard(age_band="18-25")
    for role in ("moderator", "leader"):
        calls = await admin.send(f"/grant {MODERATOR.id} {role}")
        assert texts(calls) == [GRANTED[lang].format(id=MODERATOR.id, role=ROLE_NAMES[lang][role])]
    assert await held(bot, MODERATOR.id) == ({"leader", "moderator"}, "moderator")

    await person.send("/menu")
    calls = await person.press(action="act.menu")
    assert REGISTER_BUTTON[lang] in labels(calls)  # leader
    assert REVIEW_BUTTON[lang] in labels(calls)  # moderator

    calls = await admin.send("/roles")
    assert f"• {MODERATOR.id}: {ROLE_NAMES[lang]['leader']}" in texts(calls)[0]
    assert f"• {MODERATOR.id}: {ROLE_NAMES[lang]['moderator']}" in texts(calls)[0]

    await admin.send(f"/revoke {MODERATOR.id} moderator")
    assert await held(bot, MODERATOR.id) == ({"leader"}, "leader")
    calls = await person.press(action="act.menu")
    assert REGISTER_BUTTON[lang] in labels(calls)
    assert REVIEW_BUTTON[lang] not in labels(calls)
    # the review is refused on the server, whatever the button says
    calls = await person.press_data(callbacks.pack("act.review"))
    answer = [c for c in calls if c.method == "answerCallbackQuery"][0]
    assert answer.params["show_alert"] is True


async def test_an_invite_adds_its_role_to_the_ones_held(bot):
    await bot.grant(LEADER, Role.LEADER)
    admin = bot.person(ADMIN)
    await admin.onboard(age_band="26+")
    await admin.send("/invite moderator")
    async with bot.db.session() as session:
        code = (await session.scalars(select(InviteCode.code))).one()
    leader = bot.person(LEADER)
    await leader.onboard(age_band="18-25")
    calls = await leader.send(f"/code {code}")
    assert texts(calls)[0].startswith("¡Te damos la bienvenida! Tu nuevo rol: moderador/a.")
    assert await held(bot, LEADER.id) == ({"leader", "moderator"}, "moderator")


async def test_an_english_leader_granted_moderator_stays_leader(bot):
    await bot.grant(YOUNG_EN, Role.LEADER)
    await bot.grant(YOUNG_EN, Role.MODERATOR)
    await bot.grant(YOUNG_EN, Role.LEADER)  # again: nothing changes
    assert await held(bot, YOUNG_EN.id) == ({"leader", "moderator"}, "moderator")
    person = bot.person(YOUNG_EN)
    await person.onboard(age_band="18-25")
    calls = await person.send("/delete_my_data")
    assert "You will also lose your role: moderator, youth group leader." in texts(calls)[0]
