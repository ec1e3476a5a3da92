"""Group quizzes are private by default: anonymous polls, no player stored, and an end that
shows per question how many answered and the share right (counts under 5 as "<5"), then the
explanation; the players are told before the first question. Named play is a leader's choice."""

from __future__ import annotations

import copy

import pytest
from harness import FRIEND, GROUP_CHAT_ID, LEADER, YOUNG, labels, texts
from sqlalchemy import func, select

from youthbot.bot.quiz import group as quiz_group
from youthbot.bot.runtime import callbacks
from youthbot.core.people.roles import Role
from youthbot.core.quiz.stats import question_counts
from youthbot.db.models import QuizGroupPlayer, QuizGroupRun, User

INTRO = {
    "es": "🙈 Juego privado: las encuestas son anónimas, nadie ve quién respondió qué.",
    "en": "🙈 Private play: the polls are anonymous, nobody sees who answered what.",
}
CHOICE = {
    "es": "Juego privado: las encuestas son anónimas",
    "en": "Private play: the polls are anonymous",
}
NAMED_INTRO = {
    "es": "👤 Con nombres: Telegram muestra a todas las personas de aquí quién respondió qué",
    "en": "👤 Played with names: Telegram shows everyone here who answered what",
}
OVER = {
    "es": "🏁 Terminó el quiz “{title}”. Así le fue al grupo:",
    "en": "🏁 The quiz “{title}” is over. How the group did:",
}
COUNTS = {"es": "📊 {count} respondieron, {share} acertaron.",
          "en": "📊 {count} answered, {share} right."}
FEW = {"es": "📊 <5 respondieron.", "en": "📊 <5 answered."}
NOBODY = {"es": "📊 Nadie respondió.", "en": "📊 Nobody answered."}


def polls(calls) -> list:
    return [c for c in calls if c.method == "sendPoll"]


async def poll_counts(bot, poll_call, *, right: int, wrong: int) -> None:
    """Telegram's `poll` update for an anonymous poll: only counts per option."""
    poll = copy.deepcopy(poll_call.result["poll"])
    correct = poll_call.params["correct_option_ids"][0]
    for index, option in enumerate(poll["options"]):
        option["voter_count"] = right if index == correct else 0
    if wrong:
        other = (correct + 1) % len(poll["options"])
        poll["options"][other]["voter_count"] = wrong
    poll["total_voter_count"] = right + wrong
    await bot.process(bot.factory.build({"poll": poll}))


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_private_play_is_the_default_and_ends_with_counts_not_names(bot, lang):
    await bot.grant(LEADER, Role.LEADER)
    async with bot.db.session() as session:
        (await session.get(User, LEADER.id)).language = lang
    quiz = next(q for q in bot.deps.content.quizzes if q.id == "csec-basics")
    total = len(quiz.questions)
    leader = bot.person(LEADER)
    calls = await leader.send("/quiz", chat_id=GROUP_CHAT_ID)
    assert CHOICE[lang] in texts(calls)[0]
    message, _ = leader.find_button(action="quizg.start", chat_id=GROUP_CHAT_ID)
    calls = await leader.press_data(callbacks.pack("quizg.start", quiz.id), message)
    # told before the first question: the intro comes before the first poll
    methods = [c.method for c in calls if c.method in ("editMessageText", "sendPoll")]
    assert methods == ["editMessageText", "sendPoll"]
    assert INTRO[lang] in texts(calls)[0]
    first = polls(calls)[0]
    assert first.params["is_anonymous"] is True
    async with bot.db.session() as session:
        run = await session.scalar(select(QuizGroupRun))
    assert run.named is False

    await poll_counts(bot, first, right=4, wrong=2)
    await poll_counts(bot, first, right=1, wrong=1)  # a late, lower update lowers nothing
    # a poll answer (which Telegram does not send for anonymous polls) stores no player
    await bot.process(bot.factory.poll_answer(
        user_id=YOUNG.id, poll_id=first.result["poll"]["id"], option_ids=[0],
        first_name=YOUNG.first_name,
    ))
    await quiz_group.advance(bot.app, run.id, 0)
    second = polls(bot.api.calls)[-1]
    await poll_counts(bot, second, right=2, wrong=1)
    for index in range(1, total):
        await quiz_group.advance(bot.app, run.id, index)

    ending = [c for c in bot.api.calls if c.method == "sendMessage" and c.chat_id == GROUP_CHAT_ID]
    board = "\n".join(c.text for c in ending[-3:] if OVER[lang].split("“")[0] in c.text
                      or "📊" in c.text)
    title = quiz.title_in(lang)
    assert OVER[lang].format(title=title) in board
    share = bot.deps.catalogs.get(lang).format_percent(4 / 6)
    assert COUNTS[lang].format(count=6, share=share) in board
    assert FEW[lang] in board
    assert NOBODY[lang] in board
    assert quiz.questions[0].explanation_in(lang) in board
    assert f"1. {quiz.questions[0].text_in(lang)}" in board
    for persona in (YOUNG, FRIEND):
        assert persona.first_name not in board
    async with bot.db.session() as session:
        players = await session.scalar(select(func.count()).select_from(QuizGroupPlayer))
        figures = {
            question: counted
            for (quiz_id, question), counted in (await question_counts(session)).items()
            if quiz_id == quiz.id
        }
    assert players == 0
    assert figures[quiz.questions[0].id] == (6, 4)
    assert figures[quiz.questions[1].id] == (3, 2)


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_named_play_is_chosen_by_the_leader_and_announced_first(bot, lang):
    await bot.grant(LEADER, Role.LEADER)
    async with bot.db.session() as session:
        (await session.get(User, LEADER.id)).language = lang
    leader = bot.person(LEADER)
    await leader.send("/quiz", chat_id=GROUP_CHAT_ID)
    calls = await leader.press(action="quizg.mode", chat_id=GROUP_CHAT_ID)
    assert "Telegram" in texts(calls)[0]
    assert labels(calls)[-1] in ("🙈 Mejor juego privado", "🙈 Private play instead")
    message, _ = leader.find_button(action="quizg.named", chat_id=GROUP_CHAT_ID)
    calls = await leader.press_data(callbacks.pack("quizg.named", "csec-basics"), message)
    assert NAMED_INTRO[lang] in texts(calls)[0]
    assert polls(calls)[0].params["is_anonymous"] is False
    # a young person cannot switch the mode or start named play
    young = bot.person(YOUNG)
    group_message = {"message_id": 5, "date": 0,
                     "chat": {"id": GROUP_CHAT_ID, "type": "supergroup"}}
    for data in (callbacks.pack("quizg.mode", "n"), callbacks.pack("quizg.named", "csec-basics")):
        calls = await young.press_data(data, group_message)
        assert [c.method for c in calls] == ["answerCallbackQuery"]
