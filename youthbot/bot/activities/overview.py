"""The coordinators' overview (admins): every activity with filters (status, region, month,
group), the ones awaiting a report, a report's full text, and unpublishing with a reason the
leader reads in their own language. Every filter and id on a button is checked again here."""

from __future__ import annotations

import re

from ...core import activities as acts
from ...core.activities import overview
from ...core.activities.overview import AWAITING, FILTER_STATUSES, REPORTED, Filters
from ...core.people.roles import Role
from ...i18n import N_, _, ngettext, pgettext, speaking
from ..people.views import menu_button
from ..runtime.router import Router
from ..runtime.turn import Turn, button, keyboard
from .actions import (
    ANY_FILTERS,
    MENU,
    OPEN,
    OVERVIEW,
    OVERVIEW_PICK,
    OVERVIEW_REPORT,
    OVERVIEW_SEE,
    OVERVIEW_UNPUBLISH,
)
from .views import (
    back_button,
    cancel_button,
    error_text,
    notify,
    region_name,
    render_counts,
    render_group_and_leader,
    render_summary,
    short_when,
    tell,
)

FLOW = "overview"
UNPUBLISH_STEP = "unpublish"
ANY = "-"
ADMINS = {Role.ADMIN}
PICKS = ("status", "region", "month", "group")
OVERVIEW_STATUS_LABELS = {
    acts.Status.PENDING: N_("waiting for review"),
    acts.Status.APPROVED: N_("approved, no report yet"),
    AWAITING: N_("awaiting a report"),
    REPORTED: N_("reported"),
    acts.Status.RETURNED: N_("sent back for changes"),
    acts.Status.CANCELLED: N_("cancelled"),
    acts.Status.UNPUBLISHED: N_("unpublished"),
}
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def overview_status_label(status: str) -> str:
    return _(OVERVIEW_STATUS_LABELS.get(status, acts.STATUS_LABELS.get(status, status)))


async def read_filters(
    turn: Turn, status: str, region: str, month: str, group: int
) -> tuple[Filters, tuple[str, str, str, int], tuple[list[str], list[str], list[str]]] | None:
    """The filters of a button, each checked against what exists (None: a forged or stale
    button)."""
    values = await overview.filter_values(turn.session)
    regions, months, groups = values
    if status != ANY and status not in FILTER_STATUSES:
        return None
    if region != ANY and region not in regions:
        return None
    if month != ANY and not MONTH.match(month):
        return None
    if group != -1 and not 0 <= group < len(groups):
        return None
    filters = Filters(
        status=None if status == ANY else status,
        region=None if region == ANY else region,
        month=None if month == ANY else month,
        group=groups[group] if group >= 0 else None,
    )
    return filters, (status, region, month, group), values


def region_label(turn: Turn, region: str) -> str:
    if region == "online":
        return _("Online")
    country = next(
        (c.id for c in turn.deps.content.countries if c.region(region) is not None), None
    )
    return region_name(turn.deps, country, region)


def render_filters(turn: Turn, filters: Filters) -> str:
    return _("Status: {status} · Region: {region} · Month: {month} · Group: {group}").format(
        status=overview_status_label(filters.status) if filters.status else _("any"),
        region=region_label(turn, filters.region) if filters.region else _("any"),
        month=filters.month or _("any"),
        group=filters.group or _("any"),
    )


