"""Coordinators and reviewers: the review card shows the group, the leader's @handle and what
changed since the last review; nobody approves their own activity; admins see every
activity with filters, the ones awaiting a report, a report's text, and unpublish one with a
reason the leader reads in their own language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from activities_support import (
    LEADER_EN,
    LEADERS,
    NOW,
    approve,
    as_role,
    read_activity,
    register_activity,
    set_clock,
)
from harness import ADMIN, FRIEND, MODERATOR, YOUNG, labels, texts
from sqlalchemy import select

from youthbot.bot.runtime import callbacks
from youthbot.core.people.roles import Role
from youthbot.db.models import ActivityReport, ActivityReviewSnapshot, AuditEntry

CARD = {
    "es": ("Grupo: Red de Jóvenes de San Juan", "Líder: @{handle}",
           "Es la primera revisión de esta actividad.", "Cambió desde la última revisión: título"),
    "en": ("Group: Red de Jóvenes de San Juan", "Leader: @{handle}",
           "First review of this activity.", "Changed since the last review: title"),
}
EDIT = {
    "es": ("✏️ Cambiar", "✏️ Título", "📤 Enviar a revisión otra vez"),
    "en": ("✏️ Change", "✏️ Title", "📤 Send for review again"),
}
OPEN = {"es": "Abrir la actividad", "en": "Open the activity"}
OWN = {
    "es": "Tú registraste esta actividad, así que otra persona del equipo tiene que aprobarla.",
    "en": "You registered this activity yourself, so someone else on the team must approve it.",
}


async def review_card(moderator) -> str:
    await moderator.send("/menu")
    await moderator.press(action="act.menu")
    calls = await moderator.press(action="act.review")
    return texts(calls)[0]


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_the_review_card_shows_group_leader_and_what_changed(bot, lang):
    set_clock(bot)
    leader = await as_role(bot, LEADERS[lang], Role.LEADER)
    aid = await register_activity(leader, bot, title="Charla en el colegio")
    moderator = bot.person(MODERATOR, language_code=lang)
    await bot.grant(MODERATOR, Role.MODERATOR)
    await moderator.onboard(age_band="26+")
    group, handle, first, changed = CARD[lang]
    card = await review_card(moderator)
    assert group in card
    assert handle.format(handle=LEADERS[lang].username) in card
    assert first in card

    await moderator.press_data(callbacks.pack("act.sendback", aid))
    await moderator.send("Please name the school / Indica el colegio.")
    await leader.press(OPEN[lang])
    async with bot.db.session() as session:
        kept = await session.get(ActivityReviewSnapshot, aid)
        assert kept.fields["title"] == "Charla en el colegio"
        assert "leader_id" not in kept.fields
    await leader.press(EDIT[lang][0])
    await leader.press(EDIT[lang][1])
    await leader.send("Charla en el Colegio San Martín")
    await leader.press(EDIT[lang][2])
    assert (await read_activity(bot, aid)).status == "pending"
    card = await review_card(moderator)
    assert changed in card and first not in card


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_an_admin_cannot_approve_their_own_activity(bot, lang):
    set_clock(bot)
    admin = bot.person(ADMIN, language_code=lang)
    await admin.onboard(age_band="26+")
    aid = await register_activity(admin, bot, title="Campaña del admin")
    card = await review_card(admin)
    assert OWN[lang] in card
    assert not any(label.startswith("✅") for label in labels(admin.harness.api.calls[-1:]))
    calls = await admin.press_data(callbacks.pack("act.approve", aid))
    answer = [c for c in calls if c.method == "answerCallbackQuery"][0]
    assert answer.params["text"].startswith(OWN[lang]) and answer.params["show_alert"]
    assert (await read_activity(bot, aid)).status == "pending"
    # another admin may
    other = await as_role(bot, FRIEND, Role.ADMIN)
    await other.press_data(callbacks.pack("act.approve", aid))
    assert (await read_activity(bot, aid)).status == "approved"


async def add_report(bot, activity_id: int) -> None:
    async with bot.db.session() as session:
        session.add(ActivityReport(
            activity_id=activity_id, reporter_id=LEADER_EN.id, under12_female=0,
            under12_male=0, under12_other=0, age12_17_female=7, age12_17_male=5,
            age12_17_other=1, age18_25_female=2, age18_25_male=1, age18_25_other=0,
            adults_female=1, adults_male=0, adults_other=0,
            description="We talked about safe profiles online.",
            updated_at=NOW + timedelta(days=30), submitted_at=NOW + timedelta(days=30),
        ))  # fmt: skip
        await session.commit()


async def test_the_overview_filters_reports_and_unpublishes(bot):
    clock = set_clock(bot)
    leader = await as_role(bot, LEADER_EN, Role.LEADER)
    talk = await register_activity(leader, bot, title="Talk at school")
    walk = await register_activity(leader, bot, title="Campaign walk", when="26/12/2026 10:00",
                                   place=("PE", "puno"))  # fmt: skip
    later = await register_activity(leader, bot, title="January forum", when="10/01/2027 10:00")
    pending = await register_activity(leader, bot, title="Still waiting", when="11/01/2027 10:00")
    for aid in (talk, walk, later):
        await approve(bot, aid)
    clock.now = NOW + timedelta(days=40)  # after December
    await add_report(bot, talk)

    admin = bot.person(ADMIN)
    await admin.onboard(age_band="26+")
    calls = await admin.send("/activities")
    assert "4 actividades coinciden." in texts(calls)[0]
    assert [label.split(" · ")[0] for label in labels(calls)[:4]] == [
        f"#{pending}", f"#{later}", f"#{walk}", f"#{talk}"]
    assert labels(calls)[3].endswith("· con informe")

    calls = await admin.press("⏳ Esperando informe")
    assert "Estado: esperando informe" in texts(calls)[0]
    assert "2 actividades coinciden." in texts(calls)[0]  # walk (Dec) and the forum (Jan)
    calls = await admin.press("Mes")
    calls = await admin.press("2026-12")
    assert "Mes: 2026-12" in texts(calls)[0] and "1 actividad coincide." in texts(calls)[0]
    assert labels(calls)[0].startswith(f"#{walk}")
    calls = await admin.press("Región")
    assert labels(calls)[:3] == ["Lima Metropolitana", "Puno", "cualquiera"]
    calls = await admin.press("Puno")
    assert "Región: Puno" in texts(calls)[0] and "1 actividad coincide." in texts(calls)[0]
    # a forged filter is refused kindly and shows the list without filters
    calls = await admin.press_data(callbacks.pack("act.ov", "nope", "-", "-", -1, 0))
    assert any("esa lista cambió" in (c.params.get("text") or "") for c in calls)

    # the report's full text
    await admin.send("/activities")
    calls = await admin.press(labels(admin.harness.api.calls[-1:])[3])
    assert "Estado: con informe" in texts(calls)[0]
    calls = await admin.press("📝 Leer el informe")
    report = texts(calls)[0]
    assert "We talked about safe profiles online." in report and "Total: 17" in report

    # unpublish with a reason: the leader is told in English
    calls = await admin.press_data(callbacks.pack("act.ovsee", later))
    assert "🚫 Despublicar" in labels(calls)
    await admin.press("🚫 Despublicar")
    calls = await admin.send("no")  # too short: a kind answer, nothing changes
    assert (await read_activity(bot, later)).status == "approved"
    calls = await admin.send("The venue is closed that day.")
    assert texts(calls, ADMIN.id)[0] == "Despublicada. Ya le avisamos a quien la organiza."
    told = texts(calls, LEADER_EN.id)[0]
    assert told.startswith("Your activity “January forum” was unpublished by a coordinator")
    assert "The venue is closed that day." in told
    activity = await read_activity(bot, later)
    assert (activity.status, activity.review_note) == (
        "unpublished", "The venue is closed that day.")
    async with bot.db.session() as session:
        assert "activity.unpublish" in (await session.scalars(select(AuditEntry.action))).all()
    # young people no longer find it
    young = bot.person(YOUNG)
    await young.onboard()
    calls = await young.press_data(callbacks.pack("act.see", later))
    assert "January forum" not in " ".join(texts(calls))


@pytest.mark.parametrize("persona", [MODERATOR, LEADER_EN])
async def test_only_admins_see_the_overview(bot, persona):
    set_clock(bot)
    person = await as_role(bot, persona, Role.MODERATOR if persona is MODERATOR else Role.LEADER)
    refused = "Perdona, eso no lo puedes hacer aquí." if persona is MODERATOR else (
        "Sorry, that is not something you can do here.")
    calls = await person.send("/activities")
    assert texts(calls) == [refused]
    calls = await person.press_data(callbacks.pack("act.ovunpub", 1))
    assert [c.params["text"] for c in calls if c.method == "answerCallbackQuery"] == [refused]


async def test_an_english_admin_unpublishes_and_a_spanish_leader_is_told_in_spanish(bot):
    set_clock(bot)
    leader = await as_role(bot, LEADERS["es"], Role.LEADER)
    aid = await register_activity(leader, bot, title="Feria juvenil")
    await approve(bot, aid)
    admin = bot.person(ADMIN, language_code="en")
    await admin.onboard(age_band="26+")
    calls = await admin.send("/activities")
    assert "1 activity matches." in texts(calls)[0]
    calls = await admin.press(labels(calls)[0])
    assert "Status: approved, no report yet" in texts(calls)[0]
    assert "Leader: @luis_leader_handle" in texts(calls)[0]
    calls = await admin.press("🚫 Unpublish")
    assert texts(calls)[0].startswith("Why are you unpublishing it?")
    calls = await admin.send("La fecha cruza con exámenes.")
    assert texts(calls, ADMIN.id)[0] == "Unpublished. The leader has been told."
    told = texts(calls, LEADERS["es"].id)[0]
    assert told.startswith("Una persona coordinadora despublicó tu actividad “Feria juvenil”")
    assert (await read_activity(bot, aid)).status == "unpublished"
    # a second try, or a forged button, changes nothing and says so kindly
    calls = await admin.press_data(callbacks.pack("act.ovunpub", aid))
    assert [c.params["text"] for c in calls if c.method == "answerCallbackQuery"] == [
        "This activity is not published any more."]


@pytest.mark.skipif(not hasattr(__import__("youthbot.db.models", fromlist=["Activity"]).Activity,
                            "group_name"), reason="activities record a group once merged")
async def test_the_group_shows_on_the_card_and_filters_the_overview(bot):
    from youthbot.db.models import Activity

    set_clock(bot)
    leader = await as_role(bot, LEADERS["en"], Role.LEADER)
    first = await register_activity(leader, bot, title="Talk at school")
    second = await register_activity(leader, bot, title="Street campaign")
    async with bot.db.session() as session:
        (await session.get(Activity, first)).group_name = "Voces de Comas"
        (await session.get(Activity, second)).group_name = "Jóvenes de Puno"
        await session.commit()
    moderator = await as_role(bot, MODERATOR, Role.MODERATOR)
    assert "Grupo: Voces de Comas" in await review_card(moderator)
    admin = bot.person(ADMIN)
    await admin.onboard(age_band="26+")
    await admin.send("/activities")
    calls = await admin.press("Grupo")
    assert labels(calls)[:2] == ["Jóvenes de Puno", "Voces de Comas"]
    calls = await admin.press("Voces de Comas")
    assert "Grupo: Voces de Comas" in texts(calls)[0]
    assert "1 actividad coincide." in texts(calls)[0]
    assert labels(calls)[0].startswith(f"#{first}")
