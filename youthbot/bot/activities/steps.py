"""The questions of the registration steps and their buttons (activity_flow asks them).

Every step's keyboard ends with back and cancel: inside a draft, back goes to the previous
step and cancel keeps the draft; when changing an existing activity, both lead back to it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from telegram import InlineKeyboardButton

from ...core import activities as acts
from ...core.activities import Status, Step
from ...core.activities.dates import combine_day
from ...db.models import Activity
from ...i18n import _, ngettext, pgettext
from ..runtime.paging import paged_rows
from ..runtime.turn import Turn, button
from .actions import (
    COUNTRY,
    DAY,
    DISTRICT,
    EDIT,
    END_AFTER,
    EXPECTED,
    GO,
    HOUR,
    KIND,
    MENU,
    ONLINE,
    OPEN,
    PATHWAY,
    REGION,
    SAME_GROUP,
    STOP,
    SUBMIT,
)
from .views import back_button, cancel_button, default_country, find_country, render_summary, zone

PICK_DAYS = 14
PICK_HOURS = range(7, 22)
QUICK_LENGTHS = (1, 2, 3, 4)  # hours, for the end
QUICK_EXPECTED = (10, 20, 30, 50, 100)


def local_today(turn: Turn) -> date:
    return turn.now.astimezone(zone(turn.deps)).date()


def picked_day(turn: Turn, token: str) -> date | None:
    """A day from the picker, if it is a real day within the picker's range."""
    try:
        day = datetime.strptime(token, "%Y%m%d").date()
    except ValueError:
        return None
    today = local_today(turn)
    return day if today <= day < today + timedelta(days=PICK_DAYS) else None


def footer(activity: Activity, step: Step) -> list[InlineKeyboardButton]:
    """Back and cancel: inside the draft, or back to the activity when editing it."""
    if activity.status != Status.DRAFT:
        return [back_button(EDIT(activity.id)), cancel_button(OPEN(activity.id))]
    previous = acts.previous_step(step)
    back = back_button(GO(activity.id, previous)) if previous else back_button(MENU())
    return [back, cancel_button(STOP(activity.id))]


def rows_of(buttons: list[InlineKeyboardButton], size: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + size] for i in range(0, len(buttons), size)]


def field_rows(activity: Activity) -> list[list[InlineKeyboardButton]]:
    """A button per part of the activity, to change it."""
    labels = {
        Step.TITLE: pgettext("button", "✏️ Title"),
        Step.KIND: pgettext("button", "✏️ Type"),
        Step.PATHWAY: pgettext("button", "✏️ What it is about"),
        Step.WHEN: pgettext("button", "✏️ Date and time"),
        Step.END: pgettext("button", "✏️ End"),
        Step.PLACE: pgettext("button", "✏️ Place"),
        Step.VENUE: pgettext("button", "✏️ Link") if activity.online
        else pgettext("button", "✏️ Meeting point"),
        Step.DESCRIPTION: pgettext("button", "✏️ Description"),
        Step.GROUP: pgettext("button", "✏️ Group"),
        Step.EXPECTED: pgettext("button", "✏️ Expected participants"),
    }
    buttons = [button(label, GO(activity.id, step)) for step, label in labels.items()]
    return rows_of(buttons, 2)


def prompt(
    turn: Turn,
    activity: Activity,
    step: Step,
    *,
    day: date | None = None,
    country: str = "",
    page: int = 0,
    group: str | None = None,
) -> tuple[str, list]:
    """The question of `step` and its buttons (without the footer); `group` is the leader's
    last organising group, offered as a button."""
    aid = activity.id
    if step is Step.TITLE:
        text = _("What is the activity called? Write a short title (up to {maximum} characters).")
        return text.format(maximum=acts.TITLE_MAX), []
    if step is Step.KIND:
        kinds = [button(_(label), KIND(aid, k)) for k, label in acts.KIND_LABELS.items()]
        return _("What kind of activity is it?"), rows_of(kinds, 2)
    if step is Step.PATHWAY:
        return render_pathway_question(), [
            [button(_(label), PATHWAY(aid, p))] for p, label in acts.PATHWAY_LABELS.items()
        ]
    if step is Step.WHEN:
        return render_when_question(), day_rows(turn, aid)
    if step is Step.HOUR:
        text = _("At what time on {day}? Pick an hour, or write the time, for example 16:30.")
        return text.format(day=turn.translator.format_date(day, "full")), hour_rows(
            turn, aid, day
        )
    if step is Step.END:
        text = _("When does it end? Pick how long it lasts, or write the end time, for "
                 "example 18:00.")
        lengths = [
            button(ngettext("{count} hour", "{count} hours", n).format(count=n),
                   END_AFTER(aid, n))
            for n in QUICK_LENGTHS
        ]
        return text, [lengths]
    if step is Step.VENUE:
        return render_venue_question(activity), []
    if step is Step.DESCRIPTION:
        text = _("In one or two sentences: what will happen, and what will people do or "
                 "learn? Young people will read it. ({minimum} to {maximum} characters)")
        return text.format(minimum=acts.ABOUT_MIN, maximum=acts.ABOUT_MAX), []
    if step is Step.GROUP:
        text = _("Which youth group or organisation runs it? Write its name.")
        if group:
            same = pgettext("button", "👥 {group}").format(group=group)
            return text, [[button(same, SAME_GROUP(aid))]]
        return text, []
    if step is Step.PLACE:
        return place_prompt(turn, activity, country, page)
    if step is Step.COUNTRY:  # "Another country": not the one whose regions were offered
        shown = activity.country or default_country(turn.deps, None)
        countries = [
            button(c.name_in(turn.language), COUNTRY(aid, c.id))
            for c in turn.deps.content.countries
            if c.id != shown
        ]
        return _("In which country is it?"), rows_of(countries, 2)
    if step is Step.DISTRICT:
        return district_prompt(turn, activity)
    if step is Step.EXPECTED:
        text = _("How many people do you expect? Write a whole number from 1 to {maximum}, or "
                 "pick one.").format(maximum=turn.translator.format_number(acts.EXPECTED_MAX))
        return text, [[button(str(n), EXPECTED(aid, n)) for n in QUICK_EXPECTED]]
    return summary_prompt(turn, activity)


