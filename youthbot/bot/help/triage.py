"""Get help: danger first, then topic → for whom → where → vetted services, and a person.

The choices travel in the buttons (topic index, for whom, country, region), so nothing is
stored about what someone asked until they choose to talk to a person. Works for people who
have not agreed to the privacy notice and for under-14s alike. Here: /help, the danger
question and the emergency numbers; help_topics asks the rest and shows the services, and
help_views holds what the screens share.

Others call `show_emergency(turn)` and `offer_person(turn)` (the danger-word interrupt), and
may add buttons to every help screen (see help_views).
"""

from __future__ import annotations

from ...core import cases as case_service
from ...i18n import _, pgettext
from ..cases import staff_alerts
from ..cases import views as shared_views
from ..cases.actions import END
from ..people.views import menu_button
from ..runtime.router import ANY, STAFF, Router, chat_matches
from ..runtime.turn import Turn, button, keyboard, url_button
from ..safety.clear_guide import render_help_line
from . import emergency
from . import topics as help_topics
from . import views as help_views
from .actions import (
    DANGER,
    EMERGENCY_COUNTRIES,
    EMERGENCY_COUNTRY,
    EMERGENCY_OFFER,
    HELP_ENTRY,
    Whom,
    YesNo,
)
from .topics import build_topic_keyboard
from .views import (
    NOT_SAID,
    back_button,
    build_country_keyboard,
    danger_person_button,
    person_button,
    render_open_case,
    screen_buttons,
)

# Danger first ------------------------------------------------------------------------------


async def ask_danger(turn: Turn, *, edit: bool = False) -> None:
    """The first question, always: are you in danger right now? Above it, the country's
    first emergency number, so it is there before anything is asked."""
    open_case = await case_service.find_open_case(turn.session, turn.user_id)
    lines = await emergency.lines_for(turn, turn.country)
    text = emergency.render_first_line(lines, turn.language) + "\n\n"
    text += _("🆘 You did the right thing by asking. First: are you in danger right now?")
    rows: list = [
        button(pgettext("button", "🚨 Yes, I am in danger"), DANGER(YesNo.YES)),
        button(pgettext("button", "No, not right now"), DANGER(YesNo.NO)),
    ]
    if open_case is not None:
        text += "\n\n" + render_open_case(open_case)
        rows.append(button(pgettext("button", "✋ End the conversation"), END()))
    text += "\n\n" + render_help_line()
    send = turn.edit if edit else turn.reply
    send(text, keyboard(*rows, [menu_button(), *screen_buttons(turn)]))
    await emergency.warn_if_fallback(turn, lines)


async def show_emergency(
    turn: Turn, *, urgent: bool = True, country: str | None = None
) -> list:
    """Emergency numbers for the person's country, in one message, then the offer of a person.

    The numbers are the very first thing sent; nothing is asked before them. Returns the lines
    shown (staff are told which).
    """
    turn.must_arrive()  # the numbers and the team's alert survive a crash
    country = country or turn.country
    lines = await emergency.lines_for(turn, country)
    text = _("🚨 If you are in danger right now, call one of these numbers now:") + "\n\n"
    text += shared_views.render_emergency_lines(lines, turn.language)
    text += "\n\n" + _("If you can, go to a safe place or to an adult you trust.")
    if turn.update.callback_query is not None:
        turn.edit(text)
    else:
        turn.reply(text)
    await offer_person(turn, urgent=urgent, country=country)
    await emergency.warn_if_fallback(turn, lines)
    return lines


async def offer_person(
    turn: Turn, *, urgent: bool = False, country: str | None = None, edit: bool = False,
    danger: str | None = None,
) -> None:
    """Offer to talk to a person from the team now (opens an urgent case when `urgent`, one
    that keeps the kind of danger words when `danger`); with a conversation already open, say
    so instead of offering what is there."""
    code = country or NOT_SAID
    open_case = await case_service.find_open_case(turn.session, turn.user_id)
    if open_case is None:
        text = _(
            "Do you want to talk to a person from our team now? They are trained staff, they "
            "do not see your name, and you can stop at any time."
        )
        first = (
            danger_person_button(danger, code) if danger is not None
            else person_button(-1, Whom.ME, code, NOT_SAID, YesNo.YES if urgent else YesNo.NO)
        )
    else:
        text = render_open_case(open_case)
        first = button(pgettext("button", "✋ End the conversation"), END())
    send = turn.edit if edit else turn.reply
    send(
        text,
        keyboard(
            first,
            button(pgettext("button", "🌎 I am in another country"), EMERGENCY_COUNTRIES()),
            [menu_button(), *screen_buttons(turn)],
        ),
    )


