"""The leader reports an activity after it happened, in a few messages that work on a phone in
the field: one line of three numbers per age band (`5 3 0`: girls/women, boys/men, other), a
short description, and optionally a photo kept only when everyone in it agreed.

The report in progress is a row of its own, so it survives a restart and /menu; it counts only
once it is sent.
"""

from __future__ import annotations

from ...core.activities import InvalidInput
from ...core.activities import reports as reports
from ...core.activities.reports import BAND_LABELS, ReportStep
from ...core.people.roles import LEADERS
from ...db.models import Activity, ActivityReport
from ...i18n import N_, _, ngettext, pgettext
from ..people.views import menu_button
from ..runtime.router import Router
from ..runtime.turn import Turn, button, keyboard
from .actions import (
    MINE,
    OPEN,
    REPORT,
    REPORT_CONFIRM,
    REPORT_CONSENT,
    REPORT_GO,
    REPORT_SEND,
    REPORT_STOP,
    REPORT_ZERO,
    YesNo,
)
from .flow import load_own
from .forms import ReportFormStep
from .views import FLOW, back_button, cancel_button, error_text, render_counts, tell

BANDS = (ReportStep.UNDER12, ReportStep.AGE12_17, ReportStep.AGE18_25, ReportStep.ADULTS)


async def load_report(turn: Turn, activity_id: int) -> tuple[Activity, ActivityReport] | None:
    """The leader's activity and its report in progress, or None after saying why not."""
    activity = await load_own(turn, activity_id, editable=False)
    if activity is None:
        return None
    try:
        report = await reports.start_report(
            turn.session, activity, reporter_id=turn.user_id, now=turn.now
        )
    except reports.NotReportable:
        await turn.clear_state()
        tell(turn, _("This activity cannot be reported now: it has not happened yet, was "
                     "cancelled, or its report was already sent."))
        return None
    return activity, report


def report_prompt(
    turn: Turn, activity: Activity, report: ActivityReport, step: ReportStep
) -> tuple[str, list]:
    aid = activity.id
    if step in BANDS:
        text = _(
            "Report on “{title}”, age group {number} of 4.\n\n"
            "How many people aged {band} took part? Write three numbers separated by spaces: "
            "girls/women, boys/men, other or not said. For example: 5 3 0"
        ).format(title=activity.title, number=BANDS.index(step) + 1, band=_(BAND_LABELS[step]))
        zero = button(pgettext("button", "Nobody of this age (0 0 0)"), REPORT_ZERO(aid, step))
        if step is ReportStep.UNDER12:
            not_held = button(pgettext("button", "🚫 It did not take place"),
                              REPORT_GO(aid, ReportStep.NOT_HELD))
            return text, [[zero], [not_held]]
        return text, [[zero]]
    if step is ReportStep.NOT_HELD:
        return _(
            "Sorry it did not work out. Why did “{title}” not take place? A few words are "
            "enough, for example “heavy rain, nobody could come” or “the school was closed”."
        ).format(title=activity.title), []
    if step is ReportStep.DESCRIPTION:
        text = _("In a few words, what happened and what came out of it? "
                 "(up to {maximum} characters)")
        return text.format(maximum=reports.DESCRIPTION_MAX), []
    if step is ReportStep.PHOTO:
        return _(
            "Do you have a photo of the activity? Send it now, or skip. Only the programme "
            "team can see it: it is never shown to young people."
        ), [[button(pgettext("button", "Skip"), REPORT_GO(aid, ReportStep.SUMMARY))]]
    if step is ReportStep.CONSENT:
        return _(
            "Did everyone in the photo agree to be photographed and to have it shared with the "
            "programme? For anyone under 18, their parent or guardian must agree too."
        ), [
            [button(pgettext("button", "Yes, everyone agreed"), REPORT_CONSENT(aid, YesNo.YES))],
            [button(pgettext("button", "No, or I am not sure"), REPORT_CONSENT(aid, YesNo.NO))],
        ]
    photo = _("Photo: yes, everyone agreed.") if report.photo_file_id else _("Photo: none.")
    text = "\n\n".join(
        [
            _("Please check your report on “{title}”:").format(title=activity.title),
            render_counts(report, turn.translator),
            report.description or "—",
            photo,
        ]
    )
    return text, [[button(pgettext("button", "✅ Send report"), REPORT_SEND(aid))]]


