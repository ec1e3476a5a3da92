"""Help: the triage (who, what, emergency numbers), topics and the directory of services."""

from __future__ import annotations

from ..runtime.router import Router


def register(router: Router) -> None:
    """Register the help triage and its topics, the services directory and the emergency lines."""
    # Here, not at the top: another feature importing this one's actions or views
    # must not load its handlers (they import other features in turn).
    from . import emergency, services, triage
    triage.register(router)
    services.register(router)
    emergency.register(router)
