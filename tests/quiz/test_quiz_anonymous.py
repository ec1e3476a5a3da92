"""Anonymous quiz play (under-14s, people who did not agree) keeps nothing: the question and
score travel in the buttons; forged buttons change nothing and count nothing."""

from __future__ import annotations

import pytest
from harness import YOUNG, YOUNG_EN, texts
from sqlalchemy import func, select

from youthbot.bot.runtime import callbacks
from youthbot.db.models import QuizAttempt, QuizQuestionStat

STALE = {
    "es": "Este botón ya no funciona. Usa el mensaje más reciente.",
    "en": "This button no longer works. Please use the latest message.",
}


async def answers_counted(bot) -> int:
    async with bot.db.session() as session:
        return await session.scalar(select(func.coalesce(func.sum(QuizQuestionStat.answers), 0)))


@pytest.mark.parametrize("persona", [YOUNG, YOUNG_EN], ids=["es", "en"])
async def test_forged_anonymous_answers_change_nothing(bot, persona):
    lang = persona.language_code
    person = bot.person(persona)
    await person.onboard(age_band="u14")
    quiz = bot.deps.content.quizzes[0]
    forged = [
        ("nope", 0, 0, 0),  # no such quiz
        (quiz.id, len(quiz.questions), 0, 0),  # no such question
        (quiz.id, 1, 2, 0),  # a score above the questions asked
        (quiz.id, 0, 0, len(quiz.questions[0].options)),  # no such option
        (quiz.id, 0, -1, 0),
    ]
    for args in forged:
        calls = await person.press_data(callbacks.pack("quiz.anon", *args))
        assert [c.method for c in calls] == ["answerCallbackQuery"]
        assert calls[0].params["text"] == STALE[lang]
    assert await answers_counted(bot) == 0
    # a real one: counted in the figures, nothing about the person
    calls = await person.press_data(
        callbacks.pack("quiz.anon", quiz.id, 0, 0, quiz.questions[0].correct)
    )
    assert {"es": "Pregunta 2 de", "en": "Question 2 of"}[lang] in texts(calls)[-1]
    assert await answers_counted(bot) == 1
    async with bot.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(QuizAttempt)) == 0
