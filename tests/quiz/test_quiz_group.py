"""Group quizzes: a leader starts one, the bot posts native quiz polls, three players answer;
played with names (a leader's choice) the leaderboard shows first names only; non-leaders
cannot start or stop; /stopquiz. Private play (the default): test_quiz_group_private.py."""

from __future__ import annotations

import pytest
from harness import ADMIN, FRIEND, GROUP_CHAT_ID, LEADER, YOUNG, YOUNG_EN, labels, texts
from sqlalchemy import func, select

from youthbot.bot.quiz import group as quiz_group
from youthbot.bot.runtime import callbacks
from youthbot.core.people.roles import Role
from youthbot.core.quiz.stats import question_counts
from youthbot.db.models import (
    QuizGroupPlayer,
    QuizGroupPoll,
    QuizGroupRun,
    QuizQuestionStat,
    User,
)

PLAYERS = (YOUNG, YOUNG_EN, FRIEND)


def refused(bot) -> str:
    """The foundation's refusal, in Spanish, whatever its current wording."""
    return bot.deps.catalogs.get("es").gettext("Sorry, that is not something you can do here.")


def quiz_jobs(bot) -> list:
    """What the group-quiz timers will advance: (run id, question index)."""
    return [job.data for job in bot.app.job_queue.jobs() if job.name.startswith("quiz-run-")]


def polls(calls) -> list:
    return [c for c in calls if c.method == "sendPoll"]


async def start_group_quiz(
    bot, quiz_id: str = "csec-basics", *, leader=LEADER, named: bool = True
) -> list:
    """The leader sends /quiz in the group and chooses `quiz_id` (with names, unless not
    `named`); the calls of the choice."""
    person = bot.person(leader)
    calls = await person.send("/quiz", chat_id=GROUP_CHAT_ID)
    assert texts(calls)[0].startswith("¿Qué quiz jugamos en grupo?")
    action = "quizg.start"
    if named:
        await person.press(action="quizg.mode", chat_id=GROUP_CHAT_ID)
        action = "quizg.named"
    message, _ = person.find_button(action=action, chat_id=GROUP_CHAT_ID)
    return await person.press_data(callbacks.pack(action, quiz_id), message)


async def vote(bot, persona, poll_call, option: int) -> list:
    update = bot.factory.poll_answer(
        user_id=persona.id,
        poll_id=poll_call.result["poll"]["id"],
        option_ids=[option],
        first_name=persona.first_name,
        username=persona.username,
    )
    return await bot.process(update)


async def run_row(bot) -> QuizGroupRun:
    async with bot.db.session() as session:
        return await session.scalar(select(QuizGroupRun))


async def count(bot, model) -> int:
    async with bot.db.session() as session:
        return await session.scalar(select(func.count()).select_from(model))


def correct_of(poll_call) -> int:
    return poll_call.params["correct_option_ids"][0]


