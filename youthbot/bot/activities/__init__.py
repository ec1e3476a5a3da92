"""Activities: leaders register and report them, moderators review, everyone browses and joins."""

from __future__ import annotations

from ..runtime.router import Router


def register(router: Router) -> None:
    """Register the activities' forms, buttons, reminders job and menu."""
    # Here, not at the top: another feature importing this one's actions or views
    # must not load its handlers (they import other features in turn).
    from . import browse, menu, overview, registration, reminders, report, review
    registration.register(router)
    report.register(router)
    review.register(router)
    overview.register(router)
    browse.register(router)
    router.on_startup(reminders.schedule)
    menu.register(router)
