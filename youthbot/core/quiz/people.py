"""Quiz figures by people, not answers: how many finished each quiz in a first attempt and
how many were retries, and an anonymous breakdown of first attempts by region and age band.

Read only from the anonymous counters (`quiz_people_stats`, and the first-attempt columns
of `quiz_question_stats`). Small cells: a count from 1 to 4 is shown as "<5"; and where a
shown total minus the shown cells of its row would give a hidden cell away, the next
smallest cell of that row is hidden too (secondary suppression), and the same between the
rows' totals and the quiz's total.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ...db.models.quiz import QuizPeopleStat, QuizQuestionStat
from .content import Quiz

SMALL = "<5"
MIN_CELL = 5
# The age bands people choose (core/people/users.AgeBand), then "not said".
AGE_BANDS = ("u14", "14-17", "18-25", "26+", "")
FIRST, RETRY = "first", "retry"


def small(count: int) -> bool:
    return 0 < count < MIN_CELL


def suppress(counts: Sequence[int], total: int | None = None) -> list[str]:
    """The counts as they may be shown: "<5" for 1 to 4, and, when `total` (their sum) is
    shown, one more cell hidden wherever a single hidden one could be worked out from it."""
    hidden = [small(c) for c in counts]
    total_shown = total is not None and not small(total)
    if total_shown and sum(hidden) == 1:
        others = [(c, i) for i, c in enumerate(counts) if c > 0 and not hidden[i]]
        if others:
            hidden[min(others)[1]] = True
    return [SMALL if hide else str(count) for count, hide in zip(counts, hidden, strict=True)]


@dataclass(frozen=True)
class QuizPeople:
    quiz_id: str
    title: str
    first: int  # people who finished it in a first attempt
    retries: int  # finished retries
    first_answers: int
    first_correct: int

    @property
    def percent_first(self) -> float | None:
        if not self.first_answers:
            return None
        return round(100 * self.first_correct / self.first_answers, 1)


@dataclass(frozen=True)
class Breakdown:
    """First attempts of one quiz by region (rows) and age band (AGE_BANDS, columns)."""

    quiz_id: str
    title: str
    rows: dict[str, tuple[int, ...]]  # region ("" = not said) -> counts per age band

    @property
    def total(self) -> int:
        return sum(sum(row) for row in self.rows.values())

    def shown(self) -> list[tuple[str, list[str], str]]:
        """(region, cells, row total) as they may be shown, small cells suppressed."""
        regions = sorted(self.rows, key=lambda r: (r == "", r))
        totals = suppress([sum(self.rows[r]) for r in regions], self.total)
        return [
            (region, suppress(self.rows[region], sum(self.rows[region])), shown_total)
            for region, shown_total in zip(regions, totals, strict=True)
        ]


async def people_figures(
    session: AsyncSession, *, quizzes: Sequence[Quiz], language: str
) -> tuple[list[QuizPeople], list[Breakdown]]:
    """Per quiz: people (first attempts), retries, % right in first attempts; and the
    breakdown of first attempts by region and age band."""
    finished: dict[tuple[str, str], int] = defaultdict(int)
    cells: dict[str, dict[str, list[int]]] = defaultdict(dict)
    rows = await session.execute(
        select(QuizPeopleStat.quiz_id, QuizPeopleStat.attempt, QuizPeopleStat.region,
               QuizPeopleStat.age_band, QuizPeopleStat.people)
    )  # fmt: skip
    for quiz_id, attempt, region, band, people in rows:
        finished[(quiz_id, attempt)] += people
        if attempt == FIRST:
            column = AGE_BANDS.index(band) if band in AGE_BANDS else len(AGE_BANDS) - 1
            row = cells[quiz_id].setdefault(region, [0] * len(AGE_BANDS))
            row[column] += people
    answers = dict(
        (quiz_id, (a or 0, c or 0))
        for quiz_id, a, c in await session.execute(
            select(QuizQuestionStat.quiz_id, func.sum(QuizQuestionStat.first_answers),
                   func.sum(QuizQuestionStat.first_correct))
            .group_by(QuizQuestionStat.quiz_id)
        )
    )  # fmt: skip
    figures, breakdowns = [], []
    for quiz in quizzes:
        title = quiz.title_in(language)
        first_answers, first_correct = answers.get(quiz.id, (0, 0))
        figures.append(QuizPeople(quiz.id, title, finished[(quiz.id, FIRST)],
                                  finished[(quiz.id, RETRY)], first_answers, first_correct))
        breakdowns.append(Breakdown(quiz.id, title, {
            region: tuple(row) for region, row in cells.get(quiz.id, {}).items()}))
    return figures, breakdowns  # fmt: skip


def format_people(figures: Sequence[QuizPeople], breakdowns: Sequence[Breakdown]) -> str:
    """Plain text for the terminal: people per quiz, then each quiz's breakdown."""
    lines = ["people per quiz (first attempts; retries apart)",
             f"{'quiz':<40} {'people':>7} {'retries':>8} {'% right 1st':>12}"]  # fmt: skip
    for f in figures:
        percent = "—" if f.percent_first is None else f"{f.percent_first:.1f}%"
        first, retries = suppress([f.first])[0], suppress([f.retries])[0]
        lines.append(f"{f.quiz_id + ': ' + f.title[:30]:<40} {first:>7} {retries:>8} "
                     f"{percent:>12}")  # fmt: skip
    for b in breakdowns:
        if not b.rows:
            continue
        lines += ["", f"{b.quiz_id}: first attempts by region and age band",
                  f"{'region':<16}" + "".join(f"{band or 'not said':>10}" for band in AGE_BANDS)
                  + f"{'total':>8}"]  # fmt: skip
        for region, shown, total in b.shown():
            lines.append(f"{region or 'not said':<16}" + "".join(f"{c:>10}" for c in shown)
                         + f"{total:>8}")  # fmt: skip
    return "\n".join(lines)


