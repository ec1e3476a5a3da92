"""Moving through an activity's steps: the leader's own activity, the question, what comes next.

Shared by registering (activity_register), the steps answered with a button
(activity_choices), and the list and report of the leader's own activities (activities,
activity_report). An approved activity that is changed goes back to review, and the staff
group is told.
"""

from __future__ import annotations

import logging
from datetime import date

from ...core import activities as acts
from ...core.activities import Status, Step
from ...core.activities import leaders as activity_leaders
from ...core.errors import NotAllowed, NotFound
from ...db.models import Activity
from ...i18n import _, pgettext, speaking
from ...logsafe import who
from ..runtime.turn import Turn, button, keyboard
from .actions import OPEN, SUBMIT
from .steps import field_rows, footer, prompt
from .views import FLOW, back_button, notify, render_summary, status_label, tell

logger = logging.getLogger(__name__)


async def load_own(turn: Turn, activity_id: int, *, editable: bool = True) -> Activity | None:
    """The person's own activity, or None after telling them why not (nothing changes)."""
    try:
        return await activity_leaders.get_own(
            turn.session,
            activity_id=activity_id,
            leader_id=turn.user_id,
            editable_at=turn.now if editable else None,
        )
    except NotAllowed:
        logger.info("%s refused activity %s: not theirs", who(turn.user_id), activity_id)
        tell(turn, _("That is not one of your activities, so you cannot change it."))
    except NotFound:
        turn.stale(alert=True)
    except acts.ActivityNotEditable:
        tell(turn, _("This activity can no longer be changed: it has started or was cancelled."))
    return None


def alert_staff(turn: Turn, activity: Activity, *, changed: bool) -> None:
    """Tell the staff group that an activity waits for review (in the default language)."""
    chat_id = turn.settings.staff_chat_id
    if chat_id is None:
        return
    with speaking(turn.deps.catalogs, turn.settings.default_language):
        if changed:
            text = _("An approved activity was changed and needs a new review: #{id} “{title}”.")
        else:
            text = _("New activity waiting for review: #{id} “{title}”.")
        text = "\n".join(
            [
                text.format(id=activity.id, title=activity.title),
                _("Review it in your private chat with me: Activities → Review pending."),
            ]
        )
    notify(turn, chat_id, text)


async def show_step(
    turn: Turn,
    activity: Activity,
    step: Step,
    *,
    day: date | None = None,
    country: str = "",
    page: int = 0,
) -> None:
    """Ask the question of `step` and remember that typed text now answers it."""
    if activity.status == Status.DRAFT:
        parent = {Step.HOUR: Step.WHEN, Step.COUNTRY: Step.PLACE}
        activity.draft_step = parent.get(step, step)
    data: dict = {"activity_id": activity.id}
    if day is not None:
        data["day"] = day.isoformat()
    await turn.set_state(FLOW, step, **data)
    group = None
    if step is Step.GROUP and activity.leader_id is not None:
        group = await activity_leaders.last_group(turn.session, leader_id=activity.leader_id)
    text, rows = prompt(turn, activity, step, day=day, country=country, page=page, group=group)
    turn.edit(text, keyboard(*rows, footer(activity, step)))


def reprompt(turn: Turn, activity: Activity, step: Step, error: str, day: date | None) -> None:
    """The error, then the same question again; nothing is changed."""
    text, rows = prompt(turn, activity, step, day=day)
    turn.reply(f"{error}\n\n{text}", keyboard(*rows, footer(activity, step)))


async def show_edit(turn: Turn, activity: Activity, *, note: str | None = None) -> None:
    """The activity with a button per part to change (changes are saved at once)."""
    await turn.clear_state()
    parts = [
        render_summary(turn.deps, turn.translator, activity),
        _("Status: {status}").format(status=status_label(activity.status)),
        _("What would you like to change? Each change is saved at once."),
    ]
    if note:
        parts.insert(0, note)
    if activity.status == Status.APPROVED:
        parts.append(_("Changing what young people see sends it back for review; the expected "
                       "number does not."))
    rows = field_rows(activity)
    if activity.status == Status.RETURNED:
        again = button(pgettext("button", "📤 Send for review again"), SUBMIT(activity.id))
        rows.insert(0, [again])
    turn.edit("\n\n".join(parts), keyboard(*rows, back_button(OPEN(activity.id))))


async def advance(turn: Turn, activity: Activity, done: Step) -> None:
    """After a step: the district after a region; the next empty step of a draft; or, when
    editing, the activity again (an approved one goes back to review)."""
    activity.updated_at = turn.now
    seen = done not in acts.UNSEEN
    if activity.status != Status.DRAFT and activity_leaders.changed(
        activity, now=turn.now, seen=seen
    ):
        alert_staff(turn, activity, changed=True)
    if done is Step.PLACE and not activity.online:
        await show_step(turn, activity, Step.DISTRICT)
    elif activity.status == Status.DRAFT or acts.next_step(activity) is not Step.SUMMARY:
        # an edit that leaves a part empty (a new place needs its meeting point) asks it next
        await show_step(turn, activity, acts.next_step(activity))
    else:
        await show_edit(turn, activity, note=render_saved(activity))


def render_saved(activity: Activity) -> str:
    if activity.status == Status.PENDING:
        return _("Saved. A moderator will check it before young people can see it.")
    return _("Saved.")
