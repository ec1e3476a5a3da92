"""/casestats in the staff chat: the case figures as a short summary, for moderators and admins.

Counts from 1 to 4 read "<5" and times need at least 5 cases (core/case_stats); the summary is
in the staff chat's language, whoever asks.
"""

from __future__ import annotations

import asyncio
from datetime import date

from telegram import InputFile

from ...core.activities.export import parse_day
from ...core.cases.chart import render_case_chart
from ...core.cases.reports import CaseLabels, FigureRow, duration, figure_rows
from ...core.cases.stats import MIN_CASES, CaseFigures, case_figures, month_range, suppressed
from ...core.cases.teams import FALLBACK, team_of_chat
from ...i18n import _, current, ngettext, speaking
from ..runtime.router import STAFF, Router
from ..runtime.turn import Turn
from .staff_views import MODERATORS
from .views import teams_of

HEADINGS = {
    "month": lambda: _("Per month"),
    "topic": lambda: _("By topic"),
    "urgency": lambda: _("By urgency"),
    "age": lambda: _("By age band"),
    "whom": lambda: _("For whom"),
    "country": lambda: _("By country"),
    "region": lambda: _("By region"),
    "outcome": lambda: _("How cases ended"),
    "feedback": lambda: _("Did it help? (the people who answered)"),
    "time": lambda: _("How fast"),
}


def stats_range(args: list[str], *, today: date) -> tuple[date, date]:
    """The months of `/casestats [FROM [TO]]`; ValueError on anything else."""
    if len(args) > 2:
        raise ValueError(args)
    start = parse_day(args[0]) if args else None
    end = parse_day(args[1]) if len(args) > 1 else None
    if start and end and end < start:
        raise ValueError(args)
    return month_range(start, end, today=today)  # ValueError for months still to come


def _count(count: int) -> str:
    return "<5" if suppressed(count) else current().format_number(count)


def _label(row: FigureRow) -> str:
    """A month as "nov. 2026" in the staff language; other rows keep their label."""
    if row.section != "month":
        return row.label
    year, month = (int(part) for part in row.key.split("-"))
    return current().format_date(date(year, month, 1), "MMM y")


def render_total(figures: CaseFigures) -> str:
    if suppressed(figures.total):
        return _("Fewer than 5 cases opened.")
    return ngettext("{count} case opened.", "{count} cases opened.", figures.total).format(
        count=current().format_number(figures.total)
    )


def render_time(row: FigureRow) -> str:
    if row.count < MIN_CASES:
        return _("{what}: too few cases to say (fewer than 5).").format(what=row.label)
    return ngettext(
        "{what}: half within {median}, 90% within {p90} ({count} case).",
        "{what}: half within {median}, 90% within {p90} ({count} cases).",
        row.count,
    ).format(
        what=row.label, median=duration(row.median), p90=duration(row.p90),
        count=current().format_number(row.count),
    )  # fmt: skip


def render_case_figures(figures: CaseFigures, labels: CaseLabels) -> str:
    """The summary: totals, each breakdown on one line, then the times."""
    language = current()
    lines = [
        _("📊 Help cases from {first} to {last}. Counts from 1 to 4 show as “<5”.").format(
            first=language.format_date(figures.first, "MMMM y"),
            last=language.format_date(figures.last, "MMMM y"),
        ),
        render_total(figures),
    ]
    if not figures.total:
        return "\n".join(lines)
    sections: dict[str, list[FigureRow]] = {}
    for row in figure_rows(figures, labels):
        sections.setdefault(row.section, []).append(row)
    for section, heading in HEADINGS.items():
        rows = sections.get(section, [])
        if section == "time":
            lines += ["", heading(), *(render_time(row) for row in rows)]
            continue
        items = [f"{_label(row)} {_count(row.count)}" for row in rows if row.count]
        if items:
            lines += ["", "{heading}: {items}".format(heading=heading(), items=" · ".join(items))]
    return "\n".join(lines)


async def show_case_figures(turn: Turn) -> None:
    """/casestats [FROM TO]: the summary, then the chart of cases per month; in a team's
    group, that team's cases only (every team's in the fallback group)."""
    deps = turn.deps
    today = turn.now.date()
    found = team_of_chat(teams_of(deps), turn.chat_id)
    team = found.id if found is not None and found.id != FALLBACK else None
    name = found.name if found is not None else ""
    language = found.language if found is not None else deps.settings.default_language
    with speaking(deps.catalogs, language):
        try:
            first, last = stats_range(turn.context.args or [], today=today)
        except ValueError:
            turn.reply(
                _(
                    "Please write the dates like this: /casestats 2026-01-01 2026-12-31 "
                    "(both are optional; the second must not be before the first)."
                )
            )
            return
        figures = await case_figures(turn.session, first=first, last=last, team=team)
        text = render_case_figures(figures, CaseLabels(deps.content.countries))
        if team is not None:
            text = _("Team {team} only (the fallback group sees every team).").format(
                team=name) + "\n" + text
        turn.reply(text)
    if figures.total:
        turn.later(lambda: _send_chart(turn, figures, language))


async def _send_chart(turn: Turn, figures: CaseFigures, language: str) -> None:
    deps = turn.deps
    catalog = deps.catalogs.get(language)

    def draw() -> bytes:
        from ...i18n import activate, deactivate

        token = activate(catalog)
        try:
            return render_case_chart(figures)
        finally:
            deactivate(token)

    png = await asyncio.to_thread(draw)
    await turn.bot.send_photo(turn.chat_id, photo=InputFile(png, filename="cases.png"))


def register(router: Router) -> None:
    """Register /casestats (/cifrascasos) for moderators and admins in the staff chat."""
    router.command("casestats", "cifrascasos", roles=MODERATORS, chats=STAFF)(show_case_figures)
