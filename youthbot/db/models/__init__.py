"""All tables. Each feature keeps its tables in its own module, imported here explicitly."""

from .base import Base
from .core import AuditEntry, ChatState, InviteCode, ProcessedUpdate, User

__all__ = ["AuditEntry", "Base", "ChatState", "InviteCode", "ProcessedUpdate", "User"]
