"""How to clear this chat yourself: the bot can delete only the last 48 hours (quick exit),
so people learn, before they need it, Telegram's own "Clear history" and "Auto-delete"."""

from __future__ import annotations

from telegram import InlineKeyboardButton

from ...i18n import _, pgettext
from ..people.views import menu_button
from ..privacy.data import quick_exit_button
from ..runtime.router import Router
from ..runtime.turn import Turn, button, keyboard
from .actions import CLEAR_GUIDE


def render_help_line() -> str:
    """The short line on the help screen."""
    return _("🧹 To clear this chat: ⚙️ Settings → 🧹 Clear this chat.")


def render_guide() -> str:
    return _(
        "🧹 How to clear this chat\n\n"
        "🚪 Quick exit deletes the last 2 days. Older messages only you can delete, in "
        "Telegram:\n"
        "1. In this chat, tap ⋮ (or the bot's name at the top).\n"
        "2. “Auto-delete messages” → 1 day: from then on, messages disappear by themselves.\n"
        "3. “Clear history” (or “Delete chat”): everything goes now.\n\n"
        "The names can change a little from one phone to another."
    )


def build_guide_button(turn: Turn) -> list[InlineKeyboardButton]:
    """The settings entry."""
    return [button(pgettext("button", "🧹 Clear this chat"), CLEAR_GUIDE())]


async def show_guide(turn: Turn) -> None:
    """The settings entry pressed: the steps, with quick exit at hand."""
    turn.edit(
        render_guide(),
        keyboard(
            quick_exit_button(),
            [button(pgettext("button", "⚙️ Settings"), "settings"), menu_button()],
        ),
    )


def register(router: Router) -> None:
    """The settings entry and its screen."""
    router.settings_items.append(build_guide_button)
    router.button(CLEAR_GUIDE)(show_guide)
