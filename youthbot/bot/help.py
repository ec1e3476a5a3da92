"""Get help: danger first, then topic → for whom → where → vetted services, and a person.

The choices travel in the buttons (topic index, for whom, country, region), so nothing is
stored about what someone asked until they choose to talk to a person. Works for people who
have not agreed to the privacy notice and for under-14s alike.

Others call `show_emergency(turn)` and `offer_person(turn)` (the danger-word interrupt), and
may add buttons to every help screen: `deps.extras[HELP_SCREEN_BUTTONS]` is a list of
`fn(turn) -> list[InlineKeyboardButton]` (a quick-exit button, say), added at start-up.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from ..core import cases as case_service
from ..core import help as help_service
from ..core.directory import TOPICS
from ..i18n import _, pgettext
from . import shared_views, staff_alerts
from .menu import HELP_ENTRY, menu_button
from .routing import ANY, STAFF, Router, chat_matches
from .runtime import Turn, button, keyboard, url_button

HELP_SCREEN_BUTTONS = "help_screen_buttons"
NOT_SAID = "-"
WHOM = ("me", "friend")
MAX_SERVICES = 6


def screen_buttons(turn: Turn) -> list[InlineKeyboardButton]:
    """Buttons other features put on every help screen (e.g. quick exit)."""
    return [b for make in turn.deps.extras.get(HELP_SCREEN_BUTTONS, ()) for b in make(turn)]


def back_button(action: str, *args) -> InlineKeyboardButton:
    return button(pgettext("button", "⬅️ Back"), action, *args)


def person_button(topic: int, whom: str, country: str, region: str, urgent: int):
    return button(
        pgettext("button", "💬 Talk to a person"), "help.person", topic, whom, country, region,
        urgent,
    )


def _country(turn: Turn, code: str | None):
    return next((c for c in turn.deps.content.countries if c.id == code), None)


def _known(value: str) -> str | None:
    return None if value == NOT_SAID else value


# Danger first ------------------------------------------------------------------------------


async def ask_danger(turn: Turn, *, edit: bool = False) -> None:
    """The first question, always: are you in danger right now?"""
    open_case = await case_service.find_open_case(turn.session, turn.user_id)
    text = _("🆘 You did the right thing by asking. First: are you in danger right now?")
    rows: list = [
        button(pgettext("button", "🚨 Yes, I am in danger"), "help.danger", 1),
        button(pgettext("button", "No, not right now"), "help.danger", 0),
    ]
    if open_case is not None:
        text += "\n\n" + _(
            "Your conversation with our team ({number}) is open: write here and they will "
            "read it."
        ).format(number=open_case.number)
        rows.append(button(pgettext("button", "✋ End the conversation"), "help.end"))
    send = turn.edit if edit else turn.reply
    send(text, keyboard(*rows, [menu_button(), *screen_buttons(turn)]))


async def show_emergency(turn: Turn, *, urgent: bool = True, country: str | None = None) -> None:
    """Emergency numbers for the person's country, in one message, then the offer of a person.

    The numbers are the very first thing sent; nothing is asked before them.
    """
    country = country or (turn.user.country if turn.user is not None else None)
    lines = await help_service.emergency_lines(
        turn.session, turn.deps.content.services, country=country, today=turn.today
    )
    text = _("🚨 If you are in danger right now, call one of these numbers now:") + "\n\n"
    text += shared_views.render_emergency_lines(lines, turn.language)
    text += "\n\n" + _("If you can, go to a safe place or to an adult you trust.")
    if turn.update.callback_query is not None:
        turn.edit(text)
    else:
        turn.reply(text)
    await offer_person(turn, urgent=urgent, country=country)


async def offer_person(turn: Turn, *, urgent: bool = False, country: str | None = None) -> None:
    """Offer to talk to a person from the team now (opens an urgent case when `urgent`)."""
    code = country or NOT_SAID
    turn.reply(
        _(
            "Do you want to talk to a person from our team now? They are trained staff, they "
            "do not see your name, and you can stop at any time."
        ),
        keyboard(
            person_button(-1, "me", code, NOT_SAID, int(urgent)),
            button(pgettext("button", "🌎 I am in another country"), "help.ecountries"),
            [menu_button(), *screen_buttons(turn)],
        ),
    )


# Topic → for whom → where → services --------------------------------------------------------


def build_topic_keyboard(turn: Turn) -> InlineKeyboardMarkup:
    return keyboard(
        *(
            button(_(shared_views.TOPIC_LABELS[topic]), "help.topic", index)
            for index, topic in enumerate(TOPICS)
        ),
        [back_button(HELP_ENTRY), *screen_buttons(turn)],
    )


def build_country_keyboard(turn: Turn, action: str, *args) -> InlineKeyboardMarkup:
    lang = turn.language
    countries = [button(c.name_in(lang), action, *args, c.id) for c in turn.deps.content.countries]
    return keyboard(
        *(countries[i : i + 2] for i in range(0, len(countries), 2)),
        button(pgettext("button", "I prefer not to say"), action, *args, NOT_SAID),
    )


def build_region_keyboard(turn: Turn, topic: int, whom: str, country) -> InlineKeyboardMarkup:
    regions = [
        button(r.name_in(turn.language), "help.region", topic, whom, country.id, r.id)
        for r in country.regions
    ]
    return keyboard(
        *(regions[i : i + 3] for i in range(0, len(regions), 3)),
        button(pgettext("button", "I prefer not to say"), "help.region", topic, whom, country.id,
               NOT_SAID),
        [back_button("help.whom", topic, whom), *screen_buttons(turn)],
    )


async def show_services(turn: Turn, topic: int, whom: str, country: str, region: str) -> None:
    """The matching services, best first, then: talk to a person, back, that's all."""
    code = _known(country) or _default_country(turn)
    services = await help_service.services_for(
        turn.session,
        turn.deps.content.services,
        topic=TOPICS[topic],
        country=code,
        region=_known(region),
        today=turn.today,
        lang=turn.language,
    )
    back = (
        back_button("help.where", topic, whom, country)
        if _known(country)
        else back_button("help.topic", topic)
    )
    footer = [
        person_button(topic, whom, country, region, 0),
        [back, button(pgettext("button", "✅ That's all"), "help.done")],
        [menu_button(), *screen_buttons(turn)],
    ]
    if not services:
        await _show_nothing_found(turn, code, footer)
        return
    shown = services[:MAX_SERVICES]
    intro = (
        _("These services can help your friend. You can also contact them together:")
        if whom == "friend"
        else _("These services can help you. The best matches come first:")
    )
    if not _known(country):
        intro += "\n" + _(
            "(You did not say your country, so these are services in {country}.)"
        ).format(country=shared_views.country_name(turn.deps, code))
    cards = [shared_views.render_service(s, turn.language) for s in shown]
    links = shared_views.build_service_links(shown, turn.language)
    turn.edit("\n\n".join([intro, *cards]), keyboard(*links, *footer))


