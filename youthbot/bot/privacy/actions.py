"""The privacy feature's buttons, each declared once: its name (unchanged, so buttons already
on phones keep working) and its typed arguments. Other features build these buttons from
here, never from the handlers."""

from __future__ import annotations

from enum import StrEnum

from ...core.people.users import AgeBand
from ..runtime.callbacks import Action
from ..safety.actions import QUICK_EXIT

__all__ = [
    "AGE_BAND",
    "ASK_AGE",
    "ASK_DELETE",
    "ASK_REGION",
    "ASK_WITHDRAW",
    "DELETE",
    "MY_DATA",
    "NOTICE",
    "NOTIFY",
    "PRIVACY",
    "QUICK_EXIT",
    "REGION",
    "WITHDRAW",
    "Confirm",
    "Notice",
]


class Confirm(StrEnum):
    """The answer to "delete everything?" (the values of the buttons already sent)."""

    YES = "1"
    NO = "0"


class Notice(StrEnum):
    """What a person may turn on or off in the settings."""

    ANNOUNCEMENTS = "ann"
    REMINDERS = "rem"


ASK_DELETE = Action("privacy.ask")  # 🗑 Delete my data (in the settings)
DELETE = Action("privacy.delete", answer=Confirm)  # yes, delete everything / no, keep it
NOTIFY = Action("privacy.notify", notice=Notice)  # announcements or reminders: on/off
PRIVACY = Action("privacy.menu")  # 🔒 Privacy (in the settings): notice, agreement, age, region
NOTICE = Action("privacy.notice")  # 📄 the complete privacy notice
MY_DATA = Action("privacy.mine")  # 📋 everything kept about me
ASK_AGE = Action("privacy.age")  # change my age group: the groups
AGE_BAND = Action("privacy.setage", band=AgeBand)  # the new age group
# A country and region from the configured list (checked against it on arrival); "-" clears.
ASK_REGION = Action("privacy.region")
REGION = Action("privacy.setregion", country=str, region=str)
ASK_WITHDRAW = Action("privacy.askwd")  # withdraw my agreement: are you sure?
WITHDRAW = Action("privacy.withdraw", answer=Confirm)
