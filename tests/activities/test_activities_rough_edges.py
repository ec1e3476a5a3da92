"""Activity rough edges found in the console (issue 20): "Another country" lists the other
countries, long region lists come in pages, leaving an activity is not confused with the quick
exit, and Spanish screens show no raw English vocabulary."""

from __future__ import annotations

import pytest
from activities_support import LEADERS, as_role, draft_of, set_clock, start_registration, tap
from harness import YOUNG, YOUNG_EN, labels, texts

from youthbot.bot.runtime import callbacks
from youthbot.core.people.roles import Role

WHERE = {"es": "¿Dónde es?", "en": "Where is it?"}
ANOTHER = {"es": "🌎 Otro país", "en": "🌎 Another country"}
PERU = {"es": "Perú", "en": "Peru"}


async def to_the_place_step(bot, lang):
    set_clock(bot)
    leader = await as_role(bot, LEADERS[lang], Role.LEADER)
    aid = await start_registration(leader, bot, title="Taller de prevención")
    await tap(leader, "act.kind", aid, "workshop")
    await tap(leader, "act.path", aid, "children")
    await leader.send("25/12/2026 16:00")
    calls = await tap(leader, "act.endin", aid, 2)
    assert texts(calls)[0].startswith(WHERE[lang])
    return leader, aid, calls


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_another_country_lists_the_other_countries(bot, lang):
    leader, aid, calls = await to_the_place_step(bot, lang)
    calls = await leader.press(ANOTHER[lang])
    shown = labels(calls)
    others = [c for c in bot.deps.content.countries if c.id != "PE"]
    for country in others:
        assert country.name_in(lang) in shown
    assert PERU[lang] not in shown
    # and choosing one offers its regions
    calls = await tap(leader, "act.country", aid, others[0].id)
    assert others[0].name_in(lang) in texts(calls)[0]


# Long region lists come in pages ----------------------------------------------------------

MORE = {"es": "Más ▶️", "en": "More ▶️"}
PREVIOUS = {"es": "◀️ Anterior", "en": "◀️ Previous"}
BACK = {"es": "⬅️ Volver", "en": "⬅️ Back"}
QUICK_EXIT = {"es": "🚪 Salida rápida", "en": "🚪 Quick exit"}
MAX_BUTTONS = 18  # what fits on a phone's screen with the question above


def all_buttons(call) -> list[dict]:
    return [b for row in call.params["reply_markup"]["inline_keyboard"] for b in row]


def keyboard_call(calls):
    return [c for c in calls if c.buttons][-1]


async def walk_pages(person, calls, lang, *, must_have: list[str]) -> list[str]:
    """Press "More" until the last page; every page is short, keeps `must_have`, and its
    buttons' data fit Telegram's 64 bytes. The labels of every page, in order."""
    seen: list[str] = []
    pages = 0
    while True:
        call = keyboard_call(calls)
        shown = call.button_labels
        pages += 1
        assert len(shown) <= MAX_BUTTONS, shown
        for label in must_have:
            assert label in shown, (label, shown)
        for item in all_buttons(call):
            assert len(item["callback_data"].encode()) <= 64
        if pages > 1:
            assert PREVIOUS[lang] in shown
        seen += shown
        if MORE[lang] not in shown:
            return seen
        calls = await person.press(MORE[lang])


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_the_regions_of_the_registration_come_in_pages(bot, lang):
    leader, aid, calls = await to_the_place_step(bot, lang)
    cancel = {"es": "✖️ Cancelar", "en": "✖️ Cancel"}[lang]
    seen = await walk_pages(leader, calls, lang, must_have=[BACK[lang], cancel])
    peru = bot.deps.content.countries[0]
    for region in peru.regions:
        assert region.name_in(lang) in seen
    # a region from the last page is stored like any other
    last = peru.regions[-1]
    await tap(leader, "act.region", aid, "PE", last.id)
    assert (await draft_of(bot, leader.id)).region == last.id


