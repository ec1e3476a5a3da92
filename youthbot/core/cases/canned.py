"""Canned replies: a library of vetted wordings per language (content/canned_replies.yaml),
grouped by topic, that a moderator sends from the case card in the young person's language.

Placeholders: `{case}` (the case number) and `{service}` (a directory service's card, chosen
by the moderator). An admin may reword a reply in one language from Telegram; that wording is
kept in the database (`canned_overrides`) and wins over the file until changed again.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ...db.models import CannedOverride
from ..people.users import audit
from ..regions import Report, check_keys, text_in
from ..yamlsource import ContentInvalid, LineDict, Problem, load_yaml

REPLY_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,15}")
PLACEHOLDERS = frozenset({"case", "service"})
STATUSES = ("partner-must-review", "approved")
REQUIRED_LANGUAGES = ("es", "en")
MAX_TEXT = 3000


@dataclass(frozen=True)
class CannedReply:
    id: str
    topic: str
    text: Mapping[str, str]
    source: str
    reviewed: date
    status: str

    @property
    def needs_service(self) -> bool:
        return any("{service}" in t for t in self.text.values())

    def text_in(self, lang: str) -> str:
        return text_in(self.text, lang)


@dataclass(frozen=True)
class CannedLibrary:
    topics: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # id → name by lang
    replies: tuple[CannedReply, ...] = ()

    def in_topic(self, topic: str) -> list[CannedReply]:
        return [r for r in self.replies if r.topic == topic]

    def get(self, reply_id: str) -> CannedReply | None:
        return next((r for r in self.replies if r.id == reply_id), None)


class UnknownReply(ValueError):
    """No canned reply has that id."""


class BadWording(ValueError):
    """An admin's wording uses a placeholder other than {case} and {service}, or is empty."""


def default_canned_path() -> Path:
    return Path(__file__).resolve().parent.parent.parent / "content" / "canned_replies.yaml"


def canned_path(content_dir: Path | None) -> Path:
    """CONTENT_DIR's canned_replies.yaml when it has one, else the shipped file."""
    own = content_dir / "canned_replies.yaml" if content_dir is not None else None
    return own if own is not None and own.exists() else default_canned_path()


def placeholder_problem(text: str) -> str | None:
    """What is wrong with the placeholders of `text` (None when only {case}, {service})."""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return "a { or } that is not a placeholder (write {{ or }} for the sign itself)"
    unknown = names - PLACEHOLDERS
    if unknown:
        return f"unknown placeholder {{{sorted(unknown)[0]}}}: only {{case}} and {{service}}"
    return None


