"""Leaders register an activity step by step, and change their own afterwards.

The draft is an `activities` row with status "draft", so it survives a restart and /menu or
/cancel (which clear only the conversation state): "Register an activity" offers to continue
it or to discard it. Every step has back and cancel; the last one is a summary to confirm.
Editing an activity reuses the same steps and saves each change at once.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from ..core import activities as acts
from ..core.activities import Status, Step
from ..core.activity_dates import DateInvalid, combine_day, parse_start
from ..core.errors import NotAllowed, NotFound
from ..core.roles import LEADERS
from ..db.models import Activity
from ..i18n import _, pgettext
from .activity_steps import PICK_HOURS, field_rows, footer, picked_day, prompt
from .activity_views import (
    FLOW,
    activities_button,
    back_button,
    default_country,
    error_text,
    find_country,
    notify,
    render_summary,
    speaking,
    stale,
    status_label,
    tell,
)
from .menu import menu_button
from .routing import Router
from .runtime import Turn, button, keyboard

logger = logging.getLogger(__name__)


async def load_own(turn: Turn, activity_id: int, *, editable: bool = True) -> Activity | None:
    """The person's own activity, or None after telling them why not (nothing changes)."""
    try:
        return await acts.get_own(
            turn.session,
            activity_id=activity_id,
            leader_id=turn.user_id,
            editable_at=turn.now if editable else None,
        )
    except NotAllowed:
        logger.info("user %s refused activity %s: not theirs", turn.user_id, activity_id)
        tell(turn, _("That is not one of your activities, so you cannot change it."))
    except NotFound:
        stale(turn)
    except acts.ActivityNotEditable:
        tell(turn, _("This activity can no longer be changed: it has started or was cancelled."))
    return None


def alert_staff(turn: Turn, activity: Activity, *, changed: bool) -> None:
    """Tell the staff group that an activity waits for review (in the default language)."""
    chat_id = turn.settings.staff_chat_id
    if chat_id is None:
        return
    with speaking(turn.deps, turn.settings.default_language):
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
    turn: Turn, activity: Activity, step: Step, *, day: date | None = None, country: str = ""
) -> None:
    """Ask the question of `step` and remember that typed text now answers it."""
    if activity.status == Status.DRAFT:
        parent = {Step.HOUR: Step.WHEN, Step.COUNTRY: Step.PLACE}
        activity.draft_step = parent.get(step, step)
    data: dict = {"activity_id": activity.id}
    if day is not None:
        data["day"] = day.isoformat()
    await turn.set_state(FLOW, step, **data)
    text, rows = prompt(turn, activity, step, day=day, country=country)
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
    rows = field_rows(activity)
    if activity.status == Status.RETURNED:
        rows.insert(0, [button(pgettext("button", "📤 Send for review again"), "act.submit",
                               activity.id)])
    turn.edit("\n\n".join(parts), keyboard(*rows, back_button("act.open", activity.id)))


async def advance(turn: Turn, activity: Activity, done: Step) -> None:
    """After a step: the district after a region; the next empty step of a draft; or, when
    editing, the activity again (an approved one goes back to review)."""
    activity.updated_at = turn.now
    if activity.status != Status.DRAFT and acts.changed(activity, now=turn.now):
        alert_staff(turn, activity, changed=True)
    if done is Step.PLACE and not activity.online:
        await show_step(turn, activity, Step.DISTRICT)
    elif activity.status == Status.DRAFT:
        await show_step(turn, activity, acts.next_step(activity))
    else:
        await show_edit(turn, activity, note=render_saved(activity))


def render_saved(activity: Activity) -> str:
    if activity.status == Status.PENDING:
        return _("Saved. A moderator will check it before young people can see it.")
    return _("Saved.")


# Typed answers -------------------------------------------------------------------------


async def typed_answer(turn: Turn, step: Step, data: dict) -> None:
    """Typed text at a registration step: validate, store, go on — or explain and stay."""
    activity = await load_own(turn, int(data.get("activity_id", 0)))
    if activity is None:
        await turn.clear_state()
        return
    day = date.fromisoformat(data["day"]) if data.get("day") else None
    try:
        if step is Step.TITLE:
            activity.title = acts.clean_title(turn.text)
        elif step in (Step.WHEN, Step.HOUR):
            activity.starts_at = read_start(turn, day)
            step = Step.WHEN
        elif step is Step.DISTRICT:
            activity.district = acts.clean_district(turn.text)
        elif step is Step.EXPECTED:
            activity.expected = acts.parse_expected(turn.text)
        else:
            reprompt(turn, activity, step, _("Please use the buttons for this step."), day)
            return
    except (acts.InvalidInput, DateInvalid) as error:
        reprompt(turn, activity, step, error_text(error), day)
        return
    await advance(turn, activity, step)


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


