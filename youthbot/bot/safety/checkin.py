"""The gentle check-in for an ambiguous message: is this happening to you?

"Yes, I need help" shows what a disclosure shows (the emergency numbers and the offer of a
person); "No, I was only asking" gets a kind word, and whatever the person was doing (a quiz,
a form) is still there. The person can always correct the bot, as UNICEF's guidance on safer
chatbots asks. The buttons carry only the kind of danger; a stale or forged press changes
nothing a fresh one would not (a "yes" always gets the numbers).
"""

from __future__ import annotations

import logging

from ...core import cases as case_service
from ...core import safety as safety_service
from ...core.safety.danger import Category
from ...i18n import _, pgettext
from ..runtime.router import Router
from ..runtime.turn import Turn, button, keyboard
from . import danger as safety
from .actions import CHECKIN_NO, CHECKIN_YES

logger = logging.getLogger(__name__)

# Noted (like a danger notice: kind and time, no text) when someone says "only asking", so
# their next messages on the topic within the quiet window are not asked about again.
ONLY_ASKING = "only_asking"


async def check_in(turn: Turn, category: str) -> bool:
    """Ask gently whether it is happening to them; True when the message was answered.

    Someone already talking with the team, or shown the numbers (or who said "only asking")
    within the last minutes, is not asked: their message goes on as usual."""
    if await case_service.find_open_case(turn.session, turn.user_id) is not None:
        return False
    if await safety_service.recent_danger_notice(
        turn.session, user_id=turn.user_id, now=turn.now
    ):
        return False
    logger.info("danger words (%s): check-in", category)
    turn.reply(
        _("Is this happening to you or to someone you know?"),
        keyboard(
            button(pgettext("button", "Yes, I need help"), CHECKIN_YES(category)),
            button(pgettext("button", "No, I was only asking"), CHECKIN_NO()),
        ),
    )
    return True


async def answer_yes(turn: Turn, category: Category) -> None:
    """They pressed "Yes, I need help": next, exactly what a disclosure gets."""
    await safety_service.start_danger_notice(
        turn.session, user_id=turn.user_id, category=category, now=turn.now
    )
    has_case = await case_service.find_open_case(turn.session, turn.user_id) is not None
    await safety.show_interrupt(turn, category, offer=not has_case)


async def answer_no(turn: Turn) -> None:
    """They pressed "No, I was only asking": next, a kind word; their quiz or form waits."""
    await safety_service.start_danger_notice(
        turn.session, user_id=turn.user_id, category=ONLY_ASKING, now=turn.now
    )
    text = _("Thank you for telling me. 💙 If you ever need it, \"🆘 Get help\" is on every "
             "menu, and /help works at any time.")
    if turn.state is not None:  # a form: the message was not taken as its answer
        text += "\n\n" + _("What you were doing is still there: send your answer again "
                           "whenever you are ready.")
    else:  # a quiz, a menu: its buttons are still above
        text += "\n\n" + _("What you were doing is still there: go on whenever you are ready.")
    turn.edit(text)


def register(router: Router) -> None:
    """The check-in's two buttons, for everyone in a private chat."""
    router.button(CHECKIN_YES)(answer_yes)
    router.button(CHECKIN_NO)(answer_no)
