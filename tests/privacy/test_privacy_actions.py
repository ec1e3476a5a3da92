"""The privacy feature's buttons (notification choices, delete my data, quick exit) parse back
with the types their router declared, and a forged choice changes nothing."""

from __future__ import annotations

import pytest
from buttons_support import parsed_actions
from harness import YOUNG, YOUNG_EN, labels

from youthbot.bot.privacy import actions
from youthbot.bot.runtime import callbacks
from youthbot.db.models import User

DELETE = {"es": "🗑 Borrar mis datos", "en": "🗑 Delete my data"}
KEEP = {"es": "No, conservar mis datos", "en": "No, keep my data"}
KEPT = {"es": "No se borró nada.", "en": "Nothing was deleted."}


@pytest.mark.parametrize("persona", [YOUNG, YOUNG_EN], ids=["es", "en"])
async def test_every_privacy_button_parses_with_its_declared_types(bot, persona):
    lang = persona.language_code
    person = bot.person(persona)
    await person.onboard()
    start = len(bot.api.calls)
    await person.send("/help")
    await person.send("/settings")
    calls = await person.press(DELETE[lang])
    assert KEEP[lang] in labels(calls)
    calls = await person.press(KEEP[lang])
    assert calls[-1].text == KEPT[lang]
    seen = parsed_actions(bot, bot.api.calls[start:])
    declared = (actions.ASK_DELETE, actions.DELETE, actions.NOTIFY, actions.QUICK_EXIT)
    assert {action.name for action in declared} <= seen
    async with bot.db.session() as session:
        assert await session.get(User, persona.id) is not None  # "no" kept everything


async def test_a_forged_notification_choice_changes_nothing(bot):
    person = bot.person(YOUNG)
    await person.onboard()
    calls = await person.press_data(callbacks.pack("privacy.notify", "all"))
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert "Este botón ya no funciona" in calls[0].params.get("text", "")
    async with bot.db.session() as session:
        user = await session.get(User, YOUNG.id)
        assert (user.notify_announcements, user.notify_reminders) == (False, True)
