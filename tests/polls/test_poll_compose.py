"""An admin writes a poll in Telegram (/newpoll, /nuevaencuesta): question and options per
language, then the announcement's recipient screen; only the people chosen are asked."""

from __future__ import annotations

import pytest
from harness import ADMIN, FRIEND, YOUNG, YOUNG_EN, labels, texts
from sqlalchemy import select, update
from test_polls import live_in_puno, opt_in, received, sender

from youthbot.db.models import Poll, PollCount, User

WORDS = {
    "es": {"command": "/nuevaencuesta", "skip": "Saltar este idioma", "peru": "Perú",
           "send": "📣 Enviar"},
    "en": {"command": "/newpoll", "skip": "Skip this language", "peru": "Peru",
           "send": "📣 Send"},
}  # fmt: skip


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_an_admin_writes_a_poll_chooses_puno_and_only_puno_is_asked(bot, lang):
    await live_in_puno(bot, YOUNG, YOUNG_EN)
    await opt_in(bot, FRIEND)
    async with bot.db.session() as session:
        await session.execute(update(User).where(User.id == FRIEND.id)
                              .values(country="PE", region="lima"))  # fmt: skip
    words = WORDS[lang]
    admin = bot.person(ADMIN, language_code=lang)
    await admin.onboard()
    calls = await admin.send(words["command"])
    assert {"es": "Escribe la pregunta de la encuesta para las personas que usan español.",
            "en": "Write the poll's question for people who use Spanish."}[lang] \
        in texts(calls)[0]  # fmt: skip
    await admin.send("¿Qué necesita tu barrio?")
    calls = await admin.send("Solo una opción")
    assert {"es": "Escribe de 2 a 10 opciones", "en": "Please write 2 to 10 options"}[lang] \
        in texts(calls)[0]  # fmt: skip
    calls = await admin.send("Parques\nLuz en las calles")
    assert labels(calls) == [words["skip"]]  # the English question, or skip it
    if lang == "en":
        await admin.send("What does your neighbourhood need?")
        calls = await admin.send("Parks")  # not as many as in Spanish
        assert "as many as in the first language" in texts(calls)[0]
        calls = await admin.send("Parks\nStreet lights")
    else:
        calls = await admin.press(words["skip"])
    for _language in bot.deps.catalogs.languages[2:]:  # Portuguese and any other: skipped
        calls = await admin.press(words["skip"])
    assert texts(calls)[0].endswith("¿Qué necesita tu barrio?\n• Parques\n• Luz en las calles")
    await admin.press(words["peru"])
    await admin.press("Puno")
    await admin.press(words["send"])
    await sender(bot).run(until_idle=True)
    english = "What does your neighbourhood need?" if lang == "en" else "¿Qué necesita tu barrio?"
    assert received(bot, "¿Qué necesita tu barrio?") == (
        {YOUNG.id: 1} if lang == "en" else {YOUNG.id: 1, YOUNG_EN.id: 1}
    )
    assert received(bot, english).get(YOUNG_EN.id) == 1
    assert FRIEND.id not in received(bot, "¿Qué necesita tu barrio?")  # Lima: not asked
    await bot.person(YOUNG_EN).press("Street lights" if lang == "en" else "Luz en las calles")
    async with bot.db.session() as session:
        poll = (await session.scalars(select(Poll))).one()
        assert poll.created_by == ADMIN.id and len(poll.options) == 2
        assert (await session.scalars(select(PollCount.region))).all() == ["PE:puno"]
    await admin.send({"es": "/encuestas", "en": "/polls"}[lang])
    await admin.press({"es": "🔒 Cerrar y compartir", "en": "🔒 Close and share"}[lang])
    await sender(bot).run(until_idle=True)
    # the place chosen on the draft's screen names the results
    shared = [c.text for c in bot.api.calls if c.chat_id == YOUNG_EN.id and c.text
              and c.text.startswith("📊")]  # fmt: skip
    assert len(shared) == 1 and "This is what <5 young people in Puno answered:" in shared[0]
