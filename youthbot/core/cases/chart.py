"""The case figures as a PNG chart for reports: cases per month, stacked by topic and by
urgency. A count from 1 to 4 is never drawn at its height: the month's small groups become
one hatched box of a fixed height marked "<5" (or "<5 ×2"...), explained in the legend.
"""

from __future__ import annotations

import io
from datetime import date

from ...i18n import _
from .stats import LABELS, CaseFigures, suppressed

SMALL_BOX = 0.06  # height of the "<5" box, as a share of the highest drawn stack (at least 1)
COLOURS = (
    "#2a7ab0", "#e07b39", "#4c9f50", "#c0392b", "#8e6bb8", "#8c6d31", "#d17fb3", "#7f7f7f",
)  # fmt: skip
URGENCY_COLOURS = {"urgent": "#c0392b", "normal": "#2a7ab0"}


def render_case_chart(figures: CaseFigures) -> bytes:
    """Two stacked bar charts, one above the other, sharing the months."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    months = figures.month_list()
    names = [m.strftime("%Y-%m") for m in months]
    figure = Figure(figsize=(max(9, 0.6 * len(months) + 5), 9), layout="constrained")
    top, bottom = figure.subplots(2, 1, sharex=True)
    figure.suptitle(
        _("Help cases per month, {first} to {last} (groups under 5 not shown to scale)").format(
            first=names[0], last=names[-1]
        )
    )
    for axes, measure, title, colours in (
        (top, "topic", _("Cases per month, by topic"), COLOURS),
        (bottom, "urgency", _("Cases per month, by urgency"), None),
    ):
        _stack(axes, figures, months, measure, colours)
        axes.set_title(title)
        axes.set_ylabel(_("Cases"))
        axes.yaxis.get_major_locator().set_params(integer=True)
        handles, texts = axes.get_legend_handles_labels()
        handles.append(Patch(facecolor="white", edgecolor="#555555", hatch="///"))
        texts.append(_("Groups of fewer than 5, not to scale (×3: three such groups)"))
        axes.legend(handles, texts, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
    bottom.set_xlabel(_("Month the case opened (UTC)"))
    bottom.set_xticks(range(len(names)), names, rotation=45, ha="right")
    if not figures.total:
        top.text(0.5, 0.5, _("No cases in these months"), ha="center", transform=top.transAxes)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def _stack(axes, figures: CaseFigures, months: list[date], measure: str, colours) -> None:
    """Draw the counts of 5 or more at their height, then each month's "<5" box on top."""
    data = figures.by_month.get(measure, {})
    values = list(LABELS[measure])
    values += sorted({v for m in data.values() for v in m} - set(values))
    base = [0] * len(months)
    for index, value in enumerate(values):
        heights = [data.get(m, {}).get(value, 0) for m in months]
        drawn = [0 if suppressed(h) else h for h in heights]
        if not any(drawn):
            continue
        colour = (colours or ())[index % len(colours)] if colours else URGENCY_COLOURS.get(value)
        axes.bar(
            range(len(months)), drawn, bottom=base, color=colour,
            label=_(LABELS[measure].get(value, value)) if value in LABELS[measure] else value,
        )  # fmt: skip
        base = [b + h for b, h in zip(base, drawn, strict=True)]
    box = max(1.0, SMALL_BOX * max(base + [0]))
    for x, month in enumerate(months):
        small = sum(1 for v in data.get(month, {}).values() if suppressed(v))
        if not small:
            continue
        axes.bar(x, box, bottom=base[x], color="white", edgecolor="#555555", hatch="///")
        label = "<5" if small == 1 else f"<5 ×{small}"
        axes.text(x, base[x] + box * 1.1, label, ha="center", va="bottom", fontsize="small")
    axes.set_ylim(top=max(base + [0]) + box * 2.5)
