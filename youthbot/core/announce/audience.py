"""Who receives an announcement or a poll: countries, regions, age bands and languages.

Each list is "any of these"; an empty list is no filter, and the lists combine with "and".
A region narrows its country: with regions chosen, the country list only helps pick them.
People who never chose a country or region get only announcements with no place filter.
Under-14s are anonymous and cannot opt in, so an age band always excludes nobody unknown:
18+ content targeted at 18–25 and 26+ never reaches a 14–17 or a person with no band.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import and_, false, or_, select, true

from ...db.models import User
from ...db.models.polls import PollResponder
from ..people.users import AGE_BANDS

# Age bands an announcement can target (under-14s never opt in: users.is_anonymous).
TARGET_AGE_BANDS = tuple(band for band in AGE_BANDS if band != "u14")
KINDS = ("country", "region", "age", "lang")


def region_key(country: str | None, region: str | None) -> str:
    """"PE:puno" (also a safe callback token), or "-" for a person who did not say."""
    return f"{country}:{region}" if country and region else "-"


@dataclass(frozen=True)
class Audience:
    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()  # region_key values
    ages: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    poll: int | None = None  # the people who answered this poll (its results, shared back)

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Audience:
        data = data or {}
        return cls(
            countries=tuple(data.get("countries", ())),
            regions=tuple(data.get("regions", ())),
            ages=tuple(data.get("ages", ())),
            languages=tuple(data.get("languages", ())),
            poll=data.get("poll"),
        )

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "countries": list(self.countries),
            "regions": list(self.regions),
            "ages": list(self.ages),
            "languages": list(self.languages),
        }
        if self.poll is not None:
            data["poll"] = self.poll
        return data

    @property
    def everyone(self) -> bool:
        return not (self.countries or self.regions or self.ages or self.languages or self.poll)

    def toggled(self, kind: str, value: str) -> Audience:
        """With `value` added to the `kind` list, or removed when it was there; unchoosing a
        country unchooses its regions."""
        field = {"country": "countries", "region": "regions", "age": "ages",
                 "lang": "languages"}[kind]  # fmt: skip
        current = getattr(self, field)
        chosen = tuple(v for v in current if v != value) if value in current else (
            *current, value
        )
        changed = replace(self, **{field: chosen})
        if kind == "country" and value in current:
            prefix = value + ":"
            changed = replace(
                changed, regions=tuple(r for r in changed.regions if not r.startswith(prefix))
            )
        return changed

    def condition(self):
        """The SQL condition on `users` for this audience."""
        parts = [true()]
        if self.regions:
            pairs = [r.split(":", 1) for r in self.regions if ":" in r]
            parts.append(
                or_(*(and_(User.country == c, User.region == r) for c, r in pairs))
                if pairs else false()
            )
        elif self.countries:
            parts.append(User.country.in_(self.countries))
        if self.ages:
            parts.append(User.age_band.in_(self.ages))
        if self.languages:
            parts.append(User.language.in_(self.languages))
        if self.poll is not None:
            answered = select(PollResponder.user_id).where(PollResponder.poll_id == self.poll)
            parts.append(User.id.in_(answered))
        return and_(*parts)