def render_pathway_question() -> str:
    return _(
        "What is it mainly about?\n\n"
        "• Children and adolescents: young people organise and speak out against sexual "
        "exploitation.\n"
        "• Community: families and neighbours prevent it, protect children and report it.\n"
        "• Government: authorities and public services act against it.\n"
        "• Private sector: businesses such as hotels, transport and mining protect children."
    )


def render_venue_question(activity: Activity) -> str:
    if activity.online:
        return _(
            "What is the link to take part (a video call or a live stream)? Send the whole "
            "link, starting with https://.\n\nPeople who joined see it only from one hour "
            "before the start until the end."
        )
    return _(
        "Where exactly do people meet? For example “Main entrance of the Plaza de Armas” or "
        "“Community centre, Av. Los Olivos 123”.\n\nOnly a public place, such as a school, a "
        "community centre, a park or a library: never a private home. Young people will see it."
    )


def render_when_question() -> str:
    return _(
        "When is it? Pick a day below, or write the date and time, for example "
        "25/12/2026 16:00 or 25 Dec 4pm."
    )


def day_rows(turn: Turn, activity_id: int) -> list:
    today = local_today(turn)
    days = [today + timedelta(days=n) for n in range(PICK_DAYS)]
    buttons = [
        button(turn.translator.format_date(d, "EEE d MMM"), DAY(activity_id, d.strftime("%Y%m%d")))
        for d in days
    ]
    return rows_of(buttons, 3)


def hour_rows(turn: Turn, activity_id: int, day: date) -> list:
    token = day.strftime("%Y%m%d")
    hours = [
        h for h in PICK_HOURS
        if combine_day(day, h, 0, timezone=turn.settings.timezone) > turn.now
    ]
    return rows_of([button(f"{h:02d}:00", HOUR(activity_id, token, h)) for h in hours], 4)


def place_prompt(
    turn: Turn, activity: Activity, country_id: str, page: int = 0
) -> tuple[str, list]:
    """The regions of a country a page at a time, then Online and Another country."""
    country = find_country(turn.deps, country_id or activity.country) or find_country(
        turn.deps, default_country(turn.deps, None)
    )
    online = button(pgettext("button", "💻 Online"), ONLINE(activity.id))
    if country is None:
        return _("Where is it?"), [[online]]
    regions = [
        button(r.name_in(turn.language), REGION(activity.id, country.id, r.id))
        for r in country.regions
    ]
    extra = [online]
    if len(turn.deps.content.countries) > 1:
        another = GO(activity.id, Step.COUNTRY)
        extra.append(button(pgettext("button", "🌎 Another country"), another))
    text = _("Where is it? Choose the region in {country}, or Online.")
    rows = paged_rows(regions, page, per_row=2, turn_page=("act.places", activity.id, country.id))
    return text.format(country=country.name_in(turn.language)), [*rows, extra]


def district_prompt(turn: Turn, activity: Activity) -> tuple[str, list]:
    country = find_country(turn.deps, activity.country)
    region = country.region(activity.region) if country and activity.region else None
    name = region.name_in(turn.language) if region else activity.region
    skip = [button(pgettext("button", "Skip"), DISTRICT(activity.id, -1))]
    if region is not None and region.districts:
        districts = [
            button(d, DISTRICT(activity.id, i)) for i, d in enumerate(region.districts)
        ]
        text = _("Which district in {region}? Choose one, or write its name.")
        return text.format(region=name), [*rows_of(districts, 2), skip]
    text = _("Which district or town in {region}? Write its name, or skip.")
    return text.format(region=name), [skip]


def summary_prompt(turn: Turn, activity: Activity) -> tuple[str, list]:
    text = "\n\n".join(
        [
            _("Please check your activity:"),
            render_summary(turn.deps, turn.translator, activity),
            _("Is everything right? Send it for review, or change a part."),
        ]
    )
    send = button(pgettext("button", "✅ Send for review"), SUBMIT(activity.id))
    return text, [[send], *field_rows(activity)]
