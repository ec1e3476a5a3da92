"""Danger words: how a message is read (teen spelling), patterns with slots, the two tiers,
what keeps everyday talk quiet, the file's checks with lines, and the evaluation set's goals."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from youthbot.core.safety.danger import AMBIGUOUS, CATEGORIES, DISCLOSURE, normalize, respell
from youthbot.core.safety.danger_eval import (
    MAX_FALSE_CHECKINS,
    MAX_FALSE_NUMBERS,
    MIN_RECALL,
    evaluate,
    load_cases,
    render,
)
from youthbot.core.safety.danger_file import check_danger_words, load_danger_words
from youthbot.core.safety.danger_patterns import PatternError, compile_pattern
from youthbot.core.yamlsource import ContentInvalid

MATCHER, PROBLEMS = check_danger_words()
# What the held-out half reached (per language, the lower of es and en); see the test below.
HELDOUT_RECALL_FLOOR = 0.80


def tier(text: str) -> str | None:
    finding = MATCHER.assess(text)
    return finding.tier if finding else None


def test_shipped_file_is_valid_with_every_language() -> None:
    assert PROBLEMS == []
    assert [s.lang for s in MATCHER.sections] == ["es", "en", "pt"]
    for section in MATCHER.sections:
        assert {c for c, _ in section.disclosure} == set(CATEGORIES), section.lang
    assert load_danger_words().match("me quiero morir") == "suicide"
    assert load_danger_words().match("eu quero morrer") == "suicide"


# How a message is read --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("¡Ayúdenme, POR FAVOR!", "ayudenme por favor"),
        ("Ñandú  pingüino\tcañón", "nandu pinguino canon"),
        ("I'm   scared…", "im scared"),
        ("won’t", "wont"),
        ("ayudaaaaa", "ayuda"),
        ("m0rir 100 veces", "morir 100 veces"),
        ("m@tarme", "matarme"),
        ("ya no puedo 🔪🩸", "ya no puedo 🔪 🩸"),
        ("👍🏽", "👍"),
        ("", ""),
        ("ＦＵＬＬ ｗｉｄｔｈ", "ful width"),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("es", "q hago xq mi padrastro me toca", "que hago porque mi padrastro me toca"),
        ("es", "kiero irme d la ksa, toy mal", "quiero irme de la casa estoy mal"),
        ("es", "me kitaron el DNI x eso", "me quitaron el dni por eso"),
        ("en", "i want to kms rn", "i want to kil myself right now"),
        ("en", "idk what u mean", "i do not know what you mean"),
    ],
)
def test_teen_spelling_per_language(lang: str, text: str, expected: str) -> None:
    section = next(s for s in MATCHER.sections if s.lang == lang)
    assert respell(text, section.spelling) == normalize(expected)


def test_the_spanish_spelling_does_not_touch_english_words() -> None:
    es = next(s for s in MATCHER.sections if s.lang == "es")
    assert respell("kill me", es.spelling) == "kil me"  # "k" alone is "que", "kill" stays


# Patterns ----------------------------------------------------------------------------------

SLOTS = {"who": ["padrastro", "tio", "novio de mi (mama|tia)"], "hit": ["pega", "golpe*"]}


def matches(pattern: str, text: str, window: int = 2) -> bool:
    import re

    regex = re.compile(compile_pattern(pattern, SLOTS, {"q": "que"}, window))
    return regex.search(normalize(text) + " ") is not None


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("mi {who} ... me {hit}", "mi padrastro me pega", True),
        ("mi {who} ... me {hit}", "mi tio siempre me golpeaba", True),
        ("mi {who} ... me {hit}", "mi novio de mi tia ayer me pega", True),
        ("mi {who} ... me {hit}", "mi tio que vive lejos siempre me pega", False),  # window 2
        ("mi {who} ... me {hit}", "mi profe me pega", False),
        ("me (corto|lastimo) [los] brazos", "me corto brazos", True),
        ("me (corto|lastimo) [los] brazos", "me lastimo los brazos", True),
        ("me viol*", "me violaron", True),
        ("me viol*", "violin", False),
        ("me toca *ar", "me toca lavar", True),
        ("me toca *ar", "me toca lavo", False),
        ("trabajo & no le digas a nadie", "no le digas a nadie, es un trabajo", True),
        ("trabajo & no le digas a nadie", "un trabajo bonito", False),
        ("^ que es", "que es la trata", True),
        ("^ que es", "dice que es secreto", False),
        ("me toca", "nome toca", False),  # whole words only
    ],
)
def test_pattern_language(pattern: str, text: str, expected: bool) -> None:
    assert matches(pattern, text) is expected


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("mi {nadie} me pega", "not in 'words'"),
        ("me (pega", "never closed"),
        ("me pega)", "closes nothing"),
        ("( | )", "empty"),
        ("...", "no words"),
    ],
)
def test_bad_patterns_say_why(pattern: str, message: str) -> None:
    with pytest.raises(PatternError, match=message):
        compile_pattern(pattern, SLOTS, {}, 4)


# The two tiers, and what keeps everyday talk quiet -------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "mi padrastro me toca cuando mi mama no esta",
        "mi papa me pega con la correa",
        "me estan chantajeando con mis fotos",
        "tiene mis nudes y dice q las va a publicar",
        "a veces me corto",
        "me quitaron el DNI",
        "mi entrenador me viola y me quiero morir",
        "un señor de internet quiere q nos veamos y q no le diga a nadie",
        "K1ERO M0RIRME",
        "ya no kiero despertar",
        "i want to kms",
        "i want to unalive myself",
        "my stepdad touches me when my mom is at work",
        "someone has my nudes and says he'll post them",
        "they took my passport",
        "me violaron",  # a strong word of harm said of oneself (the `likely` tier)
        "estoy secuestrada",
    ],
)
def test_disclosures_get_the_numbers(text: str) -> None:
    assert tier(text) == DISCLOSURE, text


@pytest.mark.parametrize(
    "text",
    [
        "sextorsion",
        "ya no puedo mas",
        "ya no puedo mas 🔪🩸",
        "me obligan",
        "me quiero morir jajaja",  # laughing may hide it: ask, do not assume
        "que hago si un señor me pide fotos desnuda?",  # a hypothetical: ask
        "que hago si mi padrastro me toca",  # a disclosure asked as a question: ask
        "en el taller mi profe me toca",  # programme words alone do not silence it
        "suicide",
        "i hate my life",
    ],
)
def test_ambiguous_messages_get_the_check_in(text: str) -> None:
    assert tier(text) == AMBIGUOUS, text


@pytest.mark.parametrize(
    "text",
    [
        "🔪",
        "💀💀💀",
        "🩸",
        "what is sextortion?",
        "¿qué es la sextorsión?",
        "help me with the quiz pls",
        "me voy a matar estudiando jaja",
        "me muero de risa",
        "estoy encerrada estudiando",
        "my mom will kill me if I fail lol",
        "I'm trapped in traffic lol",
        "en el colegio hablamos sobre el suicidio",
        "vamos a hacer un taller sobre trata",
        "Campaña contra la explotación sexual",
        "Taller: qué hacer si alguien dice «me obligan a trabajar» o te amenaza con fotos",
        "la charla sobre violacion y abuso fue buena",
        "me toca exponer mañana",
        "me corte el pelo",
        "this homework is killing me",
        "nos vemos en la plaza",
    ],
)
def test_everyday_talk_questions_hyperboles_and_programme_talk_are_quiet(text: str) -> None:
    assert tier(text) is None, text


def test_odd_and_long_input_does_not_crash() -> None:
    assert MATCHER.assess("") is None
    assert MATCHER.assess("😀" * 4096) is None
    assert MATCHER.assess("\u0000\u200b\ufeff" * 1000) is None
    harmless = ("me toca lavar los platos el sábado y hola " * 200)[:4096]
    assert MATCHER.assess(harmless) is None
    assert MATCHER.match(harmless[:4000] + " me quieren vender") == "sold_or_taken"


# The evaluation set: the goals, on both halves and in both languages --------------------------


def test_the_evaluation_set_meets_the_goals_on_both_halves_and_languages() -> None:
    cases = load_cases()
    assert len(cases) >= 400
    assert {c.lang for c in cases} == {"es", "en", "pt"}
    report = evaluate(MATCHER, cases)
    # The goals hold on the tuning half, as a whole and per language. The held-out half is
    # never tuned on and does NOT reach the recall goal (docs/danger-words.md has its
    # figures): here it is held to the floor it reached, so a change that loses ground
    # fails. Messages name no sentence, so a failing run shows no held-out sentence.
    recall_floor = {"tuning": MIN_RECALL, "heldout": HELDOUT_RECALL_FLOOR}
    for half in ("tuning", "heldout"):
        for group in ("all", "lang:es", "lang:en", "lang:pt"):
            disclosures = report.get(half, "disclosure", group)
            ordinary = report.get(half, "ordinary", group)
            # Portuguese is the smaller set (125 sentences, docs/danger-words.md).
            least_ordinary = 15 if group == "lang:pt" else 25
            assert disclosures.total >= 30 and ordinary.total >= least_ordinary, (half, group)
            assert disclosures.rate(disclosures.numbers) >= recall_floor[half], (half, group)
            assert ordinary.rate(ordinary.numbers) <= MAX_FALSE_NUMBERS, (half, group)
            assert ordinary.rate(ordinary.checkins) <= MAX_FALSE_CHECKINS, (half, group)
    text = "\n".join(render(report, halves=["tuning"], verbose=True))
    assert "tuning: meets the goals" in text and "sexual_abuse" in text


def test_the_eval_command_prints_the_figures(capsys: pytest.CaptureFixture[str]) -> None:
    from youthbot.cli import main

    assert main(["danger", "eval", "--split", "tuning", "--verbose"]) == 0
    out = capsys.readouterr().out
    assert "== tuning ==" in out and "TOTAL" in out and "missed disclosures" in out


# The file's checks, with lines ---------------------------------------------------------------

VALID = """\
categories: [forced, suicide]
window: 3
languages:
  es:
    spelling: {q: que, kiero: quiero}
    words:
      who: [jefe, patron]
    disclosure:
      forced:
        - "mi {who} ... me obliga"
      suicide:
        - "quiero morir"
    ambiguous:
      suicide:
        - "no puedo mas"
    harmless:
      - "morir de risa"
    asking:
      - "que es"
    ordinary:
      - "hola"
