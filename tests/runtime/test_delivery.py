"""Replies that matter survive a crash (the outbox), and one send budget with priorities
(bot/runtime/delivery.py, core/delivery): what the person and the staff chat receive, and what
the database holds, after a process dies between its commit and its sends."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from harness import MODERATOR, STAFF_CHAT_ID, YOUNG, YOUNG_EN, start_harness, texts
from sqlalchemy import select

from youthbot.bot.runtime import budget as send_budget
from youthbot.bot.runtime import callbacks
from youthbot.bot.runtime.budget import ANNOUNCEMENT, CONVERSATION, SAFETY, Budget
from youthbot.bot.runtime.delivery import LEASE, OutboxSweeper, SendQueue
from youthbot.bot.runtime.turn import Turn
from youthbot.core import delivery as outbox
from youthbot.core.people.roles import Role
from youthbot.db.engine import Database
from youthbot.db.models import Case, CaseMessage, HeldMessage, OutboxMessage
from youthbot.offline import ApiError

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # 10:00 in Lima
AFTER_LEASE = NOW + LEASE + timedelta(seconds=1)
PERSONAS = pytest.mark.parametrize("persona", [YOUNG, YOUNG_EN], ids=["es", "en"])
DIE = {"es": "me kiero morir", "en": "i wanna die"}
CALL = {"es": "Si estás en peligro ahora mismo, llama a:",
        "en": "If you are in danger right now, call:"}
TEAM = {"es": "💬 Nuestro equipo: ", "en": "💬 Our team: "}
WAITING_ONE = {"es": "Hay 1 mensaje de nuestro equipo.", "en": "There is 1 message from our team."}
SORRY = ("algo falló", "something went wrong")


async def died_after_commit(self: Turn) -> None:
    """The process was killed between the turn's commit and its Bot API calls."""
    self._sends.clear()


@pytest.fixture
def clock(bot):
    bot.deps.clock = lambda: NOW


async def pending(db: Database) -> list[OutboxMessage]:
    async with db.session() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def restart_and_sweep(bot, settings):
    """Another process starts after the lease has passed, and its sweeper runs once."""
    await bot.app.shutdown()
    again = await start_harness(settings, Database(settings.database_url))
    again.deps.clock = lambda: AFTER_LEASE
    await OutboxSweeper(again.deps, again.app.bot).sweep()
    return again


async def finish_restart(bot, again) -> None:
    await again.app.shutdown()
    await again.db.dispose()
    bot.errors.extend(again.errors)
    await bot.app.initialize()  # the fixture shuts it down again


async def claimed_case(bot, persona):
    bot.api.forum_chats.add(STAFF_CHAT_ID)
    await bot.grant(MODERATOR, Role.MODERATOR)
    person, moderator = bot.person(persona), bot.person(MODERATOR)
    await person.onboard()
    await person.press_data(callbacks.pack("help.person", 3, "me", "PE", "puno", 0))
    await moderator.press("✋ Tomar", chat_id=STAFF_CHAT_ID)
    async with bot.db.session() as session:
        case = (await session.scalars(select(Case).order_by(Case.id.desc()))).first()
    return person, moderator, case


# The outbox ---------------------------------------------------------------------------------


@PERSONAS
async def test_a_danger_reply_is_written_in_the_turn_and_sent_after_the_commit(
    bot, clock, persona
):
    person = bot.person(persona)
    await person.onboard()
    calls = await person.send(DIE[persona.language_code])
    shown = texts(calls, persona.id)
    assert CALL[persona.language_code] in shown[0]
    assert await pending(bot.db) == []  # sent, so no longer in the outbox