async def test_a_group_quiz_with_three_players_ends_with_a_leaderboard(bot):
    await bot.grant(LEADER, Role.LEADER)
    quiz = next(q for q in bot.deps.content.quizzes if q.id == "csec-basics")
    total = len(quiz.questions)

    calls = await start_group_quiz(bot)
    assert "🧠 Quiz grupal: Lo básico: explotación sexual" in texts(calls)[0]
    sent = polls(calls)
    assert len(sent) == 1 and sent[0].chat_id == GROUP_CHAT_ID
    params = sent[0].params
    assert params["type"] == "quiz" and params["is_anonymous"] is False
    assert params["correct_option_ids"] == [quiz.questions[0].correct]
    assert params["open_period"] == bot.deps.settings.quiz_poll_seconds
    assert params["explanation"] == quiz.questions[0].explanation_in("es")
    assert params["question"] == f"1/{total} · {quiz.questions[0].text_in('es')}"
    assert [o["text"] if isinstance(o, dict) else o for o in params["options"]] == (
        quiz.questions[0].options_in("es")
    )
    run = await run_row(bot)
    assert (run.status, run.position, run.language, run.started_by) == (
        "active", 0, "es", LEADER.id)
    assert quiz_jobs(bot) == [(run.id, 0)]

    # Anabela gets everything right, Samwise every other one, Rosalind answers only twice.
    for index in range(total):
        poll_call = sent[-1]
        right = correct_of(poll_call)
        wrong = (right + 1) % len(poll_call.params["options"])
        assert not await vote(bot, YOUNG, poll_call, right)  # nothing is said in the group
        await vote(bot, YOUNG_EN, poll_call, right if index % 2 == 0 else wrong)
        if index < 2:
            await vote(bot, FRIEND, poll_call, wrong if index == 0 else right)
        await vote(bot, YOUNG, poll_call, wrong)  # a second answer does not count
        if index == 3:
            calls = await bot.person(LEADER).send("/next", chat_id=GROUP_CHAT_ID)
            assert any(c.method == "stopPoll" for c in calls)
        else:
            before = len(bot.api.calls)
            await quiz_group.advance(bot.app, run.id, index)
            calls = bot.api.calls[before:]
            assert not any(c.method == "stopPoll" for c in calls)
        if index + 1 < total:
            sent = polls(calls)
            assert len(sent) == 1
            assert sent[0].params["question"].startswith(f"{index + 2}/{total} · ")
            async with bot.db.session() as session:
                players = (await session.scalars(select(QuizGroupPlayer))).all()
            assert {p.first_name for p in players} == {"Anabela", "Samwise", "Rosalind"}

    board = [c for c in calls if c.method == "sendMessage"][-1]
    assert board.chat_id == GROUP_CHAT_ID
    lines = board.text.splitlines()
    assert lines[0] == (
        "🏁 Terminó el quiz “Lo básico: explotación sexual”. La tabla de posiciones:"
    )
    assert lines[2:5] == [
        f"🥇 Anabela: {total} de {total}",
        f"🥈 Samwise: {(total + 1) // 2} de {total}",
        f"🥉 Rosalind: 1 de {total}",
    ]
    for persona in PLAYERS:
        assert persona.username not in board.text
        assert str(persona.id) not in board.text
    assert board.button_labels == ["💬 Háblame en privado"]

    run = await run_row(bot)
    assert run.status == "finished" and run.finished_at is not None
    assert await count(bot, QuizGroupPlayer) == 0  # names are gone with the run
    assert await count(bot, QuizGroupPoll) == 0
    async with bot.db.session() as session:
        figures = {
            question: counted
            for (quiz_id, question), counted in (await question_counts(session)).items()
            if quiz_id == "csec-basics"
        }
        users = await session.scalar(select(func.count()).select_from(User))
    assert figures[quiz.questions[0].id] == (3, 2)
    assert figures[quiz.questions[1].id] == (3, 2)
    assert users == 1  # only the leader: players are not made into users

    # the timer of a question already passed does nothing
    before = len(bot.api.calls)
    await quiz_group.advance(bot.app, run.id, total - 1)
    assert bot.api.calls[before:] == []


async def test_the_group_quiz_speaks_the_language_of_the_leader(bot):
    await bot.grant(LEADER, Role.LEADER)
    async with bot.db.session() as session:
        (await session.get(User, LEADER.id)).language = "en"
    quiz = next(q for q in bot.deps.content.quizzes if q.id == "online-safety")
    person = bot.person(LEADER)
    calls = await person.send("/quiz", chat_id=GROUP_CHAT_ID)
    label = f"{quiz.title_in('en')} · {bot.deps.settings.quiz_poll_seconds} s"
    assert label in labels(calls)
    calls = await person.press(label, chat_id=GROUP_CHAT_ID)
    assert texts(calls)[0].startswith("🧠 Group quiz: Staying safe online")
    assert "🙈 Private play" in texts(calls)[0]
    assert polls(calls)[0].params["question"].endswith(quiz.questions[0].text_in("en"))
    calls = await person.send("/stopquiz", chat_id=GROUP_CHAT_ID)
    assert "Nobody answered this time." in texts(calls)[-1]


