"""Privacy: delete my data (every table, through the registry), consent versions,
notification choices, quick exit, and the retention schedule."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from harness import ADMIN, FRIEND, LEADER, MODERATOR, STAFF_CHAT_ID, YOUNG, YOUNG_EN, labels, texts
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    String,
    Table,
    Text,
    func,
    insert,
    select,
)
from sqlalchemy.types import TypeDecorator

from youthbot.bot.privacy.data import run_retention
from youthbot.bot.runtime import callbacks
from youthbot.core.people import users
from youthbot.core.people.roles import Role
from youthbot.core.privacy import forget_people, person_columns
from youthbot.db.models import (
    Activity,
    AuditEntry,
    Base,
    Case,
    CaseMessage,
    ChatState,
    OpenCase,
    TrackedMessage,
    User,
)
from youthbot.db.models.base import DELETE, NULLIFY, PERSON

DELETE_QUESTION = {
    "es": "¿Quieres borrar todo lo que guardamos sobre ti?",
    "en": "Do you want to delete everything we keep about you?",
}
DELETED = {
    "es": "Listo: borramos todo lo que guardábamos sobre ti.",
    "en": "Done: everything we kept about you has been deleted.",
}
NEUTRAL = {  # one neutral line, and discreetly how to clear what the bot cannot
    "es": "¡Hola! 👋 Escribe /start para empezar.\n\n"
    "Mensajes más antiguos: ⋮ → “Borrar historial”.",
    "en": "Hello! 👋 Write /start to begin.\n\nOlder messages: ⋮ → “Clear history”.",
}
YES_DELETE = {"es": "🗑 Sí, borrar todo", "en": "🗑 Yes, delete everything"}
KEEP = {"es": "No, conservar mis datos", "en": "No, keep my data"}
PERSONAS = [YOUNG, YOUNG_EN]

# Columns that hold a person's Telegram id, by name. Anything like this must be in the registry.
PERSON_LIKE = re.compile(
    r"(^|_)(user|actor|leader|author|owner|moderator|member|player|sender|recipient|person|"
    r"reporter|reviewer|admin|creator|target_user)(_id)?$|(^|_)user_id$|_by$|^claimed_by$"
)


# The registry --------------------------------------------------------------------------------


def unmarked_person_columns(tables) -> list[str]:
    """Columns that look like a person's id (a foreign key to users, or the name) unmarked."""
    unmarked = []
    for table in tables:
        for column in table.columns:
            if PERSON in column.info:
                continue
            refers_to_users = any(fk.target_fullname == "users.id" for fk in column.foreign_keys)
            id_like = isinstance(column.type, BigInteger | Integer) and PERSON_LIKE.search(
                column.name
            )
            if refers_to_users or id_like:
                unmarked.append(f"{table.name}.{column.name}")
    return unmarked


def test_every_person_like_column_is_in_the_registry():
    """A new table with a person's id cannot be forgotten by delete-my-data."""
    unmarked = unmarked_person_columns(Base.metadata.sorted_tables)
    assert unmarked == [], f"mark these with info=person(DELETE|NULLIFY): {unmarked}"


def test_the_registry_check_catches_unmarked_columns():
    """The check above can fail: tables like a new feature's, without the marks, are caught."""
    from sqlalchemy import Column, ForeignKey, MetaData

    metadata = MetaData()
    Table("users", metadata, Column("id", BigInteger, primary_key=True))
    example = Table(
        "example",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("owner", BigInteger, ForeignKey("users.id")),
        Column("reviewed_by", BigInteger),
        Column("moderator_id", BigInteger),
        Column("player_user_id", BigInteger),
        Column("group_chat_id", BigInteger),
        Column("score", Integer),
    )
    assert unmarked_person_columns([example]) == [
        "example.owner",
        "example.reviewed_by",
        "example.moderator_id",
        "example.player_user_id",
    ]


def test_registry_policies_are_valid_and_nullified_columns_can_be_null():
    columns = person_columns()
    assert {c.table.name for c in columns} >= {"users", "chat_states", "tracked_messages"}
    for item in columns:
        assert item.policy in (DELETE, NULLIFY), item
        if item.policy == NULLIFY:
            assert item.column.nullable, f"{item.table.name}.{item.column.name} is NOT NULL"


