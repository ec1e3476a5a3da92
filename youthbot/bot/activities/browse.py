"""Young people find approved upcoming activities by region, see them, join and leave.

Joining keeps a note that this person joined (for the reminder), so it is only for people who
agreed to the privacy notice and are 14 or older; anonymous people see everything and are told
kindly that they can simply go, or ask their group leader.
"""

from __future__ import annotations

from datetime import timedelta

from ...core.activities import joins as joins
from ...core.errors import NotAllowed, NotFound
from ...db.models import Activity
from ...i18n import _, pgettext
from ..runtime.paging import is_page, paged_rows
from ..runtime.router import Router
from ..runtime.turn import Turn, button, keyboard
from .actions import AREA, AREAS, BROWSE, JOIN, JOINED, LEAVE, MENU, SEE
from .views import (
    back_button,
    find_country,
    region_name,
    render_details,
    render_join_reminder,
    render_link,
    short_when,
    tell,
    zone,
)

PAGE = 8
ONLINE = "-"


def render_anonymous_join(activity: Activity | None = None) -> str:
    """Why there is no join button, and how to take part anyway (online: the link here)."""
    if activity is not None and activity.online:
        return _(
            "To join through the bot we would need to keep a note that you joined, and we "
            "keep nothing about you (because you are under 14, or chose not to share data). "
            "You can still take part: the link appears here from one hour before the start. "
            "Ask your group leader or an adult you trust if you have questions."
        )
    return _(
        "To join through the bot we would need to keep a note that you joined, and we do not "
        "keep that for you (because you are under 14, or did not agree to the privacy notice). "
        "You can still go: just turn up, or ask your group leader."
    )


def render_joined_note(turn: Turn, activity: Activity) -> str:
    """What a person who joined is told: which reminders are still to come."""
    if not turn.user.notify_reminders:
        return _("✅ You have joined. (Reminders are off in your settings.)")
    left = activity.starts_at - turn.now
    if left <= timedelta(0):
        return _("✅ You have joined. It has already started.")
    if left <= joins.SOON_BEFORE:
        return _("✅ You have joined. It starts very soon, at {time}.").format(
            time=turn.translator.format_datetime(activity.starts_at, "HH:mm",
                                                 tzinfo=zone(turn.deps)))
    if left <= joins.REMINDER_BEFORE:
        return _("✅ You have joined. I will remind you one hour before.")
    return _("✅ You have joined. I will remind you the day before and one hour before.")


def render_link_note(turn: Turn, activity: Activity, *, may_see: bool) -> str | None:
    """An online activity's link, only near the start and only for those who may see it."""
    if not activity.online:
        return None
    if may_see and joins.link_is_open(activity, turn.now):
        return render_link(activity)
    if turn.anonymous:  # their note below says when the link appears
        return None
    if may_see:
        return _("🔗 The link to take part appears here from one hour before the start.")
    return _("🔗 Join to get the link to take part: it appears from one hour before the start.")


def render_closed() -> str:
    return _("This activity is no longer open: it may have been cancelled or already happened.")


def ordered_areas(turn: Turn, areas: list[joins.Area]) -> list[joins.Area]:
    """Areas in the order of the configured list (Peru's programme regions first), online
    last; regions no longer configured go before online."""
    rank: dict[tuple[str | None, str | None], int] = {}
    for country in turn.deps.content.countries:
        for region in country.regions:
            rank[(country.id, region.id)] = len(rank)
    return sorted(
        areas,
        key=lambda a: (a.region is None, rank.get((a.country, a.region), len(rank)), a.region),
    )


def area_label(turn: Turn, area: joins.Area) -> str:
    if area.region is None:
        return pgettext("button", "💻 Online ({count})").format(count=area.count)
    name = region_name(turn.deps, area.country, area.region)
    countries = turn.deps.content.countries
    if countries and area.country != countries[0].id:
        country = find_country(turn.deps, area.country)
        name = f"{name}, {country.name_in(turn.language) if country else area.country}"
    return f"{name} ({area.count})"


def area_args(activity: Activity) -> tuple[str, str]:
    if activity.online:
        return ONLINE, ONLINE
    return activity.country or ONLINE, activity.region or ONLINE


async def show_activity(turn: Turn, activity: Activity) -> None:
    """An activity as a young person sees it, with join or leave."""
    parts = [render_details(turn.deps, turn.translator, activity)]
    rows = []
    joined = not turn.anonymous and await joins.is_joined(
        turn.session, activity_id=activity.id, user_id=turn.user_id
    )
    parts.append(render_link_note(turn, activity, may_see=turn.anonymous or joined))
    if turn.anonymous:
        parts.append(render_anonymous_join(activity))
    elif joined:
        parts.append(render_joined_note(turn, activity))
        # Not "leave"/"exit": it sits near 🚪 Quick exit in people's minds, and does another thing.
        rows.append(button(pgettext("button", "I'm not going any more"), LEAVE(activity.id)))
    else:
        rows.append(button(pgettext("button", "✅ Join"), JOIN(activity.id)))
    rows.append(back_button(AREA(*area_args(activity), 0)))
    turn.edit("\n\n".join(p for p in parts if p), keyboard(*rows))


