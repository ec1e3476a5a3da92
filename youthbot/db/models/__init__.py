"""All tables. Each feature keeps its tables in its own module, imported here explicitly."""

from .activities import Activity, ActivityJoin, ActivityReport, ActivityReviewSnapshot
from .announce import Announcement, AnnouncementDelivery
from .base import Base
from .campaigns import Campaign
from .case_figures import CaseFigure
from .cases import (
    AccountBlock,
    AccountFlag,
    CannedOverride,
    Case,
    CaseMessage,
    CaseStaffPost,
    OpenCase,
    ServiceOverride,
    StaffMember,
)
from .delivery import OutboxMessage, SendBudget
from .help import ServiceAlert, ServiceReview
from .hold import HeldMessage
from .people import (
    AuditEntry,
    ChatState,
    InviteCode,
    PersonRole,
    ProcessedUpdate,
    StaffHandle,
    UpdateArrival,
    User,
)
from .polls import Poll, PollCount, PollResponder
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
    "AccountBlock",
    "AccountFlag",
    "CannedOverride",
    "StaffMember",
    "Activity",
    "ActivityJoin",
    "ActivityReport",
    "ActivityReviewSnapshot",
    "Announcement",
    "AnnouncementDelivery",
    "AuditEntry",
    "Base",
    "Campaign",
    "Case",
    "CaseFigure",
    "CaseMessage",
    "CaseStaffPost",
    "ChatState",
    "DangerNotice",
    "HeldMessage",
    "InviteCode",
    "OpenCase",
    "OutboxMessage",
    "PersonRole",
    "Poll",
    "PollCount",
    "PollResponder",
    "ProcessedUpdate",
    "UpdateArrival",
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
    "SendBudget",
    "ServiceReview",
    "StaffHandle",
    "TrackedMessage",
    "User",
]
