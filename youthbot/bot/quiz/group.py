"""Quizzes played together in a group: a leader chooses a quiz, the bot posts its questions as
native quiz polls one after the other, scores the poll answers, and ends with a leaderboard of
first names (kept only while the quiz runs).

The next question comes from the JobQueue when a poll's timer ends, or at once when a leader
sends /next; both go through `advance`, which only moves a run that is still where it was.
"""

from __future__ import annotations

import logging
from functools import partial

from telegram import InlineKeyboardMarkup, Poll, Update
from telegram.error import BadRequest
from telegram.ext import Application, PollAnswerHandler

from ...core.people.roles import LEADERS, is_allowed
from ...core.quiz import find_quiz
from ...core.quiz import group as groups
from ...core.quiz.checks import MAX_QUESTION
from ...core.quiz.content import Quiz
from ...core.quiz.group import NoQuizRunning, QuizAlreadyRunning, RunView, Step
from ...i18n import _, pgettext, speaking
from ..runtime.router import ANY, GROUP, Router
from ..runtime.turn import BotContext, Turn, deps_of, keyboard, url_button
from .actions import GROUP_START
from .group_views import build_quiz_choice_keyboard, poll_seconds, render_group_intro

logger = logging.getLogger(__name__)

# Telegram closes a poll at the end of its timer; wait a little more before the next one.
GRACE_SECONDS = 2
MEDALS = ("🥇", "🥈", "🥉")


# Views --------------------------------------------------------------------------------------


def poll_question(quiz: Quiz, index: int, lang: str) -> str:
    """The question with its number, when that still fits Telegram's limit."""
    text = quiz.questions[index].text_in(lang)
    numbered = f"{index + 1}/{len(quiz.questions)} · {text}"
    return numbered if len(numbered.encode("utf-16-le")) // 2 <= MAX_QUESTION else text


def render_leaderboard(quiz: Quiz, step: Step, *, stopped: bool) -> str:
    title = quiz.title_in(step.run.language)
    total = step.asked if stopped else len(quiz.questions)
    if stopped:
        lines = [
            _("🛑 The quiz “{title}” was stopped. The leaderboard so far:").format(title=title)
        ]
    else:
        lines = [_("🏁 The quiz “{title}” is over. The leaderboard:").format(title=title)]
    lines.append("")
    for standing in step.standings or ():
        place = MEDALS[standing.rank - 1] if standing.rank <= len(MEDALS) else f"{standing.rank}."
        line = _("{name}: {score} of {total}").format(
            name=standing.first_name, score=standing.score, total=total
        )
        lines.append(f"{place} {line}")
    if not step.standings:
        lines.append(_("Nobody answered this time."))
    lines += [
        "",
        _(
            "Thank you for playing! If something in this quiz worried you, you can talk to "
            "someone in a private chat with me, at any time."
        ),
    ]
    return "\n".join(lines)


def build_private_chat_keyboard(application: Application) -> InlineKeyboardMarkup | None:
    try:
        username = application.bot.username
    except RuntimeError:  # not initialised: no link rather than no leaderboard
        return None
    return keyboard(
        url_button(pgettext("button", "💬 Talk to me in private"), f"https://t.me/{username}")
    )


# Posting questions and moving on ------------------------------------------------------------


async def post_question(application: Application, run: RunView, index: int) -> None:
    """Send question `index` as a quiz poll, remember the poll, and time the next step."""
    deps = deps_of(application)
    quiz = find_quiz(deps.content.quizzes, run.quiz_id)
    if quiz is None:
        return
    question = quiz.questions[index]
    # Poll answers arrive as positions in the poll, so the right one is stored as shown.
    order = quiz.option_order(index, f"group-{run.id}")
    options = question.options_in(run.language)
    shown_correct = order.index(question.correct)
    seconds = poll_seconds(application, quiz)
    message = await application.bot.send_poll(
        run.chat_id,
        poll_question(quiz, index, run.language),
        [options[option] for option in order],
        type=Poll.QUIZ,
        correct_option_ids=[shown_correct],
        is_anonymous=False,
        explanation=question.explanation_in(run.language),
        open_period=seconds,
    )
    async with deps.db.session() as session:
        await groups.record_poll(
            session,
            run_id=run.id,
            poll_id=message.poll.id,
            index=index,
            question=question,
            correct_option=shown_correct,
            message_id=message.message_id,
        )
    schedule_advance(application, run.id, index, seconds)


def schedule_advance(application: Application, run_id: int, position: int, seconds: int) -> None:
    """Move past question `position` when its poll's timer has ended (if a JobQueue exists)."""
    queue = application.job_queue
    if queue is None:
        return
    delay = seconds + GRACE_SECONDS
    queue.run_once(
        _advance_job, when=delay, data=(run_id, position), name=f"quiz-run-{run_id}-{position}"
    )


async def _advance_job(context: BotContext) -> None:
    run_id, position = context.job.data
    await advance(context.application, run_id, position)


async def advance(application: Application, run_id: int, position: int) -> None:
    """The step after question `position` of a run: the next poll, or the leaderboard.

    Called by the timer; also directly (tests, or anything that drives a run without a
    running JobQueue). A run that has already moved on is left alone.
    """
    deps = deps_of(application)
    async with deps.db.session() as session:
        step = await groups.advance_run(
            session,
            run_id=run_id,
            position=position,
            quizzes=deps.content.quizzes,
            now=deps.clock(),
        )
    if step is not None:
        await carry_out(application, step, close=False)