async def browse(turn: Turn) -> None:
    """Where there are upcoming activities, with how many."""
    await browse_page(turn, 0)


async def browse_page(turn: Turn, page: int) -> None:
    """A page of the places with upcoming activities (only those: ten at a time)."""
    areas = ordered_areas(turn, await joins.browse_areas(turn.session, now=turn.now))
    if not areas:
        turn.edit(
            _("There are no upcoming activities yet. Please come back soon!"),
            keyboard(back_button(MENU())),
        )
        return
    if not is_page(len(areas), page):
        turn.stale(alert=True)
        return
    places = [
        button(area_label(turn, a), AREA(a.country or ONLINE, a.region or ONLINE, 0))
        for a in areas
    ]
    rows = paged_rows(places, page, per_row=1, turn_page=("act.areas",))
    turn.edit(_("Where would you like to find activities?"),
              keyboard(*rows, back_button(MENU())))


async def list_area(turn: Turn, country_id: str, region_id: str, offset: int) -> None:
    """The upcoming activities of one region (or online), soonest first, a page at a time."""
    online = region_id == ONLINE
    country = find_country(turn.deps, country_id)
    if not online and (country is None or country.region(region_id) is None) or not (
        0 <= offset <= 10_000
    ):
        turn.stale(alert=True)
        return
    found = await joins.list_upcoming(
        turn.session,
        now=turn.now,
        country=None if online else country_id,
        region=None if online else region_id,
        offset=offset,
        limit=PAGE,
    )
    place = _("Online") if online else region_name(turn.deps, country_id, region_id)
    rows = [
        [button(f"{short_when(turn.deps, turn.translator, a)} · {a.title}", SEE(a.id))]
        for a in found[:PAGE]
    ]
    if len(found) > PAGE:
        more = AREA(country_id, region_id, offset + PAGE)
        rows.append([button(pgettext("button", "More ▶️"), more)])
    text = (_("Upcoming activities: {place}").format(place=place) if found
            else _("There are no upcoming activities there any more."))
    turn.edit(text, keyboard(*rows, back_button(BROWSE())))


async def see_activity(turn: Turn, activity_id: int) -> None:
    """One approved upcoming activity."""
    try:
        activity = await joins.get_upcoming(
            turn.session, activity_id=activity_id, now=turn.now
        )
    except NotFound:
        tell(turn, render_closed())
        return
    await show_activity(turn, activity)


async def join_activity(turn: Turn, activity_id: int) -> None:
    """Join, for the reminder (not for anonymous people)."""
    try:
        new = await joins.join(
            turn.session, activity_id=activity_id, user=turn.user, now=turn.now
        )
    except NotAllowed:
        tell(turn, render_anonymous_join())
        return
    except NotFound:
        tell(turn, render_closed())
        return
    turn.answer(_("You have joined!"))
    await see_activity(turn, activity_id)
    activity = await joins.get_upcoming(turn.session, activity_id=activity_id, now=turn.now)
    left = activity.starts_at - turn.now
    if new and timedelta(0) < left <= joins.SOON_BEFORE and turn.user.notify_reminders:
        # Joining within the hour: the reminder at once, as it would have come.
        turn.reply(*render_join_reminder(turn.deps, turn.translator, activity, soon=True))


async def leave_activity(turn: Turn, activity_id: int) -> None:
    """Leave an activity; the note that they joined is deleted."""
    left = await joins.leave(turn.session, activity_id=activity_id, user_id=turn.user_id)
    turn.answer(_("Done: you are no longer signed up for it.") if left else None)
    await see_activity(turn, activity_id)


async def list_joined(turn: Turn) -> None:
    """The upcoming activities this person joined."""
    joined = [] if turn.anonymous else await joins.list_joined(
        turn.session, user_id=turn.user_id, now=turn.now
    )
    rows = [
        [button(f"{short_when(turn.deps, turn.translator, a)} · {a.title}", SEE(a.id))]
        for a in joined
    ]
    text = (_("Activities you joined:") if joined
            else _("You have not joined any upcoming activities yet."))
    browse = button(pgettext("button", "🔎 Browse upcoming activities"), BROWSE())
    turn.edit(text, keyboard(*rows, browse, back_button(MENU())))


def register(router: Router) -> None:
    """Register browsing, joining and leaving."""
    router.button(BROWSE)(browse)
    router.button(AREAS)(browse_page)
    router.button(AREA)(list_area)
    router.button(SEE)(see_activity)
    router.button(JOIN)(join_activity)
    router.button(LEAVE)(leave_activity)
    router.button(JOINED)(list_joined)
