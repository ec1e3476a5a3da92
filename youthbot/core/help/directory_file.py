"""Reading services.yaml into the directory's services, with every problem found and its line.

Each entry's fields are checked by directory_checks; here, the file as a whole, each entry's
required keys, the ranks of emergency lines (1, 2... without ties in a country), every country's
active emergency line (check_emergency_coverage), and the services whose review comes due
soon.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from youthbot.core.help.directory import TOPICS, Service
from youthbot.core.help.directory_checks import ServiceCheck
from youthbot.core.regions import Report, check_keys, line_of
from youthbot.core.yamlsource import ContentInvalid, LineDict, LineList, Problem, load_yaml

STATUSES = ("active", "pending", "suspended")
REVIEW_WARNING = timedelta(days=60)
# Ids travel in callback data (64 bytes in all), hence the short limit.
SERVICE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SERVICE_ID_MAX = 24
COUNTRY = re.compile(r"[A-Z]{2}")
LANGUAGE = re.compile(r"[a-z]{2,3}")
KEYS = (
    "id", "name", "description", "topics", "countries", "regions", "channels", "hours", "free",
    "confidential", "emergency", "ages", "languages", "vetted_by", "vetted_on", "review_due",
    "status", "source",
)


def default_services_path() -> Path:
    return Path(__file__).resolve().parent.parent.parent / "content" / "services.yaml"


def check_services(
    path: Path | str | None = None,
    *,
    today: date,
    languages: Sequence[str] = ("es", "en"),
    region_ids: Mapping[str, set[str]] | None = None,
) -> tuple[list[Service], list[Problem], list[Service]]:
    """Read services.yaml; return the services, every problem found, and the services whose
    review is due within 60 days of `today` (or overdue)."""
    path = Path(path) if path is not None else default_services_path()
    data, problems = _load_yaml(path)
    report = Report(str(path), problems)
    nodes = _service_nodes(data, report)
    services: list[Service] = []
    seen: dict[str, int] = {}
    for index, node in enumerate(nodes):
        line = line_of(nodes, index, 1)
        service = _check_service(node, line=line, report=report, languages=languages,
                                 region_ids=region_ids)
        if service is None:
            continue
        if service.id in seen:
            first = seen[service.id]
            report.add(line_of(node, "id", line),
                       f"service id {service.id!r} is used twice (first at line {first})")
        seen.setdefault(service.id, line)
        services.append(service)
    _check_ranks(services, report)
    due = [s for s in services if s.review_due <= today + REVIEW_WARNING]
    return services, sorted(report.problems), due


def load_services(
    path: Path | str | None = None,
    *,
    today: date,
    languages: Sequence[str] = ("es", "en"),
    region_ids: Mapping[str, set[str]] | None = None,
) -> list[Service]:
    """The services of services.yaml; raises ContentInvalid with every problem found."""
    services, problems, _ = check_services(
        path, today=today, languages=languages, region_ids=region_ids
    )
    if problems:
        raise ContentInvalid(problems)
    return services



# ------------------------------------------------------------------------------ checks


def _check_rank(node: LineDict, emergency: bool, what: str, report: Report) -> int:
    """`emergency_rank`: required for an emergency line (1 = shown first), absent otherwise."""
    rank = node.get("emergency_rank")
    if not emergency:
        if rank is not None:
            report.add(node.line_of("emergency_rank"),
                       f"{what}: emergency_rank is only for emergency lines (emergency: true)")
        return 0
    if not isinstance(rank, int) or isinstance(rank, bool) or rank < 1:
        line = node.line_of("emergency_rank") if "emergency_rank" in node else node.line_of(
            "emergency")
        report.add(line, f"{what}: an emergency line needs emergency_rank, a whole number from "
                         f"1 (the first number shown to someone in danger)")
        return 0
    return rank


def check_emergency_coverage(
    services: Sequence[Service], countries: Sequence[str], path: Path | str | None = None
) -> list[Problem]:
    """A problem for each country offered to young people (regions.yaml) without an active
    emergency line: someone in danger there would be shown no number of their own."""
    where = str(path if path is not None else default_services_path())
    return [
        Problem(where, 1, f"country {country} (regions.yaml) has no active emergency line: "
                          f"add one with emergency: true, emergency_rank: 1 and status: active")
        for country in countries
        if not any(s.emergency and s.status == "active" and country in s.countries
                   for s in services)
    ]


def _check_ranks(services: Sequence[Service], report: Report) -> None:
    """No two vetted emergency lines of a country share a rank (the order must be explicit).
    A `pending` line may already hold the rank it will take when it is switched on."""
    ranks: dict[tuple[str, int], str] = {}
    for line in services:
        if not line.emergency or not line.emergency_rank or line.status == "pending":
            continue
        for country in line.countries:
            first = ranks.setdefault((country, line.emergency_rank), line.id)
            if first != line.id:
                report.add(1, f"emergency lines {first!r} and {line.id!r} of {country} share "
                              f"emergency_rank {line.emergency_rank}")


def _load_yaml(path: Path) -> tuple[Any, list[Problem]]:
    """load_yaml, but a date that does not exist (2027-02-30) is a problem, not a crash."""
    try:
        return load_yaml(path, str(path))
    except ValueError:  # PyYAML builds dates itself and lets ValueError escape the parser
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, text in enumerate(lines, start=1):
            for found in re.finditer(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", text):
                try:
                    date(*map(int, found.groups()))
                except ValueError:
                    return None, [Problem(str(path), number,
                                          f"{found.group()} is not a date that exists")]
        raise


def _service_nodes(data: Any, report: Report) -> list[Any]:
    if data is None:
        if not report.problems:
            report.add(1, "the file is empty; it needs a 'services:' list")
        return []
    if not isinstance(data, LineDict):
        report.add(1, "the file must be a mapping with a 'services:' list")
        return []
    check_keys(data, required=("services",), optional=("known_gaps",), what="file",
               report=report)
    nodes = data.get("services")
    if "services" in data and not isinstance(nodes, LineList):
        report.add(data.line_of("services"), "'services' must be a list of services")
        return []
    return nodes or []


def _check_service(
    node: Any,
    *,
    line: int,
    report: Report,
    languages: Sequence[str],
    region_ids: Mapping[str, set[str]] | None,
) -> Service | None:
    if not isinstance(node, LineDict):
        report.add(line, "each service must be a mapping (id, name, description, ...)")
        return None
    sid = node.get("id")
    if not isinstance(sid, str) or not SERVICE_ID.fullmatch(sid) or len(sid) > SERVICE_ID_MAX:
        report.add(node.line_of("id"), f"service id {sid!r} must be small letters, digits and "
                                       f"hyphens, at most {SERVICE_ID_MAX} characters")
    check = ServiceCheck(node, f"service {sid!r}", report)
    check_keys(node, required=KEYS, optional=("emergency_rank", "crisis"), what=check.what,
               report=report)
    status = check.choice("status", STATUSES)
    countries = check.codes("countries", COUNTRY, "a country code like PE")
    vetted_on = check.day("vetted_on", optional=status == "pending")
    review_due = check.day("review_due")
    if vetted_on and review_due and review_due < vetted_on:
        report.add(node.line_of("review_due"), f"{check.what}: review_due is before vetted_on")
    age_min, age_max = check.ages()
    emergency = check.flag("emergency")
    return Service(
        id=str(sid),
        name=check.text("name", languages),
        description=check.text("description", languages),
        topics=check.choices("topics", TOPICS),
        countries=countries,
        regions=check.regions(countries, region_ids),
        channels=check.channels(optional=status == "pending"),
        hours=check.text("hours", languages),
        free=check.flag("free"),
        confidential=check.flag("confidential"),
        emergency=emergency,
        emergency_rank=_check_rank(node, emergency, check.what, report),
        crisis=check.flag("crisis"),
        age_min=age_min,
        age_max=age_max,
        languages=check.codes("languages", LANGUAGE, "a language code like es"),
        vetted_by=check.words("vetted_by", optional=status == "pending"),
        vetted_on=vetted_on,
        review_due=review_due or date.min,
        status=status,
        source=check.words("source") or "",
    )