# A row in every table -----------------------------------------------------------------------


def _value(column, n: int, person_id: int, now: datetime) -> Any:
    """A plausible value for `column` in the row numbered `n` about `person_id`."""
    if PERSON in column.info:
        return person_id
    kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    if isinstance(kind, DateTime):
        return now
    if isinstance(kind, Date):
        return now.date()
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, Integer):
        return 987_000 + n  # clear of the update and message ids the tests use
    if isinstance(kind, JSON):
        return {}
    if isinstance(kind, Float):
        return 1_000_000.0 + n
    if isinstance(kind, String | Text):
        length = getattr(kind, "length", None) or 40
        return f"s{n}{column.name}"[:length] if column.name != "language" else "es"
    raise AssertionError(f"no sample value for {column.table.name}.{column.name} ({kind})")


async def fill_every_table(session, person_id: int, n: int, now: datetime) -> dict[str, dict]:
    """One row in every table about `person_id` (parents before children)."""
    made: dict[str, dict] = {}
    for table in Base.metadata.sorted_tables:
        if table.name == "alembic_version":
            continue
        row: dict[str, Any] = {}
        for column in table.columns:
            fks = list(column.foreign_keys)
            if fks and PERSON not in column.info:
                parent = made[fks[0].column.table.name]
                row[column.name] = parent[fks[0].column.name]
            elif column is table.autoincrement_column:
                continue
            else:
                row[column.name] = _value(column, n, person_id, now)
        result = await session.execute(insert(table).values(**row).returning(*table.primary_key))
        row.update(result.mappings().one())
        made[table.name] = row
    return made


async def rows_about(session, person_id: int) -> list[str]:
    """Every place `person_id` still appears: person columns, and its id inside any text."""
    found = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if PERSON in column.info:
                hits = await session.scalar(
                    select(func.count()).select_from(table).where(column == person_id)
                )
            elif isinstance(column.type, String | Text | JSON):
                hits = await session.scalar(
                    select(func.count())
                    .select_from(table)
                    .where(column.cast(String).contains(str(person_id)))
                )
            else:
                continue
            if hits:
                found.append(f"{table.name}.{column.name}")
    return found


async def count_rows(session) -> dict[str, int]:
    return {
        t.name: await session.scalar(select(func.count()).select_from(t))
        for t in Base.metadata.sorted_tables
    }


@pytest.mark.parametrize("persona", PERSONAS, ids=["es", "en"])
async def test_delete_my_data_leaves_nothing_in_any_table(bot, persona):
    lang = persona.language_code
    person = bot.person(persona)
    await person.onboard()
    await bot.person(FRIEND).onboard()
    now = datetime.now(UTC)
    # people the filler invents, with ids that are not part of any persona's id
    target, other = 900_001, 900_002
    async with bot.db.session() as session:
        mine = await fill_every_table(session, target, 1, now)
        await fill_every_table(session, other, 2, now)
    async with bot.db.session() as session:
        assert await rows_about(session, target)
        before = await count_rows(session)
    assert mine["cases"]["user_id"] == target

    async with bot.db.session() as session:
        await forget_people(session, user_ids=[target], now=now)
    async with bot.db.session() as session:
        assert await rows_about(session, target) == []
        assert await rows_about(session, other) != []
        after = await count_rows(session)
        case = await session.get(Case, mine["cases"]["id"])
    # the case stays as a figure, without the person, its messages gone
    assert after["cases"] == before["cases"]
    assert case.user_id is None
    assert after["case_messages"] == before["case_messages"] - 1
    assert after["quiz_question_stats"] == before["quiz_question_stats"]

    # and the same through the bot, for the onboarded person
    calls = await person.send("/borrar")
    assert texts(calls)[0].startswith(DELETE_QUESTION[lang])
    assert labels(calls) == [YES_DELETE[lang], KEEP[lang]]
    calls = await person.press(YES_DELETE[lang])
    assert texts(calls)[-1].startswith(DELETED[lang])
    async with bot.db.session() as session:
        assert await rows_about(session, persona.id) == []
        assert await session.get(User, FRIEND.id) is not None


