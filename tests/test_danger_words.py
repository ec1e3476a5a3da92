"""Danger words: each curated phrase triggers however it is typed; everyday talk does not."""

from __future__ import annotations

import textwrap
import unicodedata
from pathlib import Path

import pytest

from youthbot.core.danger import (
    CATEGORIES,
    DangerMatcher,
    DangerPhrase,
    check_danger_words,
    default_danger_words_path,
    normalize,
)
from youthbot.core.yamlsource import ContentInvalid, load_yaml

PHRASES, PROBLEMS = check_danger_words()
MATCHER = DangerMatcher(PHRASES)
FILE_ORDINARY = list(load_yaml(default_danger_words_path())[0]["ordinary"])

# Everyday sentences, other than the file's, that must not interrupt anyone.
ORDINARY = [
    "Buenos días, ¿a qué hora empieza la reunión?",
    "Me toca lavar los platos hoy",
    "Mi mamá me dejó ir al taller de música",
    "El sábado hay feria de ciencias en Belén",
    "Llevamos carteles a la marcha por los derechos de la niñez",
    "¿Me puedes mandar el enlace del quiz?",
    "Estoy feliz porque aprobé el examen",
    "Quiero compartir fotos del mural con el grupo",
    "Somos 12 chicas y 10 chicos en el grupo",
    "No me gusta el frío de Puno",
    "Qué bonito el video que hicieron",
    "Hola!!! 😀😀 ¿cómo están?",
    "Good morning, what time does the meeting start?",
    "It's my turn to wash the dishes today",
    "We took the bus to Juliaca for the fair",
    "I passed my exam!",
    "Can you send me the link to the quiz?",
    "My friends and I painted a mural",
    "I don't like the cold in Puno",
    "The campaign video was amazing",
    "We need more volunteers for Saturday",
    "helmets and bikes for the school race",
    "nomenclature homework is boring",
]


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def test_shipped_file_is_valid_and_covers_every_category() -> None:
    assert PROBLEMS == []
    assert {p.category for p in PHRASES} == set(CATEGORIES)
    assert {p.lang for p in PHRASES} == {"es", "en"}
    assert len(FILE_ORDINARY) >= 40
    assert DangerMatcher.from_file().match("me quiero morir") == "suicide"


@pytest.mark.parametrize("phrase", PHRASES, ids=lambda p: f"{p.line}-{p.text}")
def test_every_phrase_triggers_however_it_is_typed(phrase: DangerPhrase) -> None:
    forms = {
        phrase.text,
        strip_accents(phrase.text),
        phrase.text.upper(),
        strip_accents(phrase.text).upper(),
        phrase.text.replace("'", "’"),  # phones type curly apostrophes
        f"Hola, perdón... {phrase.text}, no sé qué hacer.",
        f"hey so {phrase.text.upper()}!! what do i do",
        f"{phrase.text}\n\n🙏",
    }
    for form in forms:
        assert MATCHER.match(form) == phrase.category, form


@pytest.mark.parametrize("sentence", FILE_ORDINARY + ORDINARY)
def test_ordinary_sentences_do_not_trigger(sentence: str) -> None:
    assert MATCHER.match(sentence) is None


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("kiero morirrrr", "suicide"),
        ("me kieren llevar a lima", "sold_or_taken"),
        ("ME QUIERO MORIIIIR", "suicide"),
        ("m3 qui3ro mor1r", "suicide"),
        ("obligandome", "forced"),
        ("AYUDENMEEE POR FAVOR", "danger"),
        ("Im in danger", "danger"),
        ("i’m in danger", "danger"),
        ("they wont let me leave", "held"),
        ("ya no quiero vivir", "suicide"),
        ("un señor me amenaza con publicar mis fotos", "image_threat"),
        ("me amenaza", "danger"),
        ("mi tío me hace cosas feas", "abuse"),
        ("#sextorsion", "image_threat"),
        ("no me dejan salir de la casa y me quitaron mi DNI", "held"),
    ],
)
def test_how_people_really_type(text: str, category: str) -> None:
    assert MATCHER.match(text) == category


def test_the_first_phrase_in_the_text_decides_and_the_longest_at_one_place() -> None:
    assert MATCHER.match("me quiero morir porque me obligan") == "suicide"
    assert MATCHER.match("me obligan y me quiero morir") == "forced"
    # "me amenaza" alone is danger; the longer phrase at the same place wins
    assert MATCHER.match("me amenaza con publicar mis fotos") == "image_threat"


