"""What a group sees of its quiz before the polls: the choice of quiz and the opening line."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from telegram import InlineKeyboardMarkup
from telegram.ext import Application

from ...core.quiz.content import Quiz
from ...i18n import _, ngettext, pgettext
from ..runtime.turn import button, deps_of, keyboard
from .actions import GROUP_START


def poll_seconds(application: Application, quiz: Quiz | None) -> int:
    """The quiz's own time per question, else QUIZ_POLL_SECONDS."""
    if quiz is not None and quiz.poll_seconds is not None:
        return quiz.poll_seconds
    return deps_of(application).settings.quiz_poll_seconds


def build_quiz_choice_keyboard(
    quiz_list: Sequence[Quiz], lang: str, seconds_of: Callable[[Quiz], int]
) -> InlineKeyboardMarkup:
    """One button per quiz, with the seconds its polls stay open."""
    return keyboard(
        *(
            button(
                pgettext("button", "{title} · {seconds} s").format(
                    title=quiz.title_in(lang), seconds=seconds_of(quiz)
                ),
                GROUP_START(quiz.id),
            )
            for quiz in quiz_list
        )
    )


def render_group_intro(quiz: Quiz, lang: str, seconds: int) -> str:
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
            _("Answer each poll; the leaderboard (first names only) comes at the end."),
            _("Leaders: /next goes to the next question, /stopquiz ends the quiz."),
        ]
    )
