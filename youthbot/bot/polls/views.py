"""What polls look like: the options as buttons (per language), the admin's figures."""

from __future__ import annotations

from collections import Counter

from ...core.polls.results import Results, shown
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
    for index, option in enumerate(poll.options):
        regions, ages = Counter(), Counter()
        for chosen, region, age, count in results.rows:
            if chosen == index:
                regions[region] += count
                ages[age] += count
        total = sum(regions.values())
        lines.append(f"\n{index + 1}. {text_in(option, language)}: {shown(total, number)}")
        for region, count in sorted(regions.items()):
            name = place_label(deps, region) if region != "-" else _("region not given")
            lines.append(f"   {name}: {shown(count, number)}")
        for age, count in sorted(ages.items()):
            name = age_label(age) if age != "-" else _("age not given")
            lines.append(f"   {name}: {shown(count, number)}")
    return "\n".join(lines)
