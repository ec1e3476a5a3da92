"""The end of a conversation as the person sees it: ending it themselves, the message that
it is closed with the way to reopen it, and the optional "did this help?" question."""

from __future__ import annotations

from ...core import cases as case_service
from ...db.models import Case
from ...i18n import _, current, pgettext, speaking
from ..people.views import menu_button
from ..runtime.turn import Turn, button, keyboard
from . import notify as staff
from .actions import FEEDBACK, REOPEN, Feedback
from .views import staff_language


def feedback_keyboard(case: Case):
    return keyboard(
        [
            button(pgettext("button", "👍 Yes"), FEEDBACK(case.id, Feedback.YES)),
            button(pgettext("button", "A bit"), FEEDBACK(case.id, Feedback.BIT)),
            button(pgettext("button", "👎 No"), FEEDBACK(case.id, Feedback.NO)),
        ]
    )


def render_closed_for_person(case: Case, *, by_person: bool) -> tuple[str, object]:
    """The message telling the person their case is closed, with the way to reopen it."""
    until = case.reopen_until
    when = current().format_date(until.date(), "long") if until else ""
    text = (
        _("You ended the conversation ({number}). If you change your mind, you can reopen it "
          "until {date}.")
        if by_person
        else _("Our team has closed this conversation ({number}). If you need them again, you "
               "can reopen it until {date}.")
    ).format(number=case.number, date=when)
    markup = keyboard(
        [button(pgettext("button", "🔁 Reopen"), REOPEN(case.id)), menu_button()]
    )
    return text, markup


def render_feedback_question(case: Case) -> tuple[str, object]:
    return _("Did this help? You don't have to answer."), feedback_keyboard(case)


async def end_conversation(turn: Turn) -> None:
    """The person ends their open case: staff are told, the person may reopen it later."""
    case = await case_service.find_open_case(turn.session, turn.user_id)
    if case is None:
        text = _("You have no open conversation with our team.")
        if turn.update.callback_query is not None:
            turn.answer(text)
        else:
            turn.reply(text, keyboard(menu_button()))
        return
    await case_service.withdraw_case(turn.session, case=case, now=turn.now)
    text, markup = render_closed_for_person(case, by_person=True)
    turn.reply(text, markup)
    question, buttons = render_feedback_question(case)
    turn.reply(question, buttons)
    with speaking(turn.deps.catalogs, staff_language(turn.deps, case)):
        note = _("✋ {number}: the person ended the conversation.").format(number=case.number)
    staff.post_later(turn, case, note)
    staff.refresh_card_later(turn, case)
