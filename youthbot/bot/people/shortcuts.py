"""Typed shortcuts: "ayuda", "help", "necesito ayuda"… open Get help, and "hola", "menú"…
bring the menu, from any state (core/people/shortcuts.py, content/shortcuts.yaml).

Checked after the danger words and after an open case's relay (someone talking with the team
who writes "hola" is talking to them), before any form or quiz takes the text. Get help
leaves what the person was doing as it was, to go on with later.
"""

from __future__ import annotations

from ...core.people.shortcuts import HELP
from ...i18n import _
from ..help import triage as help_screens
from ..runtime.router import Router
from ..runtime.turn import Turn
from .menu import show_main_menu


async def answer_shortcut(turn: Turn) -> bool:
    """A whole message that is a shortcut: Get help (keeping the state), or the menu."""
    kind = turn.deps.content.shortcuts.match(turn.text)
    if kind is None:
        return False
    if kind == HELP:
        await help_screens.ask_danger(turn)
        if turn.state is not None:
            turn.reply(_("What you were doing is still there: go on whenever you are ready."))
        return True
    await turn.clear_state()  # as /menu: an activity's draft and quiz progress are kept
    show_main_menu(turn)
    return True


def register(router: Router) -> None:
    """The shortcuts' interceptor (their file is read with the other content, at start)."""
    router.intercept(answer_shortcut)
