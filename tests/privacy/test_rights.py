"""Privacy that keeps its promise (issue 17): the complete notice at /privacidad, a changed
notice shown again, what under-14s and people who declined keep (and are told), "Mis datos",
correcting the age group and region, withdrawing agreement without deleting the account."""

from __future__ import annotations

from datetime import timedelta

import pytest
from harness import LEADER, YOUNG, YOUNG_EN, labels, texts
from sqlalchemy import func, select

from youthbot.bot.runtime import callbacks
from youthbot.core.people import users
from youthbot.core.people.roles import Role
from youthbot.db.models import (
    Activity,
    ActivityJoin,
    Case,
    CaseMessage,
    QuizAnswer,
    QuizAttempt,
    QuizBadge,
    User,
)
from youthbot.db.types import utcnow

PERSONAS = [YOUNG, YOUNG_EN]
LANGS = ["es", "en"]
MY_DATA = {"es": "/mis_datos", "en": "/my_data"}
NOTICE_COMMAND = {"es": "/privacidad", "en": "/privacy"}
FULL = {
    "es": [
        "📄 Aviso de privacidad (versión {version})",
        "QUIÉN MANEJA ESTE BOT",
        "tu cuenta de Telegram (un número que la identifica, no tu nombre",
        "QUIÉN RECIBE QUÉ",
        "El equipo de moderación, personal capacitado de organizaciones aliadas",
        "Telegram lleva y guarda cada mensaje de este chat en sus propios servidores, fuera del "
        "Perú",
        "se borran {days} días después de que terminan",
        "TUS DERECHOS",
        "/mis_datos",
        "/borrar",
    ],
    "en": [
        "📄 Privacy notice (version {version})",
        "WHO RUNS THIS BOT",
        "your Telegram account (a number that identifies it, not your name",
        "WHO RECEIVES WHAT",
        "Moderators, trained staff of partner organisations",
        "Telegram carries and stores every message of this chat on its own servers, outside "
        "Peru",
        "deleted {days} days after they end",
        "YOUR RIGHTS",
        "/my_data",
        "/delete_my_data",
    ],
}
SHORT = {"es": "Antes de empezar, así te cuidamos", "en": "Before we start, how we look"}
CHANGED = {"es": "Cambiamos nuestro aviso de privacidad.", "en": "We have changed our privacy"}


async def read_user(bot, user_id: int) -> User:
    async with bot.db.session() as session:
        return await session.get(User, user_id)


async def rows(bot, model, user_id: int) -> int:
    async with bot.db.session() as session:
        return await session.scalar(
            select(func.count()).select_from(model).where(model.user_id == user_id)
        )


async def finish_a_quiz(person) -> None:
    """Answer every question of the first quiz, stored or anonymous play alike."""
    await person.send("/quiz")
    await person.press(action="quiz.open")
    await person.press(action="quiz.start")
    for _ in range(12):
        for action in ("quiz.ans", "quiz.anon"):
            try:
                message, data = person.find_button(action=action)
                break
            except AssertionError:
                message = None
        if message is None:
            return
        calls = await person.press_data(data, message)
        if not any(c.buttons and any(a in str(c.buttons) for a in ("quiz.ans", "quiz.anon"))
                   for c in calls):
            return
    raise AssertionError("the quiz did not end")


async def join_an_activity(bot, user_id: int) -> None:
    async with bot.db.session() as session:
        activity = Activity(
            leader_id=None, status="approved", title="Taller de derechos",
            starts_at=utcnow() + timedelta(days=3), country="PE", region="lima",
        )
        session.add(activity)
        await session.flush()
        session.add(ActivityJoin(activity_id=activity.id, user_id=user_id))
        await session.commit()


