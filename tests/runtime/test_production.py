"""Exactly-once updates, per-person order under concurrency, replicas on one database, rate
limits (429 waited out, long messages split) and people who block the bot (403)."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from harness import (
    ADMIN,
    GROUP_CHAT_ID,
    LEADER,
    YOUNG,
    YOUNG_EN,
    BotHarness,
    content_for,
    labels,
    texts,
)
from sqlalchemy import func, select, text
from telegram.ext import CommandHandler, MessageHandler, TypeHandler, filters

from youthbot.app import build_application
from youthbot.bot.runtime import callbacks
from youthbot.bot.runtime.processor import PerUserUpdateProcessor
from youthbot.bot.runtime.turn import run_turn
from youthbot.core.people import users
from youthbot.core.people.roles import Role
from youthbot.db.engine import Database
from youthbot.db.models import (
    Activity,
    AuditEntry,
    ProcessedUpdate,
    QuizAnswer,
    QuizAttempt,
    User,
)
from youthbot.db.updates import KEEP_PROCESSED_DAYS, claim_update, prune_processed
from youthbot.offline import ApiError, OfflineBotAPI, OfflineRequest


async def read_user(bot, user_id: int) -> User | None:
    async with bot.db.session() as session:
        return await session.get(User, user_id)


async def count(db: Database, model) -> int:
    async with db.session() as session:
        return await session.scalar(select(func.count()).select_from(model))


# Exactly-once ------------------------------------------------------------------------------


async def test_a_repeated_update_changes_nothing_the_second_time(bot):
    person = bot.person(YOUNG)
    await person.onboard()
    await person.send("/language")
    message, _ = person.find_button(action="lang")
    to_english = bot.factory.callback(
        user_id=YOUNG.id, data=callbacks.pack("lang", "en"), message=message
    )
    calls = await bot.process(to_english)
    assert texts(calls)[0] == "Done: I will talk to you in English."
    assert (await read_user(bot, YOUNG.id)).language == "en"

    await person.send("/language")
    message, _ = person.find_button(action="lang")
    await person.press_data(callbacks.pack("lang", "es"), message)
    assert (await read_user(bot, YOUNG.id)).language == "es"

    # Telegram delivers the first press again: nothing is sent, nothing changes.
    calls = await bot.process(to_english)
    assert calls == []
    assert (await read_user(bot, YOUNG.id)).language == "es"


async def test_every_handled_update_is_recorded_once(bot):
    person = bot.person(YOUNG)
    await person.onboard()
    before = await count(bot.db, ProcessedUpdate)
    update = bot.factory.message(user_id=YOUNG.id, text="/menu")
    await bot.process(update)
    await bot.process(update)
    await bot.process(update)
    assert await count(bot.db, ProcessedUpdate) == before + 1
    async with bot.db.session() as session:
        assert await session.get(ProcessedUpdate, update.update_id) is not None


async def audit_turn(turn) -> None:
    turn.session.add(AuditEntry(actor_id=turn.user_id, action="test.group1"))


async def test_handlers_in_several_groups_all_run_once_per_update(bot):
    """A second handler group's turn is part of the same update, not a repetition of it."""

    async def second_group(update, context):
        await run_turn(update, context, audit_turn)

    bot.app.add_handler(TypeHandler(object, second_group), group=1)
    person = bot.person(YOUNG)
    await person.onboard()
    update = bot.factory.message(user_id=YOUNG.id, text="/menu")
    calls = await bot.process(update)
    assert texts(calls) == ["¿Qué te gustaría hacer?"]
    async with bot.db.session() as session:
        audited = await session.scalar(
            select(func.count()).where(AuditEntry.action == "test.group1")
        )
    assert audited == 5  # onboarding's four updates and this one

    assert await bot.process(update) == []
    async with bot.db.session() as session:
        again = await session.scalar(
            select(func.count()).where(AuditEntry.action == "test.group1")
        )
    assert again == 5


async def test_a_failed_turn_is_not_recorded_and_can_be_retried(bot):
    attempts = []

    async def flaky(turn) -> None:
        attempts.append(turn.update.update_id)
        turn.user.region = "lima"
        if len(attempts) == 1:
            raise RuntimeError("boom")
        turn.reply("ok")

    # Edited messages in an ordinary group reach no other handler: this turn is the update's
    # only one.
    edited = filters.UpdateType.EDITED_MESSAGE
    bot.app.add_handler(MessageHandler(edited, lambda u, c: run_turn(u, c, flaky)), group=-1)
    update = bot.factory.message(
        user_id=YOUNG.id, text="fixed typo", chat_id=GROUP_CHAT_ID, edited=True
    )
    with pytest.raises(AssertionError):
        await bot.process(update)
    bot.errors.clear()
    assert (await read_user(bot, YOUNG.id)) is None  # rolled back: not even the person
    assert await count(bot.db, ProcessedUpdate) == 0
    calls = await bot.process(update)
    assert texts(calls) == ["ok"]
    assert (await read_user(bot, YOUNG.id)).region == "lima"
    assert await bot.process(update) == []
    assert len(attempts) == 2


