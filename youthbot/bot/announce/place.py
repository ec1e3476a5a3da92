"""A person's region, chosen in the settings: targeted announcements and polls reach them by
it, and a poll counts their answer under it. Optional; anonymous people (under 14) have none."""

from __future__ import annotations

from telegram import InlineKeyboardButton

from ...i18n import _, pgettext
from ..people.actions import SETTINGS
from ..runtime.turn import Turn, button, keyboard
from .actions import PLACE, Where
from .views import place_label


def build_place_button(turn: Turn) -> list[InlineKeyboardButton]:
    """"📍 My region: Puno (Perú)" in the settings; none for anonymous people."""
    if turn.anonymous:
        return []
    user = turn.user
    if user.country and user.region:
        where = place_label(turn.deps, f"{user.country}:{user.region}")
    else:
        where = _("not chosen")
    label = pgettext("button", "📍 My region: {place}").format(place=where)
    return [button(label, PLACE(Where.COUNTRY, "-"))]


async def choose_place(turn: Turn, where: Where, value: str) -> None:
    """Countries first, then the regions of the one chosen; saved when a region is chosen
    (or cleared with "I prefer not to say")."""
    if turn.anonymous:
        turn.stale()
        return
    countries = {c.id: c for c in turn.deps.content.countries}
    back = button(pgettext("button", "⬅️ Back"), SETTINGS())
    if where is Where.NONE:
        turn.user.country = turn.user.region = None
        turn.answer(_("Saved."))
        turn.edit(_("Your region is not saved. You get news meant for everyone."),
                  keyboard(back))
        return
    if where is Where.COUNTRY and value == "-":
        rows = [[button(c.name_in(turn.language), PLACE(Where.COUNTRY, c.id))]
                for c in countries.values()]
        rows.append([button(pgettext("button", "I prefer not to say"), PLACE(Where.NONE, "-"))])
        rows.append([back])
        turn.edit(_("Where do you live? We use it only to send you news and polls about your "
                    "area."), keyboard(*rows))
        return
    country_id, _sep, region_id = value.partition(":")
    country = countries.get(country_id)
    if country is None or (where is Where.REGION and country.region(region_id) is None):
        turn.stale()
        return
    if where is Where.COUNTRY:
        rows = [[button(r.name_in(turn.language), PLACE(Where.REGION, f"{country.id}:{r.id}"))]
                for r in country.regions]
        rows.append([button(pgettext("button", "⬅️ Back"), PLACE(Where.COUNTRY, "-"))])
        turn.edit(_("Which region?"), keyboard(*rows))
        return
    turn.user.country, turn.user.region = country.id, region_id
    turn.answer(_("Saved."))
    turn.edit(
        _("Saved: {place}. You can change it in ⚙️ Settings.").format(
            place=place_label(turn.deps, value)
        ),
        keyboard(back),
    )