# The notice ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS, ids=LANGS)
async def test_the_complete_notice_can_be_read_again_at_any_time(bot, persona):
    lang = persona.language_code
    bot.deps.settings.org_name = "Asociación Ejemplo"
    bot.deps.settings.privacy_contact = "datos@ejemplo.pe"
    person = bot.person(persona)
    await person.onboard()
    calls = await person.send(NOTICE_COMMAND[lang])
    notice = "\n".join(texts(calls))
    for part in FULL[lang]:
        assert part.format(
            version=users.CONSENT_VERSION, days=bot.deps.settings.case_retention_days
        ) in notice
    assert "Asociación Ejemplo" in notice and "datos@ejemplo.pe" in notice
    assert "Autoridad Nacional de Protección de Datos Personales" in notice
    assert "número de Telegram" not in notice and "Telegram number" not in notice
    # the same from the settings
    await person.send("/settings")
    await person.press(action="privacy.menu")
    calls = await person.press(action="privacy.notice")
    assert texts(calls)[0] == notice


@pytest.mark.parametrize("persona", PERSONAS, ids=LANGS)
async def test_a_changed_notice_is_shown_again_at_the_next_message_and_once(
    bot, persona, monkeypatch
):
    lang = persona.language_code
    person = bot.person(persona)
    await person.onboard()
    monkeypatch.setattr(users, "CONSENT_VERSION", users.CONSENT_VERSION + 1)
    calls = await person.send("/quiz")  # any interaction, not only the menu
    shown = texts(calls)
    assert shown[0].startswith({"es": "🧠 Quizzes", "en": "🧠 Quizzes"}[lang])
    assert shown[-1].startswith(CHANGED[lang]) and SHORT[lang] in shown[-1]
    user = await read_user(bot, persona.id)
    assert user.notice_version == users.CONSENT_VERSION and users.is_anonymous(user)
    calls = await person.send("/quiz")  # not again
    assert not any(CHANGED[lang] in t for t in texts(calls))
    await person.press(action="consent")
    await person.press_data(callbacks.pack("age", "18-25"), person.find_button(action="age")[0])
    user = await read_user(bot, persona.id)
    assert user.consent_version == users.CONSENT_VERSION and not users.is_anonymous(user)


async def test_a_changed_notice_waits_after_a_quick_exit(bot, monkeypatch):
    person = bot.person(YOUNG)
    await person.onboard()
    monkeypatch.setattr(users, "CONSENT_VERSION", users.CONSENT_VERSION + 1)
    calls = await person.send("/salir")
    assert not any(CHANGED["es"] in t for t in texts(calls))


# Under 14 and declining ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS, ids=LANGS)
async def test_an_under_14_is_told_the_truth_and_only_that_is_kept(bot, persona):
    lang = persona.language_code
    person = bot.person(persona)
    await person.send("/start")
    await person.press_data(
        callbacks.pack("lang.first", lang), person.find_button(action="lang.first")[0]
    )
    await person.press(action="consent")
    calls = await person.press_data(
        callbacks.pack("age", "u14"), person.find_button(action="age")[0]
    )
    told = {
        "es": "solo guardamos tu cuenta de Telegram, tu idioma y tu grupo de edad",
        "en": "we keep only your Telegram account, your language and your age group",
    }
    assert told[lang] in texts(calls)[0]
    # a quiz started and one answered: nothing of it is stored, not even in progress
    await person.send("/quiz")
    await person.press(action="quiz.open")
    await person.press(action="quiz.start")
    await person.press(action="quiz.anon")
    for model in (QuizAttempt, QuizAnswer, QuizBadge):
        assert await rows(bot, model, persona.id) == 0
    # asking for help still works, and the conversation is kept for the team
    await person.ask_for_a_person_in_danger()
    await person.send("Tengo miedo")
    async with bot.db.session() as session:
        case = await session.scalar(select(Case).where(Case.user_id == persona.id))
        assert case is not None and case.age_band == "u14"
        assert await session.scalar(
            select(func.count()).select_from(CaseMessage).where(CaseMessage.case_id == case.id)
        )
    user = await read_user(bot, persona.id)
    assert (user.region, user.country, user.notify_announcements) == (None, None, False)


