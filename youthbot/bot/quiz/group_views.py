"""What a group sees of its quiz before the polls: the choice of quiz and the opening line."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from telegram import InlineKeyboardMarkup
from telegram.ext import Application

from ...core.quiz.content import Quiz
from ...i18n import _, ngettext, pgettext
from ..runtime.turn import button, deps_of, keyboard
from .actions import GROUP_MODE, GROUP_START, GROUP_START_NAMED, PlayMode


def poll_seconds(application: Application, quiz: Quiz | None) -> int:
    """The quiz's own time per question, else QUIZ_POLL_SECONDS."""
    if quiz is not None and quiz.poll_seconds is not None:
        return quiz.poll_seconds
    return deps_of(application).settings.quiz_poll_seconds


def build_quiz_choice_keyboard(
    quiz_list: Sequence[Quiz], lang: str, seconds_of: Callable[[Quiz], int], *,
    named: bool = False,
) -> InlineKeyboardMarkup:
    """One button per quiz, with the seconds its polls stay open; then the other way to play."""
    start = GROUP_START_NAMED if named else GROUP_START
    switch = (
        button(pgettext("button", "🙈 Private play instead"), GROUP_MODE(PlayMode.PRIVATE))
        if named
        else button(pgettext("button", "👤 Play with names instead"), GROUP_MODE(PlayMode.NAMED))
    )
    return keyboard(
        *(
            button(
                pgettext("button", "{title} · {seconds} s").format(
                    title=quiz.title_in(lang), seconds=seconds_of(quiz)
                ),
                start(quiz.id),
            )
            for quiz in quiz_list
        ),
        switch,
    )


def render_quiz_choice(*, named: bool) -> str:
    """What the leader reads above the quizzes: how this way of playing treats the players."""
    first = _(
        "Which quiz shall we play together? Each question is a quiz poll; each quiz shows "
        "the seconds there are to answer."
    )
    if named:
        how = _(
            "Play with names: Telegram shows everyone in this group who answered what, and "
            "the leaderboard at the end shows first names. Choose it only if every player "
            "is fine with that."
        )
    else:
        how = _(
            "Private play: the polls are anonymous, so nobody (not even the bot) sees who "
            "answered what. At the end, for each question, how many answered and the share "
            "who got it right."
        )
    return f"{first}\n\n{how}"


def render_play_mode(named: bool) -> str:
    """Told to the players before the first question."""
    if named:
        return _(
            "👤 Played with names: Telegram shows everyone here who answered what, and the "
            "leaderboard at the end shows first names."
        )
    return _(
        "🙈 Private play: the polls are anonymous, nobody sees who answered what. At the end: "
        "how many answered each question and the share right."
    )


def render_group_intro(quiz: Quiz, lang: str, seconds: int, *, named: bool = False) -> str:
    """What a group sees when its quiz starts: how many questions, how long, how to play."""
    count = len(quiz.questions)
    return "\n".join(
        [
            _("🧠 Group quiz: {title}").format(title=quiz.title_in(lang)),
            ngettext("{count} question.", "{count} questions.", count).format(count=count)
            + " "
            + ngettext(
                "You have {seconds} second to answer each one.",
                "You have {seconds} seconds to answer each one.",
                seconds,
            ).format(seconds=seconds),
            render_play_mode(named),
            _("Leaders: /next goes to the next question, /stopquiz ends the quiz."),
        ]
    )
