"""Polls in Telegram: a young person answers with a button; an admin lists polls (/polls),
sees the figures and chart, and closes one, which shares the results back."""

from __future__ import annotations

import asyncio

from ...core import polls
from ...core.errors import NotFound
from ...core.people.roles import Role
from ...core.polls.results import (
    chart_axis_label,
    close_and_share,
    load_results,
    render_poll_chart,
)
from ...core.regions import text_in
from ...i18n import _, ngettext
from ..runtime.turn import Turn
from .views import build_poll_keyboard, render_poll_line, render_results

ADMINS = {Role.ADMIN}


async def answer_poll(turn: Turn, poll_id: int, option: int) -> None:
    """They chose an option: counted once, anonymously; the buttons go."""
    if turn.user is None:
        turn.stale()
        return
    try:
        poll = await polls.answer(turn.session, poll_id=poll_id, option=option, user=turn.user)
    except (NotFound, polls.NotAsked):
        turn.stale()
        return
    except polls.AlreadyAnswered:
        turn.answer(_("You already answered this poll. Thank you!"), alert=True)
        return
    except polls.PollClosed:
        turn.answer(_("This poll is closed. Thank you!"), alert=True)
        return
    turn.answer(_("Thank you!"))
    turn.edit(
        _("{question}\n\nYour answer: {option}. Thank you! Nobody can see what you chose: we "
          "only count answers. When the poll closes, you will see what other young people "
          "said.").format(
            question=text_in(poll.question, turn.language),
            option=text_in(poll.options[option], turn.language),
        )
    )


async def list_polls(turn: Turn) -> None:
    """/polls: the latest polls, each with its figures and close buttons."""
    found = await polls.list_polls(turn.session)
    if not found:
        turn.reply(_("There are no polls yet. Create one with `youthbot poll create FILE`."))
        return
    for poll, answered in found:
        turn.reply(
            render_poll_line(poll, answered, turn.language, turn.translator.format_number),
            build_poll_keyboard(poll),
        )


async def show_results(turn: Turn, poll_id: int) -> None:
    """📊 Results: the figures by region and age band, and the chart."""
    try:
        poll = await polls.get_poll(turn.session, poll_id)
    except NotFound:
        turn.stale()
        return
    results = await load_results(turn.session, poll)
    turn.reply(render_results(turn.deps, poll, results, turn.language,
                              turn.translator.format_number))
    axis, language, chat_id, bot = chart_axis_label(), turn.language, turn.chat_id, turn.bot

    async def send_chart() -> None:
        png = await asyncio.to_thread(
            render_poll_chart, poll, results, language=language, axis_label=axis
        )
        await bot.send_photo(chat_id, photo=png)

    turn.later(send_chart)


async def close_poll(turn: Turn, poll_id: int) -> None:
    """🔒 Close and share: no more answers; those who answered get the results."""
    try:
        shared = await close_and_share(
            turn.session, poll_id=poll_id, catalogs=turn.deps.catalogs,
            countries=turn.deps.content.countries, now=turn.now,
        )  # fmt: skip
    except NotFound:
        turn.stale()
        return
    except polls.PollClosed:
        turn.answer(_("This poll is closed already."), alert=True)
        return
    turn.edit(
        ngettext(
            "Poll #{id} is closed. Its results go to the {count} person who answered.",
            "Poll #{id} is closed. Its results go to the {count} people who answered.",
            5 if 0 < shared < 5 else shared,
        ).format(id=poll_id, count="<5" if 0 < shared < 5 else turn.translator.format_number(
            shared))
    )
