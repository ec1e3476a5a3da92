"""Emergency lines that cannot disappear: with every review date past, someone in danger still
sees numbers (in order, the crisis line for suicide), staff are alerted 30, 7 and 1 days before
and every day after (once each, across restarts), admins re-vet and suspend from Telegram
(audited, never the last line), and `content check` fails or warns."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from factories import make_service
from harness import ADMIN, STAFF_CHAT_ID, YOUNG, YOUNG_EN, labels, start_harness, texts
from sqlalchemy import select

from youthbot.app import check_content
from youthbot.bot.help.emergency import send_review_alerts
from youthbot.bot.runtime import callbacks
from youthbot.cli import cmd_content_check
from youthbot.config import Settings
from youthbot.core.help.directory import Channel
from youthbot.core.help.directory_file import default_services_path
from youthbot.db.models import AuditEntry, ServiceAlert, ServiceOverride, ServiceReview

PERSONAS = pytest.mark.parametrize("persona", [YOUNG, YOUNG_EN], ids=["es", "en"])
# Far past every shipped review date (2027-05-22, 2027-06-04), 10:00 in Lima.
LATE = datetime(2027, 9, 1, 15, 0, tzinfo=UTC)
DUE = date(2027, 3, 1)

T = {
    "es": {
        "yes": "🚨 Sí, estoy en peligro",
        "numbers": "🚨 Si estás en peligro ahora mismo, llama ya",
        "first": "📞 En una emergencia, llama al 105",
        "no": "No, ahora no",
        "topic": "Me siento mal / salud mental",
        "me": "Para mí",
        "peru": "Perú",
        "not_say": "Prefiero no decirlo",
        "suicide": "me quiero morir",
        "danger": "no me dejan salir",
    },
    "en": {
        "yes": "🚨 Yes, I am in danger",
        "numbers": "🚨 If you are in danger right now, call one of these numbers now",
        "first": "📞 In an emergency, call 105",
        "no": "No, not right now",
        "topic": "Feeling bad / mental health",
        "me": "For me",
        "peru": "Peru",
        "not_say": "I prefer not to say",
        "suicide": "I want to die",
        "danger": "they took my passport",
    },
}


def at(bot, moment: datetime) -> None:
    bot.deps.clock = lambda: moment


def line(id: str, rank: int, number: str, **changes: object):
    """A Peruvian emergency line due for review on DUE."""
    return make_service(id, emergency=True, emergency_rank=rank,
                        channels=(Channel("phone", number),), review_due=DUE, **changes)


def sent_to(calls, chat_id: int) -> list[str]:
    return [c.text for c in calls if c.method == "sendMessage" and c.chat_id == chat_id]


# Never hidden by a passed review date -------------------------------------------------------


@PERSONAS
async def test_in_danger_with_every_review_date_past_still_shows_the_numbers(bot, persona):
    at(bot, LATE)
    lang = persona.language_code
    person = bot.person(persona)
    await person.onboard()
    calls = await person.send("/help")
    assert texts(calls)[0].startswith(T[lang]["first"])  # before anything is asked
    calls = await person.press(T[lang]["yes"])
    shown = texts(calls, persona.id)[0]
    assert shown.startswith(T[lang]["numbers"])
    assert "📞 105" in shown and "📞 100" in shown
    assert shown.index("📞 105") < shown.index("📞 100")


@PERSONAS
async def test_a_danger_word_with_every_review_date_past_still_shows_the_numbers(bot, persona):
    at(bot, LATE)
    lang = persona.language_code
    person = bot.person(persona)
    await person.onboard()
    shown = texts(await person.send(T[lang]["danger"]), persona.id)[0]
    assert "📞 105" in shown and "📞 100" in shown
    assert shown.index("📞 105") < shown.index("📞 100")
    assert "📞 113" not in shown  # the crisis line is for suicide and self-harm


@PERSONAS
async def test_suicide_shows_the_mental_health_line_right_after_the_first(bot, persona):
    at(bot, LATE)  # overdue too: the crisis line is not hidden either
    lang = persona.language_code
    person = bot.person(persona)
    await person.onboard()
    shown = texts(await person.send(T[lang]["suicide"]), persona.id)[0]
    numbers = [part.split()[0] for part in shown.split("📞 ")[1:]]
    assert numbers[:3] == ["105", "113", "100"]


@PERSONAS
async def test_the_mental_health_topic_shows_the_mental_health_line_first(bot, persona):
    at(bot, datetime(2026, 12, 4, 15, 0, tzinfo=UTC))
    lang = persona.language_code
    person = bot.person(persona)
    await person.onboard()
    await person.send("/help")
    await person.press(T[lang]["no"])
    await person.press(T[lang]["topic"])
    await person.press(T[lang]["me"])
    await person.press(T[lang]["peru"])
    text = texts(await person.press(T[lang]["not_say"]))[0]
    assert text.split("\n\n")[1].startswith("📌 Línea 113" if lang == "es" else "📌 Line 113")


async def test_another_country_has_its_own_first_line(bot):
    person = bot.person(YOUNG_EN)
    await person.onboard()
    await person.send("/help")
    await person.press(T["en"]["yes"])
    await person.press("🌎 I am in another country")
    shown = texts(await person.press("Brazil"))[0]
    assert shown.index("📞 190") < shown.index("📞 100")
    await person.send("/help")
    await person.press(T["en"]["yes"])
    await person.press("🌎 I am in another country")
    assert "📞 911" in texts(await person.press("Dominican Republic"))[0]


async def test_every_line_suspended_still_shows_them_and_alerts_once_a_day(bot):
    at(bot, datetime(2026, 12, 4, 15, 0, tzinfo=UTC))
    async with bot.db.session() as s:
        for sid in ("pe-pnp-105", "pe-linea-100"):
            s.add(ServiceOverride(service_id=sid, status="suspended", set_by=ADMIN.id,
                                  set_at=bot.deps.clock()))
    person = bot.person(YOUNG)
    await person.onboard()
    calls = await person.send("/help")
    assert texts(calls, YOUNG.id)[0].startswith(T["es"]["first"])
    calls += await person.press(T["es"]["yes"])
    shown = texts(calls, YOUNG.id)[-2]
    assert "📞 105" in shown and "📞 911" not in shown  # never empty, never a pending line
    warning = [t for t in sent_to(calls, STAFF_CHAT_ID) if t.startswith("⚠️ Todas las líneas")]
    assert len(warning) == 1 and "105" in warning[0]
    order = [c.chat_id for c in calls if c.method == "sendMessage"]
    assert order.index(YOUNG.id) < order.index(STAFF_CHAT_ID)  # the person's numbers first
    assert any(t.startswith("⚠️ Todas") for t in sent_to(calls, ADMIN.id))
    calls = await person.send("me quiero morir")
    assert not [t for t in sent_to(calls, STAFF_CHAT_ID) if t.startswith("⚠️ Todas")]


# Review alerts ------------------------------------------------------------------------------


async def test_review_alerts_30_7_1_days_before_then_daily_each_once(bot, settings):
    bot.deps.content.services = [line("pe-a", 1, "105"), line("pe-b", 2, "100"),
                                 make_service("pe-other", review_due=DUE)]

    async def alerts_on(day: date, app=bot) -> list[str]:
        start = len(bot.api.calls)
        bot.deps.clock = lambda: datetime.combine(day, datetime.min.time(), UTC) + timedelta(
            hours=15)
        await send_review_alerts(bot.app)
        return sent_to(bot.api.calls[start:], STAFF_CHAT_ID)

    assert await alerts_on(DUE - timedelta(days=31)) == []
    first = await alerts_on(DUE - timedelta(days=30))
    assert len(first) == 2 and all("en 30 días (2027-03-01)" in t for t in first)
    assert "pe-other" not in " ".join(first)  # ordinary services just hide when overdue
    assert await alerts_on(DUE - timedelta(days=30)) == []  # once per threshold
    assert await alerts_on(DUE - timedelta(days=8)) == []
    assert all("en 7 días" in t for t in await alerts_on(DUE - timedelta(days=7)))
    assert await alerts_on(DUE - timedelta(days=2)) == []
    assert all("en 1 día " in t for t in await alerts_on(DUE - timedelta(days=1)))
    assert await alerts_on(DUE) == []
    late = await alerts_on(DUE + timedelta(days=1))
    assert len(late) == 2 and all("vencida hace 1 día" in t and "/revet" in t for t in late)
    assert await alerts_on(DUE + timedelta(days=1)) == []
    assert len(await alerts_on(DUE + timedelta(days=2))) == 2  # every day after

    # a restart (or a second replica) on the same database repeats nothing
    restarted = await start_harness(settings, bot.db)
    try:
        restarted.deps.content.services = bot.deps.content.services
        restarted.deps.clock = bot.deps.clock
        assert await send_review_alerts(restarted.app) == 0
        assert [c for c in restarted.api.calls if c.method == "sendMessage"] == []
    finally:
        await restarted.app.shutdown()
    async with bot.db.session() as s:
        keys = sorted(a.alert for a in await s.scalars(select(ServiceAlert))
                      if a.service_id == "pe-a")
    assert keys == ["2027-03-01:1d", "2027-03-01:30d", "2027-03-01:7d",
                    "2027-03-01:late:2027-03-02", "2027-03-01:late:2027-03-03"]


async def test_with_every_date_past_the_staff_chat_and_admins_get_the_overdue_alert(bot):
    at(bot, LATE)
    assert await send_review_alerts(bot.app) >= 5  # every country's lines
    staff = sent_to(bot.api.calls, STAFF_CHAT_ID)
    assert any("pe-pnp-105" in t and t.startswith("⚠️ La revisión") for t in staff)
    assert any("pe-pnp-105" in t for t in sent_to(bot.api.calls, ADMIN.id))


# Re-vetting and suspending from Telegram ----------------------------------------------------


async def test_an_admin_re_vets_a_line_and_its_alerts_stop(bot):
    bot.deps.content.services = [line("pe-a", 1, "105"), line("pe-b", 2, "100")]
    at(bot, datetime(2027, 3, 5, 15, 0, tzinfo=UTC))  # overdue
    admin = bot.person(ADMIN)
    calls = await admin.send("/revet pe-a llamé, atiende las 24 horas")
    assert texts(calls) == [
        "Verificado otra vez: pe-a (pe-a). La próxima revisión vence el 2027-09-03. ¡Gracias!"
    ]
    assert await send_review_alerts(bot.app) == 1  # only pe-b is still overdue
    async with bot.db.session() as s:
        review = await s.get(ServiceReview, "pe-a")
        audit = (await s.scalars(select(AuditEntry).where(
            AuditEntry.action == "service.revet"))).all()
    assert (review.vetted_on, review.review_due, review.vetted_by) == (
        date(2027, 3, 5), date(2027, 9, 3), ADMIN.id)
    assert review.note == "llamé, atiende las 24 horas"
    assert [(a.actor_id, a.target) for a in audit] == [(ADMIN.id, "pe-a")]
    assert "2027-09-03" in audit[0].detail

    calls = await admin.send("/revet pe-a")  # no note: how to write it, nothing changes
    assert texts(calls)[0].startswith("Escríbelo así: /revet")


async def test_a_re_vetted_ordinary_service_is_shown_again(bot):
    bot.deps.content.services = [
        *[s for s in bot.deps.content.services if s.emergency],
        make_service("pe-late", topics=("violence_home",), review_due=DUE),
    ]
    at(bot, datetime(2027, 3, 5, 15, 0, tzinfo=UTC))
    person = bot.person(YOUNG)
    await person.onboard()

    async def shown() -> str:
        await person.send("/help")
        await person.press("No, ahora no")
        await person.press("Violencia en casa")
        await person.press("Para mí")
        await person.press("Perú")
        return texts(await person.press("Prefiero no decirlo"))[0]

    assert "pe-late" not in await shown()
    await bot.person(ADMIN).send("/revet pe-late visité la oficina")
    assert "pe-late" in await shown()


async def test_only_admins_re_vet_list_or_press_service_buttons(bot):
    person = bot.person(YOUNG)
    await person.onboard()
    await person.send("/revet pe-pnp-105 hola")
    await person.send("/services")
    calls = await person.press_data(callbacks.pack("svc.set", "pe-pnp-105", "suspend"))
    assert not any("Suspendido" in t for t in texts(calls))
    async with bot.db.session() as s:
        assert (await s.scalars(select(ServiceReview))).all() == []
        assert (await s.scalars(select(ServiceOverride))).all() == []


async def test_an_admin_suspends_with_buttons_but_never_the_last_line(bot):
    admin = bot.person(ADMIN)
    calls = await admin.send("/services")
    assert "🚨✅ pe-pnp-105" in labels(calls)
    calls = await admin.press("🚨✅ pe-pnp-105")
    assert "Revisión hasta: 2027-05-22." in texts(calls)[0]
    calls = await admin.press("⛔ Suspender")
    assert texts(calls)[0].startswith("Suspendido: Policía Nacional del Perú")

    await admin.send("/services")
    await admin.press("🚨✅ pe-linea-100")
    calls = await admin.press("⛔ Suspender")
    assert texts(calls)[0].startswith("No suspendí Línea 100 (pe-linea-100): es la última línea "
                                      "de emergencia activa de PE")
    async with bot.db.session() as s:
        overrides = {o.service_id: o.status for o in await s.scalars(select(ServiceOverride))}
        audit = [(a.actor_id, a.action, a.target) for a in await s.scalars(
            select(AuditEntry).where(AuditEntry.action.like("service.%")))]
    assert overrides == {"pe-pnp-105": "suspended"}
    assert audit == [(ADMIN.id, "service.suspend", "pe-pnp-105")]

    # the person in danger now sees Línea 100 only, and the admin reactivates 105 at once
    person = bot.person(YOUNG)
    await person.onboard()
    await person.send("/help")
    shown = texts(await person.press(T["es"]["yes"]), YOUNG.id)[0]
    assert "📞 100" in shown and "📞 105" not in shown
    await admin.send("/services")
    await admin.press("🚨⛔ pe-pnp-105")
    calls = await admin.press("✅ Reactivar")
    assert texts(calls)[0].startswith("Activo otra vez: Policía Nacional del Perú")


@pytest.mark.parametrize(
    "data",
    [
        callbacks.pack("svc.set", "pe-nothing", "suspend"),
        callbacks.pack("svc.set", "pe-pnp-105", "explode"),
        callbacks.pack("svc.see", "pe-nothing"),
    ],
)
async def test_forged_service_buttons_change_nothing(bot, data):
    calls = await bot.person(ADMIN).press_data(data)
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    async with bot.db.session() as s:
        assert (await s.scalars(select(ServiceOverride))).all() == []


# content check -------------------------------------------------------------------------------


def content_copy(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(default_services_path().parent, content)
    return content


def test_content_check_fails_for_a_country_without_an_active_emergency_line(tmp_path, capsys):
    content = content_copy(tmp_path)
    path = content / "services.yaml"
    text = path.read_text(encoding="utf-8")
    for sid in ("do-911", "do-linea-vida"):
        start = text.index(f"- id: {sid}")
        end = text.index("status: active", start)
        text = text[:end] + "status: suspended" + text[end + len("status: active"):]
    path.write_text(text, encoding="utf-8")
    settings = Settings(_env_file=None, content_dir=content)
    problems, _notes = check_content(settings, today=date(2026, 12, 4))
    assert [p.message for p in problems] == [
        "country DO (regions.yaml) has no active emergency line: add one with emergency: "
        "true, emergency_rank: 1 and status: active"
    ]
    assert cmd_content_check(None, settings) == 1
    assert "content OK" not in capsys.readouterr().out


def test_content_check_warns_about_reviews_within_60_days_and_overdue(tmp_path):
    settings = Settings(_env_file=None, content_dir=content_copy(tmp_path))
    problems, notes = check_content(settings, today=date(2026, 12, 4))
    assert problems == []
    assert [n for n in notes if not n.startswith("known gap:")] == []
    # (coverage off: at these dates some countries' ordinary services are overdue and hidden)
    problems, notes = check_content(settings, today=date(2027, 4, 1), coverage=False)
    assert problems == []
    assert "WARNING: review due 2027-05-22: pe-pnp-105 (active, emergency line)" in notes
    problems, notes = check_content(settings, today=date(2027, 5, 23), coverage=False)
    assert "WARNING: review OVERDUE since 2027-05-22: pe-pnp-105 (active, emergency line)" in (
        notes)


def test_emergency_ranks_are_required_and_unique(tmp_path):
    content = content_copy(tmp_path)
    path = content / "services.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("emergency_rank: 2  # after 105", "emergency_rank: 1  # tie", 1)
    text = text.replace("    emergency_rank: 1\n    ages: {min: 0, max: 99}\n    languages: [es]",
                        "    ages: {min: 0, max: 99}\n    languages: [es]", 1)
    path.write_text(text, encoding="utf-8")
    problems, _ = check_content(Settings(_env_file=None, content_dir=content),
                                today=date(2026, 12, 4))
    messages = [p.message for p in problems]
    assert "emergency lines 'pe-linea-100' and 'pe-pnp-105' of PE share emergency_rank 1" in (
        messages)
    assert any("needs emergency_rank" in m for m in messages)


# The choice itself (no database) --------------------------------------------------------------


def test_choose_lines_orders_by_rank_puts_the_crisis_line_second_and_never_returns_nothing():
    from youthbot.core.help.emergency import choose_lines, crisis_first

    services = [
        line("pe-100", 2, "100"),
        line("pe-105", 1, "105"),
        line("pe-911", 1, "911", status="pending", vetted_by=None, vetted_on=None),
        make_service("pe-113", topics=("mental_health",), channels=(Channel("phone", "113"),),
                     crisis=True),
        # a mental-health service with a phone but not marked `crisis`: not a crisis line
        make_service("pe-anna", topics=("mental_health",), channels=(Channel("phone", "1810"),)),
        make_service("pe-web", topics=("mental_health",),
                     channels=(Channel("web", "https://example.org"),)),
        line("co-123", 1, "123", countries=("CO",)),
    ]
    ids = lambda lines: [s.id for s in lines]  # noqa: E731
    assert ids(choose_lines(services, country="PE", overrides={})) == ["pe-105", "pe-100"]
    assert ids(choose_lines(services, country="PE", overrides={}, topic="mental_health")) == [
        "pe-105", "pe-113", "pe-100"]
    assert ids(choose_lines(services, country="XX", overrides={})) == ["pe-105", "pe-100"]
    assert ids(choose_lines(services, country=None, overrides={})) == ["pe-105", "pe-100"]
    # a country whose every line is suspended: its lines anyway, flagged for an alert
    gone = choose_lines(services, country="CO", overrides={"co-123": "suspended"})
    assert ids(gone) == ["co-123"] and gone.fallback and gone.country == "CO"
    assert not choose_lines(services, country="CO", overrides={}).fallback
    both = {"pe-105": "suspended", "pe-100": "suspended"}
    assert ids(choose_lines(services, country="PE", overrides=both)) == ["pe-105", "pe-100"]
    # the mental-health topic: the crisis line first, once
    assert ids(crisis_first([services[5], services[3]], [services[3]])) == ["pe-113", "pe-web"]
