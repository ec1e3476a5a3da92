"""Reports after an activity: participants by age band and gender, a description, an optional
photo kept as its Telegram file id only (with everyone's agreement), and the leader's reminder.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ...db.models import Activity, ActivityReport
from ...i18n import N_
from ..errors import DomainError
from . import REASON_MAX, REASON_MIN, InvalidInput, Status, within, without_thousands
from .joins import Reminder, load_reminders

COUNT_MAX = 5000
DESCRIPTION_MIN, DESCRIPTION_MAX = 10, 500
AGE_BANDS = ("under12", "age12_17", "age18_25", "adults")
GENDERS = ("female", "male", "other")
COUNT_COLUMNS = tuple(f"{band}_{gender}" for band in AGE_BANDS for gender in GENDERS)
BAND_LABELS = {
    "under12": N_("under 12"),
    "age12_17": N_("12 to 17"),
    "age18_25": N_("18 to 25"),
    "adults": N_("adults (over 25)"),
}


def capitalized(label: str) -> str:
    """A label that starts a line or a column, with a capital like the others ("Menos de 12")."""
    return label[:1].upper() + label[1:]


GENDER_LABELS = {
    "female": N_("girls/women"),
    "male": N_("boys/men"),
    "other": N_("other or not said"),
}
REPORTABLE = (Status.PENDING, Status.RETURNED, Status.APPROVED)
REPORT_REMINDER_AFTER = timedelta(days=1)
# Activities older than this when the reminder job first sees them are not chased.
REPORT_REMINDER_UNTIL = timedelta(days=8)


class ReportStep(StrEnum):
    UNDER12 = "under12"
    AGE12_17 = "age12_17"
    AGE18_25 = "age18_25"
    ADULTS = "adults"
    DESCRIPTION = "description"
    PHOTO = "photo"
    CONSENT = "consent"
    SUMMARY = "summary"
    NOT_HELD = "not_held"  # the reason, instead of everything else


REPORT_ORDER = tuple(step for step in ReportStep if step is not ReportStep.NOT_HELD)
# A total this many times the expected number (and at least SURPRISE_MARGIN more) is asked
# about before the report is sent: "Did 89 people take part? You expected 30."
SURPRISE_FACTOR, SURPRISE_MARGIN = 2, 10


class NotReportable(DomainError):
    """Not started yet, cancelled, or already reported."""


def parse_counts(text: str) -> tuple[int, int, int]:
    """Three whole numbers 0–5000 (girls/women, boys/men, other), as typed: `5 3 0`."""
    parts = [p for p in re.split(r"[\s,;]+", (text or "").strip()) if p]
    if len(parts) != 3:
        raise InvalidInput("counts_three", given=len(parts))
    counts = []
    for part in parts:
        part = without_thousands(part)  # 1.000 (commas and spaces separate the three numbers)
        if re.fullmatch(r"-\d+", part):
            raise InvalidInput("counts_range", maximum=COUNT_MAX)
        if re.fullmatch(r"\d+[.]\d+", part):
            raise InvalidInput("counts_whole")
        if not (part.isdigit() and part.isascii()):
            raise InvalidInput("counts_number")
        if int(part) > COUNT_MAX:
            raise InvalidInput("counts_range", maximum=COUNT_MAX)
        counts.append(int(part))
    return counts[0], counts[1], counts[2]


def clean_description(text: str) -> str:
    return within((text or "").strip(), "description", DESCRIPTION_MIN, DESCRIPTION_MAX)


def can_report(activity: Activity, now: datetime) -> bool:
    return activity.status in REPORTABLE and activity.starts_at is not None and (
        activity.starts_at <= now
    )


async def get_report(session: AsyncSession, *, activity_id: int) -> ActivityReport | None:
    return await session.get(ActivityReport, activity_id)


async def start_report(
    session: AsyncSession, activity: Activity, *, reporter_id: int, now: datetime
) -> ActivityReport:
    """The report in progress for `activity` (created at the first step), unless it was sent."""
    if not can_report(activity, now):
        raise NotReportable(activity.id)
    report = await session.get(ActivityReport, activity.id, with_for_update=True)
    if report is not None and report.submitted_at is not None:
        raise NotReportable(activity.id)
    if report is None:
        report = ActivityReport(
            activity_id=activity.id,
            reporter_id=reporter_id,
            step=ReportStep.UNDER12,
            photo_consent=False,
            updated_at=now,
        )
        session.add(report)
        await session.flush()
    return report


def band_counts(report: ActivityReport, band: str) -> tuple[int | None, ...]:
    return tuple(getattr(report, f"{band}_{gender}") for gender in GENDERS)


def set_band(report: ActivityReport, band: str, counts: tuple[int, int, int]) -> None:
    """Store one age band's counts; after the last band, somebody must have taken part
    (InvalidInput("counts_total"), and nothing is stored)."""
    if band == AGE_BANDS[-1]:
        others = sum(getattr(report, c) or 0 for c in COUNT_COLUMNS if not c.startswith(band))
        if others + sum(counts) == 0:
            raise InvalidInput("counts_total")
    for gender, count in zip(GENDERS, counts, strict=True):
        setattr(report, f"{band}_{gender}", count)


def total(report: ActivityReport) -> int:
    return sum(getattr(report, column) or 0 for column in COUNT_COLUMNS)


def previous_report_step(step: ReportStep) -> ReportStep | None:
    if step is ReportStep.NOT_HELD:
        return ReportStep.UNDER12
    if step is ReportStep.SUMMARY:
        return ReportStep.PHOTO
    index = REPORT_ORDER.index(step)
    return REPORT_ORDER[index - 1] if index > 0 else None


def keep_photo(report: ActivityReport, file_id: str) -> None:
    """Hold the photo until the leader confirms that everyone in it agreed."""
    report.photo_file_id = file_id[:200]
    report.photo_consent = False


def confirm_photo(report: ActivityReport, *, agreed: bool) -> None:
    """Keep the photo only with everyone's agreement; otherwise forget its file id."""
    report.photo_consent = agreed
    if not agreed:
        report.photo_file_id = None


