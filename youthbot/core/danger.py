"""Danger words: free text that says someone is being hurt, held, sold, or wants to die.

Any text a young person types is checked against the curated list in danger_words.yaml; a
match lets the bot interrupt gently with emergency numbers and the offer of a person.
We prefer recall: a gentle message is cheap, a missed disclosure is not. So there are no
exceptions ("me obligan a hacer la tarea" triggers too), and `normalize` folds the ways people
really type (no accents, capitals, stretched letters, digits for letters) onto one form.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from youthbot.core.regions import Report, check_keys, line_of
from youthbot.core.yamlsource import ContentInvalid, LineDict, LineList, Problem, load_yaml

CATEGORIES = ("forced", "sold_or_taken", "image_threat", "held", "abuse", "suicide", "danger")
# Dropped, not turned into a space, so "I'm" and "Im", "won't" and "wont" are the same word.
APOSTROPHES = frozenset("'’‘`´ʼ")
# Only inside a word that also has letters ("m0rir", "h3lp"), never in numbers like "100".
LEET = str.maketrans("013457", "oieast")
REPEATS = re.compile(r"([^\W\d_])\1+")


def normalize(text: str) -> str:
    """The matching form of `text`: what is compared, not what is shown.

    Lower case; accents and other marks removed (ñ → n); apostrophes dropped; every other
    character that is not a letter or digit (punctuation, emoji) becomes a space; digits inside
    words read as letters (0→o 1→i 3→e 4→a 5→s 7→t); every run of one repeated letter becomes
    one letter ("ayudaaaa" → "ayuda", but also "llevar" → "levar" — phrases are normalised the
    same way, so they still meet); spaces collapsed.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = []
    for char in decomposed:
        if unicodedata.combining(char) or char in APOSTROPHES:
            continue
        kept.append(char if char.isalnum() else " ")
    return " ".join(_fold_word(word) for word in "".join(kept).split())


def _fold_word(word: str) -> str:
    if not word.isdigit() and any(char.isdigit() for char in word):
        word = word.translate(LEET)
    return REPEATS.sub(r"\1", word)


@dataclass(frozen=True)
class DangerPhrase:
    """One curated phrase, as written in the file, and what it signals."""

    text: str
    lang: str
    category: str
    line: int = 0

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(normalize(self.text).split())


class DangerMatcher:
    """Finds curated danger phrases, as whole words, in free text."""

    def __init__(self, phrases: Sequence[DangerPhrase]) -> None:
        # First word → (words, category), longest first, so a scan tests few candidates.
        self._by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for phrase in phrases:
            if phrase.key:
                self._by_first.setdefault(phrase.key[0], []).append((phrase.key, phrase.category))
        for candidates in self._by_first.values():
            candidates.sort(key=lambda item: -len(item[0]))

    @classmethod
    def from_file(cls, path: Path | str | None = None) -> DangerMatcher:
        """A matcher for danger_words.yaml; raises ContentInvalid when the file has problems."""
        phrases, problems = check_danger_words(path)
        if problems:
            raise ContentInvalid(problems)
        return cls(phrases)

    def match(self, text: str) -> str | None:
        """The category of the first phrase found in `text`, or None."""
        words = normalize(text).split()
        for start, word in enumerate(words):
            for key, category in self._by_first.get(word, ()):
                if tuple(words[start:start + len(key)]) == key:
                    return category
        return None


def default_danger_words_path() -> Path:
    return Path(__file__).resolve().parent.parent / "content" / "danger_words.yaml"


def check_danger_words(
    path: Path | str | None = None, languages: Sequence[str] = ("es", "en")
) -> tuple[list[DangerPhrase], list[Problem]]:
    """Read danger_words.yaml; return the phrases and every problem found, with its line.

    Besides the shape of each entry, an `ordinary` sentence that triggers is a problem: it
    shows which new phrase would interrupt everyday talk.
    """
    path = Path(path) if path is not None else default_danger_words_path()
    data, problems = load_yaml(path, str(path))
    report = Report(str(path), problems)
    if not _check_top(data, report):
        return [], report.problems
    categories = _check_categories(data, report)
    phrases = _check_phrases(data, categories, languages, report)
    _check_ordinary(data, DangerMatcher(phrases), report)
    return phrases, sorted(report.problems)


def _check_top(data: Any, report: Report) -> bool:
    if isinstance(data, LineDict):
        check_keys(data, required=("phrases", "categories", "ordinary"), what="file",
                   report=report)
        return True
    if data is not None or not report.problems:
        report.add(1, "the file must be a mapping with 'phrases', 'categories' and 'ordinary'")
    return False


def _check_categories(data: LineDict, report: Report) -> set[str]:
    items = data.get("categories")
    if not isinstance(items, LineList):
        if "categories" in data:
            report.add(data.line_of("categories"), "'categories' must be a list")
        return set(CATEGORIES)
    for index, item in enumerate(items):
        if item not in CATEGORIES:
            report.add(items.line_of(index), f"category {item!r} is unknown to the bot "
                                             f"(known: {', '.join(CATEGORIES)})")
    return {str(item) for item in items}


def _check_phrases(
    data: LineDict, categories: set[str], languages: Sequence[str], report: Report
) -> list[DangerPhrase]:
    items = data.get("phrases")
    if not isinstance(items, LineList) or not items:
        if "phrases" in data:
            report.add(data.line_of("phrases"), "'phrases' must be a list with at least one")
        return []
    phrases: list[DangerPhrase] = []
    seen: dict[tuple[str, ...], int] = {}
    for index, item in enumerate(items):
        phrase = _check_phrase(item, items.line_of(index), categories, languages, report)
        if phrase is None:
            continue
        if phrase.key in seen:
            report.add(phrase.line, f"phrase {phrase.text!r} repeats the one at line "
                                    f"{seen[phrase.key]} (once accents, capitals and "
                                    f"repeated letters are set aside)")
            continue
        seen[phrase.key] = phrase.line
        phrases.append(phrase)
    return phrases


def _check_phrase(
    item: Any, line: int, categories: set[str], languages: Sequence[str], report: Report
) -> DangerPhrase | None:
    if not isinstance(item, LineDict):
        report.add(line, 'each phrase must be {text: "...", lang: es, category: forced}')
        return None
    check_keys(item, required=("text", "lang", "category"), what="phrase", report=report)
    text, lang, category = item.get("text"), item.get("lang"), item.get("category")
    usable = True
    if not isinstance(text, str) or not normalize(text):
        report.add(line_of(item, "text", line), "phrase text is empty or has no letters")
        usable = False
    if "lang" in item and lang not in languages:
        report.add(item.line_of("lang"), f"phrase language {lang!r} is not one of: "
                                         f"{', '.join(languages)}")
    if "category" in item and category not in categories:
        report.add(item.line_of("category"), f"phrase category {category!r} is not in "
                                             f"'categories'")
    if not usable:
        return None
    return DangerPhrase(text=text, lang=str(lang), category=str(category), line=line)


def _check_ordinary(data: LineDict, matcher: DangerMatcher, report: Report) -> None:
    items = data.get("ordinary")
    if not isinstance(items, LineList):
        if "ordinary" in data:
            report.add(data.line_of("ordinary"), "'ordinary' must be a list of sentences")
        return
    for index, sentence in enumerate(items):
        if not isinstance(sentence, str) or not sentence.strip():
            report.add(items.line_of(index), "an ordinary sentence must be a non-empty text")
            continue
        category = matcher.match(sentence)
        if category is not None:
            report.add(items.line_of(index),
                       f"ordinary sentence {sentence!r} triggers the danger check ({category})")