async def show_overview(
    turn: Turn, status: str, region: str, month: str, group: int, offset: int
) -> None:
    """A page of activities matching the filters, each a button; filter buttons below."""
    read = await read_filters(turn, status, region, month, group)
    if read is None or offset < 0:
        tell(turn, _("Sorry, that list has changed. Here it is again, without filters."))
        read = await read_filters(turn, *ANY_FILTERS)
        offset = 0
    filters, packed, _values = read
    found, count = await overview.list_activities(
        turn.session, filters=filters, now=turn.now, timezone=turn.settings.timezone,
        offset=offset,
    )  # fmt: skip
    lines = [
        _("📋 All activities"),
        render_filters(turn, filters),
        ngettext("{count} activity matches.", "{count} activities match.", count).format(
            count=turn.translator.format_number(count)
        ),
    ]
    rows = []
    for activity in found:
        shown = await overview.overview_status(turn.session, activity)
        rows.append([button(
            f"#{activity.id} · {short_when(turn.deps, turn.translator, activity)} · "
            f"{(activity.title or '—')[:28]} · {overview_status_label(shown)}",
            OVERVIEW_SEE(activity.id),
        )])  # fmt: skip
    pages = []
    if offset > 0:
        pages.append(button("◀", OVERVIEW(*packed, max(offset - overview.PAGE, 0))))
    if offset + overview.PAGE < count:
        pages.append(button("▶", OVERVIEW(*packed, offset + overview.PAGE)))
    picks = [
        button(pgettext("button", "Status"), OVERVIEW_PICK("status", *packed)),
        button(pgettext("button", "Region"), OVERVIEW_PICK("region", *packed)),
        button(pgettext("button", "Month"), OVERVIEW_PICK("month", *packed)),
        button(pgettext("button", "Group"), OVERVIEW_PICK("group", *packed)),
    ]
    turn.edit(
        "\n".join(lines),
        keyboard(
            *rows,
            pages,
            picks,
            [
                button(pgettext("button", "⏳ Awaiting a report"),
                       OVERVIEW(AWAITING, *packed[1:], 0)),
                button(pgettext("button", "✖️ Clear filters"), OVERVIEW(*ANY_FILTERS, 0)),
            ],
            [back_button(MENU()), menu_button()],
        ),
    )  # fmt: skip


async def overview_command(turn: Turn) -> None:
    """`/activities`: the overview without filters."""
    await show_overview(turn, *ANY_FILTERS, 0)


async def pick_filter(
    turn: Turn, what: str, status: str, region: str, month: str, group: int
) -> None:
    """The choices of one filter, each keeping the others."""
    read = await read_filters(turn, status, region, month, group)
    if what not in PICKS or read is None:
        await show_overview(turn, *ANY_FILTERS, 0)
        return
    _filters, packed, (regions, months, groups) = read
    position = PICKS.index(what)

    def choose(value: str | int, label: str):
        chosen = list(packed)
        chosen[position] = value
        return [button(label, OVERVIEW(*chosen, 0))]

    if what == "status":
        options = [choose(s, overview_status_label(s)) for s in FILTER_STATUSES]
    elif what == "region":
        options = [choose(r, region_label(turn, r)) for r in regions]
    elif what == "month":
        options = [choose(m, m) for m in months[:24]]
    else:
        options = [choose(i, g[:40]) for i, g in enumerate(groups)]
    any_value = -1 if what == "group" else ANY
    turn.edit(
        _("Choose one:") if options else _("There is nothing to choose from yet."),
        keyboard(*options, choose(any_value, _("any")), back_button(OVERVIEW(*packed, 0))),
    )


async def see_activity(turn: Turn, activity_id: int) -> None:
    """One activity as staff see it: details, status, group and leader, and what to do."""
    activity = await overview.get_activity(turn.session, activity_id=activity_id)
    if activity is None:
        tell(turn, _("That activity no longer exists."))
        return
    status = await overview.overview_status(turn.session, activity)
    parts = [
        _("Activity #{id}").format(id=activity.id),
        render_summary(turn.deps, turn.translator, activity),
        _("Status: {status}").format(status=overview_status_label(status)),
        render_group_and_leader(
            overview.group_of(activity), await overview.leader_handle(turn.session, activity)
        ),
    ]
    if activity.review_note and activity.status in (acts.Status.RETURNED,
                                                    acts.Status.UNPUBLISHED):
        parts.append(_("Note: {note}").format(note=activity.review_note))
    rows = []
    if status == REPORTED:
        rows.append(button(pgettext("button", "📝 Read the report"), OVERVIEW_REPORT(activity.id)))
    if activity.status == acts.Status.APPROVED and status != REPORTED:
        rows.append(button(pgettext("button", "🚫 Unpublish"), OVERVIEW_UNPUBLISH(activity.id)))
    turn.edit(
        "\n\n".join(parts),
        keyboard(*rows, [back_button(OVERVIEW(*ANY_FILTERS, 0)), menu_button()]),
    )  # fmt: skip