def check_canned(path: Path) -> tuple[CannedLibrary, list[Problem]]:
    """Read the canned replies: the library and every problem, with its line."""
    data, problems = load_yaml(path, path.name)
    report = Report(path.name, problems)
    if not isinstance(data, LineDict):
        if data is not None:
            report.add(1, "expected `topics:` and `replies:`")
        return CannedLibrary(), report.problems
    check_keys(data, required=("topics", "replies"), what="file", report=report)
    topics_node = data.get("topics")
    topics: dict[str, dict[str, str]] = {}
    if isinstance(topics_node, LineDict):
        for topic, names in topics_node.items():
            line = topics_node.line_of(topic)
            if not isinstance(topic, str) or not REPLY_ID.fullmatch(topic):
                report.add(line, f"topic id {topic!r}: lower-case letters, digits and -")
            if not isinstance(names, dict) or any(not names.get(lang) for lang in
                                                  REQUIRED_LANGUAGES):
                report.add(line, f"topic {topic!r}: a name in es and en")
                names = {}
            topics[str(topic)] = {str(k): str(v) for k, v in names.items()}
    else:
        report.add(data.line_of("topics"), "topics: a mapping of topic id to its names")
    replies: list[CannedReply] = []
    replies_node = data.get("replies")
    if not isinstance(replies_node, list):
        report.add(data.line_of("replies"), "replies: a list of replies")
        replies_node = []
    seen: set[str] = set()
    for index, item in enumerate(replies_node):
        line = replies_node.line_of(index) if hasattr(replies_node, "line_of") else 1
        if not isinstance(item, LineDict):
            report.add(line, "a reply must be a mapping (id, topic, es, en…)")
            continue
        check_keys(item, required=("id", "topic", "source", "reviewed", "status", "es", "en"),
                   optional=("pt",), what="reply", report=report)
        reply_id = str(item.get("id", ""))
        if not REPLY_ID.fullmatch(reply_id):
            report.add(item.line_of("id"), f"reply id {reply_id!r}: lower-case letters, digits "
                                           "and -, up to 16")
        elif reply_id in seen:
            report.add(item.line_of("id"), f"reply id {reply_id!r} is used twice")
        seen.add(reply_id)
        topic = str(item.get("topic", ""))
        if topic not in topics:
            report.add(item.line_of("topic"), f"unknown topic {topic!r} (see topics:)")
        status = str(item.get("status", ""))
        if status not in STATUSES:
            report.add(item.line_of("status"), f"status {status!r}: one of {', '.join(STATUSES)}")
        reviewed = item.get("reviewed")
        if isinstance(reviewed, datetime) or not isinstance(reviewed, date):
            report.add(item.line_of("reviewed"), "reviewed: the date it was last reviewed, "
                                                 "YYYY-MM-DD")
            reviewed = date.min
        if not str(item.get("source", "")).strip():
            report.add(item.line_of("source"), "source: who wrote or checked the wording")
        texts: dict[str, str] = {}
        for lang in ("es", "en", "pt"):
            if lang not in item:
                continue
            text = item[lang]
            if not isinstance(text, str) or not text.strip():
                report.add(item.line_of(lang), f"{lang}: the reply's text")
                continue
            if len(text) > MAX_TEXT:
                report.add(item.line_of(lang), f"{lang}: longer than {MAX_TEXT} characters")
            problem = placeholder_problem(text)
            if problem:
                report.add(item.line_of(lang), f"{lang}: {problem}")
            texts[lang] = text.strip()
        if texts.get("es") and texts.get("en") and (
            ("{service}" in texts["es"]) != ("{service}" in texts["en"])
        ):
            report.add(item.line_of("en"), "{service} must be in every language or in none")
        replies.append(CannedReply(reply_id, topic, texts, str(item.get("source", "")),
                                   reviewed, status))
    return CannedLibrary(topics, tuple(replies)), report.problems


def load_canned(path: Path) -> CannedLibrary:
    library, problems = check_canned(path)
    if problems:
        raise ContentInvalid(problems)
    return library


# Admins' wording ---------------------------------------------------------------------------


async def wording(
    session: AsyncSession, library: CannedLibrary, reply_id: str, lang: str
) -> str:
    """The reply's text in `lang`: an admin's override, else the file (UnknownReply)."""
    reply = library.get(reply_id)
    if reply is None:
        raise UnknownReply(reply_id)
    override = await session.get(CannedOverride, (reply_id, lang))
    if override is not None:
        return override.text
    return reply.text_in(lang)


async def overridden(session: AsyncSession) -> set[tuple[str, str]]:
    rows = await session.execute(select(CannedOverride.reply_id, CannedOverride.language))
    return {(r, lang) for r, lang in rows}


async def set_wording(
    session: AsyncSession,
    library: CannedLibrary,
    *,
    reply_id: str,
    lang: str,
    text: str,
    admin_id: int,
    languages: Sequence[str],
    now: datetime,
) -> None:
    """An admin's new wording of a reply in one language (audited, without the text)."""
    reply = library.get(reply_id)
    if reply is None:
        raise UnknownReply(reply_id)
    if lang not in languages:
        raise BadWording(f"language {lang!r}")
    problem = placeholder_problem(text) if text.strip() else "empty"
    if problem is None and ("{service}" in text) != reply.needs_service:
        problem = "{service} must stay" if reply.needs_service else "no {service} here"
    if problem is not None or len(text) > MAX_TEXT:
        raise BadWording(problem or "too long")
    override = await session.get(CannedOverride, (reply_id, lang))
    if override is None:
        session.add(CannedOverride(reply_id=reply_id, language=lang, text=text.strip(),
                                   set_by=admin_id, set_at=now))
    else:
        override.text, override.set_by, override.set_at = text.strip(), admin_id, now
    audit(session, actor_id=admin_id, action="canned.edit", target=reply_id, detail=lang)