async def test_delete_my_data_after_real_use(bot):
    """Quiz answers, language, consent, a case with messages, state: all gone; figures stay."""
    bot.api.forum_chats.add(STAFF_CHAT_ID)
    person = bot.person(YOUNG)
    await person.onboard()
    await play_a_quiz(person)
    await person.ask_for_a_person_in_danger()
    await person.send("Me siento muy mal, Anabela necesita ayuda")
    async with bot.db.session() as session:
        case = (await session.scalars(select(Case).where(Case.user_id == YOUNG.id))).one()
        assert await session.get(OpenCase, YOUNG.id) is not None
        assert await session.scalar(select(func.count()).where(CaseMessage.case_id == case.id))
        before = await count_rows(session)
        assert before["quiz_answers"] > 0
    bot.api.clear()

    await person.send("/delete_my_data")
    calls = await person.press(action="privacy.delete")  # the first: "yes"
    async with bot.db.session() as session:
        assert await rows_about(session, YOUNG.id) == []
        case = await session.get(Case, case.id)
        after = await count_rows(session)
        messages = await session.scalar(select(func.count()).where(CaseMessage.case_id == case.id))
    assert case.status == "withdrawn" and case.user_id is None and case.closed_at is not None
    assert messages == 0
    assert after["cases"] == before["cases"]
    assert after["quiz_question_stats"] == before["quiz_question_stats"] > 0
    # the staff chat is told the case ended, and the case's topic (with its copies) is deleted
    staff = [c for c in calls if c.chat_id == STAFF_CHAT_ID]
    assert any(case.number in c.text and "borrar" in c.text for c in staff)
    assert any(c.method == "deleteForumTopic" for c in staff)
    # the chat is cleared, then one line
    deleted = [c for c in calls if c.method == "deleteMessages" and c.chat_id == YOUNG.id]
    assert deleted and len(deleted[0].params["message_ids"]) > 5
    assert texts(calls, YOUNG.id)[-1].startswith(DELETED["es"])


async def play_a_quiz(person) -> None:
    """Answer every question of the first quiz (whatever its content)."""
    await person.send("/quiz")
    await person.press(action="quiz.open")
    await person.press(action="quiz.start")
    for _ in range(12):  # until the score (no more answer buttons)
        try:
            message, data = person.find_button(action="quiz.ans")
        except AssertionError:
            return
        await person.press_data(data, message)
    raise AssertionError("the quiz did not end")


async def test_a_leaders_drafts_go_and_their_submitted_activities_stay_without_them(bot):
    await bot.grant(LEADER, Role.LEADER)
    leader = bot.person(LEADER)
    await leader.onboard()
    now = datetime.now(UTC)
    async with bot.db.session() as session:
        session.add(Activity(leader_id=LEADER.id, status="pending", title="Mural", created_at=now))
    await leader.press_data(callbacks.pack("act.new"))
    await leader.send("Feria de derechos")  # the draft's title
    async with bot.db.session() as session:
        assert sorted(await session.scalars(select(Activity.status))) == ["draft", "pending"]
    await leader.send("/borrar")
    await leader.press(YES_DELETE["es"])
    async with bot.db.session() as session:
        left = (await session.execute(select(Activity.title, Activity.leader_id))).all()
        assert await rows_about(session, LEADER.id) == []
    assert left == [("Mural", None)]


async def test_keeping_the_data_changes_nothing(bot):
    person = bot.person(YOUNG)
    await person.onboard()
    calls = await person.send("/borrar")
    calls = await person.press(KEEP["es"])
    assert texts(calls) == ["No se borró nada."]
    async with bot.db.session() as session:
        assert (await session.get(User, YOUNG.id)).consent_version == users.CONSENT_VERSION


async def test_settings_has_the_delete_button_and_a_staff_role_is_mentioned(bot):
    await bot.grant(MODERATOR, Role.MODERATOR)
    person = bot.person(MODERATOR)
    await person.onboard()
    calls = await person.send("/settings")
    assert "🗑 Borrar mis datos" in labels(calls)
    calls = await person.press("🗑 Borrar mis datos")
    assert texts(calls)[0].startswith(DELETE_QUESTION["es"])
    assert "También perderás tu rol: moderador/a." in texts(calls)[0]
    await person.press(YES_DELETE["es"])
    async with bot.db.session() as session:
        assert await session.get(User, MODERATOR.id) is None
        assert (await session.scalars(select(AuditEntry.target))).all() == [""]


