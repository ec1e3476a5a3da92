"""The registration steps answered with a button: type, pathway, day and hour, place, and
expected participants. Button data is checked again before anything is stored."""

from __future__ import annotations

from datetime import timedelta

from ...core import activities as acts
from ...core.activities import Step
from ...core.activities import leaders as activity_leaders
from ...core.activities.dates import DateInvalid, combine_day
from ...core.people.roles import LEADERS
from ..runtime.paging import is_page
from ..runtime.router import Router
from ..runtime.turn import Turn
from .actions import (
    COUNTRY,
    DAY,
    DISTRICT,
    END_AFTER,
    EXPECTED,
    HOUR,
    KIND,
    ONLINE,
    PATHWAY,
    PLACES,
    REGION,
    SAME_GROUP,
)
from .flow import advance, load_own, show_step
from .steps import PICK_HOURS, QUICK_LENGTHS, picked_day
from .views import default_country, error_text, find_country, tell


async def choose_kind(turn: Turn, activity_id: int, kind: acts.Kind) -> None:
    """Store the type; ask the pathway next."""
    if activity := await load_own(turn, activity_id):
        activity.kind = kind
        await advance(turn, activity, Step.KIND)


async def choose_pathway(turn: Turn, activity_id: int, pathway: acts.Pathway) -> None:
    """Store the pathway; ask the date next."""
    if activity := await load_own(turn, activity_id):
        activity.pathway = pathway
        await advance(turn, activity, Step.PATHWAY)


async def choose_day(turn: Turn, activity_id: int, token: str) -> None:
    """A day from the picker: ask the hour."""
    day = picked_day(turn, token)
    activity = await load_own(turn, activity_id) if day else None
    if day is None:
        turn.stale(alert=True)
    elif activity is not None:
        await show_step(turn, activity, Step.HOUR, day=day)


async def choose_hour(turn: Turn, activity_id: int, token: str, hour: int) -> None:
    """An hour from the picker: store the date and time (if still in the future)."""
    day = picked_day(turn, token)
    if day is None or hour not in PICK_HOURS:
        turn.stale(alert=True)
        return
    starts_at = combine_day(day, hour, 0, timezone=turn.settings.timezone)
    if starts_at <= turn.now:
        tell(turn, error_text(DateInvalid("past")))
        return
    if activity := await load_own(turn, activity_id):
        acts.move_start(activity, starts_at)
        await advance(turn, activity, Step.WHEN)


async def choose_length(turn: Turn, activity_id: int, hours: int) -> None:
    """How long it lasts, from the quick buttons: the end."""
    if hours not in QUICK_LENGTHS:
        turn.stale(alert=True)
    elif (activity := await load_own(turn, activity_id)) and activity.starts_at is not None:
        activity.ends_at = activity.starts_at + timedelta(hours=hours)
        await advance(turn, activity, Step.END)
    elif activity is not None:
        await show_step(turn, activity, Step.WHEN)


async def choose_same_group(turn: Turn, activity_id: int) -> None:
    """The organising group of the leader's last activity, again."""
    activity = await load_own(turn, activity_id)
    if activity is None:
        return
    group = await activity_leaders.last_group(turn.session, leader_id=turn.user_id)
    if group is None:
        turn.stale(alert=True)
        return
    activity.group_name = group
    await advance(turn, activity, Step.GROUP)


async def choose_country(turn: Turn, activity_id: int, country_id: str) -> None:
    """Show the regions of another country."""
    if find_country(turn.deps, country_id) is None:
        turn.stale(alert=True)
    elif activity := await load_own(turn, activity_id):
        await show_step(turn, activity, Step.PLACE, country=country_id)


async def turn_region_page(turn: Turn, activity_id: int, country_id: str, page: int) -> None:
    """Another page of a country's regions."""
    country = find_country(turn.deps, country_id)
    if country is None or not is_page(len(country.regions), page):
        turn.stale(alert=True)
    elif activity := await load_own(turn, activity_id):
        await show_step(turn, activity, Step.PLACE, country=country_id, page=page)


async def choose_region(turn: Turn, activity_id: int, country_id: str, region_id: str) -> None:
    """Store the region; ask the district next."""
    country = find_country(turn.deps, country_id)
    if country is None or country.region(region_id) is None:
        turn.stale(alert=True)
    elif activity := await load_own(turn, activity_id):
        activity_leaders.set_place(
            activity, country=country_id, region=region_id, online=False
        )
        await advance(turn, activity, Step.PLACE)


async def choose_online(turn: Turn, activity_id: int) -> None:
    """An online activity: no region or district."""
    if activity := await load_own(turn, activity_id):
        country = activity.country or default_country(turn.deps, None)
        activity_leaders.set_place(activity, country=country, region=None, online=True)
        await advance(turn, activity, Step.PLACE)


async def choose_district(turn: Turn, activity_id: int, index: int) -> None:
    """A district from the list, or none (-1)."""
    activity = await load_own(turn, activity_id)
    if activity is None:
        return
    country = find_country(turn.deps, activity.country)
    region = country.region(activity.region) if country and activity.region else None
    if region is None or not -1 <= index < len(region.districts):
        turn.stale(alert=True)
        return
    activity.district = region.districts[index] if index >= 0 else None
    await advance(turn, activity, Step.DISTRICT)


async def choose_expected(turn: Turn, activity_id: int, expected: int) -> None:
    """Expected participants from the quick buttons."""
    if not 1 <= expected <= acts.EXPECTED_MAX:
        turn.stale(alert=True)
    elif activity := await load_own(turn, activity_id):
        activity.expected = expected
        await advance(turn, activity, Step.EXPECTED)


def register_choices(router: Router) -> None:
    """The steps answered with a button."""
    router.button(KIND, roles=LEADERS)(choose_kind)
    router.button(PATHWAY, roles=LEADERS)(choose_pathway)
    router.button(DAY, roles=LEADERS)(choose_day)
    router.button(HOUR, roles=LEADERS)(choose_hour)
    router.button(COUNTRY, roles=LEADERS)(choose_country)
    router.button(PLACES, roles=LEADERS)(turn_region_page)
    router.button(REGION, roles=LEADERS)(choose_region)
    router.button(ONLINE, roles=LEADERS)(choose_online)
    router.button(DISTRICT, roles=LEADERS)(choose_district)
    router.button(EXPECTED, roles=LEADERS)(choose_expected)
    router.button(END_AFTER, roles=LEADERS)(choose_length)
    router.button(SAME_GROUP, roles=LEADERS)(choose_same_group)
