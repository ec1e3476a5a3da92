"""Quizzes played together in a group: a leader chooses a quiz, the bot posts its questions as
native quiz polls one after the other, and ends with how the group did.

Private play (the default): anonymous polls, whose counts Telegram sends as `poll` updates; the
end shows, per question, how many answered and the share right, then the explanation. Named
play (a leader's choice, announced before the first question): non-anonymous polls, scored from
poll answers, and a leaderboard of first names (kept only while the quiz runs).

The next question comes from the JobQueue when a poll's timer ends, or at once when a leader
sends /next; both go through `advance`, which only moves a run that is still where it was.
"""

from __future__ import annotations

import logging
from functools import partial

from telegram import InlineKeyboardMarkup, Poll, Update
from telegram.error import BadRequest
from telegram.ext import Application, PollAnswerHandler, PollHandler

from ...core.people.roles import LEADERS, is_allowed
from ...core.quiz import find_quiz
from ...core.quiz import group as groups
from ...core.quiz.checks import MAX_QUESTION
from ...core.quiz.content import Quiz
from ...core.quiz.group import (
    NoQuizRunning,
    QuestionResult,
    QuizAlreadyRunning,
    RunView,
    Step,
)
from ...i18n import _, current, pgettext, speaking
from ..runtime.longtext import split_text
from ..runtime.router import ANY, GROUP, Router
from ..runtime.turn import BotContext, Turn, deps_of, keyboard, url_button
from .actions import GROUP_MODE, GROUP_START, GROUP_START_NAMED, PlayMode
from .group_views import (
    build_quiz_choice_keyboard,
    poll_seconds,
    render_group_intro,
    render_quiz_choice,
)

logger = logging.getLogger(__name__)

# Telegram closes a poll at the end of its timer; wait a little more before the next one.
GRACE_SECONDS = 2
MEDALS = ("🥇", "🥈", "🥉")
# Counts under this are shown as "<5" (and no share), like every figure of the bot.
SMALL = 5


# Views --------------------------------------------------------------------------------------


def poll_question(quiz: Quiz, index: int, lang: str) -> str:
    """The question with its number, when that still fits Telegram's limit."""
    text = quiz.questions[index].text_in(lang)
    numbered = f"{index + 1}/{len(quiz.questions)} · {text}"
    return numbered if len(numbered.encode("utf-16-le")) // 2 <= MAX_QUESTION else text


def render_result(quiz: Quiz, result: QuestionResult, lang: str) -> str:
    """One question of private play: the question, how many answered, the share right, and
    the explanation."""
    question = quiz.questions[result.index]
    if result.answers == 0:
        counts = _("Nobody answered.")
    elif result.answers < SMALL:
        counts = _("<5 answered.")
    else:
        counts = _("{count} answered, {share} right.").format(
            count=result.answers,
            share=current().format_percent(result.correct / result.answers),
        )
    right = question.options_in(lang)[question.correct]
    return "\n".join(
        [
            f"{result.index + 1}. {question.text_in(lang)}",
            "📊 " + counts,
            _("✅ {option}").format(option=right),
            question.explanation_in(lang),
        ]
    )


def render_private_results(quiz: Quiz, step: Step, *, stopped: bool) -> str:
    """The end of private play: per question, counts and the explanation; no names."""
    title = quiz.title_in(step.run.language)
    if stopped:
        head = _("🛑 The quiz “{title}” was stopped. How the group did so far:")
    else:
        head = _("🏁 The quiz “{title}” is over. How the group did:")
    results = [r for r in step.results or () if r.index < len(quiz.questions)]
    lines = [head.format(title=title), ""]
    if not any(r.answers for r in results):
        lines.append(_("Nobody answered this time."))
    else:
        lines.append("\n\n".join(render_result(quiz, r, step.run.language) for r in results))
    lines += [
        "",
        _(
            "Thank you for playing! If something in this quiz worried you, you can talk to "
            "someone in a private chat with me, at any time."
        ),
    ]
    return "\n".join(lines)


def render_leaderboard(quiz: Quiz, step: Step, *, stopped: bool) -> str:
    if not step.run.named:
        return render_private_results(quiz, step, stopped=stopped)
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
        is_anonymous=not run.named,
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
        parts = split_text(render_leaderboard(quiz, step, stopped=stopped))
        markup = build_private_chat_keyboard(application)
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        await application.bot.send_message(
            step.run.chat_id, part, reply_markup=markup if last else None
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
    show_quiz_choice(turn, named=False, edit=False)


def show_quiz_choice(turn: Turn, *, named: bool, edit: bool) -> None:
    (turn.edit if edit else turn.reply)(
        render_quiz_choice(named=named),
        build_quiz_choice_keyboard(
            turn.deps.content.quizzes,
            turn.language,
            partial(poll_seconds, turn.context.application),
            named=named,
        ),
    )


async def choose_play_mode(turn: Turn, mode: PlayMode) -> None:
    """A leader switched between private play and play with names: the quizzes again."""
    show_quiz_choice(turn, named=mode is PlayMode.NAMED, edit=True)


async def on_poll(update: Update, context: BotContext) -> None:
    """An anonymous poll's counts changed (private play): keep the latest, no person."""
    poll = update.poll
    if poll is None:
        return
    async with context.deps.db.session() as session:
        await groups.record_poll_counts(
            session,
            poll_id=poll.id,
            answers=poll.total_voter_count,
            votes=[option.voter_count for option in poll.options],
        )


async def on_poll_answer(update: Update, context: BotContext) -> None:
    """Score one person's answer to a named quiz's poll (names are kept only during the run)."""
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
    """Start the chosen quiz in private play; the intro says so, its first poll follows."""
    await start_run(turn, quiz_id, named=False)


async def start_named_group_quiz(turn: Turn, quiz_id: str) -> None:
    """Start the chosen quiz with names; the intro says so, its first poll follows."""
    await start_run(turn, quiz_id, named=True)


async def start_run(turn: Turn, quiz_id: str, *, named: bool) -> None:
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
            named=named,
        )
    except QuizAlreadyRunning:
        turn.answer(_("A quiz is already running here. A leader can end it with /stopquiz."))
        return
    application = turn.context.application
    turn.edit(
        render_group_intro(quiz, turn.language, poll_seconds(application, quiz), named=named)
    )
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
    router.button(GROUP_START_NAMED, roles=LEADERS, chats=GROUP)(start_named_group_quiz)
    router.button(GROUP_MODE, roles=LEADERS, chats=GROUP)(choose_play_mode)
    router.command("next", "siguiente", roles=LEADERS, chats=ANY)(next_question)
    router.command("stopquiz", "pararquiz", roles=LEADERS, chats=ANY)(stop_group_quiz)
    router.extra_handlers.append(PollAnswerHandler(on_poll_answer))
    router.extra_handlers.append(PollHandler(on_poll))
    router.on_startup(resume_running_quizzes)