@pytest.mark.parametrize("persona", PERSONAS, ids=LANGS)
async def test_declining_gives_a_usable_menu(bot, persona):
    lang = persona.language_code
    person = bot.person(persona)
    await person.send("/start")
    await person.press_data(
        callbacks.pack("lang.first", lang), person.find_button(action="lang.first")[0]
    )
    calls = await person.press({"es": "No, gracias", "en": "No, thanks"}[lang])
    menu = {"es": ["🧠 Quizzes", "📅 Actividades", "🆘 Pedir ayuda", "⚙️ Ajustes"],
            "en": ["🧠 Quizzes", "📅 Activities", "🆘 Get help", "⚙️ Settings"]}[lang]
    assert labels(calls) == menu
    calls = await person.send("/menu")
    assert labels(calls) == menu
    # quizzes are playable and nothing is stored
    await finish_a_quiz(person)
    assert await rows(bot, QuizAttempt, persona.id) == 0
    # the settings say how to agree now
    await person.send("/settings")
    calls = await person.press(action="privacy.menu")
    agree = {"es": "✅ Leer el aviso y aceptar", "en": "✅ Read the notice and agree"}[lang]
    assert agree in labels(calls)
    calls = await person.press(agree)
    assert texts(calls)[0].startswith(SHORT[lang])
    await person.press(action="consent")
    await person.press_data(callbacks.pack("age", "14-17"), person.find_button(action="age")[0])
    assert users.has_consented(await read_user(bot, persona.id))


async def test_a_leader_who_declines_is_told_what_their_role_keeps(bot):
    await bot.grant(LEADER, Role.LEADER)
    person = bot.person(LEADER)
    await person.send("/start")
    await person.press("Español")
    calls = await person.press("No, gracias")
    text = texts(calls)[0]
    assert "aunque no hayas aceptado el aviso de privacidad, guardamos tu cuenta de Telegram" in (
        text
    )
    assert "Solo guardamos tu idioma" not in text


# My data -------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS, ids=LANGS)
async def test_my_data_shows_everything_kept(bot, persona):
    lang = persona.language_code
    person = bot.person(persona)
    await person.onboard()
    await finish_a_quiz(person)
    await join_an_activity(bot, persona.id)
    await person.ask_for_a_person_in_danger()
    await person.send("Necesito hablar")
    await person.send("/settings")
    assert {"es": "📋 Mis datos", "en": "📋 My data"}[lang] in labels(bot.api.calls[-1:])
    await person.press(action="privacy.menu")
    await person.press(action="privacy.region")
    await person.press_data(
        callbacks.pack("privacy.setregion", "PE", "puno"),
        person.find_button(action="privacy.setregion")[0],
    )
    calls = await person.send(MY_DATA[lang])
    shown = texts(calls)[0]
    quiz = bot.deps.content.quizzes[0]
    async with bot.db.session() as session:
        number = await session.scalar(select(Case.number).where(Case.user_id == persona.id))
    expected = {
        "es": ["📋 Lo que guardamos sobre ti", f"el número {persona.id}", "Idioma: Español",
               "Grupo de edad: De 14 a 17", "Región: Puno, Perú", "versión", "Rol: ",
               quiz.title_in("es"), "mejor puntaje", "Taller de derechos",
               f"{number} (", "1 tuyos"],
        "en": ["📋 What we keep about you", f"the number {persona.id}", "Language: English",
               "Age group: 14 to 17", "Region: Puno, Peru", "version", "Role: ",
               quiz.title_in("en"), "best score", "Taller de derechos",
               f"{number} (", "1 from you"],
    }[lang]
    for part in expected:
        assert part in shown, (part, shown)


async def test_the_region_is_checked_against_the_list(bot):
    person = bot.person(YOUNG)
    await person.onboard()
    calls = await person.press_data(callbacks.pack("privacy.setregion", "PE", "atlantis"))
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert (await read_user(bot, YOUNG.id)).region is None


