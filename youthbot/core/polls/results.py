"""A poll's results: totals per option, by region and age band, shared back and exported.
Every count from 1 to 4 is shown as "<5", in the text, the CSV and the chart."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ...db.models.polls import Poll
from ...i18n import _, ngettext
from ..announce.audience import Audience
from ..figures import HIDDEN, SMALL, guarded, hidden_note, shown
from ..regions import Country, text_in


@dataclass(frozen=True)
class Results:
    """The counters of one poll, added up the ways people read them."""

    options: int
    rows: Sequence[tuple[int, str, str, int]]  # option, region, age band, count

    @property
    def total(self) -> int:
        return sum(row[3] for row in self.rows)

    def by_option(self) -> list[int]:
        totals = Counter()
        for option, _region, _age, count in self.rows:
            totals[option] += count
        return [totals[i] for i in range(self.options)]


def place_names(audience: Audience, countries: Sequence[Country], language: str) -> str:
    """"Puno" or "Perú" (the places the poll went to), "" when it went everywhere."""
    by_id = {c.id: c for c in countries}
    names = []
    for key in audience.regions:
        code, _sep, region_id = key.partition(":")
        region = by_id[code].region(region_id) if code in by_id else None
        names.append(region.name_in(language) if region else region_id)
    if not names:
        names = [by_id[c].name_in(language) if c in by_id else c for c in audience.countries]
    return ", ".join(names)


def render_share_back(
    poll: Poll, results: Results, countries: Sequence[Country], *, language: str, number
) -> str:
    """"📊 …: This is what 1.234 young people in Puno answered:" then each option's share;
    in the active language (i18n.speaking)."""
    total = results.total
    where = place_names(Audience.from_json(poll.audience), countries, language)
    count = shown(total, number)
    if where:
        head = ngettext(
            "This is what {count} young person in {place} answered:",
            "This is what {count} young people in {place} answered:",
            SMALL if 0 < total < SMALL else total,
        ).format(count=count, place=where)
    else:
        head = ngettext(
            "This is what {count} young person answered:",
            "This is what {count} young people answered:",
            SMALL if 0 < total < SMALL else total,
        ).format(count=count)
    lines = [f"📊 {text_in(poll.question, language)}", head]
    by_option = results.by_option()
    for index, (votes, text) in enumerate(zip(by_option, guarded(by_option, number),
                                              strict=True)):
        label = text_in(poll.options[index], language)
        if votes < SMALL or not total or text == HIDDEN:
            lines.append(f"• {label}: {text}")
        else:
            lines.append(f"• {label}: {round(100 * votes / total)} % ({number(votes)})")
    lines += hidden_note(lines)
    lines.append(_("Thank you for giving your opinion. We take it to the people who decide."))
    return "\n".join(lines)


def results_csv(poll: Poll, results: Results, *, language: str) -> str:
    """option, region, age band, count (1–4 as "<5"), plus a total row per option."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["poll", "option", "option_text", "region", "age_band", "count"])
    for option in range(results.options):
        label = text_in(poll.options[option], language)
        rows = [row for row in results.rows if row[0] == option]
        for (_option, region, age, _count), text in zip(
            rows, guarded([row[3] for row in rows]), strict=True
        ):
            writer.writerow([poll.id, option + 1, label, region, age, text])
    for option, text in enumerate(guarded(results.by_option())):
        label = text_in(poll.options[option], language)
        writer.writerow([poll.id, option + 1, label, "all", "all", text])
    return out.getvalue()


def chart_axis_label() -> str:
    return _("Young people who chose it (fewer than 5: “<5”, not to scale)")


def render_poll_chart(poll: Poll, results: Results, *, language: str, axis_label: str) -> bytes:
    """A bar per option (people who chose it); an option chosen by 1–4 is a hatched box
    marked "<5", never drawn at its height. `axis_label`: chart_axis_label() translated."""
    from matplotlib.figure import Figure

    totals = results.by_option()
    labels = [text_in(option, language) for option in poll.options]
    figure = Figure(figsize=(9, 1.2 + 0.6 * len(labels)), layout="constrained")
    axes = figure.subplots()
    drawn = [0 if 0 < t < SMALL else t for t in totals]
    positions = list(range(len(labels)))[::-1]
    axes.barh(positions, drawn, color="#2a7ab0")
    top = max(drawn + [SMALL]) * 1.2
    box = 0.06 * top  # a fixed small box: a "<5" is never drawn at its height
    for y, votes, height in zip(positions, totals, drawn, strict=True):
        if 0 < votes < SMALL:
            axes.barh(y, box, color="white", edgecolor="#555555", hatch="///")
            axes.text(box * 1.2, y, "<5", va="center")
        else:
            axes.text(height + top * 0.01, y, str(votes), va="center")
    axes.set_xlim(0, top)
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.set_yticks(positions, labels)
    axes.set_xlabel(axis_label)
    axes.set_title(text_in(poll.question, language))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


async def load_results(session, poll: Poll) -> Results:
    from . import counts

    return Results(len(poll.options), await counts(session, poll.id))


async def close_and_share(session, *, poll_id: int, catalogs, countries, now) -> int:
    """Close the poll and queue its results, in each person's language, for those who
    answered; how many will get them."""
    from ...i18n import speaking
    from . import close, share_back

    poll = await close(session, poll_id=poll_id, now=now)
    results = await load_results(session, poll)
    texts = {}
    for language in catalogs.languages:
        with speaking(catalogs, language) as translator:
            texts[language] = render_share_back(
                poll, results, countries, language=language, number=translator.format_number
            )
    return await share_back(
        session, poll, texts=texts, language=catalogs.languages[0], now=now
    )
