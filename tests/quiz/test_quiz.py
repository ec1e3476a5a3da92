"""Private quizzes through the real Application: whole quizzes in both languages, progress,
resuming (also after a restart), the badge, anonymous play, and forged or stale buttons."""

from __future__ import annotations

from typing import Any

import pytest
from harness import FRIEND, YOUNG, YOUNG_EN, BotHarness, labels, start_harness, texts
from sqlalchemy import func, select

from youthbot.bot.runtime import callbacks
from youthbot.core.quiz.content import Quiz
from youthbot.core.quiz.stats import question_counts
from youthbot.db.engine import Database
from youthbot.db.models import QuizAnswer, QuizAttempt, QuizBadge

STALE = {
    "es": "Este botón ya no funciona. Usa el mensaje más reciente.",
    "en": "This button no longer works. Please use the latest message.",
}
SCORE = {"es": "Acertaste {score} de {total}.", "en": "You got {score} out of {total}."}
RIGHT = {"es": "✅ ¡Correcto!", "en": "✅ Right!"}
WRONG = {"es": "❌ No es correcto. La respuesta correcta es la {letter}.",
         "en": "❌ Not quite. The right answer is {letter}."}
QUESTION = {"es": "Pregunta {n} de {total}", "en": "Question {n} of {total}"}
SCORE_BUTTONS = {
    "es": ["🔁 Intentar de nuevo", "🧠 Todos los quizzes", "🆘 Pedir ayuda"],
    "en": ["🔁 Try again", "🧠 All quizzes", "🆘 Get help"],
}


def quizzes_of(bot: BotHarness) -> list[Quiz]:
    return bot.deps.content.quizzes


def quiz_by_id(bot: BotHarness, quiz_id: str) -> Quiz:
    return next(quiz for quiz in quizzes_of(bot) if quiz.id == quiz_id)


def answer_data(person) -> tuple[dict[str, Any], list[str]]:
    """The newest question message and the data of its answer buttons, in option order."""
    try:
        message, _ = person.find_button(action="quiz.ans")
        action = "quiz.ans"
    except AssertionError:  # anonymous play: nothing stored, other buttons
        message, _ = person.find_button(action="quiz.anon")
        action = "quiz.anon"
    data = [
        item["callback_data"]
        for row in message["reply_markup"]["inline_keyboard"]
        for item in row
        if item.get("callback_data", "").split(callbacks.SEP)[1] == action
    ]
    return message, data


async def choose(person, option: int):
    message, data = answer_data(person)
    return await person.press_data(data[option], message)


async def open_and_start(person, quiz_id: str):
    await person.send("/quiz")
    message, _ = person.find_button(action="quiz.open")
    await person.press_data(callbacks.pack("quiz.open", quiz_id), message)
    return await person.press(action="quiz.start")


async def play(person, quiz: Quiz, wrong: set[int] = frozenset(), start: int = 0) -> list:
    """Answer questions from `start` to the end, wrong at the given indexes; the last calls."""
    calls = []
    for index in range(start, len(quiz.questions)):
        question = quiz.questions[index]
        option = question.correct
        if index in wrong:
            option = (question.correct + 1) % len(question.options)
        calls = await choose(person, option)
    return calls


async def count(bot, model, *where) -> int:
    async with bot.db.session() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where))


async def stats(bot) -> dict[tuple[str, str], tuple[int, int]]:
    async with bot.db.session() as session:
        return await question_counts(session)


