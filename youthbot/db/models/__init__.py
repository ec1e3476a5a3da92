"""All tables. Each feature keeps its tables in its own module, imported here explicitly."""

from .activities import Activity, ActivityJoin, ActivityReport
from .announce import Announcement, AnnouncementDelivery
from .base import Base
from .case_figures import CaseFigure
from .core import AuditEntry, ChatState, InviteCode, ProcessedUpdate, User
from .help import Case, CaseMessage, OpenCase, ServiceOverride
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
    "ChatState",
    "DangerNotice",
    "InviteCode",
    "OpenCase",
    "ProcessedUpdate",
    "QuizAnswer",
    "QuizAttempt",
    "QuizBadge",
    "QuizGroupPlayer",
    "QuizGroupPoll",
    "QuizGroupRun",
    "QuizQuestionStat",
    "ServiceOverride",
    "TrackedMessage",
    "User",
]
