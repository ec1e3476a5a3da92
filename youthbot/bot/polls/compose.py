"""An admin writes a poll in Telegram (/newpoll): the question and the options in each
language, then the same screen as an announcement's to choose recipients and send or
schedule (the poll is asked by an announcement draft carrying its option buttons)."""

from __future__ import annotations

from enum import StrEnum

from ...core import announce, polls
from ...core.announce.audience import Audience
from ...core.people.roles import Role
from ...i18n import _, language_label, pgettext
from ..announce.views import build_draft_keyboard, render_audience
from ..runtime.turn import Turn, button, keyboard
from .actions import SKIP
from .views import build_option_buttons

FLOW = "poll"
ADMINS = {Role.ADMIN}
MAX_QUESTION, MAX_OPTION = 300, 60


class PollStep(StrEnum):
    QUESTION = "question"
    OPTIONS = "options"


async def start_poll(turn: Turn) -> None:
    """/newpoll: next, the question in the first language."""
    first = turn.deps.catalogs.languages[0]
    await turn.set_state(FLOW, PollStep.QUESTION, lang=first, question={}, options={})
    ask_question(turn, first, first=True)


def ask_question(turn: Turn, language: str, *, first: bool) -> None:
    text = _("Write the poll's question for people who use {language}. /cancel stops here.")
    skip = None if first else keyboard(
        button(pgettext("button", "Skip this language"), SKIP())
    )  # fmt: skip
    turn.reply(text.format(language=language_label(language)), skip)


async def write_poll(turn: Turn) -> None:
    """Keep the question or the options for this language; ask what comes next."""
    text, data = turn.text.strip(), dict(turn.state.data)
    language = data["lang"]
    if turn.state.step == PollStep.QUESTION:
        if not text or len(text) > MAX_QUESTION:
            turn.reply(_("Please write the question as a text of at most {limit} characters.")
                       .format(limit=MAX_QUESTION))
            return
        data["question"] = {**data["question"], language: text}
        await turn.set_state(FLOW, PollStep.OPTIONS, **data)
        turn.reply(_("Now the options for people who use {language}: one per line, 2 to 10, "
                     "short (they become buttons).").format(language=language_label(language)))
        return
    options = [line.strip() for line in text.splitlines() if line.strip()]
    first = data["options"].get(turn.deps.catalogs.languages[0])
    if not 2 <= len(options) <= 10 or any(len(o) > MAX_OPTION for o in options) or (
        first is not None and len(options) != len(first)
    ):
        turn.reply(_("Please write 2 to 10 options, one per line, each at most {limit} "
                     "characters, as many as in the first language.").format(limit=MAX_OPTION))
        return
    data["options"] = {**data["options"], language: options}
    await next_language(turn, data)


async def skip_language(turn: Turn) -> None:
    """Leave this language out: its people get the first language's poll."""
    if turn.state is None or turn.state.flow != FLOW or not turn.state.data.get("options"):
        turn.stale()
        return
    await next_language(turn, dict(turn.state.data))


async def next_language(turn: Turn, data: dict) -> None:
    languages = turn.deps.catalogs.languages
    current = languages.index(data["lang"])
    if current + 1 < len(languages):
        data["lang"] = languages[current + 1]
        await turn.set_state(FLOW, PollStep.QUESTION, **data)
        ask_question(turn, data["lang"], first=False)
        return
    await turn.clear_state()
    await create_and_preview(turn, data["question"], data["options"])


async def create_and_preview(turn: Turn, question: dict, options: dict) -> None:
    """The poll and its announcement draft; each language's version; who will be asked."""
    languages = turn.deps.catalogs.languages
    written = [lang for lang in languages if lang in options]
    per_option = [{lang: options[lang][i] for lang in written}
                  for i in range(len(options[languages[0]]))]  # fmt: skip
    poll = await polls.create_poll(
        turn.session, question=question, options=per_option, audience=Audience(),
        created_by=turn.user_id, now=turn.now,
    )  # fmt: skip
    draft = await polls.prepare(
        turn.session, poll, language=languages[0], now=turn.now, admin_chat_id=turn.chat_id,
        buttons=build_option_buttons(poll, languages),
    )  # fmt: skip
    for lang in written:
        lines = [question[lang]] + [f"• {option}" for option in options[lang]]
        turn.reply(_("Preview for {language}:").format(language=language_label(lang))
                   + "\n" + "\n".join(lines))  # fmt: skip
    counts = await announce.recipients_by_language(turn.session, Audience())
    turn.reply(
        render_audience(turn.deps, turn.translator, Audience(), counts, with_text=set(written)),
        build_draft_keyboard(turn.deps, draft),
    )
