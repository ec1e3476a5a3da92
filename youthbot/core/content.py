"""The content files, read and checked in one pass: `read_content` for `youthbot content check`
and for the bot's start (`load_content`), so the bot never parses a file twice.

`Content` holds the real types the features use; nothing here knows about Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .cases.canned import CannedLibrary, canned_path, check_canned
from .cases.teams import TeamSpec, check_teams, teams_path
from .help.directory import Service
from .help.directory_coverage import check_coverage
from .help.directory_file import (
    check_emergency_coverage,
    check_services,
    default_services_path,
)
from .people.shortcuts import Shortcuts, load_shortcuts, shortcuts_path
from .quiz.content import Quiz
from .quiz.files import check_quizzes, default_quiz_dir
from .regions import Country, check_regions, default_regions_path, region_ids
from .safety.danger import DangerMatcher
from .safety.danger_file import check_danger_words, default_danger_words_path
from .yamlsource import ContentInvalid, Problem


@dataclass
class Content:
    """Validated content loaded at start: quizzes, services, places, danger words, shortcuts,
    canned replies and teams.

    No defaults (an empty danger matcher would silently miss every danger word). Not frozen:
    a test may put its own services or quizzes in its copy (the items themselves are)."""

    quizzes: list[Quiz]
    services: list[Service]
    countries: list[Country]
    danger: DangerMatcher
    shortcuts: Shortcuts
    canned: CannedLibrary
    teams: list[TeamSpec]


@dataclass
class ContentReport:
    """What one reading of the content files found: the content, its problems, the notes
    (reviews due, known gaps)."""

    content: Content
    problems: list[Problem]
    notes: list[str]


def content_path(content_dir: Path | None, name: str, default: Path) -> Path:
    return content_dir / name if content_dir else default


def read_content(
    content_dir: Path | None, *, today: date, coverage: bool = True
) -> ContentReport:
    """Read every content file once: the content, every problem (a country without an active
    emergency line too) and notes: services whose review is due within 60 days of `today` or
    overdue, known gaps. `coverage`: also every topic of every country needs a fitting service."""
    quizzes, problems = check_quizzes(content_path(content_dir, "quizzes", default_quiz_dir()))
    countries, region_problems = check_regions(
        content_path(content_dir, "regions.yaml", default_regions_path())
    )
    services_path = content_path(content_dir, "services.yaml", default_services_path())
    services, service_problems, due = check_services(
        services_path, today=today, region_ids=region_ids(countries)
    )
    gap_notes: list[str] = []
    if not region_problems and not service_problems:
        service_problems = check_emergency_coverage(
            services, [c.id for c in countries], services_path
        )
    if coverage and not service_problems and not region_problems:
        # Every topic, in every country people can choose, has a fitting service.
        service_problems, gap_notes = check_coverage(
            services_path, services, [c.id for c in countries], today=today
        )
    danger, danger_problems = check_danger_words(
        content_path(content_dir, "danger_words.yaml", default_danger_words_path())
    )
    try:
        shortcuts = load_shortcuts(shortcuts_path(content_dir))
    except ContentInvalid as invalid:
        shortcuts, problems = Shortcuts(), problems + invalid.problems
    canned, canned_problems = check_canned(canned_path(content_dir))
    teams, team_problems = check_teams(
        teams_path(content_dir), country_ids=[c.id for c in countries],
        region_ids=region_ids(countries),
    )
    problems = problems + canned_problems + team_problems
    notes = [
        ("WARNING: review OVERDUE since " if service.review_due < today
         else "WARNING: review due ")
        + f"{service.review_due.isoformat()}: {service.id} ({service.status}"
        + (", emergency line" if service.emergency else "") + ")"
        for service in sorted(due, key=lambda s: s.review_due)
    ] + gap_notes
    content = Content(quizzes=quizzes, services=services, countries=countries,
                      danger=danger, shortcuts=shortcuts, canned=canned, teams=teams)
    return ContentReport(
        content, problems + region_problems + service_problems + danger_problems, notes
    )


def load_content(content_dir: Path | None, *, today: date) -> Content:
    """The content, read once; invalid content raises ContentInvalid.

    A topic left without a service (a review date passed, say) fails `content check` but does
    not stop the bot: matching falls back to `other`, then to the emergency numbers."""
    report = read_content(content_dir, today=today, coverage=False)
    if report.problems:
        raise ContentInvalid(report.problems)
    return report.content
