"""One person's updates are handled in update-id order (the order they sent them), on one
replica and across two, even when they arrive reversed; a late one takes its place.

The updates go through the `update_queue` of started Applications (the update processor,
which `Application.process_update` skips). The reorder window never runs out by the clock
here: the processor's clock is a fake one that only the tests move."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from harness import STAFF_CHAT_ID, YOUNG, YOUNG_EN, BotHarness, content_for, texts
from sqlalchemy import select

from youthbot.app import build_application
from youthbot.bot.runtime.processor import PerUserUpdateProcessor
from youthbot.bot.runtime.turn import deps_of
from youthbot.core.cases import staff as case_staff
from youthbot.db.models import Case, ProcessedUpdate, UpdateArrival
from youthbot.db.updates import (
    IN_FLIGHT,
    NOT_ARRIVED,
    earlier_expected,
    finish_arrival,
    mark_applied,
    note_arrival,
)
from youthbot.offline import OfflineBotAPI, OfflineRequest

T0 = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)
WRITTEN = ("uno", "dos", "tres")


class Clock:
    """The processor's monotonic clock: it moves only when a test (or `pause`) moves it."""

    def __init__(self, advance_on_pause: float = 0.0) -> None:
        self.now = 0.0
        self.advance_on_pause = advance_on_pause

    def __call__(self) -> float:
        return self.now

    async def pause(self, seconds: float) -> None:
        self.now += self.advance_on_pause
        await asyncio.sleep(0)


class DbClock:
    """The bot's clock: a millisecond passes at each reading (so times in rows differ)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now


async def start_replica(settings, database, api: OfflineBotAPI, clock: Clock) -> BotHarness:
    """A started Application (its update processor with the reorder window) on `database`."""
    processor = PerUserUpdateProcessor(4, window=30.0, clock=clock, pause=clock.pause)
    application = build_application(
        settings, content=content_for(settings), request=OfflineRequest(api), database=database,
        update_processor=processor,
    )
    harness = BotHarness(application, api, database)

    async def collect(update: object, context) -> None:
        harness.errors.append(context.error)

    application.add_error_handler(collect)
    await application.initialize()
    await application.post_init(application)
    await application.start()
    return harness


async def stop(*replicas: BotHarness) -> None:
    for harness in replicas:
        await harness.app.stop()
        await harness.app.shutdown()


async def open_case_for(harness: BotHarness, persona, db_clock: DbClock) -> Case:
    """Onboard, ask for a person (an urgent case): then an hour passes."""
    deps_of(harness.app).clock = db_clock
    person = harness.person(persona)
    await person.onboard()
    await person.ask_for_a_person_in_danger()
    db_clock.now = T0 + timedelta(hours=1)
    async with harness.db.session() as session:
        return (await session.scalars(select(Case).order_by(Case.id.desc()))).first()


async def handled(harness: BotHarness, ids: list[int]) -> None:
    """Until every update in `ids` is recorded as handled (a guard against hanging only)."""
    for _ in range(5_000):
        async with harness.db.session() as session:
            done = set(await session.scalars(
                select(ProcessedUpdate.update_id).where(ProcessedUpdate.update_id.in_(ids))
            ))
        if done == set(ids):
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"not handled: {sorted(set(ids) - done)}")


def relayed(harness: BotHarness, case: Case, start: int) -> list[str]:
    return [
        t.split("\n", 1)[1] for t in texts(harness.api.calls[start:], STAFF_CHAT_ID)
        if t.startswith(f"💬 {case.number}")
    ]


async def history(harness: BotHarness, case: Case) -> list[str]:
    async with harness.db.session() as session:
        rows = await case_staff.case_history(session, case.id)
    return [m.text for m in rows if m.sender == "person" and m.text in WRITTEN]


async def done_order(harness: BotHarness, ids: list[int]) -> list[int]:
    """The update ids in the order their handling ended."""
    async with harness.db.session() as session:
        rows = await session.execute(
            select(UpdateArrival.update_id, UpdateArrival.done_at)
            .where(UpdateArrival.update_id.in_(ids))
        )
    return [uid for uid, _at in sorted(rows.all(), key=lambda row: (row[1], row[0]))]


async def test_one_persons_reversed_messages_reach_the_case_in_the_order_written(
    settings, database
):
    api, clock = OfflineBotAPI(), Clock()
    harness = await start_replica(settings, database, api, clock)
    try:
        case = await open_case_for(harness, YOUNG, DbClock(T0))
        updates = [harness.factory.message(user_id=YOUNG.id, text=t) for t in WRITTEN]
        start = len(api.calls)
        for update in reversed(updates):  # "tres" arrives first, "uno" last
            await harness.app.update_queue.put(update)
        ids = [u.update_id for u in updates]
        await handled(harness, ids)
    finally:
        await stop(harness)
    assert harness.errors == []
    assert relayed(harness, case, start) == list(WRITTEN)  # what the team reads, in order
    assert await history(harness, case) == list(WRITTEN)
    assert await done_order(harness, ids) == ids
    assert clock.now == 0.0  # nobody gave up waiting: the order came from the updates


async def test_two_replicas_apply_one_persons_split_reversed_updates_in_order(
    settings, database
):
    """Replica A gets "tres" then "uno", replica B "dos", in between: reversed overall."""
    api, clock = OfflineBotAPI(), Clock()
    first = await start_replica(settings, database, api, clock)
    second = await start_replica(settings, database, api, clock)
    try:
        case = await open_case_for(first, YOUNG, db_clock := DbClock(T0))
        deps_of(second.app).clock = db_clock
        updates = [first.factory.message(user_id=YOUNG.id, text=t) for t in WRITTEN]
        start = len(api.calls)
        await first.app.update_queue.put(updates[2])
        await second.app.update_queue.put(updates[1])
        await first.app.update_queue.put(updates[0])
        ids = [u.update_id for u in updates]
        await handled(first, ids)
    finally:
        await stop(first, second)
    assert first.errors == second.errors == []
    assert relayed(first, case, start) == list(WRITTEN)
    assert await history(first, case) == list(WRITTEN)
    assert await done_order(first, ids) == ids


@pytest.mark.parametrize(
    ("staff_language", "late_heading"),
    [("es", "la persona escribió, antes de su último mensaje:"),
     ("en", "the person wrote, before their last message:")],
)
async def test_a_late_message_takes_its_place_in_the_case(
    settings, database, staff_language, late_heading
):
    """"uno" reaches the bot only after "dos" was handled (its wait ran out): the team is
    told it came before, and the case's history has it first."""
    settings = settings.model_copy(update={"default_language": staff_language})
    api, clock = OfflineBotAPI(), Clock(advance_on_pause=1.0)  # every look costs a second
    harness = await start_replica(settings, database, api, clock)
    try:
        persona = YOUNG if staff_language == "es" else YOUNG_EN
        case = await open_case_for(harness, persona, DbClock(T0))
        early, later = (harness.factory.message(user_id=persona.id, text=t) for t in WRITTEN[:2])
        start = len(api.calls)
        await harness.app.update_queue.put(later)
        await handled(harness, [later.update_id])  # "uno" was still on its way: given up
        await harness.app.update_queue.put(early)
        await handled(harness, [early.update_id])
    finally:
        await stop(harness)
    assert harness.errors == []
    staff = [t for t in texts(api.calls[start:], STAFF_CHAT_ID) if t.startswith("💬")]
    assert staff[0].endswith(":\ndos") and late_heading not in staff[0]
    assert staff[1] == f"💬 {case.number} — {late_heading}\nuno"
    assert await history(harness, case) == ["uno", "dos"]
    assert clock.now >= 30.0  # "dos" waited the whole window for "uno", then went on


