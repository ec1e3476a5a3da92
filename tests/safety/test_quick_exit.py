"""Quick exit holds the conversation: after it nothing reaches the person's chat until they
write again; then a discreet line offers what waited. And how to clear the chat oneself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from activities_support import as_role, register_activity, set_clock
from harness import LEADER, MODERATOR, STAFF_CHAT_ID, YOUNG, YOUNG_EN, labels, start_harness, texts
from sqlalchemy import func, select

from youthbot.bot.activities.reminders import send_due_reminders
from youthbot.bot.runtime import callbacks
from youthbot.core import announce
from youthbot.core.people.roles import Role
from youthbot.db.engine import Database
from youthbot.db.models import AnnouncementDelivery, Case, HeldMessage, User

PERSONAS = pytest.mark.parametrize("persona", [YOUNG, YOUNG_EN], ids=["es", "en"])
TEAM = {"es": "💬 Nuestro equipo: ", "en": "💬 Our team: "}
WAITING_ONE = {"es": "Hay 1 mensaje de nuestro equipo.", "en": "There is 1 message from our team."}
WAITING_THREE = {
    "es": "Hay 3 mensajes de nuestro equipo.",
    "en": "There are 3 messages from our team.",
}
SHOW = {"es": "👀 Ver", "en": "👀 Show"}
CLOSED = {"es": "Nuestro equipo cerró esta conversación", "en": "Our team has closed this"}
DID_IT_HELP = {"es": "¿Te sirvió?", "en": "Did this help?"}
HELD_NOTE = (
    "⏸ {number}: la persona usó la salida rápida. Este mensaje no se entregó: espera hasta que "
    "vuelva a escribir."
)
CLEAR_LINE = {
    "es": "Mensajes más antiguos: ⋮ → “Borrar historial”.",
    "en": "Older messages: ⋮ → “Clear history”.",
}


def to_chat(calls, chat_id: int) -> list:
    """Every Bot API call that would put something in this chat (a message, an edit…)."""
    return [c for c in calls if c.chat_id == chat_id and c.method != "deleteMessages"]


async def claimed_case(bot, persona):
    """The person asks for a person (Peru, violence at home); a moderator claims the case."""
    bot.api.forum_chats.add(STAFF_CHAT_ID)
    await bot.grant(MODERATOR, Role.MODERATOR)
    person, moderator = bot.person(persona), bot.person(MODERATOR)
    await person.onboard()
    await person.press_data(callbacks.pack("help.person", 3, "me", "PE", "puno", 0))
    await moderator.press("✋ Tomar", chat_id=STAFF_CHAT_ID)
    async with bot.db.session() as session:
        case = (await session.scalars(select(Case).order_by(Case.id.desc()))).first()
    return person, moderator, case


async def held_rows(db: Database, user_id: int) -> list[HeldMessage]:
    async with db.session() as session:
        rows = await session.scalars(select(HeldMessage).where(HeldMessage.user_id == user_id))
        return list(rows)


@PERSONAS
async def test_a_moderators_message_waits_until_the_person_writes_and_asks_to_see_it(
    bot, persona
):
    lang = persona.language_code
    person, moderator, case = await claimed_case(bot, persona)
    calls = await person.send("/salir")
    assert texts(calls, persona.id)[-1].endswith(CLEAR_LINE[lang])
    start = len(bot.api.calls)

    calls = await moderator.send(
        "¿Sigues ahí? Escríbeme cuando puedas.", chat_id=STAFF_CHAT_ID,
        thread_id=case.staff_thread_id,
    )
    assert to_chat(bot.api.calls[start:], persona.id) == []  # nothing reached the phone
    staff = texts(calls, STAFF_CHAT_ID)
    assert staff == [HELD_NOTE.format(number=case.number)]
    assert [c.params.get("message_thread_id") for c in calls if c.chat_id == STAFF_CHAT_ID] == [
        case.staff_thread_id
    ]
    assert len(await held_rows(bot.db, persona.id)) == 1

    # the person writes again: a discreet line, the message itself not yet shown; the
    # moderator is told their messages reach the person again
    calls = await person.send("/menu")
    assert texts(calls, STAFF_CHAT_ID) == [
        f"▶️ {case.number}: la persona volvió a escribir. Tus mensajes le llegan otra vez."
    ]
    shown = texts(calls, persona.id)
    assert shown[0] == WAITING_ONE[lang]
    assert not any("Sigues ahí" in t for t in shown)
    assert to_chat(bot.api.calls[start:], persona.id)[0].method == "sendMessage"
    calls = await person.press(SHOW[lang])
    assert texts(calls, persona.id) == [TEAM[lang] + "¿Sigues ahí? Escríbeme cuando puedas."]
    assert await held_rows(bot.db, persona.id) == []
    # pressing again shows nothing more
    calls = await person.press_data(callbacks.pack("hold.show"))
    assert texts(calls, persona.id) == []

    # the hold is over: the next message goes straight to the phone
    calls = await moderator.send("Aquí estoy.", chat_id=STAFF_CHAT_ID,
                                 thread_id=case.staff_thread_id)
    assert texts(calls, persona.id) == [TEAM[lang] + "Aquí estoy."]


@PERSONAS
async def test_closing_and_feedback_wait_too_and_survive_a_restart(bot, settings, persona):
    lang = persona.language_code
    person, moderator, case = await claimed_case(bot, persona)
    await person.send("/salir")
    start = len(bot.api.calls)
    await moderator.send("Te escribo luego.", chat_id=STAFF_CHAT_ID,
                         thread_id=case.staff_thread_id)
    await moderator.press("✅ Cerrar", chat_id=STAFF_CHAT_ID)
    calls = await moderator.press("Se ayudó", chat_id=STAFF_CHAT_ID)
    assert to_chat(bot.api.calls[start:], persona.id) == []
    notes = [t for t in texts(calls, STAFF_CHAT_ID) if t.startswith("⏸")]
    assert len(notes) == 2  # the closing notice and the feedback question, both waiting

    # a restart: the held messages are in the database, not in memory
    await bot.app.shutdown()
    again = await start_harness(settings, Database(settings.database_url))
    try:
        back = again.person(persona)
        calls = await back.send("/start")
        assert texts(calls, persona.id)[0] == WAITING_THREE[lang]
        calls = await back.press(SHOW[lang])
        shown = texts(calls, persona.id)
        assert shown[0] == TEAM[lang] + "Te escribo luego."
        assert shown[1].startswith(CLOSED[lang]) and case.number in shown[1]
        assert shown[2].startswith(DID_IT_HELP[lang])
        assert labels(calls)  # the feedback buttons came back, and they work
        calls = await back.press({"es": "Un poco", "en": "A bit"}[lang])
        async with again.db.session() as session:
            assert (await session.get(Case, case.id)).feedback == "bit"
    finally:
        await again.app.shutdown()
        await again.db.dispose()
        bot.errors.extend(again.errors)
    await bot.app.initialize()  # the fixture shuts it down again


async def test_quick_exit_again_before_writing_keeps_holding(bot):
    person, moderator, case = await claimed_case(bot, YOUNG)
    await person.send("/salir")
    await moderator.send("Uno", chat_id=STAFF_CHAT_ID, thread_id=case.staff_thread_id)
    calls = await person.send("/salir")  # the exit itself does not lift the hold
    assert texts(calls, YOUNG.id)[0].startswith("¡Hola! 👋")
    assert not any("mensaje de nuestro equipo" in t for t in texts(calls))
    start = len(bot.api.calls)
    await moderator.send("Dos", chat_id=STAFF_CHAT_ID, thread_id=case.staff_thread_id)
    assert to_chat(bot.api.calls[start:], YOUNG.id) == []
    calls = await person.send("ok")  # an open case: this goes to the team, and the notice
    assert texts(calls, YOUNG.id)[0] == "Hay 2 mensajes de nuestro equipo."


async def test_deleting_my_data_removes_the_held_messages(bot):
    person, moderator, case = await claimed_case(bot, YOUNG)
    await person.send("/salir")
    await moderator.send("Hola", chat_id=STAFF_CHAT_ID, thread_id=case.staff_thread_id)
    assert len(await held_rows(bot.db, YOUNG.id)) == 1
    await person.send("/borrar")
    await person.press("🗑 Sí, borrar todo")
    assert await held_rows(bot.db, YOUNG.id) == []
    async with bot.db.session() as session:
        assert await session.get(User, YOUNG.id) is None


async def test_activity_news_waits_for_a_leader_who_used_quick_exit(bot):
    set_clock(bot)
    leader = await as_role(bot, LEADER, Role.LEADER)
    activity_id = await register_activity(leader, bot)
    await leader.send("/salir")
    await bot.grant(MODERATOR, Role.MODERATOR)
    start = len(bot.api.calls)
    await bot.person(MODERATOR).press_data(callbacks.pack("act.approve", activity_id))
    assert to_chat(bot.api.calls[start:], LEADER.id) == []
    assert len(await held_rows(bot.db, LEADER.id)) == 1
    calls = await leader.send("/menu")
    assert texts(calls, LEADER.id)[0] == "Hay 1 mensaje de nuestro equipo."
    calls = await leader.press("👀 Ver")
    assert "aprobada" in texts(calls, LEADER.id)[0].lower()


async def test_announcements_skip_people_in_the_hold(bot):
    young = bot.person(YOUNG)
    await young.onboard()
    now = bot.deps.clock()
    async with bot.db.session() as session:
        user = await session.get(User, YOUNG.id)
        user.notify_announcements = True
    async with bot.db.session() as session:
        assert (await announce.recipients_by_language(session)) == {"es": 1}
        # quick exit after the announcement was queued: skipped right before sending
        draft = await announce.create_draft(
            session, created_by=None, admin_chat_id=None, language="es",
            texts={"es": "Novedades"}, now=now,
        )
        await announce.start_sending(session, announcement_id=draft.id, actor_id=None, now=now)
    await young.send("/salir")
    async with bot.db.session() as session:
        assert await announce.claim_next(session, announcement_id=draft.id, now=now) is None
        statuses = await session.scalars(select(AnnouncementDelivery.status))
        assert list(statuses) == ["skipped"]
        assert (await announce.recipients_by_language(session)) == {}
        count = await session.scalar(select(func.count()).select_from(HeldMessage))
        assert count == 0  # dropped, not kept


# Clearing the chat oneself ------------------------------------------------------------------

GUIDE = {
    "es": ("🧹 Borrar este chat", "“Borrado automático” → 1 día", "“Borrar historial”"),
    "en": ("🧹 Clear this chat", "“Auto-delete messages” → 1 day", "“Clear history”"),
}
HELP_LINE = {
    "es": "🧹 Para borrar este chat: ⚙️ Ajustes → 🧹 Borrar este chat.",
    "en": "🧹 To clear this chat: ⚙️ Settings → 🧹 Clear this chat.",
}


@PERSONAS
async def test_settings_and_help_teach_how_to_clear_the_chat(bot, persona):
    lang = persona.language_code
    person = bot.person(persona)
    await person.onboard()
    calls = await person.send("/help")
    assert texts(calls)[0].endswith(HELP_LINE[lang])
    calls = await person.send("/settings")
    button, steps, clear = GUIDE[lang]
    assert button in labels(calls)
    calls = await person.press(button)
    guide = texts(calls)[0]
    assert steps in guide and clear in guide and "⋮" in guide
    assert {"es": "🚪 Salida rápida", "en": "🚪 Quick exit"}[lang] in labels(calls)


async def test_held_since_is_cleared_when_the_person_writes(bot):
    person = bot.person(YOUNG_EN)
    await person.onboard()
    await person.send("/salir")
    async with bot.db.session() as session:
        assert (await session.get(User, YOUNG_EN.id)).held_since is not None
    calls = await person.send("/menu")
    assert not any("message" in t and "team" in t for t in texts(calls))  # nothing waited
    async with bot.db.session() as session:
        assert (await session.get(User, YOUNG_EN.id)).held_since is None


async def test_a_reminder_for_someone_in_the_hold_is_dropped_not_kept(bot):
    clock = set_clock(bot)
    leader = await as_role(bot, LEADER, Role.LEADER)
    aid = await register_activity(leader, bot)  # 25/12/2026 16:00 in Lima
    await bot.grant(MODERATOR, Role.MODERATOR)
    await bot.person(MODERATOR).press_data(callbacks.pack("act.approve", aid))
    for persona in (YOUNG, YOUNG_EN):
        person = bot.person(persona)
        await person.onboard()
        await person.press_data(callbacks.pack("act.join", aid))
    await bot.person(YOUNG).send("/salir")
    clock.now = datetime(2026, 12, 25, 2, 0, tzinfo=UTC)  # 19 hours before
    start = len(bot.api.calls)
    assert await send_due_reminders(bot.app) == 1
    assert to_chat(bot.api.calls[start:], YOUNG.id) == []
    assert len(texts(bot.api.calls[start:], YOUNG_EN.id)) == 1
    assert await held_rows(bot.db, YOUNG.id) == []
    # and it is not sent later either: the person comes back to no waiting message
    calls = await bot.person(YOUNG).send("/menu")
    assert not any("mensaje de nuestro equipo" in t for t in texts(calls))
    assert await send_due_reminders(bot.app) == 0


async def test_held_messages_are_forgotten_with_the_case_texts(bot):
    from youthbot.bot.privacy.data import _purge_short_lived

    person, moderator, case = await claimed_case(bot, YOUNG)
    await person.send("/salir")
    await moderator.send("Hola", chat_id=STAFF_CHAT_ID, thread_id=case.staff_thread_id)
    await _purge_short_lived(bot.app)
    assert len(await held_rows(bot.db, YOUNG.id)) == 1
    later = bot.deps.clock() + timedelta(days=bot.deps.settings.case_retention_days + 1)
    bot.deps.clock = lambda: later
    await _purge_short_lived(bot.app)
    assert await held_rows(bot.db, YOUNG.id) == []
