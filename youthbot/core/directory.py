"""The service directory: vetted help services, which ones may be shown, and which fit a need.

The data lives in content/services.yaml. A service is shown only when it is active (after an
admin's override), has been vetted in the file (never `pending`) and its review is not overdue.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from youthbot.core.regions import Report, check_keys, check_text, line_of, text_in
from youthbot.core.yamlsource import ContentInvalid, LineDict, LineList, Problem, load_yaml

TOPICS = (
    "sexual_exploitation",
    "grooming",
    "trafficking",
    "violence_home",
    "mental_health",
    "legal",
    "other",
)
CHANNEL_KINDS = ("phone", "web", "chat", "whatsapp", "telegram", "email")
STATUSES = ("active", "pending", "suspended")
REVIEW_WARNING = timedelta(days=30)
# Ids travel in callback data (64 bytes in all), hence the short limit.
SERVICE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SERVICE_ID_MAX = 24
COUNTRY = re.compile(r"[A-Z]{2}")
LANGUAGE = re.compile(r"[a-z]{2,3}")
PHONE = re.compile(r"\+?[0-9][0-9 ().-]*")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
KEYS = (
    "id", "name", "description", "topics", "countries", "regions", "channels", "hours", "free",
    "confidential", "emergency", "ages", "languages", "vetted_by", "vetted_on", "review_due",
    "status", "source",
)


@dataclass(frozen=True)
class Channel:
    """One way to reach a service: a phone number, a web address, a chat..."""

    kind: str
    value: str

    @property
    def href(self) -> str:
        """A link that opens this channel on a phone."""
        digits = re.sub(r"\D", "", self.value)
        if self.kind == "phone":
            return "tel:" + ("+" if self.value.strip().startswith("+") else "") + digits
        if self.kind == "whatsapp":
            return f"https://wa.me/{digits}"
        if self.kind == "email":
            return f"mailto:{self.value.strip()}"
        return self.value.strip()


@dataclass(frozen=True)
class Service:
    """A vetted help service from the directory."""

    id: str
    name: dict[str, str]
    description: dict[str, str]
    topics: tuple[str, ...]
    countries: tuple[str, ...]
    regions: tuple[str, ...]
    channels: tuple[Channel, ...]
    hours: dict[str, str]
    free: bool
    confidential: bool
    emergency: bool
    age_min: int
    age_max: int
    languages: tuple[str, ...]
    vetted_by: str | None
    vetted_on: date | None
    review_due: date
    status: str
    source: str

    def name_in(self, lang: str) -> str:
        return text_in(self.name, lang)

    def description_in(self, lang: str) -> str:
        return text_in(self.description, lang)

    def hours_in(self, lang: str) -> str:
        return text_in(self.hours, lang)

    @property
    def is_national(self) -> bool:
        return not self.regions

    def is_visible(self, today: date, override: str | None = None) -> bool:
        """Whether a young person may see this service today.

        An admin's override status wins over the file's, except that a service still `pending`
        in the file stays hidden: vetting is recorded in the file, not by an override.
        """
        if self.status == "pending":
            return False
        return (override or self.status) == "active" and today <= self.review_due


def default_services_path() -> Path:
    return Path(__file__).resolve().parent.parent / "content" / "services.yaml"


def check_services(
    path: Path | str | None = None,
    *,
    today: date,
    languages: Sequence[str] = ("es", "en"),
    region_ids: Mapping[str, set[str]] | None = None,
) -> tuple[list[Service], list[Problem], list[Service]]:
    """Read services.yaml; return the services, every problem found, and the services whose
    review is due within 30 days of `today` (or overdue)."""
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


def match_services(
    services: Sequence[Service],
    *,
    topic: str | None,
    country: str | None,
    region: str | None,
    today: date,
    overrides: Mapping[str, str] | None = None,
    lang: str = "es",
) -> list[Service]:
    """The visible services for a need, best first.

    Kept: the country's national services and those of `region`; of these, the ones covering
    `topic`, or, when none does, the ones covering `other`. Order: services of the region
    before national ones, then by name. No country → [] (the caller shows emergency numbers).
    """
    if country is None:
        return []
    overrides = overrides or {}
    usable = [
        s for s in services
        if s.is_visible(today, overrides.get(s.id))
        and country in s.countries
        and (s.is_national or (region is not None and region in s.regions))
    ]
    if topic is not None:
        usable = [s for s in usable if topic in s.topics] or [
            s for s in usable if "other" in s.topics
        ]
    return sorted(usable, key=lambda s: (s.is_national, s.name_in(lang).casefold()))


def emergency_services(
    services: Sequence[Service],
    *,
    country: str | None,
    today: date,
    overrides: Mapping[str, str] | None = None,
) -> list[Service]:
    """Visible emergency services of `country`, in file order; Peru's when it has none."""
    overrides = overrides or {}

    def of(code: str) -> list[Service]:
        return [
            s for s in services
            if s.emergency and code in s.countries and s.is_visible(today, overrides.get(s.id))
        ]

    return (of(country) if country else []) or of("PE")


