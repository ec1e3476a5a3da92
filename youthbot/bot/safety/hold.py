"""Quick exit holds the conversation (core/safety/hold.py): the door every message to a person
outside their own turn passes, the notice when they come back, and the button to see it.

Messages to other people leave the bot through one door, bot/runtime/notify.py, which asks
`held_back` first (everything about a case: a moderator's reply, claim, hand-over, referral,
closing, "did it help?"; activity news to a leader or to those who joined, and the reminders);
the announcement outbox (core/announce/__init__.py) skips held people in the query itself.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup

from ...core import cases as case_service
from ...core.safety import hold as hold_service
from ...i18n import _, ngettext, pgettext, speaking
from ..cases import notify as staff  # staff uses held_back: module access keeps the cycle safe
from ..runtime import notify
from ..runtime.router import Router
from ..runtime.turn import Turn, button, keyboard
from .actions import QUICK_EXIT, SHOW_HELD

logger = logging.getLogger(__name__)

# Quick exit itself (bot/privacy/data.py) does not lift the hold: it sets it again.
QUICK_EXIT_ACTION = QUICK_EXIT.name
QUICK_EXIT_COMMANDS = ("salir", "exit")


# The door every message to a person asks first (moved to bot/runtime/notify.py; this name
# stays for the activities' views, which import it here).
held_back = notify.held_back


def _is_quick_exit(turn: Turn) -> bool:
    query = turn.update.callback_query
    if query is not None:
        return query.data == QUICK_EXIT()
    command = turn.text.split(maxsplit=1)[0] if turn.text.startswith("/") else ""
    return command[1:].split("@")[0].lower() in QUICK_EXIT_COMMANDS


async def lift_hold(turn: Turn) -> None:
    """Turn hook: the person wrote (a message, a command, a button) after a quick exit: the
    hold ends, and a discreet line offers what waited, without showing it yet."""
    user = turn.user
    if user is None or user.held_since is None or not turn.is_private or _is_quick_exit(turn):
        return
    count = await hold_service.release(turn.session, user)
    case = await case_service.find_open_case(turn.session, user.id)
    if case is not None:
        with speaking(turn.deps.catalogs, turn.settings.default_language):
            note = _("▶️ {number}: the person wrote again. Your messages reach them again.")
            staff.post_later(turn, case, note.format(number=case.number))
    if count:
        turn.reply(
            ngettext(
                "There is {count} message from our team.",
                "There are {count} messages from our team.",
                count,
            ).format(count=count),
            keyboard(button(pgettext("button", "👀 Show"), SHOW_HELD())),
        )


async def show_held(turn: Turn) -> None:
    """The messages that waited, oldest first, in place of the notice and after it."""
    held = await hold_service.take_held(turn.session, user_id=turn.user_id)
    if not held:
        turn.answer(_("Nothing is waiting for you."))
        return
    first, *rest = held
    turn.edit(first.text, _markup(turn, first.markup))
    for message in rest:
        turn.reply(message.text, _markup(turn, message.markup))


def _markup(turn: Turn, data: dict | None) -> InlineKeyboardMarkup | None:
    return InlineKeyboardMarkup.de_json(data, turn.bot) if data else None


def register(router: Router) -> None:
    """Lift the hold in every turn of the person; the button that shows what waited."""
    router.turn_hooks.append(lift_hold)
    router.button(SHOW_HELD)(show_held)

