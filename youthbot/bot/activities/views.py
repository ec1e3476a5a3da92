"""How activities look in the chat: labels, places, dates, summaries and error sentences; and
messages to other people (leaders, joiners, staff), each in their own language."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from babel.dates import get_date_format
from telegram import InlineKeyboardButton
from telegram.error import Forbidden, TelegramError

from ...core import activities as acts
from ...core.activities.dates import DateInvalid
from ...core.activities.reports import BAND_LABELS, GENDERS, band_counts, capitalized, total
from ...core.regions import Country
from ...db.models import Activity, ActivityReport
from ...i18n import N_, Translator, _, current, ngettext, pgettext
from ...logsafe import who
from ..runtime.callbacks import Packed
from ..runtime.turn import Deps, Markup, Turn, button, keyboard
from ..safety.hold import held_back
from .actions import MENU, SEE

logger = logging.getLogger(__name__)

FLOW = "activity"

# The counts in these sentences are never 1 (every limit is at least 2, and a length is shown
# only when it is over its limit), so they need no plural forms; a count that can be 1 does.
ERRORS = {
    "title_short": N_("The title is too short. Please write at least {minimum} characters."),
    "title_long": N_(
        "The title is too long ({length} characters). Please keep it to {maximum} characters."
    ),
    "district_short": N_("Please write the name of the district or town (at least 2 letters)."),
    "district_long": N_(
        "That name is too long ({length} characters). Please keep it to {maximum} characters."
    ),
    "expected_number": N_("Please write the number with digits only, for example 25."),
    "expected_whole": N_("Please write a whole number, without decimals, for example 25."),
    "expected_range": N_("The number of people must be between {minimum} and {maximum}."),
    "venue_short": N_("Please write where to meet (at least {minimum} characters)."),
    "venue_long": N_(
        "That is too long ({length} characters). Please keep it to {maximum} characters."
    ),
    "link_invalid": N_(
        "That does not look like a safe link. Please send the whole link, starting with "
        "https://, for example https://meet.example.org/taller"
    ),
    "link_long": N_(
        "That link is too long ({length} characters). Please keep it to {maximum} characters."
    ),
    "about_short": N_("Please tell people a little more (at least {minimum} characters)."),
    "about_long": N_(
        "That is too long ({length} characters). Please keep it to {maximum} characters."
    ),
    "group_short": N_("Please write the name of your group (at least {minimum} letters)."),
    "group_long": N_(
        "That name is too long ({length} characters). Please keep it to {maximum} characters."
    ),
    "end_before": N_("It must end after it starts. Please check the time."),
    "end_far": N_("That is more than three days after the start. Please check the date."),
    "not_held_short": N_(
        "Please say in a few words why it did not take place (at least {minimum} characters)."
    ),
    "not_held_long": N_(
        "That is too long ({length} characters). Please keep it to {maximum} characters."
    ),
    "reason_short": N_(
        "Please write a reason the leader can act on (at least {minimum} characters)."
    ),
    "reason_long": N_(
        "The reason is too long ({length} characters). Please keep it to {maximum} characters."
    ),
    "unreadable": N_(
        "Sorry, I could not read that date. Please write it like 25/12/2026 16:00 or "
        "25 Dec 4pm, or pick a day below."
    ),
    "no_date": N_(
        "I see a time but not the day. Please write both, for example 25/12 16:00."
    ),
    "no_time": N_(
        "I see the day but not the time. Please add the time, for example 25/12 16:00."
    ),
    "no_such_date": N_(
        "That day does not exist in the calendar. Please check the day and the month."
    ),
    "no_such_time": N_(
        "That time does not exist. Please use hours from 0 to 23 and minutes from 0 to 59, "
        "for example 16:30 or 4:30 pm."
    ),
    "past": N_("That date and time have already passed. Please choose a time in the future."),
    "too_far": N_("That is more than two years away. Please check the year."),
    "counts_three": N_(
        "Please write exactly three numbers separated by spaces: girls/women, boys/men, "
        "other. For example: 5 3 0"
    ),
    "counts_number": N_("Please use digits only, for example: 5 3 0"),
    "counts_whole": N_("Please write whole numbers, without decimals, for example: 5 3 0"),
    "counts_range": N_("Each number must be between 0 and {maximum}."),
    "counts_total": N_(
        "Nobody is counted yet: at least one person must have taken part. Please write the "
        "numbers again, or go back to correct an earlier age group."
    ),
    "counts_missing": N_("Some age groups are still missing. Please go back and fill them in."),
    "description_short": N_(
        "Please tell us a little more (at least {minimum} characters)."
    ),
    "description_long": N_(
        "That is too long ({length} characters). Please keep it to {maximum} characters."
    ),
}


def error_text(error: acts.InvalidInput | DateInvalid) -> str:
    """The kind, specific sentence for a refused value, in the person's language."""
    translator = current()
    params = {
        name: translator.format_number(value) if isinstance(value, int) else value
        for name, value in getattr(error, "params", {}).items()
    }
    return _(ERRORS[error.kind]).format(**params)


