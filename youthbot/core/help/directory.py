"""The service directory: vetted help services, which ones may be shown, and which fit a need.

The data lives in content/services.yaml (read and checked by directory_file). A service is
shown only when it is active (after an admin's override), has been vetted in the file (never
`pending`) and its review is not overdue. Emergency lines are the exception to the last rule:
an overdue review never hides one (staff are alerted instead, see core/emergency).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from youthbot.core.regions import text_in

TOPICS = (
    "sexual_exploitation",
    "grooming",
    "trafficking",
    "violence_home",
    "mental_health",
    "legal",
    "other",
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
    # Emergency lines only: 1 is shown first to someone in danger now, then 2, 3...
    emergency_rank: int = 0
    crisis: bool = False  # a suicide/crisis line: shown with the emergency lines

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

    def is_reachable(self, override: str | None = None) -> bool:
        """Whether an emergency line is shown: vetted once and not suspended. Its review date
        does not matter: a passed date alerts staff but never hides a way to get help now."""
        if self.status == "pending":
            return False
        return (override or self.status) == "active"


# The age bands people choose (core/users.AGE_BANDS) as the ages they cover, both ends included.
AGE_BAND_AGES = {"u14": (0, 13), "14-17": (14, 17), "18-25": (18, 25), "26+": (26, 150)}


def fits_age_band(service: Service, age_band: str | None) -> bool:
    """Whether the service's ages overlap the band's; an unknown band fits every service."""
    ages = AGE_BAND_AGES.get(age_band or "")
    if ages is None:
        return True
    low, high = ages
    return service.age_min <= high and service.age_max >= low


def match_services(
    services: Sequence[Service],
    *,
    topic: str | None,
    country: str | None,
    region: str | None,
    today: date,
    overrides: Mapping[str, str] | None = None,
    lang: str = "es",
    age_band: str | None = None,
) -> list[Service]:
    """The visible services for a need, best first.

    Kept: the country's national services and those of `region` whose ages include the
    person's `age_band` (unknown: any); of these, the ones covering `topic`, or, when none
    does, the ones covering `other`. Order: services of the region before national ones; in
    each group those that speak `lang` first (the others are still shown), then by name.
    No country → [] (the caller shows emergency numbers).
    """
    if country is None:
        return []
    overrides = overrides or {}
    usable = [
        s for s in services
        if s.is_visible(today, overrides.get(s.id))
        and country in s.countries
        and (s.is_national or (region is not None and region in s.regions))
        and fits_age_band(s, age_band)
    ]
    if topic is not None:
        usable = [s for s in usable if topic in s.topics] or [
            s for s in usable if "other" in s.topics
        ]
    return sorted(
        usable,
        key=lambda s: (s.is_national, lang not in s.languages, s.name_in(lang).casefold()),
    )


def emergency_services(
    services: Sequence[Service],
    *,
    country: str | None,
    today: date,
    overrides: Mapping[str, str] | None = None,
) -> list[Service]:
    """Reachable emergency lines of `country` in their `emergency_rank` order (an overdue
    review does not hide them); Peru's when the country has none."""
    overrides = overrides or {}

    def of(code: str) -> list[Service]:
        lines = [
            s for s in services
            if s.emergency and code in s.countries and s.is_reachable(overrides.get(s.id))
        ]
        return sorted(lines, key=lambda s: s.emergency_rank)

    return (of(country) if country else []) or of("PE")
