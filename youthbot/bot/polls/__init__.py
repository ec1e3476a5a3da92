"""Opinion polls (youth voice): answering with a button; /newpoll and /polls for admins."""

from __future__ import annotations

from ..runtime.router import Router
from . import actions


def register(router: Router) -> None:
    """Register the answer buttons and the admins' /polls, results and close."""
    from ...i18n import N_
    from .compose import FLOW, skip_language, start_poll, write_poll
    from .handlers import ADMINS, answer_poll, close_poll, list_polls, show_results

    router.button(actions.ANSWER)(answer_poll)
    router.command("polls", "encuestas", roles=ADMINS)(list_polls)
    router.button(actions.RESULTS, roles=ADMINS)(show_results)
    router.button(actions.CLOSE, roles=ADMINS)(close_poll)
    router.command("newpoll", "nuevaencuesta", roles=ADMINS)(start_poll)
    router.flow(FLOW)(write_poll)
    router.form(FLOW, ADMINS, N_("You no longer have the admin role, so this form was closed. "
                                 "Your draft was removed."))
    router.button(actions.SKIP, roles=ADMINS)(skip_language)