async def test_stopquiz_ends_early_with_the_leaderboard_so_far(bot):
    await bot.grant(LEADER, Role.LEADER)
    calls = await start_group_quiz(bot)
    poll_call = polls(calls)[0]
    await vote(bot, FRIEND, poll_call, correct_of(poll_call))
    run = await run_row(bot)
    await quiz_group.advance(bot.app, run.id, 0)
    poll_call = polls(bot.api.calls)[-1]
    await vote(bot, YOUNG, poll_call, correct_of(poll_call))

    calls = await bot.person(ADMIN).send("/stopquiz", chat_id=GROUP_CHAT_ID)
    stop = [c for c in calls if c.method == "stopPoll"]
    assert stop and int(stop[0].params["message_id"]) == poll_call.result["message_id"]
    board = texts(calls)[-1].splitlines()
    assert board[0] == (
        "🛑 Se detuvo el quiz “Lo básico: explotación sexual”. La tabla de posiciones hasta "
        "ahora:"
    )
    assert board[2:4] == ["🥇 Anabela: 1 de 2", "🥇 Rosalind: 1 de 2"]
    assert (await run_row(bot)).status == "finished"
    assert await count(bot, QuizGroupPlayer) == 0

    # answers to a poll of a finished run are ignored; /next and /stopquiz say nothing runs
    await vote(bot, YOUNG_EN, poll_call, 0)
    assert await count(bot, QuizGroupPlayer) == 0
    for command in ("/next", "/stopquiz"):
        calls = await bot.person(LEADER).send(command, chat_id=GROUP_CHAT_ID)
        assert texts(calls) == [
            "Aquí no hay ningún quiz grupal en marcha. Una persona líder puede empezar uno "
            "con /quiz."
        ]


async def test_people_who_are_not_leaders_cannot_start_or_stop(bot):
    young = bot.person(YOUNG)
    calls = await young.send("/quiz", chat_id=GROUP_CHAT_ID)
    assert texts(calls) == [
        "Solo las y los líderes de grupo pueden empezar un quiz grupal. Puedes jugar todos los "
        "quizzes por tu cuenta en un chat privado conmigo."
    ]
    assert labels(calls) == []
    # a forged choice from a young person: refused, nothing starts
    calls = await young.press_data(
        callbacks.pack("quizg.start", "csec-basics"),
        {"message_id": 5, "date": 0, "chat": {"id": GROUP_CHAT_ID, "type": "supergroup"}},
    )
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert calls[0].params["text"] == refused(bot)
    assert await count(bot, QuizGroupRun) == 0

    await bot.grant(LEADER, Role.LEADER)
    await start_group_quiz(bot)
    for command in ("/stopquiz", "/next"):
        calls = await young.send(command, chat_id=GROUP_CHAT_ID)
        assert texts(calls) == [refused(bot)]
    run = await run_row(bot)
    assert (run.status, run.position) == ("active", 0)
    # a second /quiz while one runs
    calls = await bot.person(LEADER).send("/quiz", chat_id=GROUP_CHAT_ID)
    assert texts(calls) == [
        "Ya hay un quiz en marcha aquí. Una persona líder puede terminarlo con /pararquiz."
    ]


async def test_a_revoked_leader_can_no_longer_stop(bot):
    await bot.grant(LEADER, Role.LEADER)
    await start_group_quiz(bot)
    async with bot.db.session() as session:
        (await session.get(User, LEADER.id)).role = Role.YOUNG
    calls = await bot.person(LEADER).send("/stopquiz", chat_id=GROUP_CHAT_ID)
    assert texts(calls) == [refused(bot)]
    assert (await run_row(bot)).status == "active"


async def test_answers_to_unknown_polls_and_retracted_votes_are_ignored(bot):
    await bot.grant(LEADER, Role.LEADER)
    calls = await start_group_quiz(bot)
    poll_call = polls(calls)[0]
    await bot.process(bot.factory.poll_answer(user_id=YOUNG.id, poll_id="999", option_ids=[0]))
    update = bot.factory.poll_answer(
        user_id=YOUNG.id, poll_id=poll_call.result["poll"]["id"], option_ids=[]
    )
    await bot.process(update)
    assert await count(bot, QuizGroupPlayer) == 0
    assert await count(bot, QuizQuestionStat) == 0


@pytest.mark.parametrize("command", ["/next", "/stopquiz"])
async def test_group_commands_in_a_private_chat_explain_where_they_work(bot, command):
    await bot.grant(LEADER, Role.LEADER)
    calls = await bot.person(LEADER).send(command)
    assert texts(calls) == ["Esto funciona en un grupo donde hay un quiz en marcha."]


async def test_a_restart_picks_up_running_group_quizzes(bot):
    await bot.grant(LEADER, Role.LEADER)
    await start_group_quiz(bot)
    run = await run_row(bot)
    for job in bot.app.job_queue.jobs():
        if job.name.startswith("quiz-run-"):
            job.schedule_removal()
    await quiz_group.resume_running_quizzes(bot.app)
    assert quiz_jobs(bot) == [(run.id, 0)]