# Correcting the age group, withdrawing -------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS, ids=LANGS)
async def test_changing_to_under_14_deletes_what_under_14s_do_not_keep(bot, persona):
    lang = persona.language_code
    person = bot.person(persona)
    await person.onboard()
    await finish_a_quiz(person)
    await join_an_activity(bot, persona.id)
    async with bot.db.session() as session:
        (await session.get(User, persona.id)).region = "lima"
        await session.commit()
    assert await rows(bot, QuizAnswer, persona.id) > 0
    await person.send("/settings")
    await person.press(action="privacy.menu")
    await person.press(action="privacy.age")
    calls = await person.press_data(
        callbacks.pack("privacy.setage", "u14"), person.find_button(action="privacy.setage")[0]
    )
    told = {"es": "borramos tus respuestas y tu avance en los quizzes",
            "en": "we deleted your quiz answers and progress"}[lang]
    assert told in texts(calls)[0]
    for model in (QuizAnswer, QuizAttempt, QuizBadge, ActivityJoin):
        assert await rows(bot, model, persona.id) == 0
    user = await read_user(bot, persona.id)
    assert (user.age_band, user.region) == ("u14", None)
    assert users.has_consented(user) and users.is_anonymous(user)


@pytest.mark.parametrize("persona", PERSONAS, ids=LANGS)
async def test_withdrawing_agreement_keeps_the_account_and_says_what_remains(bot, persona):
    lang = persona.language_code
    person = bot.person(persona)
    await person.onboard()
    await finish_a_quiz(person)
    await person.send("/settings")
    await person.press(action="privacy.menu")
    await person.press(action="privacy.askwd")
    calls = await person.press_data(
        callbacks.pack("privacy.withdraw", "1"), person.find_button(action="privacy.withdraw")[0]
    )
    told = {"es": "Solo guardamos tu cuenta de Telegram y tu idioma",
            "en": "We keep only your Telegram account and your language"}[lang]
    assert told in texts(calls)[0]
    user = await read_user(bot, persona.id)
    assert user is not None and user.language == lang
    assert (user.consent_version, user.age_band) == (None, None)
    for model in (QuizAnswer, QuizAttempt, QuizBadge):
        assert await rows(bot, model, persona.id) == 0
    calls = await person.send("/menu")
    assert {"es": "No aceptaste el aviso", "en": "You did not agree"}[lang] in texts(calls)[0]


async def test_keeping_the_agreement_changes_nothing(bot):
    person = bot.person(YOUNG)
    await person.onboard()
    await finish_a_quiz(person)
    before = await rows(bot, QuizAnswer, YOUNG.id)
    calls = await person.press_data(callbacks.pack("privacy.withdraw", "0"))
    assert "No cambiamos nada." in texts(calls)[0]
    assert await rows(bot, QuizAnswer, YOUNG.id) == before
    assert users.has_consented(await read_user(bot, YOUNG.id))


@pytest.mark.parametrize("lang", LANGS)
async def test_my_data_shows_a_leaders_registrations_and_counts_notes_without_authors(bot, lang):
    from harness import MODERATOR

    persona = {"es": LEADER, "en": YOUNG_EN}[lang]
    await bot.grant(persona, Role.LEADER)
    person = bot.person(persona)
    await person.onboard()
    await person.ask_for_a_person_in_danger()
    await person.send("Hola")
    async with bot.db.session() as session:
        session.add(Activity(leader_id=persona.id, status="pending", title="Feria de derechos"))
        case = await session.scalar(select(Case).where(Case.user_id == persona.id))
        session.add(CaseMessage(case_id=case.id, sender="note", author_id=MODERATOR.id,
                                text="nota interna"))
        session.add(CaseMessage(case_id=case.id, sender="staff", author_id=MODERATOR.id,
                                text="Hola, te escucho"))
        await session.commit()
    calls = await person.send(MY_DATA[lang])
    shown = texts(calls)[0]
    expected = {
        "es": ["Actividades que registraste:", "Feria de derechos", "Reportes que escribiste: 0",
               "1 tuyos, 1 del equipo, 1 notas internas del equipo",
               "Rol: líder de grupo juvenil"],
        "en": ["Activities you registered:", "Feria de derechos", "Reports you wrote: 0",
               "1 from you, 1 from the team, 1 internal notes of the team",
               "Role: youth group leader"],
    }[lang]
    for part in expected:
        assert part in shown, (part, shown)
    for secret in (str(MODERATOR.id), MODERATOR.first_name, "nota interna", "te escucho"):
        assert secret not in shown
