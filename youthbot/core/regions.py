"""Places for activities and help: countries, their regions and districts (regions.yaml).

Also holds the small checks that every content file with bilingual text shares (`Report`,
`check_keys`, `check_text`, `text_in`); the directory's modules use them too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from youthbot.core.yamlsource import ContentInvalid, LineDict, LineList, Problem, load_yaml

COUNTRY_ID = re.compile(r"[A-Z]{2}")
REGION_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
REGION_ID_MAX = 20
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?")


class Report:
    """Collects the problems of one file, so a check goes on after the first one."""

    def __init__(self, display: str, problems: Sequence[Problem] = ()) -> None:
        self.display = display
        self.problems = list(problems)

    def add(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.display, line, message))


def line_of(node: Any, key: Any, default: int) -> int:
    """Line of `key` inside a YAML mapping or list, or `default` for anything else."""
    if isinstance(node, LineDict | LineList):
        return node.line_of(key)
    return default


def text_in(text: Mapping[str, str], lang: str) -> str:
    """The text in `lang` (or its base: es-PE → es), else Spanish, else English, else any."""
    for candidate in (lang, lang.split("-")[0].split("_")[0], "es", "en"):
        if text.get(candidate):
            return text[candidate]
    return next((value for value in text.values() if value), "")


def check_keys(
    node: LineDict,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    what: str,
    report: Report,
) -> None:
    """Report keys that are unknown or missing in one mapping."""
    for key in node:
        if key not in required and key not in optional:
            report.add(node.line_of(key), f"{what}: unknown key {key!r}")
    for key in required:
        if key not in node:
            report.add(node.line, f"{what}: missing key {key!r}")


def check_text(
    value: Any,
    *,
    line: int,
    what: str,
    report: Report,
    languages: Sequence[str],
    proper_noun: bool = False,
) -> dict[str, str]:
    """Check a text given per language; return it as {lang: text}.

    A proper noun may be one plain string, the same in every language.
    """
    if proper_noun and isinstance(value, str) and value.strip():
        return {lang: value.strip() for lang in languages}
    if not isinstance(value, dict):
        shape = '"..." or ' if proper_noun else ""
        report.add(line, f'{what} must be {shape}{{es: "...", en: "..."}}')
        return {}
    for lang in languages:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            message = f"{what}: the {lang!r} text is missing or empty"
            report.add(line_of(value, lang, line), message)
    return {k: v.strip() for k, v in value.items() if isinstance(v, str) and v.strip()}


@dataclass(frozen=True)
class Region:
    """A department, province or state where activities happen and help is found."""

    id: str
    name: dict[str, str]
    districts: tuple[str, ...] = ()

    def name_in(self, lang: str) -> str:
        return text_in(self.name, lang)


@dataclass(frozen=True)
class Country:
    """A country and its regions, in the order people see them."""

    id: str
    name: dict[str, str]
    regions: tuple[Region, ...]
    # Languages spoken here: someone who speaks one and has not said their country is shown
    # this country's emergency numbers and services first (`country_for_language`).
    languages: tuple[str, ...] = ()

    def name_in(self, lang: str) -> str:
        return text_in(self.name, lang)

    def region(self, region_id: str) -> Region | None:
        """The region with this id, or None when the country has no such region."""
        return next((r for r in self.regions if r.id == region_id), None)


def default_regions_path() -> Path:
    return Path(__file__).resolve().parent.parent / "content" / "regions.yaml"


def region_ids(countries: Sequence[Country]) -> dict[str, set[str]]:
    """Country id → the ids of its regions, as check_services wants them."""
    return {country.id: {region.id for region in country.regions} for country in countries}


def check_regions(
    path: Path | str | None = None, languages: Sequence[str] = ("es", "en")
) -> tuple[list[Country], list[Problem]]:
    """Read regions.yaml; return the countries and every problem found, with its line."""
    path = Path(path) if path is not None else default_regions_path()
    data, problems = load_yaml(path, str(path))
    report = Report(str(path), problems)
    countries: list[Country] = []
    seen: dict[str, int] = {}
    nodes = _country_nodes(data, report)
    for index, node in enumerate(nodes):
        line = line_of(nodes, index, 1)
        country = _check_country(node, line=line, report=report, languages=languages)
        if country is None:
            continue
        if country.id in seen:
            first = seen[country.id]
            report.add(line, f"country {country.id!r} is listed twice (first at line {first})")
        seen.setdefault(country.id, line)
        countries.append(country)
    return countries, sorted(report.problems)


def load_regions(
    path: Path | str | None = None, languages: Sequence[str] = ("es", "en")
) -> list[Country]:
    """The countries of regions.yaml; raises ContentInvalid with every problem found."""
    countries, problems = check_regions(path, languages)
    if problems:
        raise ContentInvalid(problems)
    return countries


def _country_nodes(data: Any, report: Report) -> list[Any]:
    if data is None:
        if not report.problems:
            report.add(1, "the file is empty; it needs a 'countries:' list")
        return []
    if not isinstance(data, LineDict):
        report.add(1, "the file must be a mapping with a 'countries:' list")
        return []
    check_keys(data, required=("countries",), what="file", report=report)
    nodes = data.get("countries")
    if "countries" in data and not (isinstance(nodes, LineList) and nodes):
        report.add(data.line_of("countries"), "'countries' must be a list of countries")
        return []
    return nodes or []


def _check_country(
    node: Any, *, line: int, report: Report, languages: Sequence[str]
) -> Country | None:
    if not isinstance(node, LineDict):
        report.add(line, "each country must be a mapping with id, name and regions")
        return None
    cid = node.get("id")
    if not isinstance(cid, str) or not COUNTRY_ID.fullmatch(cid):
        report.add(node.line_of("id"), f"country id {cid!r} must be two capital letters, like PE")
        cid = str(cid)
    what = f"country {cid!r}"
    check_keys(node, required=("id", "name", "regions"), optional=("languages",), what=what,
               report=report)
    name = check_text(
        node["name"], line=node.line_of("name"), what=f"{what} name",
        report=report, languages=languages,
    ) if "name" in node else {}
    regions = _check_regions(node, what=what, report=report, languages=languages)
    spoken = node.get("languages", [])
    if not isinstance(spoken, list) or not all(
        isinstance(code, str) and LANGUAGE_CODE.fullmatch(code) for code in spoken
    ):
        report.add(node.line_of("languages") if "languages" in node else node.line,
                   f"{what}: 'languages' must be a list of language codes, like [pt]")
        spoken = []
    return Country(id=cid, name=name, regions=tuple(regions), languages=tuple(spoken))


def country_for_language(countries: Sequence[Country], language: str | None) -> str | None:
    """The first country that lists `language` (or its base: pt-br → pt) among its
    `languages`, or None."""
    if not language:
        return None
    base = re.split(r"[-_]", language, maxsplit=1)[0]
    for country in countries:
        if language in country.languages or base in country.languages:
            return country.id
    return None


def _check_regions(
    node: LineDict, *, what: str, report: Report, languages: Sequence[str]
) -> list[Region]:
    nodes = node.get("regions")
    if "regions" in node and not (isinstance(nodes, LineList) and nodes):
        report.add(node.line_of("regions"), f"{what}: 'regions' must be a list with at least one")
        return []
    regions: list[Region] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(nodes or []):
        line = nodes.line_of(index)
        region = _check_region(item, line=line, report=report, languages=languages)
        if region is None:
            continue
        if region.id in seen:
            report.add(line, f"{what}: region id {region.id!r} is used twice "
                             f"(first at line {seen[region.id]})")
        seen.setdefault(region.id, line)
        regions.append(region)
    return regions


def _check_region(
    node: Any, *, line: int, report: Report, languages: Sequence[str]
) -> Region | None:
    if not isinstance(node, LineDict):
        report.add(line, "each region must be a mapping with id and name")
        return None
    rid = node.get("id")
    if not isinstance(rid, str) or not REGION_ID.fullmatch(rid) or len(rid) > REGION_ID_MAX:
        report.add(node.line_of("id"), f"region id {rid!r} must be small letters, digits and "
                                       f"hyphens, at most {REGION_ID_MAX} characters")
        rid = str(rid)
    what = f"region {rid!r}"
    check_keys(node, required=("id", "name"), optional=("districts",), what=what, report=report)
    name = check_text(
        node["name"], line=node.line_of("name"), what=f"{what} name",
        report=report, languages=languages, proper_noun=True,
    ) if "name" in node else {}
    districts = _check_districts(node, what=what, report=report)
    return Region(id=rid, name=name, districts=districts)


def _check_districts(node: LineDict, *, what: str, report: Report) -> tuple[str, ...]:
    if "districts" not in node:
        return ()
    items = node["districts"]
    if not isinstance(items, LineList):
        report.add(node.line_of("districts"), f"{what}: 'districts' must be a list of names")
        return ()
    districts: list[str] = []
    for index, item in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            report.add(items.line_of(index), f"{what}: a district must be a non-empty name")
        elif item.strip() in districts:
            report.add(items.line_of(index), f"{what}: district {item!r} is listed twice")
        else:
            districts.append(item.strip())
    return tuple(districts)
