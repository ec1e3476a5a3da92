"""Targeted and scheduled announcements: who receives (country, region, age band, language),
the count per language before sending (1–4 as "<5"), scheduling with an injected clock,
release once, cancel, the /scheduled list, and a person choosing their region."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from activities_support import set_clock
from harness import ADMIN, YOUNG, YOUNG_EN, labels, texts
from sqlalchemy import select
from test_announce import opt_in, received, sender

from youthbot.core import announce
from youthbot.core.announce.audience import Audience
from youthbot.core.people.users import CONSENT_VERSION
from youthbot.db.models import Announcement, User

LANGUAGES = pytest.mark.parametrize("lang", ["es", "en"])
# Wednesday 2 December 2026, 12:00 UTC (07:00 in Lima)
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
WORDS = {
    "es": {"peru": "Perú", "puno": "Puno", "adults": "De 18 a 25", "send": "📣 Enviar",
           "schedule": "🕒 Programar", "cancel": "Cancelarlo", "command": "/anuncio",
           "skip": "Saltar este idioma", "list": "/programados"},
    "en": {"peru": "Peru", "puno": "Puno", "adults": "18 to 25", "send": "📣 Send",
           "schedule": "🕒 Schedule", "cancel": "Cancel it", "command": "/announce",
           "skip": "Skip this language", "list": "/scheduled"},
}  # fmt: skip
# id: (language, country, region, age band)
PEOPLE = {
    801: ("es", "PE", "puno", "18-25"),  # the one a Puno 18+ announcement is for
    802: ("en", "PE", "puno", "18-25"),
    803: ("es", "PE", "puno", "14-17"),  # a 15-year-old in Puno: never 18+ content
    804: ("es", "PE", "lima", "18-25"),  # an adult in Lima: not a Puno workshop
    805: ("es", None, None, "18-25"),  # never chose a region: only untargeted news
}


async def add_people(bot, people: dict = PEOPLE) -> None:
    async with bot.db.session() as session:
        for user_id, (language, country, region, band) in people.items():
            session.add(User(
                id=user_id, language=language, country=country, region=region, age_band=band,
                role="young", notify_announcements=True, consent_version=CONSENT_VERSION,
                notify_reminders=True, blocked=False, created_on=NOW.date(),
                last_seen_on=NOW.date(),
            ))  # fmt: skip


async def admin_writes(bot, lang: str, text: str):
    admin = bot.person(ADMIN, language_code=lang)
    await admin.onboard()
    await admin.send(WORDS[lang]["command"])
    await admin.send(text)
    for _language in bot.deps.catalogs.languages[1:]:  # every other language: skipped
        await admin.press(WORDS[lang]["skip"])
    return admin


def received_by(bot, text: str) -> set[int]:
    return set(received(bot, text))


@LANGUAGES
async def test_a_puno_announcement_for_18_plus_reaches_only_adults_in_puno(bot, lang):
    await add_people(bot)
    words = WORDS[lang]
    admin = await admin_writes(bot, lang, "Taller +18 en Puno")
    calls = await admin.press(words["peru"])
    assert "Puno" in labels(calls)  # the regions of the country chosen appear
    await admin.press(words["puno"])
    calls = await admin.press(words["adults"])
    shown = texts(calls)[-1]
    assert {"es": "Elegido: Puno (Perú) · De 18 a 25",
            "en": "Chosen: Puno (Peru) · 18 to 25"}[lang] in shown  # fmt: skip
    assert f"✓ {words['adults']}" in labels(calls) and f"✓ {words['puno']}" in labels(calls)
    await admin.press(words["send"])
    await sender(bot).run(until_idle=True)
    assert received_by(bot, "Taller +18 en Puno") == {801, 802}


@LANGUAGES
async def test_the_count_per_language_shows_under_five_as_less_than_five(bot, lang):
    many = {900 + i: ("en", "PE", "puno", "14-17") for i in range(6)}
    await add_people(bot, {**PEOPLE, **many})
    words = WORDS[lang]
    admin = await admin_writes(bot, lang, "Hola Puno")
    await admin.press(words["peru"])
    calls = await admin.press(words["puno"])
    expected = {
        # one "<5" with the total shown: the other count is hidden too (9 - 7 would give it away)
        "es": "Español: <5 personas\nInglés: – personas (reciben el texto en español)\n"
              "Portugués: 0 personas (reciben el texto en español)\n"
              "«–» oculta una cifra que revelaría otra más pequeña.\n\nEn total: 9 personas.",
        "en": "Spanish: <5 people\nEnglish: – people (get the Spanish text)\n"
              "Portuguese: 0 people (get the Spanish text)\n"
              "“–” hides a count that would give a smaller one away.\n\nIn all: 9 people.",
    }[lang]  # fmt: skip
    assert texts(calls)[-1].endswith(expected)
    calls = await admin.press({"es": "Español", "en": "Spanish"}[lang])
    assert texts(calls)[-1].endswith(
        {"es": "Español: <5 personas\nInglés: 0 personas (reciben el texto en español)\n"
               "Portugués: 0 personas (reciben el texto en español)\n\nEn total: <5 personas.",
         "en": "Spanish: <5 people\nEnglish: 0 people (get the Spanish text)\n"
               "Portuguese: 0 people (get the Spanish text)\n\nIn all: <5 people."}[lang]
    )  # fmt: skip
    async with bot.db.session() as session:
        audience = Audience(regions=("PE:puno",), languages=("es",))
        assert await announce.recipients_by_language(session, audience) == {"es": 2}


async def test_a_forged_audience_button_changes_nothing(bot):
    await add_people(bot)
    admin = await admin_writes(bot, "es", "Noticias")
    message, _data = admin.find_button("Perú")
    announcement_id = int(_data.split("|")[2])
    for forged in (f"1|ann.aud|{announcement_id}|region|PE:atlantis",
                   f"1|ann.aud|{announcement_id}|age|u14",
                   f"1|ann.aud|{announcement_id}|country|XX"):  # fmt: skip
        await admin.press_data(forged, message)
    async with bot.db.session() as session:
        draft = await session.get(Announcement, announcement_id)
        assert Audience.from_json(draft.audience).everyone


@LANGUAGES
async def test_scheduled_is_released_when_due_once_and_listed_until_then(bot, lang):
    clock = set_clock(bot, NOW)
    await add_people(bot)
    words = WORDS[lang]
    admin = await admin_writes(bot, lang, "Mañana hay feria")
    await admin.press(words["peru"])
    await admin.press(words["puno"])
    calls = await admin.press(words["schedule"])
    assert "America/Lima" in texts(calls)[-1]
    calls = await admin.send("nonsense")
    assert {"es": "No pude leer eso", "en": "I could not read that"}[lang] in texts(calls)[-1]
    calls = await admin.send("3/12 18:00")
    assert {"es": "está programado para el 3 dic 2026, 18:00 (America/Lima)",
            "en": "is scheduled for 3 Dec 2026, 18:00 (America/Lima)"}[lang] in texts(calls)[-1]
    calls = await admin.send(words["list"])
    assert "Mañana hay feria" in texts(calls)[-1] and "Puno (" in texts(calls)[-1]

    await sender(bot).run(until_idle=True)  # not yet: 07:00 in Lima
    assert not received_by(bot, "Mañana hay feria")
    clock.now = datetime(2026, 12, 3, 23, 0, tzinfo=UTC)  # 18:00 in Lima
    await sender(bot).run(until_idle=True)
    assert received_by(bot, "Mañana hay feria") == {801, 802, 803}
    card = [c for c in bot.api.calls if c.method == "editMessageText" and c.chat_id == ADMIN.id]
    # the card with the choices became the progress (in the first text's language, as
    # every announcement's progress)
    assert card[-1].text == (
        "El anuncio n.º 1 ya se entregó.\nEnviados: 3 · No entregados: 0 · Faltan: 0"
    )
    async with bot.db.session() as session:
        assert await announce.release_due(session, now=clock.now + timedelta(days=1)) == []
        (status,) = (await session.scalars(select(Announcement.status))).all()
    assert status == "done"
    calls = await admin.send(words["list"])
    assert texts(calls) == [{"es": "No hay ningún anuncio programado.",
                             "en": "No announcement is scheduled."}[lang]]  # fmt: skip


@LANGUAGES
async def test_a_cancelled_scheduled_announcement_is_never_sent(bot, lang):
    clock = set_clock(bot, NOW)
    await add_people(bot)
    admin = await admin_writes(bot, lang, "Se cancela")
    await admin.press(WORDS[lang]["schedule"])
    await admin.send("3/12 18:00")
    calls = await admin.press(WORDS[lang]["cancel"])
    assert texts(calls) == [{"es": "Cancelado. No se envió nada.",
                             "en": "Cancelled. Nothing was sent."}[lang]]  # fmt: skip
    clock.now = NOW + timedelta(days=3)
    await sender(bot).run(until_idle=True)
    assert not received_by(bot, "Se cancela")


async def test_two_replicas_release_a_due_announcement_once(bot):
    await add_people(bot)
    async with bot.db.session() as session:
        draft = await announce.create_draft(
            session, created_by=None, admin_chat_id=None, language="es", texts={"es": "Una"},
            now=NOW, audience=Audience(regions=("PE:puno",)),
        )  # fmt: skip
        await announce.schedule(
            session, announcement_id=draft.id, at=NOW + timedelta(hours=1), actor_id=None,
            now=NOW,
        )  # fmt: skip
    later = NOW + timedelta(hours=2)
    async with bot.db.session() as first:
        assert await announce.release_due(first, now=later) == [draft.id]
    async with bot.db.session() as second:
        assert await announce.release_due(second, now=later) == []
    set_clock(bot, later)
    await sender(bot).run(until_idle=True)
    assert received(bot, "Una") == {801: 1, 802: 1, 803: 1}


@LANGUAGES
async def test_a_person_chooses_their_region_in_the_settings(bot, lang):
    persona = {"es": YOUNG, "en": YOUNG_EN}[lang]
    person = bot.person(persona)
    await opt_in(bot, persona)
    await person.send("/menu")
    await person.press(action="settings")
    calls = await person.press(action="ann.place")
    assert WORDS[lang]["peru"] in labels(calls)
    await person.press(WORDS[lang]["peru"])
    calls = await person.press("Puno")
    assert {"es": "Guardado: Puno (Perú).", "en": "Saved: Puno (Peru)."}[lang] in texts(calls)[0]
    async with bot.db.session() as session:
        user = await session.get(User, persona.id)
        assert (user.country, user.region) == ("PE", "puno")
    calls = await person.press(action="settings")
    assert {"es": "📍 Mi región: Puno (Perú)",
            "en": "📍 My region: Puno (Peru)"}[lang] in labels(calls)  # fmt: skip
