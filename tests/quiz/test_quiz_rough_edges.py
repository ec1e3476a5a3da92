"""Quiz rough edges found in the console (issue 20): progress and best score after a retry,
plural counts in the figures, a 0 % bar that shows, a quiz's own poll time, and shuffled
options judged on the option the person saw, in a private chat and in a group."""

from __future__ import annotations

import dataclasses

import pytest
from harness import ADMIN, GROUP_CHAT_ID, LEADER, YOUNG, YOUNG_EN, labels, texts
from quiz.test_quiz import choose, open_and_start, play, quiz_by_id
from quiz.test_quiz_group import polls, start_group_quiz, vote
from sqlalchemy import select

from youthbot.bot.runtime import callbacks
from youthbot.core.people.roles import Role
from youthbot.core.quiz import stats as quiz_stats
from youthbot.core.quiz.content import Quiz
from youthbot.db.models import QuizAnswer, QuizGroupPlayer

LETTERS = "ABCDEFGHIJ"
PROGRESS_AND_BEST = {
    "es": "▶️ {title}: en curso, pregunta 2 de 8; ya lo terminaste antes, mejor puntaje 7 de 8",
    "en": "▶️ {title}: in progress, question 2 of 8; finished before, best score 7 of 8",
}


@pytest.mark.parametrize("persona", [YOUNG, YOUNG_EN], ids=["es", "en"])
async def test_a_retry_shows_the_question_reached_and_the_best_score(bot, persona):
    lang = persona.language_code
    person = bot.person(persona)
    await person.onboard()
    quiz = quiz_by_id(bot, "csec-basics")
    await open_and_start(person, quiz.id)
    await play(person, quiz, wrong={1})  # 7 of 8
    await person.press(action="quiz.start")  # try again
    await choose(person, quiz.questions[0].correct)

    calls = await person.send("/quiz")
    assert PROGRESS_AND_BEST[lang].format(title=quiz.title_in(lang)) in texts(calls)[0]
    calls = await person.press(f"▶️ {quiz.title_in(lang)}")
    best = {"es": "mejor puntaje 7 de 8", "en": "best score 7 of 8"}[lang]
    assert best in texts(calls)[0]


# Figures: plural forms, and a 0 % question that shows in red ---------------------------------

ONE_ANSWER = {
    "es": ("{title}: 1 respuesta, {percent} correctas", "  1. 1 respuesta, {percent} correctas",
           "  2. 0 respuestas, — correctas"),
    "en": ("{title}: 1 answer, {percent} right", "  1. 1 answer, {percent} right",
           "  2. 0 answers, — right"),
}


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_one_answer_is_said_in_the_singular(bot, lang):
    young = bot.person(YOUNG)
    await young.onboard()
    quiz = quiz_by_id(bot, "csec-basics")
    await open_and_start(young, quiz.id)
    await choose(young, quiz.questions[0].correct)

    admin = bot.person(ADMIN, language_code=lang)
    await admin.onboard()
    calls = await admin.send("/quizstats")
    text = "\n".join(texts(calls))
    hundred = bot.deps.catalogs.get(lang).format_percent(1)
    quiz_line, first, second = ONE_ANSWER[lang]
    assert quiz_line.format(title=quiz.title_in(lang), percent=hundred) in text
    assert first.format(percent=hundred) in text
    assert second in text
    assert "1 respuestas" not in text and "1 answers" not in text


async def test_a_question_nobody_got_right_draws_a_visible_red_bar(bot):
    quiz = quiz_by_id(bot, "csec-basics")
    young = bot.person(YOUNG)
    await young.onboard()
    await open_and_start(young, quiz.id)
    await play(young, quiz, wrong={1})
    async with bot.db.session() as session:
        figures = await quiz_stats.quiz_figures(
            session, quizzes=bot.deps.content.quizzes, language="es"
        )
    labels_, values, colors, notes = quiz_stats.chart_bars(figures, no_answers="sin respuestas")
    assert notes[1].startswith("0%")
    assert values[1] > 0 and colors[1] == quiz_stats.LOW_COLOR
    assert values[0] == 100 and colors[0] == quiz_stats.OK_COLOR
    never_answered = len(quiz.questions)  # the first question of the next quiz
    assert (values[never_answered], notes[never_answered]) == (0, "sin respuestas")


# A quiz's own time, and shuffled options ------------------------------------------------------


def shuffled(bot, quiz_id: str, *, seconds: int | None = 45) -> Quiz:
    """Make the quiz `quiz_id` of this bot shuffle its options and use its own poll time."""
    quiz = dataclasses.replace(
        quiz_by_id(bot, quiz_id), shuffle_options=True, poll_seconds=seconds
    )
    content = bot.deps.content
    content.quizzes = [quiz if q.id == quiz_id else q for q in content.quizzes]
    return quiz


