"""Awareness quizzes as data: a quiz and its questions, with their texts in every language.

Read from `content/quizzes/*.yaml` by quiz_files, which checks each file with quiz_checks.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

FALLBACK_LANGUAGES = ("es", "en")

Translations = dict[str, str]


def _pick(translations: Translations, lang: str) -> str:
    """The text in `lang` (or its base language), else Spanish, else English."""
    base = re.split(r"[-_]", lang, maxsplit=1)[0]
    for candidate in (lang, base, *FALLBACK_LANGUAGES):
        if translations.get(candidate):
            return translations[candidate]
    return ""


@dataclass(frozen=True)
class Question:
    """One quiz question with its options, the right one, and the explanation shown after."""

    id: str
    text: Translations
    options: tuple[Translations, ...]
    correct: int
    explanation: Translations

    def text_in(self, lang: str) -> str:
        return _pick(self.text, lang)

    def options_in(self, lang: str) -> list[str]:
        return [_pick(option, lang) for option in self.options]

    def explanation_in(self, lang: str) -> str:
        return _pick(self.explanation, lang)


@dataclass(frozen=True)
class Quiz:
    """A quiz as shown in the list: its position, title, description and questions."""

    id: str
    order: int
    title: Translations
    description: Translations
    questions: tuple[Question, ...]
    poll_seconds: int | None = None  # a group quiz's time per question; None: QUIZ_POLL_SECONDS
    shuffle_options: bool = False

    def option_order(self, index: int, seed: object) -> tuple[int, ...]:
        """The options of question `index` in the order shown, as their numbers in the file.

        The same `seed` (an attempt, a group run) always gives the same order, so a button
        pressed later, or after a restart, still means the option it showed."""
        order = list(range(len(self.questions[index].options)))
        if self.shuffle_options:
            random.Random(f"{seed}:{self.questions[index].id}").shuffle(order)
        return tuple(order)

    def title_in(self, lang: str) -> str:
        return _pick(self.title, lang)

    def description_in(self, lang: str) -> str:
        return _pick(self.description, lang)
