"""The case card tells moderators the age group the person chose (a 13-year-old is not an
adult), in the staff chat's language, and never who it is."""

from __future__ import annotations

import json

import pytest
from harness import STAFF_CHAT_ID, YOUNG, YOUNG_EN

from youthbot.bot.runtime import callbacks

AGE_LINES = {
    "es": {"u14": "Edad: menos de 14", "14-17": "Edad: 14–17", "18-25": "Edad: 18–25",
           "26+": "Edad: 26 o más", None: "Edad: no indicada"},
    "en": {"u14": "Age: under 14", "14-17": "Age: 14–17", "18-25": "Age: 18–25",
           "26+": "Age: 26 or older", None: "Age: not given"},
}


@pytest.mark.parametrize("staff_language", ["es", "en"])
@pytest.mark.parametrize("band", ["u14", "14-17", "18-25", "26+", None])
async def test_the_case_card_shows_the_age_band_in_the_staff_language(
    bot, staff_language, band
):
    bot.deps.settings = bot.deps.settings.model_copy(
        update={"default_language": staff_language}
    )
    persona = YOUNG if band != "18-25" else YOUNG_EN  # the person's own language is no matter
    person = bot.person(persona)
    if band is None:  # did not agree to the notice: no age group is known
        await person.send("/start")
    else:
        await person.onboard(age_band=band)
    calls = await person.press_data(callbacks.pack("help.person", 3, "me", "PE", "puno", 0))
    cards = [c for c in calls if c.chat_id == STAFF_CHAT_ID and c.method == "sendMessage"]
    assert cards, "no card reached the staff chat"
    lines = cards[0].text.splitlines()
    assert AGE_LINES[staff_language][band] in lines
    blob = json.dumps([c.params for c in calls if c.chat_id == STAFF_CHAT_ID],
                      ensure_ascii=False, default=str)
    for secret in (persona.first_name, persona.username, str(persona.id)):
        assert secret not in blob