# Consent -------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS, ids=["es", "en"])
async def test_a_new_consent_version_asks_again(bot, persona, monkeypatch):
    lang = persona.language_code
    person = bot.person(persona)
    await person.onboard()
    monkeypatch.setattr(users, "CONSENT_VERSION", users.CONSENT_VERSION + 1)
    calls = await person.send("/menu")
    notice = {"es": "Antes de empezar, así te cuidamos", "en": "Before we start, how we look"}
    assert texts(calls)[0].startswith(notice[lang])
    async with bot.db.session() as session:
        user = await session.get(User, persona.id)
        assert users.is_anonymous(user)  # nothing new is kept until they agree again
    await person.press_data(callbacks.pack("consent", 1), person.find_button(action="consent")[0])
    message, _data = person.find_button(action="age")
    calls = await person.press_data(callbacks.pack("age", "18-25"), message)
    async with bot.db.session() as session:
        user = await session.get(User, persona.id)
    assert user.consent_version == users.CONSENT_VERSION
    assert not users.is_anonymous(user)


async def test_declining_a_new_consent_version_keeps_nothing_new_and_says_how_to_delete(
    bot, monkeypatch
):
    person = bot.person(YOUNG)
    await person.onboard()
    monkeypatch.setattr(users, "CONSENT_VERSION", users.CONSENT_VERSION + 1)
    await person.send("/menu")
    calls = await person.press("No, gracias")
    assert texts(calls)[0].startswith("Está bien: desde ahora no guardamos nada nuevo sobre ti.")
    assert "/borrar" in texts(calls)[0]
    async with bot.db.session() as session:
        assert users.is_anonymous(await session.get(User, YOUNG.id))


# Notifications -------------------------------------------------------------------------------


async def test_announcements_are_off_until_chosen_and_reminders_can_be_turned_off(bot):
    person = bot.person(YOUNG)
    await person.onboard()
    calls = await person.send("/settings")
    assert "🔕 Anuncios: no" in labels(calls)
    assert "⏰ Recordatorios de actividades: sí" in labels(calls)
    calls = await person.press("🔕 Anuncios: no")
    assert "🔔 Anuncios: sí" in labels(calls)
    calls = await person.press("⏰ Recordatorios de actividades: sí")
    assert "⏰ Recordatorios de actividades: no" in labels(calls)
    async with bot.db.session() as session:
        user = await session.get(User, YOUNG.id)
    assert (user.notify_announcements, user.notify_reminders) == (True, False)


async def test_anonymous_people_get_no_notification_choices(bot):
    person = bot.person(YOUNG)
    await person.onboard(age_band="u14")
    calls = await person.send("/settings")
    assert not any(label.startswith(("🔔", "🔕", "⏰")) for label in labels(calls))
    calls = await person.press_data(callbacks.pack("privacy.notify", "ann"))
    assert calls[0].params["text"] == "Este botón ya no funciona. Usa el mensaje más reciente."
    async with bot.db.session() as session:
        assert (await session.get(User, YOUNG.id)).notify_announcements is False


# Quick exit ----------------------------------------------------------------------------------


def ids_shown_in(bot, chat_id: int) -> set[int]:
    """Ids of every message in the chat: the person's and the bot's."""
    return {message_id for (chat, message_id) in bot.messages if chat == chat_id}


