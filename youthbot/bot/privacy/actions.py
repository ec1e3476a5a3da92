"""The privacy feature's buttons, each declared once: its name (unchanged, so buttons already
on phones keep working) and its typed arguments. Other features build these buttons from
here, never from the handlers."""

from __future__ import annotations

from enum import StrEnum

from ..runtime.callbacks import Action
from ..safety.actions import QUICK_EXIT

__all__ = ["ASK_DELETE", "DELETE", "NOTIFY", "QUICK_EXIT", "Confirm", "Notice"]


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
