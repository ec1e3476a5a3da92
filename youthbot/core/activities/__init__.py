"""Youth-led activities: their kinds, pathways, statuses and registration steps, and errors.

Every value that came from a person is validated here and refused with
`InvalidInput(kind, **params)`, which changes nothing. What leaders do with their own
activities is in activity_leaders, the review in activity_reviews, browsing and joining in
activity_joins, reports in activity_reports.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from ...db.models import Activity
from ...i18n import N_
from ..errors import DomainError

TITLE_MIN, TITLE_MAX = 3, 80
DISTRICT_MAX = 60
EXPECTED_MAX = 5000
REASON_MIN, REASON_MAX = 3, 300
VENUE_MIN, VENUE_MAX = 3, 120
LINK_MAX = 300
ABOUT_MIN, ABOUT_MAX = 10, 300
GROUP_MIN, GROUP_MAX = 2, 80
LONGEST = timedelta(days=3)  # an end later than this after the start is a typo


class Kind(StrEnum):
    WORKSHOP = "workshop"
    CAMPAIGN = "campaign"
    SCHOOL_TALK = "school_talk"
    DIALOGUE = "dialogue"
    ART_MEDIA = "art_media"
    COMMUNITY_MEETING = "community"
    OTHER = "other"


class Pathway(StrEnum):
    """The four Down to Zero outcomes an activity serves."""

    CHILDREN = "children"
    COMMUNITY = "community"
    GOVERNMENT = "government"
    PRIVATE_SECTOR = "private"


class Status(StrEnum):
    DRAFT = "draft"
    PENDING = "pending"
    RETURNED = "returned"
    APPROVED = "approved"
    CANCELLED = "cancelled"
    UNPUBLISHED = "unpublished"  # taken down by an admin after approval, with a reason


class Step(StrEnum):
    """The registration steps, in order; HOUR and COUNTRY are sub-steps of WHEN and PLACE.
    VENUE is the meeting point, or the link of an online activity."""

    TITLE = "title"
    KIND = "kind"
    PATHWAY = "pathway"
    WHEN = "when"
    HOUR = "hour"
    END = "end"
    PLACE = "place"
    COUNTRY = "country"
    DISTRICT = "district"
    VENUE = "venue"
    DESCRIPTION = "description"
    GROUP = "group"
    EXPECTED = "expected"
    SUMMARY = "summary"


KIND_LABELS = {
    Kind.WORKSHOP: N_("Workshop"),
    Kind.CAMPAIGN: N_("Campaign"),
    Kind.SCHOOL_TALK: N_("School talk"),
    Kind.DIALOGUE: N_("Dialogue with authorities"),
    Kind.ART_MEDIA: N_("Art or media"),
    Kind.COMMUNITY_MEETING: N_("Community meeting"),
    Kind.OTHER: N_("Other"),
}
PATHWAY_LABELS = {
    Pathway.CHILDREN: N_("Children and adolescents"),
    Pathway.COMMUNITY: N_("Community"),
    Pathway.GOVERNMENT: N_("Government"),
    Pathway.PRIVATE_SECTOR: N_("Private sector"),
}
# The pathway in the words young people use (the labels above are the programme's words, for
# leaders' buttons, staff and exports).
PATHWAY_YOUTH_LABELS = {
    Pathway.CHILDREN: N_("young people speaking out"),
    Pathway.COMMUNITY: N_("families and neighbours protecting children"),
    Pathway.GOVERNMENT: N_("getting the authorities to act"),
    Pathway.PRIVATE_SECTOR: N_("businesses protecting children"),
}
STATUS_LABELS = {
    Status.DRAFT: N_("draft"),
    Status.PENDING: N_("waiting for review"),
    Status.RETURNED: N_("sent back for changes"),
    Status.APPROVED: N_("approved"),
    Status.CANCELLED: N_("cancelled"),
    Status.UNPUBLISHED: N_("unpublished"),
}
# The order a fresh draft walks through; `next_step` skips what is already filled.
ORDER = (
    Step.TITLE, Step.KIND, Step.PATHWAY, Step.WHEN, Step.END, Step.PLACE, Step.VENUE,
    Step.DESCRIPTION, Step.GROUP, Step.EXPECTED,
)  # fmt: skip
# What young people never see: changing only these keeps an approved activity published.
UNSEEN = (Step.EXPECTED,)
EDITABLE = (Status.DRAFT, Status.PENDING, Status.RETURNED, Status.APPROVED)


class InvalidInput(DomainError):
    """A typed value that cannot be used; `kind` and `params` make the message."""

    def __init__(self, kind: str, **params: int | str) -> None:
        super().__init__(kind)
        self.kind = kind
        self.params = params


class ActivityNotEditable(DomainError):
    """The activity is cancelled, or has already started, so it cannot change."""


class NotPending(DomainError):
    """Someone else reviewed it first, or the leader withdrew it."""


class NotADraft(DomainError):
    """Only a draft can be thrown away: this one was already sent for review."""


class Incomplete(DomainError):
    """A draft sent for review with a step still empty (or its date now in the past)."""

    def __init__(self, step: Step) -> None:
        super().__init__(step)
        self.step = step


# Validation of typed values ----------------------------------------------------------------


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def within(value: str, kind: str, minimum: int, maximum: int) -> str:
    """`value` when its length is from `minimum` to `maximum`, else InvalidInput(`kind`_short
    or `kind`_long)."""
    if len(value) < minimum:
        raise InvalidInput(f"{kind}_short", minimum=minimum)
    if len(value) > maximum:
        raise InvalidInput(f"{kind}_long", maximum=maximum, length=len(value))
    return value


def clean_title(text: str) -> str:
    return within(_one_line(text), "title", TITLE_MIN, TITLE_MAX)


def clean_district(text: str) -> str:
    return within(_one_line(text), "district", 2, DISTRICT_MAX)


# 1.000, 1,000, 1 000 (a space, a no-break or a thin space): how people write thousands.
THOUSANDS = re.compile(r"\d{1,3}(?:([.,\s\u00a0\u202f])\d{3})(?:\1\d{3})*")


def without_thousands(value: str) -> str:
    """`1.000` → `1000`; anything else unchanged (so `1.5` stays a decimal)."""
    if THOUSANDS.fullmatch(value):
        return re.sub(r"[.,\s\u00a0\u202f]", "", value)
    return value


def parse_whole_number(text: str, *, minimum: int, maximum: int, kind: str) -> int:
    """A whole number in [minimum, maximum], else InvalidInput(`kind`_…); thousands may be
    separated (1.000, 1,000, 1 000)."""
    value = without_thousands((text or "").strip())
    if re.fullmatch(r"-\s*\d+", value):
        raise InvalidInput(f"{kind}_range", minimum=minimum, maximum=maximum)
    if re.fullmatch(r"\d+[.,]\d+", value):
        raise InvalidInput(f"{kind}_whole", minimum=minimum, maximum=maximum)
    if not value.isdigit() or not value.isascii():
        raise InvalidInput(f"{kind}_number", minimum=minimum, maximum=maximum)
    number = int(value)
    if not minimum <= number <= maximum:
        raise InvalidInput(f"{kind}_range", minimum=minimum, maximum=maximum)
    return number


def parse_expected(text: str) -> int:
    return parse_whole_number(text, minimum=1, maximum=EXPECTED_MAX, kind="expected")


def clean_venue(text: str) -> str:
    return within(_one_line(text), "venue", VENUE_MIN, VENUE_MAX)


def clean_link(text: str) -> str:
    """An https link with a real host name, nothing else around it."""
    link = (text or "").strip()
    if len(link) > LINK_MAX:
        raise InvalidInput("link_long", maximum=LINK_MAX, length=len(link))
    try:
        parts = urlsplit(link)
    except ValueError:
        raise InvalidInput("link_invalid") from None
    host = parts.hostname or ""
    if parts.scheme.lower() != "https" or re.search(r"\s", link) or "." not in host or (
        not re.fullmatch(r"[a-z0-9.-]+", host) or host.startswith(".") or host.endswith(".")
    ):
        raise InvalidInput("link_invalid")
    return link


def clean_about(text: str) -> str:
    return within((text or "").strip(), "about", ABOUT_MIN, ABOUT_MAX)


def clean_group(text: str) -> str:
    return within(_one_line(text), "group", GROUP_MIN, GROUP_MAX)


def check_end(activity: Activity, ends_at: datetime) -> datetime:
    """The end must come after the start, within three days."""
    if activity.starts_at is not None and ends_at <= activity.starts_at:
        raise InvalidInput("end_before")
    if activity.starts_at is not None and ends_at - activity.starts_at > LONGEST:
        raise InvalidInput("end_far")
    return ends_at


def move_start(activity: Activity, starts_at: datetime) -> None:
    """A new start; the end moves with it, keeping how long the activity lasts."""
    if activity.starts_at is not None and activity.ends_at is not None:
        activity.ends_at = starts_at + (activity.ends_at - activity.starts_at)
    activity.starts_at = starts_at


def clean_reason(text: str) -> str:
    return within((text or "").strip(), "reason", REASON_MIN, REASON_MAX)


# Steps ----------------------------------------------------------------------------------------


def is_filled(activity: Activity, step: Step) -> bool:
    if step is Step.TITLE:
        return activity.title is not None
    if step is Step.KIND:
        return activity.kind is not None
    if step is Step.PATHWAY:
        return activity.pathway is not None
    if step is Step.WHEN:
        return activity.starts_at is not None
    if step is Step.END:
        return activity.ends_at is not None
    if step is Step.PLACE:
        return activity.online or activity.region is not None
    if step is Step.VENUE:
        return (activity.online_link if activity.online else activity.venue) is not None
    if step is Step.DESCRIPTION:
        return activity.description is not None
    if step is Step.GROUP:
        return activity.group_name is not None
    if step is Step.EXPECTED:
        return activity.expected is not None
    return True


def next_step(activity: Activity) -> Step:
    """The first empty step of a draft, or the summary when everything is filled."""
    return next((step for step in ORDER if not is_filled(activity, step)), Step.SUMMARY)


def previous_step(step: Step) -> Step | None:
    """Where "back" goes from `step` in a draft (None: out of the registration)."""
    parent = {Step.HOUR: Step.WHEN, Step.COUNTRY: Step.PLACE, Step.DISTRICT: Step.PLACE}
    if step in parent:
        return parent[step]
    if step is Step.SUMMARY:
        return Step.EXPECTED
    index = ORDER.index(step) if step in ORDER else 0
    return ORDER[index - 1] if index > 0 else None
