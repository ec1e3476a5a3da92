"""Moderators review new activities (approve, or send back with a reason the leader reads in
their own language), and admins get the activities export with `/export`."""

from __future__ import annotations

import asyncio
import logging
from datetime import date

from telegram import InputFile

from ...core import activities as acts
from ...core.activities import overview
from ...core.activities import reviews as activity_reviews
from ...core.activities.export import export_files, load_rows, parse_day
from ...core.activities.overview import OwnActivity
from ...core.people.roles import STAFF, Role
from ...db.models import Activity
from ...i18n import N_, _, ngettext, pgettext, speaking
from ..people.views import menu_button
from ..runtime.router import Router
from ..runtime.turn import Turn, button, keyboard
from .actions import APPROVE, MENU, OPEN, REVIEW, REVIEW_LIST, REVIEW_SHOW, SEND_BACK
from .forms import ReviewFormStep
from .views import (
    FLOW,
    activities_button,
    back_button,
    cancel_button,
    error_text,
    notify,
    render_changes,
    render_group_and_leader,
    render_summary,
    short_when,
    tell,
    zone,
)

logger = logging.getLogger(__name__)



def render_own_activity() -> str:
    return _("You registered this activity yourself, so someone else on the team must approve "
             "it. Thank you for understanding: it keeps reviews fair.")


async def render_review_context(turn: Turn, activity: Activity) -> str:
    """Who runs it (group, the leader's @handle) and what changed since the last review."""
    return "\n".join(
        [
            render_group_and_leader(
                overview.group_of(activity), await overview.leader_handle(turn.session, activity)
            ),
            render_changes(await overview.changes_since_review(turn.session, activity)),
        ]
    )


def render_already_reviewed() -> str:
    return _("Someone else has already reviewed this activity.")


async def show_card(turn: Turn, activity: Activity | None, *, note: str | None = None) -> None:
    """A pending activity with approve, send back and next; or "nothing waiting"."""
    await turn.clear_state()
    if activity is None:
        text = _("Nothing is waiting for review. Thank you!")
        turn.edit(f"{note}\n\n{text}" if note else text,
                  keyboard([activities_button(), menu_button()]))
        return
    waiting = await activity_reviews.count_pending(turn.session)
    own = activity.leader_id == turn.user_id
    parts = [
        _("Waiting for review: {count}").format(count=waiting),
        _("Activity #{id}").format(id=activity.id),
        render_summary(turn.deps, turn.translator, activity),
        await render_review_context(turn, activity),
    ]
    if note:
        parts.insert(0, note)
    if own:
        parts.append(render_own_activity())
    turn.edit(
        "\n\n".join(parts),
        keyboard(
            [
                *([] if own else [button(pgettext("button", "✅ Approve"), APPROVE(activity.id))]),
                button(pgettext("button", "↩️ Send back"), SEND_BACK(activity.id)),
            ],
            button(pgettext("button", "⏭ Next"), REVIEW(activity.id)),
            back_button(MENU()),
        ),
    )


async def typed_reason(turn: Turn, data: dict) -> None:
    """The reason for sending back: the leader is told it, in their language."""
    activity_id = int(data.get("activity_id", 0))
    try:
        activity, language = await activity_reviews.review(
            turn.session,
            activity_id=activity_id,
            moderator_id=turn.user_id,
            approve=False,
            reason=turn.text,
            now=turn.now,
        )
    except acts.InvalidInput as error:
        turn.reply(f"{error_text(error)}\n\n{render_reason_question()}",
                   keyboard(cancel_button(REVIEW_SHOW(activity_id))))
        return
    except acts.NotPending:
        await turn.clear_state()
        tell(turn, render_already_reviewed())
        return
    if language is not None:
        with speaking(turn.deps.catalogs, language):
            text = _("Your activity “{title}” was sent back by a moderator. Their note:\n\n"
                     "{reason}\n\nYou can change it and send it again from “My activities”.")
            markup = keyboard(button(pgettext("button", "Open the activity"), OPEN(activity.id)))
        notify(turn, activity.leader_id, text.format(title=activity.title,
                                                     reason=activity.review_note), markup)
    await turn.clear_state()
    turn.reply(
        _("Sent back. The leader has been told."),
        keyboard(button(pgettext("button", "⏭ Next"), REVIEW(activity.id)), menu_button()),
    )


def render_reason_question() -> str:
    return _("Why are you sending it back? Write a short reason. The leader will read it, so "
             "please be kind and specific.")