def report_footer(activity: Activity, step: ReportStep) -> list:
    previous = reports.previous_report_step(step)
    back = (back_button(REPORT_GO(activity.id, previous)) if previous
            else back_button(OPEN(activity.id)))
    return [back, cancel_button(REPORT_STOP(activity.id))]


async def show_report_step(
    turn: Turn,
    activity: Activity,
    report: ActivityReport,
    step: ReportStep,
    *,
    error: str | None = None,
) -> None:
    """Ask the question of `step`; typed text (or a photo) now answers it."""
    report.step = step
    await turn.set_state(FLOW, ReportFormStep.at(step), activity_id=activity.id)
    text, rows = report_prompt(turn, activity, report, step)
    markup = keyboard(*rows, report_footer(activity, step))
    if error:
        turn.reply(f"{error}\n\n{text}", markup)
    else:
        turn.edit(text, markup)


def next_report_step(step: ReportStep) -> ReportStep:
    return reports.REPORT_ORDER[reports.REPORT_ORDER.index(step) + 1]


async def typed_report(turn: Turn, step: ReportStep, data: dict) -> None:
    """Counts, the description or the photo: validate, store, go on — or explain and stay."""
    loaded = await load_report(turn, int(data.get("activity_id", 0)))
    if loaded is None:
        return
    activity, report = loaded
    try:
        if step in BANDS:
            reports.set_band(report, step, reports.parse_counts(turn.text))
        elif step is ReportStep.DESCRIPTION:
            report.description = reports.clean_description(turn.text)
        elif step is ReportStep.NOT_HELD:
            reports.report_not_held(report, reason=turn.text, now=turn.now)
            await turn.clear_state()
            show_not_held(turn, activity)
            return
        elif step is ReportStep.PHOTO and turn.update.effective_message.photo:
            reports.keep_photo(report, turn.update.effective_message.photo[-1].file_id)
        else:
            hint = (_("Please send a photo, or press Skip.") if step is ReportStep.PHOTO
                    else _("Please use the buttons for this step."))
            await show_report_step(turn, activity, report, step, error=hint)
            return
    except InvalidInput as error:
        await show_report_step(turn, activity, report, step, error=error_text(error))
        return
    report.updated_at = turn.now
    await show_report_step(turn, activity, report, next_report_step(step))


async def start_report(turn: Turn, activity_id: int) -> None:
    """Start (or continue) the report of an activity that took place."""
    if loaded := await load_report(turn, activity_id):
        activity, report = loaded
        step = ReportStep(report.step) if report.step else ReportStep.UNDER12
        await show_report_step(turn, activity, report, step)


async def go_to_report_step(turn: Turn, activity_id: int, step: ReportStep) -> None:
    """Back, or skip the photo."""
    if loaded := await load_report(turn, activity_id):
        activity, report = loaded
        if step is ReportStep.SUMMARY and report.photo_file_id and not report.photo_consent:
            reports.confirm_photo(report, agreed=False)
        await show_report_step(turn, activity, report, step)


async def nobody_of_this_age(turn: Turn, activity_id: int, step: ReportStep) -> None:
    """0 0 0 for one age band."""
    if step not in BANDS:
        turn.stale(alert=True)
        return
    if loaded := await load_report(turn, activity_id):
        activity, report = loaded
        try:
            reports.set_band(report, step, (0, 0, 0))
        except InvalidInput as error:
            tell(turn, error_text(error))
            return
        await show_report_step(turn, activity, report, next_report_step(step))