def shown_options(text: str) -> list[str]:
    """The options as listed on a question message (`A. …` lines), in order."""
    return [
        line[3:] for line in text.splitlines() if line[:3] in {f"{x}. " for x in LETTERS}
    ]


@pytest.mark.parametrize("persona", [YOUNG, YOUNG_EN], ids=["es", "en"])
async def test_shuffled_options_are_judged_on_the_option_shown(bot, persona):
    lang = persona.language_code
    quiz = shuffled(bot, "trafficking-signals")
    person = bot.person(persona)
    await person.onboard()
    calls = await open_and_start(person, quiz.id)
    moved, picked = 0, []
    for index, question in enumerate(quiz.questions):
        options = question.options_in(lang)
        shown = shown_options(texts(calls)[-1])
        assert sorted(shown) == sorted(options)
        moved += shown != options
        right_at = shown.index(options[question.correct])
        right_letter = LETTERS[right_at]
        pick = right_letter if index % 2 == 0 else LETTERS[(right_at + 1) % len(shown)]
        calls = await person.press(pick)
        answered = [c for c in calls if c.method == "editMessageText"][0].text
        picked_text = shown[LETTERS.index(pick)]
        picked.append(picked_text)
        assert f"{pick}. {picked_text}" in answered
        if index % 2 == 0:
            assert {"es": "✅ ¡Correcto!", "en": "✅ Right!"}[lang] in answered
        else:
            right = {"es": "La respuesta correcta es la {letter}. {option}",
                     "en": "The right answer is {letter}. {option}"}[lang]
            assert right.format(letter=right_letter, option=options[question.correct]) in answered
    assert moved >= len(quiz.questions) // 2  # the order really changes

    async with bot.db.session() as session:
        answers = (await session.scalars(select(QuizAnswer).order_by(QuizAnswer.id))).all()
    # recorded as the option in the file, judged on it
    for index, (answer, question) in enumerate(zip(answers, quiz.questions, strict=True)):
        assert question.options_in(lang)[answer.option] == picked[index]
        assert answer.correct == (index % 2 == 0)
        assert (answer.option == question.correct) == answer.correct


async def test_the_same_attempt_keeps_its_order_after_leaving(bot):
    quiz = shuffled(bot, "trafficking-signals")
    person = bot.person(YOUNG)
    await person.onboard()
    first = texts(await open_and_start(person, quiz.id))[-1]
    await person.send("/menu")
    again = texts(await open_and_start(person, quiz.id))[-1]
    assert shown_options(first) == shown_options(again)


async def test_a_group_quiz_uses_its_own_time_and_shuffles_its_polls(bot):
    await bot.grant(LEADER, Role.LEADER)
    quiz = shuffled(bot, "csec-basics", seconds=45)
    calls = await bot.person(LEADER).send("/quiz", chat_id=GROUP_CHAT_ID)
    assert f"{quiz.title_in('es')} · 45 s" in labels(calls)
    default = bot.deps.settings.quiz_poll_seconds
    other = quiz_by_id(bot, "online-safety")
    assert f"{other.title_in('es')} · {default} s" in labels(calls)

    calls = await start_group_quiz(bot, quiz.id)
    assert "Hay 45 segundos para responder cada una." in texts(calls)[0]
    moved = 0
    for index, question in enumerate(quiz.questions):
        poll = polls(calls)[0]
        assert poll.params["open_period"] == 45
        options = [o["text"] if isinstance(o, dict) else o for o in poll.params["options"]]
        moved += options != question.options_in("es")
        right = poll.params["correct_option_ids"][0]
        assert options[right] == question.options_in("es")[question.correct]
        await vote(bot, YOUNG, poll, right)
        if index == 0:
            async with bot.db.session() as session:
                player = await session.scalar(select(QuizGroupPlayer))
            assert player.score == 1
        calls = await bot.person(LEADER).send("/next", chat_id=GROUP_CHAT_ID)
    assert moved >= len(quiz.questions) // 2
    board = [c for c in calls if c.method == "sendMessage"][-1].text
    total = len(quiz.questions)
    assert f"🥇 Anabela: {total} de {total}" in board


async def test_a_group_quiz_in_english_says_its_time(bot):
    await bot.grant(LEADER, Role.LEADER)
    quiz = shuffled(bot, "csec-basics", seconds=20)
    leader = bot.person(LEADER, language_code="en")
    async with bot.db.session() as session:
        from youthbot.db.models import User

        (await session.get(User, LEADER.id)).language = "en"
    calls = await leader.send("/quiz", chat_id=GROUP_CHAT_ID)
    message, _data = leader.find_button(action="quizg.start", chat_id=GROUP_CHAT_ID)
    calls = await leader.press_data(callbacks.pack("quizg.start", quiz.id), message)
    intro = texts(calls)[0]
    assert intro.startswith("🧠 Group quiz: The basics: sexual exploitation")
    assert f"{len(quiz.questions)} questions. You have 20 seconds to answer each one." in intro
    assert polls(calls)[0].params["open_period"] == 20
