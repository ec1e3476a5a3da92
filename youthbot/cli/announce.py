"""`youthbot announce`: write an announcement in a file, preview it, confirm, deliver.

    youthbot announce news.yaml            # preview, recipients per language, confirm
    youthbot announce news.txt --yes --deliver
    youthbot announce --deliver            # deliver what is queued, then exit
    youthbot announce --status             # the latest announcements and their progress
    youthbot announce --cancel 12          # stop one, or cancel a scheduled one
    youthbot announce puno.yaml --region PE:puno --age 18-25 --at "2026-12-24 18:00"
    youthbot announce --scheduled          # what waits for its time

A `.yaml` file maps languages to texts (`es: …`, `en: …`); any other file is one text in the
default language. People whose language has no text get the default language's.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..bot.runtime.longtext import MAX_MESSAGE_LENGTH, utf16_length
from ..config import Settings
from ..i18n import Catalogs, counted
from .audience import (
    AudienceError,
    add_audience_flags,
    audience_from_args,
    shown_count,
    time_from_args,
)

if TYPE_CHECKING:
    from telegram.request import BaseRequest

logger = logging.getLogger(__name__)


class AnnouncementFileError(Exception):
    """The file cannot be an announcement; the message says why, in one line."""


def add_announce_command(sub) -> None:
    parser = sub.add_parser("announce", help="send an announcement to people who opted in")
    parser.add_argument("file", nargs="?", type=Path, help="text file, or YAML {language: text}")
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    parser.add_argument(
        "--deliver", action="store_true", help="deliver queued announcements now, then exit"
    )
    parser.add_argument("--status", action="store_true", help="show the latest announcements")
    parser.add_argument("--cancel", type=int, metavar="ID", help="stop announcement ID")
    parser.add_argument("--scheduled", action="store_true", help="list scheduled announcements")
    add_audience_flags(parser)
    parser.set_defaults(func=cmd_announce)


def read_texts(path: Path, *, languages: list[str], default: str) -> dict[str, str]:
    """The texts of an announcement file, checked: known languages, default present, length."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AnnouncementFileError(f"{path}: cannot read it ({type(exc).__name__})") from None
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            data = yaml.safe_load(raw)
        except yaml.YAMLError as exc:
            raise AnnouncementFileError(f"{path}: not valid YAML ({exc})") from None
        if not isinstance(data, dict):
            raise AnnouncementFileError(f"{path}: expected language: text pairs")
        texts = {str(k): str(v).strip() for k, v in data.items() if v is not None}
    else:
        texts = {default: raw.strip()}
    for language, text in texts.items():
        if language not in languages:
            raise AnnouncementFileError(f"{path}: unknown language {language!r}")
        if utf16_length(text) > MAX_MESSAGE_LENGTH:
            raise AnnouncementFileError(
                f"{path}: the {language} text is longer than {MAX_MESSAGE_LENGTH} characters"
            )
    texts = {k: v for k, v in texts.items() if v}
    if default not in texts:
        raise AnnouncementFileError(f"{path}: a text in the default language {default} is needed")
    return texts


def cmd_announce(args: argparse.Namespace, settings: Settings) -> int:
    if args.status:
        return asyncio.run(show_status(settings))
    if args.cancel is not None:
        return asyncio.run(cancel(settings, args.cancel))
    if args.scheduled:
        return asyncio.run(show_scheduled(settings))
    if args.file is None and not args.deliver:
        print("youthbot: give an announcement FILE, or --deliver, --status or --cancel ID")
        return 2
    if args.deliver and settings.token is None:
        print("youthbot: TELEGRAM_BOT_TOKEN is needed to deliver", file=sys.stderr)
        return 2
    if args.file is not None:
        catalogs = Catalogs(settings.locales_dir, settings.default_language)
        from ..db.types import utcnow

        try:
            texts = read_texts(
                args.file, languages=catalogs.languages, default=settings.default_language
            )
            audience = audience_from_args(args, settings, catalogs.languages)
            at = time_from_args(args, settings, utcnow())
        except (AnnouncementFileError, AudienceError) as exc:
            print(f"youthbot: {exc}", file=sys.stderr)
            return 1
        code = asyncio.run(
            queue(settings, texts, confirm=not args.yes, audience=audience, at=at)
        )
        if code or not args.deliver:
            return code
    return asyncio.run(deliver(settings))


async def _database(settings: Settings):
    from ..db import migrate
    from ..db.engine import Database

    db = Database(settings.database_url)
    if settings.auto_migrate:
        await migrate.upgrade(db)
    return db