@PERSONAS
async def test_a_danger_reply_left_unsent_by_a_crash_is_sent_on_restart(
    bot, clock, settings, monkeypatch, persona
):
    lang = persona.language_code
    person = bot.person(persona)
    await person.onboard()
    with monkeypatch.context() as patch:
        patch.setattr(Turn, "flush", died_after_commit)
        calls = await person.send(DIE[lang])
    assert texts(calls, persona.id) == []  # nothing reached the phone before the crash
    rows = await pending(bot.db)
    assert [row.chat_id for row in rows] == [persona.id] * len(rows)
    assert CALL[lang] in rows[0].text and rows[0].priority == SAFETY

    again = await restart_and_sweep(bot, settings)
    try:
        assert texts(again.api.calls, persona.id) == [row.text for row in rows]
        assert {c.chat_id for c in again.api.calls if c.method == "sendMessage"} == {persona.id}
        assert await pending(again.db) == []
        # a second sweep (another replica, or the next period) sends nothing again
        again.api.calls.clear()
        await OutboxSweeper(again.deps, again.app.bot).sweep()
        assert again.api.calls == []
    finally:
        await finish_restart(bot, again)


@PERSONAS
async def test_relayed_messages_both_ways_survive_a_crash(
    bot, clock, settings, monkeypatch, persona
):
    person, moderator, case = await claimed_case(bot, persona)
    with monkeypatch.context() as patch:
        patch.setattr(Turn, "flush", died_after_commit)
        await person.send("Hoy fui al colegio")
        await moderator.send("¿Estás a salvo ahora?", chat_id=STAFF_CHAT_ID,
                             thread_id=case.staff_thread_id)
    rows = await pending(bot.db)
    assert [row.chat_id for row in rows] == [STAFF_CHAT_ID, persona.id]

    again = await restart_and_sweep(bot, settings)
    try:
        staff = [c for c in again.api.calls if c.chat_id == STAFF_CHAT_ID]
        assert [c.text for c in staff] == [
            f"💬 {case.number} — la persona escribió:\nHoy fui al colegio"
        ]
        assert staff[0].params["message_thread_id"] == case.staff_thread_id
        assert texts(again.api.calls, persona.id) == [
            TEAM[persona.language_code] + "¿Estás a salvo ahora?"
        ]
        async with again.db.session() as session:
            kept = (await session.scalars(
                select(CaseMessage).where(CaseMessage.sender == "person")
            )).all()
        # its copy in the staff chat is known (deleted with the person's data)
        assert kept[-1].staff_message_id == staff[0].result["message_id"]
        assert await pending(again.db) == []
    finally:
        await finish_restart(bot, again)


@PERSONAS
async def test_quick_exit_holds_what_was_on_its_way(bot, clock, settings, monkeypatch, persona):
    lang = persona.language_code
    person, moderator, case = await claimed_case(bot, persona)
    with monkeypatch.context() as patch:
        patch.setattr(Turn, "flush", died_after_commit)
        await moderator.send("¿Sigues ahí?", chat_id=STAFF_CHAT_ID,
                             thread_id=case.staff_thread_id)
    assert [row.chat_id for row in await pending(bot.db)] == [persona.id]
    await person.send("/salir")
    assert await pending(bot.db) == []  # the quick exit took it out of the outbox
    async with bot.db.session() as session:
        held = (await session.scalars(select(HeldMessage))).all()
    assert [h.text for h in held] == [TEAM[lang] + "¿Sigues ahí?"]

    again = await restart_and_sweep(bot, settings)
    try:
        assert [c for c in again.api.calls if c.chat_id == persona.id] == []
        calls = await again.person(persona).send("hola")
        assert WAITING_ONE[lang] in texts(calls, persona.id)[0]
    finally:
        await finish_restart(bot, again)


async def test_a_row_for_a_person_who_quick_exited_is_never_sent(bot, clock, settings):
    person = bot.person(YOUNG)
    await person.onboard()
    await person.send("/salir")
    async with bot.db.session() as session:
        for keep in (False, True):
            outbox.new_message(
                session, chat_id=YOUNG.id, text=f"late {keep}", priority=CONVERSATION,
                owner="dead", now=NOW, lease=LEASE, user_id=YOUNG.id, keep=keep,
            )
    again = await restart_and_sweep(bot, settings)
    try:
        assert [c for c in again.api.calls if c.chat_id == YOUNG.id] == []
        assert await pending(again.db) == []
        async with again.db.session() as session:
            held = (await session.scalars(select(HeldMessage))).all()
        assert [h.text for h in held] == ["late True"]  # kept for them; the other dropped
    finally:
        await finish_restart(bot, again)


