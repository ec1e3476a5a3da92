"""The console as a newcomer's first contact (issue 20, items 16-18): a mistyped staff button
sends nothing, files the bot sends are saved where the newcomer can open them, and an
announcement is delivered in the console as the running bot delivers it."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from youthbot.config import Settings
from youthbot.console import run_console
from youthbot.db.engine import Database
from youthbot.db.models import Announcement, CaseMessage
from youthbot.db.models.announce import AnnouncementDelivery as Delivery

LANGUAGES = pytest.mark.parametrize("lang", ["es", "en"])
ONBOARD = {"es": ["1", "1", "2"], "en": ["2", "1", "2"]}  # language, I agree, 14 to 17
TO_A_PERSON = {
    "es": ["/ayuda", "No, ahora no", "Violencia en casa", "Para mí", "Perú", "Puno",
           "💬 Hablar con una persona"],
    "en": ["/help", "No, not right now", "Violence at home", "For me", "Peru", "Puno",
           "💬 Talk to a person"],
}


async def console(tmp_path, lang: str, lines: list[str], **options) -> str:
    out = io.StringIO()
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite+aiosqlite:///{tmp_path}/console.sqlite3",
        **options.pop("settings", {}),
    )
    await run_console(
        settings, user_id=10001, language_code=lang,
        stdin=io.StringIO("\n".join(ONBOARD[lang] + lines) + "\n"), out=out, **options,
    )
    return out.getvalue()


async def read_all(tmp_path, *models) -> list[list]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/console.sqlite3")
    try:
        async with db.session() as session:
            return [(await session.scalars(select(m))).all() for m in models]
    finally:
        await db.dispose()


@LANGUAGES
async def test_a_staff_button_that_does_not_exist_sends_nothing(tmp_path, lang):
    shown = await console(
        tmp_path, lang, [*TO_A_PERSON[lang], "first words", "s11", "more words"],
        moderator_id=20002,
    )
    assert "  (there is no staff button s11: they are s1 to s10; nothing was sent)\n" in shown
    assert "s11\n" not in shown.split("> s11\n")[1]  # not relayed, not echoed as a message
    assert "bot (reacted to your message): 👌" in shown  # "more words" arrived
    (messages,) = await read_all(tmp_path, CaseMessage)
    assert [m.text for m in messages if m.sender == "person"] == ["first words", "more words"]


@LANGUAGES
async def test_files_the_bot_sends_are_saved_and_their_path_printed(tmp_path, lang):
    folder = tmp_path / "files"
    shown = await console(
        tmp_path, lang, ["1", "1", "1", "A", "/quizstats"],  # a quiz answered, then the chart
        settings={"admin_ids": frozenset({10001})}, files_dir=folder,
    )
    assert f"Files the bot sends are saved in {folder}." in shown
    chart = folder / "001-photo.png"
    assert "bot (photo): " in shown and f"  saved: {chart}\n" in shown
    assert chart.read_bytes().startswith(b"\x89PNG")


@LANGUAGES
async def test_an_announcement_is_delivered_in_the_console(tmp_path, lang):
    command = {"es": "/anuncio", "en": "/announce"}[lang]
    shown = await console(
        tmp_path, lang,
        ["4", "2",  # settings: receive announcements
         command, "Taller el sábado a las 10", "1", "1",  # the Spanish text; skip en, pt
         "1"],  # send
        settings={"admin_ids": frozenset({10001})},
    )
    delivered = shown.split("(announcements: delivering, as the running bot does)\n")[1]
    assert delivered.startswith("bot: Taller el sábado a las 10\n")
    # the progress speaks the announcement's language (the first one written: Spanish)
    assert "El anuncio n.º 1 ya se entregó.\nEnviados: 1 · No entregados: 0 · Faltan: 0" in (
        delivered
    )
    announcements, deliveries = await read_all(tmp_path, Announcement, Delivery)
    assert [a.status for a in announcements] == ["done"]
    assert [(d.user_id, d.status) for d in deliveries] == [(10001, "sent")]


SCHEDULE_WORDS = {
    # the Spanish text; English and Portuguese skipped
    "es": ["/anuncio", "Feria en Puno", *["Saltar este idioma"] * 2, "🕒 Programar"],
    "en": ["/announce", "Feria en Puno", *["Skip this language"] * 2, "🕒 Schedule"],
}


@LANGUAGES
async def test_a_scheduled_announcement_is_delivered_by_the_console_when_due(tmp_path, lang):
    """Scheduled in one console session; when its time has come (moved into the past here,
    as time passing would), the next session delivers it, as the running bot's worker does."""
    from datetime import timedelta

    from sqlalchemy import update

    from youthbot.db.types import utcnow

    when = (utcnow() + timedelta(days=3)).strftime("%d/%m %H:%M")
    shown = await console(
        tmp_path, lang, ["4", "2", *SCHEDULE_WORDS[lang], when],
        settings={"admin_ids": frozenset({10001})},
    )
    assert {"es": "está programado para el", "en": "is scheduled for"}[lang] in shown
    assert "(announcements: delivering" not in shown
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/console.sqlite3")
    async with db.session() as session:
        await session.execute(
            update(Announcement).values(scheduled_for=utcnow() - timedelta(minutes=1))
        )
    await db.dispose()
    out = io.StringIO()
    settings = Settings(
        _env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path}/console.sqlite3",
        admin_ids=frozenset({10001}),
    )
    await run_console(settings, user_id=10001, language_code=lang, send_start=False,
                      stdin=io.StringIO(""), out=out)  # fmt: skip
    delivered = out.getvalue().split("(announcements: delivering, as the running bot does)\n")
    assert delivered[1].startswith("bot: Feria en Puno\n")
    announcements, deliveries = await read_all(tmp_path, Announcement, Delivery)
    assert [a.status for a in announcements] == ["done"]
    assert [(d.user_id, d.status) for d in deliveries] == [(10001, "sent")]
