"""Talking to a person: the young person's side of a case.

"Talk to a person" opens a case; while it is open, everything the person writes goes to it,
whatever else they were doing (an interceptor, in talk_relay). Photos and other media are
never forwarded. They can end it (talk_ending), reopen it within 7 days, and say whether it
helped.
"""

from __future__ import annotations

from datetime import timedelta

from ...core import cases as case_service
from ...core import help as help_service
from ...core.cases import blocks
from ...core.help.directory import TOPICS
from ...core.safety.danger import TOPIC_OF, Category
from ...db.models import Case
from ...i18n import _, pgettext, speaking
from ..help.views import NOT_SAID, screen_buttons
from ..people.views import menu_button
from ..runtime.router import Router
from ..runtime.turn import Turn, button, keyboard
from . import notify as staff
from . import staff_alerts
from . import views as shared_views
from .actions import END, FEEDBACK, REOPEN, TALK, TALK_DANGER, Feedback, Whom, YesNo
from .blocking import refuse_blocked
from .ending import end_conversation
from .relay import relay_edit_from_person, relay_from_person


def end_button() -> object:
    return button(pgettext("button", "✋ End the conversation"), END())


# Opening ----------------------------------------------------------------------------------


async def talk_to_person(
    turn: Turn, topic: int, whom: Whom, country: str, region: str, urgent: YesNo
) -> None:
    """They pressed 💬 Talk to a person: a case opens (urgent after "I am in danger"), and
    they are told plainly who answers and when."""
    if not -1 <= topic < len(TOPICS) or not _known_place(turn, country, region):
        turn.stale()
        return
    await _open(turn, TOPICS[topic] if topic >= 0 else "unknown", whom, country, region,
                urgent=urgent is YesNo.YES)


async def talk_after_danger(turn: Turn, category: Category, country: str) -> None:
    """They pressed 💬 Talk to a person under the danger-word interrupt: an urgent case whose
    topic, and the team's alert, say what kind of danger words were detected (never them)."""
    if not _known_place(turn, country, NOT_SAID):
        turn.stale()
        return
    await _open(turn, TOPIC_OF[category], Whom.ME, country, NOT_SAID, urgent=True,
                danger=category)


async def _open(
    turn: Turn, topic: str, whom: Whom, country: str, region: str, *, urgent: bool,
    danger: str | None = None,
) -> None:
    if await blocks.is_blocked(turn.session, turn.user_id):
        await refuse_blocked(turn)
        return
    team = shared_views.team_at(
        turn.deps, None if country == NOT_SAID else country, None if region == NOT_SAID else region
    )
    if team.chat_id is None:
        await _no_staff(turn)
        return
    try:
        case = await case_service.open_case(
            turn.session,
            user_id=turn.user_id,
            topic=topic,
            urgent=urgent,
            for_whom=whom,
            country=None if country == NOT_SAID else country,
            region=None if region == NOT_SAID else region,
            language=turn.language,
            now=turn.now,
            realert=_realert(turn),
            age_band=turn.user.age_band if turn.user is not None else None,
            team=team.id,
        )
    except case_service.CaseAlreadyOpen as exc:
        await _already_open(turn, exc.case, urgent=urgent, danger=danger)
        return
    turn.reply(render_opened(turn, case), keyboard(end_button(), screen_buttons(turn)))
    await staff_alerts.announce_case_later(turn, case, danger=danger)
    await _tell_if_closed_now(turn, case)


def render_opened(turn: Turn, case: Case) -> str:
    hours = shared_views.team_of(turn.deps, case).hours
    return _(
        "💬 You are now in touch with our team. Your case number is {number}.\n\n"
        "Who answers: trained staff of the Youth Voices for Change partner organisations. They "
        "do not see your name, your username or your phone number.\n"
        "When: as soon as someone is free, usually within the hour, between {start} and {end}.\n"
        "Write here what is happening, in your own words. Please do not send photos.\n"
        "To stop at any time, press “End the conversation” or write /stop."
    ).format(
        number=case.number,
        start=hours.start.strftime("%H:%M"),
        end=hours.end.strftime("%H:%M"),
    )


