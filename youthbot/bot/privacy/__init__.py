"""Privacy: a person's data (see, delete), quick exit, notices and retention."""

from __future__ import annotations

from ..runtime.router import Router


def register(router: Router) -> None:
    """Register deleting one's data, quick exit and the settings items they add."""
    # Here, not at the top: another feature importing this one's actions or views
    # must not load its handlers (they import other features in turn).
    from . import data, rights
    rights.register(router)
    data.register(router)
