"""Activities for monitoring reports: CSV and XLSX (typed columns), and PNG charts.

One row per activity (drafts left out) with its group, type, pathway, place, start, status
("reported" once the report is in), expected and reported participants by age band and
gender, totals (under 18 too), what happened and came out of it (the report's text, written
for the programme), and report date. No personal data: no leader, no moderator, no list of
who joined (only how many), no photo. The charts keep planned and held activities apart.
Headers and labels are in the language active when these functions run (`i18n.activate`).
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import IO, TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, null, select
from sqlalchemy.ext.asyncio import AsyncSession

from ...db.models import Activity, ActivityJoin, ActivityReport
from ...i18n import N_, _, current
from ..regions import Country
from . import KIND_LABELS, PATHWAY_LABELS, STATUS_LABELS, Status
from .reports import AGE_BANDS, BAND_LABELS, COUNT_COLUMNS, GENDER_LABELS, GENDERS, capitalized

if TYPE_CHECKING:  # matplotlib and openpyxl (~50 MB) load only when an export is made
    from matplotlib.figure import Figure
    from openpyxl.cell import WriteOnlyCell

FIXED_HEADERS = (
    N_("Activity id"), N_("Title"), N_("Group or organisation"), N_("Type"), N_("Pathway"),
    N_("Country"), N_("Region"),
    N_("District"), N_("Online"), N_("Start date and time"), N_("Status"),
    N_("Expected participants"), N_("Joined through the bot"),
)  # fmt: skip
TOTAL_HEADERS = (
    N_("Total girls/women"), N_("Total boys/men"), N_("Total other or not said"),
    N_("Total participants"), N_("Total under 18"),
)  # fmt: skip
REPORTED = "reported"  # the status shown once an approved activity's report is in
NOT_COUNTED = (Status.CANCELLED, Status.UNPUBLISHED)
START_COLUMN = FIXED_HEADERS.index("Start date and time")
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FORMAT = "yyyy-mm-dd"
TOP_REGIONS = 15


@dataclass(slots=True)
class ExportRow:
    """One activity as exported; `starts` is local time, `counts` None when not reported."""

    id: int
    title: str
    group: str | None
    kind: str
    pathway: str
    country: str | None
    region: str | None
    district: str | None
    online: bool
    starts: datetime
    status: str
    expected: int | None
    joined: int
    counts: tuple[int, ...] | None
    reported_on: date | None
    outcome: str | None = None

    @property
    def total(self) -> int:
        return sum(self.counts) if self.counts else 0

    @property
    def under18(self) -> int:
        """Under 12 and 12 to 17, every gender (the first two age bands)."""
        return sum(self.counts[: 2 * len(GENDERS)]) if self.counts else 0

    @property
    def held(self) -> bool:
        """Held: its report is in. Everything else not cancelled is planned."""
        return self.counts is not None

    @property
    def shown_status(self) -> str:
        return REPORTED if self.held and self.status == Status.APPROVED else self.status


def parse_day(text: str) -> date:
    """A day given as 2026-12-25 or 25/12/2026; ValueError otherwise."""
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


async def load_rows(
    session: AsyncSession, *, start: date | None, end: date | None, timezone: str
) -> list[ExportRow]:
    """Every activity but drafts whose local start day is within [start, end], by start."""
    zone = ZoneInfo(timezone)
    joined = (
        select(ActivityJoin.activity_id, func.count().label("n"))
        .group_by(ActivityJoin.activity_id)
        .subquery()
    )
    report_columns = [getattr(ActivityReport, c) for c in COUNT_COLUMNS]
    group = getattr(Activity, "group_name", None)  # arrives with the activities' group work
    outcomes = getattr(ActivityReport, "outcomes", None)
    query = (
        select(
            Activity.id, Activity.title, group if group is not None else null(), Activity.kind,
            Activity.pathway, Activity.country,
            Activity.region, Activity.district, Activity.online, Activity.starts_at,
            Activity.status, Activity.expected, func.coalesce(joined.c.n, 0),
            ActivityReport.submitted_at, ActivityReport.description,
            outcomes if outcomes is not None else null(), *report_columns,
        )  # fmt: skip
        .outerjoin(
            ActivityReport,
            and_(
                ActivityReport.activity_id == Activity.id,
                ActivityReport.submitted_at.is_not(None),
            ),
        )
        .outerjoin(joined, joined.c.activity_id == Activity.id)
        .where(Activity.status != Status.DRAFT)
        .order_by(Activity.starts_at, Activity.id)
    )
    if start is not None:
        query = query.where(Activity.starts_at >= _utc(start, zone))
    if end is not None:
        query = query.where(Activity.starts_at < _utc(end + timedelta(days=1), zone))
    result = await session.execute(query)
    return [_row(values, zone) for values in result]


def _utc(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def _row(values, zone: ZoneInfo) -> ExportRow:
    (aid, title, group, kind, pathway, country, region, district, online, starts_at, status,
     expected, joined, submitted_at, description, outcomes, *counts) = values  # fmt: skip
    outcome = "\n\n".join(t for t in (description, outcomes) if t) if submitted_at else None
    return ExportRow(
        id=aid, title=title or "", group=group or None, kind=kind or "",
        pathway=pathway or "", country=country,
        region=region, district=district, online=bool(online),
        starts=starts_at.astimezone(zone).replace(tzinfo=None), status=status,
        expected=expected, joined=joined,
        counts=tuple(c or 0 for c in counts) if submitted_at is not None else None,
        reported_on=submitted_at.astimezone(zone).date() if submitted_at else None,
        outcome=outcome or None,
    )  # fmt: skip


# Tables ------------------------------------------------------------------------------------


def headers() -> list[str]:
    counts = [
        _("{band}: {gender}").format(
            band=capitalized(_(BAND_LABELS[b])), gender=_(GENDER_LABELS[g])
        )
        for b in AGE_BANDS
        for g in GENDERS
    ]
    return [*map(_, FIXED_HEADERS), *counts, *map(_, TOTAL_HEADERS),
            _("What happened and outcomes"), _("Report date")]  # fmt: skip


class Labels:
    """Translated labels, looked up once per export rather than once per row."""

    def __init__(self, countries: Sequence[Country]) -> None:
        language = current().language
        self.kind = {k.value: _(label) for k, label in KIND_LABELS.items()}
        self.pathway = {p.value: _(label) for p, label in PATHWAY_LABELS.items()}
        self.status = {s.value: _(label) for s, label in STATUS_LABELS.items()}
        self.status[REPORTED] = _("reported")
        self.country = {c.id: c.name_in(language) for c in countries}
        self.region = {(c.id, r.id): r.name_in(language) for c in countries for r in c.regions}
        self.online = _("Online")

    def place(self, row: ExportRow) -> str:
        if row.online:
            return self.online
        return self.region.get((row.country, row.region), row.region or "")


def values(row: ExportRow, labels: Labels) -> list:
    """The typed cells of one row (ints, str, bool, datetime, date, None for empty)."""
    if row.counts is None:
        counts: list = [None] * (len(COUNT_COLUMNS) + len(TOTAL_HEADERS))
    else:
        by_gender = [sum(row.counts[i :: len(GENDERS)]) for i in range(len(GENDERS))]
        counts = [*row.counts, *by_gender, row.total, row.under18]
    return [
        row.id, row.title, row.group or "", labels.kind.get(row.kind, row.kind),
        labels.pathway.get(row.pathway, row.pathway),
        labels.country.get(row.country, row.country or ""),
        "" if row.online else labels.place(row), row.district or "", row.online, row.starts,
        labels.status.get(row.shown_status, row.shown_status), row.expected, row.joined,
        *counts, row.outcome or "", row.reported_on,
    ]  # fmt: skip


def write_csv(rows: Sequence[ExportRow], stream: IO[str], countries: Sequence[Country]) -> None:
    """CSV for spreadsheets: UTF-8 (open the stream with `utf-8-sig` for Excel), ISO dates."""
    labels = Labels(countries)
    yes, no = _("yes"), _("no")
    writer = csv.writer(stream)
    writer.writerow(headers())
    for row in rows:
        cells = values(row, labels)
        cells[FIXED_HEADERS.index("Online")] = yes if row.online else no
        cells[START_COLUMN] = row.starts.strftime("%Y-%m-%d %H:%M")
        cells[-1] = row.reported_on.isoformat() if row.reported_on else ""
        writer.writerow(cells)


def write_xlsx(rows: Sequence[ExportRow], stream: IO[bytes], countries: Sequence[Country]) -> None:
    """An XLSX workbook: dates as dates, counts as numbers, header frozen and filterable."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    labels = Labels(countries)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Activities"))
    names = headers()
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(names))}{len(rows) + 1}"
    for index, width in enumerate(_widths(names), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    sheet.append([_cell(sheet, name, font=bold) for name in names])
    for row in rows:
        cells = values(row, labels)
        cells[START_COLUMN] = _cell(sheet, row.starts, number_format=DATETIME_FORMAT)
        if row.reported_on is not None:
            cells[-1] = _cell(sheet, row.reported_on, number_format=DATE_FORMAT)
        sheet.append(cells)
    workbook.save(stream)


def _cell(sheet, value, **style) -> WriteOnlyCell:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    for key, item in style.items():
        setattr(cell, key, item)
    return cell


def _widths(names: list[str]) -> list[float]:
    wide = {1: 40, 2: 24, START_COLUMN: 18, len(names) - 2: 50}
    return [wide.get(i, max(10, min(24, len(name) + 2))) for i, name in enumerate(names)]


# Charts -------------------------------------------------------------------------------------


def counted(rows: Sequence[ExportRow]) -> list[ExportRow]:
    """What the charts count: every exported activity except cancelled or unpublished ones."""
    return [r for r in rows if r.status not in NOT_COUNTED]


HELD_COLOR, PLANNED_COLOR = "#2a7ab0", "#b9d3e6"


def render_charts(rows: Sequence[ExportRow], countries: Sequence[Country]) -> dict[str, bytes]:
    """Two PNG charts, planned and held activities apart: per month (held and planned, then
    held by pathway and their participants), and by region."""
    rows = counted(rows)
    return {
        "activities-by-month.png": _chart_by_month(rows),
        "activities-by-region.png": _chart_by_region(rows, Labels(countries)),
    }


def _chart_by_month(rows: Sequence[ExportRow]) -> bytes:
    months = sorted({r.starts.strftime("%Y-%m") for r in rows})
    held: Counter = Counter()
    planned: Counter = Counter()
    activities: dict[str, Counter] = defaultdict(Counter)
    people: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        month = r.starts.strftime("%Y-%m")
        (held if r.held else planned)[month] += 1
        if r.held:
            activities[r.pathway][month] += 1
            people[r.pathway][month] += r.total
    from matplotlib.figure import Figure

    figure = Figure(figsize=(max(8, 0.5 * len(months) + 4), 11), layout="constrained")
    first, second, third = figure.subplots(3, 1, sharex=True)
    held_heights = [held[m] for m in months]
    first.bar(months, held_heights, color=HELD_COLOR, label=_("Held (reported)"))
    first.bar(months, [planned[m] for m in months], bottom=held_heights, color=PLANNED_COLOR,
              label=_("Planned (no report yet)"))  # fmt: skip
    first.set_title(_("Activities per month: held and planned"))
    first.legend(loc="upper left", fontsize="small")
    for axes, data, title in (
        (second, activities, _("Held activities per month, by pathway")),
        (third, people, _("Participants per month (held activities), by pathway")),
    ):
        base = [0] * len(months)
        for pathway, label in PATHWAY_LABELS.items():
            heights = [data[pathway.value][m] for m in months]
            axes.bar(months, heights, bottom=base, label=_(label))
            base = [b + h for b, h in zip(base, heights, strict=True)]
        axes.set_title(title)
    second.legend(loc="upper left", fontsize="small")
    for axes in (first, second, third):
        axes.yaxis.get_major_locator().set_params(integer=True)
    third.tick_params(axis="x", labelrotation=45)
    if not months:
        first.text(0.5, 0.5, _("No activities yet"), ha="center", transform=first.transAxes)
    return _png(figure)


def _chart_by_region(rows: Sequence[ExportRow], labels: Labels) -> bytes:
    held: Counter = Counter()
    planned: Counter = Counter()
    people: Counter = Counter()
    for r in rows:
        place = labels.place(r) or "—"
        (held if r.held else planned)[place] += 1
        people[place] += r.total
    activities = held + planned
    top = [name for name, _n in activities.most_common(TOP_REGIONS)]
    rest = [n for n in activities if n not in top]
    others = _("Other regions")
    names = top + ([others] if rest else [])

    def column(counter: Counter) -> list[int]:
        return [counter[n] for n in top] + ([sum(counter[n] for n in rest)] if rest else [])

    from matplotlib.figure import Figure

    figure = Figure(figsize=(12, max(4, 0.4 * len(names) + 2)), layout="constrained")
    left, right = figure.subplots(1, 2, sharey=True)
    held_counts = column(held)[::-1]
    left.barh(names[::-1], held_counts, color=HELD_COLOR, label=_("Held (reported)"))
    left.barh(names[::-1], column(planned)[::-1], left=held_counts, color=PLANNED_COLOR,
              label=_("Planned (no report yet)"))  # fmt: skip
    left.set_title(_("Activities by region: held and planned"))
    left.legend(loc="lower right", fontsize="small")
    right.barh(names[::-1], column(people)[::-1], color="#e07b39")
    right.set_title(_("Participants by region (held activities)"))
    for axes in (left, right):
        axes.xaxis.get_major_locator().set_params(integer=True)
    return _png(figure)


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def export_files(
    rows: Sequence[ExportRow], countries: Sequence[Country], *, stem: str
) -> list[tuple[str, bytes]]:
    """The CSV, the XLSX and the two charts, as (file name, content)."""
    text = io.StringIO()
    write_csv(rows, text, countries)
    workbook = io.BytesIO()
    write_xlsx(rows, workbook, countries)
    files = [
        (f"{stem}.csv", text.getvalue().encode("utf-8-sig")),
        (f"{stem}.xlsx", workbook.getvalue()),
    ]
    files.extend(render_charts(rows, countries).items())
    return files

