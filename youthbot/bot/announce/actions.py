"""The buttons of announcements, each declared once: its name and typed arguments."""

from __future__ import annotations

from enum import StrEnum

from ..runtime.callbacks import Action

SKIP = Action("ann.skip")
SEND = Action("ann.send", announcement=int)
CANCEL = Action("ann.cancel", announcement=int)
STOP = Action("ann.stop", announcement=int)


class Step(StrEnum):
    """The steps of the announcement form."""

    TEXT = "text"