def test_phrases_match_whole_words_only() -> None:
    assert MATCHER.match("nome obligan") is None
    assert MATCHER.match("my helmet") is None
    assert MATCHER.match("me tocando") is None
    assert MATCHER.match("me toca a mí") is None
    assert MATCHER.match("suicidas") is None  # a different word; "suicida" itself triggers
    assert MATCHER.match("pe100") is None


def test_homework_sentences_trigger_on_purpose() -> None:
    # Decision documented in danger_words.yaml: no exceptions, a gentle message is cheap.
    assert MATCHER.match("me obligan a hacer la tarea de matemáticas") == "forced"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("¡Ayúdenme, POR FAVOR!", "ayudenme por favor"),
        ("Ñandú  pingüino\tcañón", "nandu pinguino canon"),
        ("I'm   scared…", "im scared"),
        ("won’t", "wont"),
        ("llevar", "levar"),
        ("m0rir 100 veces", "morir 100 veces"),
        ("😀🙏", ""),
        ("", ""),
        ("ＦＵＬＬ ｗｉｄｔｈ", "ful width"),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_odd_and_long_input_does_not_crash() -> None:
    assert MATCHER.match("") is None
    assert MATCHER.match("😀" * 4096) is None
    assert MATCHER.match("\u0000\u200b\ufeff" * 1000) is None
    harmless = ("me toca el taller el sábado y hola " * 200)[:4096]
    disclosure = harmless[:4000] + " me quieren vender"
    assert MATCHER.match(harmless) is None
    assert MATCHER.match(disclosure) == "sold_or_taken"


# ------------------------------------------------------------------ checks with lines

VALID = """\
categories: [forced, suicide]
phrases:
  - {text: "me obligan", lang: es, category: forced}
  - {text: "kill myself", lang: en, category: suicide}
ordinary:
  - "hola"
"""


def check(tmp_path: Path, text: str):  # noqa: ANN201
    path = tmp_path / "danger_words.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return check_danger_words(path)


def line_with(text: str, fragment: str, occurrence: int = 1) -> int:
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if fragment in line]
    return hits[occurrence - 1]


def test_valid_file(tmp_path: Path) -> None:
    phrases, problems = check(tmp_path, VALID)
    assert problems == []
    assert [(p.text, p.lang, p.category, p.line) for p in phrases] == [
        ("me obligan", "es", "forced", 3),
        ("kill myself", "en", "suicide", 4),
    ]


@pytest.mark.parametrize(
    ("old", "new", "blamed", "message"),
    [
        ('- {text: "kill myself"', '- {text: "ME OBLIGÁN!"', "ME OBLIG",
         "repeats the one at line 3"),
        ("category: suicide}", "category: sadness}", "sadness",
         "category 'sadness' is not in 'categories'"),
        ("[forced, suicide]", "[forced, suicide, boredom]", "categories:",
         "category 'boredom' is unknown"),
        ('text: "kill myself"', 'text: "  ?! "', "?!", "empty or has no letters"),
        ('text: "kill myself"', 'text: ""', 'text: ""', "empty or has no letters"),
        ("lang: en", "lang: fr", "lang: fr", "language 'fr' is not one of"),
        ('  - "hola"', '  - "I want to kill myself laughing"', "laughing",
         "triggers the danger check (suicide)"),
        ("lang: en, ", "", "kill myself", "phrase: missing key 'lang'"),
        ("category: forced}", "category: forced, note: x}", "note: x", "unknown key 'note'"),
    ],
)
def test_mistakes_are_reported_with_their_line(
    tmp_path: Path, old: str, new: str, blamed: str, message: str
) -> None:
    assert old in VALID
    text = VALID.replace(old, new, 1)
    _, problems = check(tmp_path, text)
    hits = [p for p in problems if message in p.message]
    assert len(hits) == 1, problems
    assert hits[0].line == line_with(text, blamed)
    assert hits[0].path.endswith("danger_words.yaml")


def test_all_problems_are_reported_and_from_file_refuses(tmp_path: Path) -> None:
    text = VALID.replace("lang: en", "lang: fr").replace("category: forced}", "category: x}")
    _, problems = check(tmp_path, text)
    assert len(problems) == 2
    with pytest.raises(ContentInvalid):
        DangerMatcher.from_file(tmp_path / "danger_words.yaml")


def test_broken_or_empty_file(tmp_path: Path) -> None:
    _, problems = check(tmp_path, VALID.replace("[forced, suicide]", "[forced, suicide"))
    assert len(problems) == 1 and "not valid YAML" in problems[0].message
    _, problems = check(tmp_path, "")
    assert len(problems) == 1 and problems[0].line == 1