# Order per person, concurrency across people -----------------------------------------------


async def test_one_persons_updates_in_order_different_people_concurrently(settings, database):
    """Through the started Application's update queue and the per-person processor."""
    api = OfflineBotAPI()
    processor = PerUserUpdateProcessor(concurrency=8)
    application = build_application(
        settings, content=content_for(settings),
        request=OfflineRequest(api), database=database, update_processor=processor
    )
    harness = BotHarness(application, api, database)
    events: list[tuple[str, int, int]] = []
    inflight: dict[int, int] = defaultdict(int)
    most = {"all": 0, "one": 0}

    async def observe(update, context):
        user = update.effective_user.id
        inflight[user] += 1
        most["one"] = max(most["one"], inflight[user])
        most["all"] = max(most["all"], sum(inflight.values()))
        events.append(("start", user, update.update_id))
        for _ in range(3):
            await asyncio.sleep(0)
        events.append(("end", user, update.update_id))
        inflight[user] -= 1

    async def collect(update: object, context: Any) -> None:
        harness.errors.append(context.error)

    application.add_handler(TypeHandler(object, observe), group=-1)
    application.add_error_handler(collect)
    people = [1001 + i for i in range(6)]
    sent: dict[int, list[int]] = defaultdict(list)
    await application.initialize()
    await application.start()
    try:
        for round_ in range(8):
            for user in people:
                text = "/start" if round_ == 0 else f"message {round_}"
                update = harness.factory.message(user_id=user, text=text)
                sent[user].append(update.update_id)
                await application.update_queue.put(update)
        await application.update_queue.join()
    finally:
        await application.stop()
        await application.shutdown()
    assert not harness.errors
    for user in people:
        started = [u for kind, who, u in events if kind == "start" and who == user]
        assert started == sent[user]
        replies = [c for c in api.calls if c.chat_id == user and c.method == "sendMessage"]
        assert len(replies) >= len(sent[user])
    assert most["one"] == 1  # never two updates of one person at once
    assert most["all"] > 1  # but different people at the same time
    assert await count(database, ProcessedUpdate) == 6 * 8


# Two replicas on one database -------------------------------------------------------------


class Replicas:
    """Two Application instances on one database (two engines), as two replicas would be."""

    def __init__(self, harnesses: list[BotHarness]) -> None:
        self.harnesses = harnesses
        self.turn = 0

    def person(self, persona):
        return self.harnesses[0].person(persona)

    def switch(self, person) -> None:
        """The person's next update goes to the other replica."""
        self.turn += 1
        person.harness = self.harnesses[self.turn % 2]
        person.harness.messages.update(self.harnesses[(self.turn + 1) % 2].messages)


@pytest.fixture
async def replicas(settings, database):
    api = OfflineBotAPI()
    harnesses = []
    for db in (database, Database(settings.database_url)):
        application = build_application(
            settings, content=content_for(settings),
            request=OfflineRequest(api), database=db
        )
        harness = BotHarness(application, api, db)

        async def collect(update: object, context: Any, harness=harness) -> None:
            harness.errors.append(context.error)

        application.add_error_handler(collect)
        await application.initialize()
        await application.post_init(application)
        harnesses.append(harness)
    yield Replicas(harnesses)
    for harness in harnesses:
        await harness.app.shutdown()
        assert not harness.errors
    await harnesses[1].db.dispose()


async def test_two_applications_on_one_database_carry_one_conversation(replicas, database):
    """Onboarding and a quiz, alternating update by update between two Application instances."""
    person = replicas.person(YOUNG)
    await person.send("/start")
    for action, arg in (("lang.first", "es"), ("consent", 1), ("age", "14-17")):
        replicas.switch(person)
        message, _ = person.find_button(action=action)
        await person.press_data(callbacks.pack(action, arg), message)
    replicas.switch(person)
    await person.send("/quiz")
    replicas.switch(person)
    await person.press(action="quiz.open")
    replicas.switch(person)
    await person.press(action="quiz.start")
    for _ in range(3):
        replicas.switch(person)
        await person.press(action="quiz.ans")
    replicas.switch(person)
    calls = await person.send("/quiz")
    assert texts(calls)
    async with database.session() as session:
        user = await session.get(User, YOUNG.id)
        attempt = (await session.execute(select(QuizAttempt))).scalar_one()
        answers = await session.scalar(select(func.count()).select_from(QuizAnswer))
    assert users.has_consented(user) and user.age_band == "14-17"
    assert attempt.position == 3 and answers == 3
    assert 0 <= attempt.score <= 3


