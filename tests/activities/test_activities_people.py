"""Young people browse, join and leave approved activities; leaders report them afterwards;
reminders are sent from the database, also after a restart, once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from activities_support import (
    LEADER_EN,
    approve,
    as_role,
    joins,
    read_activity,
    read_report,
    register_activity,
    restart,
    set_clock,
    stop,
    tap,
)
from harness import FRIEND, LEADER, YOUNG, YOUNG_EN, labels, texts
from sqlalchemy import update

from youthbot.bot.activities.reminders import send_due_reminders
from youthbot.bot.runtime import callbacks
from youthbot.core.people.roles import Role
from youthbot.db.models import User

DETAILS = {
    "es": ["📌 Taller de prevención en el colegio", "Tipo: Taller",
           "De qué trata: chicas y chicos que alzan su voz",
           "📅 viernes, 25 de diciembre de 2026, 16:00 a 18:00",
           "📍 Cercado de Lima, Lima Metropolitana, Perú",
           "🚩 Punto de encuentro: Plaza de Armas, entrada de la municipalidad",
           "👥 Organiza: Red de Jóvenes de San Juan",
           "Aprendemos a reconocer ofertas engañosas y dónde pedir ayuda."],
    "en": ["📌 Taller de prevención en el colegio", "Type: Workshop",
           "What it is about: young people speaking out",
           "📅 Friday, December 25, 2026, 16:00 to 18:00",
           "📍 Cercado de Lima, Lima Metropolitana, Peru",
           "🚩 Meeting point: Plaza de Armas, entrada de la municipalidad",
           "👥 Organised by: Red de Jóvenes de San Juan",
           "Aprendemos a reconocer ofertas engañosas y dónde pedir ayuda."],
}  # fmt: skip
JOINED = {"es": "✅ Te uniste. Te lo recordaré el día anterior y una hora antes.",
          "en": "✅ You have joined. I will remind you the day before and one hour before."}
REMINDER = {
    "es": "⏰ Recordatorio: “Taller de prevención en el colegio” es el viernes, 25 de "
          "diciembre de 2026, 16:00 a 18:00, en Cercado de Lima, Lima Metropolitana, Perú. "
          "¡Nos vemos ahí!\n\n🚩 Punto de encuentro: Plaza de Armas, entrada de la municipalidad",
    "en": "⏰ Reminder: “Taller de prevención en el colegio” is coming up on Friday, December "
          "25, 2026, 16:00 to 18:00, at Cercado de Lima, Lima Metropolitana, Peru. See you "
          "there!\n\n🚩 Meeting point: Plaza de Armas, entrada de la municipalidad",
}


async def approved_activity(bot, **kwargs) -> int:
    """LEADER (onboarded the first time) registers an activity and a moderator approves it."""
    async with bot.db.session() as session:
        known = await session.get(User, LEADER.id)
    leader = bot.person(LEADER) if known else await as_role(bot, LEADER, Role.LEADER)
    activity_id = await register_activity(leader, bot, **kwargs)
    await approve(bot, activity_id)
    return activity_id


@pytest.mark.parametrize("persona", [YOUNG, YOUNG_EN], ids=["es", "en"])
async def test_browse_by_region_see_join_and_leave(bot, persona):
    lang = persona.language_code
    set_clock(bot)
    aid = await approved_activity(bot)
    online = await approved_activity(bot, title="Charla en línea", place=None)
    pending = await register_activity(bot.person(LEADER), bot, title="Todavía no aprobada",
                                      place=("PE", "puno"))
    young = bot.person(persona)
    await young.onboard()
    await young.send("/menu")
    calls = await young.press(action="act.menu")
    assert len(labels(calls)) == 4  # browse, joined, menu, help: nothing for leaders
    calls = await young.press(action="act.browse")
    online_label = {"es": "💻 En línea (1)", "en": "💻 Online (1)"}[lang]
    assert labels(calls) == ["Lima Metropolitana (1)", online_label, labels(calls)[-1]]
    calls = await young.press("Lima Metropolitana (1)")
    assert labels(calls)[0] == "25 " + {"es": "dic", "en": "Dec"}[lang] + \
        ", 16:00 · Taller de prevención en el colegio"
    calls = await tap(young, "act.see", aid)
    shown = texts(calls)[0]
    for line in DETAILS[lang]:
        assert line in shown
    assert str(LEADER.id) not in shown and LEADER.first_name not in shown

    calls = await young.press(action="act.join")
    assert JOINED[lang] in texts(calls)[0]
    assert await joins(bot) == [(aid, persona.id)]
    not_going = {"es": "Ya no voy a ir", "en": "I'm not going any more"}[lang]
    assert not_going in labels(calls)
    for label in labels(calls):  # nothing that reads like the quick exit
        assert not any(w in label.lower() for w in ("salir", "salida", "exit", "leave"))
    calls = await young.press(not_going)
    assert {"es": "Listo: ya no estás en la lista de esta actividad.",
            "en": "Done: you are no longer signed up for it."}[lang] == calls[0].params["text"]
    assert await joins(bot) == []
    await tap(young, "act.join", aid)
    await young.press_data(callbacks.pack("act.join", aid))  # an old button: still one
    assert await joins(bot) == [(aid, persona.id)]

    await young.send("/menu")
    await young.press(action="act.menu")
    calls = await young.press(action="act.joined")
    joined = [label for label in labels(calls) if "·" in label]
    assert len(joined) == 1 and "Taller de prevención" in joined[0]

    # the leader sees how many joined, not who
    leader = bot.person(LEADER)
    calls = await leader.press_data(callbacks.pack("act.open", aid))
    assert "Se unió 1 persona." in texts(calls)[0]
    assert persona.first_name not in texts(calls)[0] and str(persona.id) not in texts(calls)[0]

    # not approved and online ones are not in Lima; forged joins change nothing
    for forged in (pending, 9999):
        calls = await young.press_data(callbacks.pack("act.join", forged))
        assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert await joins(bot) == [(aid, persona.id)]
    assert online != aid


async def test_anonymous_people_can_browse_but_not_join(bot):
    set_clock(bot)
    aid = await approved_activity(bot)
    child = bot.person(FRIEND)
    await child.onboard(age_band="u14")
    calls = await child.press_data(callbacks.pack("act.see", aid))
    shown = texts(calls)[0]
    assert "Taller de prevención en el colegio" in shown
    assert "Para unirte por el bot tendríamos que guardar que te uniste" in shown
    assert not any("Unirme" in label for label in labels(calls))
    calls = await child.press_data(callbacks.pack("act.join", aid))
    assert calls[0].params["text"].startswith("Para unirte por el bot")
    assert await joins(bot) == []


async def test_cancelling_tells_everyone_who_joined_in_their_language(bot):
    set_clock(bot)
    aid = await approved_activity(bot)
    for persona in (YOUNG, YOUNG_EN):
        person = bot.person(persona)
        await person.onboard()
        await person.press_data(callbacks.pack("act.join", aid))
    leader = bot.person(LEADER)
    await leader.press_data(callbacks.pack("act.cancel", aid))
    calls = await leader.press("Sí, cancelarla")
    assert texts(calls, YOUNG.id) == [
        "Lo sentimos: quienes organizan la actividad “Taller de prevención en el colegio” del "
        "25 dic, 16:00 la cancelaron."]
    assert texts(calls, YOUNG_EN.id) == [
        "Sorry: the activity “Taller de prevención en el colegio” on 25 Dec, 16:00 has been "
        "cancelled by its organisers."]
    young = bot.person(YOUNG)
    calls = await young.press_data(callbacks.pack("act.browse"))
    assert texts(calls)[0] == "Todavía no hay actividades próximas. ¡Vuelve pronto!"


COUNT_ERRORS = {
    "es": {
        "5 3": "Escribe exactamente tres números separados por espacios",
        "5 x 0": "Usa solo cifras, por ejemplo: 5 3 0",
        "5.5 1 0": "Escribe números enteros, sin decimales",
        "5001 0 0": "Cada número debe estar entre 0 y 5.000.",
        "-1 0 0": "Cada número debe estar entre 0 y 5.000.",
    },
    "en": {
        "5 3": "Please write exactly three numbers separated by spaces",
        "5 x 0": "Please use digits only, for example: 5 3 0",
        "5.5 1 0": "Please write whole numbers, without decimals",
        "5001 0 0": "Each number must be between 0 and 5,000.",
        "-1 0 0": "Each number must be between 0 and 5,000.",
    },
}
THANKS = {"es": "¡Gracias por reportar! Participaron 13 personas.",
          "en": "Thank you for reporting! 13 people took part."}


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_the_report_after_the_activity(bot, lang):
    clock = set_clock(bot)
    persona = LEADER if lang == "es" else LEADER_EN
    leader = await as_role(bot, persona, Role.LEADER)
    aid = await register_activity(leader, bot)
    await approve(bot, aid)
    calls = await leader.press_data(callbacks.pack("act.rep", aid))
    assert calls[0].params["text"].startswith(
        {"es": "Esta actividad no se puede reportar ahora", "en": "This activity cannot"}[lang])
    assert await read_report(bot, aid) is None

    clock.now = datetime(2026, 12, 26, 15, 0, tzinfo=UTC)
    calls = await leader.press_data(callbacks.pack("act.open", aid))
    calls = await leader.press(action="act.rep")
    assert {"es": "grupo de edad 1 de 4", "en": "age group 1 of 4"}[lang] in texts(calls)[0]
    for text, error in COUNT_ERRORS[lang].items():
        calls = await leader.send(text)
        assert texts(calls)[0].startswith(error), text
        assert (await read_report(bot, aid)).under12_female is None
    calls = await leader.send("5 3 0")
    assert {"es": "grupo de edad 2 de 4", "en": "age group 2 of 4"}[lang] in texts(calls)[0]
    await leader.press(action="act.rzero")  # nobody aged 12 to 17
    await leader.send("2, 2, 1")
    await leader.send("0 0 0")
    calls = await leader.send("ok")
    assert texts(calls)[0].startswith({"es": "Cuéntanos un poco más",
                                       "en": "Please tell us a little more"}[lang])
    calls = await leader.send("Hablamos de los derechos y de dónde pedir ayuda.")
    calls = await leader.send_update({"photo": [
        {"file_id": "small-id", "file_unique_id": "s", "width": 90, "height": 90},
        {"file_id": "photo-file-id", "file_unique_id": "p", "width": 800, "height": 800},
    ]})
    assert labels(calls)[:2] == {"es": ["Sí, todas aceptaron", "No, o no lo tengo claro"],
                                 "en": ["Yes, everyone agreed", "No, or I am not sure"]}[lang]
    calls = await tap(leader, "act.rconsent", aid, 1)
    summary = texts(calls)[0]
    assert {"es": "Total: 13", "en": "Total: 13"}[lang] in summary
    assert {"es": "Menos de 12: niñas/mujeres 5, niños/hombres 3, otro 0",
            "en": "Under 12: girls/women 5, boys/men 3, other 0"}[lang] in summary
    assert (await read_report(bot, aid)).submitted_at is None  # not counted until sent
    calls = await leader.press(action="act.rsend")
    assert texts(calls)[0] == THANKS[lang]
    report = await read_report(bot, aid)
    assert (report.under12_female, report.under12_male, report.under12_other) == (5, 3, 0)
    assert (report.age12_17_female, report.age18_25_female, report.age18_25_other) == (0, 2, 1)
    assert (report.adults_female, report.adults_male) == (0, 0)
    assert report.photo_file_id == "photo-file-id" and report.photo_consent is True
    assert report.description == "Hablamos de los derechos y de dónde pedir ayuda."
    assert report.submitted_at == clock.now and report.reporter_id == persona.id
    calls = await leader.press_data(callbacks.pack("act.rep", aid))  # only once
    assert [c.method for c in calls] == ["answerCallbackQuery"]


async def test_a_report_needs_somebody_and_a_photo_needs_everyones_agreement(bot):
    clock = set_clock(bot)
    leader = await as_role(bot, LEADER, Role.LEADER)
    aid = await register_activity(leader, bot)
    clock.now = datetime(2026, 12, 26, 15, 0, tzinfo=UTC)
    await leader.press_data(callbacks.pack("act.rep", aid))  # pending activities too
    for _band in range(3):
        await leader.press(action="act.rzero")
    calls = await leader.send("0 0 0")
    assert texts(calls)[0].startswith("Todavía no hay nadie contado")
    calls = await leader.press(action="act.rzero")
    assert calls[0].params["text"].startswith("Todavía no hay nadie contado")
    assert (await read_report(bot, aid)).adults_female is None
    await leader.send("1 0 0")
    await leader.send("Una reunión pequeña con las familias.")
    calls = await leader.send("no tengo")
    assert texts(calls)[0].startswith("Envía una foto, o toca Omitir.")
    await leader.send_update({"photo": [
        {"file_id": "photo-file-id", "file_unique_id": "p", "width": 800, "height": 800}]})
    calls = await tap(leader, "act.rconsent", aid, 0)
    assert calls[0].params["text"] == "No guardamos la foto."
    assert (await read_report(bot, aid)).photo_file_id is None
    assert "Foto: ninguna." in texts(calls)[0]

    # stopped half-way, the report waits in the database
    await leader.press("✖️ Cancelar")
    calls = await leader.press_data(callbacks.pack("act.rep", aid))
    assert texts(calls)[0].startswith("Revisa tu reporte")
    await leader.press(action="act.rsend")
    assert (await read_report(bot, aid)).submitted_at is not None


async def test_reminders_are_rebuilt_from_the_database_after_a_restart(bot, settings):
    clock = set_clock(bot)
    aid = await approved_activity(bot)
    for persona in (YOUNG, YOUNG_EN, FRIEND):
        person = bot.person(persona)
        await person.onboard()
        await person.press_data(callbacks.pack("act.join", aid))
    async with bot.db.session() as session:  # the settings toggle (another feature's)
        await session.execute(update(User).where(User.id == FRIEND.id)
                              .values(notify_reminders=False))
    assert await send_due_reminders(bot.app) == 0  # nothing is due three weeks ahead

    again = await restart(bot, settings)
    try:
        clock.now = datetime(2026, 12, 25, 2, 0, tzinfo=UTC)  # 19 hours before
        assert await send_due_reminders(again.app) == 2
        sent = again.api.calls
        assert texts(sent, YOUNG.id) == [REMINDER["es"]]
        assert texts(sent, YOUNG_EN.id) == [REMINDER["en"]]
        assert texts(sent, FRIEND.id) == []  # reminders turned off
        assert await send_due_reminders(again.app) == 0  # never twice

        clock.now = datetime(2026, 12, 26, 22, 0, tzinfo=UTC)  # the day after, no report
        assert await send_due_reminders(again.app) == 1
        told = texts(again.api.calls, LEADER.id)
        assert told == ["📝 ¿Cómo les fue con “Taller de prevención en el colegio”? Cuéntanos "
                        "cuántas personas participaron y qué pasó. Toma dos minutos."]
        assert await send_due_reminders(again.app) == 0
        # the reminder's button opens the report
        leader = again.person(LEADER)
        calls = await leader.press("📝 Reportar ahora")
        assert "grupo de edad 1 de 4" in texts(calls)[0]
    finally:
        await stop(again)
    assert (await read_activity(bot, aid)).report_reminded_at is not None


async def test_joining_within_a_day_needs_no_reminder_and_the_job_is_scheduled(bot):
    clock = set_clock(bot, datetime(2026, 12, 25, 1, 0, tzinfo=UTC))
    aid = await approved_activity(bot)
    young = bot.person(YOUNG)
    await young.onboard()
    await young.press_data(callbacks.pack("act.join", aid))
    clock.now = datetime(2026, 12, 25, 2, 0, tzinfo=UTC)
    assert await send_due_reminders(bot.app) == 0
    jobs = bot.app.job_queue.get_jobs_by_name("activity-reminders")
    assert len(jobs) == 1