# ------------------------------------------------------------------------------ checks


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
    check_keys(data, required=("services",), what="file", report=report)
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
    check = _ServiceCheck(node, f"service {sid!r}", report)
    check_keys(node, required=KEYS, what=check.what, report=report)
    status = check.choice("status", STATUSES)
    countries = check.codes("countries", COUNTRY, "a country code like PE")
    vetted_on = check.day("vetted_on", optional=status == "pending")
    review_due = check.day("review_due")
    if vetted_on and review_due and review_due < vetted_on:
        report.add(node.line_of("review_due"), f"{check.what}: review_due is before vetted_on")
    age_min, age_max = check.ages()
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
        emergency=check.flag("emergency"),
        age_min=age_min,
        age_max=age_max,
        languages=check.codes("languages", LANGUAGE, "a language code like es"),
        vetted_by=check.words("vetted_by", optional=status == "pending"),
        vetted_on=vetted_on,
        review_due=review_due or date.min,
        status=status,
        source=check.words("source") or "",
    )


class _ServiceCheck:
    """Checks the fields of one service entry; each method reports and returns a usable value."""

    def __init__(self, node: LineDict, what: str, report: Report) -> None:
        self.node, self.what, self.report = node, what, report

    def _problem(self, key: str, message: str) -> None:
        self.report.add(self.node.line_of(key), f"{self.what}: {message}")

    def _list(self, key: str) -> LineList | None:
        value = self.node.get(key)
        if key in self.node and not isinstance(value, LineList):
            self._problem(key, f"{key} must be a list, like [a, b]")
        return value if isinstance(value, LineList) else None

    def text(self, key: str, languages: Sequence[str]) -> dict[str, str]:
        if key not in self.node:
            return {}
        return check_text(self.node[key], line=self.node.line_of(key), what=f"{self.what} {key}",
                          report=self.report, languages=languages)

    def choice(self, key: str, allowed: Sequence[str]) -> str:
        value = self.node.get(key)
        if key in self.node and value not in allowed:
            self._problem(key, f"{key} {value!r} is not one of: {', '.join(allowed)}")
        return value if isinstance(value, str) else ""

    def choices(self, key: str, allowed: Sequence[str]) -> tuple[str, ...]:
        items = self._list(key)
        if items is not None and not items:
            self._problem(key, f"{key} must name at least one of: {', '.join(allowed)}")
        for index, item in enumerate(items or []):
            if item not in allowed:
                self.report.add(items.line_of(index), f"{self.what}: unknown {key[:-1]} "
                                                      f"{item!r} (known: {', '.join(allowed)})")
        return tuple(str(item) for item in items or [])

    def codes(self, key: str, pattern: re.Pattern[str], example: str) -> tuple[str, ...]:
        items = self._list(key)
        if items is not None and not items:
            self._problem(key, f"{key} must not be empty")
        for index, item in enumerate(items or []):
            if not isinstance(item, str) or not pattern.fullmatch(item):
                self.report.add(items.line_of(index),
                                f"{self.what}: {key} entry {item!r} must be {example}")
        return tuple(str(item) for item in items or [])

    def regions(
        self, countries: Sequence[str], region_ids: Mapping[str, set[str]] | None
    ) -> tuple[str, ...]:
        items = self._list("regions")
        if region_ids is not None:
            for country in countries:
                if country not in region_ids:
                    self._problem("countries", f"country {country!r} is not in regions.yaml")
        for index, item in enumerate(items or []):
            known = any(item in region_ids.get(c, ()) for c in countries) if region_ids else True
            if not isinstance(item, str) or not known:
                where = " or ".join(countries) or "its country"
                self.report.add(items.line_of(index),
                                f"{self.what}: region {item!r} is not a region of {where}")
        return tuple(str(item) for item in items or [])

    def channels(self, *, optional: bool) -> tuple[Channel, ...]:
        items = self._list("channels")
        if items is not None and not items and not optional:
            self._problem("channels", "channels must list at least one way to reach the service")
        found = []
        for index, item in enumerate(items or []):
            channel = _check_channel(item, items.line_of(index), self.what, self.report)
            if channel is not None:
                found.append(channel)
        return tuple(found)

    def flag(self, key: str) -> bool:
        value = self.node.get(key)
        if key in self.node and not isinstance(value, bool):
            self._problem(key, f"{key} must be true or false, not {value!r}")
        return value is True

    def ages(self) -> tuple[int, int]:
        ages = self.node.get("ages")
        if "ages" not in self.node:
            return 0, 0
        if not isinstance(ages, LineDict) or set(ages) != {"min", "max"}:
            self._problem("ages", "ages must be {min: 0, max: 99}")
            return 0, 0
        low, high = ages["min"], ages["max"]
        if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in (low, high)):
            self._problem("ages", "ages min and max must be whole numbers, 0 or more")
            return 0, 0
        if low > high:
            self._problem("ages", f"ages min {low} is greater than max {high}")
        return low, high

    def day(self, key: str, *, optional: bool = False) -> date | None:
        value = self.node.get(key)
        if key not in self.node or (value is None and optional):
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self._problem(key, f"{key} {value!r} is not a date like 2027-05-22")
            return None

    def words(self, key: str, *, optional: bool = False) -> str | None:
        value = self.node.get(key)
        if key not in self.node or (value is None and optional):
            return None
        if not isinstance(value, str) or not value.strip():
            self._problem(key, f"{key} must be a non-empty text")
            return None
        return value.strip()


