"""/quizstats for admins: the quiz figures as text, and the chart of % correct as a photo."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from ...core.people.roles import Role
from ...core.quiz.people import AGE_BANDS, SMALL, Breakdown, QuizPeople, people_figures, suppress
from ...core.quiz.stats import QuizFigure, quiz_figures, render_chart
from ...i18n import N_, _, current, ngettext
from ..runtime.router import Router
from ..runtime.turn import Turn

MAX_MESSAGE = 4000  # Telegram allows 4096 characters; keep a margin


def _percent(value: float | None) -> str:
    return "—" if value is None else current().format_percent(value / 100)


def render_figures(figures: Sequence[QuizFigure]) -> list[str]:
    """The figures as plain text, split into messages Telegram accepts."""
    lines = [_("📊 Quiz figures: every answer so far, no names."), ""]
    for quiz in figures:
        lines.append(
            ngettext(
                "{title}: {answers} answer, {percent} right",
                "{title}: {answers} answers, {percent} right",
                quiz.answers,
            ).format(title=quiz.title, answers=quiz.answers, percent=_percent(quiz.percent))
        )
        for q in quiz.questions:
            lines.append(
                ngettext(
                    "  {number}. {answers} answer, {percent} right",
                    "  {number}. {answers} answers, {percent} right",
                    q.answers,
                ).format(number=q.number, answers=q.answers, percent=_percent(q.percent))
            )
        lines.append("")
    chunks, chunk = [], ""
    for line in lines:
        if len(chunk) + len(line) + 1 > MAX_MESSAGE:
            chunks.append(chunk.rstrip())
            chunk = ""
        chunk += line + "\n"
    chunks.append(chunk.rstrip())
    return chunks


def render_people(
    people: Sequence[QuizPeople],
    breakdowns: Sequence[Breakdown],
    region_name: Callable[[str], str] = lambda region: region,
) -> str:
    """People, not answers: first attempts and retries per quiz, then first attempts by
    region and age band (counts from 1 to 4 shown as "<5")."""
    number = current().format_number
    lines = [_("👥 People who finished each quiz (a retry is counted apart):")]
    for quiz in people:
        first, retries = suppress([quiz.first])[0], suppress([quiz.retries])[0]
        lines.append(_("{title}: {people} first time, {retries} retries, {percent} right the "
                       "first time").format(
            title=quiz.title, people=first if first == SMALL else number(quiz.first),
            retries=retries if retries == SMALL else number(quiz.retries),
            percent=_percent(quiz.percent_first)))  # fmt: skip
    bands = [_(BAND_NAMES[band]) for band in AGE_BANDS]
    for breakdown in breakdowns:
        if not breakdown.rows:
            continue
        lines += ["", _("{title}, first time, by region and age ({bands}):").format(
            title=breakdown.title, bands=" / ".join(bands))]  # fmt: skip
        for region, cells, total in breakdown.shown():
            name = region_name(region) if region else _("not said")
            lines.append(_("{region}: {cells} · total {total}").format(
                region=name, cells=" / ".join(cells), total=total))
    return "\n".join(lines)


BAND_NAMES = {
    "u14": N_("under 14"), "14-17": N_("14–17"), "18-25": N_("18–25"), "26+": N_("26+"),
    "": N_("not said"),
}  # fmt: skip


async def show_quiz_figures(turn: Turn) -> None:
    """The figures per quiz and question, people per quiz and by region and age band, then
    the chart of % correct per question."""
    figures = await quiz_figures(
        turn.session, quizzes=turn.deps.content.quizzes, language=turn.language
    )
    for text in render_figures(figures):
        turn.reply(text)
    people, breakdowns = await people_figures(
        turn.session, quizzes=turn.deps.content.quizzes, language=turn.language
    )
    names = {r.id: r.name_in(turn.language) for c in turn.deps.content.countries
             for r in c.regions}  # fmt: skip
    turn.reply(render_people(people, breakdowns, lambda region: names.get(region, region)))
    if not any(quiz.answers for quiz in figures):
        turn.reply(_("No quiz has been answered yet, so there is no chart."))
        return
    title = _("Right answers per question, in % (red: under half)")
    axis = _("Right answers (%)")
    no_answers = _("no answers")
    caption = _("Questions in red are the misconceptions to work on.")
    chat_id, bot = turn.chat_id, turn.bot

    async def send_chart() -> None:
        png = await asyncio.to_thread(
            render_chart, figures, title=title, axis_label=axis, no_answers=no_answers
        )
        await bot.send_photo(chat_id, photo=png, caption=caption)

    turn.later(send_chart)


def register(router: Router) -> None:
    """Register /quizstats."""
    router.command("quizstats", roles={Role.ADMIN})(show_quiz_figures)