async def read_report(turn: Turn, activity_id: int) -> None:
    """A report's full text: who took part (age band × gender), what happened, outcomes."""
    activity = await overview.get_activity(turn.session, activity_id=activity_id)
    report = await overview.submitted_report(turn.session, activity_id=activity_id)
    if activity is None or report is None:
        tell(turn, _("There is no report for this activity yet."))
        return
    parts = [
        _("Report of activity #{id}: {title}").format(id=activity.id, title=activity.title),
        render_counts(report, turn.translator),
        _("What happened:\n{text}").format(text=report.description or "—"),
    ]
    outcomes = getattr(report, "outcomes", None)
    if outcomes:
        parts.append(_("Outcomes:\n{text}").format(text=outcomes))
    parts.append(_("Photo: yes") if report.photo_file_id else _("Photo: none"))
    turn.edit(
        "\n\n".join(parts),
        keyboard([back_button(OVERVIEW_SEE(activity.id)), menu_button()]),
    )


def render_unpublish_question() -> str:
    return _("Why are you unpublishing it? Write a short reason. The leader will read it, so "
             "please be kind and specific.")


async def ask_unpublish(turn: Turn, activity_id: int) -> None:
    """Ask the admin for the reason (the activity must still be published)."""
    activity = await overview.get_activity(turn.session, activity_id=activity_id)
    if activity is None or activity.status != acts.Status.APPROVED:
        tell(turn, _("This activity is not published any more."))
        return
    await turn.set_state(FLOW, UNPUBLISH_STEP, activity_id=activity_id)
    turn.edit(render_unpublish_question(), keyboard(cancel_button(OVERVIEW_SEE(activity_id))))


async def typed_unpublish_reason(turn: Turn) -> None:
    """The reason: the activity leaves browsing, the leader is told in their language."""
    data = dict(turn.state.data or {}) if turn.state else {}
    activity_id = int(data.get("activity_id", 0))
    try:
        activity, language = await overview.unpublish(
            turn.session, activity_id=activity_id, admin_id=turn.user_id, reason=turn.text,
            now=turn.now,
        )  # fmt: skip
    except acts.InvalidInput as error:
        turn.reply(f"{error_text(error)}\n\n{render_unpublish_question()}",
                   keyboard(cancel_button(OVERVIEW_SEE(activity_id))))
        return
    except overview.NotPublished:
        await turn.clear_state()
        turn.reply(_("This activity is not published any more."))
        return
    await turn.clear_state()
    if language is not None and activity.leader_id is not None:
        with speaking(turn.deps.catalogs, language):
            text = _("Your activity “{title}” was unpublished by a coordinator, so young people "
                     "no longer see it. Their note:\n\n{reason}\n\nIf you have questions, "
                     "please talk to your coordinator.")
            markup = keyboard(button(pgettext("button", "Open the activity"), OPEN(activity.id)))
        notify(turn, activity.leader_id,
               text.format(title=activity.title, reason=activity.review_note), markup)
    turn.reply(_("Unpublished. The leader has been told."),
               keyboard(back_button(OVERVIEW(*ANY_FILTERS, 0)), menu_button()))


def register(router: Router) -> None:
    """Register the overview's command, buttons and the unpublish form (admins only)."""
    router.command("activities", "actividades", roles=ADMINS)(overview_command)
    router.button(OVERVIEW, roles=ADMINS)(show_overview)
    router.button(OVERVIEW_PICK, roles=ADMINS)(pick_filter)
    router.button(OVERVIEW_SEE, roles=ADMINS)(see_activity)
    router.button(OVERVIEW_REPORT, roles=ADMINS)(read_report)
    router.button(OVERVIEW_UNPUBLISH, roles=ADMINS)(ask_unpublish)
    router.form(FLOW, ADMINS, N_("You no longer have the admin role, so this form was closed. "
                                 "Nothing was unpublished."))
    router.flow(FLOW)(typed_unpublish_reason)
