"""Case figures for coordinators: how many asked for help, about what, from where, how fast
they were answered, how cases ended and whether it helped.

Read only from the anonymous counters (`case_figures`, see case_counts), in one query, so the
figures survive retention and "delete my data". The small-cell rule is applied here, once, for
every output: a count from 1 to 4 is never given (it reads "<5"), and a time is given only
when at least MIN_CASES cases measure it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ...db.models import CaseFigure
from ...i18n import N_
from .counts import CLAIM, CLOSE, OVER, REPLY, TEAM_PREFIX

MIN_CASES = 5
SMALL = "<5"
TIMES = (CLAIM, REPLY, CLOSE)
DIMENSIONS = ("topic", "country", "region", "urgency", "age", "whom", "outcome", "feedback")

# The labels of the figures; the bot's case cards and help screens use the topic ones too
# (bot/cases/views.TOPIC_LABELS), so one set of sentences serves both.
LABELS = {
    "topic": {
        "sexual_exploitation": N_("Sexual exploitation or abuse"),
        "grooming": N_("Online grooming, sextortion or images shared"),
        "trafficking": N_("Trafficking or a suspicious job or travel offer"),
        "violence_home": N_("Violence at home"),
        "mental_health": N_("Feeling bad / mental health"),
        "legal": N_("Legal help or documents"),
        "other": N_("Something else"),
        "unknown": N_("Not asked yet (the person said they are in danger)"),
    },
    "urgency": {"urgent": N_("Urgent"), "normal": N_("Not urgent")},
    "age": {
        "u14": N_("Under 14"),
        "14-17": N_("14 to 17"),
        "18-25": N_("18 to 25"),
        "26+": N_("26 or older"),
        "-": N_("Age not known"),
    },
    "whom": {"me": N_("For themselves"), "friend": N_("For a friend")},
    "outcome": {
        "helped": N_("Helped"),
        "referred": N_("Referred to a service"),
        "no_reply": N_("No reply"),
        "not_real": N_("Not a real request"),
        "duplicate": N_("Duplicate"),
        "withdrawn": N_("Ended by the person"),
    },
    "feedback": {
        "yes": N_("It helped"),
        "bit": N_("It helped a bit"),
        "no": N_("It did not help"),
    },
}
TIME_LABELS = {
    CLAIM: N_("Time to claim"),
    REPLY: N_("Time to the first reply"),
    CLOSE: N_("Time to close"),
}


def shown(count: int) -> str:
    """A count as it may be shown: "<5" from 1 to 4 (the small-cell rule)."""
    return SMALL if 0 < count < MIN_CASES else str(count)


def suppressed(count: int) -> bool:
    return 0 < count < MIN_CASES


@dataclass(frozen=True)
class Timing:
    """How many cases measured a time, and the bucket bounds (minutes) half and 90% were
    within; None when fewer than MIN_CASES (or, for a bound, beyond the last bucket)."""

    cases: int
    median: int | None
    p90: int | None

    @property
    def known(self) -> bool:
        return self.cases >= MIN_CASES


@dataclass
class CaseFigures:
    """The figures of the months from `first` to `last` (first days of months), unsuppressed:
    outputs show them through `shown`."""

    first: date
    last: date
    total: int = 0
    months: dict[date, int] = field(default_factory=dict)
    by_month: dict[str, dict[date, dict[str, int]]] = field(default_factory=dict)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    times: dict[str, Timing] = field(default_factory=dict)

    def month_list(self) -> list[date]:
        months, month = [], self.first
        while month <= self.last:
            months.append(month)
            month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        return months


def month_range(start: date | None, end: date | None, *, today: date) -> tuple[date, date]:
    """The months the days from `start` to `end` fall in (default: the last 12 months up to
    `end`, or from `start` to this month); ValueError when the first would come after the
    last."""
    last = date((end or today).year, (end or today).month, 1)
    if start is None:
        year, month = divmod(last.year * 12 + last.month - 1 - 11, 12)
        return date(year, month + 1, 1), last
    first = date(start.year, start.month, 1)
    if first > last:
        raise ValueError(start)
    return first, last


async def case_figures(
    session: AsyncSession, *, first: date, last: date, team: str | None = None
) -> CaseFigures:
    """Every figure of the months `first`..`last`, from the counters (one query): of every
    case, or of one `team`'s (counted apart since teams exist, see case_counts._add_for)."""
    if team is None:
        scope = ~CaseFigure.measure.startswith(TEAM_PREFIX, autoescape=True)
    else:
        scope = CaseFigure.measure.startswith(TEAM_PREFIX, autoescape=True) & (
            CaseFigure.value.startswith(f"{team}/", autoescape=True)
        )
    rows = await session.execute(
        select(CaseFigure.month, CaseFigure.measure, CaseFigure.value, func.sum(CaseFigure.count))
        .where(CaseFigure.month >= first, CaseFigure.month <= last, scope)
        .group_by(CaseFigure.month, CaseFigure.measure, CaseFigure.value)
    )
    if team is not None:
        rows = [
            (month, measure.removeprefix(TEAM_PREFIX), value.removeprefix(f"{team}/"), count)
            for month, measure, value, count in rows
        ]
    figures = CaseFigures(first=first, last=last)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_month: dict[str, dict[date, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int))
    )
    for month, measure, value, count in rows:
        count = int(count or 0)
        if measure == "cases":
            figures.months[month] = figures.months.get(month, 0) + count
            figures.total += count
            continue
        counts[measure][value] += count
        if measure in ("topic", "urgency"):
            by_month[measure][month][value] += count
    figures.times = {kind: _timing(counts.pop(kind, {})) for kind in TIMES}
    figures.counts = {m: {v: c for v, c in counts[m].items() if c} for m in DIMENSIONS}
    figures.by_month = {m: {k: dict(v) for k, v in by_month[m].items()} for m in by_month}
    return figures


def _timing(buckets: dict[str, int]) -> Timing:
    ordered = sorted(
        ((math.inf if edge == OVER else int(edge), n) for edge, n in buckets.items() if n > 0)
    )
    cases = sum(n for _, n in ordered)
    if cases < MIN_CASES:
        return Timing(cases, None, None)
    return Timing(cases, _within(ordered, cases, 0.5), _within(ordered, cases, 0.9))


def _within(ordered: list[tuple[float, int]], cases: int, share: float) -> int | None:
    """The upper bound of the bucket holding the case at `share` of the way."""
    needed, seen = math.ceil(share * cases), 0
    for edge, n in ordered:
        seen += n
        if seen >= needed:
            return None if edge == math.inf else int(edge)
    return None

