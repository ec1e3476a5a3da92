"""The help feature's buttons, each declared once: its name (unchanged, so buttons already on
phones keep working) and its typed arguments; the small vocabularies that travel in them are
StrEnums, parsed at the edge. Other features build these buttons from here, never from the
handlers ("talk to a person", which opens a case, is declared with the cases:
bot/cases/actions.py TALK)."""

from __future__ import annotations

from enum import StrEnum

from ..runtime.callbacks import Action

# The entry to help, on every menu (a bare name: it takes no arguments).
HELP_ENTRY = "help"


class Whom(StrEnum):
    """For whom the person asks."""

    ME = "me"
    FRIEND = "friend"


class YesNo(StrEnum):
    """A yes/no answer (the values of the buttons already sent)."""

    YES = "1"
    NO = "0"


class Change(StrEnum):
    """What an admin does to a service from its screen."""

    SUSPEND = "suspend"
    ACTIVATE = "activate"


# Triage: in danger? what about? for whom? where?
DANGER = Action("help.danger", answer=YesNo)
TOPIC = Action("help.topic", topic=int)  # an index of core/help/directory.TOPICS
WHOM = Action("help.whom", topic=int, whom=Whom)
WHERE = Action("help.where", topic=int, whom=Whom, country=str)
REGIONS_PAGE = Action("help.regions", topic=int, whom=Whom, country=str, page=int)
REGION = Action("help.region", topic=int, whom=Whom, country=str, region=str)
DONE = Action("help.done")  # ✅ That's all
# Another country's emergency numbers
EMERGENCY_COUNTRIES = Action("help.ecountries")
EMERGENCY_OFFER = Action("help.eoffer")  # back to the offer of a person
EMERGENCY_COUNTRY = Action("help.ecountry", country=str)
# Admins keep the directory right
SERVICES = Action("svc.list")
SERVICE = Action("svc.see", service=str)
SERVICE_CHANGE = Action("svc.set", service=str, change=Change)
