"""Awareness quizzes in a private chat: the list with progress, one question at a time, the
answer marked with its explanation, the score in words, retry, a badge, and a way to help."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from ...core import quiz as quizzes
from ...core.quiz import AnswerResult, Progress, StaleAnswer
from ...core.quiz.content import Quiz
from ...i18n import _, ngettext, pgettext
from ..people.views import help_button, menu_button
from ..runtime.router import ANY, Router
from ..runtime.turn import Turn, button, keyboard
from . import group as quiz_group
from .actions import ANON_ANSWER, ANSWER, LIST, OPEN, START, Step

LETTERS = "ABCDEFGHIJ"
# The order of options in anonymous play (no attempt to seed it): the same for everyone.
ANON_SEED = "anon"
LETTERS_PER_ROW = 5
# The state while a question waits, so typed text meets a note, not the menu (bot/quiz/typed.py).
QUIZ_FLOW = "quiz"


def list_button() -> InlineKeyboardButton:
    return button(pgettext("button", "🧠 All quizzes"), LIST())


# Views --------------------------------------------------------------------------------------


def render_progress(quiz: Quiz, progress: Progress | None) -> str:
    total = len(quiz.questions)
    if progress is not None and progress.position is not None and progress.done:
        # A retry: the question reached, and the best score of the earlier finished attempts.
        return _(
            "in progress, question {number} of {total}; finished before, best score {score} "
            "of {total}"
        ).format(number=progress.position + 1, total=total, score=progress.best)
    if progress is not None and progress.position is not None:
        return _("in progress, question {number} of {total}").format(
            number=progress.position + 1, total=total
        )
    if progress is not None and progress.done:
        return _("done, best score {score} of {total}").format(score=progress.best, total=total)
    return _("not started")


def status_mark(progress: Progress | None) -> str:
    if progress is not None and progress.position is not None:
        return "▶️"
    return "✅" if progress is not None and progress.done else "•"


def render_quiz_list(
    quiz_list: list[Quiz], progress: dict[str, Progress], lang: str, *, anonymous: bool
) -> str:
    lines = [
        _("🧠 Quizzes"),
        _("Short quizzes to learn about your rights and how to stay safe. Choose one:"),
        "",
    ]
    for quiz in quiz_list:
        mark = status_mark(progress.get(quiz.id))
        shown = render_progress(quiz, progress.get(quiz.id))
        lines.append(f"{mark} {quiz.title_in(lang)}: {shown}")
    if anonymous:
        lines += ["", _("We do not keep your scores, so finished quizzes are not marked.")]
    return "\n".join(lines)


def build_quiz_list_keyboard(
    quiz_list: list[Quiz], progress: dict[str, Progress], lang: str
) -> InlineKeyboardMarkup:
    rows = [
        button(
            f"{status_mark(progress.get(quiz.id))} {quiz.title_in(lang)}",
            OPEN(quiz.id),
        )
        for quiz in quiz_list
    ]
    return keyboard(*rows, [menu_button(), help_button()])


def render_question(quiz: Quiz, index: int, lang: str, order: tuple[int, ...]) -> str:
    """The question and its options as `A. …`, in the order shown (`order`: file numbers)."""
    question = quiz.questions[index]
    lines = [
        f"🧠 {quiz.title_in(lang)}",
        _("Question {number} of {total}").format(number=index + 1, total=len(quiz.questions)),
        "",
        question.text_in(lang),
        "",
    ]
    options = question.options_in(lang)
    for letter, option in zip(LETTERS, order, strict=False):
        lines.append(f"{letter}. {options[option]}")
    return "\n".join(lines)


def build_answer_keyboard(
    attempt_id: int, index: int, order: tuple[int, ...], *, anonymous_quiz: str | None = None,
    score: int = 0,
) -> InlineKeyboardMarkup:
    """One letter per option as shown; each button carries the option's number in the file,
    so the answer is judged (and recorded) on the option the person saw, shuffled or not.
    In anonymous play (`anonymous_quiz`) the button carries the quiz and the score instead of
    an attempt: nothing about the player is stored."""
    letters = [
        button(
            LETTERS[shown],
            ANON_ANSWER(anonymous_quiz, index, score, option)
            if anonymous_quiz is not None
            else ANSWER(attempt_id, index, option),
        )
        for shown, option in enumerate(order)
    ]
    count = len(letters)
    rows = [letters[i : i + LETTERS_PER_ROW] for i in range(0, count, LETTERS_PER_ROW)]
    return keyboard(*rows, [list_button(), help_button()])


def render_answered(result: AnswerResult, lang: str, *, seed: object = None) -> str:
    """The question again, the person's answer marked right or wrong, and the explanation."""
    question = result.question
    options = question.options_in(lang)
    order = result.quiz.option_order(result.index, result.attempt_id if seed is None else seed)
    lines = [
        f"🧠 {result.quiz.title_in(lang)}",
        _("Question {number} of {total}").format(
            number=result.index + 1, total=len(result.quiz.questions)
        ),
        "",
        question.text_in(lang),
        "",
        _("Your answer: {letter}. {option}").format(
            letter=LETTERS[order.index(result.option)], option=options[result.option]
        ),
    ]
    if result.correct:
        lines.append(_("✅ Right!"))
    else:
        lines.append(
            _("❌ Not quite. The right answer is {letter}. {option}").format(
                letter=LETTERS[order.index(question.correct)], option=options[question.correct]
            )
        )
    lines += ["", question.explanation_in(lang)]
    return "\n".join(lines)