async def test_a_leased_row_goes_to_one_replica_and_to_another_after_the_lease(database):
    async with database.session() as session:
        outbox.new_message(session, chat_id=-100, text="alert", priority=SAFETY, owner="a",
                           now=NOW - LEASE * 2, lease=LEASE)
    async with database.session() as session:
        first = await outbox.take_due(session, owner="b", now=NOW, lease=LEASE)
    async with database.session() as session:
        second = await outbox.take_due(session, owner="c", now=NOW, lease=LEASE)
    assert [row.text for row in first] == ["alert"] and second == []
    async with database.session() as session:  # b died too: c takes it once b's lease passed
        third = await outbox.take_due(session, owner="c", now=NOW + LEASE * 2, lease=LEASE)
    assert [row.id for row in third] == [first[0].id]


async def test_a_row_telegram_never_took_is_dropped_after_a_day(database):
    async with database.session() as session:
        outbox.new_message(session, chat_id=-100, text="old", priority=SAFETY, owner="a",
                           now=NOW - outbox.GIVE_UP_AFTER * 2, lease=LEASE)
        outbox.new_message(session, chat_id=-100, text="new", priority=SAFETY, owner="a",
                           now=NOW - LEASE * 2, lease=LEASE)
    async with database.session() as session:
        due = await outbox.take_due(session, owner="b", now=NOW, lease=LEASE)
    assert [row.text for row in due] == ["new"]
    assert [row.text for row in await pending(database)] == ["new"]


# The budget ---------------------------------------------------------------------------------


