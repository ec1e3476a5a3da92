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
from ..people.views import menu_button
from ..runtime.paging import REGIONS_PER_PAGE, is_page, paged_rows
from ..runtime.router import Router
from ..runtime.turn import Turn, button, keyboard
from . import emergency
from . import views as help_views
from .actions import (
    DANGER,
    DONE,
    HELP_ENTRY,
    REGION,
    REGIONS_PAGE,
    TOPIC,
    WHERE,
    WHOM,
    Whom,
    YesNo,
)
from .views import (
    NOT_SAID,
    back_button,
    build_country_keyboard,
    person_button,
    screen_buttons,
)

MAX_SERVICES = 6


def build_topic_keyboard(turn: Turn) -> InlineKeyboardMarkup:
    return keyboard(
        *(
            button(_(shared_views.TOPIC_LABELS[topic]), TOPIC(index))
            for index, topic in enumerate(TOPICS)
        ),
        [back_button(HELP_ENTRY), *screen_buttons(turn)],
    )


def build_region_keyboard(
    turn: Turn, topic: int, whom: Whom, country, page: int = 0
) -> InlineKeyboardMarkup:
    """A page of the country's regions (Back and Quick exit stay on screen), "not say"."""
    regions = [
        button(r.name_in(turn.language), REGION(topic, whom, country.id, r.id))
        for r in country.regions
    ]
    turn_page = (REGIONS_PAGE.name, topic, whom, country.id)  # the page is added last
    return keyboard(
        *paged_rows(regions, page, per_row=3, turn_page=turn_page, size=REGIONS_PER_PAGE + 2),
        button(
            pgettext("button", "I prefer not to say"), REGION(topic, whom, country.id, NOT_SAID)
        ),
        [back_button(WHOM(topic, whom)), *screen_buttons(turn)],
    )


async def show_services(turn: Turn, topic: int, whom: Whom, country: str, region: str) -> None:
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
        age_band=turn.user.age_band if whom is Whom.ME and turn.user is not None else None,
    )
    found = help_views.country(turn, country)
    back = (
        back_button(WHERE(topic, whom, country))
        if found is not None and found.regions
        else back_button(WHOM(topic, whom))  # the country question
    )
    open_case = await case_service.find_open_case(turn.session, turn.user_id)
    footer = [
        [back, button(pgettext("button", "✅ That's all"), DONE())],
        [menu_button(), *screen_buttons(turn)],
    ]
    if open_case is None:  # an open conversation is not offered again
        footer.insert(0, person_button(topic, whom, country, region, YesNo.NO))
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
    """The person's stored country, else the one of their language (regions.yaml's
    `languages`: Brazil for Portuguese), else the first in regions.yaml (Peru)."""
    if turn.user is not None and turn.user.country:
        return turn.user.country
    countries = turn.deps.content.countries
    return emergency.spoken_country(turn) or (countries[0].id if countries else None)


def _known_topic(topic: int) -> bool:
    return 0 <= topic < len(TOPICS)


async def choose_topic(turn: Turn, topic: int) -> None:
    """They chose what it is about: next, is it for them or for a friend?"""
    if not _known_topic(topic):
        turn.stale()
        return
    turn.edit(
        _("Is this for you or for a friend?"),
        keyboard(
            [
                button(pgettext("button", "For me"), WHOM(topic, Whom.ME)),
                button(pgettext("button", "For a friend"), WHOM(topic, Whom.FRIEND)),
            ],
            [back_button(DANGER(YesNo.NO)), *screen_buttons(turn)],
        ),
    )


async def choose_whom(turn: Turn, topic: int, whom: Whom) -> None:
    """They said for whom: next, which country?"""
    if not _known_topic(topic):
        turn.stale()
        return
    markup = build_country_keyboard(turn, lambda code: WHERE(topic, whom, code))
    markup = keyboard(*markup.inline_keyboard, [back_button(TOPIC(topic)), *screen_buttons(turn)])
    turn.edit(
        _("Where are you? This helps me show services near you. Choose your country."),
        markup,
    )


async def choose_country(turn: Turn, topic: int, whom: Whom, country: str) -> None:
    """They chose a country: next, which region (or the services, when not said)?"""
    if not _known_topic(topic):
        turn.stale()
        return
    if country == NOT_SAID:
        await show_services(turn, topic, whom, NOT_SAID, NOT_SAID)
        return
    found = help_views.country(turn, country)
    if found is None:
        turn.stale()
        return
    if not found.regions:
        await show_services(turn, topic, whom, country, NOT_SAID)
        return
    turn.edit(_("And which region?"), build_region_keyboard(turn, topic, whom, found))


async def turn_region_page(turn: Turn, topic: int, whom: Whom, country: str, page: int) -> None:
    """They turned the page of the regions: next, that page."""
    found = help_views.country(turn, country)
    if (
        not _known_topic(topic)
        or found is None
        or not is_page(len(found.regions), page, REGIONS_PER_PAGE + 2)
    ):
        turn.stale()
        return
    turn.edit(_("And which region?"), build_region_keyboard(turn, topic, whom, found, page))


async def choose_region(turn: Turn, topic: int, whom: Whom, country: str, region: str) -> None:
    """They chose a region (or not to say): next, the matching services."""
    found = help_views.country(turn, country)
    if (
        not _known_topic(topic)
        or found is None
        or (region != NOT_SAID and found.region(region) is None)
    ):
        turn.stale()
        return
    await show_services(turn, topic, whom, country, region)


async def finish(turn: Turn) -> None:
    """They pressed ✅ That's all: a kind goodbye and the way back."""
    turn.edit(
        _("Take care. 💙 You can come back any time with /help."),
        keyboard([menu_button(), *screen_buttons(turn)]),
    )


def register_topics(router: Router) -> None:
    """Register the questions after "not in danger", the services and "that's all"."""
    router.button(TOPIC)(choose_topic)
    router.button(WHOM)(choose_whom)
    router.button(WHERE)(choose_country)
    router.button(REGIONS_PAGE)(turn_region_page)
    router.button(REGION)(choose_region)
    router.button(DONE)(finish)
