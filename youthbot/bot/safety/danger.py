"""Safety first: the danger-word interrupt (and its check-in, in danger_checkin), groups kept
impersonal, and logs kept clean.

`register` must run before every other feature's: its interceptor is checked first on every
private message, mid-quiz and mid-form included, and on every edited private message.
"""

from __future__ import annotations

import logging

from ...core import cases as case_service
from ...core import safety as safety_service
from ...core.safety.danger import DISCLOSURE
from ...i18n import N_, _
from ..cases import staff_alerts
from ..cases.views import render_emergency_lines
from ..help import emergency
from ..help import triage as help_screens
from ..help.views import NOT_SAID, danger_person_button
from ..people.views import menu_button
from ..runtime.router import PUBLIC_GROUP, Router
from ..runtime.turn import Turn, keyboard
from . import checkin as danger_checkin

logger = logging.getLogger(__name__)

# Libraries whose debug output holds people's messages and names (PTB logs every update and
# every request; database drivers log statement parameters) or the token (httpx logs URLs).
QUIET_LOGGERS = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "telegram": logging.INFO,
    "sqlalchemy": logging.WARNING,
    "aiosqlite": logging.WARNING,
    "asyncpg": logging.WARNING,
}

GENTLE = {
    "suicide": N_(
        "Thank you for telling me how you feel. 💙 It sounds really hard right now, and you do "
        "not have to go through it alone. Talking to someone can help."
    ),
    "image_threat": N_(
        "Thank you for telling me. 💙 This is not your fault. Do not send more pictures or "
        "money. Keep the messages as proof, and then block that person."
    ),
}
# Danger-word categories whose lines put the crisis (mental-health) line right after the first.
LINES_TOPIC = {"suicide": "mental_health"}
GENTLE_DEFAULT = N_(
    "Thank you for telling me. 💙 What you describe sounds serious, and it is not your fault. "
    "You deserve to be safe, and you are not alone."
)


def quiet_library_loggers() -> None:
    """Keep those libraries above their revealing levels, whatever the root level becomes."""
    root = logging.getLogger().getEffectiveLevel()
    for name, level in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(max(level, root))


async def interrupt_on_danger(turn: Turn) -> bool:
    """Free text saying someone may be in danger: a gentle word, the emergency numbers and
    the offer of a person, before anything else. Shown once in a while, never as a nag.

    Everyone, in every state: a disclosure typed into a form is never taken as its answer.
    An ambiguous message (a topic word, a veiled phrase) gets the gentle check-in instead;
    programme talk ("taller sobre trata") and questions about a topic get nothing."""
    matcher = turn.deps.content.danger
    text = turn.text
    if matcher is None or not text or text.startswith("/"):
        return False
    finding = matcher.assess(text)
    if finding is None:
        return False
    if finding.tier != DISCLOSURE:
        return await danger_checkin.check_in(turn, finding.category)
    category = finding.category
    turn.must_arrive()  # the numbers, the offer and the team's alert survive a crash
    first = await safety_service.start_danger_notice(
        turn.session, user_id=turn.user_id, category=category, now=turn.now
    )
    logger.info("danger words (%s): %s", category, "interrupt" if first else "quiet")
    case = await case_service.find_open_case(turn.session, turn.user_id)
    if case is not None:
        # Already talking with the team: the case becomes urgent and the team is alerted;
        # the message still goes on to them (the relay); the numbers help now.
        if not case.urgent:
            await case_service.mark_urgent(turn.session, case)
            await staff_alerts.alert_urgent_later(turn, case, danger=category)
        if first:
            await show_interrupt(turn, category, offer=False)
        return False
    if first:
        await show_interrupt(turn, category)
        return True
    if turn.update.edited_message is not None:
        return True  # the same story edited again: the numbers are just above
    await _remind(turn, category)
    return True


async def _remind(turn: Turn, category: str) -> None:
    """The same danger again soon: a short line, with the first number and the offer of a
    person again (what was above may be gone: a menu, another screen)."""
    lines = await emergency.lines_for(turn, turn.country, topic=LINES_TOPIC.get(category))
    text = _("I am here. 💙 You can call at any time:")
    text += "\n" + emergency.render_first_line(lines, turn.language)
    text += "\n\n" + _("If you want, a person from our team can talk with you now.")
    code = turn.country or NOT_SAID
    turn.reply(text, keyboard(danger_person_button(category, code), [menu_button()]))
    await emergency.warn_if_fallback(turn, lines)


async def show_interrupt(turn: Turn, category: str, *, offer: bool = True) -> None:
    """The gentle message with the emergency numbers of the person's country (for suicide or
    self-harm, the crisis line right after the first), then the offer of a person."""
    country = turn.country
    topic = LINES_TOPIC.get(category)
    lines = await emergency.lines_for(turn, country, topic=topic)
    text = _(GENTLE.get(category, GENTLE_DEFAULT))
    text += "\n\n" + _("If you are in danger right now, call:") + "\n"
    text += render_emergency_lines(lines, turn.language)
    if turn.state is not None:
        text += "\n\n" + _("What you were doing is still there: go on whenever you are ready.")
    turn.reply(text)
    if offer:
        await help_screens.offer_person(turn, urgent=True, country=country, danger=category)
    await emergency.warn_if_fallback(turn, lines)


async def start_in_group(turn: Turn) -> None:
    """Someone sent /start in a group: quizzes only here, anything personal in private."""
    turn.reply(
        _(
            "Hi! In groups I only run quizzes for everyone: a youth leader can start one "
            "with /quiz. For anything personal, like asking for help, write to me in a "
            "private chat: {link}"
        ).format(link=f"https://t.me/{turn.bot.username}")
    )


def register(router: Router) -> None:
    """Register the danger-word interrupt (first of all) and /start in groups."""
    router.intercept(interrupt_on_danger)
    router.check_edits(interrupt_on_danger)  # "fine" edited into "they hurt me" counts too
    danger_checkin.register(router)
    router.command("start", chats=PUBLIC_GROUP)(start_in_group)
