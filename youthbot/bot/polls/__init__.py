"""Opinion polls (youth voice): answering with a button; /polls for admins."""

from __future__ import annotations

from ..runtime.router import Router
from . import actions


def register(router: Router) -> None:
    """Register the answer buttons and the admins' /polls, results and close."""
    from .handlers import ADMINS, answer_poll, close_poll, list_polls, show_results

    router.button(actions.ANSWER)(answer_poll)
    router.command("polls", "encuestas", roles=ADMINS)(list_polls)
    router.button(actions.RESULTS, roles=ADMINS)(show_results)
    router.button(actions.CLOSE, roles=ADMINS)(close_poll)
