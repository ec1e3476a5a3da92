"""Retention and deletion leave nothing behind: open cases that went silent are closed and
purged, every post about a case in a staff group without topics (the History included) is
deleted with it, and nothing about a person is written after they asked to be forgotten."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from harness import MODERATOR, STAFF_CHAT_ID, YOUNG, YOUNG_EN, texts
from privacy.test_privacy import play_a_quiz, rows_about
from sqlalchemy import func, select

from youthbot.bot.cases.realerts import alert_due_cases
from youthbot.bot.privacy.data import run_retention
from youthbot.bot.runtime import callbacks
from youthbot.bot.safety.tracking import flush_pending
from youthbot.core.people.roles import Role
from youthbot.db.models import Case, CaseMessage, CaseStaffPost, OpenCase, TrackedMessage

# In the staff chat's language (Spanish here), whatever the person's.
EXPIRED = (
    "El caso {number} se cerró: nadie escribió en este caso durante {days} días. Sus mensajes "
    "también se borraron aquí."
)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def case_with_history(bot, persona) -> tuple[Case, set[int]]:
    """A case in a staff group without topics: the card, the person's message, a claim, a
    moderator's reply and note, and the History post. Returns the case and the ids of every
    message about it in the staff chat."""
    await bot.grant(MODERATOR, Role.MODERATOR)
    moderator = bot.person(MODERATOR)
    person = bot.person(persona)
    await person.onboard()
    # urgent: an alert mentioning the moderators is posted too
    await person.press_data(callbacks.pack("help.person", 3, "me", "PE", "puno", 1))
    async with bot.db.session() as session:
        case = (await session.scalars(select(Case))).one()
    card = case.staff_message_id
    await person.send("Mi tío me grita todas las noches")
    await moderator.press(action="case.claim", chat_id=STAFF_CHAT_ID)
    reply_id = await staff_message(bot, "¿Estás a salvo?", card)
    assert texts(bot.api.calls, persona.id)[-1].endswith("¿Estás a salvo?")  # relayed
    note_id = await staff_message(bot, "/nota llamar a la DEMUNA", card)
    calls = await moderator.press(action="case.view", chat_id=STAFF_CHAT_ID)
    history = [c for c in calls if c.method == "sendMessage" and c.chat_id == STAFF_CHAT_ID]
    assert history and history[0].text.startswith("📄")
    assert "Mi tío me grita" in history[0].text
    # everything the bot posted in the staff chat is about this case (card, copy, History…)
    ids = {
        c.result["message_id"]
        for c in bot.api.calls
        if c.method == "sendMessage" and c.chat_id == STAFF_CHAT_ID
    }
    assert card in ids and len(ids) >= 6
    # and the moderator's own reply and note (their messages, in the staff group)
    ids |= {reply_id, note_id}
    async with bot.db.session() as session:
        posts = set(await session.scalars(select(CaseStaffPost.staff_message_id)))
    assert {c.result["message_id"] for c in history} | {reply_id, note_id} <= posts
    return case, ids


async def staff_message(bot, text: str, card: int) -> int:
    """The moderator writes in the case's thread (a reply to its card); the message's id."""
    update = bot.factory.message(
        user_id=MODERATOR.id, text=text, chat_id=STAFF_CHAT_ID, reply_to=card, thread_id=card,
        first_name=MODERATOR.first_name,
    )
    await bot.process(update)
    return update.message.message_id


def deleted_in_staff_chat(bot) -> set[int]:
    return {
        message_id
        for c in bot.api.calls
        if c.method in ("deleteMessages", "deleteMessage") and c.chat_id == STAFF_CHAT_ID
        for message_id in c.params.get("message_ids", [c.params.get("message_id")])
    }


@pytest.mark.parametrize("persona", [YOUNG, YOUNG_EN], ids=["es", "en"])
async def test_an_open_case_silent_for_the_retention_period_is_closed_and_purged(bot, persona):
    clock = Clock(datetime.now(UTC))
    bot.deps.clock = clock
    case, staff_ids = await case_with_history(bot, persona)
    days = bot.deps.settings.case_retention_days

    clock.now += timedelta(days=days - 1)  # not yet: the case stays open, texts and all
    report = await run_retention(bot.app)
    assert report.expired == []
    async with bot.db.session() as session:
        assert (await session.get(Case, case.id)).status == "claimed"

    clock.now += timedelta(days=2)
    bot.api.clear()
    report = await run_retention(bot.app)
    assert report.expired == [case.number]
    async with bot.db.session() as session:
        stored = await session.get(Case, case.id)
        left = list(await session.scalars(
            select(CaseMessage.text).where(CaseMessage.case_id == case.id)
        ))
        assert await session.get(OpenCase, persona.id) is None
        assert await session.scalar(select(func.count()).select_from(CaseStaffPost)) == 0
    assert (stored.status, stored.outcome, stored.user_id) == ("closed", "expired", None)
    assert stored.reopen_until is None and stored.staff_message_id is None
    assert left and all(text is None for text in left)
    # every message about the case in the staff chat is deleted, the History post included
    assert deleted_in_staff_chat(bot) == staff_ids
    told = texts(bot.api.calls, STAFF_CHAT_ID)
    assert told == [EXPIRED.format(number=case.number, days=days)]
    # the person's next message opens nothing old: the case is no longer theirs
    calls = await bot.person(persona).send("hola de nuevo")
    assert texts(calls, STAFF_CHAT_ID) == []


async def test_an_open_case_is_gone_at_day_400(bot):
    clock = Clock(datetime.now(UTC))
    bot.deps.clock = clock
    case, _ids = await case_with_history(bot, YOUNG)
    clock.now += timedelta(days=400)
    await run_retention(bot.app)
    async with bot.db.session() as session:
        assert await rows_about(session, YOUNG.id) == []
        assert (await session.get(Case, case.id)).status == "closed"


async def test_deleting_my_data_deletes_every_post_of_the_case_in_a_group_without_topics(bot):
    case, staff_ids = await case_with_history(bot, YOUNG)
    bot.api.clear()
    await bot.person(YOUNG).send("/borrar")
    calls = await bot.person(YOUNG).press(action="privacy.delete")
    assert deleted_in_staff_chat(bot) == staff_ids
    told = texts(calls, STAFF_CHAT_ID)
    assert any(case.number in t and "se borraron aquí" in t for t in told)
    async with bot.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(CaseStaffPost)) == 0


@pytest.mark.parametrize("persona", [YOUNG, YOUNG_EN], ids=["es", "en"])
async def test_after_borrar_no_row_anywhere_holds_the_persons_id(bot, persona):
    """Every person column of the registry and every text column, after the confirmation was
    sent and every id waiting in memory was written."""
    case, _ids = await case_with_history(bot, persona)
    person = bot.person(persona)
    await play_a_quiz(person)
    await person.send("/borrar")
    calls = await person.press(action="privacy.delete")
    assert texts(calls, persona.id)  # the confirmation was sent
    await flush_pending(bot.app)
    async with bot.db.session() as session:
        assert await rows_about(session, persona.id) == []
        tracked = await session.scalar(
            select(func.count()).select_from(TrackedMessage)
            .where(TrackedMessage.chat_id == persona.id)
        )
    assert tracked == 0
    # coming back later is a new beginning, and tracked again (quick exit works for them)
    await person.send("/start")
    await flush_pending(bot.app)
    async with bot.db.session() as session:
        assert await session.scalar(
            select(func.count()).select_from(TrackedMessage)
            .where(TrackedMessage.chat_id == persona.id)
        )


async def test_re_alerts_of_an_unclaimed_case_are_deleted_with_it_too(bot):
    clock = Clock(datetime.now(UTC))
    bot.deps.clock = clock
    person = bot.person(YOUNG)
    await person.onboard()
    await person.press_data(callbacks.pack("help.person", 3, "me", "PE", "puno", 0))
    clock.now += timedelta(minutes=bot.deps.settings.case_realert_minutes + 1)
    start = len(bot.api.calls)
    assert await alert_due_cases(bot.app) == 1
    realert = [c for c in bot.api.calls[start:] if c.chat_id == STAFF_CHAT_ID]
    assert len(realert) == 1 and realert[0].text.startswith("⏰")
    posted = {
        c.result["message_id"]
        for c in bot.api.calls
        if c.method == "sendMessage" and c.chat_id == STAFF_CHAT_ID
    }
    await person.send("/borrar")
    await person.press(action="privacy.delete")
    assert deleted_in_staff_chat(bot) == posted
