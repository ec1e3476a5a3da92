"""What polls look like: the options as buttons (per language), the admin's figures."""

from __future__ import annotations

from collections import Counter

from ...core.figures import HIDDEN, guarded, hidden_note, shown
from ...core.polls.results import Results
from ...core.regions import text_in
from ...db.models.polls import OPEN, Poll
from ...i18n import _, ngettext, pgettext
from ..announce.views import age_label, place_label
from ..runtime.turn import Deps, button, keyboard
from .actions import ANSWER, CLOSE, RESULTS


def build_option_buttons(poll: Poll, languages: list[str]) -> dict[str, list[list[str]]]:
    """{language: [[label, callback data], …]}: one button per option, as the outbox sends
    them under the question (bot/announce/outbox.buttons_for)."""
    return {
        language: [
            [text_in(option, language), str(ANSWER(poll.id, index))]
            for index, option in enumerate(poll.options)
        ]
        for language in languages
    }


def render_poll_line(poll: Poll, answered: int, language: str, number) -> str:
    status = _("open") if poll.status == OPEN else _("closed")
    return _("Poll #{id} ({status}): {question}\nAnswers: {count}").format(
        id=poll.id, status=status, question=text_in(poll.question, language),
        count=shown(answered, number),
    )  # fmt: skip


def build_poll_keyboard(poll: Poll):
    row = [button(pgettext("button", "📊 Results"), RESULTS(poll.id))]
    if poll.status == OPEN:
        row.append(button(pgettext("button", "🔒 Close and share"), CLOSE(poll.id)))
    return keyboard(row)


def render_results(deps: Deps, poll: Poll, results: Results, language: str, number) -> str:
    """Each option: in all, by region, by age band (1–4 as "<5")."""
    lines = [
        text_in(poll.question, language),
        ngettext("{count} answer in all.", "{count} answers in all.",
                 5 if 0 < results.total < 5 else results.total).format(
            count=shown(results.total, number)
        ),
    ]  # fmt: skip
    totals = guarded(results.by_option(), number)
    for index, option in enumerate(poll.options):
        regions, ages = Counter(), Counter()
        for chosen, region, age, count in results.rows:
            if chosen == index:
                regions[region] += count
                ages[age] += count
        lines.append(f"\n{index + 1}. {text_in(option, language)}: {totals[index]}")
        if totals[index] == HIDDEN:
            continue  # its parts would add up to what is hidden
        places = sorted(regions.items())
        for (region, _count), text in zip(places, guarded([c for _r, c in places], number),
                                          strict=True):
            name = place_label(deps, region) if region != "-" else _("region not given")
            lines.append(f"   {name}: {text}")
        bands = sorted(ages.items())
        for (age, _count), text in zip(bands, guarded([c for _a, c in bands], number),
                                       strict=True):
            name = age_label(age) if age != "-" else _("age not given")
            lines.append(f"   {name}: {text}")
    lines += hidden_note(lines)
    return "\n".join(lines)
