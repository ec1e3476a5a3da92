"""Running the service (issue 18): flag and block an account, canned replies, teams, and
assigning a case to a named colleague. What each person sees, in Spanish and English, and what
the database holds afterwards."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from harness import (
    ADMIN,
    MODERATOR,
    STAFF_CHAT_ID,
    YOUNG,
    YOUNG_EN,
    Persona,
    start_harness,
    texts,
)
from sqlalchemy import select

from youthbot.bot.runtime import callbacks
from youthbot.core.cases.canned import check_canned, default_canned_path
from youthbot.core.cases.teams import TeamSpec, check_teams
from youthbot.core.people.roles import Role
from youthbot.db.models import (
    AccountBlock,
    AccountFlag,
    AuditEntry,
    CannedOverride,
    Case,
    CaseMessage,
    StaffMember,
)

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # 10:00 in Lima, staff at work
PERSONAS = pytest.mark.parametrize("persona", [YOUNG, YOUNG_EN], ids=["es", "en"])
YOUNG_PT = Persona(111119, "Iara", "iara_secret_handle", "pt")
COLLEAGUE = Persona(333334, "Rosaura", "rosa_mod_handle", "es")
T = {
    "es": {
        "paused": "Las conversaciones con nuestro equipo están en pausa para esta cuenta.",
        "with_you": "🤝 Una persona de nuestro equipo ya está contigo.",
        "team": "💬 Nuestro equipo: ",
        "not_fault": "Queremos que sepas algo importante: lo que te pasó no es tu culpa.",
        "refer": "Creemos que este servicio puede ayudarte.",
        "open": "💬 Ya estás en contacto con nuestro equipo.",
    },
    "en": {
        "paused": "Conversations with our team are paused for this account.",
        "with_you": "🤝 A person from our team is with you now.",
        "team": "💬 Our team: ",
        "not_fault": "We want you to know something important: what happened to you is not",
        "refer": "We think this service can help you.",
        "open": "💬 You are now in touch with our team.",
    },
    "pt": {
        "team": "💬 Nossa equipe: ",
        "not_fault": "Queremos que você saiba uma coisa importante: o que aconteceu com você não",
    },
}


@pytest.fixture(autouse=True)
def at_work(bot) -> None:
    bot.deps.clock = lambda: NOW


@pytest.fixture
async def moderator(bot):
    await bot.grant(MODERATOR, Role.MODERATOR)
    return bot.person(MODERATOR)


async def open_case(bot, persona, country: str = "PE", region: str = "puno"):
    person = bot.person(persona)
    await person.onboard()
    await person.press_data(callbacks.pack("help.person", 3, "me", country, region, 0))
    async with bot.db.session() as session:
        case = (
            await session.scalars(select(Case).where(Case.user_id == persona.id))
        ).one()
    return person, case


def card_of(bot, case: Case, chat_id: int = STAFF_CHAT_ID):
    return bot.messages[(chat_id, case.staff_message_id)]


async def press(bot, who, case, data: str, chat_id: int = STAFF_CHAT_ID):
    return await who.press_data(data, card_of(bot, case, chat_id))


async def read(bot, model, *where):
    async with bot.db.session() as session:
        return (await session.scalars(select(model).where(*where))).all()


def to_person(calls, persona) -> list[str]:
    return texts([c for c in calls if c.method != "answerCallbackQuery"], persona.id)


def alert_of(calls) -> str:
    answers = [c for c in calls if c.method == "answerCallbackQuery"]
    return answers[-1].params.get("text", "") if answers else ""


# 1. Flag and block -------------------------------------------------------------------------


@PERSONAS
async def test_a_moderator_flags_an_account_with_a_reason_and_it_is_audited(
    bot, moderator, persona
):
    person, case = await open_case(bot, persona)
    calls = await moderator.press("🚩 Marcar", chat_id=STAFF_CHAT_ID)
    asked = texts(calls, STAFF_CHAT_ID)[-1]
    assert asked.startswith(f"🚩 ¿Por qué marcas la cuenta detrás de {case.number}?")
    assert calls[-1].button_labels[:3] == [
        "Broma o no es en serio", "Agresivo con el equipo",
        "Una persona adulta que se hace pasar por menor de edad",
    ]
    calls = await moderator.press("Agresivo con el equipo", chat_id=STAFF_CHAT_ID)
    assert texts(calls, STAFF_CHAT_ID) == [
        f"🚩 Martina marcó {case.number}: Agresivo con el equipo (marcas de esta cuenta: 1). Un "
        "admin puede bloquearla con ⛔ Bloquear en la ficha."
    ]
    assert to_person(calls, persona) == []  # the person is not told about a flag
    flags = await read(bot, AccountFlag)
    assert [(f.user_id, f.case_number, f.reason, f.flagged_by) for f in flags] == [
        (persona.id, case.number, "abusive", MODERATOR.id)
    ]
    audit = await read(bot, AuditEntry, AuditEntry.action == "case.flag")
    assert [(a.actor_id, a.target, a.detail) for a in audit] == [
        (MODERATOR.id, case.number, "abusive")
    ]
    # nothing of who the person is reaches the staff chat
    staff = " ".join(texts(bot.api.calls, STAFF_CHAT_ID))
    assert persona.first_name not in staff and persona.username not in staff


async def test_only_an_admin_blocks_and_forged_data_changes_nothing(bot, moderator):
    person, case = await open_case(bot, YOUNG)
    calls = await moderator.press("⛔ Bloquear", chat_id=STAFF_CHAT_ID)
    assert alert_of(calls) == "Solo un admin puede bloquear una cuenta. Márcala con 🚩."
    calls = await press(bot, moderator, case, callbacks.pack("case.blockas", case.id, "prank"))
    assert to_person(calls, YOUNG) == []
    assert await read(bot, AccountBlock) == []
    # a reason that is not one, or a case that is not there: nothing happens
    admin = bot.person(ADMIN)
    for data in (f"1|case.blockas|{case.id}|rude", callbacks.pack("case.blockas", 99999, "prank")):
        calls = await press(bot, admin, case, data)
        assert to_person(calls, YOUNG) == []
    assert await read(bot, AccountBlock) == []
    assert (await read(bot, Case))[0].status == "open"


@PERSONAS
async def test_a_blocked_person_cannot_open_cases_but_still_gets_the_emergency_numbers(
    bot, moderator, persona
):
    lang = persona.language_code
    person, case = await open_case(bot, persona)
    admin = bot.person(ADMIN)
    await admin.press("⛔ Bloquear", chat_id=STAFF_CHAT_ID)
    calls = await admin.press("Broma o no es en serio", chat_id=STAFF_CHAT_ID)
    assert texts(calls, STAFF_CHAT_ID)[0].startswith(
        f"⛔ La cuenta detrás de {case.number} está bloqueada: Broma o no es en serio."
    )
    told = to_person(calls, persona)
    assert len(told) == 1 and told[0].startswith(T[lang]["paused"])
    assert "📞" in told[0]  # the emergency numbers, calmly
    blocks = await read(bot, AccountBlock)
    assert [(b.user_id, b.case_number, b.reason, b.blocked_by) for b in blocks] == [
        (persona.id, case.number, "prank", ADMIN.id)
    ]
    closed = (await read(bot, Case))[0]
    assert (closed.status, closed.outcome, closed.reopen_until) == ("closed", "not_real", None)
    assert [a.target for a in await read(bot, AuditEntry, AuditEntry.action == "account.block")
            ] == [case.number]

    # their words no longer reach the team
    staff_before = len(texts(bot.api.calls, STAFF_CHAT_ID))
    await person.send("hola otra vez")
    assert len(texts(bot.api.calls, STAFF_CHAT_ID)) == staff_before
    # asking for a person again: the same calm answer and the numbers, no case, no alert
    calls = await person.press_data(callbacks.pack("help.person", 3, "me", "PE", "puno", 0))
    told = to_person(calls, persona)
    assert told[-1].startswith(T[lang]["paused"]) and "📞" in told[-1]
    assert texts(calls, STAFF_CHAT_ID) == []
    assert len(await read(bot, Case)) == 1
    # danger words still bring the emergency numbers: safety is never blocked
    calls = await person.send("me quiero matar" if lang == "es" else "I want to kill myself")
    assert any("📞" in text for text in to_person(calls, persona))


async def test_blocks_are_listed_by_case_number_and_can_be_lifted(bot, moderator):
    person, case = await open_case(bot, YOUNG)
    admin = bot.person(ADMIN)
    await admin.press("⛔ Bloquear", chat_id=STAFF_CHAT_ID)
    await admin.press("Agresivo con el equipo", chat_id=STAFF_CHAT_ID)
    calls = await moderator.send("/blocked", chat_id=STAFF_CHAT_ID)
    listed = texts(calls, STAFF_CHAT_ID)[0]
    assert listed.startswith("Cuentas bloqueadas (por el caso desde el que se bloquearon):")
    assert f"{case.number} · Agresivo con el equipo" in listed
    assert YOUNG.first_name not in listed and str(YOUNG.id) not in listed
    # a moderator cannot unblock; in a youth group nothing is listed
    calls = await moderator.send(f"/unblock {case.number}", chat_id=STAFF_CHAT_ID)
    assert len(await read(bot, AccountBlock)) == 1
    calls = await admin.send(f"/unblock {case.number}")
    assert texts(calls, ADMIN.id) == [
        f"✅ La cuenta detrás de {case.number} está desbloqueada: puede abrir casos otra vez."
    ]
    assert await read(bot, AccountBlock) == []
    assert [a.target for a in await read(bot, AuditEntry, AuditEntry.action == "account.unblock")
            ] == [case.number]
    calls = await admin.send("/unblock C-ZZZZ")
    assert texts(calls, ADMIN.id) == [
        "No hay ninguna cuenta bloqueada desde C-ZZZZ. /blocked muestra los bloqueos."
    ]
    # unblocked, they can talk to a person again
    await person.press_data(callbacks.pack("help.person", 3, "me", "PE", "puno", 0))
    assert len(await read(bot, Case)) == 2


async def test_blocked_is_not_listed_in_a_youth_group(bot, moderator):
    from harness import GROUP_CHAT_ID

    await open_case(bot, YOUNG)
    calls = await moderator.send("/blocked", chat_id=GROUP_CHAT_ID)
    assert texts(calls, GROUP_CHAT_ID) == []


# 2. Canned replies -------------------------------------------------------------------------


def test_the_shipped_canned_replies_are_valid_and_bilingual():
    library, problems = check_canned(default_canned_path())
    assert problems == []
    topics = {"sextortion", "trafficking", "not-your-fault", "grooming", "waiting", "referral"}
    assert topics <= {r.topic for r in library.replies}
    for reply in library.replies:
        assert reply.text["es"] and reply.text["en"] and reply.source
        assert reply.status == "partner-must-review"


def test_content_check_names_the_line_of_a_bad_canned_reply(tmp_path: Path):
    path = tmp_path / "canned_replies.yaml"
    path.write_text(
        "topics:\n  waiting: {es: Espera, en: Waiting}\nreplies:\n"
        "  - id: w1\n    topic: waiting\n    source: us\n    reviewed: 2026-12-01\n"
        "    status: partner-must-review\n    es: Hola {name}\n    en: Hi\n"
        "  - id: w1\n    topic: nowhere\n    source: us\n    reviewed: soon\n"
        "    status: done\n    es: Hola\n    en: Hi\n",
        encoding="utf-8",
    )
    _library, problems = check_canned(path)
    shown = [str(p) for p in problems]
    assert "canned_replies.yaml:9: es: unknown placeholder {name}: only {case} and {service}" in (
        shown
    )
    assert any(s.startswith("canned_replies.yaml:11: reply id 'w1' is used twice") for s in shown)
    assert any(s.startswith("canned_replies.yaml:12: unknown topic 'nowhere'") for s in shown)
    assert any(s.startswith("canned_replies.yaml:14: reviewed:") for s in shown)
    assert any(s.startswith("canned_replies.yaml:15: status 'done'") for s in shown)


@pytest.mark.parametrize("persona", [YOUNG, YOUNG_EN, YOUNG_PT], ids=["es", "en", "pt"])
async def test_a_claimant_sends_a_canned_reply_in_the_persons_language(bot, moderator, persona):
    lang = persona.language_code
    person, case = await open_case(bot, persona)
    calls = await moderator.press("💬 Respuesta preparada", chat_id=STAFF_CHAT_ID)
    assert alert_of(calls) == "Primero toma este caso."  # only the claimant writes
    await moderator.press("✋ Tomar", chat_id=STAFF_CHAT_ID)
    calls = await moderator.press("💬 Respuesta preparada", chat_id=STAFF_CHAT_ID)
    assert "No es tu culpa" in calls[-1].button_labels
    await moderator.press("No es tu culpa", chat_id=STAFF_CHAT_ID)
    calls = await moderator.press(action="cn.p", chat_id=STAFF_CHAT_ID)
    preview = texts(calls, STAFF_CHAT_ID)[-1]
    assert preview.startswith("Vista previa (")
    assert "⚠️ Texto aún no revisado por una organización aliada." in preview
    assert T[lang]["not_fault"] in preview  # the words the person will read
    assert to_person(calls, persona) == []  # nothing sent before ✅ Send
    calls = await moderator.press("✅ Enviar", chat_id=STAFF_CHAT_ID)
    told = to_person(calls, persona)
    assert len(told) == 1 and told[0].startswith(T[lang]["team"] + T[lang]["not_fault"])
    assert MODERATOR.first_name not in told[0]
    assert texts(calls, STAFF_CHAT_ID)[0].startswith(
        f"💬 {case.number}: se envió a la persona la respuesta preparada “not-fault”."
    )
    sent = await read(bot, CaseMessage, CaseMessage.sender == "staff")
    assert len(sent) == 1 and sent[0].text.startswith(T[lang]["not_fault"])
    events = await read(bot, CaseMessage, CaseMessage.kind == "canned")
    assert [e.text for e in events] == ["not-fault"]
    assert (await read(bot, Case))[0].first_reply_at is not None


@PERSONAS
async def test_a_canned_reply_with_a_service_card_and_the_case_number(bot, moderator, persona):
    lang = persona.language_code
    person, case = await open_case(bot, persona)
    await moderator.press("✋ Tomar", chat_id=STAFF_CHAT_ID)
    await moderator.press("💬 Respuesta preparada", chat_id=STAFF_CHAT_ID)
    await moderator.press("Derivación a un servicio", chat_id=STAFF_CHAT_ID)
    calls = await moderator.press(action="cn.p", chat_id=STAFF_CHAT_ID)
    assert texts(calls, STAFF_CHAT_ID)[-1].startswith("Esta respuesta incluye la ficha")
    service_label = calls[-1].button_labels[0]
    await moderator.press(service_label, chat_id=STAFF_CHAT_ID)
    calls = await moderator.press("✅ Enviar", chat_id=STAFF_CHAT_ID)
    told = to_person(calls, persona)[0]
    assert told.startswith(T[lang]["team"] + T[lang]["refer"])
    assert case.number in told and "{" not in told
    assert "📌 " in told  # the service's card, in the person's language


async def test_forged_canned_data_sends_nothing(bot, moderator):
    person, case = await open_case(bot, YOUNG)
    await moderator.press("✋ Tomar", chat_id=STAFF_CHAT_ID)
    for data in (
        callbacks.pack("cn.ok", case.id, "no-such", "-"),
        callbacks.pack("cn.ok", case.id, "refer-service", "-"),  # it needs a service
        callbacks.pack("cn.ok", case.id, "not-fault", "pe-nowhere"),
    ):
        calls = await press(bot, moderator, case, data)
        assert to_person(calls, YOUNG) == []
    assert await read(bot, CaseMessage, CaseMessage.sender == "staff") == []


async def test_an_admin_rewords_a_canned_reply_from_telegram(bot, moderator):
    admin = bot.person(ADMIN)
    calls = await admin.send("/canned_edit wait-soon en Hello! Case {case}: someone is coming.")
    assert texts(calls, ADMIN.id) == [
        "✅ wait-soon (en) ahora dice:\n\nHello! Case {case}: someone is coming."
    ]
    calls = await admin.send("/canned_edit wait-soon en Hi {name}")
    assert texts(calls, ADMIN.id)[0].startswith("Ese texto no se puede usar")
    calls = await moderator.send("/canned_edit wait-soon es Hola")
    overrides = await read(bot, CannedOverride)
    assert [(o.reply_id, o.language, o.text) for o in overrides] == [
        ("wait-soon", "en", "Hello! Case {case}: someone is coming.")
    ]
    assert [a.detail for a in await read(bot, AuditEntry, AuditEntry.action == "canned.edit")
            ] == ["en"]
    calls = await admin.send("/canned")
    listed = texts(calls, ADMIN.id)[0]
    assert "• wait-soon · es, en*, pt · una organización aliada debe revisarla" in listed
    # the new wording is what an English-speaking person receives
    person, case = await open_case(bot, YOUNG_EN)
    await moderator.press("✋ Tomar", chat_id=STAFF_CHAT_ID)
    await moderator.press("💬 Respuesta preparada", chat_id=STAFF_CHAT_ID)
    await moderator.press("Esperando a una persona", chat_id=STAFF_CHAT_ID)
    await moderator.press_data(
        callbacks.pack("cn.p", case.id, "wait-soon"),
        moderator.find_button(action="cn.p", chat_id=STAFF_CHAT_ID)[0],
    )
    calls = await moderator.press("✅ Enviar", chat_id=STAFF_CHAT_ID)
    assert to_person(calls, YOUNG_EN) == [
        f"💬 Our team: Hello! Case {case.number}: someone is coming."
    ]


# 3. Teams and assignment -------------------------------------------------------------------


def test_teams_file_is_checked_with_lines(tmp_path: Path):
    path = tmp_path / "teams.yaml"
    path.write_text(
        "teams:\n  - id: peru\n    name: Perú\n    countries: [PE]\n    language: es\n"
        "    timezone: America/Lima\n    hours: '08:00-20:00'\n"
        "  - id: peru\n    name: X\n    countries: [XX]\n    language: fr\n"
        "    timezone: Mars/Base\n    hours: '8-20'\n",
        encoding="utf-8",
    )
    specs, problems = check_teams(path, country_ids=["PE", "CO"])
    shown = [str(p) for p in problems]
    assert any(s.startswith("teams.yaml:8: team id 'peru' is used twice") for s in shown)
    assert "teams.yaml:10: unknown country 'XX' (regions.yaml)" in shown
    assert any(s.startswith("teams.yaml:11: language 'fr'") for s in shown)
    assert any(s.startswith("teams.yaml:13:") for s in shown)  # the time zone or the hours


PERU_CHAT, COLOMBIA_CHAT = -1005550000001, -1005550000002


@pytest.fixture
async def teams_bot(settings, database):
    """Two teams with their own groups: Peru (Spanish, Lima hours) and Colombia (English here,
    to see a team's own language, and hours when Lima's staff are at work but it is not)."""
    settings = settings.model_copy(update={"team_chats": {"peru": PERU_CHAT,
                                                          "colombia": COLOMBIA_CHAT}})
    harness = await start_harness(settings, database)
    harness.deps.content.teams = [
        TeamSpec("peru", "Perú", ("PE",), (), "es", "America/Lima", "08:00-20:00"),
        TeamSpec("colombia", "Colombia", ("CO",), (), "en", "America/Bogota", "11:00-12:00"),
    ]
    harness.deps.clock = lambda: NOW
    yield harness
    await harness.app.shutdown()
    assert not harness.errors


@PERSONAS
async def test_a_case_goes_to_its_teams_group_in_the_teams_language(teams_bot, persona):
    bot = teams_bot
    lang = persona.language_code
    person, case = await open_case(bot, persona, "CO", "bogota")
    assert (case.team, case.staff_chat_id) == ("colombia", COLOMBIA_CHAT)
    card = texts(bot.api.calls, COLOMBIA_CHAT)[0]
    assert card.startswith(f"Case {case.number}\nTopic: ") and "Team: Colombia" in card
    assert texts(bot.api.calls, STAFF_CHAT_ID) == [] and texts(bot.api.calls, PERU_CHAT) == []
    # Colombia's team works 11:00-12:00 in Bogotá: it is 10:00 there, so the person is told
    told = texts(bot.api.calls, persona.id)
    assert any("Bogota" in t for t in told)
    # Peru goes to Peru's group, a country with no team to the fallback group
    _p, peru = await open_case(bot, YOUNG if persona is YOUNG_EN else YOUNG_EN, "PE", "puno")
    assert (peru.team, peru.staff_chat_id) == ("peru", PERU_CHAT)
    assert texts(bot.api.calls, PERU_CHAT)[0].startswith(f"Caso {peru.number}\nTema:")
    # a moderator of Colombia's team works on it there, in English
    await bot.grant(MODERATOR, Role.MODERATOR)
    moderator = bot.person(MODERATOR)
    calls = await moderator.press_data(
        callbacks.pack("case.claim", case.id), bot.messages[(COLOMBIA_CHAT, case.staff_message_id)]
    )
    assert to_person(calls, persona) == [T[lang]["with_you"] + " They will write here." if lang
                                         == "en" else T[lang]["with_you"] + " Te escribirá aquí."]
    calls = await moderator.send("/cases", chat_id=COLOMBIA_CHAT)
    listed = texts(calls, COLOMBIA_CHAT)[0]
    assert case.number in listed and peru.number not in listed


async def test_a_country_without_a_team_goes_to_the_fallback_group(teams_bot):
    bot = teams_bot
    person, case = await open_case(bot, YOUNG, "DO", "santo-domingo")
    assert (case.team, case.staff_chat_id) == ("main", STAFF_CHAT_ID)
    assert texts(bot.api.calls, STAFF_CHAT_ID)[0].startswith(f"Caso {case.number}")


@PERSONAS
async def test_a_case_is_assigned_to_a_named_colleague_who_is_told(bot, moderator, persona):
    lang = persona.language_code
    await bot.grant(COLLEAGUE, Role.MODERATOR)
    colleague = bot.person(COLLEAGUE)
    person, case = await open_case(bot, persona)
    # whoever acts in the team's group is known to it by their handle: first only the
    # moderator pressing, then the colleague too, once she has written there
    calls = await moderator.press("👤 Asignar", chat_id=STAFF_CHAT_ID)
    assert calls[-1].button_labels == ["@marta_mod_handle", "⬅️ Volver"]
    await colleague.send("/cases", chat_id=STAFF_CHAT_ID)
    calls = await moderator.press("👤 Asignar", chat_id=STAFF_CHAT_ID)
    assert calls[-1].button_labels == ["@marta_mod_handle", "@rosa_mod_handle", "⬅️ Volver"]
    calls = await moderator.press("@rosa_mod_handle", chat_id=STAFF_CHAT_ID)
    staff = texts(calls, STAFF_CHAT_ID)
    expected = (f"👤 @marta_mod_handle asignó {case.number} a @rosa_mod_handle. Ahora solo esa "
                "persona le escribe a quien pidió ayuda.")
    assert expected in staff
    mention = next(c for c in calls if c.params.get("entities"))
    entity = mention.params["entities"][0]
    entity = entity if isinstance(entity, dict) else entity.to_dict()
    assert entity["type"] == "text_mention" and entity["user"]["id"] == COLLEAGUE.id
    told = to_person(calls, persona)
    assert len(told) == 1 and told[0].startswith(T[lang]["with_you"])
    assert "rosa" not in told[0].lower() and "marta" not in told[0].lower()
    stored = (await read(bot, Case))[0]
    assert (stored.status, stored.claimed_by, stored.assigned_to) == (
        "claimed", COLLEAGUE.id, COLLEAGUE.id
    )
    assert [a.actor_id for a in await read(bot, AuditEntry, AuditEntry.action == "case.assign")
            ] == [MODERATOR.id]
    # only the colleague writes to the person now
    calls = await colleague.send("Hola, aquí estoy", chat_id=STAFF_CHAT_ID,
                                 reply_to=stored.staff_message_id)
    assert to_person(calls, persona) == [T[lang]["team"] + "Hola, aquí estoy"]


async def test_assigning_to_someone_outside_the_team_changes_nothing(bot, moderator):
    person, case = await open_case(bot, YOUNG)
    await moderator.send("/cases", chat_id=STAFF_CHAT_ID)
    for stranger in (YOUNG.id, 999999):
        calls = await press(bot, moderator, case, callbacks.pack("case.assignto", case.id,
                                                                 stranger))
        assert to_person(calls, YOUNG) == []
    stored = (await read(bot, Case))[0]
    assert (stored.status, stored.claimed_by, stored.assigned_to) == ("open", None, None)
    members = await read(bot, StaffMember)
    assert [(m.user_id, m.team, m.handle) for m in members] == [
        (MODERATOR.id, "main", "@marta_mod_handle")
    ]


async def test_casestats_in_a_teams_group_counts_that_team_only(teams_bot):
    """Colombia's group sees its 6 cases (in English, its language), Peru's its 5, and the
    fallback group every team's 11; a team's counts from 1 to 4 still read "<5"."""
    from datetime import timedelta

    from youthbot.core import cases as case_service

    bot = teams_bot
    async with bot.db.session() as session:
        for n, (team, country) in enumerate([("colombia", "CO")] * 6 + [("peru", "PE")] * 5):
            await case_service.open_case(
                session, user_id=900000 + n, topic="violence_home", urgent=n == 0,
                for_whom="me", country=country, region=None, language="es", now=NOW,
                realert=timedelta(minutes=10), team=team,
            )
    await bot.grant(MODERATOR, Role.MODERATOR)
    moderator = bot.person(MODERATOR)
    colombia = texts(await moderator.send("/casestats", chat_id=COLOMBIA_CHAT), COLOMBIA_CHAT)
    assert colombia[0].startswith("Team Colombia only (the fallback group sees every team).")
    assert "\n6 cases opened." in colombia[0] and "Urgent <5" in colombia[0]
    peru = texts(await moderator.send("/casestats", chat_id=PERU_CHAT), PERU_CHAT)
    assert peru[0].startswith("Equipo Perú solamente") and "\n5 casos abiertos." in peru[0]
    everyone = texts(await moderator.send("/casestats", chat_id=STAFF_CHAT_ID), STAFF_CHAT_ID)
    assert "\n11 casos abiertos." in everyone[0] and "Equipo" not in everyone[0]


# The console's moderator mode shows all of it ----------------------------------------------


async def test_the_console_moderator_flags_blocks_sends_a_canned_reply_and_assigns(tmp_path):
    """`ADMIN_IDS=20002 youthbot console --moderator`: the staff chat's moderator (an admin,
    so ⛔ Block works) sends a canned reply, assigns, flags and blocks; the person then gets
    the calm answer with the emergency numbers."""
    import io

    from youthbot.config import Settings
    from youthbot.console import run_console

    script = [
        "2", "1", "2",  # English, I agree, 14 to 17
        "/help", "No, not right now", "Violence at home", "For me", "Peru", "Puno",
        "💬 Talk to a person", "My uncle shouts at me",
        "s1",  # ✋ claim
        "s6", "s3", "s1", "s1",  # 💬 canned reply → "it is not your fault" → its reply → send
        "s7", "s2",  # 👤 assign: the list of colleagues, then back to the card
        "s8", "s2",  # 🚩 flag: abusive (the card's buttons come back)
        "s9", "s1",  # ⛔ block: prank
        "/staff /blocked",
        "Hello?",
    ]
    out = io.StringIO()
    settings = Settings(
        _env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path}/console.sqlite3",
        admin_ids=frozenset({20002}),
    )
    await run_console(
        settings, user_id=10001, language_code="en", stdin=io.StringIO("\n".join(script) + "\n"),
        out=out, moderator_id=20002,
    )
    shown = out.getvalue()
    for label in ("💬 Respuesta preparada", "👤 Asignar", "🚩 Marcar", "⛔ Bloquear"):
        assert f"] {label}\n" in shown
    assert "bot: 💬 Our team: We want you to know something important" in shown
    assert "👤 ¿A qué colega asignas C-" in shown and "  [s1] Moderator\n" in shown
    assert "🚩 Moderator marcó C-" in shown
    assert "⛔ La cuenta detrás de C-" in shown
    assert "bot: Conversations with our team are paused for this account." in shown
    assert "Cuentas bloqueadas (por el caso desde el que se bloquearon):\nC-" in shown
    after = shown.split("> Hello?\n", 1)[1]
    assert "la persona escribió" not in after  # a blocked account's words stay with it


def test_content_check_names_canned_replies_and_teams_problems(tmp_path, monkeypatch, capsys):
    """`youthbot content check` reads the canned replies and the teams with the rest."""
    import shutil

    from youthbot.cli import main

    content = tmp_path / "content"
    shutil.copytree(Path(default_canned_path()).parent, content)
    canned = content / "canned_replies.yaml"
    canned.write_text(canned.read_text(encoding="utf-8").replace(
        "    topic: waiting\n", "    topic: waitin\n", 1), encoding="utf-8")
    teams = content / "teams.yaml"
    teams.write_text(teams.read_text(encoding="utf-8").replace("[BR]", "[XX]"),
                     encoding="utf-8")
    monkeypatch.setenv("CONTENT_DIR", str(content))
    assert main(["content", "check"]) == 1
    err = capsys.readouterr().err
    assert "canned_replies.yaml:" in err and "unknown topic 'waitin' (see topics:)" in err
    assert "teams.yaml:" in err and "unknown country 'XX' (regions.yaml)" in err
