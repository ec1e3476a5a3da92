"""Get help: danger first, matching vetted services, suspended or expired ones never shown."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from factories import make_service
from harness import ADMIN, GROUP_CHAT_ID, STAFF_CHAT_ID, YOUNG, YOUNG_EN, labels, texts
from sqlalchemy import select

from youthbot.bot.runtime import callbacks
from youthbot.bot.runtime.turn import button
from youthbot.core.help.directory import TOPICS, Channel, Service
from youthbot.db.models import AuditEntry, Case, OpenCase, ServiceOverride

# 10:00 in Lima, within the default staff hours (08:00-20:00).
DAY = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
NIGHT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 03:00 in Lima
PERSONAS = pytest.mark.parametrize("persona", [YOUNG, YOUNG_EN], ids=["es", "en"])

T = {
    "es": {
        "question": "🆘 Hiciste bien en pedir ayuda. Primero: ¿estás en peligro ahora mismo?",
        "first_line": "📞 En una emergencia, llama al 105 (Policía Nacional del Perú: "
                      "emergencias 105).",
        "yes": "🚨 Sí, estoy en peligro",
        "no": "No, ahora no",
        "numbers": "🚨 Si estás en peligro ahora mismo, llama ya",
        "offer": "¿Quieres hablar ahora con una persona de nuestro equipo?",
        "topic": "Violencia en casa",
        "me": "Para mí",
        "friend": "Para una amiga o amigo",
        "peru": "Perú",
        "not_say": "Prefiero no decirlo",
        "person": "💬 Hablar con una persona",
        "back": "⬅️ Volver",
        "done": "✅ Eso es todo",
        "intro": "Estos servicios te pueden ayudar.",
        "nothing": "No encontré un servicio para esto donde estás.",
        "bye": "Cuídate. 💙",
        "clear": "🧹 Para borrar este chat: ⚙️ Ajustes → 🧹 Borrar este chat.",
    },
    "en": {
        "question": "🆘 You did the right thing by asking. First: are you in danger right now?",
        "first_line": "📞 In an emergency, call 105 (Peruvian National Police: emergency 105).",
        "yes": "🚨 Yes, I am in danger",
        "no": "No, not right now",
        "numbers": "🚨 If you are in danger right now, call one of these numbers now",
        "offer": "Do you want to talk to a person from our team now?",
        "topic": "Violence at home",
        "me": "For me",
        "friend": "For a friend",
        "peru": "Peru",
        "not_say": "I prefer not to say",
        "person": "💬 Talk to a person",
        "back": "⬅️ Back",
        "done": "✅ That's all",
        "intro": "These services can help you.",
        "nothing": "I could not find a service for this where you are.",
        "bye": "Take care. 💙",
        "clear": "🧹 To clear this chat: ⚙️ Settings → 🧹 Clear this chat.",
    },
}


def service(id: str, **changes: object) -> Service:
    """A visible national Peruvian service about violence at home; `changes` override."""
    fields: dict[str, object] = dict(
        name={"es": f"Servicio {id}", "en": f"Service {id}"},
        description={"es": "Te escuchan.", "en": "They listen."},
        topics=("violence_home",),
        channels=(Channel("phone", "0800 12345"),),
        hours={"es": "Lunes a viernes", "en": "Monday to Friday"},
    )
    fields.update(changes)
    return make_service(id, **fields)


def directory(bot, *services: Service) -> None:
    """Replace the shipped directory with `services` plus the shipped emergency lines."""
    emergency = [s for s in bot.deps.content.services if s.emergency]
    bot.deps.content.services = [*services, *emergency]


async def walk_to_services(person, lang: str, *, region: str | None, country: str = "peru"):
    """/help → not in danger → violence at home → for me → country → region."""
    await person.send("/help")
    await person.press(T[lang]["no"])
    await person.press(T[lang]["topic"])
    await person.press(T[lang]["me"])
    calls = await person.press(T[lang][country])
    if region is not None:
        calls = await person.press(region)
    return calls


@pytest.fixture(autouse=True)
def daytime(bot):
    bot.deps.clock = lambda: DAY


# Danger first ---------------------------------------------------------------------------------


@PERSONAS
async def test_danger_yes_shows_emergency_numbers_in_the_very_first_reply(bot, persona):
    lang = persona.language_code
    person = bot.person(persona)
    await person.onboard()
    calls = await person.send("/ayuda" if lang == "es" else "/help")
    # the first screen already shows the country's first emergency number, before any question
    assert texts(calls) == [
        T[lang]["first_line"] + "\n\n" + T[lang]["question"] + "\n\n" + T[lang]["clear"]
    ]
    assert labels(calls)[:2] == [T[lang]["yes"], T[lang]["no"]]

    calls = await person.press(T[lang]["yes"])
    assert [c.chat_id for c in calls if c.method != "answerCallbackQuery"][0] == persona.id
    shown = texts(calls, persona.id)
    assert shown[0].startswith(T[lang]["numbers"])
    assert "📞 105" in shown[0] and "📞 100" in shown[0]  # Peru's police and Línea 100
    assert shown[0].index("📞 105") < shown[0].index("📞 100")  # immediate danger: 105 first
    assert shown[1].startswith(T[lang]["offer"])
    assert labels([c for c in calls if c.chat_id == persona.id])[0] == T[lang]["person"]
    # the team is alerted as urgent at once, without anything that identifies the person
    to_staff = texts(calls, STAFF_CHAT_ID)
    assert len(to_staff) == 1 and to_staff[0].startswith("🚨 Alguien acaba de decir")
    # staff are told which numbers the person was actually shown
    assert ("105 (Policía Nacional del Perú: emergencias 105), 100 (Línea 100)"
            in to_staff[0])
    for secret in (persona.first_name, persona.username, str(persona.id)):
        assert secret not in to_staff[0]
    # nothing was asked before the numbers; no case opens until they ask for a person
    async with bot.db.session() as s:
        assert (await s.scalars(select(Case))).all() == []


async def test_danger_yes_works_before_agreeing_and_from_the_menu_button(bot):
    person = bot.person(YOUNG_EN)
    await person.send("/start")
    await person.press("English")
    calls = await person.press("🆘 Get help")  # on the privacy notice, before any agreement
    assert texts(calls) == [
        T["en"]["first_line"] + "\n\n" + T["en"]["question"] + "\n\n" + T["en"]["clear"]
    ]
    calls = await person.press(T["en"]["yes"])
    assert "📞 105" in texts(calls)[0]


async def test_another_country_shows_its_emergency_numbers(bot):
    person = bot.person(YOUNG_EN)
    await person.onboard()
    await person.send("/help")
    await person.press(T["en"]["yes"])
    await person.press("🌎 I am in another country")
    calls = await person.press("Colombia")
    assert "📞 123" in texts(calls)[0] and "📞 141" in texts(calls)[0]
    assert "105" not in texts(calls)[0]


async def test_danger_yes_then_a_person_opens_an_urgent_case(bot):
    bot.api.forum_chats.add(STAFF_CHAT_ID)
    person = bot.person(YOUNG)
    await person.onboard(age_band="u14")  # anonymous people can still reach a person
    await person.send("/help")
    await person.press(T["es"]["yes"])
    calls = await person.press(T["es"]["person"])
    assert "Tu número de caso es C-" in texts(calls, YOUNG.id)[0]
    staff = texts(calls, STAFF_CHAT_ID)
    assert staff[0].startswith("🚨 URGENTE · Caso C-")
    assert staff[1].startswith("🚨 URGENTE: C-")
    assert "105 (Policía Nacional del Perú: emergencias 105), 100 (Línea 100)" in staff[1]
    async with bot.db.session() as s:
        case = (await s.scalars(select(Case))).one()
    assert case.urgent and case.topic == "unknown" and case.status == "open"


# Matching -------------------------------------------------------------------------------------


@PERSONAS
async def test_matching_with_a_region_shows_regional_services_first(bot, persona):
    lang = persona.language_code
    directory(
        bot,
        service("pe-national"),
        service("pe-puno", regions=("puno",), channels=(Channel("web", "https://puno.example"),)),
        service("pe-loreto", regions=("loreto",)),
        service("pe-other-topic", topics=("legal",)),
    )
    person = bot.person(persona)
    await person.onboard()
    calls = await walk_to_services(person, lang, region="Puno")
    text = texts(calls)[0]
    assert text.startswith(T[lang]["intro"])
    name = "Servicio" if lang == "es" else "Service"
    assert text.index(f"{name} pe-puno") < text.index(f"{name} pe-national")
    assert "pe-loreto" not in text and "pe-other-topic" not in text
    assert "0800 12345" in text  # the phone number written plainly: Telegram makes it tappable
    buttons = [b for row in calls[-1].buttons for b in row]
    assert {"text": f"🌐 {name} pe-puno", "url": "https://puno.example"} in buttons
    assert labels(calls)[-5:-2] == [T[lang]["person"], T[lang]["back"], T[lang]["done"]]


@PERSONAS
async def test_matching_without_a_region_or_country_shows_national_services(bot, persona):
    lang = persona.language_code
    directory(bot, service("pe-national"), service("pe-puno", regions=("puno",)))
    person = bot.person(persona)
    await person.onboard()
    calls = await walk_to_services(person, lang, region=T[lang]["not_say"])
    assert "pe-national" in texts(calls)[0] and "pe-puno" not in texts(calls)[0]

    calls = await walk_to_services(person, lang, region=None, country="not_say")
    assert "pe-national" in texts(calls)[0] and "pe-puno" not in texts(calls)[0]
    assert ("Perú" if lang == "es" else "Peru") in texts(calls)[0]  # says whose services


async def test_a_friend_and_the_way_back_and_out(bot):
    directory(bot, service("pe-national"))
    person = bot.person(YOUNG)
    await person.onboard()
    await person.send("/help")
    await person.press(T["es"]["no"])
    await person.press(T["es"]["topic"])
    await person.press(T["es"]["friend"])
    await person.press(T["es"]["peru"])
    calls = await person.press("Lima Metropolitana")
    assert texts(calls)[0].startswith("Estos servicios pueden ayudar a tu amiga o amigo")
    calls = await person.press(T["es"]["back"])
    assert texts(calls) == ["¿Y en qué región?"]
    await person.press("Loreto")
    calls = await person.press(T["es"]["done"])
    assert texts(calls)[0].startswith(T["es"]["bye"])


@PERSONAS
async def test_nothing_matching_shows_emergency_numbers_and_a_person(bot, persona):
    lang = persona.language_code
    bot.deps.content.services = [
        service("pe-legal", topics=("legal",)),
        service("pe-sos", topics=("trafficking",), emergency=True,
                channels=(Channel("phone", "105"),)),
    ]
    person = bot.person(persona)
    await person.onboard()
    calls = await walk_to_services(person, lang, region="Puno")
    assert texts(calls)[0].startswith(T[lang]["nothing"])
    assert "📞 105" in texts(calls)[0]
    assert T[lang]["person"] in labels(calls)


async def test_suspended_expired_and_pending_services_are_never_shown(bot):
    directory(
        bot,
        service("pe-ok"),
        service("pe-suspended", status="suspended"),
        service("pe-expired", review_due=date(2026, 11, 22)),
        service("pe-pending", status="pending", vetted_by=None, vetted_on=None),
    )
    person = bot.person(YOUNG)
    await person.onboard()
    text = texts(await walk_to_services(person, "es", region="Puno"))[0]
    assert "pe-ok" in text
    for hidden in ("pe-suspended", "pe-expired", "pe-pending"):
        assert hidden not in text


async def test_an_admin_suspends_and_reactivates_a_service_at_once(bot):
    directory(bot, service("pe-ok"), service("pe-other"))
    admin = bot.person(ADMIN)
    person = bot.person(YOUNG)
    await person.onboard()

    calls = await admin.send("/service suspend pe-ok")
    assert texts(calls)[0].startswith("Suspendido: Servicio pe-ok (pe-ok).")
    text = texts(await walk_to_services(person, "es", region="Puno"))[0]
    assert "pe-ok" not in text and "pe-other" in text

    await admin.send("/service activate pe-ok")
    text = texts(await walk_to_services(person, "es", region="Puno"))[0]
    assert "pe-ok" in text
    async with bot.db.session() as s:
        assert (await s.scalars(select(ServiceOverride))).all() == []
        audit = (await s.scalars(select(AuditEntry).order_by(AuditEntry.id))).all()
    assert [(a.actor_id, a.action, a.target) for a in audit][-2:] == [
        (ADMIN.id, "service.suspend", "pe-ok"),
        (ADMIN.id, "service.activate", "pe-ok"),
    ]


async def test_only_admins_suspend_services(bot):
    person = bot.person(YOUNG)
    await person.onboard()
    calls = await person.send("/service suspend pe-linea-100")
    assert len(texts(calls)) == 1 and "Suspendido" not in texts(calls)[0]
    async with bot.db.session() as s:
        assert (await s.scalars(select(ServiceOverride))).all() == []


async def test_a_suspended_file_service_is_reactivated_by_an_override(bot):
    directory(bot, service("pe-stopped", status="suspended"))
    admin = bot.person(ADMIN)
    calls = await admin.send("/service activate pe-stopped")
    assert texts(calls)[0].startswith("Activo otra vez")
    person = bot.person(YOUNG)
    await person.onboard()
    assert "pe-stopped" in texts(await walk_to_services(person, "es", region="Puno"))[0]
    calls = await admin.send("/service")
    assert "✅ pe-stopped · activo" in texts(calls)[0]


# Talking to a person --------------------------------------------------------------------------


@PERSONAS
async def test_talking_to_a_person_says_who_answers_when_and_how_to_stop(bot, persona):
    lang = persona.language_code
    person = bot.person(persona)
    await person.onboard()
    await walk_to_services(person, lang, region="Puno")
    calls = await person.press(T[lang]["person"])
    text = texts(calls, persona.id)[0]
    number = text.split("C-")[1][:4]
    if lang == "es":
        assert "Quién responde: personas capacitadas" in text
        assert "entre las 08:00 y las 20:00" in text and "/parar" in text
    else:
        assert "Who answers: trained staff" in text
        assert "between 08:00 and 20:00" in text and "/stop" in text
    async with bot.db.session() as s:
        case = (await s.scalars(select(Case))).one()
        link = (await s.scalars(select(OpenCase))).one()
    assert case.number == f"C-{number}" and link.user_id == persona.id
    assert (case.topic, case.for_whom, case.country, case.region, case.language) == (
        "violence_home", "me", "PE", "puno", lang
    )
    assert len(texts(calls, persona.id)) == 1  # daytime: no "we are closed" message


async def test_outside_staff_hours_the_person_is_told_when_and_shown_24_hour_lines(bot):
    bot.deps.clock = lambda: NIGHT
    person = bot.person(YOUNG_EN)
    await person.onboard()
    await person.send("/help")
    await person.press(T["en"]["yes"])
    calls = await person.press(T["en"]["person"])
    shown = texts(calls, YOUNG_EN.id)
    assert shown[1].startswith("Right now our team is not working. They are back on 23 Nov 2026")
    assert "08:00" in shown[1] and "Lima" in shown[1]
    assert "📞 105" in shown[1]


async def test_one_open_case_at_a_time(bot):
    person = bot.person(YOUNG)
    await person.onboard()
    data = callbacks.pack("help.person", 3, "me", "PE", "puno", 0)
    await person.press_data(data)
    calls = await person.press_data(data)
    assert texts(calls)[0].startswith("Tu conversación con nuestro equipo (C-")
    assert "ya está abierta" in texts(calls)[0]
    async with bot.db.session() as s:
        assert len((await s.scalars(select(Case))).all()) == 1


async def test_talking_to_a_person_without_a_staff_chat_gives_the_numbers(bot):
    bot.deps.settings.staff_chat_id = None
    try:
        person = bot.person(YOUNG)
        await person.onboard()
        calls = await person.press_data(callbacks.pack("help.person", 3, "me", "PE", "-", 0))
    finally:
        bot.deps.settings.staff_chat_id = STAFF_CHAT_ID
    assert texts(calls)[0].startswith("Lo siento, ahora no se puede hablar con una persona.")
    assert "📞 105" in texts(calls)[0]


@pytest.mark.parametrize(
    "data",
    [
        callbacks.pack("help.topic", 99),
        callbacks.pack("help.whom", 1, "enemy"),
        callbacks.pack("help.where", 1, "me", "XX"),
        callbacks.pack("help.region", 1, "me", "PE", "atlantis"),
        callbacks.pack("help.person", len(TOPICS), "me", "PE", "-", 0),
        callbacks.pack("help.person", 1, "me", "PE", "-", 7),
        callbacks.pack("help.person", 1, "me", "ZZ", "-", 0),
        callbacks.pack("help.person", 1, "me", "PE", "narnia", 0),
    ],
)
async def test_forged_help_buttons_change_nothing(bot, data):
    person = bot.person(YOUNG)
    await person.onboard()
    calls = await person.press_data(data)
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    async with bot.db.session() as s:
        assert (await s.scalars(select(Case))).all() == []


async def test_help_in_a_group_points_to_a_private_chat(bot):
    calls = await bot.person(YOUNG).send("/help", chat_id=GROUP_CHAT_ID)
    assert texts(calls)[0].startswith("Para pedir ayuda en privado, escríbeme en un chat privado.")
    assert calls[-1].buttons[0][0]["url"].startswith("https://t.me/")
    calls = await bot.person(ADMIN).send("/help", chat_id=STAFF_CHAT_ID)
    assert texts(calls)[0].startswith("Los casos aparecen aquí")


async def test_every_help_screen_carries_other_features_buttons(bot):
    """The hook other features use (quick exit) puts their button on every help screen."""
    bot.deps.extras.setdefault("help_screen_buttons", []).append(
        lambda turn: [button("🧪 Extra", "menu")]
    )
    person = bot.person(YOUNG)
    await person.onboard()
    for step in ("/help", T["es"]["no"], T["es"]["topic"], T["es"]["me"], T["es"]["peru"],
                 "Puno"):
        calls = await (person.send(step) if step.startswith("/") else person.press(step))
        assert "🧪 Extra" in labels(calls), step
