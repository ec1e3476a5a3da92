"""The steps of the activity forms while they wait for typed text (a person's state: flow
"activity", one of these steps). The registration's steps are core's `Step`; the report's and
the review's are here, with the values already kept in people's states."""

from __future__ import annotations

from enum import StrEnum

from ...core.activities.reports import ReportStep


class ReportFormStep(StrEnum):
    """The report form waiting at one of its steps (`ReportStep`, same names)."""

    UNDER12 = "report.under12"
    AGE12_17 = "report.age12_17"
    AGE18_25 = "report.age18_25"
    ADULTS = "report.adults"
    DESCRIPTION = "report.description"
    PHOTO = "report.photo"
    CONSENT = "report.consent"
    SUMMARY = "report.summary"
    NOT_HELD = "report.not_held"

    @classmethod
    def at(cls, step: ReportStep) -> ReportFormStep:
        return cls[step.name]

    @property
    def report_step(self) -> ReportStep:
        return ReportStep[self.name]


class ReviewFormStep(StrEnum):
    """A moderator writing why an activity goes back to its leader."""

    REASON = "review.reason"
