"""What the help screens share: the buttons others add to them, back, "talk to a person", the
choices that travel in the buttons (for whom, a place not said) and the country keyboard.

Others may add buttons to every help screen: `deps.extras[HELP_SCREEN_BUTTONS]` is a list of
`fn(turn) -> list[InlineKeyboardButton]` (a quick-exit button, say), added at start-up.
"""

from __future__ import annotations

from collections.abc import Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from ...db.models import Case
from ...i18n import _, pgettext
from ..cases.actions import TALK, TALK_DANGER
from ..runtime.callbacks import Packed
from ..runtime.turn import Turn, button, keyboard
from .actions import Whom, YesNo

HELP_SCREEN_BUTTONS = "help_screen_buttons"
NOT_SAID = "-"


def screen_buttons(turn: Turn) -> list[InlineKeyboardButton]:
    """Buttons other features put on every help screen (e.g. quick exit)."""
    return [b for make in turn.deps.extras.get(HELP_SCREEN_BUTTONS, ()) for b in make(turn)]


def back_button(action: str | Packed, *args) -> InlineKeyboardButton:
    """⬅️ Back to the screen of `action` (declared data, or a menu's action name)."""
    return button(pgettext("button", "⬅️ Back"), action, *args)


def person_button(topic: int, whom: Whom, country: str, region: str, urgent: YesNo):
    label = pgettext("button", "💬 Talk to a person")
    return button(label, TALK(topic, whom, country, region, urgent))


def danger_person_button(category: str, country: str):
    """💬 Talk to a person, offered after danger words: the case keeps what was detected."""
    return button(pgettext("button", "💬 Talk to a person"), TALK_DANGER(category, country))


def render_open_case(case: Case) -> str:
    """Where a "talk to a person" offer would be, for someone already talking to the team."""
    return _(
        "Your conversation with our team ({number}) is open: write here and they will read it."
    ).format(number=case.number)


def country(turn: Turn, code: str | None):
    """The country with this id in regions.yaml, or None."""
    return next((c for c in turn.deps.content.countries if c.id == code), None)


def known(value: str) -> str | None:
    """The value a button carries, or None when the person preferred not to say."""
    return None if value == NOT_SAID else value


def build_country_keyboard(turn: Turn, choose: Callable[[str], Packed]) -> InlineKeyboardMarkup:
    """The countries of regions.yaml and "I prefer not to say"; `choose(code)` is the data of
    each button (an Action with the country last)."""
    lang = turn.language
    countries = [button(c.name_in(lang), choose(c.id)) for c in turn.deps.content.countries]
    return keyboard(
        *(countries[i : i + 2] for i in range(0, len(countries), 2)),
        button(pgettext("button", "I prefer not to say"), choose(NOT_SAID)),
    )
