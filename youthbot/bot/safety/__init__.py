"""Safety: the danger-word check, the check-in after it, quick exit's hold and message tracking."""

from __future__ import annotations

from ..runtime.router import Router


def register(router: Router) -> None:
    """Register the danger-word interrupt (the first interceptor of all), tracking and the hold.

    The clear-chat guide (`clear_guide`) is registered by app.build_router(), after privacy:
    its settings button comes after privacy's."""
    # Here, not at the top: another feature importing this one's actions or views
    # must not load its handlers (they import other features in turn).
    from . import danger, hold, tracking
    danger.register(router)
    tracking.register(router)
    hold.register(router)  # quick exit's hold, lifted in every turn of the person
