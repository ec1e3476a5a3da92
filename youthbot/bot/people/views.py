"""The people feature's views other features use: the buttons back to the menu and to help."""

from __future__ import annotations

from telegram import InlineKeyboardButton

from ...i18n import pgettext
from ..help.actions import HELP_ENTRY
from ..runtime.turn import button
from .actions import MENU


def help_button() -> InlineKeyboardButton:
    """The "get help" button that every menu carries."""
    return button(pgettext("button", "🆘 Get help"), HELP_ENTRY)


def menu_button() -> InlineKeyboardButton:
    """The button back to the main menu."""
    return button(pgettext("button", "☰ Menu"), MENU())
