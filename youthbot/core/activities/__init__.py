"""Youth-led activities: their kinds, pathways, statuses and registration steps, and errors.

Every value that came from a person is validated here and refused with
`InvalidInput(kind, **params)`, which changes nothing. What leaders do with their own
activities is in activity_leaders, the review in activity_reviews, browsing and joining in
activity_joins, reports in activity_reports.
"""

from __future__ import annotations

import re
from enum import StrEnum

from ...db.models import Activity
from ...i18n import N_
from ..errors import DomainError

TITLE_MIN, TITLE_MAX = 3, 80
DISTRICT_MAX = 60
EXPECTED_MAX = 5000
REASON_MIN, REASON_MAX = 3, 300


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
    """The registration steps, in order; HOUR and COUNTRY are sub-steps of WHEN and PLACE."""

    TITLE = "title"
    KIND = "kind"
    PATHWAY = "pathway"
    WHEN = "when"
    HOUR = "hour"
    PLACE = "place"
    COUNTRY = "country"
    DISTRICT = "district"
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
STATUS_LABELS = {
    Status.DRAFT: N_("draft"),
    Status.PENDING: N_("waiting for review"),
    Status.RETURNED: N_("sent back for changes"),
    Status.APPROVED: N_("approved"),
    Status.CANCELLED: N_("cancelled"),
    Status.UNPUBLISHED: N_("unpublished"),
}
# The order a fresh draft walks through; `next_step` skips what is already filled.
ORDER = (Step.TITLE, Step.KIND, Step.PATHWAY, Step.WHEN, Step.PLACE, Step.EXPECTED)
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


def clean_title(text: str) -> str:
    title = _one_line(text)
    if len(title) < TITLE_MIN:
        raise InvalidInput("title_short", minimum=TITLE_MIN)
    if len(title) > TITLE_MAX:
        raise InvalidInput("title_long", maximum=TITLE_MAX, length=len(title))
    return title


def clean_district(text: str) -> str:
    district = _one_line(text)
    if len(district) < 2:
        raise InvalidInput("district_short")
    if len(district) > DISTRICT_MAX:
        raise InvalidInput("district_long", maximum=DISTRICT_MAX, length=len(district))
    return district


def parse_whole_number(text: str, *, minimum: int, maximum: int, kind: str) -> int:
    """A whole number in [minimum, maximum], else InvalidInput(`kind`_…)."""
    value = (text or "").strip()
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


def clean_reason(text: str) -> str:
    reason = (text or "").strip()
    if len(reason) < REASON_MIN:
        raise InvalidInput("reason_short", minimum=REASON_MIN)
    if len(reason) > REASON_MAX:
        raise InvalidInput("reason_long", maximum=REASON_MAX, length=len(reason))
    return reason


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
    if step is Step.PLACE:
        return activity.online or activity.region is not None
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
