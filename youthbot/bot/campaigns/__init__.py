"""Campaigns: links and QR codes that open the bot at the right place, counted anonymously."""

from __future__ import annotations

from ..runtime.router import Router


def register(router: Router) -> None:
    """Register campaign links (a /start payload), the admin's commands and the poster button."""
    from . import links

    links.register(router)