@pytest.mark.parametrize("persona", [YOUNG, YOUNG_EN], ids=["es", "en"])
async def test_play_a_whole_quiz(bot, persona):
    lang = persona.language_code
    person = bot.person(persona)
    await person.onboard()
    quiz = quiz_by_id(bot, "csec-basics")
    total = len(quiz.questions)

    await person.send("/menu")
    calls = await person.press(action="quiz.list")
    shown = texts(calls)[0]
    for item in quizzes_of(bot):
        assert item.title_in(lang) in shown
    calls = await person.press(f"• {quiz.title_in(lang)}")
    assert quiz.description_in(lang) in texts(calls)[0]
    calls = await person.press(action="quiz.start")
    first = texts(calls)[0]
    assert QUESTION[lang].format(n=1, total=total) in first
    assert quiz.questions[0].text_in(lang) in first
    for letter, option in zip("ABC", quiz.questions[0].options_in(lang), strict=False):
        assert f"{letter}. {option}" in first
    assert labels(calls)[:3] == ["A", "B", "C"][: len(quiz.questions[0].options)]

    for index, question in enumerate(quiz.questions):
        wrong = index == 1
        option = (question.correct + 1) % len(question.options) if wrong else question.correct
        calls = await choose(person, option)
        answered = [c for c in calls if c.method == "editMessageText"][0]
        assert question.explanation_in(lang) in answered.text
        assert answered.buttons == []
        toast = [c for c in calls if c.method == "answerCallbackQuery"][0].params["text"]
        if wrong:
            letter = "ABC"[question.correct]
            assert WRONG[lang].format(letter=letter) in answered.text
            assert toast.startswith("❌")
        else:
            assert RIGHT[lang] in answered.text
            assert toast == RIGHT[lang]
        sent = [c for c in calls if c.method == "sendMessage"]
        if index + 1 < total:
            assert QUESTION[lang].format(n=index + 2, total=total) in sent[0].text
            assert quiz.questions[index + 1].text_in(lang) in sent[0].text

    final = sent[0]
    assert SCORE[lang].format(score=total - 1, total=total) in final.text
    assert final.button_labels == SCORE_BUTTONS[lang]
    assert len(sent) == 1  # no badge for one quiz

    async with bot.db.session() as session:
        answers = (
            await session.scalars(select(QuizAnswer).order_by(QuizAnswer.id))
        ).all()
        attempt = await session.scalar(select(QuizAttempt))
    assert [(a.user_id, a.quiz_id, a.question_id) for a in answers] == [
        (persona.id, quiz.id, q.id) for q in quiz.questions
    ]
    assert [a.correct for a in answers] == [i != 1 for i in range(total)]
    assert all(a.answered_at is not None for a in answers)
    assert (attempt.status, attempt.score, attempt.position) == ("finished", total - 1, total)
    assert attempt.finished_at is not None
    counted = await stats(bot)
    assert counted[(quiz.id, quiz.questions[1].id)] == (1, 0)
    assert counted[(quiz.id, quiz.questions[0].id)] == (1, 1)

    calls = await person.press(action="quiz.list")
    best = {"es": "terminado, mejor puntaje 7 de 8", "en": "done, best score 7 of 8"}[lang]
    assert f"✅ {quiz.title_in(lang)}: {best}" in texts(calls)[0]


async def test_retry_starts_again_and_keeps_the_best_score(bot):
    person = bot.person(YOUNG_EN)
    await person.onboard()
    quiz = quiz_by_id(bot, "online-safety")
    await open_and_start(person, quiz.id)
    await play(person, quiz, wrong={0, 1, 2})
    calls = await person.press("🔁 Try again")
    assert "Question 1 of 9" in texts(calls)[0]
    calls = await play(person, quiz, wrong={0, 1, 2, 3, 4, 5})
    assert "You got 3 out of 9." in texts(calls)[-1]
    calls = await person.press("🧠 All quizzes")
    assert "done, best score 6 of 9" in texts(calls)[0]
    assert await count(bot, QuizAttempt, QuizAttempt.user_id == YOUNG_EN.id) == 2
    assert await count(bot, QuizAnswer) == 18


async def test_leaving_mid_quiz_resumes_at_the_same_question(bot):
    person = bot.person(YOUNG)
    await person.onboard()
    quiz = quiz_by_id(bot, "trafficking-signals")
    await open_and_start(person, quiz.id)
    await choose(person, quiz.questions[0].correct)
    await choose(person, quiz.questions[1].correct)
    await person.send("/menu")
    await person.send("/cancel")

    calls = await person.send("/quiz")
    assert f"▶️ {quiz.title_in('es')}: en curso, pregunta 3 de 8" in texts(calls)[0]
    calls = await person.press(f"▶️ {quiz.title_in('es')}")
    assert "Tu avance: en curso, pregunta 3 de 8." in texts(calls)[0]
    calls = await person.press("▶️ Continuar")
    assert "Pregunta 3 de 8" in texts(calls)[0]
    assert quiz.questions[2].text_in("es") in texts(calls)[0]
    calls = await play(person, quiz, start=2)
    assert "Acertaste 8 de 8." in texts(calls)[-1]
    assert await count(bot, QuizAttempt) == 1


