"""Checking one quiz file: its keys, ids and translations, against Telegram's limits for polls.

Quiz files are edited by people who are not programmers, so every problem names the line and
what to change, and checking goes on after the first problem to report them all.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from youthbot.core.quiz.content import Question, Quiz, Translations
from youthbot.core.yamlsource import LineDict, LineList, Problem

# Telegram's limits for quiz polls (sendPoll): question, each option, explanation.
MAX_QUESTION = 300
MAX_OPTION = 100
MAX_EXPLANATION = 200
MAX_EXPLANATION_LINE_FEEDS = 2
MIN_OPTIONS = 2
MAX_OPTIONS = 10
MIN_QUESTIONS = 6
MAX_QUESTIONS = 10
MAX_QUIZ_ID = 24
MAX_QUESTION_ID = 12

_ID = re.compile(r"^[a-z0-9-]+$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}([-_][A-Za-z0-9]{2,8})?$")
_QUIZ_KEYS = ("id", "order", "title", "description", "questions")
_OPTIONAL_QUIZ_KEYS = ("poll_seconds", "shuffle_options")
# Telegram's open_period for polls.
MIN_POLL_SECONDS = 5
MAX_POLL_SECONDS = 600
_QUESTION_KEYS = ("id", "text", "options", "correct", "explanation")


def _telegram_length(text: str) -> int:
    # Telegram counts UTF-16 code units, so an emoji can count as two characters.
    return len(text.encode("utf-16-le")) // 2


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


class FileCheck:
    """Checks one quiz file, collecting every problem instead of stopping at the first."""

    def __init__(self, display: str, languages: Sequence[str]) -> None:
        self.display = display
        self.languages = tuple(languages)
        self.problems: list[Problem] = []

    def add(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.display, line, message))

    def keys(
        self, mapping: LineDict, allowed: Sequence[str], where: str, optional: Sequence[str] = ()
    ) -> None:
        """Report unknown and missing keys of `mapping` (`optional` ones may be left out)."""
        for key in mapping:
            if key not in allowed and key not in optional:
                expected = ", ".join((*allowed, *optional))
                self.add(
                    mapping.line_of(key), f"unknown key {key!r} in {where}; expected {expected}"
                )
        for key in allowed:
            if key not in mapping:
                self.add(mapping.line, f"missing required key {key!r} in {where}")

    def translations(
        self, value: Any, line: int, where: str, *, limit: int | None = None
    ) -> Translations | None:
        """Check a `{es: ..., en: ...}` mapping; return it as a plain dict if usable."""
        if not isinstance(value, LineDict):
            self.add(line, f"{where} must have one text per language, like {{es: ..., en: ...}}")
            return None
        ok = True
        for lang in self.languages:
            if lang not in value:
                self.add(line, f"missing {lang!r} translation of {where}")
                ok = False
        for lang, text in value.items():
            at = value.line_of(lang)
            if not isinstance(lang, str) or not _LANGUAGE.match(lang):
                self.add(at, f"unknown language {lang!r} in {where}")
            elif text is None or (isinstance(text, str) and not text.strip()):
                self.add(at, f"empty {lang!r} translation of {where}")
            elif not isinstance(text, str):
                self.add(at, f"{lang!r} translation of {where} must be text (put it in quotes)")
            elif limit is not None and (length := _telegram_length(text)) > limit:
                self.add(
                    at,
                    f"{where} in {lang!r} is {length} characters; Telegram allows at most {limit}",
                )
            else:
                continue
            ok = False
        return {lang: text.strip() for lang, text in value.items()} if ok else None

    def quiz(self, data: Any, stem: str) -> Quiz | None:
        """Check a whole quiz file; return the quiz only if nothing in the file is wrong."""
        if not isinstance(data, LineDict):
            line = getattr(data, "line", 1)
            self.add(line, "a quiz file must be a mapping with " + ", ".join(_QUIZ_KEYS))
            return None
        self.keys(data, _QUIZ_KEYS, "the quiz", _OPTIONAL_QUIZ_KEYS)
        quiz_id = self.quiz_id(data, stem)
        order = data.get("order")
        if "order" in data and (not isinstance(order, int) or isinstance(order, bool)):
            self.add(data.line_of("order"), f"order must be a whole number, not {order!r}")
        title = self.translations(data.get("title"), data.line_of("title"), "quiz title")
        description = self.translations(
            data.get("description"), data.line_of("description"), "quiz description"
        )
        questions = self.questions(data)
        poll_seconds = self.poll_seconds(data)
        shuffle = data.get("shuffle_options", False)
        if not isinstance(shuffle, bool):
            self.add(
                data.line_of("shuffle_options"),
                f"shuffle_options must be true or false, not {shuffle!r}",
            )
        if self.problems or None in (title, description, questions):
            return None
        return Quiz(quiz_id, order, title, description, questions, poll_seconds, shuffle)

    def poll_seconds(self, data: LineDict) -> int | None:
        """The optional time to answer each question of a group quiz, in seconds."""
        seconds = data.get("poll_seconds")
        if seconds is None:
            return None
        if (
            not isinstance(seconds, int)
            or isinstance(seconds, bool)
            or not MIN_POLL_SECONDS <= seconds <= MAX_POLL_SECONDS
        ):
            self.add(
                data.line_of("poll_seconds"),
                f"poll_seconds must be a whole number of seconds from {MIN_POLL_SECONDS} to "
                f"{MAX_POLL_SECONDS} (Telegram's limits for a poll), not {seconds!r}",
            )
            return None
        return seconds

    def quiz_id(self, data: LineDict, stem: str) -> str | None:
        if "id" not in data:
            return None
        quiz_id, line = data["id"], data.line_of("id")
        if not isinstance(quiz_id, str) or not _ID.match(quiz_id) or len(quiz_id) > MAX_QUIZ_ID:
            self.add(
                line,
                f"quiz id {quiz_id!r} must be lowercase letters, digits and '-', "
                f"at most {MAX_QUIZ_ID} characters",
            )
        elif quiz_id != stem:
            self.add(
                line,
                f"quiz id {quiz_id!r} does not match the file name {stem!r}; "
                f"rename the file to {quiz_id}.yaml or change the id",
            )
        return quiz_id if isinstance(quiz_id, str) else None

    def questions(self, data: LineDict) -> tuple[Question, ...] | None:
        if "questions" not in data:
            return None
        items, line = data["questions"], data.line_of("questions")
        if not isinstance(items, LineList):
            self.add(line, "questions must be a list, each item starting with '- id:'")
            return None
        if not MIN_QUESTIONS <= len(items) <= MAX_QUESTIONS:
            self.add(
                line,
                f"the quiz has {_count(len(items), 'question')}; it needs "
                f"{MIN_QUESTIONS} to {MAX_QUESTIONS}",
            )
        seen: dict[str, int] = {}
        checked = [self.question(item, items.line_of(i), i, seen) for i, item in enumerate(items)]
        return None if None in checked else tuple(checked)

    def question(self, item: Any, line: int, index: int, seen: dict[str, int]) -> Question | None:
        if not isinstance(item, LineDict):
            self.add(line, f"question {index + 1} must be a mapping starting with 'id:'")
            return None
        name = self.question_id(item, index, seen)
        self.keys(item, _QUESTION_KEYS, name)
        text = self.translations(
            item.get("text"), item.line_of("text"), f"{name} text", limit=MAX_QUESTION
        )
        options = self.options(item, name)
        correct = self.correct(item, name, options)
        explanation = self.explanation(item, name)
        if None in (text, options, correct, explanation) or not isinstance(item.get("id"), str):
            return None
        return Question(item["id"], text, options, correct, explanation)

    def question_id(self, item: LineDict, index: int, seen: dict[str, int]) -> str:
        """Check the question's id; return how messages name the question."""
        qid, line = item.get("id"), item.line_of("id")
        if "id" not in item:
            return f"question {index + 1}"
        if not isinstance(qid, str) or not _ID.match(qid) or len(qid) > MAX_QUESTION_ID:
            self.add(
                line,
                f"question id {qid!r} must be lowercase letters, digits and '-', "
                f"at most {MAX_QUESTION_ID} characters",
            )
            return f"question {index + 1}"
        if qid in seen:
            self.add(line, f"duplicate question id {qid!r} (first used at line {seen[qid]})")
        seen.setdefault(qid, line)
        return f"question {qid}"

    def options(self, item: LineDict, name: str) -> tuple[Translations, ...] | None:
        if "options" not in item:
            return None
        options, line = item["options"], item.line_of("options")
        if not isinstance(options, LineList):
            self.add(line, f"options of {name} must be a list, each item starting with '- '")
            return None
        if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
            self.add(
                line,
                f"{name} has {_count(len(options), 'option')}; Telegram needs "
                f"{MIN_OPTIONS} to {MAX_OPTIONS}",
            )
        checked = [
            self.translations(option, options.line_of(i), f"{name} option {i}", limit=MAX_OPTION)
            for i, option in enumerate(options)
        ]
        if None in checked or not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
            return None
        return tuple(checked)

    def correct(
        self, item: LineDict, name: str, options: tuple[Translations, ...] | None
    ) -> int | None:
        if "correct" not in item:
            self.add(
                item.line,
                f"{name} has no correct option: add 'correct:' with the number "
                "of the right option (the first option is 0)",
            )
            return None
        correct, line = item["correct"], item.line_of("correct")
        if not isinstance(correct, int) or isinstance(correct, bool):
            self.add(
                line,
                f"{name} has no correct option: 'correct' must be a whole number "
                f"(the first option is 0), not {correct!r}",
            )
            return None
        raw = item.get("options")
        count = len(raw) if isinstance(raw, LineList) else 0
        if count and not 0 <= correct < count:
            self.add(
                line,
                f"{name} has no correct option: correct is {correct} but the "
                f"options are numbered 0 to {count - 1}",
            )
            return None
        return correct

    def explanation(self, item: LineDict, name: str) -> Translations | None:
        if "explanation" not in item:
            return None
        line = item.line_of("explanation")
        where = f"{name} explanation"
        explanation = self.translations(item["explanation"], line, where, limit=MAX_EXPLANATION)
        for lang, text in (explanation or {}).items():
            if text.count("\n") > MAX_EXPLANATION_LINE_FEEDS:
                self.add(
                    line,
                    f"{where} in {lang!r} has more than {MAX_EXPLANATION_LINE_FEEDS} "
                    "line breaks; Telegram does not allow that",
                )
                explanation = None
        return explanation
