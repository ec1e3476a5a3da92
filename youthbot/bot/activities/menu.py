"""Youth-led activities: the menu, the leader's own activities, and the wiring of the parts.

Everyone browses and joins (activity_browse); leaders register (activity_register), list,
change, cancel and report (activity_report) their own; moderators review (activity_review);
reminders run as a periodic job (activity_reminders). Typed text during any of these goes
through one flow, "activity", to the step that waits for it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import InlineKeyboardMarkup

from ...core.activities import Status, Step
from ...core.activities import leaders as activity_leaders
from ...core.activities import reports as reports
from ...core.activities import reviews as activity_reviews
from ...core.activities.reports import ReportStep
from ...core.people.roles import LEADERS, STAFF, Role
from ...db.models import Activity, ActivityReport
from ...i18n import _, pgettext, speaking
from ..campaigns.views import poster_button
from ..people.views import help_button, menu_button
from ..runtime.router import Router
from ..runtime.turn import Turn, button, keyboard
from . import registration as activity_register
from . import report as activity_report
from . import review as activity_review
from .actions import (
    ANY_FILTERS,
    BROWSE,
    CANCEL,
    CANCEL_CONFIRMED,
    EDIT,
    JOINED,
    MENU,
    MINE,
    NEW,
    OPEN,
    OVERVIEW,
    REPORT,
    REPORT_GO,
    REVIEW_LIST,
    SUBMIT,
)
from .flow import load_own
from .forms import ReportFormStep, ReviewFormStep
from .views import (
    FLOW,
    back_button,
    notify,
    render_joined,
    render_summary,
    short_when,
    status_label,
    zone,
)


def build_activities_keyboard(turn: Turn, pending: int) -> InlineKeyboardMarkup:
    rows = [
        [button(pgettext("button", "🔎 Browse upcoming activities"), BROWSE())],
        [button(pgettext("button", "⭐ My joined activities"), JOINED())],
    ]
    if turn.holds(LEADERS):
        rows.append([button(pgettext("button", "➕ Register an activity"), NEW())])
        rows.append([button(pgettext("button", "🗂 My activities"), MINE())])
    if turn.holds(STAFF):
        label = pgettext("button", "🛂 Review pending ({count})").format(count=pending)
        rows.append([button(label, REVIEW_LIST())])
    if turn.holds({Role.ADMIN}):
        rows.append([button(pgettext("button", "📋 All activities"), OVERVIEW(*ANY_FILTERS, 0))])
    return keyboard(*rows, [menu_button(), help_button()])


async def open_activities(turn: Turn) -> None:
    """The activities menu: what each person can do depends on their role."""
    if turn.state is not None and turn.state.flow == FLOW:
        await turn.clear_state()
    pending = await activity_reviews.count_pending(turn.session) if turn.holds(STAFF) else 0
    turn.edit(
        _("Youth-led activities: workshops, campaigns, school talks and more, run by youth "
          "groups. What would you like to do?"),
        build_activities_keyboard(turn, pending),
    )


async def typed_in_activity(turn: Turn) -> None:
    """Typed text goes to the step waiting for it (title, date, counts, reason…)."""
    handler = TEXT_STEPS.get(turn.state.step)
    if handler is None:
        await turn.clear_state()
        turn.reply(_("Sorry, I lost track of that. Please start again from the menu."),
                   keyboard(button(pgettext("button", "📅 Activities"), MENU())))
        return
    await handler(turn, dict(turn.state.data or {}))


# What typed text means at each step of the activity forms (the state's step).
TEXT_STEPS: dict[str, Callable[[Turn, dict], Awaitable[None]]] = {
    **{
        step.value: lambda turn, data, step=step: activity_register.typed_answer(turn, step, data)
        for step in Step
    },
    **{
        form.value: lambda turn, data, step=form.report_step: activity_report.typed_report(
            turn, step, data
        )
        for form in ReportFormStep
    },
    ReviewFormStep.REASON.value: activity_review.typed_reason,
}


def register(router: Router) -> None:
    """Register the activities menu, typed answers of the forms and the leader's own list."""
    router.button(MENU)(open_activities)
    router.flow(FLOW)(typed_in_activity)
    register_own(router)


async def list_my_activities(turn: Turn) -> None:
    """The leader's activities, latest first, each a button."""
    await turn.clear_state()
    mine = await activity_leaders.list_own(turn.session, leader_id=turn.user_id)
    rows = [
        [
            button(
                f"{short_when(turn.deps, turn.translator, a)} · {a.title[:32]} · "
                f"{status_label(a.status)}",
                OPEN(a.id),
            )
        ]
        for a in mine
    ]
    text = _("Your activities:") if mine else _("You have not registered any activities yet.")
    new = button(pgettext("button", "➕ Register an activity"), NEW())
    turn.edit(text, keyboard(*rows, new, back_button(MENU())))