class VirtualTime:
    """A clock that only its sleeps move on (shared by every sender of a test)."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0) / 4  # several sleepers overlap: time moves on less
        await asyncio.sleep(0)


async def test_two_senders_on_one_database_never_exceed_the_rate(database):
    time, rate = VirtualTime(), 20.0
    budgets = [Budget(database, rate=rate, clock=time.clock, sleep=time.sleep, batch=3)
               for _ in range(2)]
    levels = [SAFETY, CONVERSATION, ANNOUNCEMENT] * 20
    slots = await asyncio.gather(*(
        budgets[i % 2].acquire(level) for i, level in enumerate(levels)
    ))
    slots = sorted(slots)
    assert len(set(slots)) == len(levels)
    # at most `rate` slots in any second, whichever sender claimed them
    for i in range(len(slots) - int(rate)):
        assert slots[i + int(rate)] - slots[i] >= 1.0 - 1e-6


async def test_safety_goes_first_then_conversation_then_announcements(database):
    now, interval = 1_000_000.0, 1 / 28
    async with database.session() as session:  # people are talking: 1.5 s of slots taken
        busy = await outbox.claim_slots(session, now=now, interval=interval, count=42,
                                        horizon=1.0)
    assert busy.first == now
    async with database.session() as session:
        announcement = await outbox.claim_slots(session, now=now, interval=interval, horizon=0)
        conversation = await outbox.claim_slots(session, now=now, interval=interval,
                                                horizon=1.0)
        safety = await outbox.claim_slots(session, now=now, interval=interval)
    assert announcement.first is None and conversation.first is None
    assert safety.first == pytest.approx(now + 42 * interval)  # the very next slot
    async with database.session() as session:  # half a second later: conversation goes on
        conversation = await outbox.claim_slots(session, now=now + 0.6, interval=interval,
                                                horizon=1.0)
        announcement = await outbox.claim_slots(session, now=now + 0.6, interval=interval,
                                                horizon=0)
    assert conversation.first == pytest.approx(now + 43 * interval)
    assert announcement.first is None  # announcements wait until nobody is ahead
    async with database.session() as session:
        announcement = await outbox.claim_slots(session, now=now + 2, interval=interval,
                                                horizon=0)
    assert announcement.first == now + 2


async def test_waiting_senders_are_served_by_priority(database, monkeypatch):
    monkeypatch.setattr(send_budget, "ANNOUNCEMENT_FLOOR", 0.001)  # one floor slot in the test
    time = VirtualTime()
    budget = Budget(database, rate=10, clock=time.clock, sleep=time.sleep)
    async with database.session() as session:  # the schedule is 3 s ahead
        await outbox.claim_slots(session, now=time.now, interval=0.1, count=30)
    slots = await asyncio.gather(
        budget.acquire(ANNOUNCEMENT), budget.acquire(ANNOUNCEMENT),
        budget.acquire(CONVERSATION), budget.acquire(SAFETY),
    )
    floor, announcement, conversation, safety = slots
    assert safety < conversation < announcement
    # however busy the bot, announcements keep a small share: one went in at once
    assert floor < conversation


# A 429 on a reply ---------------------------------------------------------------------------


@PERSONAS
async def test_a_429_on_a_reply_waits_retries_and_never_says_it_failed(
    bot, clock, monkeypatch, persona
):
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # PTB warns about its int retry_after otherwise
    waits: list[float] = []

    async def recorded(seconds: float) -> None:
        waits.append(seconds)

    bot.app.bot.rate_limiter.sleep = recorded
    person = bot.person(persona)
    bot.api.fail_next("sendMessage", ApiError(429, "Too Many Requests: retry after 3", 3), 2)
    calls = await person.send("/start")
    sends = [c for c in calls if c.method == "sendMessage" and c.chat_id == persona.id]
    assert [isinstance(c.result, ApiError) for c in sends] == [True, True, False]
    assert waits == [3, 3]
    # even when Telegram keeps refusing, the committed turn is not reported as failed
    bot.api.fail_next("sendMessage", ApiError(429, "Too Many Requests: retry after 1", 1), 50)
    calls = await person.send("/menu")
    assert not any(sorry in t for t in texts(calls) for sorry in SORRY)
    assert bot.errors == []


async def test_detached_replies_keep_each_chats_order_and_not_other_chats_waiting():
    queue, done, first_may_go = SendQueue(), [], asyncio.Event()

    def sender(name: str, wait: asyncio.Event | None = None):
        async def send() -> None:
            if wait is not None:
                await wait.wait()
            done.append(name)

        return send

    queue.after(1, sender("a1", first_may_go))
    queue.after(1, sender("a2"))
    queue.after(2, sender("b1"))
    for _ in range(5):
        await asyncio.sleep(0)
    assert done == ["b1"]  # another chat did not wait; a2 waits for a1
    first_may_go.set()
    await queue.drain()
    assert done == ["b1", "a1", "a2"]


@PERSONAS
async def test_the_alert_of_a_case_opened_urgent_survives_a_crash(
    bot, clock, settings, monkeypatch, persona
):
    """Danger, then "talk to a person": an urgent case. The process dies after the commit, before
    the case's topic and card were made: the alert to the team still arrives, once, with its
    mention of the moderator on duty, and is remembered to be deleted with the case's texts."""
    bot.api.forum_chats.add(STAFF_CHAT_ID)
    await bot.grant(MODERATOR, Role.MODERATOR)
    await bot.person(MODERATOR).send("/cases", chat_id=STAFF_CHAT_ID)  # on duty in the group
    person = bot.person(persona)
    await person.onboard()
    await person.send("/help")
    await person.press(action="help.danger")
    with monkeypatch.context() as patch:
        patch.setattr(Turn, "flush", died_after_commit)
        calls = await person.press(action="help.person")
    assert texts(calls, STAFF_CHAT_ID) == []
    async with bot.db.session() as session:
        case = (await session.scalars(select(Case))).one()
    assert case.urgent
    again = await restart_and_sweep(bot, settings)
    try:
        staff = [c for c in again.api.calls if c.chat_id == STAFF_CHAT_ID]
        alerts = [c for c in staff if c.text.startswith(f"🚨 URGENTE: {case.number} ")]
        assert len(alerts) == 1
        assert "105" in alerts[0].text  # the lines the person was shown
        assert persona.first_name not in alerts[0].text
        assert await pending(again.db) == []
        again.api.calls.clear()
        await OutboxSweeper(again.deps, again.app.bot).sweep()
        assert again.api.calls == []  # once
    finally:
        await finish_restart(bot, again)
