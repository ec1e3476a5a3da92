"""The buttons of quizzes, each declared once: its name and typed arguments."""

from __future__ import annotations

from enum import StrEnum

from ..runtime.callbacks import Action

LIST = Action("quiz.list")
OPEN = Action("quiz.open", quiz=str)
START = Action("quiz.start", quiz=str)
ANSWER = Action("quiz.ans", attempt=int, index=int, option=int)
# Anonymous play (under-14s, people who did not agree): nothing is stored, so the question and
# the score so far travel in the button itself (the score is only ever shown to its player).
ANON_ANSWER = Action("quiz.anon", quiz=str, index=int, score=int, option=int)
class PlayMode(StrEnum):
    """How a group plays: private (anonymous polls, counts only) or with names."""

    PRIVATE = "p"
    NAMED = "n"


GROUP_START = Action("quizg.start", quiz=str)  # private play (the default)
GROUP_START_NAMED = Action("quizg.named", quiz=str)  # play with names, chosen by a leader
GROUP_MODE = Action("quizg.mode", mode=PlayMode)  # show the quizzes for the other mode


class Step(StrEnum):
    """The one step of a private quiz: a question waits for its answer."""

    QUESTION = "question"