def register(router: Router, text_steps: dict) -> None:
    """Register the registration and editing steps."""
    for step in Step:
        text_steps[step.value] = lambda turn, data, step=step: typed_answer(turn, step, data)

    @router.button("act.new", roles=LEADERS)
    async def register_activity(turn: Turn) -> None:
        """Start a new draft, or offer to continue (or discard) the one already there."""
        draft = await acts.find_draft(turn.session, leader_id=turn.user_id)
        if draft is not None:
            title = draft.title or _("(no title yet)")
            turn.edit(
                _("You have an unfinished activity: “{title}”. Continue it, or discard it and "
                  "start a new one?").format(title=title),
                keyboard(
                    button(pgettext("button", "▶️ Continue"), "act.resume", draft.id),
                    button(pgettext("button", "🗑 Discard and start again"), "act.discard",
                           draft.id, 1),
                    back_button("act.menu"),
                ),
            )
            return
        country = default_country(turn.deps, turn.user.country if turn.user else None)
        draft = await acts.start_draft(
            turn.session, leader_id=turn.user_id, country=country, now=turn.now
        )
        await show_step(turn, draft, Step.TITLE)

    @router.button("act.resume", int, roles=LEADERS)
    async def resume_draft(turn: Turn, activity_id: int) -> None:
        """Continue a draft at the step where it was left."""
        activity = await load_own(turn, activity_id)
        if activity is None:
            return
        step = Step(activity.draft_step) if activity.draft_step else acts.next_step(activity)
        await show_step(turn, activity, step)

    @router.button("act.discard", int, int, roles=LEADERS)
    async def discard_draft(turn: Turn, activity_id: int, restart: int) -> None:
        """Throw the draft away; start a new one when asked to."""
        activity = await load_own(turn, activity_id)
        if activity is None or activity.status != Status.DRAFT:
            if activity is not None:
                stale(turn)
            return
        await turn.session.delete(activity)
        await turn.clear_state()
        if restart:
            draft = await acts.start_draft(
                turn.session, leader_id=turn.user_id, country=activity.country, now=turn.now
            )
            await show_step(turn, draft, Step.TITLE)
            return
        turn.edit(_("The draft was discarded."), keyboard([activities_button(), menu_button()]))

    @router.button("act.go", int, Step, roles=LEADERS)
    async def go_to_step(turn: Turn, activity_id: int, step: Step) -> None:
        """Back, or "change" from the summary: show that step."""
        activity = await load_own(turn, activity_id)
        if activity is None:
            return
        if step is Step.SUMMARY and activity.status != Status.DRAFT:
            await show_edit(turn, activity)
            return
        await show_step(turn, activity, Step.WHEN if step is Step.HOUR else step)

    register_choices(router)
    register_endings(router)


