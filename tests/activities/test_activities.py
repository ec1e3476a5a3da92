"""Leaders register activities (every validation error, in both languages), go back, cancel,
resume a draft after a restart, change and cancel their own (never another's), and
moderators approve or send back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from activities_support import (
    LEADER_EN,
    LEADERS,
    approve,
    as_role,
    draft_of,
    read_activity,
    register_activity,
    restart,
    set_clock,
    start_registration,
    stop,
    tap,
)
from harness import LEADER, MODERATOR, STAFF_CHAT_ID, YOUNG, labels, texts
from sqlalchemy import func, select

from youthbot.bot.runtime import callbacks
from youthbot.core.people.roles import Role
from youthbot.db.models import Activity, ChatState

ERRORS = {
    "es": {
        "title_short": "El título es muy corto. Escribe al menos 3 caracteres.",
        "title_long": "El título es muy largo (81 caracteres). Usa como máximo 80 caracteres.",
        "unreadable": "Perdona, no pude leer esa fecha.",
        "no_date": "Veo una hora, pero no el día.",
        "no_time": "Veo el día, pero no la hora.",
        "no_such_date": "Ese día no existe en el calendario.",
        "no_such_time": "Esa hora no existe.",
        "past": "Esa fecha y hora ya pasaron.",
        "too_far": "Eso es dentro de más de dos años.",
        "district_short": "Escribe el nombre del distrito o del pueblo (al menos 2 letras).",
        "district_long": "Ese nombre es muy largo (61 caracteres).",
        "expected_number": "Escribe el número solo con cifras, por ejemplo 25.",
        "expected_whole": "Escribe un número entero, sin decimales, por ejemplo 25.",
        "expected_range": "El número de personas debe estar entre 1 y 5.000.",
        "end_before": "Tiene que terminar después de empezar.",
        "venue_short": "Escribe dónde se encuentran (al menos 3 caracteres).",
        "about_short": "Cuéntales un poco más (al menos 10 caracteres).",
        "group_short": "Escribe el nombre de tu grupo (al menos 2 letras).",
    },
    "en": {
        "title_short": "The title is too short. Please write at least 3 characters.",
        "title_long": "The title is too long (81 characters). Please keep it to 80 characters.",
        "unreadable": "Sorry, I could not read that date.",
        "no_date": "I see a time but not the day.",
        "no_time": "I see the day but not the time.",
        "no_such_date": "That day does not exist in the calendar.",
        "no_such_time": "That time does not exist.",
        "past": "That date and time have already passed.",
        "too_far": "That is more than two years away.",
        "district_short": "Please write the name of the district or town (at least 2 letters).",
        "district_long": "That name is too long (61 characters).",
        "expected_number": "Please write the number with digits only, for example 25.",
        "expected_whole": "Please write a whole number, without decimals, for example 25.",
        "expected_range": "The number of people must be between 1 and 5,000.",
        "end_before": "It must end after it starts.",
        "venue_short": "Please write where to meet (at least 3 characters).",
        "about_short": "Please tell people a little more (at least 10 characters).",
        "group_short": "Please write the name of your group (at least 2 letters).",
    },
}
PROMPTS = {
    "es": {
        "title": "¿Cómo se llama la actividad?",
        "kind": "¿Qué tipo de actividad es?",
        "pathway": "¿De qué trata principalmente?",
        "when": "¿Cuándo es?",
        "end": "¿A qué hora termina?",
        "venue": "¿Dónde exactamente se encuentran?",
        "description": "En una o dos frases: ¿qué va a pasar",
        "group": "¿Qué grupo juvenil u organización la organiza?",
        "place": "¿Dónde es? Elige la región en Perú",
        "district": "¿En qué distrito de Lima Metropolitana?",
        "expected": "¿Cuántas personas esperas?",
        "summary": "Revisa tu actividad:",
    },
    "en": {
        "title": "What is the activity called?",
        "kind": "What kind of activity is it?",
        "pathway": "What is it mainly about?",
        "when": "When is it?",
        "end": "When does it end?",
        "venue": "Where exactly do people meet?",
        "description": "In one or two sentences: what will happen",
        "group": "Which youth group or organisation runs it?",
        "place": "Where is it? Choose the region in Peru",
        "district": "Which district in Lima Metropolitana?",
        "expected": "How many people do you expect?",
        "summary": "Please check your activity:",
    },
}
WHEN = {"es": "25 de diciembre 16:00", "en": "Dec 25 4pm"}
SHOWN_DATE = {"es": "viernes, 25 de diciembre de 2026, 16:00",
              "en": "Friday, December 25, 2026, 16:00"}
REFUSED = {"es": "Esa no es una de tus actividades, así que no puedes cambiarla.",
           "en": "That is not one of your activities, so you cannot change it."}


async def state_of(bot, user_id: int) -> tuple[str, str] | None:
    async with bot.db.session() as session:
        state = await session.get(ChatState, user_id)
        return (state.flow, state.step) if state else None


async def expect_error(bot, person, text: str, message: str, *, step: str, field: str) -> None:
    """Typing `text` shows `message`, keeps the step, and stores nothing."""
    before = await draft_of(bot, person.id)
    calls = await person.send(text)
    shown = texts(calls)
    assert len(shown) == 1 and shown[0].startswith(message), shown
    after = await draft_of(bot, person.id)
    assert getattr(after, field, None) == getattr(before, field, None)
    assert await state_of(bot, person.id) == ("activity", step)


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_the_whole_registration_with_every_validation_error(bot, lang):
    set_clock(bot)
    errors, prompts = ERRORS[lang], PROMPTS[lang]
    leader = await as_role(bot, LEADERS[lang], Role.LEADER)
    await leader.send("/menu")
    calls = await leader.press(action="act.menu")
    assert len(labels(calls)) == 6  # browse, joined, register, mine, menu, help
    calls = await leader.press(action="act.new")
    assert texts(calls)[0].startswith(prompts["title"])
    assert await draft_of(bot, leader.id) is None  # no draft until the first answer

    await expect_error(bot, leader, "ab", errors["title_short"], step="title", field="title")
    await expect_error(bot, leader, "x" * 81, errors["title_long"], step="title", field="title")
    assert await draft_of(bot, leader.id) is None
    calls = await leader.send("  Taller   de prevención  ")
    aid = (await draft_of(bot, leader.id)).id
    assert texts(calls)[0].startswith(prompts["kind"])
    assert len(labels(calls)) == 7 + 2  # seven types, back, cancel

    calls = await tap(leader, "act.kind", aid, "school_talk")
    assert texts(calls)[0].startswith(prompts["pathway"])
    calls = await tap(leader, "act.path", aid, "community")
    assert texts(calls)[0].startswith(prompts["when"])
    assert len(labels(calls)) == 14 + 2  # the next 14 days, back, cancel

    for text, kind in [
        ("qué tal", "unreadable"), ("16:00", "no_date"), ("25/12", "no_time"),
        ("31/02/2027 10:00", "no_such_date"), ("25/12/2026 25:00", "no_such_time"),
        ("01/12/2026 09:00", "past"), ("25/12/2030 10:00", "too_far"),
    ]:  # fmt: skip
        await expect_error(bot, leader, text, errors[kind], step="when", field="starts_at")
    calls = await leader.send(WHEN[lang])
    assert texts(calls)[0].startswith(prompts["end"])
    assert (await draft_of(bot, leader.id)).starts_at == datetime(2026, 12, 25, 21, 0, tzinfo=UTC)
    await expect_error(bot, leader, "15:00", errors["end_before"], step="end", field="ends_at")
    calls = await leader.send("18:30")
    assert texts(calls)[0].startswith(prompts["place"])
    assert (await draft_of(bot, leader.id)).ends_at == datetime(2026, 12, 25, 23, 30, tzinfo=UTC)

    calls = await tap(leader, "act.region", aid, "PE", "lima")
    assert texts(calls)[0].startswith(prompts["district"])
    await expect_error(bot, leader, "a", errors["district_short"], step="district",
                       field="district")
    await expect_error(bot, leader, "d" * 61, errors["district_long"], step="district",
                       field="district")
    calls = await leader.send("Rímac")
    assert texts(calls)[0].startswith(prompts["venue"])
    assert "private home" in texts(calls)[0] or "casa particular" in texts(calls)[0]
    await expect_error(bot, leader, "ab", errors["venue_short"], step="venue", field="venue")
    calls = await leader.send("Parque Central, junto a la pileta")
    assert texts(calls)[0].startswith(prompts["description"])
    await expect_error(bot, leader, "corto", errors["about_short"], step="description",
                       field="description")
    calls = await leader.send("Juegos y charlas para reconocer engaños en internet.")
    assert texts(calls)[0].startswith(prompts["group"])
    await expect_error(bot, leader, "A", errors["group_short"], step="group", field="group_name")
    calls = await leader.send("Red de Jóvenes del Rímac")
    assert texts(calls)[0].startswith(prompts["expected"])

    for text, kind in [("veinte", "expected_number"), ("2.5", "expected_whole"),
                       ("0", "expected_range"), ("5001", "expected_range"),
                       ("-3", "expected_range")]:
        await expect_error(bot, leader, text, errors[kind], step="expected", field="expected")
    calls = await leader.send("40")
    summary = texts(calls)[0]
    assert summary.startswith(prompts["summary"])
    for part in ("Taller de prevención", SHOWN_DATE[lang], "18:30", "Rímac, Lima Metropolitana",
                 "40", "Parque Central, junto a la pileta", "Red de Jóvenes del Rímac",
                 "Juegos y charlas para reconocer engaños en internet."):
        assert part in summary

    calls = await tap(leader, "act.submit", aid)
    activity = await read_activity(bot, aid)
    assert (activity.status, activity.title, activity.kind, activity.pathway) == (
        "pending", "Taller de prevención", "school_talk", "community")
    assert (activity.country, activity.region, activity.district, activity.online) == (
        "PE", "lima", "Rímac", False)
    assert activity.expected == 40 and activity.submitted_at is not None
    assert await state_of(bot, leader.id) is None
    staff = texts(calls, STAFF_CHAT_ID)
    assert staff and staff[0].startswith("Nueva actividad esperando revisión")  # default: es


async def test_picking_the_date_with_buttons_and_an_online_place(bot):
    clock = set_clock(bot)
    leader = await as_role(bot, LEADER, Role.LEADER)
    aid = await start_registration(leader, bot, title="Campaña en redes")
    await tap(leader, "act.kind", aid, "campaign")
    await tap(leader, "act.path", aid, "children")
    today = clock.now.astimezone(ZoneInfo("America/Lima")).date()
    calls = await tap(leader, "act.day", aid, today.strftime("%Y%m%d"))
    # 10:00 in Lima now: only later hours are offered today
    hours = [label for label in labels(calls) if ":" in label]
    assert hours[0] == "11:00" and hours[-1] == "21:00"
    calls = await tap(leader, "act.hour", aid, "20261203", 18)
    assert texts(calls)[0].startswith(PROMPTS["es"]["end"])
    calls = await tap(leader, "act.endin", aid, 2)
    assert "¿Dónde es?" in texts(calls)[0]
    # after a picked day, typing only the time is enough; the end moves with the start
    await tap(leader, "act.go", aid, "when")
    await tap(leader, "act.day", aid, "20261204")
    calls = await leader.send("17:30")
    assert "¿Dónde es?" in texts(calls)[0]
    draft = await draft_of(bot, leader.id)
    assert draft.starts_at == datetime(2026, 12, 4, 22, 30, tzinfo=UTC)
    assert draft.ends_at == datetime(2026, 12, 5, 0, 30, tzinfo=UTC)
    calls = await tap(leader, "act.online", aid)
    assert texts(calls)[0].startswith("¿Cuál es el enlace para participar")
    for bad in ("meet.example.org/x", "http://meet.example.org/x", "https://", "https://x y.org",
                "javascript:alert(1)"):
        calls = await leader.send(bad)
        assert texts(calls)[0].startswith("Eso no parece un enlace seguro."), bad
    assert (await draft_of(bot, leader.id)).online_link is None
    await leader.send("https://meet.example.org/campana")
    await leader.send("Hacemos videos cortos para compartir en redes.")
    await leader.send("Colectivo Voces")
    await tap(leader, "act.exp", aid, 30)
    draft = await draft_of(bot, leader.id)
    assert (draft.online, draft.region, draft.expected) == (True, None, 30)
    assert draft.online_link == "https://meet.example.org/campana"
    # forged picker data: a day beyond the picker, an hour outside it, a region that is not one
    for data in (callbacks.pack("act.day", aid, "20270101"),
                 callbacks.pack("act.hour", aid, "20261203", 3),
                 callbacks.pack("act.region", aid, "PE", "atlantis"),
                 callbacks.pack("act.exp", aid, 0)):
        calls = await leader.press_data(data)
        assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert (await draft_of(bot, leader.id)).expected == 30


async def test_back_cancel_and_resume_or_discard_the_draft(bot):
    set_clock(bot)
    leader = await as_role(bot, LEADER, Role.LEADER)
    aid = await start_registration(leader, bot, title="Diálogo con el municipio")
    await tap(leader, "act.kind", aid, "dialogue")
    calls = await leader.press("⬅️ Volver")
    assert texts(calls)[0].startswith("¿Qué tipo de actividad es?")
    await tap(leader, "act.kind", aid, "dialogue")
    calls = await leader.press("✖️ Cancelar")
    assert texts(calls)[0].startswith("Pausado. Tu borrador quedó guardado")
    assert await state_of(bot, leader.id) is None
    assert (await draft_of(bot, leader.id)).draft_step == "pathway"

    calls = await leader.press(action="act.menu")
    calls = await leader.press(action="act.new")
    assert "Tienes una actividad sin terminar: “Diálogo con el municipio”" in texts(calls)[0]
    calls = await leader.press("▶️ Continuar")
    assert texts(calls)[0].startswith(PROMPTS["es"]["pathway"])

    # /cancel and /menu clear the conversation, never the draft (and /cancel says so)
    calls = await leader.send("/cancel")
    assert texts(calls)[0].startswith("Cancelado. Lo que ingresaste hasta ahora quedó guardado")
    assert await state_of(bot, leader.id) is None
    await leader.send("/menu")
    await leader.press(action="act.menu")
    await leader.press(action="act.new")
    calls = await leader.press("🗑 Descartar y empezar de nuevo")
    assert texts(calls)[0].startswith("¿Cómo se llama la actividad?")
    async with bot.db.session() as session:  # no empty draft: the next one starts with a title
        assert await session.scalar(select(func.count()).select_from(Activity)) == 0
    await leader.send("Mural en la plaza")
    await leader.press("✖️ Cancelar")
    calls = await leader.press("🗑 Descartar borrador")
    assert texts(calls)[0] == "El borrador se descartó."
    async with bot.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Activity)) == 0


async def test_a_draft_survives_a_restart_and_is_resumed(bot, settings):
    set_clock(bot)
    leader = await as_role(bot, LEADER, Role.LEADER)
    aid = await start_registration(leader, bot, title="Feria comunitaria")
    await tap(leader, "act.kind", aid, "community")
    await tap(leader, "act.path", aid, "community")

    # a new process on the same database (the first one handles nothing more)
    again = await restart(bot, settings)
    try:
        same = again.person(LEADER)
        # the conversation state survived: the typed date goes to the date step
        calls = await same.send("25/12/2026 16:00")
        assert texts(calls)[0].startswith(PROMPTS["es"]["end"])
        calls = await same.send("19:00")
        assert texts(calls)[0].startswith("¿Dónde es? Elige la región en Perú")
        # and after /menu, "register" offers the draft, which resumes where it was left
        await same.send("/menu")
        await same.press(action="act.menu")
        calls = await same.press(action="act.new")
        assert "“Feria comunitaria”" in texts(calls)[0]
        calls = await same.press("▶️ Continuar")
        assert texts(calls)[0].startswith("¿Dónde es? Elige la región en Perú")
        await tap(same, "act.region", aid, "PE", "puno")
        await tap(same, "act.district", aid, 1)
        await same.send("Coliseo municipal")
        await same.send("Una feria con juegos y música sobre los derechos.")
        await same.send("Jóvenes de Juliaca")
        await same.send("120")
        await tap(same, "act.submit", aid)
    finally:
        await stop(again)
    activity = await read_activity(bot, aid)
    assert (activity.status, activity.region, activity.district, activity.expected) == (
        "pending", "puno", "Juliaca", 120)


FORM_LEFT = (
    "Hace un rato dejaste un formulario sin terminar, así que no tomé este mensaje como una "
    "respuesta. Lo que ya estaba guardado se mantiene: una actividad sin terminar te espera en "
    "📅 Actividades → ➕ Registrar una actividad."
)


async def test_text_half_a_day_after_a_form_was_left_is_not_taken_as_its_answer(bot):
    clock = set_clock(bot)
    leader = await as_role(bot, LEADER, Role.LEADER)
    await start_registration(leader, bot, title=None)
    # Within 12 hours typed text still answers; every answer, even a wrong one, restarts them.
    clock.now += timedelta(hours=11)
    await expect_error(bot, leader, "ab", ERRORS["es"]["title_short"], step="title", field="title")
    clock.now += timedelta(hours=11)
    await leader.send("Feria comunitaria")
    aid = (await draft_of(bot, leader.id)).id
    await tap(leader, "act.kind", aid, "community")
    await tap(leader, "act.path", aid, "community")
    assert await state_of(bot, leader.id) == ("activity", "when")

    # The next day: "qué tal" is not the date, and nothing of the draft changes.
    clock.now += timedelta(hours=12, minutes=1)
    calls = await leader.send("qué tal")
    assert texts(calls) == [FORM_LEFT, "¿Qué te gustaría hacer?"]
    assert "📅 Actividades" in labels(calls)
    assert await state_of(bot, leader.id) is None
    draft = await draft_of(bot, leader.id)
    assert (draft.id, draft.title, draft.draft_step, draft.starts_at) == (
        aid, "Feria comunitaria", "when", None)
    # the next text gets the usual answer, and the draft goes on from where it was left
    calls = await leader.send("25/12/2026 16:00")
    assert texts(calls)[0].startswith("Perdona, no entendí eso.")
    await leader.press(action="act.menu")
    calls = await leader.press(action="act.new")
    assert "“Feria comunitaria”" in texts(calls)[0]
    await leader.press("▶️ Continuar")
    calls = await leader.send("25/12/2026 16:00")
    assert texts(calls)[0].startswith(PROMPTS["es"]["end"])


async def test_moderators_send_back_and_approve_and_leaders_are_told_in_their_language(bot):
    set_clock(bot)
    leader = await as_role(bot, LEADER_EN, Role.LEADER)
    aid = await register_activity(leader, bot, title="Talk at school")
    moderator = await as_role(bot, MODERATOR, Role.MODERATOR)
    await moderator.send("/menu")
    calls = await moderator.press(action="act.menu")
    assert "🛂 Revisar pendientes (1)" in labels(calls)
    calls = await moderator.press(action="act.review")
    assert "Esperando revisión: 1" in texts(calls)[0] and "Talk at school" in texts(calls)[0]

    await moderator.press("↩️ Devolver")
    calls = await moderator.send("no")
    assert texts(calls)[0].startswith("Escribe un motivo que ayude a quien organiza")
    assert (await read_activity(bot, aid)).status == "pending"
    calls = await moderator.send("Por favor indica el nombre del colegio.")
    assert texts(calls, moderator.id)[0] == "Devuelta. Ya le avisamos a quien la organiza."
    told = texts(calls, LEADER_EN.id)[0]
    assert told.startswith("Your activity “Talk at school” was sent back by a moderator.")
    assert "Por favor indica el nombre del colegio." in told
    activity = await read_activity(bot, aid)
    assert (activity.status, activity.review_note, activity.reviewed_by) == (
        "returned", "Por favor indica el nombre del colegio.", MODERATOR.id)

    # the leader opens it from the message, changes the title and sends it again
    calls = await leader.press("Open the activity")
    assert "Moderator's note: Por favor indica el nombre del colegio." in texts(calls)[0]
    await leader.press("✏️ Change")
    await leader.press("✏️ Title")
    calls = await leader.send("Talk at Colegio San Martín")
    assert texts(calls)[0].startswith("Saved.\n\n")
    await leader.press("📤 Send for review again")
    assert (await read_activity(bot, aid)).status == "pending"

    await moderator.send("/menu")
    await moderator.press(action="act.menu")
    await moderator.press(action="act.review")
    calls = await moderator.press("✅ Aprobar")
    assert texts(calls, moderator.id)[0].startswith("Aprobada. Ya le avisamos")
    assert texts(calls, LEADER_EN.id)[0].startswith(
        "Good news! Your activity “Talk at Colegio San Martín” on 25 Dec, 16:00 was approved.")
    assert (await read_activity(bot, aid)).status == "approved"
    # a second moderator pressing an old button changes nothing
    calls = await moderator.press_data(callbacks.pack("act.sendback", aid))
    assert calls[0].params["text"] == "Otra persona ya revisó esta actividad."
    assert (await read_activity(bot, aid)).status == "approved"


async def test_editing_an_approved_activity_sends_it_back_to_review(bot):
    set_clock(bot)
    leader = await as_role(bot, LEADER, Role.LEADER)
    aid = await register_activity(leader, bot)
    await approve(bot, aid)
    await leader.press_data(callbacks.pack("act.edit", aid))
    await leader.press("✏️ Lugar")
    calls = await tap(leader, "act.region", aid, "PE", "loreto")
    assert texts(calls, STAFF_CHAT_ID)[0].startswith("Se cambió una actividad aprobada")
    calls = await tap(leader, "act.district", aid, -1)
    assert texts(calls)[0].startswith("Guardado. Alguien del equipo de moderación la revisará")
    assert texts(calls, STAFF_CHAT_ID) == []  # told once
    activity = await read_activity(bot, aid)
    assert (activity.status, activity.region, activity.district) == ("pending", "loreto", None)


async def snapshot(bot, activity_id: int) -> dict:
    activity = await read_activity(bot, activity_id)
    return {c.name: getattr(activity, c.name) for c in Activity.__table__.columns}


async def test_another_leader_cannot_edit_cancel_or_report_it(bot):
    set_clock(bot)
    owner = await as_role(bot, LEADER, Role.LEADER)
    aid = await register_activity(owner, bot)
    before = await snapshot(bot, aid)
    other = await as_role(bot, LEADER_EN, Role.LEADER)
    forged = [
        callbacks.pack("act.kind", aid, "campaign"),
        callbacks.pack("act.path", aid, "government"),
        callbacks.pack("act.region", aid, "PE", "puno"),
        callbacks.pack("act.online", aid),
        callbacks.pack("act.exp", aid, 99),
        callbacks.pack("act.hour", aid, "20261205", 12),
        callbacks.pack("act.go", aid, "title"),
        callbacks.pack("act.edit", aid),
        callbacks.pack("act.open", aid),
        callbacks.pack("act.submit", aid),
        callbacks.pack("act.discard", aid, 0),
        callbacks.pack("act.cancel", aid),
        callbacks.pack("act.cancelyes", aid),
        callbacks.pack("act.rep", aid),
    ]
    for data in forged:
        calls = await other.press_data(data)
        assert [c.method for c in calls] == ["answerCallbackQuery"], data
        assert calls[0].params["text"] == REFUSED["en"], data
    assert await snapshot(bot, aid) == before
    assert await state_of(bot, LEADER_EN.id) is None
    # and a young person is refused by role before anything is looked up
    young = bot.person(YOUNG)
    await young.onboard()
    calls = await young.press_data(callbacks.pack("act.kind", aid, "campaign"))
    assert calls[0].params["text"] == "Perdona, eso no lo puedes hacer aquí."
    assert await snapshot(bot, aid) == before


async def test_leaders_list_their_activities_and_cancel_one(bot):
    set_clock(bot)
    leader = await as_role(bot, LEADER, Role.LEADER)
    first = await register_activity(leader, bot, title="Primera actividad")
    await register_activity(leader, bot, title="Segunda actividad", when="26/12/2026 10:00")
    await leader.send("/menu")
    await leader.press(action="act.menu")
    calls = await leader.press("🗂 Mis actividades")
    assert texts(calls)[0] == "Tus actividades:"
    assert labels(calls)[:2] == ["26 dic, 10:00 · Segunda actividad · esperando revisión",
                                 "25 dic, 16:00 · Primera actividad · esperando revisión"]
    calls = await tap(leader, "act.open", first)
    assert "Estado: esperando revisión" in texts(calls)[0]
    assert "Se unieron 0 personas." in texts(calls)[0]
    await leader.press("🚫 Cancelar actividad")
    calls = await leader.press("Sí, cancelarla")
    assert texts(calls)[0] == "La actividad fue cancelada."
    assert (await read_activity(bot, first)).status == "cancelled"
    calls = await leader.press_data(callbacks.pack("act.edit", first))
    assert calls[0].params["text"].startswith("Esta actividad ya no se puede cambiar")