@pytest.mark.parametrize("persona", PERSONAS, ids=["es", "en"])
async def test_quick_exit_deletes_both_sides_and_leaves_one_line(bot, persona):
    lang = persona.language_code
    person = bot.person(persona)
    await person.onboard()
    await person.send("/help")
    await person.send("hola")
    await person.press(action="help.danger")
    async with bot.db.session() as session:
        await session.execute(
            insert(ChatState).values(user_id=persona.id, flow="x", step="y", data={})
        )
    bots_ids = ids_shown_in(bot, persona.id)
    calls = await person.send("/salir")
    deleting = [c for c in calls if c.method == "deleteMessages"]
    assert len(deleting) == 1 and deleting[0].chat_id == persona.id
    deleted = set(deleting[0].params["message_ids"])
    assert bots_ids <= deleted  # everything the bot sent there
    # the person's messages: /start, /help, hola, /salir (ids from the update factory)
    assert sum(1 for i in deleted if i >= 100_000) == 4
    assert texts(calls) == [NEUTRAL[lang]]
    assert [c.method for c in calls].index("deleteMessages") < [c.method for c in calls].index(
        "sendMessage"
    )
    async with bot.db.session() as session:
        assert await session.get(ChatState, persona.id) is None
    # a second quick exit deletes only what came after
    calls = await person.send("/salir")
    assert len(calls[0].params["message_ids"]) == 2  # the line and this command, no more


async def test_quick_exit_button_is_on_help_screens_and_works(bot):
    person = bot.person(YOUNG)
    await person.onboard()
    calls = await person.send("/help")
    assert "🚪 Salida rápida" in labels(calls)
    calls = await person.press("🚪 Salida rápida")
    assert [c.method for c in calls] == ["answerCallbackQuery", "deleteMessages", "sendMessage"]
    help_message_id = max(ids_shown_in(bot, YOUNG.id) - {calls[-1].result["message_id"]})
    assert help_message_id in calls[1].params["message_ids"]
    assert texts(calls) == [NEUTRAL["es"]]


async def test_quick_exit_during_a_case_warns_the_moderator_and_keeps_the_case(bot):
    bot.api.forum_chats.add(STAFF_CHAT_ID)
    person = bot.person(YOUNG)
    await person.onboard()
    await person.ask_for_a_person_in_danger()
    calls = await person.send("/salir")
    staff = [c for c in calls if c.chat_id == STAFF_CHAT_ID]
    assert len(staff) == 1 and "usó la salida rápida" in staff[0].text
    assert YOUNG.first_name not in staff[0].text and str(YOUNG.id) not in staff[0].text
    assert staff[0].params.get("message_thread_id")  # in the case's own topic
    async with bot.db.session() as session:
        assert await session.get(OpenCase, YOUNG.id) is not None


async def test_quick_exit_forgets_messages_older_than_48_hours(bot):
    person = bot.person(YOUNG)
    start = datetime.now(UTC)
    bot.deps.clock = lambda: start
    await person.onboard()
    old = ids_shown_in(bot, YOUNG.id)
    bot.deps.clock = lambda: start + timedelta(hours=49)
    await person.send("hola")
    calls = await person.send("/salir")
    deleted = set(calls[0].params["message_ids"])
    assert deleted and not (deleted & old)


async def test_message_ids_are_forgotten_after_48_hours(bot):
    person = bot.person(YOUNG)
    start = datetime.now(UTC)
    bot.deps.clock = lambda: start
    await person.onboard()
    await person.send("hola")
    async with bot.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(TrackedMessage)) > 0
    bot.deps.clock = lambda: start + timedelta(hours=48, minutes=1)
    await run_retention(bot.app)
    async with bot.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(TrackedMessage)) == 0


async def tracked_ids(bot) -> set[int]:
    async with bot.db.session() as session:
        return set(await session.scalars(select(TrackedMessage.message_id)))


async def test_message_ids_are_written_at_most_once_a_second_and_quick_exit_sees_all(bot):
    """Ids wait in memory and a turn writes them once a second (not one insert per turn);
    quick exit writes what waits first, so nothing of the last moment stays on the phone."""
    person = bot.person(YOUNG)
    start = datetime.now(UTC)
    bot.deps.clock = lambda: start
    await person.send("/start")  # nothing written yet: this turn writes
    written = await tracked_ids(bot)
    assert written
    await person.send("hola")
    await person.send("/menu")
    assert await tracked_ids(bot) == written  # within the second: they wait
    bot.deps.clock = lambda: start + timedelta(seconds=1)
    await person.send("/menu")
    waiting_until_now = ids_shown_in(bot, YOUNG.id)
    assert await tracked_ids(bot) >= waiting_until_now - {max(waiting_until_now)}
    await person.send("otra vez")  # waits again, as does the bot's answer
    calls = await person.send("/salir")
    deleted = set(calls[0].params["message_ids"])
    assert deleted >= ids_shown_in(bot, YOUNG.id) - {max(ids_shown_in(bot, YOUNG.id))}


