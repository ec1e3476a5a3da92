"""Activities people can get to (issue 19): an online activity's link only near the start and
only for those who joined (or cannot join); reminders the day before and an hour before, once,
and at once when joining late; held back after a quick exit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from activities_support import (
    LEADER,
    approve,
    as_role,
    joins,
    register_activity,
    restart,
    set_clock,
    stop,
    tap,
)
from harness import FRIEND, YOUNG, YOUNG_EN, labels, texts
from sqlalchemy import select, update

from youthbot.bot.activities.reminders import send_due_reminders
from youthbot.bot.runtime import callbacks
from youthbot.core.people.roles import Role
from youthbot.db.models import ActivityJoin, User

START = datetime(2026, 12, 25, 21, 0, tzinfo=UTC)  # 16:00 in Lima; ends two hours later
LINK = "https://meet.example.org/taller-prevencion"
LINK_LATER = {
    "es": "🔗 El enlace para participar aparece aquí desde una hora antes del inicio.",
    "en": "🔗 The link to take part appears here from one hour before the start.",
}
JOIN_FOR_LINK = {
    "es": "🔗 Únete para recibir el enlace para participar: aparece desde una hora antes del "
          "inicio.",
    "en": "🔗 Join to get the link to take part: it appears from one hour before the start.",
}
LINK_LINE = {"es": f"🔗 Enlace para participar: {LINK}", "en": f"🔗 Link to take part: {LINK}"}
PERSONAS = {"es": YOUNG, "en": YOUNG_EN}


async def approved(bot, **kwargs) -> int:
    async with bot.db.session() as session:
        known = await session.get(User, LEADER.id)
    leader = bot.person(LEADER) if known else await as_role(bot, LEADER, Role.LEADER)
    activity_id = await register_activity(leader, bot, **kwargs)
    await approve(bot, activity_id)
    return activity_id


async def see(person, activity_id: int) -> str:
    return texts(await person.press_data(callbacks.pack("act.see", activity_id)))[0]


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_the_online_link_is_shown_only_near_the_start_to_who_joined(bot, lang):
    clock = set_clock(bot)
    aid = await approved(bot, place=None, title="Charla en línea")
    young = bot.person(PERSONAS[lang])
    await young.onboard()
    shown = await see(young, aid)
    assert JOIN_FOR_LINK[lang] in shown and LINK not in shown
    await young.press_data(callbacks.pack("act.join", aid))
    shown = await see(young, aid)
    assert LINK_LATER[lang] in shown and LINK not in shown

    clock.now = START - timedelta(minutes=61)
    assert LINK not in await see(young, aid)
    clock.now = START - timedelta(minutes=59)
    shown = await see(young, aid)
    assert LINK_LINE[lang] in shown and LINK_LATER[lang] not in shown
    clock.now = START + timedelta(minutes=90)  # under way: still there, until the end
    assert LINK_LINE[lang] in await see(young, aid)
    clock.now = START + timedelta(hours=2)  # over: the activity is no longer open
    calls = await young.press_data(callbacks.pack("act.see", aid))
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert LINK not in calls[0].params["text"]

    # someone who did not join never sees it, even during the activity
    other = bot.person(PERSONAS["en" if lang == "es" else "es"])
    await other.onboard()
    clock.now = START - timedelta(minutes=30)
    assert LINK not in await see(other, aid)


async def test_anonymous_people_see_the_link_near_the_start_and_are_not_told_to_turn_up(bot):
    clock = set_clock(bot)
    aid = await approved(bot, place=None, title="Charla en línea")
    child = bot.person(FRIEND)
    await child.onboard(age_band="u14")
    shown = await see(child, aid)
    assert "Igual puedes participar: el enlace aparece aquí desde una hora antes" in shown
    assert "acércate" not in shown and LINK not in shown
    clock.now = START - timedelta(minutes=30)
    shown = await see(child, aid)
    assert LINK_LINE["es"] in shown
    assert not any("Unirme" in label for label in labels(await child.press_data(
        callbacks.pack("act.see", aid))))
    assert await joins(bot) == []


HOUR_REMINDER = {
    "es": "⏰ “Charla en línea” empieza en menos de una hora: viernes, 25 de diciembre de "
          "2026, 16:00 a 18:00, En línea.\n\n" + LINK_LINE["es"],
    "en": "⏰ “Charla en línea” starts in less than an hour: Friday, December 25, 2026, "
          "16:00 to 18:00, Online.\n\n" + LINK_LINE["en"],
}
DAY_REMINDER_END = {
    "es": "🔗 El enlace para participar te llega en mi recordatorio una hora antes.",
    "en": "🔗 The link to take part comes in my reminder one hour before.",
}


async def test_reminders_the_day_before_and_an_hour_before_each_once(bot, settings):
    clock = set_clock(bot)
    aid = await approved(bot, place=None, title="Charla en línea")
    for persona in (YOUNG, YOUNG_EN):
        person = bot.person(persona)
        await person.onboard()
        await person.press_data(callbacks.pack("act.join", aid))

    clock.now = START - timedelta(hours=20)
    bot.api.clear()
    assert await send_due_reminders(bot.app) == 2
    for lang, persona in PERSONAS.items():
        (day,) = texts(bot.api.calls, persona.id)
        assert day.endswith(DAY_REMINDER_END[lang]) and LINK not in day
    assert await send_due_reminders(bot.app) == 0

    # after a restart (or on another replica) the hour reminder goes out once, with the link
    again = await restart(bot, settings)
    try:
        clock.now = START - timedelta(minutes=55)
        assert await send_due_reminders(again.app) == 2
        for lang, persona in PERSONAS.items():
            assert texts(again.api.calls, persona.id) == [HOUR_REMINDER[lang]]
        assert await send_due_reminders(again.app) == 0
        assert await send_due_reminders(bot.app) == 0
    finally:
        await stop(again)
    async with bot.db.session() as session:
        rows = (await session.scalars(select(ActivityJoin))).all()
    assert all(r.reminded_at is not None and r.soon_reminded_at is not None for r in rows)


async def test_a_reminder_after_a_quick_exit_is_dropped_not_sent(bot):
    clock = set_clock(bot)
    aid = await approved(bot)
    young = bot.person(YOUNG)
    await young.onboard()
    await young.press_data(callbacks.pack("act.join", aid))
    async with bot.db.session() as session:
        await session.execute(update(User).where(User.id == YOUNG.id)
                              .values(held_since=clock.now))
        await session.commit()
    clock.now = START - timedelta(minutes=50)
    bot.api.clear()
    assert await send_due_reminders(bot.app) == 0
    assert texts(bot.api.calls, YOUNG.id) == []
    assert await send_due_reminders(bot.app) == 0  # and not kept to send twice later


LATE = {
    "es": ("✅ Te uniste. Empieza muy pronto, a las 16:00.", "recordaré el día anterior"),
    "en": ("✅ You have joined. It starts very soon, at 16:00.", "remind you the day before"),
}
WITHIN_DAY = {"es": "✅ Te uniste. Te lo recordaré una hora antes.",
              "en": "✅ You have joined. I will remind you one hour before."}


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_joining_late_gets_the_reminder_at_once_and_never_the_day_before(bot, lang):
    clock = set_clock(bot)
    online = await approved(bot, place=None, title="Charla en línea")
    young = bot.person(PERSONAS[lang])
    await young.onboard()

    clock.now = START - timedelta(hours=5)  # within the day: only the hour one will come
    calls = await young.press_data(callbacks.pack("act.join", online))
    shown = "\n".join(texts(calls))
    assert WITHIN_DAY[lang] in shown and LATE[lang][1] not in shown
    assert await send_due_reminders(bot.app) == 0
    await tap(young, "act.leave", online)

    clock.now = START - timedelta(minutes=20)  # within the hour: at once, with the link
    bot.api.clear()
    calls = await young.press_data(callbacks.pack("act.join", online))
    shown = texts(calls)
    assert LATE[lang][0] in shown[0] and LATE[lang][1] not in "\n".join(shown)
    assert shown[1] == HOUR_REMINDER[lang]
    assert await send_due_reminders(bot.app) == 0  # nothing repeated by the job
    assert texts(bot.api.calls, PERSONAS[lang].id) == shown
    calls = await young.press_data(callbacks.pack("act.join", online))  # an old button again
    assert HOUR_REMINDER[lang] not in texts(calls)
