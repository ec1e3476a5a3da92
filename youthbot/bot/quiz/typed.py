"""Typed text while a quiz question waits: a kind note and the question again, instead of
the menu (the quiz's progress is in the database either way; see bot/quiz/private.py)."""

from __future__ import annotations

from ...core import quiz as quizzes
from ...core.people.roles import Role
from ...i18n import _
from ..runtime.router import Router, router_of
from ..runtime.turn import Turn
from .private import QUIZ_FLOW, show_question


async def remind_to_tap(turn: Turn) -> None:
    """The person typed mid-quiz: answers are buttons; the current question is shown again."""
    data = turn.state.data
    quiz = quizzes.find_quiz(turn.deps.content.quizzes, str(data.get("quiz")))
    attempt_id = data.get("attempt")
    position = None
    if quiz is not None and isinstance(attempt_id, int):
        position = await quizzes.open_position(
            turn.session, attempt_id=attempt_id, user_id=turn.user_id
        )
    if position is None or position >= len(quiz.questions):
        await turn.clear_state()  # the quiz ended elsewhere: the usual answer to unknown text
        fallback = router_of(turn.context).fallback
        if fallback is not None:
            await fallback(turn)
        return
    turn.reply(_("To answer, tap one of the options (A, B, C…) under the question. Here it is "
                 "again:"))
    show_question(turn, quiz, attempt_id, position, edit=False)


def register(router: Router) -> None:
    """Typed text in a quiz."""
    # Everyone may play: no role can be revoked out of a quiz (the message is never shown).
    router.form(QUIZ_FLOW, set(Role), "")
    router.flow(QUIZ_FLOW)(remind_to_tap)
