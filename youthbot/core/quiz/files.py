"""Loading the quizzes from `content/quizzes/*.yaml`, with every problem in every file.

Problems name the file and the line; checking goes on after a wrong file, so one run reports
them all (`youthbot content check`), and the bot starts only when there are none.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from youthbot.core.quiz.checks import FileCheck
from youthbot.core.quiz.content import Quiz
from youthbot.core.yamlsource import ContentInvalid, LineDict, Problem, load_yaml


def default_quiz_dir() -> Path:
    """The quizzes that ship with the bot."""
    return Path(__file__).resolve().parent.parent.parent / "content" / "quizzes"


def _check_file(
    path: Path, languages: Sequence[str], first_file: dict[str, str]
) -> tuple[Quiz | None, list[Problem]]:
    """Check one quiz file; `first_file` maps each quiz id seen so far to its file name."""
    data, parse_problems = load_yaml(path, str(path))
    check = FileCheck(str(path), languages)
    check.problems.extend(parse_problems)
    if data is None:
        if not parse_problems:
            check.add(1, "the file is empty")
        return None, check.problems
    quiz = check.quiz(data, path.stem)
    quiz_id = data.get("id") if isinstance(data, LineDict) else None
    if isinstance(quiz_id, str) and quiz_id in first_file:
        check.add(
            data.line_of("id"),
            f"duplicate quiz id {quiz_id!r} (also used in {first_file[quiz_id]})",
        )
    elif isinstance(quiz_id, str):
        first_file[quiz_id] = path.name
    return (quiz if not check.problems else None), check.problems


def check_quizzes(
    directory: Path, languages: Sequence[str] = ("es", "en")
) -> tuple[list[Quiz], list[Problem]]:
    """Check every quiz file in `directory`; return the valid quizzes and all problems found.

    Quizzes come sorted by (order, id). A problem about the directory itself has line 0.
    """
    if not directory.is_dir():
        return [], [Problem(str(directory), 0, "quiz directory not found")]
    quizzes: list[Quiz] = []
    problems: list[Problem] = []
    first_file: dict[str, str] = {}
    for path in sorted(directory.glob("*.yml")):
        problems.append(Problem(str(path), 1, "quiz files must end in .yaml, not .yml"))
    paths = sorted(directory.glob("*.yaml"))
    for path in paths:
        quiz, file_problems = _check_file(path, languages, first_file)
        problems.extend(file_problems)
        if quiz is not None:
            quizzes.append(quiz)
    if not paths:
        problems.append(Problem(str(directory), 0, "no quizzes: add at least one *.yaml file"))
    quizzes.sort(key=lambda quiz: (quiz.order, quiz.id))
    return quizzes, sorted(problems)


def load_quizzes(
    directory: Path | None = None, languages: Sequence[str] = ("es", "en")
) -> list[Quiz]:
    """The quizzes in `directory` (the shipped ones by default); ContentInvalid if any is wrong."""
    quizzes, problems = check_quizzes(directory or default_quiz_dir(), languages)
    if problems:
        raise ContentInvalid(problems)
    return quizzes
