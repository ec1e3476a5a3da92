"""Menu entries whose features have not landed yet answer honestly instead of failing."""

from __future__ import annotations

from ..i18n import _
from .menu import ACTIVITIES_ENTRY, HELP_ENTRY, QUIZ_ENTRY, help_button, menu_button
from .runtime import ANY, Router, Turn, keyboard


def register(router: Router) -> None:
    @router.button(QUIZ_ENTRY)
    @router.button(ACTIVITIES_ENTRY)
    async def not_yet(turn: Turn) -> None:
        """A feature that is still being built: say so, keep the way to help open."""
        turn.edit(
            _("This part of the bot is not ready yet. Please come back soon!"),
            keyboard([menu_button(), help_button()]),
        )

    @router.button(HELP_ENTRY)
    @router.command("help", "ayuda", chats=ANY)
    async def get_help(turn: Turn) -> None:
        """Emergency numbers first, always."""
        turn.reply(
            _(
                "If you are in danger right now, call 105 (police) or Línea 100 (free, "
                "24 hours, every day) in Peru."
            ),
            keyboard(menu_button()),
        )