async def review_pending(turn: Turn) -> None:
    """The oldest activity waiting for review."""
    await show_card(turn, await activity_reviews.next_pending(turn.session))


async def next_pending(turn: Turn, after_id: int) -> None:
    """The next activity waiting for review."""
    await show_card(turn, await activity_reviews.next_pending(turn.session, after_id=after_id))


async def show_pending(turn: Turn, activity_id: int) -> None:
    """One pending activity again (after cancelling a send-back)."""
    try:
        activity = await activity_reviews.pending(turn.session, activity_id=activity_id)
    except acts.NotPending:
        activity = await activity_reviews.next_pending(turn.session)
    await show_card(turn, activity)


async def approve(turn: Turn, activity_id: int) -> None:
    """Approve: young people can find it now; the leader is told."""
    try:
        activity, language = await activity_reviews.review(
            turn.session, activity_id=activity_id, moderator_id=turn.user_id,
            approve=True, reason=None, now=turn.now,
        )  # fmt: skip
    except acts.NotPending:
        tell(turn, render_already_reviewed())
        return
    except OwnActivity:
        tell(turn, render_own_activity())
        return
    if language is not None:
        with speaking(turn.deps.catalogs, language) as translator:
            text = _("Good news! Your activity “{title}” on {when} was approved. Young "
                     "people can now find it and join.").format(
                title=activity.title, when=short_when(turn.deps, translator, activity))
        notify(turn, activity.leader_id, text)
    following = await activity_reviews.next_pending(turn.session, after_id=activity_id)
    await show_card(turn, following, note=_("Approved. The leader has been told."))


async def ask_reason(turn: Turn, activity_id: int) -> None:
    """Ask the moderator why it goes back."""
    try:
        await activity_reviews.pending(turn.session, activity_id=activity_id)
    except acts.NotPending:
        tell(turn, render_already_reviewed())
        return
    await turn.set_state(FLOW, ReviewFormStep.REASON, activity_id=activity_id)
    turn.edit(render_reason_question(), keyboard(cancel_button(REVIEW_SHOW(activity_id))))


async def export_activities(turn: Turn) -> None:
    """Send an admin the activities as CSV and XLSX, and the two charts."""
    try:
        start, end = export_range(turn.context.args or [])
    except ValueError:
        turn.reply(_("Please write the dates like this: /export 2026-01-01 2026-12-31 "
                     "(both are optional; the second must not be before the first)."))
        return
    turn.reply(_("Preparing the export of activities…"))
    turn.later(lambda: send_export(turn, start, end))


def register(router: Router) -> None:
    """Register review and export."""
    router.form(FLOW, STAFF, N_("You no longer have the moderator role, so this form was "
                                "closed. Nothing was sent back."), steps=ReviewFormStep)
    router.button(REVIEW_LIST, roles=STAFF)(review_pending)
    router.button(REVIEW, roles=STAFF)(next_pending)
    router.button(REVIEW_SHOW, roles=STAFF)(show_pending)
    router.button(APPROVE, roles=STAFF)(approve)
    router.button(SEND_BACK, roles=STAFF)(ask_reason)
    router.command("export", "exportar", roles={Role.ADMIN})(export_activities)


def export_range(args: list[str]) -> tuple[date | None, date | None]:
    if len(args) > 2:
        raise ValueError(args)
    start = parse_day(args[0]) if args else None
    end = parse_day(args[1]) if len(args) > 1 else None
    if start and end and end < start:
        raise ValueError(args)
    return start, end


async def send_export(turn: Turn, start: date | None, end: date | None) -> None:
    """After the turn: read in a short session, build the files off the event loop, send."""
    deps = turn.deps
    async with deps.db.session() as session:
        rows = await load_rows(session, start=start, end=end, timezone=deps.settings.timezone)
    if not rows:
        await turn.bot.send_message(turn.chat_id, _("There are no activities to export yet."))
        return
    stem = "activities-" + turn.now.astimezone(zone(deps)).strftime("%Y-%m-%d")
    files = await asyncio.to_thread(export_files, rows, deps.content.countries, stem=stem)
    caption = ngettext("{count} activity.", "{count} activities.", len(rows)).format(
        count=turn.translator.format_number(len(rows))
    )
    logger.info("activities export: %s rows sent to an admin", len(rows))
    for name, content in files:
        document = InputFile(content, filename=name)
        if name.endswith(".png"):
            await turn.bot.send_photo(turn.chat_id, photo=document)
        else:
            await turn.bot.send_document(turn.chat_id, document=document, caption=caption)