def _group_help(turn: Turn) -> None:
    """Outside a private chat: staff get their commands; other groups a way to a private chat."""
    if chat_matches(turn.update, STAFF, turn.settings):
        turn.reply(
            _(
                "Cases appear here, one topic (or thread) each. Claim a case to answer it: "
                "then everything you write in its topic, or as a reply to its messages, goes "
                "to the person without your name. /note TEXT adds an internal note. Refer, "
                "Hand over and Close are on the case card. /cases lists the open cases."
            )
        )
        return
    username = turn.bot.username
    turn.reply(
        _("To ask for help privately, write to me in a private chat. Nobody here will see it."),
        keyboard(url_button(pgettext("button", "🔒 Open a private chat"), f"https://t.me/{username}")),
    )


async def help_command(turn: Turn) -> None:
    """They sent /help: in private, next the danger question; elsewhere, the way to private."""
    if not turn.is_private:
        _group_help(turn)
        return
    await ask_danger(turn)


async def press_help(turn: Turn) -> None:
    """They pressed 🆘 Get help on a menu: next, the danger question."""
    await ask_danger(turn, edit=True)


async def answer_danger(turn: Turn, answer: YesNo) -> None:
    """They answered the danger question: yes, the emergency numbers at once and a person;
    no, next, what is it about?"""
    if answer is YesNo.YES:
        had_case = await _mark_open_case_urgent(turn)
        lines = await show_emergency(turn, urgent=True)  # the person's numbers go first
        if not had_case:
            await staff_alerts.signal_danger_later(turn, country=turn.country, shown=lines)
        return
    turn.edit(
        _("What is it about? Choose what fits best. You don't have to tell more than you "
          "want."),
        build_topic_keyboard(turn),
    )


async def choose_emergency_country(turn: Turn) -> None:
    """They are in another country: next, which one?"""
    markup = build_country_keyboard(turn, EMERGENCY_COUNTRY)
    markup = keyboard(
        *markup.inline_keyboard, [back_button(EMERGENCY_OFFER()), *screen_buttons(turn)]
    )
    turn.edit(_("Which country are you in?"), markup)


async def back_to_offer(turn: Turn) -> None:
    """They went back from the country list: the offer of a person again, in place."""
    await offer_person(turn, urgent=True, country=turn.country, edit=True)


async def show_country_emergency(turn: Turn, country: str) -> None:
    """They chose a country: its emergency numbers, then the offer of a person."""
    if country != NOT_SAID and help_views.country(turn, country) is None:
        turn.stale()
        return
    await show_emergency(turn, urgent=True, country=help_views.known(country))


def register(router: Router) -> None:
    """Register the help triage; the case conversation is in `register_conversation`."""
    router.command("help", "ayuda", "ajuda", chats=ANY)(help_command)
    router.button(HELP_ENTRY)(press_help)
    router.button(DANGER)(answer_danger)
    router.button(EMERGENCY_COUNTRIES)(choose_emergency_country)
    router.button(EMERGENCY_OFFER)(back_to_offer)
    router.button(EMERGENCY_COUNTRY)(show_country_emergency)
    help_topics.register_topics(router)


async def _mark_open_case_urgent(turn: Turn) -> bool:
    """Someone with an open case says they are in danger: their case becomes urgent.

    True when they have an open case (the team is then alerted through it)."""
    case = await case_service.find_open_case(turn.session, turn.user_id)
    if case is not None and not case.urgent:
        await case_service.mark_urgent(turn.session, case)
        await staff_alerts.alert_urgent_later(turn, case)
    return case is not None
