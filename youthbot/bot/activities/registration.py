"""Leaders register an activity step by step, and change their own afterwards.

The draft is an `activities` row with status "draft", so it survives a restart and /menu or
/cancel (which clear only the conversation state): "Register an activity" offers to continue
it or to discard it. Every step has back and cancel; the last one is a summary to confirm.
Editing an activity reuses the same steps and saves each change at once.
"""

from __future__ import annotations

from datetime import date, datetime

from ...core import activities as acts
from ...core.activities import Status, Step
from ...core.activities import leaders as activity_leaders
from ...core.activities.dates import DateInvalid, parse_start
from ...core.people.roles import LEADERS
from ...db.models import Activity
from ...i18n import N_, _, pgettext
from ..people.views import menu_button
from ..runtime.router import Router
from ..runtime.turn import Turn, button, keyboard
from . import choices as activity_choices
from .actions import DISCARD, EDIT, GO, MENU, MINE, NEW, RESUME, STOP, SUBMIT, YesNo
from .flow import advance, alert_staff, load_own, reprompt, show_edit, show_step
from .views import (
    FLOW,
    activities_button,
    back_button,
    default_country,
    error_text,
    zone,
)

# Typed answers -------------------------------------------------------------------------


async def typed_answer(turn: Turn, step: Step, data: dict) -> None:
    """Typed text at a registration step: validate, store, go on — or explain and stay."""
    activity_id = int(data.get("activity_id", 0))
    if activity_id == 0 and step is Step.TITLE:
        await first_title(turn)
        return
    activity = await load_own(turn, activity_id)
    if activity is None:
        await turn.clear_state()
        return
    day = date.fromisoformat(data["day"]) if data.get("day") else None
    try:
        if step is Step.TITLE:
            activity.title = acts.clean_title(turn.text)
        elif step in (Step.WHEN, Step.HOUR):
            acts.move_start(activity, read_start(turn, day))
            step = Step.WHEN
        elif step is Step.END:
            activity.ends_at = acts.check_end(activity, read_end(turn, activity))
        elif step is Step.DISTRICT:
            activity.district = acts.clean_district(turn.text)
        elif step is Step.VENUE and activity.online:
            activity.online_link = acts.clean_link(turn.text)
        elif step is Step.VENUE:
            activity.venue = acts.clean_venue(turn.text)
        elif step is Step.DESCRIPTION:
            activity.description = acts.clean_about(turn.text)
        elif step is Step.GROUP:
            activity.group_name = acts.clean_group(turn.text)
        elif step is Step.EXPECTED:
            activity.expected = acts.parse_expected(turn.text)
        else:
            reprompt(turn, activity, step, _("Please use the buttons for this step."), day)
            return
    except (acts.InvalidInput, DateInvalid) as error:
        reprompt(turn, activity, step, error_text(error), day)
        return
    except acts.Incomplete:  # an end before any start (an edit of an old activity)
        await show_step(turn, activity, Step.WHEN)
        return
    await advance(turn, activity, step)


async def first_title(turn: Turn) -> None:
    """The first answer of a new registration: only now is the draft created, so pressing
    Register and then Back (or /cancel) leaves nothing behind."""
    empty = Activity(id=0, status=Status.DRAFT, online=False)
    try:
        title = acts.clean_title(turn.text)
    except acts.InvalidInput as error:
        reprompt(turn, empty, Step.TITLE, error_text(error), None)
        return
    draft = await activity_leaders.start_draft(
        turn.session, leader_id=turn.user_id,
        country=default_country(turn.deps, turn.country), now=turn.now,
    )
    draft.title = title
    await advance(turn, draft, Step.TITLE)


def read_end(turn: Turn, activity: Activity) -> datetime:
    """The typed end: a time alone is on the day the activity starts."""
    if activity.starts_at is None:
        raise acts.Incomplete(Step.WHEN)
    day = activity.starts_at.astimezone(zone(turn.deps)).date()
    return read_start(turn, day)


def read_start(turn: Turn, day: date | None) -> datetime:
    """The typed date and time; after a day was picked, a time alone is enough."""
    timezone = turn.settings.timezone
    try:
        return parse_start(turn.text, now=turn.now, timezone=timezone)
    except DateInvalid as error:
        if error.kind != "no_date" or day is None:
            raise
    return parse_start(f"{day:%d/%m/%Y} {turn.text}", now=turn.now, timezone=timezone)


# Buttons ----------------------------------------------------------------------------------


