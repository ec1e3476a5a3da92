"""Youth-led activities: registration (a draft row per leader), review, browsing and joining.

Plain async services on a session; the caller's transaction commits. Every value that came
from a person is validated here and refused with `InvalidInput(kind, **params)`, which changes
nothing. Ownership and state are re-checked on every call: button data is never trusted.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..db.models import Activity, ActivityJoin, User
from ..i18n import N_
from . import users
from .errors import DomainError, NotAllowed, NotFound

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


# Drafts and the leader's own activities ----------------------------------------------------


async def find_draft(session: AsyncSession, *, leader_id: int) -> Activity | None:
    return await session.scalar(
        select(Activity)
        .where(Activity.leader_id == leader_id, Activity.status == Status.DRAFT)
        .order_by(Activity.id.desc())
        .limit(1)
    )


async def start_draft(
    session: AsyncSession, *, leader_id: int, country: str | None, now: datetime
) -> Activity:
    """A new, empty draft for `leader_id` (after any older draft was discarded)."""
    draft = Activity(
        leader_id=leader_id,
        status=Status.DRAFT,
        draft_step=Step.TITLE,
        country=country,
        online=False,
        created_at=now,
        updated_at=now,
    )
    session.add(draft)
    await session.flush()
    return draft


async def discard_draft(session: AsyncSession, *, activity_id: int, leader_id: int) -> None:
    draft = await get_own(session, activity_id=activity_id, leader_id=leader_id)
    if draft.status != Status.DRAFT:
        raise ActivityNotEditable(activity_id)
    await session.delete(draft)


async def get_own(
    session: AsyncSession,
    *,
    activity_id: int,
    leader_id: int,
    editable_at: datetime | None = None,
) -> Activity:
    """The leader's own activity; NotFound, NotAllowed (another's), or ActivityNotEditable
    when `editable_at` is given and it is cancelled or already started."""
    activity = await session.get(Activity, activity_id, with_for_update=True)
    if activity is None:
        raise NotFound(activity_id)
    if activity.leader_id != leader_id:
        raise NotAllowed(activity_id)
    if editable_at is not None and not is_editable(activity, editable_at):
        raise ActivityNotEditable(activity_id)
    return activity


def is_editable(activity: Activity, now: datetime) -> bool:
    if activity.status not in EDITABLE:
        return False
    return activity.status == Status.DRAFT or activity.starts_at is None or (
        activity.starts_at > now
    )


def changed(activity: Activity, *, now: datetime) -> bool:
    """Record an edit; an approved activity goes back to review. True when it did."""
    activity.updated_at = now
    if activity.status == Status.APPROVED:
        activity.status = Status.PENDING
        activity.submitted_at = now
        return True
    return False


def set_place(
    activity: Activity, *, country: str, region: str | None, online: bool
) -> None:
    activity.country, activity.region, activity.online = country, region, online
    activity.district = None


async def submit(session: AsyncSession, activity: Activity, *, now: datetime) -> None:
    """Send a draft (or a sent-back activity) for review; Incomplete names what is missing."""
    missing = next_step(activity)
    if missing is not Step.SUMMARY:
        raise Incomplete(missing)
    if activity.starts_at <= now:
        raise Incomplete(Step.WHEN)
    if activity.status not in (Status.DRAFT, Status.RETURNED):
        raise ActivityNotEditable(activity.id)
    activity.status = Status.PENDING
    activity.draft_step = None
    activity.submitted_at = activity.updated_at = now


async def list_own(session: AsyncSession, *, leader_id: int, limit: int = 20) -> list[Activity]:
    """The leader's activities (not the draft), the latest first."""
    rows = await session.scalars(
        select(Activity)
        .where(Activity.leader_id == leader_id, Activity.status != Status.DRAFT)
        .order_by(Activity.starts_at.desc(), Activity.id.desc())
        .limit(limit)
    )
    return list(rows)


async def count_joined(session: AsyncSession, *, activity_id: int) -> int:
    return await session.scalar(
        select(func.count()).select_from(ActivityJoin).where(
            ActivityJoin.activity_id == activity_id
        )
    )


async def cancel(
    session: AsyncSession, activity: Activity, *, now: datetime
) -> list[tuple[int, str]]:
    """Cancel an activity; returns (user id, language) of everyone who joined, to tell them."""
    if not is_editable(activity, now) or activity.status == Status.DRAFT:
        raise ActivityNotEditable(activity.id)
    activity.status = Status.CANCELLED
    activity.updated_at = now
    rows = await session.execute(
        select(User.id, User.language)
        .join(ActivityJoin, ActivityJoin.user_id == User.id)
        .where(ActivityJoin.activity_id == activity.id, User.blocked.is_(False))
    )
    return [(row.id, row.language) for row in rows]


# Review ------------------------------------------------------------------------------------


async def count_pending(session: AsyncSession) -> int:
    return await session.scalar(
        select(func.count()).select_from(Activity).where(Activity.status == Status.PENDING)
    )


async def next_pending(session: AsyncSession, *, after_id: int = 0) -> Activity | None:
    """The oldest pending activity after `after_id`, wrapping round to the first."""
    query = select(Activity).where(Activity.status == Status.PENDING).order_by(Activity.id)
    found = await session.scalar(query.where(Activity.id > after_id).limit(1))
    return found or await session.scalar(query.limit(1))


async def review(
    session: AsyncSession,
    *,
    activity_id: int,
    moderator_id: int,
    approve: bool,
    reason: str | None,
    now: datetime,
) -> tuple[Activity, str | None]:
    """Approve or send back a pending activity; returns it and the leader's language."""
    note = None if approve else clean_reason(reason or "")
    activity = await session.get(Activity, activity_id, with_for_update=True)
    if activity is None or activity.status != Status.PENDING:
        raise NotPending(activity_id)
    activity.status = Status.APPROVED if approve else Status.RETURNED
    activity.review_note = note
    activity.reviewed_by, activity.reviewed_at = moderator_id, now
    users.audit(
        session,
        actor_id=moderator_id,
        action="activity.approve" if approve else "activity.return",
        target=f"activity:{activity_id}",
    )
    leader = await session.get(User, activity.leader_id) if activity.leader_id else None
    return activity, (leader.language if leader and not leader.blocked else None)
