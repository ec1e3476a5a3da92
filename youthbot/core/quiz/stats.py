"""Quiz figures for coordinators: answers and % correct per quiz and per question.

Read only from the anonymous counters (`quiz_question_stats`), never from anyone's answers.
The chart is drawn with matplotlib's Agg backend (no display, safe on a server).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ...db.models.quiz import QuizQuestionStat
from .content import Quiz

LOW_PERCENT = 50  # questions under this are drawn in a warning colour: misconceptions
LOW_COLOR, OK_COLOR = "#d9534f", "#2b7bb9"
MIN_BAR = 1.5  # the length (in % of the axis) drawn for 0 %, so that it shows, in red
CSV_COLUMNS = (
    "level",
    "quiz_id",
    "quiz_title",
    "question_number",
    "question_id",
    "question",
    "answers",
    "correct",
    "percent_correct",
)


def percent(correct: int, answers: int) -> float | None:
    return round(100 * correct / answers, 1) if answers else None


@dataclass(frozen=True)
class QuestionFigure:
    number: int
    question_id: str
    text: str
    answers: int
    correct: int

    @property
    def percent(self) -> float | None:
        return percent(self.correct, self.answers)


@dataclass(frozen=True)
class QuizFigure:
    quiz_id: str
    title: str
    questions: tuple[QuestionFigure, ...]

    @property
    def answers(self) -> int:
        return sum(q.answers for q in self.questions)

    @property
    def correct(self) -> int:
        return sum(q.correct for q in self.questions)

    @property
    def percent(self) -> float | None:
        return percent(self.correct, self.answers)


async def question_counts(session: AsyncSession) -> dict[tuple[str, str], tuple[int, int]]:
    """(answers, right answers) per (quiz id, question id): the counter shards added up."""
    rows = await session.execute(
        select(
            QuizQuestionStat.quiz_id,
            QuizQuestionStat.question_id,
            func.sum(QuizQuestionStat.answers),
            func.sum(QuizQuestionStat.correct),
        ).group_by(QuizQuestionStat.quiz_id, QuizQuestionStat.question_id)
    )
    return {(quiz_id, qid): (answers, correct) for quiz_id, qid, answers, correct in rows}


async def quiz_figures(
    session: AsyncSession, *, quizzes: Sequence[Quiz], language: str
) -> list[QuizFigure]:
    """Every quiz and question of the current content with its counters (0 if never answered)."""
    counts = await question_counts(session)
    figures = []
    for quiz in quizzes:
        questions = tuple(
            QuestionFigure(
                number,
                question.id,
                question.text_in(language),
                *counts.get((quiz.id, question.id), (0, 0)),
            )
            for number, question in enumerate(quiz.questions, start=1)
        )
        figures.append(QuizFigure(quiz.id, quiz.title_in(language), questions))
    return figures


def _shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _show(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def format_table(figures: Sequence[QuizFigure], *, width: int = 48) -> str:
    """A plain-text table (for the terminal): one line per quiz, then one per question."""
    header = f"{'quiz / question':<{width + 4}} {'answers':>8} {'correct':>8} {'% correct':>10}"
    lines = [header, "-" * len(header)]
    for quiz in figures:
        name = _shorten(f"{quiz.quiz_id}: {quiz.title}", width + 4)
        lines.append(
            f"{name:<{width + 4}} {quiz.answers:>8} {quiz.correct:>8} {_show(quiz.percent):>10}"
        )
        for q in quiz.questions:
            label = f"  {q.number:>2} {_shorten(q.text, width)}"
            lines.append(
                f"{label:<{width + 4}} {q.answers:>8} {q.correct:>8} {_show(q.percent):>10}"
            )
    return "\n".join(lines)


def write_csv(figures: Sequence[QuizFigure], stream: TextIO) -> None:
    """One row per quiz (level "quiz") and per question (level "question")."""
    writer = csv.writer(stream)
    writer.writerow(CSV_COLUMNS)
    for quiz in figures:
        writer.writerow(
            [
                "quiz",
                quiz.quiz_id,
                quiz.title,
                "",
                "",
                "",
                quiz.answers,
                quiz.correct,
                "" if quiz.percent is None else quiz.percent,
            ]
        )
        for q in quiz.questions:
            writer.writerow(
                [
                    "question",
                    quiz.quiz_id,
                    quiz.title,
                    q.number,
                    q.question_id,
                    q.text,
                    q.answers,
                    q.correct,
                    "" if q.percent is None else q.percent,
                ]
            )


def _drawable(text: str) -> str:
    """Drop emoji and other symbols the chart's font cannot draw (matplotlib would warn)."""
    kept = (c for c in text if ord(c) <= 0xFFFF and unicodedata.category(c) != "So")
    return " ".join("".join(kept).split())


def chart_bars(
    figures: Sequence[QuizFigure], *, no_answers: str
) -> tuple[list[str], list[float], list[str], list[str]]:
    """Label, bar length, colour and note per question. A question nobody got right still gets
    a short red bar: at 0 % no bar at all would hide the worst misconception."""
    labels, values, colors, notes = [], [], [], []
    for quiz in figures:
        for q in quiz.questions:
            labels.append(
                _drawable(f"{_shorten(quiz.title, 24)} · {q.number}. {_shorten(q.text, 44)}")
            )
            values.append(0 if q.percent is None else max(q.percent, MIN_BAR))
            low = q.percent is not None and q.percent < LOW_PERCENT
            colors.append(LOW_COLOR if low else OK_COLOR)
            notes.append(
                _drawable(no_answers) if q.percent is None else f"{q.percent:.0f}% (n={q.answers})"
            )
    return labels, values, colors, notes


def render_chart(
    figures: Sequence[QuizFigure], *, title: str, axis_label: str, no_answers: str
) -> bytes:
    """A PNG bar chart of % correct per question, grouped by quiz; labels as given."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    labels, values, colors, notes = chart_bars(figures, no_answers=no_answers)
    figure = Figure(figsize=(11, 1.2 + 0.32 * max(len(labels), 1)), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(labels)))
    axes.barh(positions, values, color=colors)
    axes.set_yticks(positions, labels, fontsize=8)
    axes.invert_yaxis()
    axes.margins(y=0.01)
    axes.set_xlim(0, 115)
    axes.axvline(LOW_PERCENT, color="#999999", linewidth=0.8, linestyle="--")
    for y, (value, note) in enumerate(zip(values, notes, strict=True)):
        axes.text(value + 1, y, note, va="center", fontsize=7)
    axes.set_xlabel(_drawable(axis_label))
    axes.set_title(_drawable(title))
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