async def test_an_update_nobody_precedes_goes_at_once(settings, database):
    """A message with nothing earlier on its way does not wait (no look costs time)."""
    api, clock = OfflineBotAPI(), Clock(advance_on_pause=1.0)
    harness = await start_replica(settings, database, api, clock)
    try:
        case = await open_case_for(harness, YOUNG, DbClock(T0))
        update = harness.factory.message(user_id=YOUNG.id, text="uno")
        start = len(api.calls)
        await harness.app.update_queue.put(update)
        await handled(harness, [update.update_id])
    finally:
        await stop(harness)
    assert relayed(harness, case, start) == ["uno"]
    assert clock.now == 0.0


# What "an earlier update is expected" means (db/updates.py), on the rows themselves -------


async def expected_before(database, update_id: int, person: int, now: datetime):
    async with database.session() as session:
        return await earlier_expected(session, update_id=update_id, user_id=person, now=now)


async def arrive(database, update_id: int, person: int | None, at: datetime) -> None:
    async with database.session() as session:
        await note_arrival(session, update_id=update_id, user_id=person, now=at)


async def test_what_counts_as_an_earlier_update_on_its_way(database):
    person, other = YOUNG.id, YOUNG_EN.id
    now = T0 + timedelta(minutes=1)
    assert await expected_before(database, 105, person, now) is None  # nothing known
    for update_id in (100, 101, 103):
        await arrive(database, update_id, other, now)
    # 102 and 104 missing: probably on their way
    assert await expected_before(database, 105, person, now) == NOT_ARRIVED
    await arrive(database, 102, None, now)
    await arrive(database, 104, person, now)  # the person's own, not handled yet
    assert await expected_before(database, 105, person, now) == IN_FLIGHT
    assert await expected_before(database, 104, person, now) is None  # nothing before it
    async with database.session() as session:
        await mark_applied(session, update_id=104, user_id=person, now=now)
    assert await expected_before(database, 105, person, now) == IN_FLIGHT  # replies going out
    # its end was never recorded (the database went away then): done after a while
    assert await expected_before(database, 105, person, now + timedelta(seconds=6)) is None
    async with database.session() as session:
        await finish_arrival(session, update_id=104, now=now)
    assert await expected_before(database, 105, person, now) is None
    # an id missing below one that arrived long ago will not come any more
    await arrive(database, 107, other, now - timedelta(minutes=5))
    assert await expected_before(database, 108, person, now) is None


async def test_a_late_update_learns_where_it_belongs(database):
    person = YOUNG.id
    async with database.session() as session:
        assert await mark_applied(session, update_id=201, user_id=person, now=T0) is None
        placed = await mark_applied(session, update_id=200, user_id=person, now=T0 + timedelta(
            seconds=3))
        assert placed is not None and placed < T0  # before 201, not at its own arrival
        assert await mark_applied(session, update_id=202, user_id=person, now=T0) is None