def _check_channel(item: Any, line: int, what: str, report: Report) -> Channel | None:
    if not isinstance(item, LineDict):
        report.add(line, f"{what}: a channel must be {{kind: phone, value: \"100\"}}")
        return None
    check_keys(item, required=("kind", "value"), what=f"{what} channel", report=report)
    kind, value = item.get("kind"), item.get("value")
    if kind not in CHANNEL_KINDS:
        report.add(item.line_of("kind"), f"{what}: unknown channel kind {kind!r} "
                                         f"(known: {', '.join(CHANNEL_KINDS)})")
        return None
    value = str(value).strip() if isinstance(value, str | int) else ""
    reason = _channel_value_problem(kind, value)
    if reason:
        report.add(item.line_of("value"), f"{what}: {kind} {value!r} {reason}")
        return None
    return Channel(kind, value)


def _channel_value_problem(kind: str, value: str) -> str | None:
    """Why `value` cannot be used for a channel of `kind`, or None when it can."""
    digits = len(re.sub(r"\D", "", value))
    if kind == "phone" and not (PHONE.fullmatch(value) and 3 <= digits <= 15):
        return "is not a phone number (3 to 15 digits, spaces, hyphens, an optional +)"
    if kind == "whatsapp" and not (PHONE.fullmatch(value) and value.startswith("+")
                                   and 8 <= digits <= 15):
        return "is not a WhatsApp number with its country code, like +55 61 99611-0100"
    if kind == "email" and not EMAIL.fullmatch(value):
        return "is not an email address"
    if kind in ("web", "chat", "telegram") and not _is_url(value):
        return "is not a web address starting with https://"
    if kind == "telegram" and urlsplit(value).hostname not in ("t.me", "telegram.me"):
        return "is not a Telegram link like https://t.me/name"
    return None


def _is_url(value: str) -> bool:
    parts = urlsplit(value)
    host = parts.hostname or ""
    return parts.scheme in ("https", "http") and "." in host and not re.search(r"\s", value)
