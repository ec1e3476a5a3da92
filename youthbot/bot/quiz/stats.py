"""/quizstats for admins: the quiz figures as text, and the chart of % correct as a photo."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from ...core.people.roles import Role
from ...core.quiz.stats import QuizFigure, quiz_figures, render_chart
from ...i18n import _, current, ngettext
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


async def show_quiz_figures(turn: Turn) -> None:
    """The figures per quiz and question, then the chart of % correct per question."""
    figures = await quiz_figures(
        turn.session, quizzes=turn.deps.content.quizzes, language=turn.language
    )
    for text in render_figures(figures):
        turn.reply(text)
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
