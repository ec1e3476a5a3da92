"""What the activities tests share: a controllable clock, a second leader, a restart, and
short ways to register, approve and join an activity through the real bot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from harness import LEADER, MODERATOR, BotHarness, Person, Persona, start_harness
from sqlalchemy import select

from youthbot.bot.runtime import callbacks
from youthbot.core.people.roles import Role
from youthbot.db.engine import Database
from youthbot.db.models import Activity, ActivityJoin, ActivityReport

# Tuesday 1 December 2026, 10:00 in Lima (UTC-5).
NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
LEADER_EN = Persona(222223, "Leonora", "leo_leader_handle", "en")
LEADERS = {"es": LEADER, "en": LEADER_EN}


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now


def set_clock(bot: BotHarness, now: datetime = NOW) -> Clock:
    clock = Clock(now)
    bot.deps.clock = clock
    return clock


async def tap(person: Person, action: str, *args: Any) -> list:
    """Press a button of `action` with these args, on the newest message offering `action`."""
    message, _data = person.find_button(action=action)
    return await person.press_data(callbacks.pack(action, *args), message)


async def as_role(bot: BotHarness, persona: Persona, role: Role) -> Person:
    await bot.grant(persona, role)
    person = bot.person(persona)
    await person.onboard(age_band="18-25")
    return person


async def draft_of(bot: BotHarness, leader_id: int) -> Activity | None:
    async with bot.db.session() as session:
        return await session.scalar(
            select(Activity).where(Activity.leader_id == leader_id, Activity.status == "draft")
        )


async def read(bot: BotHarness, model, key) -> Any:
    async with bot.db.session() as session:
        return await session.get(model, key)


async def read_activity(bot: BotHarness, activity_id: int) -> Activity | None:
    return await read(bot, Activity, activity_id)


async def read_report(bot: BotHarness, activity_id: int) -> ActivityReport | None:
    return await read(bot, ActivityReport, activity_id)


async def joins(bot: BotHarness) -> list[tuple[int, int]]:
    async with bot.db.session() as session:
        rows = await session.execute(select(ActivityJoin.activity_id, ActivityJoin.user_id))
        return sorted(tuple(r) for r in rows)


async def start_registration(
    person: Person, bot: BotHarness, *, title: str | None = "Taller de prevención en el colegio"
) -> int | None:
    """Register → the title (the draft exists from the title on); the draft's id. With
    `title` None only the question is asked: there is no draft yet."""
    await person.send("/menu")
    await person.press(action="act.menu")
    await person.press(action="act.new")
    if title is None:
        return None
    await person.send(title)
    return (await draft_of(bot, person.id)).id


async def register_activity(
    person: Person,
    bot: BotHarness,
    *,
    title: str = "Taller de prevención en el colegio",
    kind: str = "workshop",
    pathway: str = "children",
    when: str = "25/12/2026 16:00",
    place: tuple[str, str] | None = ("PE", "lima"),
    district: int = 0,
    hours: int = 2,
    venue: str = "Plaza de Armas, entrada de la municipalidad",
    link: str = "https://meet.example.org/taller-prevencion",
    description: str = "Aprendemos a reconocer ofertas engañosas y dónde pedir ayuda.",
    group: str = "Red de Jóvenes de San Juan",
    expected: str = "40",
    submit: bool = True,
) -> int:
    """Walk the whole registration with valid answers; the activity's id."""
    activity_id = await start_registration(person, bot, title=title)
    await tap(person, "act.kind", activity_id, kind)
    await tap(person, "act.path", activity_id, pathway)
    await person.send(when)
    await tap(person, "act.endin", activity_id, hours)
    if place is None:
        await tap(person, "act.online", activity_id)
        await person.send(link)
    else:
        await tap(person, "act.region", activity_id, *place)
        await tap(person, "act.district", activity_id, district)
        await person.send(venue)
    await person.send(description)
    await person.send(group)
    await person.send(expected)
    if submit:
        await tap(person, "act.submit", activity_id)
    return activity_id


async def approve(bot: BotHarness, activity_id: int) -> None:
    """A moderator approves the activity."""
    await bot.grant(MODERATOR, Role.MODERATOR)
    await bot.person(MODERATOR).press_data(callbacks.pack("act.approve", activity_id))


async def restart(bot: BotHarness, settings) -> BotHarness:
    """A second Application on the same database, as after a restart of the bot."""
    again = await start_harness(settings, Database(settings.database_url))
    again.deps.clock = bot.deps.clock
    return again


async def stop(harness: BotHarness) -> None:
    await harness.app.shutdown()
    await harness.db.dispose()
    assert not harness.errors
