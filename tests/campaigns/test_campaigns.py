"""Campaign links and QR codes: an admin makes one in the bot or the shell, a person opens the
bot through it (at Get help, a quiz or an activity) and is counted as a number, never as a
person; a leader gets their published activity's own poster link; figures keep the small-cell
rule, in Spanish and English."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
import zxingcpp
from harness import ADMIN, LEADER, YOUNG, YOUNG_EN, Persona, texts
from PIL import Image
from sqlalchemy import select

from youthbot.bot.runtime import callbacks
from youthbot.core import campaigns
from youthbot.core.people.roles import Role
from youthbot.db.models import Activity, Campaign

LINK = re.compile(r"https://t\.me/youthvoices_test_bot\?start=(c_[a-z0-9]+)")
ADMIN_EN = Persona(ADMIN.id, ADMIN.first_name, ADMIN.username, "en")
CREATED = {
    "es": "La campaña «Afiches en buses» está lista. Su enlace abre: el cuestionario",
    "en": "Campaign “Afiches en buses” is ready. Its link opens: the quiz",
}
INTRO = {
    "es": "¡Hola! 👋 Soy el bot de Youth Voices for Change. Aquí tienes lo que buscabas",
    "en": "Hello! 👋 I am the Youth Voices for Change bot. Here is what the link is for",
}


def decoded(call) -> str:
    """The text of the QR code in a sendPhoto call."""
    (_name, content, _mime), = call.files.values()
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(content)))
    assert len(found) == 1
    return found[0].text


async def campaign_rows(bot) -> list[Campaign]:
    async with bot.db.session() as session:
        return list((await session.scalars(select(Campaign).order_by(Campaign.id))).all())


async def make(bot, target: str, name: str = "Feria") -> Campaign:
    async with bot.db.session() as session:
        campaign = await campaigns.create(
            session, name=name, target=campaigns.parse_target(target), now=bot.deps.clock()
        )
    return campaign


async def published_activity(bot, *, leader: Persona = LEADER) -> int:
    await bot.grant(leader, Role.LEADER)
    leader_id = leader.id
    async with bot.db.session() as session:
        activity = Activity(
            leader_id=leader_id, status="approved", title="Marcha por los derechos",
            kind="workshop", pathway="children", country="PE", region="lima", district=None,
            starts_at=datetime.now(UTC) + timedelta(days=10), expected=40,
        )
        session.add(activity)
        await session.flush()
        return activity.id


@pytest.mark.parametrize("persona,lang", [(ADMIN, "es"), (ADMIN_EN, "en")])
async def test_an_admin_makes_a_link_and_a_qr_code_that_decodes_to_it(bot, persona, lang):
    admin = bot.person(persona)
    await admin.onboard(age_band="26+")
    calls = await admin.send("/campaign quiz:csec-basics Afiches en buses")
    shown = "\n".join(texts(calls, admin.id))
    assert CREATED[lang] in shown
    url = LINK.search(shown).group(0)
    photos = [c for c in calls if c.method == "sendPhoto" and c.chat_id == admin.id]
    assert len(photos) == 1 and decoded(photos[0]) == url
    (row,) = await campaign_rows(bot)
    assert (row.name, row.target, row.arrivals_new, row.arrivals_back) == (
        "Afiches en buses", "quiz:csec-basics", 0, 0)
    assert url.endswith("start=c_" + row.code)


async def test_wrong_campaign_commands_get_a_kind_answer_and_make_nothing(bot):
    admin = bot.person(ADMIN)
    await admin.onboard(age_band="26+")
    usage = texts(await admin.send("/campaign"), admin.id)[0]
    assert "/campaign help" in usage and "csec-basics" in usage
    assert "No conozco" in texts(await admin.send("/campaign quiz Algo"), admin.id)[0]
    assert "No hay ningún cuestionario" in texts(await admin.send("/campaign quiz:nada X"),
                                                   admin.id)[0]
    assert "no está publicada" in texts(await admin.send("/campaign activity:999 X"),
                                        admin.id)[0]
    assert "80 caracteres" in texts(await admin.send("/campaign help " + "x" * 81), admin.id)[0]
    assert await campaign_rows(bot) == []


async def test_only_admins_make_campaigns_or_see_their_figures(bot):
    young = bot.person(YOUNG)
    await young.onboard()
    for command in ("/campaign Colegio", "/campaigns"):
        calls = await young.send(command)
        assert not [c for c in calls if c.method == "sendPhoto"]
        assert not any("campaña" in t.lower() for t in texts(calls))
    assert await campaign_rows(bot) == []


@pytest.mark.parametrize("persona,lang", [(YOUNG, "es"), (YOUNG_EN, "en")])
async def test_a_link_opens_get_help_for_a_new_person_counted_as_new(bot, persona, lang):
    campaign = await make(bot, "help")
    person = bot.person(persona)
    calls = await person.send(f"/start c_{campaign.code}")
    shown = texts(calls, person.id)
    assert shown[0].startswith(INTRO[lang])
    person.find_button(action="help.danger")  # the danger question, as "Get help" opens
    (row,) = await campaign_rows(bot)
    assert (row.arrivals_new, row.arrivals_back) == (1, 0)


async def test_a_quiz_link_opens_the_quiz_and_a_known_person_counts_as_returning(bot):
    campaign = await make(bot, "quiz:csec-basics")
    young = bot.person(YOUNG)
    await young.onboard()
    calls = await young.send(f"/start c_{campaign.code}")
    assert not any(t.startswith(INTRO["es"]) for t in texts(calls, young.id))
    young.find_button(action="quiz.start")
    (row,) = await campaign_rows(bot)
    assert (row.arrivals_new, row.arrivals_back) == (0, 1)
    # nothing about the person is kept with the campaign
    assert {c.name for c in Campaign.__table__.columns} == {
        "id", "code", "name", "target", "arrivals_new", "arrivals_back", "created_at"}


async def test_an_activity_link_shows_the_activity(bot):
    activity_id = await published_activity(bot)
    campaign = await make(bot, f"activity:{activity_id}")
    young = bot.person(YOUNG)
    await young.onboard()
    calls = await young.send(f"/start c_{campaign.code}")
    assert any("Marcha por los derechos" in t for t in texts(calls, young.id))


async def test_an_unknown_or_malformed_code_is_an_ordinary_start(bot):
    await make(bot, "help")
    for payload in ("c_zzzzzzzz", "c_'; drop", "c_"):
        person = bot.person(YOUNG)
        calls = await person.send(f"/start {payload}")
        assert not any(t.startswith(INTRO["es"]) for t in texts(calls, person.id))
        person.find_button(action="lang.first")  # the first contact, as a plain /start
    (row,) = await campaign_rows(bot)
    assert (row.arrivals_new, row.arrivals_back) == (0, 0)


async def test_figures_hide_small_counts_and_what_would_give_them_away(bot):
    first = await make(bot, "help", name="Colegio San Juan")
    second = await make(bot, "menu", name="Radio Puno")
    async with bot.db.session() as session:
        (await session.get(Campaign, first.id)).arrivals_new = 3
        (await session.get(Campaign, first.id)).arrivals_back = 10
        (await session.get(Campaign, second.id)).arrivals_new = 7
    admin = bot.person(ADMIN)
    await admin.onboard(age_band="26+")
    shown = texts(await admin.send("/campaigns"), admin.id)[0]
    assert f"• Colegio San Juan ({first.code}, abre Pedir ayuda): <5 / – / 13" in shown
    assert f"• Radio Puno ({second.code}, abre el menú principal): 7 / 0 / 7" in shown
    assert " 3 " not in shown and "/ 10 " not in shown


async def test_a_leader_gets_the_poster_link_of_their_published_activity(bot):
    await bot.grant(LEADER, Role.LEADER)
    leader = bot.person(LEADER)
    await leader.onboard(age_band="18-25")
    activity_id = await published_activity(bot)
    calls = await leader.press_data(callbacks.pack("act.open", activity_id))
    assert "🔗 Enlace y QR para el afiche" in [
        b["text"] for c in calls for row in c.buttons for b in row]
    calls = await leader.press(action="camp.poster")
    shown = "\n".join(texts(calls, leader.id))
    url = f"https://t.me/youthvoices_test_bot?start=c_a{activity_id}"
    assert url in shown and "Marcha por los derechos" in shown
    (photo,) = [c for c in calls if c.method == "sendPhoto"]
    assert decoded(photo) == url
    again = await leader.press_data(callbacks.pack("camp.poster", activity_id))
    assert url in "\n".join(texts(again, leader.id))
    assert len(await campaign_rows(bot)) == 1  # the same link every time


async def test_another_leader_gets_no_poster_of_someone_elses_activity(bot):
    activity_id = await published_activity(bot, leader=LEADER)
    other = Persona(222299, "Otra", "otra_leader", "es")
    await bot.grant(other, Role.LEADER)
    person = bot.person(other)
    await person.onboard(age_band="18-25")
    calls = await person.press_data(callbacks.pack("camp.poster", activity_id))
    assert not [c for c in calls if c.method == "sendPhoto"]
    assert await campaign_rows(bot) == []
