"""Cases: the staff group works them; the young person is never exposed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from harness import (
    ADMIN,
    LEADER,
    MODERATOR,
    STAFF_CHAT_ID,
    YOUNG,
    YOUNG_EN,
    start_harness,
    texts,
)
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from youthbot.bot.cases.realerts import alert_due_cases
from youthbot.bot.runtime import callbacks
from youthbot.core.people.roles import Role
from youthbot.db.models import AuditEntry, Case, CaseMessage, ChatState, OpenCase

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # 10:00 in Lima
PERSONAS = pytest.mark.parametrize("persona", [YOUNG, YOUNG_EN], ids=["es", "en"])
TEAM = {"es": "💬 Nuestro equipo: ", "en": "💬 Our team: "}
CLOSED = {
    "es": "Nuestro equipo cerró esta conversación",
    "en": "Our team has closed this conversation",
}
DID_IT_HELP = {"es": "¿Te sirvió?", "en": "Did this help?"}
FEEDBACK_BUTTON = {"es": "Un poco", "en": "A bit"}
REOPEN = {"es": "🔁 Reabrir", "en": "🔁 Reopen"}
IDENTITY = ("first_name", "username")


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(bot) -> Clock:
    clock = Clock(NOW)
    bot.deps.clock = clock
    return clock


@pytest.fixture
async def moderator(bot):
    await bot.grant(MODERATOR, Role.MODERATOR)
    return bot.person(MODERATOR)


async def open_case(bot, persona, *, urgent: int = 0, onboard: bool = True) -> Case:
    """The person asks to talk to a person about violence at home, in Puno."""
    person = bot.person(persona)
    if onboard:
        await person.onboard()
    await person.press_data(callbacks.pack("help.person", 3, "me", "PE", "puno", urgent))
    return await read_case(bot)


async def read_case(bot) -> Case:
    async with bot.db.session() as session:
        return (await session.scalars(select(Case).order_by(Case.id.desc()))).first()


def staff_calls(bot) -> list:
    return [c for c in bot.api.calls if c.chat_id == STAFF_CHAT_ID]


def replied_to(call) -> int | None:
    reply = call.params.get("reply_parameters")
    reply = json.loads(reply) if isinstance(reply, str) else reply
    return reply["message_id"] if reply else None


def assert_no_identity_reached_staff(bot, *personas) -> None:
    """Nothing sent to the staff chat names a young person: name, username or Telegram id."""
    sent = staff_calls(bot)
    assert sent
    for call in sent:
        blob = json.dumps(call.params, ensure_ascii=False, default=str)
        for persona in personas:
            for secret in (persona.first_name, persona.username, str(persona.id)):
                assert secret not in blob, (call.method, secret)


# The whole life of a case -------------------------------------------------------------------


@PERSONAS
async def test_a_case_from_open_to_claim_relay_refer_close_reopen_and_feedback(
    bot, clock, moderator, persona
):
    lang = persona.language_code
    bot.api.forum_chats.add(STAFF_CHAT_ID)
    person = bot.person(persona)
    case = await open_case(bot, persona)
    topic = next(c for c in bot.api.calls if c.method == "createForumTopic")
    thread = topic.result["message_thread_id"]
    assert topic.params["name"] == f"{case.number} · Violencia en casa"
    card = staff_calls(bot)[-1]
    assert card.params["message_thread_id"] == thread
    assert card.text.splitlines()[:4] == [
        f"Caso {case.number}",
        "Tema: Violencia en casa",
        "Para: la persona misma",
        "Dónde: Perú · Puno",
    ]
    assert f"Idioma: {'español' if lang == 'es' else 'inglés'}" in card.text

    # the person writes before anyone claims: it reaches the topic, they are reassured
    calls = await person.send("Mi tío me grita todas las noches")
    assert texts(calls, STAFF_CHAT_ID) == [
        f"💬 {case.number} — la persona escribió:\nMi tío me grita todas las noches"
    ]
    assert texts(calls, persona.id)[0].startswith("✓")

    # claim: the card changes, the person is told someone is there, without a name
    calls = await moderator.press("✋ Tomar", chat_id=STAFF_CHAT_ID)
    to_person = texts(calls, persona.id)
    assert len(to_person) == 1 and MODERATOR.first_name not in to_person[0]
    assert any("Estado: Tomado por una persona moderadora" in t for t in texts(calls))

    # relay both ways
    calls = await moderator.send(
        "Hola, estoy aquí. ¿Estás a salvo ahora?", chat_id=STAFF_CHAT_ID, thread_id=thread
    )
    assert texts(calls, persona.id) == [TEAM[lang] + "Hola, estoy aquí. ¿Estás a salvo ahora?"]
    assert texts(calls, STAFF_CHAT_ID) == []
    calls = await person.send("Sí, estoy en mi cuarto")
    assert texts(calls, STAFF_CHAT_ID) == [
        f"💬 {case.number} — la persona escribió:\nSí, estoy en mi cuarto"
    ]
    assert texts(calls, persona.id) == []  # claimed: no more automatic replies

    # an internal note never reaches the person
    calls = await moderator.send("/note llamar a la DEMUNA", chat_id=STAFF_CHAT_ID,
                                 thread_id=thread)
    assert texts(calls, persona.id) == []
    assert texts(calls, STAFF_CHAT_ID)[0].startswith(f"📝 Nota guardada en {case.number}")

    # refer: the person receives the service's card
    await moderator.press("📨 Derivar", chat_id=STAFF_CHAT_ID)
    calls = await moderator.press("Línea 100", chat_id=STAFF_CHAT_ID)
    card_text = texts(calls, persona.id)[0]
    assert "Línea 100" in card_text and "100" in card_text

    # history (a "view") shows the conversation to staff
    calls = await moderator.press("📄 Historial", chat_id=STAFF_CHAT_ID)
    history = texts(calls, STAFF_CHAT_ID)[0]
    assert "persona: Mi tío me grita todas las noches" in history
    assert "equipo: Hola, estoy aquí." in history and "nota: llamar a la DEMUNA" in history

    # close with an outcome: told, may reopen, asked (optionally) whether it helped
    await moderator.press("✅ Cerrar", chat_id=STAFF_CHAT_ID)
    calls = await moderator.press("Se ayudó", chat_id=STAFF_CHAT_ID)
    to_person = texts(calls, persona.id)
    assert to_person[0].startswith(CLOSED[lang]) and case.number in to_person[0]
    assert to_person[1].startswith(DID_IT_HELP[lang])
    calls = await person.press(FEEDBACK_BUTTON[lang])
    async with bot.db.session() as s:
        closed = await s.get(Case, case.id)
        assert (await s.scalars(select(OpenCase))).all() == []
    assert (closed.status, closed.outcome, closed.feedback) == ("closed", "helped", "bit")
    assert closed.reopen_until == NOW + timedelta(days=7)

    # after closing, what the person writes is not a case message any more
    calls = await person.send("gracias")
    assert texts(calls, STAFF_CHAT_ID) == []

    # reopen within 7 days: the team is told and the case needs a moderator again
    clock.now = NOW + timedelta(days=6)
    calls = await person.press(REOPEN[lang])
    assert texts(calls, STAFF_CHAT_ID)[0].startswith(f"🔁 {case.number}: la persona reabrió")
    reopened = await read_case(bot)
    assert (reopened.status, reopened.claimed_by, reopened.outcome) == ("open", None, None)

    async with bot.db.session() as s:
        audit = (await s.scalars(select(AuditEntry).where(AuditEntry.target == case.number))).all()
        messages = (await s.scalars(select(CaseMessage).order_by(CaseMessage.id))).all()
    assert [a.action for a in audit] == [
        "case.claim", "case.relay", "case.note", "case.refer", "case.view", "case.close",
    ]
    assert all(a.actor_id == MODERATOR.id for a in audit)
    assert not any("Hola" in a.detail or "DEMUNA" in a.detail for a in audit)
    assert [(m.sender, m.kind) for m in messages if m.sender != "event"] == [
        ("person", "text"), ("staff", "text"), ("person", "text"), ("note", "text"),
    ]
    assert messages[0].staff_message_id is not None  # its copy in the staff chat is known
    assert_no_identity_reached_staff(bot, persona)


async def test_without_topics_the_case_is_a_thread_and_replies_relay(bot, clock, moderator):
    case = await open_case(bot, YOUNG)
    assert not any(c.method == "createForumTopic" for c in bot.api.calls)
    card_id = case.staff_message_id
    await moderator.press("✋ Tomar", chat_id=STAFF_CHAT_ID)
    # replying to the card (Telegram puts the reply in the card's thread)
    calls = await moderator.send("¿Cómo estás?", chat_id=STAFF_CHAT_ID, reply_to=card_id,
                                 thread_id=card_id)
    assert texts(calls, YOUNG.id) == ["💬 Nuestro equipo: ¿Cómo estás?"]
    # the bot's posts are replies to the card
    await bot.person(YOUNG).send("Bien")
    assert replied_to(staff_calls(bot)[-1]) == card_id
    # a reply to a bot message that names the case works too (no thread id)
    message = bot.messages[(STAFF_CHAT_ID, staff_calls(bot)[-1].result["message_id"])]
    update = bot.factory.message(
        user_id=MODERATOR.id, text="Te leo", chat_id=STAFF_CHAT_ID,
        reply_to=message["message_id"], first_name=MODERATOR.first_name,
    )
    update.message.reply_to_message._unfreeze()
    update.message.reply_to_message.text = message["text"]
    calls = await bot.process(update)
    assert texts(calls, YOUNG.id) == ["💬 Nuestro equipo: Te leo"]
    assert_no_identity_reached_staff(bot, YOUNG)


# Who may do what ------------------------------------------------------------------------------


async def test_a_non_moderators_forged_claim_is_refused(bot, clock):
    case = await open_case(bot, YOUNG)
    data = callbacks.pack("case.claim", case.id)
    # from the young person's own chat: the staff action does not exist there
    calls = await bot.person(YOUNG).press_data(data)
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    # in the staff chat, by someone without the moderator role
    card = bot.messages[(STAFF_CHAT_ID, case.staff_message_id)]
    calls = await bot.person(YOUNG_EN).press_data(data, card)
    assert calls[0].method == "answerCallbackQuery" and calls[0].params["show_alert"]
    assert texts(calls, YOUNG.id) == []
    after = await read_case(bot)
    assert (after.status, after.claimed_by) == ("open", None)
    async with bot.db.session() as s:
        assert (await s.scalars(select(AuditEntry).where(AuditEntry.action.like("case.%")))
                ).all() == []


async def test_a_non_moderator_writing_in_the_staff_chat_relays_nothing(bot, clock, moderator):
    bot.api.forum_chats.add(STAFF_CHAT_ID)
    case = await open_case(bot, YOUNG)
    await moderator.press("✋ Tomar", chat_id=STAFF_CHAT_ID)
    intruder = bot.person(YOUNG_EN)
    calls = await intruder.send("hola", chat_id=STAFF_CHAT_ID, thread_id=case.staff_thread_id)
    assert texts(calls, YOUNG.id) == []
    assert texts(calls, STAFF_CHAT_ID) == [  # in the intruder's own language
        "Only moderators can work on cases. Nothing was sent."
    ]
    # general chatter outside any case is left alone
    calls = await moderator.send("buenos días, equipo", chat_id=STAFF_CHAT_ID)
    assert calls == []


async def test_only_the_claimant_relays_and_notes_stay_internal(bot, clock, moderator):
    bot.api.forum_chats.add(STAFF_CHAT_ID)
    case = await open_case(bot, YOUNG)
    admin = bot.person(ADMIN)
    calls = await admin.send("¿hola?", chat_id=STAFF_CHAT_ID, thread_id=case.staff_thread_id)
    assert texts(calls, YOUNG.id) == []
    assert texts(calls, STAFF_CHAT_ID)[0].startswith("Primero toma este caso")
    await moderator.press("✋ Tomar", chat_id=STAFF_CHAT_ID)
    calls = await admin.send("¿hola?", chat_id=STAFF_CHAT_ID, thread_id=case.staff_thread_id)
    assert texts(calls, YOUNG.id) == []
    assert texts(calls, STAFF_CHAT_ID)[0].startswith("Solo quien tomó este caso le escribe")
    calls = await admin.press_data(
        callbacks.pack("case.claim", case.id), bot.messages[(STAFF_CHAT_ID, case.staff_message_id)]
    )
    assert calls[0].params["text"] == "Otra persona moderadora ya tomó este caso."
    assert (await read_case(bot)).claimed_by == MODERATOR.id


async def test_hand_over_makes_the_case_wait_for_a_moderator_again(bot, clock, moderator):
    case = await open_case(bot, YOUNG)
    await moderator.press("✋ Tomar", chat_id=STAFF_CHAT_ID)
    calls = await moderator.press("🔁 Pasar el caso", chat_id=STAFF_CHAT_ID)
    assert texts(calls, YOUNG.id) == ["Otra persona de nuestro equipo seguirá contigo pronto."]
    assert any(t.startswith(f"🔁 {case.number} se pasó al equipo") for t in texts(calls))
    after = await read_case(bot)
    assert (after.status, after.claimed_by) == ("open", None)
    admin = bot.person(ADMIN)
    await admin.press("✋ Tomar", chat_id=STAFF_CHAT_ID)
    assert (await read_case(bot)).claimed_by == ADMIN.id


async def claimed_then(bot, clock, moderator, leave) -> tuple[Case, list]:
    """A case claimed by the moderator, who then leaves the team by `leave()`."""
    case = await open_case(bot, YOUNG)
    await moderator.press("✋ Tomar", chat_id=STAFF_CHAT_ID)
    assert (await read_case(bot)).claimed_by == MODERATOR.id
    clock.now = NOW + timedelta(minutes=30)
    return case, await leave()


def assert_back_with_the_team(bot, case: Case, calls: list, after: Case) -> None:
    assert (after.status, after.claimed_by, after.claimed_at) == ("open", None, None)
    assert after.next_alert_at == NOW + timedelta(minutes=40)  # re-alerted on schedule
    assert texts(calls, YOUNG.id) == ["Otra persona de nuestro equipo seguirá contigo pronto."]
    posted = [c for c in calls if c.chat_id == STAFF_CHAT_ID and c.method == "sendMessage"]
    assert any(c.text.startswith(f"🔁 {case.number} se pasó al equipo") for c in posted)
    claim = callbacks.pack("case.claim", case.id)
    assert any(
        b.get("callback_data") == claim
        for c in posted for row in (c.params.get("reply_markup") or {}).get(
            "inline_keyboard", []) for b in row
    )
    assert_no_identity_reached_staff(bot, YOUNG)


async def test_a_moderator_deleting_their_data_hands_their_cases_back(bot, clock, moderator):
    """Nobody may be left waiting on a claimant who is gone."""

    async def leave() -> list:
        await moderator.send("/borrar")
        return await moderator.press("🗑 Sí, borrar todo")

    case, calls = await claimed_then(bot, clock, moderator, leave)
    after = await read_case(bot)
    assert_back_with_the_team(bot, case, calls, after)
    async with bot.db.session() as session:
        events = (
            await session.scalars(
                select(CaseMessage.kind).where(CaseMessage.case_id == case.id)
                .order_by(CaseMessage.id)
            )
        ).all()
        authors = set(await session.scalars(select(CaseMessage.author_id)))
    assert events[-2:] == ["claimed", "handed_over"]
    assert MODERATOR.id not in authors
    admin = bot.person(ADMIN)
    await admin.press("✋ Tomar", chat_id=STAFF_CHAT_ID)
    assert (await read_case(bot)).claimed_by == ADMIN.id


async def test_revoking_a_moderators_role_hands_their_cases_back(bot, clock, moderator):
    admin = bot.person(ADMIN)
    await admin.onboard()

    async def leave() -> list:
        return await admin.send(f"/revoke {MODERATOR.id} moderator")

    case, calls = await claimed_then(bot, clock, moderator, leave)
    assert f"Listo: {MODERATOR.id} ya no es moderador/a." in texts(calls, ADMIN.id)
    assert_back_with_the_team(bot, case, calls, await read_case(bot))
    # the former moderator can no longer act on it; the case waits for the team
    refused = await moderator.press_data(callbacks.pack("case.claim", case.id))
    assert (await read_case(bot)).status == "open" and refused


async def test_revoking_a_role_of_someone_holding_no_case_changes_no_case(bot, clock, moderator):
    case = await open_case(bot, YOUNG)
    await moderator.press("✋ Tomar", chat_id=STAFF_CHAT_ID)
    await bot.grant(LEADER, Role.LEADER)
    admin = bot.person(ADMIN)
    await admin.onboard()
    calls = await admin.send(f"/revoke {LEADER.id} leader")
    assert texts(calls) == [f"Listo: {LEADER.id} ya no es líder de grupo juvenil."]
    after = await read_case(bot)
    assert (after.number, after.status, after.claimed_by) == (case.number, "claimed", MODERATOR.id)


# The young person's side ----------------------------------------------------------------------


@PERSONAS
async def test_a_photo_is_never_forwarded(bot, clock, persona):
    case = await open_case(bot, persona)
    photo = {"photo": [{"file_id": "secret-photo", "file_unique_id": "u1", "width": 9,
                        "height": 9}]}
    calls = await bot.person(persona).send_update(photo)
    assert not any(c.method in ("sendPhoto", "forwardMessage", "copyMessage", "sendDocument")
                   for c in calls)
    assert "secret-photo" not in json.dumps([c.params for c in calls], default=str)
    assert texts(calls, STAFF_CHAT_ID) == [
        f"📎 {case.number} — la persona envió una foto. No se reenvió, por su seguridad. "
        "Puedes pedirle que lo describa con palabras."
    ]
    told = texts(calls, persona.id)[0]
    assert told.startswith("Por tu seguridad" if persona is YOUNG else "For your safety")
    async with bot.db.session() as s:
        kept = (await s.scalars(select(CaseMessage).where(CaseMessage.sender == "person"))).one()
    assert (kept.kind, kept.text) == ("photo", None)


async def edit(bot, persona, text: str) -> list:
    update = bot.factory.message(
        user_id=persona.id, text=text, language_code=persona.language_code, edited=True
    )
    return await bot.process(update)


async def test_an_edited_message_reaches_the_team_marked_as_an_edit(bot, clock, moderator):
    case = await open_case(bot, YOUNG)
    calls = await edit(bot, YOUNG, "Perdón, no estoy en Puno, estoy en Juliaca")
    assert texts(calls, YOUNG.id) == []  # no second "sent to our team"
    assert texts(calls, STAFF_CHAT_ID) == [
        f"✏️ {case.number} — la persona editó un mensaje. Ahora dice:\n"
        "Perdón, no estoy en Puno, estoy en Juliaca"
    ]
    async with bot.db.session() as session:
        kept = (
            await session.scalars(
                select(CaseMessage.text).where(
                    CaseMessage.case_id == case.id, CaseMessage.sender == "person"
                )
            )
        ).all()
    assert kept == ["Perdón, no estoy en Puno, estoy en Juliaca"]
    assert await edit(bot, YOUNG, "/salir") == []  # an edited command is not a message
    assert_no_identity_reached_staff(bot, YOUNG)


async def test_an_edit_saying_danger_gives_the_numbers_and_reaches_the_team(bot, clock):
    case = await open_case(bot, YOUNG_EN)
    calls = await edit(bot, YOUNG_EN, "now they want to take me away")
    mine = texts(calls, YOUNG_EN.id)
    assert len(mine) == 1 and "If you are in danger right now, call:" in mine[0]
    assert any(t.startswith(f"✏️ {case.number} —") for t in texts(calls, STAFF_CHAT_ID))


async def test_invisible_nul_characters_never_break_a_case(bot, clock, moderator):
    """PostgreSQL refuses NUL in text: the message still goes through, without them."""
    case = await open_case(bot, YOUNG)
    calls = await bot.person(YOUNG).send("hola\x00 necesito\x00 ayuda")
    relayed = f"💬 {case.number} — la persona escribió:\nhola necesito ayuda"
    assert texts(calls, STAFF_CHAT_ID) == [relayed]
    await edit(bot, YOUNG, "\x00hola, necesito ayuda")
    async with bot.db.session() as session:
        kept = (await session.scalars(select(CaseMessage.text).where(
            CaseMessage.case_id == case.id, CaseMessage.sender == "person"))).all()
    assert kept == ["hola necesito ayuda", "hola, necesito ayuda"]
    calls = await bot.person(YOUNG).send("\x00\x00")  # nothing visible: as if not text
    assert texts(calls, YOUNG.id)[0].startswith("Por tu seguridad, no paso fotos")
    assert texts(calls, STAFF_CHAT_ID) == [
        f"📎 {case.number} — la persona envió algo que no es texto. No se reenvió, por su "
        "seguridad. Puedes pedirle que lo describa con palabras."
    ]


async def test_edits_without_an_open_case_reach_nobody(bot, clock, moderator):
    await bot.person(YOUNG).onboard()
    assert await edit(bot, YOUNG, "Perdón, quise decir Juliaca") == []


async def test_messages_go_to_the_open_case_whatever_the_person_was_doing(bot, clock):
    case = await open_case(bot, YOUNG)
    async with bot.db.session() as s:
        s.add(ChatState(user_id=YOUNG.id, flow="some-form", step="title", data={}))
    calls = await bot.person(YOUNG).send("esto es para el equipo")
    assert texts(calls, STAFF_CHAT_ID) == [
        f"💬 {case.number} — la persona escribió:\nesto es para el equipo"
    ]


async def test_flooding_is_slowed_with_a_kind_note(bot, clock):
    bot.deps.settings.flood_messages_per_minute = 3
    await open_case(bot, YOUNG)
    person = bot.person(YOUNG)
    relayed = []
    for n in range(5):
        calls = await person.send(f"mensaje {n}")
        relayed += texts(calls, STAFF_CHAT_ID)
        if n == 3:
            assert texts(calls, YOUNG.id)[0].startswith("Estás enviando muchos mensajes")
        if n == 4:
            assert calls == []  # told once a minute, not at every message
    assert len(relayed) == 3
    clock.now = NOW + timedelta(minutes=2)
    calls = await person.send("ya más tranquila")
    assert len(texts(calls, STAFF_CHAT_ID)) == 1


async def test_the_person_can_stop_at_any_time(bot, clock):
    case = await open_case(bot, YOUNG)
    calls = await bot.person(YOUNG).send("/parar")
    assert texts(calls, YOUNG.id)[0].startswith(f"Terminaste la conversación ({case.number})")
    ended = f"✋ {case.number}: la persona terminó la conversación."
    assert texts(calls, STAFF_CHAT_ID)[0] == ended
    after = await read_case(bot)
    assert after.status == "withdrawn"
    calls = await bot.person(YOUNG).send("/parar")
    assert texts(calls)[0] == "No tienes una conversación abierta con nuestro equipo."


async def test_a_case_cannot_be_reopened_after_seven_days(bot, clock, moderator):
    case = await open_case(bot, YOUNG)
    await moderator.press("✅ Cerrar", chat_id=STAFF_CHAT_ID)
    await moderator.press("Sin respuesta", chat_id=STAFF_CHAT_ID)
    clock.now = NOW + timedelta(days=8)
    calls = await bot.person(YOUNG).press(REOPEN["es"])
    assert calls[0].params["text"].startswith("Esta conversación ya no se puede reabrir")
    assert (await read_case(bot)).status == "closed"
    assert case.number


async def test_at_most_one_open_case_is_enforced_by_the_database(bot, clock):
    case = await open_case(bot, YOUNG)
    with pytest.raises(IntegrityError):
        async with bot.db.session() as s:
            other = Case(number="C-TEST", user_id=YOUNG.id, topic="other", language="es",
                         status="open", opened_at=NOW)
            s.add(other)
            await s.flush()
            s.add(OpenCase(user_id=YOUNG.id, case_id=other.id))
    assert (await read_case(bot)).id == case.id


# Re-alerts ------------------------------------------------------------------------------------


async def test_unclaimed_cases_are_re_alerted_after_a_restart(bot, clock, settings, moderator):
    bot.api.forum_chats.add(STAFF_CHAT_ID)
    case = await open_case(bot, YOUNG)
    urgent = await open_case(bot, YOUNG_EN, urgent=1)
    assert await alert_due_cases(bot.app) == 0  # nothing is due yet

    # the bot restarts: a second Application on the same database, a fresh Bot API
    restarted = await start_harness(settings, bot.db)
    again, api = restarted.app, restarted.api
    try:
        restarted.deps.clock = lambda: NOW + timedelta(minutes=11)
        assert await alert_due_cases(again) == 2
        alerts = {c.text.split()[1 if c.text.startswith("⏰") else 3]: c for c in api.calls
                  if c.method == "sendMessage"}
        plain = alerts[case.number]
        assert plain.text == (
            f"⏰ {case.number} sigue esperando a una persona moderadora (abierto hace 11 minutos)."
        )
        assert plain.params["message_thread_id"] == case.staff_thread_id
        loud = alerts[urgent.number]
        assert loud.text.startswith(f"🚨 URGENTE ⏰ {urgent.number}")
        mentions = [e for e in loud.params["entities"] if e["type"] == "text_mention"]
        assert [m["user"]["id"] for m in mentions] == [MODERATOR.id]
        # not again until the next interval
        assert await alert_due_cases(again) == 0
        restarted.deps.clock = lambda: NOW + timedelta(minutes=22)
        assert await alert_due_cases(again) == 2
    finally:
        await again.shutdown()
    # a claimed case is not re-alerted
    await moderator.press_data(
        callbacks.pack("case.claim", case.id),
        bot.messages[(STAFF_CHAT_ID, case.staff_message_id)],
    )
    bot.deps.clock = lambda: NOW + timedelta(minutes=60)
    assert await alert_due_cases(bot.app) == 1
    assert_no_identity_reached_staff(bot, YOUNG, YOUNG_EN)


async def test_urgent_cases_alert_the_moderators_at_once(bot, clock, moderator):
    bot.api.forum_chats.add(STAFF_CHAT_ID)
    await open_case(bot, YOUNG, urgent=1)
    alert = staff_calls(bot)[-1]
    assert alert.text.startswith("🚨 URGENTE: C-")
    mention = alert.params["entities"][0]
    assert mention["type"] == "text_mention" and mention["user"]["id"] == MODERATOR.id
    label = alert.text.encode("utf-16-le")[mention["offset"] * 2:][: mention["length"] * 2]
    assert label.decode("utf-16-le") == "moderador/a 1"


async def test_saying_danger_with_an_open_case_makes_it_urgent(bot, clock, moderator):
    case = await open_case(bot, YOUNG)
    person = bot.person(YOUNG)
    await person.send("/ayuda")
    calls = await person.press("🚨 Sí, estoy en peligro")
    assert "📞 105" in texts(calls, YOUNG.id)[0]
    assert any(t.startswith(f"🚨 URGENTE: {case.number}") for t in texts(calls, STAFF_CHAT_ID))
    assert (await read_case(bot)).urgent


async def test_moderators_list_open_cases(bot, clock, moderator):
    first = await open_case(bot, YOUNG)
    second = await open_case(bot, YOUNG_EN, urgent=1)
    calls = await moderator.send("/casos", chat_id=STAFF_CHAT_ID)
    lines = texts(calls)[0].splitlines()
    assert lines[0] == "Casos abiertos:"
    assert lines[1].startswith(f"🚨 {second.number} · Esperando")
    assert lines[2].startswith(f"{first.number} · Esperando")


# The console --------------------------------------------------------------------------------


async def test_the_console_walks_help_and_acts_as_a_moderator(tmp_path):
    """Piped into the console: the help flow, then claim, relay both ways and close."""
    import io

    from youthbot.config import Settings
    from youthbot.console import run_console

    script = "\n".join(
        [
            "2", "1", "2",  # English, I agree, 14 to 17
            "/help", "No, not right now", "Violence at home", "For me", "Peru", "Puno",
            "💬 Talk to a person",
            "My uncle shouts at me",
            "s1",  # claim
            "/staff Hello, I am here. Are you safe now?",
            "Yes, in my room",
            "/staff /note call DEMUNA",
            "s5", "s1",  # close → helped
            "A bit",
        ]
    )
    out = io.StringIO()
    settings = Settings(
        _env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path}/console.sqlite3"
    )
    await run_console(
        settings, user_id=10001, language_code="en", stdin=io.StringIO(script + "\n"), out=out,
        moderator_id=20002,
    )
    shown = out.getvalue()
    assert "bot: 🚨" not in shown  # not in danger: no numbers pushed
    assert "These services can help you." in shown
    assert "staff chat: (new topic" in shown
    assert "💬 C-" in shown and "la persona escribió:\nMy uncle shouts at me" in shown
    assert "bot: 💬 Our team: Hello, I am here. Are you safe now?" in shown
    assert "la persona escribió:\nYes, in my room" in shown
    assert "📝 Nota guardada" in shown
    assert "bot: Our team has closed this conversation" in shown
    assert "bot (edited message" in shown and "Thank you for telling us. 💙" in shown
