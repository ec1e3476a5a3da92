"""Emergency lines that cannot disappear: which numbers someone in danger sees, in which order,
when staff are told a line's review is due, and the admins' re-vetting.

A line is an emergency line (`emergency: true`, ordered by `emergency_rank`) or a crisis line
(`crisis: true`: a national mental-health service with a phone, such as Línea 113 option 5).
A passed review date never hides a line: it raises alerts instead (30, 7 and 1 days before,
then every day), each recorded once in `service_alerts`. When every line of a country is
suspended, its lines are shown all the same (suspended ones first, pending ones only if nothing
else; `fallback` is set so the caller alerts staff): never an empty list.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ...db.dialects import insert_for
from ...db.models import ServiceAlert, ServiceReview
from ..errors import DomainError
from ..people.users import audit
from .directory import Service

CRISIS_TOPIC = "mental_health"
DEFAULT_COUNTRY = "PE"
ALERT_DAYS = (30, 7, 1)
REVIEW_PERIOD = timedelta(days=182)  # a re-vetted line is due again in about six months
NOTE_MAX = 200


class LastEmergencyLine(DomainError):
    """Suspending this line would leave its country without an active emergency line."""

    def __init__(self, service: Service, country: str) -> None:
        super().__init__(service.id)
        self.service, self.country = service, country


class Lines(list):
    """The lines to show, best first; `fallback` when none was available and the country's
    lines are shown regardless of their status (staff must be told)."""

    def __init__(self, services: Sequence[Service], *, country: str, fallback: bool = False):
        super().__init__(services)
        self.country, self.fallback = country, fallback


def has_phone(service: Service) -> bool:
    return any(c.kind == "phone" for c in service.channels)


def is_crisis_line(service: Service) -> bool:
    """A national mental-health line marked `crisis: true`, with a phone: shown to someone at
    risk of suicide, and never hidden by an overdue review."""
    return (
        service.crisis
        and not service.emergency
        and CRISIS_TOPIC in service.topics
        and service.is_national
        and has_phone(service)
    )


def is_line(service: Service) -> bool:
    return service.emergency or is_crisis_line(service)


def choose_lines(
    services: Sequence[Service],
    *,
    country: str | None,
    overrides: Mapping[str, str],
    topic: str | None = None,
) -> Lines:
    """The emergency lines of `country` (Peru's when it has none) in rank order. For the
    mental-health topic (suicide, self-harm), the crisis lines come right after the first."""
    code = country if country and any(
        s.emergency and country in s.countries for s in services
    ) else DEFAULT_COUNTRY
    mine = sorted((s for s in services if s.emergency and code in s.countries),
                  key=lambda s: s.emergency_rank)
    shown = [s for s in mine if s.is_reachable(overrides.get(s.id))]
    fallback = not shown
    if fallback:
        shown = [s for s in mine if has_phone(s) and s.status != "pending"] or [
            s for s in mine if has_phone(s)
        ]
    if topic == CRISIS_TOPIC:
        crisis = crisis_lines(services, country=code, overrides=overrides)
        shown = shown[:1] + crisis + shown[1:]
    return Lines(shown, country=code, fallback=fallback)


def crisis_lines(
    services: Sequence[Service], *, country: str, overrides: Mapping[str, str]
) -> list[Service]:
    """The country's reachable crisis lines, by name (an overdue review does not hide them)."""
    return sorted(
        (s for s in services
         if is_crisis_line(s) and country in s.countries and s.is_reachable(overrides.get(s.id))),
        key=lambda s: s.id,
    )


def crisis_first(shown: Sequence[Service], crisis: Sequence[Service]) -> list[Service]:
    """`shown` with the crisis lines first (added when missing): the mental-health topic."""
    first = {s.id for s in crisis}
    return [*crisis, *(s for s in shown if s.id not in first)]


# Re-vetting --------------------------------------------------------------------------------


async def reviews(session: AsyncSession) -> dict[str, ServiceReview]:
    """Service id → its latest re-vetting by an admin (a handful of rows, read whole)."""
    return {r.service_id: r for r in await session.scalars(select(ServiceReview))}


def with_reviews(
    services: Sequence[Service], stored: Mapping[str, ServiceReview]
) -> list[Service]:
    """The services with the admins' re-vetting applied where it is later than the file's."""
    result = []
    for service in services:
        review = stored.get(service.id)
        if review is not None and review.review_due > service.review_due:
            service = dataclasses.replace(
                service, vetted_on=review.vetted_on, review_due=review.review_due
            )
        result.append(service)
    return result


async def effective(session: AsyncSession, services: Sequence[Service]) -> list[Service]:
    return with_reviews(services, await reviews(session))


async def revet(
    session: AsyncSession,
    services: Sequence[Service],
    *,
    service_id: str,
    actor_id: int,
    note: str,
    today: date,
) -> ServiceReview:
    """An admin checked the service again today: due again in six months (audited)."""
    service = next((s for s in services if s.id == service_id), None)
    if service is None or service.status == "pending":
        raise LookupError(service_id)
    note = " ".join(note.split())[:NOTE_MAX]
    review = await session.get(ServiceReview, service_id)
    if review is None:
        review = ServiceReview(service_id=service_id)
        session.add(review)
    review.vetted_on, review.review_due = today, today + REVIEW_PERIOD
    review.vetted_by, review.note = actor_id, note
    audit(session, actor_id=actor_id, action="service.revet", target=service_id,
          detail=f"review_due {review.review_due.isoformat()}: {note}")
    return review


def check_can_suspend(
    services: Sequence[Service], overrides: Mapping[str, str], service: Service
) -> None:
    """Refuse to suspend the last active emergency line of any of its countries."""
    if not service.emergency:
        return
    for country in service.countries:
        others = [
            s for s in services
            if s.emergency and s.id != service.id and country in s.countries
            and s.is_reachable(overrides.get(s.id))
        ]
        if not others:
            raise LastEmergencyLine(service, country)


# Review alerts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewAlert:
    """One alert to send: the line, the days left (negative when overdue), and its key."""

    service: Service
    days_left: int
    key: str


def alerts_due(lines: Sequence[Service], *, today: date) -> list[ReviewAlert]:
    """For each line: the alert of the last threshold reached (30, 7, 1 days before the
    review date), or of today when overdue. Keys name the review date, so a re-vet starts over."""
    due = []
    for service in lines:
        days = (service.review_due - today).days
        if days < 0:
            key = f"{service.review_due.isoformat()}:late:{today.isoformat()}"
        elif days <= ALERT_DAYS[0]:
            threshold = min(t for t in ALERT_DAYS if days <= t) if days >= 1 else 1
            key = f"{service.review_due.isoformat()}:{threshold}d"
        else:
            continue
        due.append(ReviewAlert(service, days, key))
    return due


async def claim_alert(session: AsyncSession, *, service_id: str, key: str, now: datetime) -> bool:
    """Record that this alert is sent; False when it already was (by us or another replica)."""
    table = ServiceAlert.__table__
    claimed = await session.execute(
        insert_for(session, ServiceAlert)
        .values(service_id=service_id, alert=key[:40], at=now)
        .on_conflict_do_nothing(index_elements=["service_id", "alert"])
        .returning(table.c.service_id)
    )
    return claimed.first() is not None


async def claim_review_alerts(
    session: AsyncSession,
    services: Sequence[Service],
    *,
    overrides: Mapping[str, str],
    today: date,
    now: datetime,
) -> list[ReviewAlert]:
    """The review alerts to send now, each claimed in the database so it is sent once."""
    current = with_reviews(services, await reviews(session))
    lines = [s for s in current if is_line(s) and s.is_reachable(overrides.get(s.id))]
    claimed = []
    for alert in alerts_due(lines, today=today):
        if await claim_alert(session, service_id=alert.service.id, key=alert.key, now=now):
            claimed.append(alert)
    return claimed


async def claim_fallback_alert(
    session: AsyncSession, *, country: str, today: date, now: datetime
) -> bool:
    """Once a day per country: staff are told its lines were all suspended but shown."""
    return await claim_alert(
        session, service_id=f"country-{country}", key=f"fallback:{today.isoformat()}", now=now
    )