def render_score(quiz: Quiz, score: int, lang: str) -> str:
    """The end of a quiz: the score in words, encouragement, and the way to talk to someone."""
    total = len(quiz.questions)
    if score == total:
        cheer = _("Excellent! You know this topic very well.")
    elif score * 2 >= total:
        cheer = _("Well done! Read the explanations again to remember the rest.")
    else:
        cheer = _("A good start: every question teaches something. Try again whenever you like.")
    return "\n".join(
        [
            _("🏁 You finished “{title}”.").format(title=quiz.title_in(lang)),
            _("You got {score} out of {total}.").format(score=score, total=total),
            cheer,
            "",
            _(
                "If something in this quiz made you think of yourself or someone you know, "
                "you can talk to someone: press “Get help”."
            ),
        ]
    )


def build_score_keyboard(quiz: Quiz) -> InlineKeyboardMarkup:
    return keyboard(
        [button(pgettext("button", "🔁 Try again"), START(quiz.id)), list_button()],
        help_button(),
    )


def render_badge() -> str:
    return _(
        "🏅 Badge earned: you completed every quiz! Thank you for learning about your rights. "
        "Share what you learned with your friends: it helps keep them safe too."
    )


# Handlers -----------------------------------------------------------------------------------


async def show_quiz_list(turn: Turn, *, edit: bool = False) -> None:
    """Every quiz with this person's progress on it."""
    quiz_list = turn.deps.content.quizzes
    progress = {}
    if not turn.anonymous:
        progress = await quizzes.quiz_progress(turn.session, user_id=turn.user_id)
    send = turn.edit if edit else turn.reply
    send(
        render_quiz_list(quiz_list, progress, turn.language, anonymous=turn.anonymous),
        build_quiz_list_keyboard(quiz_list, progress, turn.language),
    )


def show_question(turn: Turn, quiz: Quiz, attempt_id: int, index: int, *, edit: bool) -> None:
    send = turn.edit if edit else turn.reply
    order = quiz.option_order(index, attempt_id)
    send(
        render_question(quiz, index, turn.language, order),
        build_answer_keyboard(attempt_id, index, order),
    )


async def quiz_command(turn: Turn) -> None:
    """The quiz list in private; in a group, a leader chooses a quiz to play together."""
    if turn.is_private:
        await show_quiz_list(turn)
    else:
        await quiz_group.ask_which_quiz(turn)


async def open_quiz_list(turn: Turn) -> None:
    """The quiz list with progress; a quiz is chosen next."""
    await show_quiz_list(turn, edit=True)


async def open_quiz(turn: Turn, quiz_id: str) -> None:
    """What the quiz is about and how far the person got; start or continue next."""
    quiz = quizzes.find_quiz(turn.deps.content.quizzes, quiz_id)
    if quiz is None:
        turn.stale()
        return
    progress = {}
    if not turn.anonymous:
        progress = await quizzes.quiz_progress(turn.session, user_id=turn.user_id)
    mine = progress.get(quiz.id)
    if mine is not None and mine.position is not None:
        label = pgettext("button", "▶️ Continue")
    elif mine is not None and mine.done:
        label = pgettext("button", "🔁 Play again")
    else:
        label = pgettext("button", "▶️ Start")
    lines = [
        f"🧠 {quiz.title_in(turn.language)}",
        quiz.description_in(turn.language),
        "",
        ngettext(
            "{count} question. Your progress: {progress}.",
            "{count} questions. Your progress: {progress}.",
            len(quiz.questions),
        ).format(
            count=len(quiz.questions), progress=render_progress(quiz, mine)
        ),
    ]
    turn.edit(
        "\n".join(lines),
        keyboard([button(label, START(quiz.id)), list_button()], help_button()),
    )