def submit_report(report: ActivityReport, *, now: datetime) -> None:
    if any(getattr(report, column) is None for column in COUNT_COLUMNS):
        raise InvalidInput("counts_missing")
    if total(report) == 0:
        raise InvalidInput("counts_total")
    if not report.description:
        raise InvalidInput("description_short", minimum=DESCRIPTION_MIN)
    if report.photo_file_id and not report.photo_consent:
        report.photo_file_id = None
    report.submitted_at = report.updated_at = now
    report.step = None


def is_surprising(report: ActivityReport, expected: int | None) -> bool:
    """Far more people than the leader expected: worth a question before sending."""
    if not expected:
        return False
    count = total(report)
    return count >= expected * SURPRISE_FACTOR and count - expected >= SURPRISE_MARGIN


def report_not_held(report: ActivityReport, *, reason: str, now: datetime) -> None:
    """Send the report of an activity that did not take place: nobody, and why."""
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN:
        raise InvalidInput("not_held_short", minimum=REASON_MIN)
    if len(reason) > REASON_MAX:
        raise InvalidInput("not_held_long", maximum=REASON_MAX, length=len(reason))
    report.not_held_reason = reason
    report.not_held = True
    for column in COUNT_COLUMNS:
        setattr(report, column, 0)
    report.description = None
    report.photo_file_id, report.photo_consent = None, False
    report.submitted_at = report.updated_at = now
    report.step = None


async def claim_report_reminders(session: AsyncSession, *, now: datetime) -> list[Reminder]:
    """Mark as reminded, and return, leaders whose activity was a day ago with no report."""
    reported = select(ActivityReport.activity_id).where(ActivityReport.submitted_at.is_not(None))
    claimed = (
        await session.execute(
            update(Activity)
            .where(
                Activity.status.in_(list(REPORTABLE)),
                Activity.starts_at <= now - REPORT_REMINDER_AFTER,
                Activity.starts_at > now - REPORT_REMINDER_UNTIL,
                Activity.report_reminded_at.is_(None),
                Activity.leader_id.is_not(None),
                Activity.id.not_in(reported),
            )
            .values(report_reminded_at=now)
            .returning(Activity.id, Activity.leader_id)
            .execution_options(synchronize_session=False)
        )
    ).all()
    return await load_reminders(session, [(a, leader) for a, leader in claimed])
