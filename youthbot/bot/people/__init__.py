"""People: /start, the menu, settings, roles and the menu shortcuts."""

from __future__ import annotations

from ..runtime.router import Router


def register(router: Router) -> None:
    """Register /start, the menu and settings, the admin's role commands and the shortcuts.

    The shortcuts' interceptor must come after an open case's relay (cases.register) and before
    forms and quizzes: that is why app.build_router() calls people after cases."""
    # Here, not at the top: another feature importing this one's actions or views
    # must not load its handlers (they import other features in turn).
    from . import admin, menu, shortcuts
    menu.register(router)
    admin.register(router)
    shortcuts.register(router)