async def _show_nothing_found(turn: Turn, country: str | None, footer: list) -> None:
    lines = await help_service.emergency_lines(
        turn.session, turn.deps.content.services, country=country, today=turn.today
    )
    text = _(
        "I could not find a service for this where you are. If you need help now, call:"
    )
    text += "\n\n" + shared_views.render_emergency_lines(lines, turn.language)
    text += "\n\n" + _("You can also talk to a person from our team.")
    turn.edit(text, keyboard(*footer))


def _default_country(turn: Turn) -> str | None:
    """The person's stored country, else the first in regions.yaml (Peru)."""
    if turn.user is not None and turn.user.country:
        return turn.user.country
    countries = turn.deps.content.countries
    return countries[0].id if countries else None


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


def register(router: Router) -> None:
    """Register the help triage; the case conversation is in `register_conversation`."""

    @router.command("help", "ayuda", chats=ANY)
    async def help_command(turn: Turn) -> None:
        """/help: the danger question in private; elsewhere, how to get help privately."""
        if not turn.is_private:
            _group_help(turn)
            return
        await ask_danger(turn)

    @router.button(HELP_ENTRY)
    async def press_help(turn: Turn) -> None:
        """The help button of every menu: the danger question."""
        await ask_danger(turn, edit=True)

    @router.button("help.danger", int)
    async def answer_danger(turn: Turn, in_danger: int) -> None:
        """Yes: emergency numbers at once, then a person. No: what is it about?"""
        if in_danger:
            had_case = await _mark_open_case_urgent(turn)
            await show_emergency(turn, urgent=True)  # the person's numbers go out first
            if not had_case:
                await staff_alerts.signal_danger_later(turn, country=_country_of_person(turn))
            return
        turn.edit(
            _("What is it about? Choose what fits best. You don't have to tell more than you "
              "want."),
            build_topic_keyboard(turn),
        )

    @router.button("help.ecountries")
    async def choose_emergency_country(turn: Turn) -> None:
        """Another country's emergency numbers: which country?"""
        turn.edit(_("Which country are you in?"), build_country_keyboard(turn, "help.ecountry"))

    @router.button("help.ecountry", str)
    async def show_country_emergency(turn: Turn, country: str) -> None:
        """That country's emergency numbers, then the offer of a person."""
        if country != NOT_SAID and _country(turn, country) is None:
            turn.answer(_("This button no longer works. Please use the latest message."))
            return
        await show_emergency(turn, urgent=True, country=_known(country))

    @router.button("help.topic", int)
    async def choose_topic(turn: Turn, topic: int) -> None:
        """Topic chosen: is it for you or for a friend?"""
        if not 0 <= topic < len(TOPICS):
            turn.answer(_("This button no longer works. Please use the latest message."))
            return
        turn.edit(
            _("Is this for you or for a friend?"),
            keyboard(
                [
                    button(pgettext("button", "For me"), "help.whom", topic, "me"),
                    button(pgettext("button", "For a friend"), "help.whom", topic, "friend"),
                ],
                [back_button("help.danger", 0), *screen_buttons(turn)],
            ),
        )

    @router.button("help.whom", int, str)
    async def choose_whom(turn: Turn, topic: int, whom: str) -> None:
        """For whom chosen: which country?"""
        if not 0 <= topic < len(TOPICS) or whom not in WHOM:
            turn.answer(_("This button no longer works. Please use the latest message."))
            return
        markup = build_country_keyboard(turn, "help.where", topic, whom)
        markup = keyboard(
            *markup.inline_keyboard, [back_button("help.topic", topic), *screen_buttons(turn)]
        )
        turn.edit(
            _("Where are you? This helps me show services near you. Choose your country."),
            markup,
        )

    @router.button("help.where", int, str, str)
    async def choose_country(turn: Turn, topic: int, whom: str, country: str) -> None:
        """Country chosen: which region (or the services, when not said)?"""
        if not 0 <= topic < len(TOPICS) or whom not in WHOM:
            turn.answer(_("This button no longer works. Please use the latest message."))
            return
        if country == NOT_SAID:
            await show_services(turn, topic, whom, NOT_SAID, NOT_SAID)
            return
        found = _country(turn, country)
        if found is None:
            turn.answer(_("This button no longer works. Please use the latest message."))
            return
        if not found.regions:
            await show_services(turn, topic, whom, country, NOT_SAID)
            return
        turn.edit(_("And which region?"), build_region_keyboard(turn, topic, whom, found))

    @router.button("help.region", int, str, str, str)
    async def choose_region(turn: Turn, topic: int, whom: str, country: str, region: str) -> None:
        """Region chosen (or not said): the matching services."""
        found = _country(turn, country)
        if (
            not 0 <= topic < len(TOPICS)
            or whom not in WHOM
            or found is None
            or (region != NOT_SAID and found.region(region) is None)
        ):
            turn.answer(_("This button no longer works. Please use the latest message."))
            return
        await show_services(turn, topic, whom, country, region)

    @router.button("help.done")
    async def finish(turn: Turn) -> None:
        """That's all: a kind goodbye and the way back."""
        turn.edit(
            _("Take care. 💙 You can come back any time with /help."),
            keyboard([menu_button(), *screen_buttons(turn)]),
        )


def _country_of_person(turn: Turn) -> str | None:
    return turn.user.country if turn.user is not None else None


async def _mark_open_case_urgent(turn: Turn) -> bool:
    """Someone with an open case says they are in danger: their case becomes urgent.

    True when they have an open case (the team is then alerted through it)."""
    case = await case_service.find_open_case(turn.session, turn.user_id)
    if case is not None and not case.urgent:
        case_service.mark_urgent(case)
        await staff_alerts.alert_urgent_later(turn, case)
    return case is not None