async def test_a_forged_region_page_changes_nothing(bot):
    leader, aid, calls = await to_the_place_step(bot, "es")
    for args in ((aid, "PE", 9), (aid, "PE", -1), (aid, "XX", 0)):
        calls = await leader.press_data(callbacks.pack("act.places", *args))
        assert not [c for c in calls if c.method.startswith("edit")]
    assert (await draft_of(bot, leader.id)).region is None


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_the_regions_of_get_help_come_in_pages_with_quick_exit(bot, lang):
    person = bot.person({"es": YOUNG, "en": YOUNG_EN}[lang])
    await person.onboard()
    await person.send("/help")
    await tap(person, "help.danger", 0)
    await tap(person, "help.topic", 1)
    await tap(person, "help.whom", 1, "me")
    calls = await tap(person, "help.where", 1, "me", "PE")
    seen = await walk_pages(person, calls, lang, must_have=[BACK[lang], QUICK_EXIT[lang]])
    for region in bot.deps.content.countries[0].regions:
        assert region.name_in(lang) in seen


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_browsing_many_regions_comes_in_pages(bot, lang):
    from datetime import UTC, datetime

    from youthbot.db.models import Activity

    set_clock(bot)
    await as_role(bot, LEADERS["es"], Role.LEADER)
    peru = bot.deps.content.countries[0]
    async with bot.db.session() as session:
        for region in peru.regions[:14]:
            session.add(Activity(
                leader_id=LEADERS["es"].id, title=f"Taller {region.id}", kind="workshop",
                pathway="children", country="PE", region=region.id, online=False, expected=20,
                status="approved", starts_at=datetime(2026, 12, 20, 20, 0, tzinfo=UTC),
                created_at=datetime(2026, 11, 1, tzinfo=UTC),
                updated_at=datetime(2026, 11, 1, tzinfo=UTC),
            ))  # fmt: skip
    person = bot.person({"es": YOUNG, "en": YOUNG_EN}[lang])
    await person.onboard()
    await person.send("/menu")
    await person.press(action="act.menu")
    calls = await person.press(action="act.browse")
    seen = await walk_pages(person, calls, lang, must_have=[BACK[lang]])
    for region in peru.regions[:14]:
        assert f"{region.name_in(lang)} (1)" in seen
    assert seen.index(f"{peru.regions[0].name_in(lang)} (1)") == 0  # configured order
    calls = await person.press_data(callbacks.pack("act.areas", 5))
    assert not [c for c in calls if c.method.startswith("edit")]


# What is kept for a person with a role, whatever the age band --------------------------------

KEPT_FOR_LEADER = {
    "es": "Como eres líder de grupo juvenil, tengas la edad que tengas y aunque no hayas aceptado "
          "el aviso de privacidad, guardamos tu cuenta de Telegram",
    "en": "Because you are a youth group leader, whatever your age and even if you did not "
          "agree to the privacy notice, we keep your Telegram account",
}
NOTHING_KEPT = {"es": "solo guardamos tu cuenta de Telegram, tu idioma y tu grupo de edad",
                "en": "we keep only your Telegram account, your language and your age group"}


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("band", ["u14", "18-25"])
async def test_a_leader_is_told_what_is_kept_whatever_the_age(bot, lang, band):
    persona = LEADERS[lang]
    await bot.grant(persona, Role.LEADER)
    leader = bot.person(persona)
    await leader.send("/start")
    calls = await tap(leader, "lang.first", lang)
    assert KEPT_FOR_LEADER[lang] in texts(calls)[-1]  # in the notice
    calls = await tap(leader, "consent", 1)
    assert KEPT_FOR_LEADER[lang] in texts(calls)[0]  # with the age question
    assert NOTHING_KEPT[lang] not in texts(calls)[0]
    calls = await tap(leader, "age", band)
    shown = texts(calls)[0]
    assert KEPT_FOR_LEADER[lang] in shown
    assert NOTHING_KEPT[lang] not in shown


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_a_young_person_under_14_is_told_exactly_what_is_kept(bot, lang):
    person = bot.person({"es": YOUNG, "en": YOUNG_EN}[lang])
    await person.send("/start")
    calls = await tap(person, "lang.first", lang)
    assert KEPT_FOR_LEADER[lang] not in texts(calls)[-1]
    calls = await tap(person, "consent", 1)
    assert KEPT_FOR_LEADER[lang] not in texts(calls)[0]
    calls = await tap(person, "age", "u14")
    assert NOTHING_KEPT[lang] in texts(calls)[0]
