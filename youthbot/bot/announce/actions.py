"""The buttons of announcements, each declared once: its name and typed arguments."""

from __future__ import annotations

from enum import StrEnum

from ..runtime.callbacks import Action


class Kind(StrEnum):
    """What an audience button chooses (core/announce/audience.py)."""

    COUNTRY = "country"
    REGION = "region"
    AGE = "age"
    LANGUAGE = "lang"


class Where(StrEnum):
    """Which place a person picks in the settings: a country, then one of its regions."""

    COUNTRY = "c"
    REGION = "r"
    NONE = "n"


SKIP = Action("ann.skip")
SEND = Action("ann.send", announcement=int)
CANCEL = Action("ann.cancel", announcement=int)
STOP = Action("ann.stop", announcement=int)
AUDIENCE = Action("ann.aud", announcement=int, kind=Kind, value=str)
SCHEDULE = Action("ann.when", announcement=int)
# A person's own place (settings): which announcements and polls reach them.
PLACE = Action("ann.place", where=Where, value=str)


class Step(StrEnum):
    """The steps of the announcement form."""

    TEXT = "text"
    WHEN = "when"