async def test_group_messages_are_not_tracked(bot):
    person = bot.person(YOUNG)
    await person.send("/start", chat_id=-100555)
    await person.send("/quiz", chat_id=-100555)
    async with bot.db.session() as session:
        chats = set(await session.scalars(select(TrackedMessage.chat_id)))
    assert chats <= {YOUNG.id}


# Retention -----------------------------------------------------------------------------------


async def add_case(session, *, user_id: int, closed_days_ago: int | None, now: datetime) -> int:
    case = Case(
        number=f"N{user_id % 1000}{closed_days_ago}",
        user_id=user_id,
        topic="other",
        language="es",
        status="closed" if closed_days_ago is not None else "open",
        opened_at=now - timedelta(days=60),
        closed_at=now - timedelta(days=closed_days_ago) if closed_days_ago is not None else None,
        reopen_until=(
            now - timedelta(days=closed_days_ago - 7) if closed_days_ago is not None else None
        ),
        staff_chat_id=STAFF_CHAT_ID,
        staff_thread_id=77 if closed_days_ago else None,
    )
    session.add(case)
    await session.flush()
    session.add(CaseMessage(case_id=case.id, at=now, sender="person", text="mi secreto"))
    session.add(CaseMessage(case_id=case.id, at=now, sender="staff", text="te ayudamos"))
    return case.id


async def test_retention_deletes_case_texts_after_n_days_and_inactive_profiles(bot):
    now = datetime.now(UTC)
    bot.deps.clock = lambda: now
    days = bot.deps.settings.case_retention_days
    async with bot.db.session() as session:
        for user_id, last_seen in ((1, 400), (2, 300), (3, 400)):
            await users.create_user(
                session,
                user_id=user_id,
                language="es",
                today=(now - timedelta(days=last_seen)).date(),
            )
        (await session.get(User, 3)).role = Role.LEADER
        old = await add_case(session, user_id=2, closed_days_ago=days + 1, now=now)
        recent = await add_case(session, user_id=2, closed_days_ago=days - 1, now=now)
        still_open = await add_case(session, user_id=2, closed_days_ago=None, now=now)
    bot.api.clear()
    report = await run_retention(bot.app)
    assert (report.people, report.case_texts) == (1, 2)
    async with bot.db.session() as session:
        assert await session.get(User, 1) is None  # a year without a visit: forgotten
        assert await session.get(User, 2) is not None
        assert await session.get(User, 3) is not None  # people with a role are kept
        texts_left = {
            case_id: sorted(
                (
                    await session.scalars(
                        select(CaseMessage.text).where(CaseMessage.case_id == case_id)
                    )
                ).all(),
                key=str,
            )
            for case_id in (old, recent, still_open)
        }
        old_case = await session.get(Case, old)
    assert texts_left[old] == [None, None]
    assert texts_left[recent] == ["mi secreto", "te ayudamos"]
    assert texts_left[still_open] == ["mi secreto", "te ayudamos"]
    assert old_case.user_id is None and old_case.staff_thread_id is None
    assert [c.method for c in bot.api.calls] == ["deleteForumTopic"]
    # a second run finds nothing more to do
    report = await run_retention(bot.app)
    assert (report.people, report.case_texts, report.staff_copies) == (0, 0, [])


async def test_retention_runs_at_start_for_anything_overdue(bot):
    async with bot.db.session() as session:
        await users.create_user(session, user_id=5, language="es", today=date(2000, 1, 1))
    await bot.app.post_init(bot.app)  # what `youthbot run` does at every start
    async with bot.db.session() as session:
        assert await session.get(User, 5) is None


async def test_admins_from_the_configuration_are_never_forgotten_for_inactivity(bot):
    async with bot.db.session() as session:
        await users.create_user(session, user_id=ADMIN.id, language="es", today=date(2000, 1, 1))
    await run_retention(bot.app)
    async with bot.db.session() as session:
        assert await session.get(User, ADMIN.id) is not None