async def test_a_restart_mid_quiz_continues_on_a_new_application(bot, settings):
    person = bot.person(YOUNG_EN)
    await person.onboard()
    quiz = quiz_by_id(bot, "rights-and-help")
    await open_and_start(person, quiz.id)
    for index in range(4):
        await choose(person, quiz.questions[index].correct)
    old_message, old_data = answer_data(person)
    await bot.app.shutdown()

    # A new process: a new Application, engine and offline Bot API on the same database.
    database = Database(settings.database_url)
    again = await start_harness(settings, database)
    application = again.app
    try:
        back = again.person(YOUNG_EN)
        calls = await back.press_data(old_data[quiz.questions[4].correct], old_message)
        assert "✅ Right!" in texts(calls)[0]
        assert "Question 6 of 9" in texts(calls)[1]
        calls = await back.send("/quiz")
        assert "in progress, question 6 of 9" in texts(calls)[0]
        calls = await play(back, quiz, start=5)
        assert "You got 9 out of 9." in texts(calls)[-1]
    finally:
        await application.shutdown()
        await database.dispose()
    async with bot.db.session() as session:
        attempt = await session.scalar(select(QuizAttempt))
    assert (attempt.status, attempt.score) == ("finished", 9)


async def test_badge_when_every_quiz_is_done_given_once(bot):
    person = bot.person(YOUNG_EN)
    await person.onboard()
    every = quizzes_of(bot)
    for number, quiz in enumerate(every, start=1):
        await open_and_start(person, quiz.id)
        calls = await play(person, quiz)
        badge = [t for t in texts(calls) if t.startswith("🏅")]
        if number < len(every):
            assert badge == []
        else:
            assert badge == [
                "🏅 Badge earned: you completed every quiz! Thank you for learning about your "
                "rights. Share what you learned with your friends: it helps keep them safe too."
            ]
    assert await count(bot, QuizBadge, QuizBadge.user_id == YOUNG_EN.id) == 1
    await person.press("🔁 Try again")
    calls = await play(person, every[-1])
    assert not [t for t in texts(calls) if t.startswith("🏅")]
    calls = await person.send("/quiz")
    assert texts(calls)[0].count("✅") == len(every)


async def test_anonymous_people_play_but_nothing_of_theirs_is_kept(bot):
    person = bot.person(YOUNG)
    await person.onboard(age_band="u14")
    quiz = quiz_by_id(bot, "csec-basics")
    calls = await person.send("/quiz")
    assert "No guardamos tus puntajes" in texts(calls)[0]
    await open_and_start(person, quiz.id)
    await choose(person, quiz.questions[0].correct)
    assert await count(bot, QuizAttempt) == 0  # not even the attempt in progress
    calls = await play(person, quiz, wrong={3}, start=1)
    assert "Acertaste 7 de 8." in texts(calls)[-1]
    assert await count(bot, QuizAnswer) == 0
    assert await count(bot, QuizAttempt) == 0
    assert await count(bot, QuizBadge) == 0
    counted = await stats(bot)  # the anonymous counters still count
    assert sum(answers for answers, _ in counted.values()) == 8
    assert sum(right for _, right in counted.values()) == 7
    calls = await person.send("/quiz")
    assert f"• {quiz.title_in('es')}: sin empezar" in texts(calls)[0]


async def test_people_who_did_not_agree_play_anonymously(bot):
    person = bot.person(YOUNG_EN)
    await person.send("/start")
    await person.press("English")
    await person.press("No, thanks")
    quiz = quiz_by_id(bot, "csec-basics")
    await open_and_start(person, quiz.id)
    calls = await play(person, quiz)
    assert "You got 8 out of 8." in texts(calls)[-1]
    assert await count(bot, QuizAnswer) == 0
    assert await count(bot, QuizAttempt) == 0


