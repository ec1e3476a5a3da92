"""Case figures as files: the rows every output shares, CSV, the XLSX sheet, a PNG chart and a
terminal table. Every count goes through `case_stats.shown` (1 to 4 read "<5"); times are
given only when at least MIN_CASES cases measure them. Labels are in the active language.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

from ...i18n import N_, _, current
from ..regions import Country
from .stats import LABELS, MIN_CASES, SMALL, TIME_LABELS, TIMES, CaseFigures, shown, suppressed

SECTIONS = {
    "total": N_("All cases"),
    "month": N_("Cases per month"),
    "topic": N_("Topic"),
    "urgency": N_("Urgency"),
    "age": N_("Age band"),
    "whom": N_("For whom"),
    "country": N_("Country"),
    "region": N_("Region"),
    "outcome": N_("Outcome"),
    "feedback": N_("Did it help?"),
    "time": N_("Times"),
    "month_topic": N_("Cases per month and topic"),
    "month_urgency": N_("Cases per month and urgency"),
}
HEADERS = (
    N_("Section"), N_("Key"), N_("Label"), N_("Cases"),
    N_("Median (minutes, within)"), N_("90% within (minutes)"),
)  # fmt: skip
STILL_OPEN = "open"
HATCH = "///"


@dataclass(frozen=True)
class FigureRow:
    """One line of every output; `count` is the true count, shown only through `cases`."""

    section: str
    key: str
    label: str
    count: int
    median: int | None = None
    p90: int | None = None

    @property
    def cases(self) -> str:
        return shown(self.count)


class CaseLabels:
    """Translated labels (topic, region...), looked up once per output."""

    def __init__(self, countries: Sequence[Country]) -> None:
        language = current().language
        self.countries = {c.id: c for c in countries}
        self.language = language

    def of(self, measure: str, value: str) -> str:
        if measure == "country":
            return self.country(value)
        if measure == "region":
            country, _sep, region = value.partition("/")
            found = self.countries.get(country)
            area = found.region(region) if found and region != "-" else None
            place = area.name_in(self.language) if area else _("region not said")
            return f"{self.country(country)} · {place}"
        if measure == STILL_OPEN:
            return _("Still open, or ended without an outcome")
        label = LABELS.get(measure, {}).get(value)
        return _(label) if label else value

    def country(self, value: str) -> str:
        found = self.countries.get(value)
        return found.name_in(self.language) if found else _("not said")


def figure_rows(figures: CaseFigures, labels: CaseLabels) -> list[FigureRow]:
    """The figures as rows, in the order every output shows them."""
    rows = [FigureRow("total", "all", _(SECTIONS["total"]), figures.total)]
    for month in figures.month_list():
        key = month.strftime("%Y-%m")
        rows.append(FigureRow("month", key, key, figures.months.get(month, 0)))
    for measure in ("topic", "urgency", "age", "whom", "country", "region", "outcome"):
        values = figures.counts.get(measure, {})
        order = list(LABELS.get(measure, {})) or sorted(values)
        for value in [v for v in order if v in values] + sorted(set(values) - set(order)):
            rows.append(FigureRow(measure, value, labels.of(measure, value), values[value]))
        if measure == "outcome":
            rest = figures.total - sum(values.values())
            if rest > 0:
                rows.append(FigureRow(measure, STILL_OPEN, labels.of(STILL_OPEN, ""), rest))
    values = figures.counts.get("feedback", {})
    for value in LABELS["feedback"]:
        rows.append(
            FigureRow("feedback", value, labels.of("feedback", value), values.get(value, 0))
        )
    for kind in TIMES:
        timing = figures.times[kind]
        rows.append(
            FigureRow("time", kind, _(TIME_LABELS[kind]), timing.cases, timing.median, timing.p90)
        )
    for measure in ("topic", "urgency"):
        for month, values in sorted(figures.by_month.get(measure, {}).items()):
            for value, count in sorted(values.items()):
                if count:
                    key = "{}/{}".format(month.strftime("%Y-%m"), value)
                    label = "{} · {}".format(month.strftime("%Y-%m"), labels.of(measure, value))
                    rows.append(FigureRow(f"month_{measure}", key, label, count))
    return rows


def _times(row: FigureRow) -> tuple[int | None, int | None]:
    """Times only with at least MIN_CASES cases (None otherwise, or beyond the last bucket)."""
    if row.section != "time" or row.count < MIN_CASES:
        return None, None
    return row.median, row.p90


def write_csv(figures: CaseFigures, stream: IO[str], countries: Sequence[Country]) -> None:
    """One line per figure: section, key, label, cases ("<5" for 1 to 4), times in minutes."""
    writer = csv.writer(stream)
    writer.writerow([_(h) for h in HEADERS])
    for row in figure_rows(figures, CaseLabels(countries)):
        median, p90 = _times(row)
        writer.writerow(
            [_(SECTIONS[row.section]), row.key, row.label, row.cases,
             "" if median is None else median, "" if p90 is None else p90]
        )  # fmt: skip


def add_cases_sheet(workbook, figures: CaseFigures, countries: Sequence[Country]) -> None:
    """The "Cases" sheet of a write-only openpyxl workbook: counts as numbers, except the
    suppressed ones, written as the text "<5"."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    sheet = workbook.create_sheet(_("Cases"))
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEF", (26, 18, 44, 10, 22, 20), strict=True):
        sheet.column_dimensions[letter].width = width
    header = []
    for name in HEADERS:
        cell = WriteOnlyCell(sheet, value=_(name))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in figure_rows(figures, CaseLabels(countries)):
        median, p90 = _times(row)
        count = SMALL if suppressed(row.count) else row.count
        sheet.append([_(SECTIONS[row.section]), row.key, row.label, count, median, p90])


def xlsx_bytes(figures: CaseFigures, countries: Sequence[Country]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    add_cases_sheet(workbook, figures, countries)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def duration(minutes: int | None) -> str:
    """A time bound in words: "15 min", "2 h", "3 days"."""
    if minutes is None:
        return _("more than 30 days")
    if minutes < 60:
        return _("{minutes} min").format(minutes=minutes)
    if minutes < 1440:
        hours = current().format_number(round(minutes / 60, 1))
        return _("{hours} h").format(hours=hours)
    days = current().format_number(round(minutes / 1440, 1))
    return _("{days} days").format(days=days)


def format_table(figures: CaseFigures, countries: Sequence[Country]) -> str:
    """The figures for a terminal: one section after the other."""
    lines, section = [], None
    for row in figure_rows(figures, CaseLabels(countries)):
        if row.section != section:
            section = row.section
            lines += ["", _(SECTIONS[section])]
        value = row.cases
        if row.section == "time":
            median, p90 = _times(row)
            value += (
                "  "
                + _("half within {median}, 90% within {p90}").format(
                    median=duration(median), p90=duration(p90)
                )
                if row.count >= MIN_CASES
                else "  " + _("(too few cases to give a time)")
            )
        lines.append(f"  {row.label}: {value}")
    return "\n".join(lines).strip()