def render_cancelled(step: str, data: dict) -> str | None:
    """What /cancel says when it leaves an activity form: what was kept (None: not one)."""
    if step in {s.value for s in acts.Step}:
        if not data.get("activity_id"):
            return _("Cancelled. Nothing was saved.")
        return _("Cancelled. What you entered so far is saved: open 📅 Activities → "
                 "“Register an activity” to continue a draft or discard it.")
    if step.startswith("report."):
        return _("Cancelled. Your report so far is saved: press “Report how it went” on the "
                 "activity to continue.")
    return None


def tell(turn: Turn, text: str) -> None:
    """An alert on the pressed button, or a message when the person typed."""
    if turn.update.callback_query is not None:
        turn.answer(text, alert=True)
    else:
        turn.reply(text)


def notify(turn: Turn, chat_id: int, text: str, markup: Markup = None) -> None:
    """Queue a message to someone else; if they blocked the bot, the turn still completes."""
    deps, bot = turn.deps, turn.bot

    async def send() -> None:
        await deliver(deps, bot, chat_id, text, markup)

    turn.later(send)


async def deliver(
    deps: Deps, bot, chat_id: int, text: str, markup: Markup = None, *, keep: bool = True
) -> bool:
    """Send to a person; after their quick exit it waits for them (or is dropped when not
    `keep`: reminders), see bot/safety/hold.py."""
    if chat_id > 0 and await held_back(deps, chat_id, text, markup, keep=keep):
        return False
    try:
        await bot.send_message(chat_id, text, reply_markup=markup)
    except Forbidden:
        logger.info("%s has blocked the bot; message not delivered", who(chat_id))
        return False
    except TelegramError as exc:
        logger.warning("could not send to %s: %s", who(chat_id), type(exc).__name__)
        return False
    return True



def zone(deps: Deps) -> ZoneInfo:
    return ZoneInfo(deps.settings.timezone)


# Labels ------------------------------------------------------------------------------------


def kind_label(kind: str | None) -> str:
    return _(acts.KIND_LABELS[acts.Kind(kind)]) if kind else "—"


def pathway_label(pathway: str | None) -> str:
    return _(acts.PATHWAY_LABELS[acts.Pathway(pathway)]) if pathway else "—"


def pathway_words(pathway: str | None) -> str:
    """The pathway as young people would say it ("young people speaking out")."""
    return _(acts.PATHWAY_YOUTH_LABELS[acts.Pathway(pathway)]) if pathway else "—"


def status_label(status: str) -> str:
    return _(acts.STATUS_LABELS[acts.Status(status)])


def find_country(deps: Deps, country_id: str | None) -> Country | None:
    return next((c for c in deps.content.countries if c.id == country_id), None)


def default_country(deps: Deps, user_country: str | None) -> str | None:
    """The person's country when we know it, else the first configured (Peru)."""
    if find_country(deps, user_country) is not None:
        return user_country
    return deps.content.countries[0].id if deps.content.countries else None


def region_name(deps: Deps, country_id: str | None, region_id: str | None) -> str:
    country = find_country(deps, country_id)
    region = country.region(region_id) if country and region_id else None
    return region.name_in(current().language) if region else (region_id or "—")


def when_text(deps: Deps, translator: Translator, activity: Activity) -> str:
    """The start in the person's language and the programme's time zone, e.g. "viernes, 25 de
    diciembre de 2026, 16:00" or "Friday, December 25, 2026, 16:00"."""
    if activity.starts_at is None:
        return "—"
    pattern = get_date_format("full", locale=translator.locale).pattern + ", HH:mm"
    start = translator.format_datetime(activity.starts_at, pattern, tzinfo=zone(deps))
    if activity.ends_at is None:
        return start
    same_day = (activity.starts_at.astimezone(zone(deps)).date()
                == activity.ends_at.astimezone(zone(deps)).date())
    end = translator.format_datetime(
        activity.ends_at, "HH:mm" if same_day else pattern, tzinfo=zone(deps)
    )
    return _("{start} to {end}").format(start=start, end=end)


def short_when(deps: Deps, translator: Translator, activity: Activity) -> str:
    return translator.format_datetime(activity.starts_at, "d MMM, HH:mm", tzinfo=zone(deps))


def place_text(deps: Deps, activity: Activity) -> str:
    if activity.online:
        return _("Online")
    if activity.region is None:
        return "—"
    country = find_country(deps, activity.country)
    parts = [activity.district, region_name(deps, activity.country, activity.region)]
    if country is not None:
        parts.append(country.name_in(current().language))
    return ", ".join(p for p in parts if p)


