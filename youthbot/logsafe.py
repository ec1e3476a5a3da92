"""Logs without personal data, at any level: the one place that makes it so.

- Libraries (PTB, httpx, SQLAlchemy and the database drivers, the job scheduler) put updates,
  request parameters, URLs with the token and statement parameters into their log arguments.
  Every record of theirs keeps its format string only: each argument becomes `‹…›`.
- An exception attached to any record (ours or a library's) is logged as its types and
  frames only (file, line, function): the messages of database errors quote rows, and
  PostgreSQL's "Failing row contains (…)" holds a child's whole message.
- Where a log line must tell people apart, `who(user_id)` gives a keyed pseudonym (an HMAC
  of the id with a key derived from the bot token): the same person reads the same within
  one deployment, and the id cannot be read back without the token.

`install` puts the record factory in place (idempotent); build_application calls it.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import traceback
from types import TracebackType

# Loggers whose arguments are never logged (children included: "telegram.ext.ExtBot").
LIBRARIES = (
    "telegram",
    "httpx",
    "httpcore",
    "sqlalchemy",
    "aiosqlite",
    "asyncpg",
    "apscheduler",
    "hpack",
    "h2",
    "h11",
    "aiohttp",
    "tornado",
    "uvicorn",
    "asyncio",
)
HIDDEN = "‹…›"
_PLACEHOLDER = re.compile(r"%(\([^)]*\))?[-#0 +]*(\*|\d+)?(\.(\*|\d+))?[hlL]?[diouxXeEfFgGcrsa%]")
_key = hashlib.sha256(b"youthbot-logs:no-token").digest()
_installed = False


def set_key(secret: str | None) -> None:
    """Derive the pseudonym key from `secret` (the bot token)."""
    global _key
    material = (secret or "no-token").encode()
    _key = hmac.new(b"youthbot-log-pseudonyms", material, hashlib.sha256).digest()


def who(user_id: int | None) -> str:
    """A person's pseudonym for logs: `p-` and 10 hex digits, never the id itself."""
    if user_id is None:
        return "p-none"
    digest = hmac.new(_key, str(int(user_id)).encode(), hashlib.sha256).hexdigest()
    return f"p-{digest[:10]}"


def safe_traceback(exc: BaseException | None, tb: TracebackType | None = None) -> str:
    """Where an exception happened, without what it says: types and frames of the chain."""
    parts: list[str] = []
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen and len(parts) < 10:
        seen.add(id(exc))
        frames = traceback.extract_tb(tb if tb is not None and not parts else exc.__traceback__)
        lines = [f"  {f.filename}:{f.lineno} in {f.name}" for f in frames]
        if len(lines) > 24:
            lines = [*lines[:10], "  …", *lines[-12:]]
        kind = type(exc)
        head = f"{kind.__module__}.{kind.__qualname__} (message hidden)"
        parts.append("\n".join([head, *lines]))
        exc = exc.__cause__ or exc.__context__
    return "\n caused by ".join(parts)


def _hide_args(msg: object) -> str:
    if not isinstance(msg, str):
        return f"<{type(msg).__name__} hidden>"
    return _PLACEHOLDER.sub(lambda m: "%" if m.group(0) == "%%" else HIDDEN, msg)


def _is_library(name: str) -> bool:
    return any(name == lib or name.startswith(lib + ".") for lib in LIBRARIES)


def clean(record: logging.LogRecord) -> logging.LogRecord:
    """Make one record safe (in place): see the module's note."""
    if _is_library(record.name):
        if record.args or not isinstance(record.msg, str):
            record.msg = _hide_args(record.msg)
        record.args = None
    if record.exc_info:
        _kind, exc, tb = record.exc_info
        if exc is not None:
            message = record.msg if isinstance(record.msg, str) else _hide_args(record.msg)
            if record.args:
                try:
                    message = message % record.args
                except (TypeError, ValueError):
                    message = _hide_args(message)
                record.args = None
            record.msg = f"{message}\n{safe_traceback(exc, tb)}"
            record.args = None
        record.exc_info = None
        record.exc_text = None
    return record


def install(secret: str | None = None) -> None:
    """Pseudonym key from `secret`; every log record from now on goes through `clean`."""
    global _installed
    if secret is not None:
        set_key(secret)
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs) -> logging.LogRecord:
        return clean(previous(*args, **kwargs))

    logging.setLogRecordFactory(factory)
    _installed = True
