"""Quizzes: in private (buttons and typed answers), in groups (polls) and their figures."""

from __future__ import annotations

from ..runtime.router import Router


def register(router: Router) -> None:
    """Register private quizzes, typed answers, group quizzes and the quiz figures."""
    # Here, not at the top: another feature importing this one's actions or views
    # must not load its handlers (they import other features in turn).
    from . import group, private, stats, typed
    private.register(router)
    typed.register(router)
    group.register(router)
    stats.register(router)
