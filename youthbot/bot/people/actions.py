"""The buttons of first contact, the menu, settings and roles, each declared once."""

from __future__ import annotations

from enum import StrEnum

from ...core.people.roles import Role
from ...core.people.users import AgeBand
from ..runtime.callbacks import Action


class Agreement(StrEnum):
    """The answer to the privacy notice."""

    YES = "1"
    NO = "0"


MENU = Action("menu")
SETTINGS = Action("settings")
SETTINGS_LANGUAGE = Action("settings.lang")
# Languages come from the catalogs (configuration), so they are checked against it on arrival.
FIRST_LANGUAGE = Action("lang.first", language=str)
LANGUAGE = Action("lang", language=str)
CONSENT = Action("consent", agreed=Agreement)
CONSENT_AGAIN = Action("consent.again")
AGE = Action("age", band=AgeBand)
ROLE_LIST = Action("role.list")
ROLE_REVOKE = Action("role.revoke", user=int, role=Role)
