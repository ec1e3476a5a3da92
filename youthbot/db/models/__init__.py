"""All tables. Each feature keeps its tables in its own module, imported here explicitly."""

from .activities import Activity, ActivityJoin, ActivityReport, ActivityReviewSnapshot
from .announce import Announcement, AnnouncementDelivery
from .base import Base
from .case_figures import CaseFigure
from .cases import Case, CaseMessage, CaseStaffPost, OpenCase, ServiceOverride
from .help import ServiceAlert, ServiceReview
from .hold import HeldMessage
from .people import (
    AuditEntry,
    ChatState,
    InviteCode,
    PersonRole,
    ProcessedUpdate,
    StaffHandle,
    User,
)
from .quiz import (
    QuizAnswer,
    QuizAttempt,
    QuizBadge,
    QuizGroupPlayer,
    QuizGroupPoll,
    QuizGroupRun,
    QuizPeopleStat,
    QuizQuestionStat,
)
from .safety import DangerNotice, TrackedMessage

__all__ = [
    "Activity",
    "ActivityJoin",
    "ActivityReport",
    "ActivityReviewSnapshot",
    "Announcement",
    "AnnouncementDelivery",
    "AuditEntry",
    "Base",
    "Case",
    "CaseFigure",
    "CaseMessage",
    "CaseStaffPost",
    "ChatState",
    "DangerNotice",
    "HeldMessage",
    "InviteCode",
    "OpenCase",
    "PersonRole",
    "ProcessedUpdate",
    "QuizAnswer",
    "QuizAttempt",
    "QuizBadge",
    "QuizGroupPlayer",
    "QuizGroupPoll",
    "QuizGroupRun",
    "QuizPeopleStat",
    "QuizQuestionStat",
    "ServiceAlert",
    "ServiceOverride",
    "ServiceReview",
    "StaffHandle",
    "TrackedMessage",
    "User",
]
