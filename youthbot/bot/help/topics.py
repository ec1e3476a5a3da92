"""Get help after "not in danger right now": topic → for whom → where → the vetted services
that match, best first, with a person, back and "that's all" under them."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from ...core import cases as case_service
from ...core import help as help_service
from ...core.help import emergency as emergency_service
from ...core.help.directory import TOPICS
from ...db.models import Case
from ...i18n import _, pgettext
from ..cases import views as shared_views
from ..people.menu import HELP_ENTRY, menu_button
from ..runtime.paging import REGIONS_PER_PAGE, is_page, paged_rows
from ..runtime.router import Router
from ..runtime.turn import Turn, button, keyboard
from . import emergency
from . import views as help_views
from .views import (
    NOT_SAID,
    WHOM,
    back_button,
    build_country_keyboard,
    person_button,
    screen_buttons,
)

MAX_SERVICES = 6


def build_topic_keyboard(turn: Turn) -> InlineKeyboardMarkup:
    return keyboard(
        *(
            button(_(shared_views.TOPIC_LABELS[topic]), "help.topic", index)
            for index, topic in enumerate(TOPICS)
        ),
        [back_button(HELP_ENTRY), *screen_buttons(turn)],
    )


def build_region_keyboard(
    turn: Turn, topic: int, whom: str, country, page: int = 0
) -> InlineKeyboardMarkup:
    """A page of the country's regions (Back and Quick exit stay on screen), "not say"."""
    regions = [
        button(r.name_in(turn.language), "help.region", topic, whom, country.id, r.id)
        for r in country.regions
    ]
    turn_page = ("help.regions", topic, whom, country.id)
    return keyboard(
        *paged_rows(regions, page, per_row=3, turn_page=turn_page, size=REGIONS_PER_PAGE + 2),
        button(pgettext("button", "I prefer not to say"), "help.region", topic, whom, country.id,
               NOT_SAID),
        [back_button("help.whom", topic, whom), *screen_buttons(turn)],
    )


async def show_services(turn: Turn, topic: int, whom: str, country: str, region: str) -> None:
    """The matching services, best first, then: talk to a person, back, that's all."""
    code = help_views.known(country) or _default_country(turn)
    services = await help_service.services_for(
        turn.session,
        turn.deps.content.services,
        topic=TOPICS[topic],
        country=code,
        region=help_views.known(region),
        today=turn.today,
        lang=turn.language,
        # The person's own age group, when they said it; a friend's age is not known.
        age_band=turn.user.age_band if whom == "me" and turn.user is not None else None,
    )
    found = help_views.country(turn, country)
    back = (
        back_button("help.where", topic, whom, country)
        if found is not None and found.regions
        else back_button("help.whom", topic, whom)  # the country question
    )
    open_case = await case_service.find_open_case(turn.session, turn.user_id)
    footer = [
        [back, button(pgettext("button", "✅ That's all"), "help.done")],
        [menu_button(), *screen_buttons(turn)],
    ]
    if open_case is None:  # an open conversation is not offered again
        footer.insert(0, person_button(topic, whom, country, region, 0))
    if TOPICS[topic] == emergency_service.CRISIS_TOPIC:
        # feeling bad: the country's crisis line first, even when its review is overdue
        lines = await help_service.emergency_lines(
            turn.session, turn.deps.content.services, country=code, today=turn.today,
            topic=TOPICS[topic],
        )
        services = emergency_service.crisis_first(
            services, [s for s in lines if emergency_service.is_crisis_line(s)]
        )
    if not services:
        await _show_nothing_found(turn, code, footer, open_case, TOPICS[topic])
        return
    shown = services[:MAX_SERVICES]
    intro = (
        _("These services can help your friend. You can also contact them together:")
        if whom == "friend"
        else _("These services can help you. The best matches come first:")
    )
    if not help_views.known(country):
        intro += "\n" + _(
            "(You did not say your country, so these are services in {country}.)"
        ).format(country=shared_views.country_name(turn.deps, code))
    cards = [shared_views.render_service(s, turn.language) for s in shown]
    if open_case is not None:
        cards.append(help_views.render_open_case(open_case))
    links = shared_views.build_service_links(shown, turn.language)
    turn.edit("\n\n".join([intro, *cards]), keyboard(*links, *footer))


async def _show_nothing_found(
    turn: Turn,
    country: str | None,
    footer: list,
    open_case: Case | None,
    topic: str | None = None,
) -> None:
    lines = await emergency.lines_for(turn, country, topic=topic)
    text = _(
        "I could not find a service for this where you are. If you need help now, call:"
    )
    text += "\n\n" + shared_views.render_emergency_lines(lines, turn.language)
    if open_case is None:
        text += "\n\n" + _("You can also talk to a person from our team.")
    else:
        text += "\n\n" + help_views.render_open_case(open_case)
    turn.edit(text, keyboard(*footer))
    await emergency.warn_if_fallback(turn, lines)


def _default_country(turn: Turn) -> str | None:
    """The person's stored country, else the first in regions.yaml (Peru)."""
    if turn.user is not None and turn.user.country:
        return turn.user.country
    countries = turn.deps.content.countries
    return countries[0].id if countries else None


def register_topics(router: Router) -> None:
    """Register the questions after "not in danger", the services and "that's all"."""

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
        found = help_views.country(turn, country)
        if found is None:
            turn.answer(_("This button no longer works. Please use the latest message."))
            return
        if not found.regions:
            await show_services(turn, topic, whom, country, NOT_SAID)
            return
        turn.edit(_("And which region?"), build_region_keyboard(turn, topic, whom, found))

    @router.button("help.regions", int, str, str, int)
    async def turn_region_page(turn: Turn, topic: int, whom: str, country: str, page: int) -> None:
        """Another page of the country's regions."""
        found = help_views.country(turn, country)
        if (
            not 0 <= topic < len(TOPICS)
            or whom not in WHOM
            or found is None
            or not is_page(len(found.regions), page, REGIONS_PER_PAGE + 2)
        ):
            turn.answer(_("This button no longer works. Please use the latest message."))
            return
        turn.edit(_("And which region?"), build_region_keyboard(turn, topic, whom, found, page))

    @router.button("help.region", int, str, str, str)
    async def choose_region(turn: Turn, topic: int, whom: str, country: str, region: str) -> None:
        """Region chosen (or not said): the matching services."""
        found = help_views.country(turn, country)
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