async def start_quiz(turn: Turn, quiz_id: str) -> None:
    """Resume the open attempt at its question, or start from question 1."""
    quiz = quizzes.find_quiz(turn.deps.content.quizzes, quiz_id)
    if quiz is None:
        turn.stale()
        return
    if turn.anonymous:
        await turn.clear_state()
        order = quiz.option_order(0, ANON_SEED)
        turn.edit(
            render_question(quiz, 0, turn.language, order),
            build_answer_keyboard(0, 0, order, anonymous_quiz=quiz.id),
        )
        return
    attempt = await quizzes.start_attempt(
        turn.session, user_id=turn.user_id, quiz=quiz, now=turn.now
    )
    await turn.set_state(QUIZ_FLOW, Step.QUESTION, quiz=quiz.id, attempt=attempt.id)
    show_question(turn, quiz, attempt.id, attempt.position, edit=True)


async def answer(turn: Turn, attempt_id: int, index: int, option: int) -> None:
    """Mark the answer with its explanation; then the next question or the score."""
    try:
        result = await quizzes.answer_question(
            turn.session,
            attempt_id=attempt_id,
            user_id=turn.user_id,
            index=index,
            option=option,
            quizzes=turn.deps.content.quizzes,
            anonymous=turn.anonymous,
            now=turn.now,
            region=turn.user.region if turn.user else None,
            age_band=turn.user.age_band if turn.user else None,
        )
    except StaleAnswer:
        turn.stale()
        return
    turn.answer(_("✅ Right!") if result.correct else _("❌ Not quite."))
    turn.edit(render_answered(result, turn.language))
    if not result.finished:
        if turn.state is None:  # e.g. after /menu, a question above was answered
            await turn.set_state(QUIZ_FLOW, Step.QUESTION, quiz=result.quiz.id,
                                 attempt=attempt_id)
        show_question(turn, result.quiz, attempt_id, index + 1, edit=False)
        return
    if turn.state is not None and turn.state.flow == QUIZ_FLOW:
        await turn.clear_state()
    turn.reply(
        render_score(result.quiz, result.score, turn.language),
        build_score_keyboard(result.quiz),
    )
    if result.badge:
        turn.reply(render_badge())


async def answer_anonymously(
    turn: Turn, quiz_id: str, index: int, score: int, option: int
) -> None:
    """Anonymous play: mark the answer and count it in the figures (no person); then the next
    question or the score. Nothing about the player is written."""
    quiz = quizzes.find_quiz(turn.deps.content.quizzes, quiz_id)
    if (
        quiz is None
        or not 0 <= index < len(quiz.questions)
        or not 0 <= option < len(quiz.questions[index].options)
        or not 0 <= score <= index
    ):
        turn.stale()
        return
    question = quiz.questions[index]
    correct = option == question.correct
    await quizzes.count_answer(
        turn.session, quiz_id=quiz.id, question_id=question.id, correct=correct,
        user_id=turn.user_id,
    )
    score += 1 if correct else 0
    finished = index + 1 >= len(quiz.questions)
    result = AnswerResult(quiz, question, index, option, correct, 0, score, finished, False)
    turn.answer(_("✅ Right!") if correct else _("❌ Not quite."))
    turn.edit(render_answered(result, turn.language, seed=ANON_SEED))
    if not finished:
        order = quiz.option_order(index + 1, ANON_SEED)
        turn.reply(
            render_question(quiz, index + 1, turn.language, order),
            build_answer_keyboard(0, index + 1, order, anonymous_quiz=quiz.id, score=score),
        )
        return
    turn.reply(render_score(quiz, score, turn.language), build_score_keyboard(quiz))


def register(router: Router) -> None:
    """Register the quiz list, private play, and /quiz (which starts group play in a group)."""
    router.command("quiz", "quizzes", chats=ANY)(quiz_command)
    router.button(LIST)(open_quiz_list)
    router.button(OPEN)(open_quiz)
    router.button(START)(start_quiz)
    router.button(ANSWER)(answer)
    router.button(ANON_ANSWER)(answer_anonymously)
