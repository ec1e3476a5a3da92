"""danger_words.yaml: read it, check every entry (with its line), and build the matcher.

Besides the shape of each entry, an `ordinary` sentence of a language that gets the numbers
or even the check-in is a problem: it shows which new pattern would interrupt everyday talk.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..regions import Report, check_keys
from ..yamlsource import ContentInvalid, LineDict, LineList, Problem, load_yaml
from .danger import CATEGORIES, DangerMatcher, Section, normalize
from .danger_patterns import PatternError, compile_pattern

LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
SECTION_KEYS = ("spelling", "words", "disclosure", "likely", "ambiguous", "harmless", "asking",
                "programme", "about", "joking", "ordinary")
DEFAULT_WINDOW = 4


def default_danger_words_path() -> Path:
    return Path(__file__).resolve().parent.parent.parent / "content" / "danger_words.yaml"


def load_danger_words(path: Path | str | None = None, *, model: bool = True) -> DangerMatcher:
    """The matcher of the file (with the classifier next to it, unless `model` is False);
    raises ContentInvalid when the file has problems."""
    matcher, problems = check_danger_words(path, model=model)
    if problems:
        raise ContentInvalid(problems)
    return matcher


def check_danger_words(
    path: Path | str | None = None, *, model: bool = True,
) -> tuple[DangerMatcher, list[Problem]]:
    """Read danger_words.yaml; return the matcher (of what could be read) and every problem."""
    path = Path(path) if path is not None else default_danger_words_path()
    data, problems = load_yaml(path, str(path))
    report = Report(str(path), problems)
    if not isinstance(data, LineDict):
        if data is not None or not report.problems:
            report.add(1, "the file must be a mapping with 'categories', 'window' and "
                          "'languages'")
        return DangerMatcher([]), sorted(report.problems)
    check_keys(data, required=("categories", "languages"), optional=("window",), what="file",
               report=report)
    categories = _check_categories(data, report)
    window = data.get("window", DEFAULT_WINDOW)
    if not isinstance(window, int) or isinstance(window, bool) or not 0 <= window <= 10:
        report.add(data.line_of("window"), "'window' must be a whole number from 0 to 10")
        window = DEFAULT_WINDOW
    sections: list[Section] = []
    ordinary: list[tuple[str, LineList]] = []
    languages = data.get("languages")
    if not isinstance(languages, LineDict) or not languages:
        report.add(data.line_of("languages"), "'languages' must map a language code (es, en, "
                                              "pt…) to its section")
        languages = LineDict()
    for lang, item in languages.items():
        line = languages.line_of(lang)
        if not isinstance(lang, str) or not LANGUAGE_CODE.match(lang):
            report.add(line, f"language {lang!r} must be a two-letter code such as es, en, pt "
                             "(or three letters, such as quz)")
            continue
        if not isinstance(item, LineDict):
            report.add(line, f"language {lang}: its section must be a mapping")
            continue
        sections.append(_check_section(lang, item, categories, window, report))
        if isinstance(item.get("ordinary"), LineList):
            ordinary.append((lang, item["ordinary"]))
    matcher = DangerMatcher(sections, _load_model(path, report) if model else None)
    for _lang, items in ordinary:
        _check_ordinary(items, matcher, report)
    return matcher, sorted(report.problems)


def _load_model(path: Path, report: Report):  # noqa: ANN202
    """The classifier (second layer) next to the file, else the shipped one; None when
    there is none yet (`youthbot danger train` makes it)."""
    from .danger_model import MODEL_FILE, DangerModel, default_model_path

    model_path = path.parent / MODEL_FILE
    if not model_path.exists():
        model_path = default_model_path()
    if not model_path.exists():
        return None
    try:
        return DangerModel.load(model_path)
    except (OSError, ValueError, EOFError) as exc:
        report.add(1, f"the classifier {model_path.name} cannot be read: {exc}")
        return None


def _check_categories(data: LineDict, report: Report) -> set[str]:
    items = data.get("categories")
    if not isinstance(items, LineList):
        report.add(data.line_of("categories"), "'categories' must be a list")
        return set(CATEGORIES)
    for index, item in enumerate(items):
        if item not in CATEGORIES:
            report.add(items.line_of(index), f"category {item!r} is unknown to the bot "
                                             f"(known: {', '.join(CATEGORIES)})")
    return {str(item) for item in items}


def _check_section(
    lang: str, item: LineDict, categories: set[str], window: int, report: Report
) -> Section:
    check_keys(item, required=("spelling", "words", "disclosure"),
               optional=tuple(k for k in SECTION_KEYS if k not in
                              ("spelling", "words", "disclosure")),
               what=f"language {lang}", report=report)
    spelling = _check_spelling(item.get("spelling"), item.line_of("spelling"), report)
    slots = _check_words(item.get("words"), item.line_of("words"), report)

    def compile_list(items: Any, line: int, what: str) -> list[str]:
        if items is None:
            return []
        if not isinstance(items, LineList):
            report.add(line, f"{what} must be a list of patterns")
            return []
        compiled, seen = [], {}
        for index, pattern in enumerate(items):
            at = items.line_of(index)
            if not isinstance(pattern, str):
                report.add(at, f"{what}: a pattern must be a text in quotes")
                continue
            try:
                regex = compile_pattern(pattern, slots, spelling, window)
            except PatternError as exc:
                report.add(at, str(exc))
                continue
            if regex in seen:
                report.add(at, f"pattern {pattern!r} repeats the one at line {seen[regex]}")
                continue
            seen[regex] = at
            compiled.append(regex)
        return compiled

    def by_category(key: str) -> list[tuple[str, re.Pattern[str]]]:
        block = item.get(key)
        if block is None:
            return []
        if not isinstance(block, LineDict):
            report.add(item.line_of(key), f"'{key}' must map a category to its patterns")
            return []
        found = []
        for category, patterns in block.items():
            if category not in categories:
                report.add(block.line_of(category),
                           f"category {category!r} is not in 'categories'")
                continue
            regexes = compile_list(patterns, block.line_of(category), f"{key}/{category}")
            if regexes:
                found.append((category, re.compile("|".join(regexes))))
        return found

    def one(key: str, items: Any, line: int) -> re.Pattern[str] | None:
        regexes = compile_list(items, line, key)
        return re.compile("|".join(regexes)) if regexes else None

    joking, joking_categories = item.get("joking"), frozenset()
    if joking is not None:
        if isinstance(joking, LineDict):
            check_keys(joking, required=("categories", "patterns"), what="joking",
                       report=report)
            names = joking.get("categories")
            if not isinstance(names, LineList) or not set(names) <= categories:
                report.add(joking.line_of("categories"),
                           "joking: 'categories' must list categories of the file")
            else:
                joking_categories = frozenset(names)
            joking = joking.get("patterns")
        else:
            report.add(item.line_of("joking"), "'joking' must have 'categories' and 'patterns'")
            joking = None
    if "ordinary" in item and not isinstance(item["ordinary"], LineList):
        report.add(item.line_of("ordinary"), "'ordinary' must be a list of sentences")
    return Section(
        lang=lang,
        spelling=spelling,
        disclosure=by_category("disclosure"),
        ambiguous=by_category("ambiguous"),
        likely=by_category("likely"),
        harmless=one("harmless", item.get("harmless"), item.line_of("harmless")),
        asking=one("asking", item.get("asking"), item.line_of("asking")),
        programme=one("programme", item.get("programme"), item.line_of("programme")),
        about=one("about", item.get("about"), item.line_of("about")),
        joking=one("joking", joking, item.line_of("joking")),
        joking_categories=joking_categories,
    )


def _check_spelling(items: Any, line: int, report: Report) -> dict[str, str]:
    if not isinstance(items, LineDict):
        report.add(line, "'spelling' must map a way of writing to the word it means")
        return {}
    spelling: dict[str, str] = {}
    for written, meant in items.items():
        key, value = normalize(str(written)), normalize(str(meant))
        if not key or " " in key or not value:
            report.add(items.line_of(written), f"spelling {written!r}: write one word on the "
                                               f"left and what it means on the right")
            continue
        spelling[key] = value
    return spelling


def _check_words(items: Any, line: int, report: Report) -> dict[str, list[str]]:
    if not isinstance(items, LineDict):
        report.add(line, "'words' must map a slot name to its list of words")
        return {}
    slots: dict[str, list[str]] = {}
    for name, entries in items.items():
        if not isinstance(entries, LineList) or not entries or not all(
            isinstance(e, str) and normalize(e.rstrip("*")) for e in entries
        ):
            report.add(items.line_of(name), f"words {name!r} must be a list of words")
            continue
        slots[str(name)] = [str(e) for e in entries]
    return slots


def _check_ordinary(items: Sequence[Any], matcher: DangerMatcher, report: Report) -> None:
    for index, sentence in enumerate(items):
        line = items.line_of(index) if isinstance(items, LineList) else 0
        if not isinstance(sentence, str) or not sentence.strip():
            report.add(line, "an ordinary sentence must be a non-empty text")
            continue
        finding = matcher.assess(sentence)
        if finding is not None:
            report.add(line, f"ordinary sentence {sentence!r} triggers the danger check "
                             f"({finding.tier}, {finding.category})")
