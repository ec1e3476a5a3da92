"""The buttons of activities, each declared once: its name and typed arguments.

Ids and tokens (a country, a region, a day) are checked against the database and the regions
file on arrival; the small vocabularies (a step, a kind, a pathway, yes/no) are enums, so a
value outside them never reaches a handler.
"""

from __future__ import annotations

from enum import StrEnum

from ...core.activities import Kind, Pathway, Step
from ...core.activities.reports import ReportStep
from ..runtime.callbacks import Action


class YesNo(StrEnum):
    """A yes/no answer on a button (the data keeps the old 1 and 0)."""

    YES = "1"
    NO = "0"


# The menu, browsing and joining (everyone).
MENU = Action("act.menu")
BROWSE = Action("act.browse")
JOINED = Action("act.joined")
AREAS = Action("act.areas", page=int)
AREA = Action("act.area", country=str, region=str, offset=int)
SEE = Action("act.see", activity=int)
JOIN = Action("act.join", activity=int)
LEAVE = Action("act.leave", activity=int)

# A leader's own activities.
MINE = Action("act.mine")
OPEN = Action("act.open", activity=int)
CANCEL = Action("act.cancel", activity=int)
CANCEL_CONFIRMED = Action("act.cancelyes", activity=int)
EDIT = Action("act.edit", activity=int)
SUBMIT = Action("act.submit", activity=int)

# The registration form.
NEW = Action("act.new")
RESUME = Action("act.resume", activity=int)
DISCARD = Action("act.discard", activity=int, restart=YesNo)
GO = Action("act.go", activity=int, step=Step)
STOP = Action("act.stop", activity=int)
KIND = Action("act.kind", activity=int, kind=Kind)
PATHWAY = Action("act.path", activity=int, pathway=Pathway)
DAY = Action("act.day", activity=int, day=str)
HOUR = Action("act.hour", activity=int, day=str, hour=int)
COUNTRY = Action("act.country", activity=int, country=str)
PLACES = Action("act.places", activity=int, country=str, page=int)
REGION = Action("act.region", activity=int, country=str, region=str)
ONLINE = Action("act.online", activity=int)
DISTRICT = Action("act.district", activity=int, index=int)
EXPECTED = Action("act.exp", activity=int, expected=int)
END_AFTER = Action("act.endin", activity=int, hours=int)
SAME_GROUP = Action("act.group", activity=int)

# The report after an activity.
REPORT = Action("act.rep", activity=int)
REPORT_GO = Action("act.rgo", activity=int, step=ReportStep)
REPORT_ZERO = Action("act.rzero", activity=int, step=ReportStep)
REPORT_CONSENT = Action("act.rconsent", activity=int, agreed=YesNo)
REPORT_SEND = Action("act.rsend", activity=int)
REPORT_STOP = Action("act.rstop", activity=int)
REPORT_CONFIRM = Action("act.rsure", activity=int)

# Staff review.
REVIEW_LIST = Action("act.review")
REVIEW = Action("act.rv", after=int)
REVIEW_SHOW = Action("act.rvshow", activity=int)
APPROVE = Action("act.approve", activity=int)
SEND_BACK = Action("act.sendback", activity=int)

# The coordinators' overview (admins). "-" means any; `group` is an index into the groups
# that occur (-1: any); every value is checked again on arrival.
OVERVIEW = Action("act.ov", status=str, region=str, month=str, group=int, offset=int)
OVERVIEW_PICK = Action("act.ovpick", what=str, status=str, region=str, month=str, group=int)
OVERVIEW_SEE = Action("act.ovsee", activity=int)
OVERVIEW_REPORT = Action("act.ovrep", activity=int)
OVERVIEW_UNPUBLISH = Action("act.ovunpub", activity=int)
ANY_FILTERS = ("-", "-", "-", -1)
