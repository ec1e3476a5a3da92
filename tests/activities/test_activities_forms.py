"""The leader's forms (issue 19): an activity that did not take place, a surprising total asked
about before sending, numbers with thousands separators, no empty drafts, /cancel saying what
was kept, and edits young people never see keeping an activity published."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from activities_support import (
    LEADERS,
    approve,
    as_role,
    draft_of,
    read_activity,
    read_report,
    register_activity,
    set_clock,
    start_registration,
    tap,
)
from harness import STAFF_CHAT_ID, labels, texts
from sqlalchemy import func, select

from youthbot.bot.runtime import callbacks
from youthbot.core.activities.reports import COUNT_COLUMNS
from youthbot.core.people.roles import Role
from youthbot.db.models import Activity

AFTER = datetime(2026, 12, 26, 15, 0, tzinfo=UTC)  # the day after the activity
NOT_HELD = {"es": "🚫 No se realizó", "en": "🚫 It did not take place"}


async def leader_with_activity(bot, lang, **kwargs):
    clock = set_clock(bot)
    leader = await as_role(bot, LEADERS[lang], Role.LEADER)
    aid = await register_activity(leader, bot, **kwargs)
    await approve(bot, aid)
    return clock, leader, aid


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_an_activity_that_did_not_take_place_is_reported_with_a_reason(bot, lang):
    clock, leader, aid = await leader_with_activity(bot, lang)
    clock.now = AFTER  # it has started: it can no longer be cancelled, but reported
    calls = await leader.press_data(callbacks.pack("act.open", aid))
    assert NOT_HELD[lang] in labels(calls)
    calls = await leader.press(NOT_HELD[lang])
    assert texts(calls)[0].startswith({"es": "Qué pena que no se pudo.",
                                       "en": "Sorry it did not work out."}[lang])
    calls = await leader.send("no")
    assert texts(calls)[0].startswith({"es": "Cuéntanos en pocas palabras por qué no se",
                                       "en": "Please say in a few words why it did not"}[lang])
    assert (await read_report(bot, aid)).submitted_at is None
    calls = await leader.send("Llovió muy fuerte y el local estaba cerrado.")
    assert texts(calls)[0] == {
        "es": "Gracias por contarnos. “Taller de prevención en el colegio” quedó registrada "
              "como no realizada, con tu motivo.",
        "en": "Thank you for telling us. “Taller de prevención en el colegio” is recorded as "
              "not having taken place, with your reason.",
    }[lang]
    report = await read_report(bot, aid)
    assert report.not_held is True and report.submitted_at == AFTER
    assert report.not_held_reason == "Llovió muy fuerte y el local estaba cerrado."
    assert all(getattr(report, column) == 0 for column in COUNT_COLUMNS)
    calls = await leader.press_data(callbacks.pack("act.rep", aid))  # final
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    calls = await leader.press_data(callbacks.pack("act.open", aid))
    assert {"es": "No se realizó: Llovió muy fuerte y el local estaba cerrado.",
            "en": "It did not take place: Llovió muy fuerte y el local estaba cerrado."}[lang] in (
        texts(calls)[0])
    assert NOT_HELD[lang] not in labels(calls)


async def test_not_held_is_offered_on_the_first_report_step_too(bot):
    clock, leader, aid = await leader_with_activity(bot, "es")
    clock.now = AFTER
    calls = await leader.press_data(callbacks.pack("act.rep", aid))
    assert NOT_HELD["es"] in labels(calls)
    await leader.press(NOT_HELD["es"])
    calls = await tap(leader, "act.rgo", aid, "under12")  # Back: changed their mind
    assert "grupo de edad 1 de 4" in texts(calls)[0]


ASK = {"es": "¿Participaron 89 personas? Esperabas 30.",
       "en": "Did 89 people take part? You expected 30."}
SURE = {"es": "✅ Sí, son 89", "en": "✅ Yes, 89 is right"}
CORRECT = {"es": "✏️ No, corregir los números", "en": "✏️ No, correct the numbers"}


async def fill_report(leader, bands: list[str]) -> list:
    for band in bands:
        await leader.send(band)
    await leader.send("Hablamos de los derechos y de dónde pedir ayuda.")
    return await leader.press(action="act.rgo")  # skip the photo


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_a_surprising_total_is_asked_about_before_it_is_sent(bot, lang):
    clock, leader, aid = await leader_with_activity(bot, lang, expected="30")
    clock.now = AFTER
    await leader.press_data(callbacks.pack("act.rep", aid))
    await fill_report(leader, ["40 30 0", "10 9 0", "0 0 0", "0 0 0"])
    calls = await leader.press(action="act.rsend")
    assert texts(calls) == [ASK[lang]]
    assert labels(calls) == [SURE[lang], CORRECT[lang]]
    assert (await read_report(bot, aid)).submitted_at is None  # nothing saved yet

    calls = await leader.press(CORRECT[lang])
    assert {"es": "grupo de edad 1 de 4", "en": "age group 1 of 4"}[lang] in texts(calls)[0]
    await leader.send("4 3 0")  # the real numbers
    await leader.press(action="act.rzero")
    await leader.press(action="act.rzero")
    await leader.press(action="act.rzero")
    await leader.send("Hablamos de los derechos y de dónde pedir ayuda.")
    await leader.press(action="act.rgo")
    calls = await leader.press(action="act.rsend")  # 7 of 30: no question
    assert texts(calls)[0].startswith({"es": "¡Gracias por reportar!",
                                       "en": "Thank you for reporting!"}[lang])
    assert (await read_report(bot, aid)).under12_female == 4


async def test_a_surprising_total_can_be_confirmed(bot):
    clock, leader, aid = await leader_with_activity(bot, "es", expected="30")
    clock.now = AFTER
    await leader.press_data(callbacks.pack("act.rep", aid))
    await fill_report(leader, ["40 30 0", "10 9 0", "0 0 0", "0 0 0"])
    await leader.press(action="act.rsend")
    calls = await leader.press(SURE["es"])
    assert texts(calls)[0] == "¡Gracias por reportar! Participaron 89 personas."
    assert (await read_report(bot, aid)).submitted_at == AFTER


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("typed", ["1.000", "1,000", "1 000", "1\u00a0000"])
async def test_numbers_with_thousands_separators(bot, lang, typed):
    set_clock(bot)
    leader = await as_role(bot, LEADERS[lang], Role.LEADER)
    aid = await register_activity(leader, bot, expected=typed, submit=False)
    assert (await draft_of(bot, leader.id)).expected == 1000
    # and still refused: a decimal, a badly grouped number
    for bad in ("2.5", "1.00", "10.0000"):
        await tap(leader, "act.go", aid, "expected")
        calls = await leader.send(bad)
        assert {"es": "Escribe", "en": "Please write"}[lang] in texts(calls)[0], bad
    assert (await draft_of(bot, leader.id)).expected == 1000


async def test_report_counts_with_thousands_separators(bot):
    clock, leader, aid = await leader_with_activity(bot, "es", expected="2.000")
    clock.now = AFTER
    await leader.press_data(callbacks.pack("act.rep", aid))
    await fill_report(leader, ["1.000 800 0", "0 0 0", "0 0 0", "0 0 0"])
    calls = await leader.press(action="act.rsend")
    assert texts(calls)[0] == "¡Gracias por reportar! Participaron 1.800 personas."
    assert (await read_report(bot, aid)).under12_female == 1000


async def activity_count(bot) -> int:
    async with bot.db.session() as session:
        return await session.scalar(select(func.count()).select_from(Activity))


CANCELLED = {
    "es": ("Cancelado. No se guardó nada.",
           "Cancelado. Lo que ingresaste hasta ahora quedó guardado: abre 📅 Actividades → "
           "“Registrar una actividad” para continuar un borrador o descartarlo.",
           "Cancelado. Tu reporte quedó guardado hasta donde llegaste: toca “Reportar cómo fue” "
           "en la actividad para continuar."),
    "en": ("Cancelled. Nothing was saved.",
           "Cancelled. What you entered so far is saved: open 📅 Activities → “Register an "
           "activity” to continue a draft or discard it.",
           "Cancelled. Your report so far is saved: press “Report how it went” on the activity "
           "to continue."),
}


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_no_empty_drafts_and_cancel_says_what_was_kept(bot, lang):
    set_clock(bot)
    leader = await as_role(bot, LEADERS[lang], Role.LEADER)
    command = {"es": "/cancelar", "en": "/cancel"}[lang]
    # Register, then Back: nothing is left behind
    await start_registration(leader, bot, title=None)
    await leader.press({"es": "⬅️ Volver", "en": "⬅️ Back"}[lang])
    assert await activity_count(bot) == 0
    # Register, then /cancel: nothing kept, and it says so
    await start_registration(leader, bot, title=None)
    calls = await leader.send(command)
    assert texts(calls)[0] == CANCELLED[lang][0]
    assert await activity_count(bot) == 0
    # Register, Cancel: "nothing was saved"
    await start_registration(leader, bot, title=None)
    calls = await leader.press({"es": "✖️ Cancelar", "en": "✖️ Cancel"}[lang])
    assert texts(calls)[0] == {"es": "Pausado. No se guardó nada.",
                               "en": "Stopped. Nothing was saved."}[lang]
    assert await activity_count(bot) == 0
    # with a title the draft exists, and /cancel says it was kept
    aid = await start_registration(leader, bot)
    calls = await leader.send(command)
    assert texts(calls)[0] == CANCELLED[lang][1]
    assert (await read_activity(bot, aid)).title == "Taller de prevención en el colegio"


async def test_cancel_in_a_report_says_it_was_kept(bot):
    for lang in ("es", "en"):
        clock, leader, aid = await leader_with_activity(bot, lang)
        clock.now = AFTER
        await leader.press_data(callbacks.pack("act.rep", aid))
        await leader.send("5 3 0")
        calls = await leader.send("/cancel")
        assert texts(calls)[0] == CANCELLED[lang][2]
        assert (await read_report(bot, aid)).under12_female == 5


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_editing_what_young_people_never_see_keeps_it_published(bot, lang):
    clock, leader, aid = await leader_with_activity(bot, lang)
    await leader.press_data(callbacks.pack("act.edit", aid))
    calls = await tap(leader, "act.go", aid, "expected")
    calls = await leader.send("1.200")
    assert texts(calls)[0].startswith({"es": "Guardado.", "en": "Saved."}[lang])
    assert texts(calls, STAFF_CHAT_ID) == []
    activity = await read_activity(bot, aid)
    assert (activity.status, activity.expected) == ("approved", 1200)
    # the meeting point is seen: that goes back to review, and staff are told
    await tap(leader, "act.go", aid, "venue")
    calls = await leader.send("Parque Kennedy, junto a la glorieta")
    assert texts(calls, STAFF_CHAT_ID)
    activity = await read_activity(bot, aid)
    assert (activity.status, activity.venue) == ("pending", "Parque Kennedy, junto a la glorieta")


async def test_switching_to_online_asks_for_the_link(bot):
    clock, leader, aid = await leader_with_activity(bot, "es")
    await leader.press_data(callbacks.pack("act.edit", aid))
    await tap(leader, "act.go", aid, "place")
    calls = await tap(leader, "act.online", aid)
    assert texts(calls, leader.id)[0].startswith("¿Cuál es el enlace para participar")
    await leader.send("https://meet.example.org/nuevo")
    activity = await read_activity(bot, aid)
    assert (activity.online, activity.venue, activity.online_link) == (
        True, None, "https://meet.example.org/nuevo")