def register_choices(router: Router) -> None:
    """The steps answered with a button."""

    @router.button("act.kind", int, acts.Kind, roles=LEADERS)
    async def choose_kind(turn: Turn, activity_id: int, kind: acts.Kind) -> None:
        """Store the type; ask the pathway next."""
        if activity := await load_own(turn, activity_id):
            activity.kind = kind
            await advance(turn, activity, Step.KIND)

    @router.button("act.path", int, acts.Pathway, roles=LEADERS)
    async def choose_pathway(turn: Turn, activity_id: int, pathway: acts.Pathway) -> None:
        """Store the pathway; ask the date next."""
        if activity := await load_own(turn, activity_id):
            activity.pathway = pathway
            await advance(turn, activity, Step.PATHWAY)

    @router.button("act.day", int, str, roles=LEADERS)
    async def choose_day(turn: Turn, activity_id: int, token: str) -> None:
        """A day from the picker: ask the hour."""
        day = picked_day(turn, token)
        activity = await load_own(turn, activity_id) if day else None
        if day is None:
            stale(turn)
        elif activity is not None:
            await show_step(turn, activity, Step.HOUR, day=day)

    @router.button("act.hour", int, str, int, roles=LEADERS)
    async def choose_hour(turn: Turn, activity_id: int, token: str, hour: int) -> None:
        """An hour from the picker: store the date and time (if still in the future)."""
        day = picked_day(turn, token)
        if day is None or hour not in PICK_HOURS:
            stale(turn)
            return
        starts_at = combine_day(day, hour, 0, timezone=turn.settings.timezone)
        if starts_at <= turn.now:
            tell(turn, error_text(DateInvalid("past")))
            return
        if activity := await load_own(turn, activity_id):
            activity.starts_at = starts_at
            await advance(turn, activity, Step.WHEN)

    @router.button("act.country", int, str, roles=LEADERS)
    async def choose_country(turn: Turn, activity_id: int, country_id: str) -> None:
        """Show the regions of another country."""
        if find_country(turn.deps, country_id) is None:
            stale(turn)
        elif activity := await load_own(turn, activity_id):
            await show_step(turn, activity, Step.PLACE, country=country_id)

    @router.button("act.region", int, str, str, roles=LEADERS)
    async def choose_region(turn: Turn, activity_id: int, country_id: str, region_id: str) -> None:
        """Store the region; ask the district next."""
        country = find_country(turn.deps, country_id)
        if country is None or country.region(region_id) is None:
            stale(turn)
        elif activity := await load_own(turn, activity_id):
            acts.set_place(activity, country=country_id, region=region_id, online=False)
            await advance(turn, activity, Step.PLACE)

    @router.button("act.online", int, roles=LEADERS)
    async def choose_online(turn: Turn, activity_id: int) -> None:
        """An online activity: no region or district."""
        if activity := await load_own(turn, activity_id):
            country = activity.country or default_country(turn.deps, None)
            acts.set_place(activity, country=country, region=None, online=True)
            await advance(turn, activity, Step.PLACE)

    @router.button("act.district", int, int, roles=LEADERS)
    async def choose_district(turn: Turn, activity_id: int, index: int) -> None:
        """A district from the list, or none (-1)."""
        activity = await load_own(turn, activity_id)
        if activity is None:
            return
        country = find_country(turn.deps, activity.country)
        region = country.region(activity.region) if country and activity.region else None
        if region is None or not -1 <= index < len(region.districts):
            stale(turn)
            return
        activity.district = region.districts[index] if index >= 0 else None
        await advance(turn, activity, Step.DISTRICT)

    @router.button("act.exp", int, int, roles=LEADERS)
    async def choose_expected(turn: Turn, activity_id: int, expected: int) -> None:
        """Expected participants from the quick buttons."""
        if not 1 <= expected <= acts.EXPECTED_MAX:
            stale(turn)
        elif activity := await load_own(turn, activity_id):
            activity.expected = expected
            await advance(turn, activity, Step.EXPECTED)


def register_endings(router: Router) -> None:
    """Sending for review, stopping, and changing an activity."""

    @router.button("act.submit", int, roles=LEADERS)
    async def submit_activity(turn: Turn, activity_id: int) -> None:
        """Send the draft (or a sent-back activity) for review; staff are told."""
        activity = await load_own(turn, activity_id)
        if activity is None:
            return
        try:
            await acts.submit(turn.session, activity, now=turn.now)
        except acts.Incomplete as missing:
            turn.reply(_("One part is missing or no longer valid (a date that has passed?). "
                         "Please complete it."))
            await show_step(turn, activity, missing.step)
            return
        except acts.ActivityNotEditable:
            stale(turn)
            return
        await turn.clear_state()
        turn.edit(
            _("Thank you! Your activity was sent for review. A moderator will check it soon, "
              "and I will tell you when it is approved."),
            keyboard([button(pgettext("button", "🗂 My activities"), "act.mine"), menu_button()]),
        )
        alert_staff(turn, activity, changed=False)

    @router.button("act.stop", int, roles=LEADERS)
    async def stop_registration(turn: Turn, activity_id: int) -> None:
        """Cancel during registration: the draft is kept until discarded."""
        await turn.clear_state()
        turn.edit(
            _("Stopped. Your draft is saved: press “Register an activity” to continue it, or "
              "discard it now."),
            keyboard(
                button(pgettext("button", "🗑 Discard draft"), "act.discard", activity_id, 0),
                [activities_button(), menu_button()],
            ),
        )

    @router.button("act.edit", int, roles=LEADERS)
    async def edit_activity(turn: Turn, activity_id: int) -> None:
        """Show the activity with a button per part to change."""
        if activity := await load_own(turn, activity_id):
            if activity.status == Status.DRAFT:
                await show_step(turn, activity, Step.SUMMARY)
            else:
                await show_edit(turn, activity)
