"""The role matrix: every role × every privileged action (every command and button that
declares roles, so new features are covered as they land) passes only where allowed, and
changes nothing where refused. A revoked moderator is refused on their very next update."""

from __future__ import annotations

import pytest
from harness import (
    ADMIN,
    FRIEND,
    GROUP_CHAT_ID,
    LEADER,
    MODERATOR,
    STAFF_CHAT_ID,
    YOUNG,
    sample_args,
    texts,
)
from sqlalchemy import func, select

from youthbot.bot.runtime import callbacks
from youthbot.bot.runtime.router import GROUP, PUBLIC_GROUP, STAFF
from youthbot.core.people.roles import Role, is_allowed
from youthbot.db.models import Base

REFUSED = "Perdona, eso no lo puedes hacer aquí."
# Bookkeeping every update writes, whoever sends it.
BOOKKEEPING = {"tracked_messages", "processed_updates", "update_arrivals", "danger_notices"}
# (persona, role it holds, how): admins by configuration and by a grant.
HOLDERS = [
    (YOUNG, Role.YOUNG, None),
    (LEADER, Role.LEADER, Role.LEADER),
    (MODERATOR, Role.MODERATOR, Role.MODERATOR),
    (ADMIN, Role.ADMIN, None),  # in ADMIN_IDS
    (FRIEND, Role.ADMIN, Role.ADMIN),  # granted in the database
]


def chat_for(chats: str) -> int | None:
    if chats == STAFF:
        return STAFF_CHAT_ID
    if chats in (GROUP, PUBLIC_GROUP):
        return GROUP_CHAT_ID
    return None  # the person's private chat



def privileged(router) -> list[tuple[str, object]]:
    """(name, route) of every command and button that declares roles."""
    found = [(f"/{route.names[0]}", route) for route in router.commands if route.roles]
    found += [(action, route) for action, route in router.routes.items() if route.roles]
    return found


async def snapshot(bot) -> dict[str, int]:
    async with bot.db.session() as session:
        return {
            table.name: await session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
            if table.name not in BOOKKEEPING
        }


async def invoke(person, name: str, route) -> list:
    chat_id = chat_for(route.chats)
    if name.startswith("/"):
        return await person.send(name, chat_id=chat_id)
    chat = chat_id or person.id
    message = {
        "message_id": 1,
        "date": 0,
        "chat": {"id": chat, "type": "private" if chat > 0 else "supergroup"},
    }
    data = callbacks.pack(name, *sample_args(route.arg_types))
    return await person.press_data(data, message)


def was_refused(calls) -> bool:
    answers = [c.params.get("text") for c in calls if c.method == "answerCallbackQuery"]
    return REFUSED in texts(calls) or REFUSED in answers


def test_there_are_privileged_actions_for_every_staff_role(bot):
    routes = [route for _name, route in privileged(bot.router)]
    for role in (Role.LEADER, Role.MODERATOR, Role.ADMIN):
        assert any(role in route.roles for route in routes), role


@pytest.mark.parametrize(
    ("persona", "role", "grant"), HOLDERS, ids=["young", "leader", "moderator", "admin", "granted"]
)
async def test_role_matrix(bot, persona, role, grant):
    if grant is not None:
        await bot.grant(persona, grant)
    person = bot.person(persona)
    await person.onboard()
    wrong = []
    for name, route in privileged(bot.router):
        before = await snapshot(bot)
        calls = await invoke(person, name, route)
        allowed = is_allowed(role, route.roles)
        if was_refused(calls) == allowed:
            wrong.append(f"{name} ({route.chats}): {'refused' if allowed else 'allowed'}")
        if not allowed and await snapshot(bot) != before:
            wrong.append(f"{name}: refused but the database changed")
    assert wrong == []


async def test_a_revoked_moderator_is_refused_on_the_next_update(bot):
    await bot.grant(MODERATOR, Role.MODERATOR)
    moderator = bot.person(MODERATOR)
    await moderator.onboard()
    await bot.person(ADMIN).onboard()
    name, route = next(
        (name, route)
        for name, route in privileged(bot.router)
        if Role.MODERATOR in route.roles and Role.LEADER not in route.roles
    )
    assert not was_refused(await invoke(moderator, name, route))
    calls = await bot.person(ADMIN).send(f"/revoke {MODERATOR.id} moderator")
    assert texts(calls) == [f"Listo: {MODERATOR.id} ya no es moderador/a."]
    assert was_refused(await invoke(moderator, name, route))