"""


def check(tmp_path: Path, text: str):  # noqa: ANN201
    path = tmp_path / "danger_words.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return check_danger_words(path)


def line_with(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if fragment in line)


def test_valid_file(tmp_path: Path) -> None:
    matcher, problems = check(tmp_path, VALID)
    assert problems == []
    assert matcher.match("mi jefe siempre me obliga") == "forced"
    assert matcher.match("kiero morir de risa") is None
    assert matcher.assess("no puedo mas").tier == AMBIGUOUS


def test_a_new_language_needs_no_code(tmp_path: Path) -> None:
    portuguese = VALID + "  " + textwrap.dedent("""\
      pt:
        spelling: {vc: voce}
        words:
          who: [padrasto]
        disclosure:
          suicide:
            - "quero morrer"
        ordinary:
          - "oi, tudo bem?"
    """).replace("\n", "\n  ").rstrip() + "\n"
    matcher, problems = check(tmp_path, portuguese)
    assert problems == []
    assert matcher.match("eu quero morreeer") == "suicide"


@pytest.mark.parametrize(
    ("old", "new", "blamed", "message"),
    [
        ('"mi {who} ... me obliga"', '"mi {quien} me obliga"', "quien", "not in 'words'"),
        ('"quiero morir"', '"quiero (morir"', "(morir", "never closed"),
        ("      suicide:\n        - \"quiero", "      sadness:\n        - \"quiero", "sadness",
         "category 'sadness' is not in 'categories'"),
        ("[forced, suicide]", "[forced, suicide, boredom]", "categories:",
         "category 'boredom' is unknown"),
        ('  - "hola"', '  - "quiero morir ya"', "quiero morir ya", "triggers the danger check"),
        ('  - "hola"', '  - "ya no puedo mas"', "ya no puedo mas", "(ambiguous, suicide)"),
        ("  es:\n", "  espanol:\n", "espanol", "two-letter code"),
        ("window: 3", "window: many", "window", "whole number"),
        ('        - "no puedo mas"', '        - "no puedo mas"\n        - "no  puedo MAS"',
         "no  puedo MAS", "repeats the one at line"),
        ("    asking:", "    askin:", "askin", "unknown key 'askin'"),
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


def test_load_refuses_a_file_with_problems(tmp_path: Path) -> None:
    check(tmp_path, VALID.replace('"quiero morir"', '"quiero (morir"'))
    with pytest.raises(ContentInvalid):
        load_danger_words(tmp_path / "danger_words.yaml")


def test_broken_or_empty_file(tmp_path: Path) -> None:
    _, problems = check(tmp_path, VALID.replace("[forced, suicide]", "[forced, suicide"))
    assert len(problems) == 1 and "not valid YAML" in problems[0].message
    _, problems = check(tmp_path, "")
    assert len(problems) == 1 and problems[0].line == 1
