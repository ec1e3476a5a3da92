"""Get help with the shipped directory: a person in Puno, the legal topic, Chat 100, ages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from harness import YOUNG, YOUNG_EN, texts

DAY = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)
PERSONAS = pytest.mark.parametrize("persona", [YOUNG, YOUNG_EN], ids=["es", "en"])

T = {
    "es": {
        "no": "No, ahora no",
        "violence_home": "Violencia en casa",
        "legal": "Ayuda legal o documentos",
        "grooming": "Grooming, sextorsión o imágenes compartidas",
        "me": "Para mí",
        "friend": "Para una amiga o amigo",
        "peru": "Perú",
        "cem_puno": "📌 Centros Emergencia Mujer (CEM) en Puno",
        "linea_100": "📌 Línea 100",
        "anna": "📌 Línea ANNA 1810",
        "demuna": "📌 DEMUNA de tu municipalidad",
        "defensoria": "📌 Defensoría del Pueblo",
        "cem_loreto": "📌 Centros Emergencia Mujer (CEM) en Loreto",
    },
    "en": {
        "no": "No, not right now",
        "violence_home": "Violence at home",
        "legal": "Legal help or documents",
        "grooming": "Online grooming, sextortion or images shared",
        "me": "For me",
        "friend": "For a friend",
        "peru": "Peru",
        "cem_puno": "📌 Women's Emergency Centres (CEM) in Puno",
        "linea_100": "📌 Línea 100 (helpline 100)",
        "anna": "📌 ANNA line 1810",
        "demuna": "📌 DEMUNA at your town hall",
        "defensoria": "📌 Ombudsman's Office (Defensoría del Pueblo)",
        "cem_loreto": "📌 Women's Emergency Centres (CEM) in Loreto",
    },
}


@pytest.fixture(autouse=True)
def daytime(bot):
    bot.deps.clock = lambda: DAY


async def walk(person, lang: str, topic: str, region: str, whom: str = "me"):
    """/help → not in danger → topic → for whom → Peru → region: the services shown."""
    await person.send("/help")
    await person.press(T[lang]["no"])
    await person.press(T[lang][topic])
    await person.press(T[lang][whom])
    await person.press(T[lang]["peru"])
    return await person.press(region)


def link_buttons(calls) -> list[dict]:
    return [b for row in calls[-1].buttons for b in row if "url" in b]


@PERSONAS
async def test_puno_violence_at_home_shows_the_puno_centres_before_the_national_lines(
    bot, persona
):
    lang = persona.language_code
    person = bot.person(persona)
    await person.onboard()
    text = texts(await walk(person, lang, "violence_home", "Puno"))[0]
    puno = text.index(T[lang]["cem_puno"])
    assert puno < text.index(T[lang]["linea_100"]) and puno < text.index(T[lang]["anna"])
    assert "Juliaca" in text  # the card names the cities of the region
    assert ("📞 Llama al: 100" if lang == "es" else "📞 Call: 100") in text
    assert T[lang]["cem_loreto"] not in text and "Lima" not in text


@PERSONAS
async def test_the_legal_topic_shows_legal_services_and_the_regions_first(bot, persona):
    lang = persona.language_code
    person = bot.person(persona)
    await person.onboard()  # 14-17
    calls = await walk(person, lang, "legal", "Loreto")
    text = texts(calls)[0]
    assert text.index(T[lang]["cem_loreto"]) < text.index(T[lang]["demuna"])
    for legal in ("anna", "demuna", "defensoria"):
        assert T[lang][legal] in text
    assert "0800-15170" in text
    assert "https://www.gob.pe/30753-defensoria-municipal-del-nino-y-del-adolescente-demuna" in {
        b["url"] for b in link_buttons(calls)
    }
    assert T[lang]["linea_100"] not in text  # a violence line is not a legal service


@PERSONAS
async def test_services_for_under_18s_are_not_shown_to_an_adult_but_are_for_a_friend(
    bot, persona
):
    lang = persona.language_code
    person = bot.person(persona)
    await person.onboard(age_band="18-25")
    text = texts(await walk(person, lang, "legal", "Loreto"))[0]
    assert T[lang]["anna"] not in text and T[lang]["demuna"] not in text
    assert T[lang]["defensoria"] in text
    # asking for a friend, whose age the bot does not know: everything that fits the topic
    text = texts(await walk(person, lang, "legal", "Loreto", whom="friend"))[0]
    assert T[lang]["anna"] in text and T[lang]["demuna"] in text


@PERSONAS
async def test_chat_100_is_shown_with_its_link_and_take_it_down_for_images(bot, persona):
    lang = persona.language_code
    person = bot.person(persona)
    await person.onboard()
    calls = await walk(person, lang, "grooming", "Lima Metropolitana")
    text = texts(calls)[0]
    assert "📌 Chat 100" in text and "Take It Down" in text
    buttons = link_buttons(calls)
    assert {"text": "💬 Chat 100", "url": "https://chat100.aurora.gob.pe"} in buttons
    assert "https://takeitdown.ncmec.org" in {b["url"] for b in buttons}
    if lang == "en":  # Take It Down speaks English: it comes before the Spanish-only chat
        assert text.index("Take It Down") < text.index("📌 Chat 100")
