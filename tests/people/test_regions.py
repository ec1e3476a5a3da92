"""regions.yaml: the shipped file is valid, Peru comes first, and mistakes are named by line."""

from __future__ import annotations

import textwrap
import unicodedata
from pathlib import Path

import pytest

from youthbot.core.regions import (
    Country,
    Region,
    check_regions,
    default_regions_path,
    load_regions,
    region_ids,
    text_in,
)
from youthbot.core.yamlsource import ContentInvalid

VALID = """\
countries:
  - id: PE
    name: {es: "Perú", en: "Peru"}
    regions:
      - id: lima
        name: "Lima Metropolitana"
        districts: ["Cercado de Lima", "Comas"]
      - id: puno
        name: {es: "Puno", en: "Puno"}
  - id: CO
    name: {es: "Colombia", en: "Colombia"}
    regions:
      - {id: bogota, name: "Bogotá D. C."}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "regions.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def line_with(text: str, fragment: str, occurrence: int = 1) -> int:
    """1-based line number of the `occurrence`-th line containing `fragment`."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if fragment in line]
    return hits[occurrence - 1]


def plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def test_shipped_file_is_valid() -> None:
    countries, problems = check_regions(default_regions_path())
    assert problems == []
    assert [c.id for c in countries] == ["PE", "CO", "DO", "NI", "BR"]


def test_peru_is_complete_with_programme_areas_first() -> None:
    peru = load_regions()[0]
    assert peru.id == "PE"
    assert [r.id for r in peru.regions[:3]] == ["lima", "loreto", "puno"]
    # 24 departments (Lima's provinces as lima-provincias) + Lima Metropolitana + Callao
    assert len(peru.regions) == 26
    rest = [plain(r.name_in("es")) for r in peru.regions[3:]]
    assert rest == sorted(rest)
    for region in peru.regions[:3]:
        assert 6 <= len(region.districts) <= 10


def test_every_region_has_a_name_in_both_languages() -> None:
    for country in load_regions():
        assert country.name_in("es") and country.name_in("en")
        for region in country.regions:
            assert region.name_in("es") and region.name_in("en")


def test_valid_file_builds_countries_and_lookups(tmp_path: Path) -> None:
    countries = load_regions(write(tmp_path, VALID))
    peru = countries[0]
    assert peru == Country(
        id="PE",
        name={"es": "Perú", "en": "Peru"},
        regions=(
            Region(
                "lima",
                {"es": "Lima Metropolitana", "en": "Lima Metropolitana"},
                ("Cercado de Lima", "Comas"),
            ),
            Region("puno", {"es": "Puno", "en": "Puno"}, ()),
        ),
    )
    assert peru.region("puno").name_in("en") == "Puno"
    assert peru.region("loreto") is None
    assert peru.name_in("qu") == "Perú"  # no Quechua name: falls back to Spanish
    assert region_ids(countries) == {"PE": {"lima", "puno"}, "CO": {"bogota"}}


def test_text_in_falls_back_to_base_then_spanish_then_english() -> None:
    assert text_in({"es": "Hola", "en": "Hello"}, "en-GB") == "Hello"
    assert text_in({"es": "Hola", "en": "Hello"}, "pt") == "Hola"
    assert text_in({"en": "Hello"}, "pt") == "Hello"


@pytest.mark.parametrize(
    ("old", "new", "at", "message"),
    [
        # `at` is (a fragment of the line to blame, which occurrence of it)
        ("id: puno", "id: lima", ("id: lima", 2), "region id 'lima' is used twice"),
        ('{es: "Perú", en: "Peru"}', '{es: "Perú"}', ('"Perú"', 1), "'en' text is missing"),
        ('en: "Peru"', 'en: ""', ('"Perú"', 1), "'en' text is missing or empty"),
        ("id: puno", "id: Puno_Region", ("Puno_Region", 1), "region id 'Puno_Region' must be"),
        ("id: puno", "id: a-very-long-region-id", ("a-very-long", 1), "at most 20"),
        ("id: CO", "id: COL", ("id: COL", 1), "country id 'COL' must be two capital letters"),
        ("id: CO", "id: PE", ("- id: PE", 2), "country 'PE' is listed twice"),
        ('"Comas"]', '"Comas", ""]', ('"Comas"', 1), "a district must be a non-empty name"),
        ('"Comas"]', '"Comas", "Comas"]', ('"Comas"', 1), "district 'Comas' is listed twice"),
        ("districts:", "district:", ("district:", 1), "unknown key 'district'"),
    ],
)
def test_mistakes_are_reported_with_their_line(
    tmp_path: Path, old: str, new: str, at: tuple[str, int], message: str
) -> None:
    text = VALID.replace(old, new, 1)
    path = write(tmp_path, text)
    _, problems = check_regions(path)
    blamed = [(p.path, p.line) for p in problems if message in p.message]
    assert blamed == [(str(path), line_with(text, *at))]


def test_all_problems_are_reported_not_only_the_first(tmp_path: Path) -> None:
    text = VALID.replace('en: "Peru"', 'en: ""').replace("id: puno", "id: lima")
    text = text.replace("id: bogota", "id: Bogota")
    _, problems = check_regions(write(tmp_path, text))
    assert len(problems) == 3
    with pytest.raises(ContentInvalid) as error:
        load_regions(write(tmp_path, text))
    assert str(error.value).count("regions.yaml:") == 3


def test_missing_keys_and_broken_yaml(tmp_path: Path) -> None:
    _, problems = check_regions(write(tmp_path, "countries:\n  - id: PE\n"))
    assert {p.message for p in problems} == {
        "country 'PE': missing key 'name'",
        "country 'PE': missing key 'regions'",
    }
    assert {p.line for p in problems} == {2}
    _, problems = check_regions(write(tmp_path, "countries:\n  - id: [PE\n"))
    assert len(problems) == 1 and "not valid YAML" in problems[0].message
    _, problems = check_regions(write(tmp_path, ""))
    assert [p.message for p in problems] == ["the file is empty; it needs a 'countries:' list"]


def test_duplicate_yaml_keys_are_reported(tmp_path: Path) -> None:
    text = VALID.replace(
        '        name: "Lima Metropolitana"\n',
        '        name: "Lima Metropolitana"\n        name: "Lima"\n',
    )
    _, problems = check_regions(write(tmp_path, text))
    assert [(p.line, p.message) for p in problems] == [
        (line_with(text, 'name: "Lima"'), "duplicate key 'name'")
    ]
