"""Teams: several staff groups, each for some countries (and, optionally, regions), with its own
language, time zone and staff hours (content/teams.yaml).

A team answers only when its group's chat id is configured (TEAM_CHATS=id=chat,…); a case whose
place no configured team covers goes to the fallback team: STAFF_CHAT_ID with DEFAULT_LANGUAGE,
TIMEZONE and STAFF_HOURS, as before teams existed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..help import StaffHours, parse_staff_hours
from ..regions import Report, check_keys
from ..yamlsource import ContentInvalid, LineDict, Problem, load_yaml

FALLBACK = "main"
TEAM_ID = re.compile(r"[a-z][a-z0-9-]{0,23}")


@dataclass(frozen=True)
class TeamSpec:
    """A team as the file describes it (its chat comes from the settings)."""

    id: str
    name: str
    countries: tuple[str, ...]
    regions: tuple[str, ...]
    language: str
    timezone: str
    hours: str


@dataclass(frozen=True)
class Team:
    """A team ready to work: its staff group (None: not configured), language and hours."""

    id: str
    name: str
    chat_id: int | None
    countries: tuple[str, ...]
    regions: tuple[str, ...]
    language: str
    hours: StaffHours

    def covers(self, country: str | None, region: str | None) -> bool:
        if country is None or country not in self.countries:
            return False
        return not self.regions or region in self.regions


def default_teams_path() -> Path:
    return Path(__file__).resolve().parent.parent.parent / "content" / "teams.yaml"


def teams_path(content_dir: Path | None) -> Path:
    """CONTENT_DIR's teams.yaml when it has one, else the shipped file."""
    own = content_dir / "teams.yaml" if content_dir is not None else None
    return own if own is not None and own.exists() else default_teams_path()


def check_teams(
    path: Path, *, country_ids: Sequence[str], region_ids: Mapping[str, set[str]] | None = None,
    languages: Sequence[str] = ("es", "en", "pt"),
) -> tuple[list[TeamSpec], list[Problem]]:
    """Read teams.yaml: every team, and every problem with its line."""
    data, problems = load_yaml(path, path.name)
    report = Report(path.name, problems)
    specs: list[TeamSpec] = []
    if data is None:
        return specs, report.problems
    items = data.get("teams") if isinstance(data, dict) else None
    if not isinstance(items, list):
        report.add(1, "expected `teams:` with a list of teams")
        return specs, report.problems
    seen: set[str] = set()
    for index, item in enumerate(items):
        line = items.line_of(index) if hasattr(items, "line_of") else 1
        if not isinstance(item, LineDict):
            report.add(line, "a team must be a mapping (id, name, countries…)")
            continue
        check_keys(item, required=("id", "name", "countries", "language", "timezone", "hours"),
                   optional=("regions",), what="team", report=report)
        team_id = str(item.get("id", ""))
        if not TEAM_ID.fullmatch(team_id) or team_id == FALLBACK:
            report.add(item.line_of("id"), f"team id {team_id!r}: lower-case letters, digits "
                                           f"and -, up to 24, not {FALLBACK!r}")
        elif team_id in seen:
            report.add(item.line_of("id"), f"team id {team_id!r} is used twice")
        seen.add(team_id)
        countries = item.get("countries") or []
        if not isinstance(countries, list) or not countries:
            report.add(item.line_of("countries"), "countries: a list such as [PE]")
            countries = []
        for country in countries:
            if country not in country_ids:
                report.add(item.line_of("countries"), f"unknown country {country!r} "
                                                      "(regions.yaml)")
        regions = item.get("regions") or []
        if not isinstance(regions, list):
            report.add(item.line_of("regions"), "regions: a list such as [lima, puno]")
            regions = []
        known = set().union(*(region_ids.get(c, set()) for c in countries)) if region_ids else None
        for region in regions:
            if known is not None and region not in known:
                report.add(item.line_of("regions"), f"unknown region {region!r} in its countries")
        language = str(item.get("language", ""))
        if language not in languages:
            report.add(item.line_of("language"), f"language {language!r}: one of "
                                                 f"{', '.join(languages)}")
        try:
            parse_staff_hours(str(item.get("hours", "")), str(item.get("timezone", "")))
        except ValueError as exc:
            report.add(item.line_of("hours"), str(exc).replace("STAFF_HOURS", "hours")
                       .replace("TIMEZONE", "timezone"))
        specs.append(TeamSpec(
            id=team_id, name=str(item.get("name", team_id)),
            countries=tuple(str(c) for c in countries), regions=tuple(str(r) for r in regions),
            language=language, timezone=str(item.get("timezone", "")),
            hours=str(item.get("hours", "")),
        ))
    return specs, report.problems


def load_teams(path: Path, *, country_ids: Sequence[str]) -> list[TeamSpec]:
    specs, problems = check_teams(path, country_ids=country_ids)
    if problems:
        raise ContentInvalid(problems)
    return specs


def build_teams(
    specs: Sequence[TeamSpec],
    *,
    chats: Mapping[str, int],
    fallback_chat: int | None,
    fallback_language: str,
    fallback_hours: StaffHours,
) -> list[Team]:
    """The teams with a configured chat, region-specific ones first, then the fallback."""
    teams = [
        Team(spec.id, spec.name, chats[spec.id], spec.countries, spec.regions, spec.language,
             parse_staff_hours(spec.hours, spec.timezone))
        for spec in specs if spec.id in chats
    ]
    teams.sort(key=lambda team: not team.regions)
    teams.append(Team(FALLBACK, "", fallback_chat, (), (), fallback_language, fallback_hours))
    return teams


def team_for(teams: Sequence[Team], *, country: str | None, region: str | None) -> Team:
    """The team for a place: the first configured one covering it, else the fallback."""
    return next((t for t in teams[:-1] if t.covers(country, region)), teams[-1])


def team_named(teams: Sequence[Team], team_id: str | None) -> Team:
    """A case's team by id; the fallback when it is no longer configured."""
    return next((t for t in teams if t.id == team_id), teams[-1])


def team_of_chat(teams: Sequence[Team], chat_id: int) -> Team | None:
    return next((t for t in teams if t.chat_id == chat_id), None)