async def stale_press(person, data: str, message=None) -> list:
    calls = await person.press_data(data, message)
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    return calls


async def test_old_and_forged_answer_buttons_change_nothing(bot):
    person = bot.person(YOUNG)
    await person.onboard()
    quiz = quiz_by_id(bot, "csec-basics")
    await open_and_start(person, quiz.id)
    first_message, first_data = answer_data(person)
    await choose(person, quiz.questions[0].correct)
    async with bot.db.session() as session:
        attempt_id = await session.scalar(select(QuizAttempt.id))
    before = (await count(bot, QuizAnswer), await stats(bot))

    # the same question again (an old message), twice
    for option in (0, quiz.questions[0].correct):
        calls = await stale_press(person, first_data[option], first_message)
        assert calls[0].params["text"] == STALE["es"]
    # a later question, an option that does not exist, an attempt that does not exist
    forged = [
        callbacks.pack("quiz.ans", attempt_id, 2, 0),
        callbacks.pack("quiz.ans", attempt_id, 1, 7),
        callbacks.pack("quiz.ans", attempt_id, 1, -1),
        callbacks.pack("quiz.ans", attempt_id + 99, 1, 0),
        callbacks.pack("quiz.ans", -5, 1, 0),
        "1|quiz.ans|x|1|0",
        "1|quiz.ans|1|1",
        callbacks.pack("quiz.open", "no-such-quiz"),
        callbacks.pack("quiz.start", "no-such-quiz"),
    ]
    for data in forged:
        calls = await stale_press(person, data)
        assert calls[0].params["text"] == STALE["es"], data
    assert (await count(bot, QuizAnswer), await stats(bot)) == before
    async with bot.db.session() as session:
        attempt = await session.get(QuizAttempt, attempt_id)
    assert (attempt.position, attempt.score, attempt.status) == (1, 1, "active")

    # the real current question still works
    calls = await choose(person, quiz.questions[1].correct)
    assert "✅ ¡Correcto!" in texts(calls)[0]


async def test_another_persons_button_changes_nothing(bot):
    owner = bot.person(YOUNG)
    await owner.onboard()
    quiz = quiz_by_id(bot, "csec-basics")
    await open_and_start(owner, quiz.id)
    message, data = answer_data(owner)
    other = bot.person(FRIEND)
    await other.onboard()

    calls = await stale_press(other, data[quiz.questions[0].correct], message)
    assert calls[0].params["text"] == STALE["es"]
    async with bot.db.session() as session:
        attempt = await session.scalar(select(QuizAttempt).where(QuizAttempt.user_id == YOUNG.id))
    assert (attempt.position, attempt.score) == (0, 0)
    assert await count(bot, QuizAnswer) == 0
    assert await stats(bot) == {}


async def test_buttons_of_a_finished_quiz_change_nothing(bot):
    person = bot.person(YOUNG_EN)
    await person.onboard()
    quiz = quiz_by_id(bot, "csec-basics")
    await open_and_start(person, quiz.id)
    await play(person, quiz, start=0)
    async with bot.db.session() as session:
        attempt_id = await session.scalar(select(QuizAttempt.id))
    before = (await count(bot, QuizAnswer), await stats(bot))
    last = len(quiz.questions) - 1
    for index in (last, 0):
        calls = await stale_press(person, callbacks.pack("quiz.ans", attempt_id, index, 0))
        assert calls[0].params["text"] == STALE["en"]
    assert (await count(bot, QuizAnswer), await stats(bot)) == before
    async with bot.db.session() as session:
        attempt = await session.get(QuizAttempt, attempt_id)
    assert (attempt.status, attempt.score) == ("finished", len(quiz.questions))


async def test_every_quiz_end_offers_help_and_help_answers(bot):
    person = bot.person(YOUNG)
    await person.onboard()
    for quiz in quizzes_of(bot):
        await open_and_start(person, quiz.id)
        calls = await play(person, quiz, wrong={0})
        assert "🆘 Pedir ayuda" in labels(calls)
        assert any("“Pedir ayuda”" in text for text in texts(calls))
    calls = await person.press("🆘 Pedir ayuda")
    assert texts(calls)
