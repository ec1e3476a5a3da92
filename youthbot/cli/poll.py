"""`youthbot poll`: create an opinion poll from a YAML file and send it; list, close, results.

    youthbot poll create poll.yaml --region PE:puno --age 14-17 --yes
    youthbot poll list
    youthbot poll close 3            # no more answers; the results go to those who answered
    youthbot poll results 3 --csv puno.csv --chart puno.png

The file: `question: {es: …, en: …}` and `options:` a list of `{es: …, en: …}` (2 to 10).
The default language is required; people whose language is missing get the default's text.
The poll goes out through the announcement outbox: the running bot (or `youthbot console`,
or `youthbot announce --deliver`) delivers it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

import yaml

from ..config import Settings
from ..i18n import Catalogs
from .audience import (
    AudienceError,
    add_audience_flags,
    audience_from_args,
    shown_count,
    time_from_args,
)


class PollFileError(Exception):
    """The file cannot be a poll; the message says why, in one line."""


def add_poll_command(sub: Any) -> None:
    poll = sub.add_parser("poll", help="opinion polls: create and send, list, close, results")
    poll_sub = poll.add_subparsers(metavar="ACTION", required=True)
    create = poll_sub.add_parser("create", help="create a poll from a YAML file and send it")
    create.add_argument("file", type=Path)
    create.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    add_audience_flags(create)
    create.set_defaults(func=cmd_create)
    poll_sub.add_parser("list", help="the latest polls").set_defaults(func=cmd_list)
    close = poll_sub.add_parser("close", help="close a poll and share its results back")
    close.add_argument("id", type=int)
    close.set_defaults(func=cmd_close)
    results = poll_sub.add_parser("results", help="a poll's counts (1-4 shown as <5)")
    results.add_argument("id", type=int)
    results.add_argument("--csv", type=Path, metavar="FILE", help="write the counts as CSV")
    results.add_argument("--chart", type=Path, metavar="FILE", help="draw a PNG chart")
    results.add_argument("--lang", default=None, help="language of the texts")
    results.set_defaults(func=cmd_results)


def _texts(value: Any, what: str, path: Path, languages: list[str], default: str):
    if not isinstance(value, dict):
        raise PollFileError(f"{path}: {what} must be language: text pairs")
    texts = {str(k): str(v).strip() for k, v in value.items() if v is not None and str(v).strip()}
    unknown = sorted(set(texts) - set(languages))
    if unknown:
        raise PollFileError(f"{path}: {what}: unknown language {unknown[0]!r}")
    if default not in texts:
        raise PollFileError(f"{path}: {what} needs a text in the default language {default}")
    return texts


def read_poll(path: Path, *, languages: list[str], default: str) -> tuple[dict, list[dict]]:
    """The question and options of a poll file, checked."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise PollFileError(f"{path}: cannot read it ({type(exc).__name__})") from None
    except yaml.YAMLError as exc:
        raise PollFileError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(data, dict) or set(data) != {"question", "options"}:
        raise PollFileError(f"{path}: expected exactly the keys question and options")
    question = _texts(data["question"], "question", path, languages, default)
    options = data["options"]
    if not isinstance(options, list) or not 2 <= len(options) <= 10:
        raise PollFileError(f"{path}: options must be a list of 2 to 10")
    return question, [
        _texts(o, f"option {i + 1}", path, languages, default) for i, o in enumerate(options)
    ]


def cmd_create(args: argparse.Namespace, settings: Settings) -> int:
    from ..db.types import utcnow

    catalogs = Catalogs(settings.locales_dir, settings.default_language)
    try:
        question, options = read_poll(
            args.file, languages=catalogs.languages, default=settings.default_language
        )
        audience = audience_from_args(args, settings, catalogs.languages)
        at = time_from_args(args, settings, utcnow())
    except (PollFileError, AudienceError) as exc:
        print(f"youthbot: {exc}", file=sys.stderr)
        return 1
    return asyncio.run(create(settings, catalogs, question, options, audience, at, args.yes))


