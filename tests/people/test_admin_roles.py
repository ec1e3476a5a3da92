"""Admins manage roles in Telegram; nobody else can, whatever their buttons say."""

from __future__ import annotations

import pytest
from harness import ADMIN, LEADER, MODERATOR, YOUNG, labels, texts
from sqlalchemy import select

from youthbot.bot.runtime import callbacks
from youthbot.core.people.roles import Role
from youthbot.db.models import AuditEntry, InviteCode, User


async def role_of(bot, user_id: int) -> str | None:
    async with bot.db.session() as session:
        user = await session.get(User, user_id)
        return user.role if user else None


async def test_admin_grants_lists_and_revokes(bot):
    admin = bot.person(ADMIN)
    await admin.onboard()
    calls = await admin.send(f"/grant {LEADER.id} leader")
    assert texts(calls) == [f"Listo: {LEADER.id} ahora es líder de grupo juvenil."]
    assert await role_of(bot, LEADER.id) == "leader"

    calls = await admin.send("/roles")
    assert f"• {LEADER.id}: líder de grupo juvenil" in texts(calls)[0]
    assert labels(calls) == [f"Quitar {LEADER.id} (líder de grupo juvenil)"]

    calls = await admin.press(f"Quitar {LEADER.id} (líder de grupo juvenil)")
    assert f"Listo: {LEADER.id} ya no es líder de grupo juvenil." in texts(calls)
    assert await role_of(bot, LEADER.id) == "young"
    async with bot.db.session() as session:
        actions = (await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id))).all()
    assert actions == ["role.grant", "role.revoke"]


@pytest.mark.parametrize("text", ["/grant", "/grant abc leader", "/grant 5 king", "/grant 5"])
async def test_malformed_grant_explains_and_changes_nothing(bot, text):
    admin = bot.person(ADMIN)
    await admin.onboard()
    calls = await admin.send(text)
    assert texts(calls) == ["Escríbelo así: /grant 123456789 leader (o moderator, admin)."]
    async with bot.db.session() as session:
        assert (await session.scalars(select(AuditEntry))).all() == []


@pytest.mark.parametrize("persona", [YOUNG, LEADER, MODERATOR])
async def test_non_admins_cannot_grant_or_revoke(bot, persona):
    await bot.grant(LEADER, Role.LEADER)
    await bot.grant(MODERATOR, Role.MODERATOR)
    person = bot.person(persona)
    await person.onboard()
    calls = await person.send(f"/grant {persona.id} admin")
    assert texts(calls) == ["Perdona, eso no lo puedes hacer aquí."]
    # a forged "revoke" button for an admin action changes nothing
    calls = await person.press_data(callbacks.pack("role.revoke", MODERATOR.id, Role.MODERATOR))
    answer = [c for c in calls if c.method == "answerCallbackQuery"][0]
    assert answer.params["text"] == "Perdona, eso no lo puedes hacer aquí."
    assert answer.params["show_alert"] is True
    expected = {YOUNG.id: "young", LEADER.id: "leader", MODERATOR.id: "moderator"}
    assert await role_of(bot, persona.id) == expected[persona.id]
    assert await role_of(bot, MODERATOR.id) == "moderator"
    assert await role_of(bot, LEADER.id) == "leader"


async def test_invite_code_gives_its_role_once(bot):
    admin = bot.person(ADMIN)
    await admin.onboard()
    calls = await admin.send("/invite leader")
    async with bot.db.session() as session:
        code = (await session.scalars(select(InviteCode.code))).one()
    assert code in texts(calls)[0]
    assert f"start=inv_{code}" in texts(calls)[0]

    leader = bot.person(LEADER)
    await leader.onboard()
    calls = await leader.send(f"/start inv_{code}")
    welcome, kept = texts(calls)[0].split("\n\n")
    assert welcome == "¡Te damos la bienvenida! Tu nuevo rol: líder de grupo juvenil."
    assert kept.startswith("Como eres líder de grupo juvenil, tengas la edad que tengas")
    assert await role_of(bot, LEADER.id) == "leader"

    other = bot.person(YOUNG)
    await other.onboard()
    calls = await other.send(f"/code {code}")
    assert texts(calls)[0].startswith("Ese código no funciona.")
    assert await role_of(bot, YOUNG.id) == "young"


async def test_expired_invite_is_refused(bot):
    from datetime import timedelta

    admin = bot.person(ADMIN)
    await admin.onboard()
    await admin.send("/invite moderator")
    async with bot.db.session() as session:
        code = (await session.scalars(select(InviteCode.code))).one()
    real_clock = bot.deps.clock
    bot.deps.clock = lambda: real_clock() + timedelta(days=8)
    person = bot.person(YOUNG)
    await person.onboard()
    calls = await person.send(f"/code {code}")
    assert texts(calls)[0].startswith("Ese código no funciona.")
    assert await role_of(bot, YOUNG.id) == "young"


async def test_revoking_takes_effect_on_the_next_update(bot):
    await bot.grant(MODERATOR, Role.MODERATOR)
    admin = bot.person(ADMIN)
    await admin.onboard()
    moderator = bot.person(MODERATOR)
    await moderator.onboard()
    await bot.grant(MODERATOR, Role.ADMIN)
    calls = await moderator.send("/roles")
    assert "Personas con un rol:" in texts(calls)[0]
    await admin.send(f"/revoke {MODERATOR.id} admin")
    calls = await moderator.send("/roles")
    assert texts(calls) == ["Perdona, eso no lo puedes hacer aquí."]