async def carry_out(
    application: Application, step: Step, *, close: bool, stopped: bool = False
) -> None:
    """Close the open poll if asked, then post the next question or the leaderboard."""
    if close and step.close_message_id is not None:
        try:
            await application.bot.stop_poll(step.run.chat_id, step.close_message_id)
        except BadRequest as exc:  # already closed by its timer, or deleted
            logger.info("could not stop poll of run %s: %s", step.run.id, type(exc).__name__)
    if step.next_index is not None:
        await post_question(application, step.run, step.next_index)
        return
    deps = deps_of(application)
    quiz = find_quiz(deps.content.quizzes, step.run.quiz_id)
    if quiz is None:
        return
    with speaking(deps.catalogs, step.run.language):
        await application.bot.send_message(
            step.run.chat_id,
            render_leaderboard(quiz, step, stopped=stopped),
            reply_markup=build_private_chat_keyboard(application),
        )


# Handlers -----------------------------------------------------------------------------------


async def ask_which_quiz(turn: Turn) -> None:
    """/quiz in a group: a leader chooses the quiz; anyone else is told kindly, nothing starts."""
    if not is_allowed(turn.roles, LEADERS):
        turn.reply(
            _(
                "Only youth group leaders can start a group quiz. You can play every quiz on "
                "your own in a private chat with me."
            )
        )
        return
    if await groups.active_run(turn.session, chat_id=turn.chat_id) is not None:
        turn.reply(_("A quiz is already running here. A leader can end it with /stopquiz."))
        return
    turn.reply(
        _(
            "Which quiz shall we play together? Each question is a quiz poll; each quiz shows "
            "the seconds there are to answer."
        ),
        build_quiz_choice_keyboard(
            turn.deps.content.quizzes,
            turn.language,
            partial(poll_seconds, turn.context.application),
        ),
    )


async def on_poll_answer(update: Update, context: BotContext) -> None:
    """Score one person's answer to one of our quiz polls (names are kept only during the run)."""
    answer = update.poll_answer
    if answer is None or answer.user is None or answer.user.is_bot:
        return
    async with context.deps.db.session() as session:
        await groups.record_poll_answer(
            session,
            poll_id=answer.poll_id,
            user_id=answer.user.id,
            first_name=answer.user.first_name,
            option_ids=list(answer.option_ids),
        )


async def resume_running_quizzes(application: Application) -> None:
    """After a restart, time the next step of every group quiz that was running."""
    async with deps_of(application).db.session() as session:
        runs = await groups.active_runs(session)
    quiz_list = deps_of(application).content.quizzes
    for run in runs:
        seconds = poll_seconds(application, find_quiz(quiz_list, run.quiz_id))
        schedule_advance(application, run.id, run.position, seconds)


async def start_group_quiz(turn: Turn, quiz_id: str) -> None:
    """Start the chosen quiz in this group; its first poll follows."""
    quiz = find_quiz(turn.deps.content.quizzes, quiz_id)
    if quiz is None:
        turn.stale()
        return
    try:
        run = await groups.start_run(
            turn.session,
            chat_id=turn.chat_id,
            quiz=quiz,
            language=turn.language,
            started_by=turn.user_id,
            now=turn.now,
        )
    except QuizAlreadyRunning:
        turn.answer(_("A quiz is already running here. A leader can end it with /stopquiz."))
        return
    application = turn.context.application
    turn.edit(render_group_intro(quiz, turn.language, poll_seconds(application, quiz)))
    turn.later(lambda: post_question(application, run, 0))


async def next_question(turn: Turn) -> None:
    """Close the current poll and post the next question (or the leaderboard) now."""
    if turn.is_private:
        turn.reply(_("This works in a group where a quiz is running."))
        return
    run = await groups.active_run(turn.session, chat_id=turn.chat_id)
    step = None
    if run is not None:
        step = await groups.advance_run(
            turn.session,
            run_id=run.id,
            position=run.position,
            quizzes=turn.deps.content.quizzes,
            now=turn.now,
        )
    if step is None:
        turn.reply(
            _("There is no group quiz running here. A leader can start one with /quiz.")
        )
        return
    application = turn.context.application
    turn.later(lambda: carry_out(application, step, close=True))


async def stop_group_quiz(turn: Turn) -> None:
    """End the group quiz now, with the leaderboard so far."""
    if turn.is_private:
        turn.reply(_("This works in a group where a quiz is running."))
        return
    try:
        step = await groups.stop_run(turn.session, chat_id=turn.chat_id, now=turn.now)
    except NoQuizRunning:
        turn.reply(
            _("There is no group quiz running here. A leader can start one with /quiz.")
        )
        return
    application = turn.context.application
    turn.later(lambda: carry_out(application, step, close=True, stopped=True))


def register(router: Router) -> None:
    """Register group play: choosing a quiz, /next, /stopquiz and poll answers."""
    router.button(GROUP_START, roles=LEADERS, chats=GROUP)(start_group_quiz)
    router.command("next", "siguiente", roles=LEADERS, chats=ANY)(next_question)
    router.command("stopquiz", "pararquiz", roles=LEADERS, chats=ANY)(stop_group_quiz)
    router.extra_handlers.append(PollAnswerHandler(on_poll_answer))
    router.on_startup(resume_running_quizzes)
