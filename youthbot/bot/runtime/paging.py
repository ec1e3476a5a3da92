"""Long lists of buttons (Peru's 26 regions) a page at a time, so that the buttons under them
(Back, Cancel, Quick exit) stay on a phone's screen instead of thirty buttons down."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton

from ...i18n import pgettext
from .turn import button

REGIONS_PER_PAGE = 10


def page_count(total: int, size: int = REGIONS_PER_PAGE) -> int:
    return max(1, -(-total // size))


def is_page(total: int, page: int, size: int = REGIONS_PER_PAGE) -> bool:
    """Whether `page` (from a button's data) is one of the pages of `total` items."""
    return 0 <= page < page_count(total, size)


def paged_rows(
    buttons: Sequence[InlineKeyboardButton],
    page: int,
    *,
    per_row: int,
    turn_page: tuple,
    size: int = REGIONS_PER_PAGE,
) -> list[list[InlineKeyboardButton]]:
    """Page `page` of `buttons`, `per_row` a row, then "◀️" and "▶️" when there are more
    pages. `turn_page` is the action and its arguments; the page number is added last."""
    pages = page_count(len(buttons), size)
    page = min(max(page, 0), pages - 1)
    shown = buttons[page * size : (page + 1) * size]
    rows = [list(shown[i : i + per_row]) for i in range(0, len(shown), per_row)]
    if pages > 1:
        nav = []
        if page > 0:
            nav.append(button(pgettext("button", "◀️ Previous"), *turn_page, page - 1))
        if page + 1 < pages:
            nav.append(button(pgettext("button", "More ▶️"), *turn_page, page + 1))
        rows.append(nav)
    return rows
