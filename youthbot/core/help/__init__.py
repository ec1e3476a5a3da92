"""Getting help: which vetted services to show, admins' overrides, and when staff answer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ...db.models import ServiceOverride
from ..errors import DomainError
from ..people.users import audit
from . import emergency
from .directory import Service, match_services

OVERRIDE_STATUSES = ("active", "suspended")


class UnknownService(DomainError):
    """No service in the directory has this id."""


# Staff hours ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffHours:
    """When people answer cases, every day, in one timezone ("08:00-20:00", America/Lima)."""

    start: time
    end: time
    zone: ZoneInfo

    def is_open(self, now: datetime) -> bool:
        local = now.astimezone(self.zone).time()
        if self.start == self.end:
            return True
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end  # hours across midnight

    def next_opening(self, now: datetime) -> datetime:
        """The next time staff start answering, in the staff timezone."""
        local = now.astimezone(self.zone)
        opening = datetime.combine(local.date(), self.start, tzinfo=self.zone)
        return opening if opening > local else opening + timedelta(days=1)


def parse_staff_hours(text: str, timezone: str) -> StaffHours:
    """`HH:MM-HH:MM` in `timezone`; ValueError names what is wrong."""
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"TIMEZONE {timezone!r} is not a known timezone") from None
    parts = text.replace(" ", "").split("-")
    try:
        start, end = (time.fromisoformat(p) for p in parts)
    except ValueError:
        raise ValueError(f"STAFF_HOURS {text!r} must look like 08:00-20:00") from None
    return StaffHours(start, end, zone)


# Services and overrides -------------------------------------------------------------------


async def service_overrides(session: AsyncSession) -> dict[str, str]:
    """Service id → the status an admin set (a handful of rows, read whole)."""
    rows = await session.execute(select(ServiceOverride.service_id, ServiceOverride.status))
    return {service_id: status for service_id, status in rows}


async def services_for(
    session: AsyncSession,
    services: Sequence[Service],
    *,
    topic: str | None,
    country: str | None,
    region: str | None,
    today: date,
    lang: str,
    age_band: str | None = None,
) -> list[Service]:
    """The visible services for a need, best first (region, then national; see
    directory.match_services), for a person of `age_band` (None: any age)."""
    overrides = await service_overrides(session)
    return match_services(
        await emergency.effective(session, services),
        topic=topic,
        country=country,
        region=region,
        today=today,
        overrides=overrides,
        lang=lang,
        age_band=age_band,
    )


async def emergency_lines(
    session: AsyncSession,
    services: Sequence[Service],
    *,
    country: str | None,
    today: date,
    topic: str | None = None,
) -> emergency.Lines:
    """The emergency numbers of `country` (Peru's when it has none), in their rank order, never
    hidden by a passed review date and never empty; with `topic="mental_health"` the crisis
    lines come right after the first. `today` is kept for the callers' symmetry."""
    overrides = await service_overrides(session)
    return emergency.choose_lines(services, country=country, overrides=overrides, topic=topic)


async def visible_service(
    session: AsyncSession, services: Sequence[Service], service_id: str, *, today: date
) -> Service | None:
    """The service with this id if a young person may see it today, else None."""
    service = next((s for s in services if s.id == service_id), None)
    if service is None:
        return None
    service = (await emergency.effective(session, [service]))[0]
    override = await session.get(ServiceOverride, service_id)
    return service if service.is_visible(today, override.status if override else None) else None


async def referable_services(
    session: AsyncSession, services: Sequence[Service], *, country: str | None, today: date
) -> list[Service]:
    """Every visible service of `country` (all visible ones when it is not known)."""
    overrides = await service_overrides(session)
    return [
        s
        for s in await emergency.effective(session, services)
        if s.is_visible(today, overrides.get(s.id)) and (country is None or country in s.countries)
    ]


async def set_service_status(
    session: AsyncSession,
    services: Sequence[Service],
    *,
    service_id: str,
    status: str,
    actor_id: int,
    now: datetime,
) -> Service:
    """Suspend or reactivate a service at once, overriding the file until undone (audited).

    Activating a service that the file has active simply removes the override. Suspending
    the last active emergency line of a country raises emergency.LastEmergencyLine.
    """
    if status not in OVERRIDE_STATUSES:
        raise ValueError(status)
    service = next((s for s in services if s.id == service_id), None)
    if service is None:
        raise UnknownService(service_id)
    if status == "suspended":
        emergency.check_can_suspend(services, await service_overrides(session), service)
    override = await session.get(ServiceOverride, service_id)
    if status == service.status:
        if override is not None:
            await session.delete(override)
    elif override is None:
        session.add(
            ServiceOverride(service_id=service_id, status=status, set_by=actor_id, set_at=now)
        )
    else:
        override.status, override.set_by, override.set_at = status, actor_id, now
    action = "service.activate" if status == "active" else "service.suspend"
    audit(session, actor_id=actor_id, action=action, target=service_id)
    return service
