"""A role is checked at every step of a form: one revoked mid-form closes the form kindly and
the rest of it changes nothing. Declared once per form (Router.form), enforced in routing."""

from __future__ import annotations

import pytest
from activities_support import (
    LEADERS,
    as_role,
    draft_of,
    read_activity,
    register_activity,
    set_clock,
    start_registration,
)
from harness import ADMIN, MODERATOR, texts

from youthbot.bot.runtime import callbacks
from youthbot.core.people.roles import LEADERS as LEADER_ROLES
from youthbot.core.people.roles import STAFF, Role
from youthbot.db.models import ChatState

LEADER_CLOSED = {
    "es": "Ya no tienes el rol de líder de grupo juvenil, así que cerramos este formulario. "
    "Tu borrador se guardó.",
    "en": "You no longer have the leader role, so this form was closed. Your draft was kept.",
}
MODERATOR_CLOSED = {
    "es": "Ya no tienes el rol de moderador/a, así que cerramos este formulario. No se "
    "devolvió nada.",
    "en": "You no longer have the moderator role, so this form was closed. Nothing was sent "
    "back.",
}


async def revoke(bot, persona, role: str) -> None:
    admin = bot.person(ADMIN)
    calls = await admin.send(f"/revoke {persona.id} {role}")
    assert texts(calls, ADMIN.id)[0].startswith("Listo")


async def state_of(bot, user_id: int) -> ChatState | None:
    async with bot.db.session() as session:
        return await session.get(ChatState, user_id)


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_a_leader_revoked_mid_registration_saves_nothing_more(bot, lang):
    set_clock(bot)
    persona = LEADERS[lang]
    leader = await as_role(bot, persona, Role.LEADER)
    activity_id = await start_registration(leader, bot)
    await bot.person(ADMIN).onboard()
    await revoke(bot, persona, "leader")

    calls = await leader.send("Taller de murales")  # typed at "what kind of activity?"
    assert texts(calls, persona.id) == [LEADER_CLOSED[lang]]
    draft = await draft_of(bot, persona.id)
    assert draft is not None and draft.id == activity_id and draft.kind is None  # kept as was
    assert draft.title == "Taller de prevención en el colegio"
    assert await state_of(bot, persona.id) is None
    # a button of the form, pressed later, is refused and changes nothing either
    calls = await leader.press_data(callbacks.pack("act.kind", activity_id, "workshop"))
    assert calls[0].method == "answerCallbackQuery" and calls[0].params["show_alert"]
    assert (await read_activity(bot, activity_id)).kind is None
    # the next message is just a message: no form answers it
    calls = await leader.send("Taller de murales")
    assert LEADER_CLOSED[lang] not in texts(calls, persona.id)
    assert (await read_activity(bot, activity_id)).title == "Taller de prevención en el colegio"


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_a_moderator_revoked_mid_send_back_reason_sends_nothing_back(bot, lang):
    set_clock(bot)
    leader = await as_role(bot, LEADERS["en"], Role.LEADER)
    activity_id = await register_activity(leader, bot, title="Talk at school")
    moderator = await as_role(bot, MODERATOR, Role.MODERATOR)
    if lang == "en":
        await moderator.send("/language")
        await moderator.press_data(callbacks.pack("lang", "en"))
    await moderator.press_data(callbacks.pack("act.sendback", activity_id))
    assert (await state_of(bot, MODERATOR.id)) is not None
    await bot.person(ADMIN).onboard()
    await revoke(bot, MODERATOR, "moderator")
    bot.api.clear()

    calls = await moderator.send("Por favor indica el nombre del colegio.")
    assert texts(calls, MODERATOR.id) == [MODERATOR_CLOSED[lang]]
    assert texts(calls, LEADERS["en"].id) == []  # the leader is told nothing
    activity = await read_activity(bot, activity_id)
    assert (activity.status, activity.review_note, activity.reviewed_by) == (
        "pending", None, None)
    assert await state_of(bot, MODERATOR.id) is None


async def test_a_button_pressed_after_the_role_went_closes_the_form_too(bot):
    set_clock(bot)
    persona = LEADERS["es"]
    leader = await as_role(bot, persona, Role.LEADER)
    activity_id = await start_registration(leader, bot, title="Taller de murales")
    await bot.person(ADMIN).onboard()
    await revoke(bot, persona, "leader")
    calls = await leader.press_data(callbacks.pack("act.kind", activity_id, "workshop"))
    assert texts(calls, persona.id) == [LEADER_CLOSED["es"]]
    assert await state_of(bot, persona.id) is None
    assert (await read_activity(bot, activity_id)).kind is None


def test_every_form_declares_its_roles(bot):
    """No flow without roles: a new form must say who may be in it."""
    router = bot.router
    declared = {flow for flow, _step in router.form_roles}
    assert set(router.flows) <= declared
    assert router.roles_of("activity", "title").roles == LEADER_ROLES
    assert router.roles_of("activity", "review.reason").roles == STAFF
