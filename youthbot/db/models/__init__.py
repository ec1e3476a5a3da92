"""All tables. Each feature keeps its tables in its own module, imported here explicitly."""

from .activities import Activity, ActivityJoin, ActivityReport
from .announce import Announcement, AnnouncementDelivery
from .base import Base
from .case_figures import CaseFigure
from .cases import Case, CaseMessage, CaseStaffPost, OpenCase, ServiceOverride
from .help import ServiceAlert, ServiceReview
from .hold import HeldMessage
from .people import AuditEntry, ChatState, InviteCode, ProcessedUpdate, UpdateArrival, User
from .quiz import (
    QuizAnswer,
    QuizAttempt,
    QuizBadge,
    QuizGroupPlayer,
    QuizGroupPoll,
    QuizGroupRun,
    QuizQuestionStat,
)
from .safety import DangerNotice, TrackedMessage

__all__ = [
    "Activity",
    "ActivityJoin",
    "ActivityReport",
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
    "ProcessedUpdate",
    "UpdateArrival",
    "QuizAnswer",
    "QuizAttempt",
    "QuizBadge",
    "QuizGroupPlayer",
    "QuizGroupPoll",
    "QuizGroupRun",
    "QuizQuestionStat",
    "ServiceAlert",
    "ServiceOverride",
    "ServiceReview",
    "TrackedMessage",
    "User",
]