async def queue(
    settings: Settings,
    texts: dict[str, str],
    *,
    confirm: bool,
    audience=None,
    at=None,
    buttons: dict | None = None,
) -> int:
    """Preview, count, ask, and queue the announcement (or schedule it `at`)."""
    from ..core import announce
    from ..db.types import utcnow

    db = await _database(settings)
    try:
        async with db.session() as session:
            counts = await announce.recipients_by_language(session, audience)
        for language, text in texts.items():
            print(f"--- {language} ---\n{text}\n")
        for language in sorted(set(counts) | set(texts)):
            note = "" if language in texts else f" (get the {settings.default_language} text)"
            print(f"{language}: {shown_count(counts.get(language, 0))} people{note}")
        total = sum(counts.values())
        when = f" at {at:%Y-%m-%d %H:%M %Z}" if at else " now"
        if confirm:
            if not sys.stdin.isatty():
                print("youthbot: not a terminal; add --yes to confirm", file=sys.stderr)
                return 2
            answer = await asyncio.to_thread(
                input, f"Send to {shown_count(total)} people{when}? [y/N] "
            )
            if answer.strip().lower() not in ("y", "yes"):
                print("Nothing was sent.")
                return 1
        async with db.session() as session:
            draft = await announce.create_draft(
                session,
                created_by=None,
                admin_chat_id=None,
                language=settings.default_language,
                texts=texts,
                now=utcnow(),
                audience=audience,
                buttons=buttons,
            )
            if at is not None:
                await announce.schedule(
                    session, announcement_id=draft.id, at=at, actor_id=None, now=utcnow()
                )
                print(f"announcement {draft.id}: scheduled for {at:%Y-%m-%d %H:%M %Z}")
                return 0
            queued = await announce.start_sending(
                session, announcement_id=draft.id, actor_id=None, now=utcnow()
            )
        print(f"announcement {draft.id}: {shown_count(queued)} people queued")
        return 0
    finally:
        await db.dispose()


async def deliver(settings: Settings, *, request: BaseRequest | None = None) -> int:
    """Deliver every queued announcement from this process, printing progress; then exit.

    The ids of the messages delivered are written for quick exit, as the running bot does:
    every minute on the way, and whatever waits at the end.
    """
    from ..app import build_application
    from ..bot.announce.outbox import AnnouncementSender, broadcast_bot
    from ..bot.safety import tracking
    from ..serve.jobs import schedule_checkpoints
    from ..serve.runner import settle_heap

    db = await _database(settings)
    application = build_application(settings, request=request, rate_limit=True, database=db)
    await application.initialize()
    # On the JobQueue, as in `youthbot run`: the message ids every minute, SQLite's
    # checkpoints off the loop; and the start-up heap out of the collector's sight. Each had
    # stalled the loop 100-150 ms here, and the messages held up went out together.
    jobs = application.job_queue
    jobs.run_repeating(_write_message_ids, interval=tracking.FLUSH_EVERY,
                       first=tracking.FLUSH_EVERY, name="tracking.flush")
    schedule_checkpoints(jobs, db)
    await jobs.start()
    settle_heap()
    try:
        sender = AnnouncementSender(
            application,
            on_progress=lambda a, p: print(
                f"announcement {a.id}: {p.sent} sent, {p.not_delivered} not delivered, "
                f"{p.left} left" + (f", {p.doubt} unconfirmed" if p.doubt else ""),
                flush=True,
            ),
            bot=broadcast_bot(application.bot, 8, request=request) if request else None,
        )
        await sender.run(until_idle=True)
    finally:
        await jobs.stop()
        await application.shutdown()
        await application.post_shutdown(application)  # writes the ids waiting, closes the db
        await db.dispose()
    return 0


async def _write_message_ids(context: Any) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    from ..bot.safety import tracking

    try:
        await tracking.flush_pending(context.application)
    except SQLAlchemyError as exc:  # kept in memory: written next time, or at the end
        logger.warning("could not write message ids: %s", type(exc).__name__)


async def show_status(settings: Settings) -> int:
    from ..core import announce

    db = await _database(settings)
    try:
        async with db.session() as session:
            for item in await announce.list_announcements(session):
                p = await announce.progress(session, announcement_id=item.id)
                print(
                    f"{item.id}\t{item.status}\t{item.created_at:%Y-%m-%d %H:%M}\t"
                    f"sent {p.sent}, not delivered {p.not_delivered}, left {p.left}, "
                    f"unconfirmed {p.doubt}"
                )
    finally:
        await db.dispose()
    return 0


async def show_scheduled(settings: Settings) -> int:
    from zoneinfo import ZoneInfo

    from ..core import announce

    db = await _database(settings)
    zone = ZoneInfo(settings.timezone)
    try:
        async with db.session() as session:
            waiting = await announce.list_scheduled(session)
        for item in waiting:
            print(f"{item.id}\t{item.scheduled_for.astimezone(zone):%Y-%m-%d %H:%M %Z}\t"
                  f"{item.audience or {}}")
        if not waiting:
            print("no announcement is scheduled")
    finally:
        await db.dispose()
    return 0


async def cancel(settings: Settings, announcement_id: int) -> int:
    from ..core import announce

    db = await _database(settings)
    try:
        async with db.session() as session:
            stopped = await announce.cancel(
                session, announcement_id=announcement_id, actor_id=None
            )
    except announce.AnnouncementNotEditable:
        print(f"youthbot: announcement {announcement_id} is not a draft or being sent")
        return 1
    finally:
        await db.dispose()
    print(
        f"announcement {announcement_id} stopped; "
        f"{counted(stopped, 'person', 'people')} will not get it"
    )
    return 0