async def test_two_applications_on_one_database_carry_an_activity_draft(replicas, database):
    """A leader registers an activity, each step on the other replica, typed steps included."""
    from activities_support import set_clock, tap

    for harness in replicas.harnesses:
        set_clock(harness)
    await replicas.harnesses[0].grant(LEADER, Role.LEADER)
    leader = replicas.person(LEADER)
    await leader.onboard()
    steps = [
        lambda: leader.send("/menu"),
        lambda: leader.press(action="act.menu"),
        lambda: leader.press(action="act.new"),
        lambda: leader.send("Feria comunitaria"),
        lambda: tap(leader, "act.kind", draft["id"], "community"),
        lambda: tap(leader, "act.path", draft["id"], "community"),
        lambda: leader.send("25/12/2026 16:00"),
        lambda: leader.send("18:00"),
        lambda: tap(leader, "act.region", draft["id"], "PE", "puno"),
        lambda: tap(leader, "act.district", draft["id"], 1),
        lambda: leader.send("Coliseo municipal"),
        lambda: leader.send("Una feria con juegos y música sobre los derechos."),
        lambda: leader.send("Jóvenes de Juliaca"),
        lambda: leader.send("120"),
        lambda: tap(leader, "act.submit", draft["id"]),
    ]
    draft: dict[str, int] = {}
    for index, step in enumerate(steps):
        replicas.switch(leader)
        await step()
        if index == 3:  # the draft exists from its title on
            async with database.session() as session:
                draft["id"] = await session.scalar(
                    select(Activity.id).where(Activity.leader_id == LEADER.id)
                )
    async with database.session() as session:
        activity = await session.get(Activity, draft["id"])
    assert (activity.title, activity.status, activity.region, activity.expected) == (
        "Feria comunitaria", "pending", "puno", 120
    )


# Rate limits ------------------------------------------------------------------------------


async def test_a_429_is_waited_out_for_as_long_as_telegram_asks(settings, database, monkeypatch):
    """In production the shared budget (bot/runtime/delivery.py) is paused for everyone."""
    waits: list[float] = []
    real_sleep = asyncio.sleep
    virtual = [1_000_000.0]  # the budget's clock, moved on by its sleeps only

    async def recorded_sleep(seconds: float) -> None:
        waits.append(seconds)
        virtual[0] += seconds
        await real_sleep(0)

    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # PTB warns about its int retry_after otherwise
    api = OfflineBotAPI()
    application = build_application(
        settings, content=content_for(settings),
        request=OfflineRequest(api), database=database, rate_limit=True
    )
    harness = BotHarness(application, api, database)
    budget = application.bot.rate_limiter.budget
    budget.sleep, budget.clock = recorded_sleep, lambda: virtual[0]
    await application.initialize()
    try:
        api.fail_next("sendMessage", ApiError(429, "Too Many Requests: retry after 7", 7))
        await harness.person(YOUNG).send("/start")
        # in production the replies wait for the budget after the update is done
        await harness.deps.sends.drain()
    finally:
        await application.shutdown()
    sends = [c for c in api.calls if c.method == "sendMessage"]
    assert [isinstance(c.result, ApiError) for c in sends] == [True, False]
    assert sends[1].text.startswith("¡Hola!")
    assert sum(waits) == pytest.approx(7)  # the budget's next slot: 7 s after the 429