def write_people_csv(breakdowns: Sequence[Breakdown], stream: TextIO) -> None:
    """One row per quiz and region: first attempts per age band and in all (small cells
    suppressed as on screen)."""
    writer = csv.writer(stream)
    writer.writerow(["quiz_id", "quiz_title", "region",
                     *[f"age_{band or 'not_said'}" for band in AGE_BANDS], "total"])
    for b in breakdowns:
        for region, shown, total in b.shown():
            writer.writerow([b.quiz_id, b.title, region or "not said", *shown, total])


def write_people_xlsx(
    figures: Sequence[QuizPeople], breakdowns: Sequence[Breakdown], stream
) -> None:
    """An XLSX workbook with two sheets: people per quiz, and first attempts by region and
    age band (small cells as "<5", as everywhere)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)

    def header(sheet, names: list[str]) -> None:
        from openpyxl.cell import WriteOnlyCell

        cells = []
        for name in names:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = bold
            cells.append(cell)
        sheet.freeze_panes = "A2"
        sheet.append(cells)

    def number(text: str) -> int | str:
        return text if text == SMALL else int(text)

    quizzes = workbook.create_sheet("Quizzes")
    header(quizzes, ["quiz_id", "quiz_title", "people_first_attempt", "retries_finished",
                     "percent_right_first_attempt"])  # fmt: skip
    for f in figures:
        quizzes.append([f.quiz_id, f.title, number(suppress([f.first])[0]),
                        number(suppress([f.retries])[0]), f.percent_first])  # fmt: skip
    people = workbook.create_sheet("First attempts")
    header(people, ["quiz_id", "quiz_title", "region",
                    *[f"age_{band or 'not_said'}" for band in AGE_BANDS], "total"])  # fmt: skip
    for b in breakdowns:
        for region, shown, total in b.shown():
            people.append([b.quiz_id, b.title, region or "not said",
                           *map(number, shown), number(total)])  # fmt: skip
    workbook.save(stream)