async def register_activity(turn: Turn) -> None:
    """Start a new draft, or offer to continue (or discard) the one already there."""
    draft = await activity_leaders.find_draft(turn.session, leader_id=turn.user_id)
    if draft is not None and draft.title is None:  # an empty draft of an older version
        await activity_leaders.discard(turn.session, draft)
        draft = None
    if draft is not None:
        title = draft.title or _("(no title yet)")
        turn.edit(
            _("You have an unfinished activity: “{title}”. Continue it, or discard it and "
              "start a new one?").format(title=title),
            keyboard(
                button(pgettext("button", "▶️ Continue"), RESUME(draft.id)),
                button(
                    pgettext("button", "🗑 Discard and start again"),
                    DISCARD(draft.id, YesNo.YES),
                ),
                back_button(MENU()),
            ),
        )
        return
    await ask_first_title(turn)


async def ask_first_title(turn: Turn) -> None:
    """The title of a new activity; the draft is created with the answer (first_title)."""
    await show_step(turn, Activity(id=0, status=Status.DRAFT, online=False), Step.TITLE)


async def resume_draft(turn: Turn, activity_id: int) -> None:
    """Continue a draft at the step where it was left."""
    activity = await load_own(turn, activity_id)
    if activity is None:
        return
    step = Step(activity.draft_step) if activity.draft_step else acts.next_step(activity)
    await show_step(turn, activity, step)


async def discard_draft(turn: Turn, activity_id: int, restart: YesNo) -> None:
    """Throw the draft away; start a new one when asked to."""
    activity = await load_own(turn, activity_id)
    if activity is None:
        return
    try:
        await activity_leaders.discard(turn.session, activity)
    except acts.NotADraft:
        turn.stale(alert=True)
        return
    await turn.clear_state()
    if restart is YesNo.YES:
        await ask_first_title(turn)
        return
    turn.edit(_("The draft was discarded."), keyboard([activities_button(), menu_button()]))


async def go_to_step(turn: Turn, activity_id: int, step: Step) -> None:
    """Back, or "change" from the summary: show that step."""
    activity = await load_own(turn, activity_id)
    if activity is None:
        return
    if step is Step.SUMMARY and activity.status != Status.DRAFT:
        await show_edit(turn, activity)
        return
    await show_step(turn, activity, Step.WHEN if step is Step.HOUR else step)


def register(router: Router) -> None:
    """Register the registration and editing steps."""
    router.form(FLOW, LEADERS, N_("You no longer have the leader role, so this form was "
                                  "closed. Your draft was kept."))
    router.button(NEW, roles=LEADERS)(register_activity)
    router.button(RESUME, roles=LEADERS)(resume_draft)
    router.button(DISCARD, roles=LEADERS)(discard_draft)
    router.button(GO, roles=LEADERS)(go_to_step)
    activity_choices.register_choices(router)
    register_endings(router)


async def submit_activity(turn: Turn, activity_id: int) -> None:
    """Send the draft (or a sent-back activity) for review; staff are told."""
    activity = await load_own(turn, activity_id)
    if activity is None:
        return
    try:
        await activity_leaders.submit(turn.session, activity, now=turn.now)
    except acts.Incomplete as missing:
        turn.reply(_("One part is missing or no longer valid (a date that has passed?). "
                     "Please complete it."))
        await show_step(turn, activity, missing.step)
        return
    except acts.ActivityNotEditable:
        turn.stale(alert=True)
        return
    await turn.clear_state()
    turn.edit(
        _("Thank you! Your activity was sent for review. A moderator will check it soon, "
          "and I will tell you when it is approved."),
        keyboard([button(pgettext("button", "🗂 My activities"), MINE()), menu_button()]),
    )
    alert_staff(turn, activity, changed=False)


async def stop_registration(turn: Turn, activity_id: int) -> None:
    """Cancel during registration: the draft is kept until discarded."""
    await turn.clear_state()
    if activity_id == 0:  # nothing typed yet: there is no draft
        turn.edit(_("Stopped. Nothing was saved."),
                  keyboard([activities_button(), menu_button()]))
        return
    turn.edit(
        _("Stopped. Your draft is saved: press “Register an activity” to continue it, or "
          "discard it now."),
        keyboard(
            button(pgettext("button", "🗑 Discard draft"), DISCARD(activity_id, YesNo.NO)),
            [activities_button(), menu_button()],
        ),
    )


async def edit_activity(turn: Turn, activity_id: int) -> None:
    """Show the activity with a button per part to change."""
    if activity := await load_own(turn, activity_id):
        if activity.status == Status.DRAFT:
            await show_step(turn, activity, Step.SUMMARY)
        else:
            await show_edit(turn, activity)


def register_endings(router: Router) -> None:
    """Sending for review, stopping, and changing an activity."""
    router.button(SUBMIT, roles=LEADERS)(submit_activity)
    router.button(STOP, roles=LEADERS)(stop_registration)
    router.button(EDIT, roles=LEADERS)(edit_activity)