async def test_long_replies_are_split_and_the_keyboard_stays_on_the_last_part(bot):
    paragraph = "Una frase con acentos, ñ y 👩🏽‍💻 emoji. " * 40
    long_text = "\n\n".join([paragraph.strip()] * 8)

    async def long_reply(turn) -> None:
        from youthbot.bot.people.menu import build_main_menu_keyboard

        turn.reply(long_text, build_main_menu_keyboard(turn))

    bot.app.add_handler(CommandHandler("long", lambda u, c: run_turn(u, c, long_reply)), group=-1)
    person = bot.person(YOUNG)
    await person.onboard()
    calls = [c for c in await person.send("/long") if c.text and c.text in long_text]
    assert len(calls) > 1
    lengths = [len(c.text.encode("utf-16-le")) // 2 for c in calls]
    assert max(lengths) <= 4096
    assert [bool(c.buttons) for c in calls] == [False] * (len(calls) - 1) + [True]
    assert "".join(c.text for c in calls).replace("\n", "") == long_text.replace("\n", "")


# People who block the bot -----------------------------------------------------------------


async def test_a_403_marks_the_person_blocked_until_they_write_again(bot):
    person = bot.person(YOUNG)
    await person.onboard()
    bot.api.fail_next("sendMessage", ApiError(403, "Forbidden: bot was blocked by the user"))
    await person.send("/menu")
    assert (await read_user(bot, YOUNG.id)).blocked is True
    await person.send("/menu")
    assert (await read_user(bot, YOUNG.id)).blocked is False


def membership(bot, persona, status: str):
    return bot.factory.build(
        {
            "my_chat_member": {
                "chat": {"id": persona.id, "type": "private", "first_name": "P"},
                "from": {"id": persona.id, "is_bot": False, "first_name": "P"},
                "date": 0,
                "old_chat_member": {
                    "status": "member" if status == "kicked" else "kicked",
                    "user": {"id": 1000, "is_bot": True, "first_name": "YouthBot"},
                    **({} if status == "kicked" else {"until_date": 0}),
                },
                "new_chat_member": {
                    "status": status,
                    "user": {"id": 1000, "is_bot": True, "first_name": "YouthBot"},
                    **({"until_date": 0} if status == "kicked" else {}),
                },
            }
        }
    )


async def test_blocking_and_unblocking_the_bot_is_recorded(bot):
    person = bot.person(YOUNG_EN)
    await person.onboard()
    assert await bot.process(membership(bot, YOUNG_EN, "kicked")) == []
    assert (await read_user(bot, YOUNG_EN.id)).blocked is True
    await bot.process(membership(bot, YOUNG_EN, "member"))
    assert (await read_user(bot, YOUNG_EN.id)).blocked is False
    # someone the bot never met blocking it leaves no trace
    await bot.process(membership(bot, ADMIN, "kicked"))
    assert await read_user(bot, ADMIN.id) is None


async def test_a_turn_whose_database_connection_was_cut_runs_again(bot):
    """PostgreSQL restarting cuts every pooled connection; the next person to write still
    gets their answer (the turn is tried again on a new connection), exactly once."""
    if not bot.db.is_postgresql:
        pytest.skip("SQLite has no connections to cut")
    person = bot.person(YOUNG)
    await person.onboard()
    before = await count(bot.db, ProcessedUpdate)
    outside = Database(bot.db.url.render_as_string(hide_password=False))
    async with outside.engine.connect() as conn:
        cut = await conn.scalar(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ))
    await outside.dispose()
    assert cut >= 1
    calls = await person.send("/menu")
    assert len(calls) == 1 and labels(calls)  # the main menu, once
    assert await count(bot.db, ProcessedUpdate) == before + 1


async def test_a_repetition_stops_later_handler_groups_too(bot):
    seen = []

    async def later_group(update, context):
        seen.append(update.update_id)

    bot.app.add_handler(TypeHandler(object, later_group), group=5)
    update = bot.factory.message(user_id=YOUNG.id, text="/start")
    await bot.process(update)
    await bot.process(update)
    assert seen == [update.update_id]


def test_the_offline_api_can_answer_without_keeping_a_record():
    """Benchmarks run thousands of calls: the fake API then answers and tells its listeners,
    but keeps no list of every call (which grew without end and slowed the collector)."""
    api = OfflineBotAPI(keep_calls=False)
    heard = []
    api.listeners.append(heard.append)
    for expected_id in (1, 2):
        status, body = api.handle("sendMessage", {"chat_id": 5, "text": "hola"})
        assert status == 200 and body["result"]["message_id"] == expected_id
    assert [c.text for c in heard] == ["hola", "hola"]
    assert api.calls == []


async def test_update_ids_are_kept_with_their_time_and_forgotten_after_three_days(database):
    """The claim (written straight on SQLite's connection) stores the time as every other
    column does, so pruning by time finds exactly the old ones."""
    start = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    async with database.session() as session:
        assert await claim_update(session, update_id=1, lock_key=5, now=start)
        assert await claim_update(session, update_id=2, lock_key=5, now=start + timedelta(days=4))
    async with database.session() as session:
        assert not await claim_update(session, update_id=1, lock_key=5, now=start)  # repeated
    async with database.session() as session:
        stored = dict((await session.execute(select(ProcessedUpdate.update_id,
                                                    ProcessedUpdate.at))).all())
    assert stored == {1: start, 2: start + timedelta(days=4)}
    async with database.session() as session:
        pruned = await prune_processed(session, before=start + timedelta(days=4) - timedelta(
            days=KEEP_PROCESSED_DAYS))
    assert pruned == 1
    async with database.session() as session:
        assert list(await session.scalars(select(ProcessedUpdate.update_id))) == [2]