async def open_my_activity(turn: Turn, activity_id: int) -> None:
    """One of the leader's activities: status, how many joined, report, what to do."""
    activity = await load_own(turn, activity_id, editable=False)
    if activity is None:
        return
    await turn.clear_state()
    joined = await activity_leaders.count_joined(turn.session, activity_id=activity.id)
    report = await reports.get_report(turn.session, activity_id=activity.id)
    turn.edit(
        render_own(turn, activity, joined, report),
        build_own_keyboard(turn, activity, report),
    )


async def ask_cancel(turn: Turn, activity_id: int) -> None:
    """Ask before cancelling an activity."""
    if activity := await load_own(turn, activity_id):
        turn.edit(
            _("Cancel “{title}”? Everyone who joined will be told. This cannot be undone.")
            .format(title=activity.title),
            keyboard(
                [
                    button(
                        pgettext("button", "Yes, cancel it"), CANCEL_CONFIRMED(activity.id)
                    ),
                    button(pgettext("button", "No, keep it"), OPEN(activity.id)),
                ]
            ),
        )


async def cancel_activity(turn: Turn, activity_id: int) -> None:
    """Cancel it, and tell everyone who joined, each in their language."""
    activity = await load_own(turn, activity_id)
    if activity is None or activity.status == Status.DRAFT:
        if activity is not None:
            turn.stale(alert=True)
        return
    joined = await activity_leaders.cancel(turn.session, activity, now=turn.now)
    turn.edit(
        _("The activity was cancelled."),
        keyboard(button(pgettext("button", "🗂 My activities"), MINE())),
    )
    for user_id, language in joined:
        with speaking(turn.deps.catalogs, language) as translator:
            text = _("Sorry: the activity “{title}” on {when} has been cancelled by its "
                     "organisers.").format(
                title=activity.title, when=short_when(turn.deps, translator, activity)
            )
        notify(turn, user_id, text)


def register_own(router: Router) -> None:
    """The leader's list of activities, one activity, and cancelling it."""
    router.button(MINE, roles=LEADERS)(list_my_activities)
    router.button(OPEN, roles=LEADERS)(open_my_activity)
    router.button(CANCEL, roles=LEADERS)(ask_cancel)
    router.button(CANCEL_CONFIRMED, roles=LEADERS)(cancel_activity)


def render_own(
    turn: Turn, activity: Activity, joined: int, report: ActivityReport | None
) -> str:
    """The leader's view of their activity (how many joined, never who)."""
    parts = [
        render_summary(turn.deps, turn.translator, activity),
        _("Status: {status}").format(status=status_label(activity.status)),
    ]
    if activity.status == Status.RETURNED and activity.review_note:
        parts.append(_("Moderator's note: {reason}").format(reason=activity.review_note))
    parts.append(render_joined(joined, turn.translator))
    if report is not None and report.not_held:
        parts.append(_("It did not take place: {reason}").format(reason=report.not_held_reason))
    elif report is not None and report.submitted_at is not None:
        parts.append(_("Report sent on {date}. Thank you!").format(
            date=turn.translator.format_date(
                report.submitted_at.astimezone(zone(turn.deps)).date(), "long"
            )))
    elif reports.can_report(activity, turn.now):
        parts.append(_("It has taken place: please report how it went."))
    return "\n\n".join(parts)


def build_own_keyboard(
    turn: Turn, activity: Activity, report: ActivityReport | None
) -> InlineKeyboardMarkup:
    rows = []
    editable = activity_leaders.is_editable(activity, turn.now)
    if activity.status == Status.RETURNED and editable:
        rows.append(button(pgettext("button", "📤 Send for review again"), SUBMIT(activity.id)))
    if editable:
        rows.append(button(pgettext("button", "✏️ Change"), EDIT(activity.id)))
    reported = report is not None and report.submitted_at is not None
    if reports.can_report(activity, turn.now) and not reported:
        rows.append(button(pgettext("button", "📝 Report how it went"), REPORT(activity.id)))
        rows.append(button(pgettext("button", "🚫 It did not take place"),
                           REPORT_GO(activity.id, ReportStep.NOT_HELD)))
    if activity.status == Status.APPROVED and activity.starts_at and activity.starts_at > turn.now:
        rows.append(poster_button(activity.id))
    if editable:
        rows.append(button(pgettext("button", "🚫 Cancel activity"), CANCEL(activity.id)))
    return keyboard(*rows, back_button(MINE()))