def render_details(deps: Deps, translator: Translator, activity: Activity) -> str:
    """What anyone may see about an activity (no leader, no joiners, no online link)."""
    lines = [
        _("📌 {title}\nType: {kind}\nWhat it is about: {pathway}\n📅 {when}\n📍 {place}").format(
            title=activity.title or "—",
            kind=kind_label(activity.kind),
            pathway=pathway_words(activity.pathway),
            when=when_text(deps, translator, activity),
            place=place_text(deps, activity),
        )
    ]
    if activity.venue and not activity.online:
        lines.append(_("🚩 Meeting point: {venue}").format(venue=activity.venue))
    if activity.group_name:
        lines.append(_("👥 Organised by: {group}").format(group=activity.group_name))
    if activity.description:
        lines.append(f"\n{activity.description}")
    return "\n".join(lines)


def render_link(activity: Activity) -> str:
    return _("🔗 Link to take part: {link}").format(link=activity.online_link)


def render_summary(deps: Deps, translator: Translator, activity: Activity) -> str:
    """The details plus what only the leader and moderators see (the link, the number)."""
    expected = translator.format_number(activity.expected) if activity.expected else "—"
    lines = [render_details(deps, translator, activity), ""]
    if activity.online:
        lines.append(render_link(activity) if activity.online_link
                     else _("🔗 Link to take part: —"))
    lines.append(_("Expected participants: {expected}").format(expected=expected))
    return "\n".join(lines)


CHANGE_LABELS = {
    "title": N_("title"),
    "kind": N_("type"),
    "pathway": N_("pathway"),
    "starts_at": N_("date and time"),
    "country": N_("country"),
    "region": N_("region"),
    "district": N_("district"),
    "online": N_("online or in person"),
    "expected": N_("expected participants"),
    "group_name": N_("group"),
    "venue": N_("meeting point"),
    "description": N_("description"),
    "ends_at": N_("end time"),
    "online_link": N_("online link"),
}


def render_group_and_leader(group: str | None, handle: str | None) -> str:
    """The group that runs an activity and its leader's @username, for staff only."""
    return "\n".join(
        [
            _("Group: {group}").format(group=group or _("not given")),
            _("Leader: {handle}").format(
                handle=f"@{handle}" if handle else _("no public username")
            ),
        ]
    )


def render_changes(changed: list[str] | None) -> str:
    """What changed since the last review (a first review says so)."""
    if changed is None:
        return _("First review of this activity.")
    if not changed:
        return _("Nothing changed since the last review.")
    return _("Changed since the last review: {fields}").format(
        fields=", ".join(_(CHANGE_LABELS[name]) for name in changed)
    )


def render_joined(count: int, translator: Translator) -> str:
    return ngettext(
        "{count} person has joined.", "{count} people have joined.", count
    ).format(count=translator.format_number(count))


def render_counts(report: ActivityReport, translator: Translator) -> str:
    """The participants table of a report, one age band a line."""
    lines = []
    for band, label in BAND_LABELS.items():
        shown = {
            gender: "—" if count is None else translator.format_number(count)
            for gender, count in zip(GENDERS, band_counts(report, band), strict=True)
        }
        lines.append(
            # Counts after the words: "1 girls/women" would need a plural form of a pair.
            _("{band}: girls/women {female}, boys/men {male}, other {other}").format(
                band=capitalized(_(label)), **shown
            )
        )
    lines.append(_("Total: {total}").format(total=translator.format_number(total(report))))
    return "\n".join(lines)


def render_join_reminder(
    deps: Deps, translator: Translator, activity: Activity, *, soon: bool
) -> tuple[str, Markup]:
    """A reminder to someone who joined (in the current language): the day before, or an hour
    before — with the meeting point, or the link of an online activity once it may be shown."""
    values = {
        "title": activity.title,
        "when": when_text(deps, translator, activity),
        "place": place_text(deps, activity),
    }
    if soon:
        lines = [_("⏰ “{title}” starts in less than an hour: {when}, {place}.").format(**values)]
    else:
        lines = [_("⏰ Reminder: “{title}” is coming up on {when}, at {place}. See you "
                   "there!").format(**values)]
    if activity.venue and not activity.online:
        lines.append(_("🚩 Meeting point: {venue}").format(venue=activity.venue))
    if activity.online and soon and activity.online_link:
        lines.append(render_link(activity))
    elif activity.online:
        lines.append(_("🔗 The link to take part comes in my reminder one hour before."))
    markup = keyboard(button(pgettext("button", "See the activity"), SEE(activity.id)))
    return "\n\n".join(lines), markup


# Buttons ---------------------------------------------------------------------------------


def back_button(action: Packed) -> InlineKeyboardButton:
    return button(pgettext("button", "⬅️ Back"), action)


def cancel_button(action: Packed) -> InlineKeyboardButton:
    return button(pgettext("button", "✖️ Cancel"), action)


def activities_button() -> InlineKeyboardButton:
    return button(pgettext("button", "📅 Activities"), MENU())