async def create(settings, catalogs, question, options, audience, at, yes: bool) -> int:
    from ..bot.polls.views import build_option_buttons
    from ..core import announce, polls
    from ..db.types import utcnow
    from .announce import _database

    db = await _database(settings)
    try:
        async with db.session() as session:
            counts = await announce.recipients_by_language(session, audience)
        print(question[settings.default_language])
        for i, option in enumerate(options):
            print(f"  {i + 1}. {option[settings.default_language]}")
        for language in catalogs.languages:
            print(f"{language}: {shown_count(counts.get(language, 0))} people")
        if not yes:
            if not sys.stdin.isatty():
                print("youthbot: not a terminal; add --yes to confirm", file=sys.stderr)
                return 2
            total = shown_count(sum(counts.values()))
            answer = await asyncio.to_thread(input, f"Ask {total} people? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                print("Nothing was sent.")
                return 1
        async with db.session() as session:
            poll = await polls.create_poll(
                session, question=question, options=options, audience=audience,
                created_by=None, now=utcnow(),
            )  # fmt: skip
            announcement_id = await polls.ask(
                session, poll, language=settings.default_language,
                buttons=build_option_buttons(poll, catalogs.languages), now=utcnow(), at=at,
            )  # fmt: skip
        when = f"scheduled for {at:%Y-%m-%d %H:%M %Z}" if at else "queued"
        print(f"poll {poll.id}: {when} (announcement {announcement_id})")
        return 0
    finally:
        await db.dispose()


def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_list(settings))


async def _list(settings: Settings) -> int:
    from ..core import polls
    from .announce import _database

    db = await _database(settings)
    try:
        async with db.session() as session:
            for poll, answered in await polls.list_polls(session):
                text = poll.question.get(settings.default_language, "")
                print(f"{poll.id}\t{poll.status}\t{shown_count(answered)} answers\t{text}")
    finally:
        await db.dispose()
    return 0


def cmd_close(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_close(settings, args.id))


async def _close(settings: Settings, poll_id: int) -> int:
    from ..app import load_content
    from ..core import polls
    from ..core.errors import NotFound
    from ..core.polls.results import close_and_share
    from ..db.types import utcnow
    from .announce import _database

    catalogs = Catalogs(settings.locales_dir, settings.default_language)
    countries = load_content(settings).countries
    db = await _database(settings)
    try:
        async with db.session() as session:
            shared = await close_and_share(
                session, poll_id=poll_id, catalogs=catalogs, countries=countries, now=utcnow()
            )
    except NotFound:
        print(f"youthbot: there is no poll {poll_id}", file=sys.stderr)
        return 1
    except polls.PollClosed:
        print(f"youthbot: poll {poll_id} is closed already", file=sys.stderr)
        return 1
    finally:
        await db.dispose()
    print(f"poll {poll_id} closed; results queued for {shown_count(shared)} people")
    return 0


def cmd_results(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_results(settings, args))


async def _results(settings: Settings, args: argparse.Namespace) -> int:
    from ..core import polls
    from ..core.errors import NotFound
    from ..core.polls.results import chart_axis_label, load_results, render_poll_chart, results_csv
    from ..i18n import speaking
    from .announce import _database

    language = args.lang or settings.default_language
    db = await _database(settings)
    try:
        async with db.session() as session:
            poll = await polls.get_poll(session, args.id)
            results = await load_results(session, poll)
    except NotFound:
        print(f"youthbot: there is no poll {args.id}", file=sys.stderr)
        return 1
    finally:
        await db.dispose()
    table = results_csv(poll, results, language=language)
    print(table, end="")
    if args.csv:
        args.csv.write_text(table, encoding="utf-8")
        print(f"written: {args.csv}")
    if args.chart:
        catalogs = Catalogs(settings.locales_dir, settings.default_language)
        with speaking(catalogs, language):
            axis = chart_axis_label()
        png = render_poll_chart(poll, results, language=language, axis_label=axis)
        args.chart.write_bytes(png)
        print(f"written: {args.chart}")
    return 0