async def _tell_if_closed_now(turn: Turn, case: Case) -> None:
    """Outside the team's hours: when people are back, and the 24-hour lines at once."""
    hours = shared_views.team_of(turn.deps, case).hours
    if hours.is_open(turn.now):
        return
    back = turn.translator.format_datetime(hours.next_opening(turn.now), "short")
    lines = await help_service.emergency_lines(
        turn.session, turn.deps.content.services, country=turn.country, today=turn.today
    )
    text = _(
        "Right now our team is not working. They are back on {when} (time in {zone}). Your "
        "messages will be waiting for them.\n\nIf you need help now, these lines answer 24 "
        "hours:"
    ).format(when=back, zone=hours.zone.key.split("/")[-1].replace("_", " "))
    turn.reply(text + "\n\n" + shared_views.render_emergency_lines(lines, turn.language))


async def _no_staff(turn: Turn) -> None:
    lines = await help_service.emergency_lines(
        turn.session, turn.deps.content.services, country=turn.country, today=turn.today
    )
    turn.edit(
        _("Sorry, talking to a person is not available right now. If you need help now, call:")
        + "\n\n"
        + shared_views.render_emergency_lines(lines, turn.language),
        keyboard([menu_button(), *screen_buttons(turn)]),
    )


async def _already_open(
    turn: Turn, case: Case, *, urgent: bool, danger: str | None = None
) -> None:
    if urgent and not case.urgent:
        await case_service.mark_urgent(turn.session, case)
        await staff_alerts.alert_urgent_later(turn, case, danger=danger)
    turn.reply(
        _("Your conversation with our team ({number}) is already open. Just write here.").format(
            number=case.number
        ),
        keyboard(end_button(), screen_buttons(turn)),
    )


def _known_place(turn: Turn, country: str, region: str) -> bool:
    """A country (and region) from regions.yaml, or not said: button data is not trusted."""
    if country == NOT_SAID:
        return region == NOT_SAID
    found = next((c for c in turn.deps.content.countries if c.id == country), None)
    return found is not None and (region == NOT_SAID or found.region(region) is not None)


def _realert(turn: Turn) -> timedelta:
    return timedelta(minutes=turn.settings.case_realert_minutes)


async def press_end(turn: Turn) -> None:
    """They pressed ✋ End the conversation: it ends, and they may reopen it for 7 days."""
    await end_conversation(turn)


async def stop_command(turn: Turn) -> None:
    """They sent /stop: the same as ✋ End the conversation."""
    await end_conversation(turn)


async def reopen(turn: Turn, case_id: int) -> None:
    """They pressed 🔁 Reopen within 7 days: the case is open again and needs a moderator."""
    if await blocks.is_blocked(turn.session, turn.user_id):
        await refuse_blocked(turn)
        return
    try:
        case = await case_service.reopen_case(
            turn.session, case_id=case_id, user_id=turn.user_id, now=turn.now,
            realert=_realert(turn),
        )
    except case_service.CaseAlreadyOpen as exc:
        await _already_open(turn, exc.case, urgent=False)
        return
    except (case_service.CaseNotFound, case_service.CannotReopen):
        turn.answer(_("This conversation can no longer be reopened. You can start a new "
                      "one with /help."), alert=True)
        return
    turn.edit(
        _("Your conversation {number} is open again. Write here and our team will read "
          "it.").format(number=case.number),
        keyboard(end_button(), screen_buttons(turn)),
    )
    with speaking(turn.deps.catalogs, shared_views.staff_language(turn.deps, case)):
        note = _("🔁 {number}: the person reopened the conversation. It needs a moderator."
                 ).format(number=case.number)
    staff.post_later(turn, case, note, shared_views.build_claim_keyboard(case))
    staff.refresh_card_later(turn, case)
    await _tell_if_closed_now(turn, case)


async def give_feedback(turn: Turn, case_id: int, answer: Feedback) -> None:
    """They answered "did this help?": it is kept, and they are thanked."""
    try:
        await case_service.record_feedback(
            turn.session, case_id=case_id, user_id=turn.user_id, answer=answer
        )
    except case_service.CaseNotFound:
        turn.stale()
        return
    turn.edit(_("Thank you for telling us. 💙"), keyboard(menu_button()))


def register_conversation(router: Router) -> None:
    """Register talking to a person: opening, the interceptor, ending, reopening, feedback."""
    router.button(TALK)(talk_to_person)
    router.button(TALK_DANGER)(talk_after_danger)
    router.intercept(relay_from_person)
    router.check_edits(relay_edit_from_person)
    router.button(END)(press_end)
    router.command("stop", "parar")(stop_command)
    router.button(REOPEN)(reopen)
    router.button(FEEDBACK)(give_feedback)