async def confirm_photo_consent(turn: Turn, activity_id: int, agreed: YesNo) -> None:
    """Keep the photo only if everyone in it agreed."""
    if loaded := await load_report(turn, activity_id):
        activity, report = loaded
        if not report.photo_file_id:
            turn.stale(alert=True)
            return
        reports.confirm_photo(report, agreed=agreed is YesNo.YES)
        if agreed is YesNo.NO:
            turn.answer(_("The photo was not kept."), alert=True)
        await show_report_step(turn, activity, report, ReportStep.SUMMARY)


def register(router: Router) -> None:
    """Register the report steps."""
    router.form(FLOW, LEADERS, N_("You no longer have the leader role, so this form was "
                                  "closed. Your report so far was kept."), steps=ReportFormStep)
    router.button(REPORT, roles=LEADERS)(start_report)
    router.button(REPORT_GO, roles=LEADERS)(go_to_report_step)
    router.button(REPORT_ZERO, roles=LEADERS)(nobody_of_this_age)
    router.button(REPORT_CONSENT, roles=LEADERS)(confirm_photo_consent)
    register_endings(router)


def show_not_held(turn: Turn, activity: Activity) -> None:
    turn.reply(
        _("Thank you for telling us. “{title}” is recorded as not having taken place, with "
          "your reason.").format(title=activity.title),
        keyboard([button(pgettext("button", "🗂 My activities"), MINE()), menu_button()]),
    )


def ask_surprising(turn: Turn, activity: Activity, report: ActivityReport) -> None:
    """Far more people than expected: ask before sending, with confirm and correct."""
    count = reports.total(report)
    # the total is at least SURPRISE_MARGIN, so never one person
    text = _("Did {total} people take part? You expected {expected}.").format(
        total=turn.translator.format_number(count),
        expected=turn.translator.format_number(activity.expected),
    )
    turn.edit(
        text,
        keyboard(
            button(pgettext("button", "✅ Yes, {total} is right").format(
                total=turn.translator.format_number(count)), REPORT_CONFIRM(activity.id)),
            button(pgettext("button", "✏️ No, correct the numbers"),
                   REPORT_GO(activity.id, ReportStep.UNDER12)),
        ),
    )


async def send_report(turn: Turn, activity_id: int) -> None:
    """Send the report, unless its total is surprising: then ask first."""
    await finish_report(turn, activity_id, confirmed=False)


async def send_confirmed_report(turn: Turn, activity_id: int) -> None:
    """The leader confirmed a surprising total: send the report."""
    await finish_report(turn, activity_id, confirmed=True)


async def finish_report(turn: Turn, activity_id: int, *, confirmed: bool) -> None:
    """Send the report; from now on it counts in the figures."""
    loaded = await load_report(turn, activity_id)
    if loaded is None:
        return
    activity, report = loaded
    if not confirmed and reports.is_surprising(report, activity.expected):
        ask_surprising(turn, activity, report)
        return
    try:
        reports.submit_report(report, now=turn.now)
    except InvalidInput as error:
        await show_report_step(turn, activity, report, ReportStep.UNDER12,
                               error=error_text(error))
        return
    await turn.clear_state()
    turn.edit(
        ngettext(
            "Thank you for reporting! {total} person took part.",
            "Thank you for reporting! {total} people took part.",
            reports.total(report),
        ).format(total=turn.translator.format_number(reports.total(report))),
        keyboard([button(pgettext("button", "🗂 My activities"), MINE()),
                  menu_button()]),
    )


async def stop_report(turn: Turn, activity_id: int) -> None:
    """Stop reporting for now; what was written is kept for later."""
    await turn.clear_state()
    turn.edit(
        _("Stopped. What you wrote so far is saved: press “Report how it went” on the "
          "activity to continue."),
        keyboard([button(pgettext("button", "🗂 My activities"), MINE()), menu_button()]),
    )


def register_endings(router: Router) -> None:
    """Sending the report, or stopping for now."""
    router.button(REPORT_SEND, roles=LEADERS)(send_report)
    router.button(REPORT_CONFIRM, roles=LEADERS)(send_confirmed_report)
    router.button(REPORT_STOP, roles=LEADERS)(stop_report)
