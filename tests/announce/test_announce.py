"""Announcements: the admin's flow (write, preview, confirm, progress, stop), delivery through
the outbox (languages, 403, 429), resuming after a crash without duplicates, and the CLI."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import sqlite3
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from harness import ADMIN, FRIEND, YOUNG, YOUNG_EN, labels, texts
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from youthbot.bot.announce.outbox import AnnouncementSender, Pacer
from youthbot.bot.safety import tracking
from youthbot.cli import main
from youthbot.cli.announce import AnnouncementFileError, deliver, read_texts
from youthbot.core import announce
from youthbot.core.people.users import CONSENT_VERSION
from youthbot.db.models import AnnouncementDelivery, TrackedMessage, User
from youthbot.db.models.announce import BLOCKED, DOUBT, SENT, STOPPED
from youthbot.db.types import utcnow
from youthbot.offline import ApiError, OfflineBotAPI, OfflineRequest


async def skip_other_languages(bot, admin):
    """After the first language's text: skip every other language the bot has (es, en, pt…);
    the calls of the last skip (the previews and the summary)."""
    calls = []
    for _ in bot.deps.catalogs.languages[1:]:
        calls = await admin.press("Saltar este idioma")
    return calls


async def opt_in(bot, *personas) -> None:
    for persona in personas:
        await bot.person(persona).onboard()
    async with bot.db.session() as session:
        await session.execute(
            update(User)
            .where(User.id.in_([p.id for p in personas]))
            .values(notify_announcements=True)
        )


async def add_recipients(bot, ids: list[int], language: str = "es") -> None:
    async with bot.db.session() as session:
        for user_id in ids:
            session.add(
                User(
                    id=user_id,
                    language=language,
                    role="young",
                    notify_announcements=True,
                    consent_version=CONSENT_VERSION,
                    notify_reminders=True,
                    blocked=False,
                    created_on=utcnow().date(),
                    last_seen_on=utcnow().date(),
                )
            )


async def queue(bot, texts_by_language: dict[str, str]) -> int:
    async with bot.db.session() as session:
        draft = await announce.create_draft(
            session,
            created_by=None,
            admin_chat_id=None,
            language="es",
            texts=texts_by_language,
            now=utcnow(),
        )
        await announce.start_sending(
            session, announcement_id=draft.id, actor_id=None, now=utcnow()
        )
    return draft.id


def sender(bot, **kwargs) -> AnnouncementSender:
    options = {"rate": 1000, "lanes": 2, "progress_seconds": 0.01, "gap_seconds": 0}
    options.update(kwargs)
    return AnnouncementSender(bot.app, **options)


def received(bot, text: str) -> Counter:
    """Who got `text` (the admin's own preview is not a delivery)."""
    return Counter(
        c.chat_id
        for c in bot.api.calls
        if c.method == "sendMessage"
        and c.text == text
        and c.chat_id != ADMIN.id
        and not isinstance(c.result, ApiError)
    )


async def statuses(bot, announcement_id: int) -> Counter:
    async with bot.db.session() as session:
        rows = await session.scalars(
            select(AnnouncementDelivery.status).where(
                AnnouncementDelivery.announcement_id == announcement_id
            )
        )
        return Counter(rows)


async def test_an_admin_writes_previews_confirms_and_sees_progress(bot):
    await opt_in(bot, YOUNG, YOUNG_EN)
    await bot.person(FRIEND).onboard()  # not opted in: gets nothing
    admin = bot.person(ADMIN)
    await admin.onboard()
    calls = await admin.send("/announce")
    assert "Escribe el anuncio para las personas que usan español" in texts(calls)[0]
    calls = await admin.send("¡Hola! Este sábado hay taller en Puno.")
    assert "personas que usan inglés" in texts(calls)[0]
    assert "English" not in texts(calls)[0] and labels(calls) == ["Saltar este idioma"]
    calls = await admin.send("Hi! There is a workshop in Puno on Saturday.")
    assert "personas que usan portugués" in texts(calls)[0]  # every shipped language is asked
    calls = await admin.press("Saltar este idioma")
    shown = texts(calls)
    assert shown[:4] == [
        "Vista previa en español:",
        "¡Hola! Este sábado hay taller en Puno.",
        "Vista previa en inglés:",
        "Hi! There is a workshop in Puno on Saturday.",
    ]
    # two people: an operational count, still shown "<5" like every figure under five
    assert "\nEspañol: <5 personas\nInglés: <5 personas\n" in shown[4]
    assert "English" not in shown[4]
    assert shown[4].endswith("En total: <5 personas.")
    assert labels(calls)[:3] == ["📣 Enviar", "🕒 Programar", "Cancelar"]

    summary, _ = admin.find_button("📣 Enviar")
    calls = await admin.press("📣 Enviar")
    assert texts(calls)[0].startswith("El anuncio n.º 1 se está enviando.")
    assert labels(calls) == ["⏹ Detener el envío"]
    assert not received(bot, "¡Hola! Este sábado hay taller en Puno.")  # only once confirmed

    await sender(bot).run(until_idle=True)
    assert received(bot, "¡Hola! Este sábado hay taller en Puno.") == {YOUNG.id: 1}
    assert received(bot, "Hi! There is a workshop in Puno on Saturday.") == {YOUNG_EN.id: 1}
    edits = [
        c
        for c in bot.api.calls
        if c.method == "editMessageText"
        and c.params.get("message_id") == summary["message_id"]
        and c.chat_id == ADMIN.id
    ]
    assert edits[-1].text == (
        "El anuncio n.º 1 ya se entregó.\nEnviados: 2 · No entregados: 0 · Faltan: 0"
    )
    calls = await admin.press_data("1|ann.send|1", summary)
    assert [c.params.get("text") for c in calls] == ["Este anuncio ya se envió o se canceló."]


async def test_a_skipped_language_gets_the_first_languages_text(bot):
    await opt_in(bot, YOUNG_EN)
    admin = bot.person(ADMIN)
    await admin.onboard()
    await admin.send("/anuncio")
    await admin.send("Solo en español")
    calls = await skip_other_languages(bot, admin)
    assert "Inglés: <5 personas (reciben el texto en español)" in texts(calls)[-1]
    await admin.press("📣 Enviar")
    await sender(bot).run(until_idle=True)
    assert received(bot, "Solo en español") == {YOUNG_EN.id: 1}


async def test_only_people_who_agreed_to_the_current_notice_are_recipients(bot):
    await opt_in(bot, YOUNG)
    await add_recipients(bot, [901, 902])
    async with bot.db.session() as session:
        assert await announce.recipients_by_language(session) == {"es": 3}
        await session.execute(update(User).where(User.id == 902).values(consent_version=0))
        await session.execute(update(User).where(User.id == 901).values(consent_version=None))
    async with bot.db.session() as session:
        assert await announce.recipients_by_language(session) == {"es": 1}


async def test_announcing_is_for_admins_only(bot):
    person = bot.person(YOUNG)
    await person.onboard()
    calls = await person.send("/announce")
    refusal = bot.deps.catalogs.get("es").gettext("Sorry, that is not something you can do here.")
    assert texts(calls) == [refusal]
    calls = await person.press_data("1|ann.send|1")
    assert calls[0].params["show_alert"] is True


async def test_a_cancelled_draft_sends_nothing(bot):
    await opt_in(bot, YOUNG)
    admin = bot.person(ADMIN)
    await admin.onboard()
    await admin.send("/announce")
    await admin.send("Borrador")
    await skip_other_languages(bot, admin)
    calls = await admin.press("Cancelar")
    assert texts(calls) == ["Cancelado. No se envió nada."]
    await sender(bot).run(until_idle=True)
    assert not received(bot, "Borrador")


async def test_a_person_who_blocked_the_bot_is_marked_and_skipped_afterwards(bot):
    await opt_in(bot, YOUNG, YOUNG_EN)

    def refuse(method, params):
        if method == "sendMessage" and int(params["chat_id"]) == YOUNG.id:
            return ApiError(403, "Forbidden: bot was blocked by the user")
        return None

    bot.api.fail_for = refuse
    first = await queue(bot, {"es": "Primero"})
    await sender(bot).run(until_idle=True)
    assert await statuses(bot, first) == {SENT: 1, BLOCKED: 1}
    async with bot.db.session() as session:
        assert (await session.get(User, YOUNG.id)).blocked is True
    bot.api.fail_for = None
    second = await queue(bot, {"es": "Segundo"})
    await sender(bot).run(until_idle=True)
    assert received(bot, "Segundo") == {YOUNG_EN.id: 1}
    assert await statuses(bot, second) == {SENT: 1}


async def test_a_429_during_delivery_is_waited_out_and_nobody_is_lost(bot, monkeypatch):
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    await add_recipients(bot, list(range(5000, 5006)))
    bot.api.fail_next("sendMessage", ApiError(429, "Too Many Requests: retry after 1", 1))
    announcement_id = await queue(bot, {"es": "Hola"})
    await sender(bot, lanes=1).run(until_idle=True)
    assert received(bot, "Hola") == {user_id: 1 for user_id in range(5000, 5006)}
    assert await statuses(bot, announcement_id) == {SENT: 6}


class VirtualTime:
    """A clock and a sleep for the pacer: time moves only when every lane is asleep."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleepers: list = []
        self.order = itertools.count()

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        wake = asyncio.get_running_loop().create_future()
        heapq.heappush(self.sleepers, (self.now + seconds, next(self.order), wake))
        await wake

    async def run(self, tasks: list[asyncio.Task]) -> None:
        """Let every task run until it sleeps, wake the earliest sleeper, until all are done."""
        while True:
            for _ in range(20):
                await asyncio.sleep(0)
            if all(task.done() for task in tasks) or not self.sleepers:
                break
            when, _, wake = heapq.heappop(self.sleepers)
            self.now = max(self.now, when)
            wake.set_result(None)
        for task in tasks:
            task.result()


async def test_after_a_429_the_lanes_resume_one_at_a_time_not_in_a_burst():
    """Lanes whose slots fell in a 429's pause used to send together when it ended: a burst
    that met the next 429, a second later, for the rest of the announcement."""
    virtual = VirtualTime()
    pacer = Pacer(10, clock=virtual.clock, sleep=virtual.sleep)  # a slot every 0.1 s
    sent: list[float] = []

    async def lane() -> None:
        while len(sent) < 30:
            await pacer.wait()
            sent.append(virtual.now)
            if len(sent) == 5:
                pacer.pause(1.0)  # the fifth message was refused with retry_after 1

    await virtual.run([asyncio.create_task(lane()) for _ in range(8)])
    paused_at = sent[4]
    assert [t for t in sent if paused_at < t < paused_at + 1.0] == []  # none in the pause
    gaps = [b - a for a, b in itertools.pairwise(sorted(sent))]
    assert min(gaps) > 0.099  # never two at once: evenly spaced before and after
    assert len(sent) >= 30 and sent[5] == pytest.approx(paused_at + 1.0)


class Crash(BaseException):
    """The process dying (SIGKILL) right after Telegram accepted a message."""


async def test_the_outbox_resumes_after_a_crash_without_duplicates_or_gaps(bot):
    recipients = list(range(7000, 7012))
    await add_recipients(bot, recipients)
    announcement_id = await queue(bot, {"es": "Noticia"})
    accepted = []

    def crash_on_fifth(call) -> None:
        if call.method == "sendMessage":
            accepted.append(call.chat_id)
            if len(accepted) == 5:
                raise Crash

    bot.api.listeners.append(crash_on_fifth)
    with pytest.raises(Crash):
        await sender(bot, lanes=1).run(until_idle=True)
    bot.api.listeners.remove(crash_on_fifth)
    assert await statuses(bot, announcement_id) == {SENT: 4, "sending": 1, "pending": 7}

    # The restarted process waits out the dead worker's lease, then takes over.
    later = utcnow() + timedelta(minutes=1)
    bot.deps.clock = lambda: later
    await sender(bot, lanes=3).run(until_idle=True)
    got = received(bot, "Noticia")
    assert set(got) == set(recipients)  # nobody skipped
    assert max(got.values()) == 1  # nobody twice
    assert await statuses(bot, announcement_id) == {SENT: 11, DOUBT: 1}
    async with bot.db.session() as session:
        current = await announce.progress(session, announcement_id=announcement_id)
    assert (current.sent, current.left, current.doubt) == (11, 0, 1)


async def test_delivery_goes_on_after_the_database_fails_for_a_moment(bot, monkeypatch):
    """A database error mid-delivery (PostgreSQL restarting) does not end the sender: it
    tries again, and the row that was in flight is counted as in doubt, not sent twice."""
    recipients = list(range(7100, 7112))
    await add_recipients(bot, recipients)
    announcement_id = await queue(bot, {"es": "Noticia"})
    record = announce.record_outcome
    failures = []

    async def flaky_record(session, **kwargs):
        if len(received(bot, "Noticia")) == 5 and not failures:
            failures.append(kwargs["user_id"])
            raise OperationalError("UPDATE", None, ConnectionResetError("server closed"))
        return await record(session, **kwargs)

    monkeypatch.setattr(announce, "record_outcome", flaky_record)
    await sender(bot, lanes=1, poll_seconds=0.01).run(until_idle=True)
    got = received(bot, "Noticia")
    assert failures and set(got) == set(recipients)
    assert max(got.values()) == 1
    assert await statuses(bot, announcement_id) == {SENT: 11, DOUBT: 1}


async def test_a_graceful_stop_leaves_nothing_in_doubt(bot):
    recipients = list(range(8000, 8010))
    await add_recipients(bot, recipients)
    announcement_id = await queue(bot, {"es": "Aviso"})
    first = sender(bot, lanes=2)

    def stop_after_three(call) -> None:
        if call.method == "sendMessage" and len(received(bot, "Aviso")) == 3:
            first.stop()

    bot.api.listeners.append(stop_after_three)
    await first.run(until_idle=True)
    bot.api.listeners.remove(stop_after_three)
    done = await statuses(bot, announcement_id)
    assert done["sending"] == 0 and done[SENT] >= 3 and done["pending"] > 0
    await sender(bot).run(until_idle=True)
    assert received(bot, "Aviso") == {user_id: 1 for user_id in recipients}


async def test_stopping_an_announcement_while_it_is_sent(bot):
    await opt_in(bot, YOUNG, YOUNG_EN)
    admin = bot.person(ADMIN)
    await admin.onboard()
    await admin.send("/announce")
    await admin.send("Se detendrá")
    await skip_other_languages(bot, admin)
    await admin.press("📣 Enviar")
    calls = await admin.press("⏹ Detener el envío")
    assert calls[0].params["text"] == "Detenido: 2 personas no lo recibirán."
    await sender(bot).run(until_idle=True)
    assert not received(bot, "Se detendrá")
    assert await statuses(bot, 1) == {STOPPED: 2}


async def test_a_long_or_empty_text_is_refused(bot):
    admin = bot.person(ADMIN)
    await admin.onboard()
    await admin.send("/announce")
    calls = await admin.send("x" * 4097)
    assert texts(calls) == ["Tiene 4.097 caracteres; un anuncio puede tener como máximo 4.096."]
    calls = await admin.send_update({"sticker": STICKER})
    assert texts(calls) == ["Escribe el anuncio como un mensaje de texto, por favor."]


STICKER = {
    "file_id": "s1",
    "file_unique_id": "s1",
    "width": 512,
    "height": 512,
    "is_animated": False,
    "is_video": False,
    "type": "regular",
}


# The command line -------------------------------------------------------------------------


def test_announcement_files_are_checked(tmp_path: Path):
    languages = ["es", "en"]
    plain = tmp_path / "news.txt"
    plain.write_text("Hola\n", encoding="utf-8")
    assert read_texts(plain, languages=languages, default="es") == {"es": "Hola"}
    both = tmp_path / "news.yaml"
    both.write_text("es: Hola\nen: Hello\n", encoding="utf-8")
    assert read_texts(both, languages=languages, default="es") == {"es": "Hola", "en": "Hello"}
    for name, content, needle in [
        ("a.yaml", "en: Hello\n", "default language es"),
        ("b.yaml", "fr: Salut\nes: Hola\n", "unknown language 'fr'"),
        ("c.yaml", "- a list\n", "language: text"),
        ("d.txt", "x" * 4097, "longer than 4096"),
        ("e.yaml", "es: [unclosed\n", "not valid YAML"),
    ]:
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        with pytest.raises(AnnouncementFileError, match=needle):
            read_texts(path, languages=languages, default="es")


def test_the_command_line_queues_and_reports(tmp_path: Path, sqlite_template: Path, monkeypatch,
                                              capsys):
    database = tmp_path / "cli.sqlite3"
    database.write_bytes(sqlite_template.read_bytes())
    with sqlite3.connect(database) as conn:
        conn.executemany(
            "INSERT INTO users (id, language, role, notify_announcements, notify_reminders, "
            "blocked, created_on, last_seen_on, consent_version) VALUES (?, ?, 'young', ?, 1, "
            "0, '2026-01-01', '2026-01-01', ?)",
            [(1, "es", 1, CONSENT_VERSION), (2, "en", 1, CONSENT_VERSION),
             (3, "es", 0, CONSENT_VERSION)],
        )
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{database}")
    monkeypatch.chdir(tmp_path)
    news = tmp_path / "news.yaml"
    news.write_text("es: Hola\nen: Hello\n", encoding="utf-8")
    assert main(["announce", str(news)]) == 2  # not a terminal and no --yes
    assert main(["announce", str(news), "--yes"]) == 0
    out = capsys.readouterr().out
    assert "es: <5 people\n" in out and "en: <5 people\n" in out and "1 people" not in out
    assert "announcement 1: <5 people queued" in out
    assert main(["announce", "--status"]) == 0
    assert "1\tsending" in capsys.readouterr().out
    assert main(["announce", "--cancel", "1"]) == 0
    assert "2 people will not get it" in capsys.readouterr().out


async def test_delivered_from_the_command_line_quick_exit_deletes_it_too(bot):
    """`youthbot announce --deliver` runs without the bot: the ids of what it delivered are
    written all the same, so a quick exit afterwards clears the announcement as well."""
    await opt_in(bot, YOUNG, YOUNG_EN)
    await queue(bot, {"es": "Taller el sábado", "en": "Workshop on Saturday"})
    api = OfflineBotAPI()
    for chat in (YOUNG.id, YOUNG_EN.id):  # ids the bot's own chat has not used
        api._message_ids[chat] = itertools.count(90_000)
    assert await deliver(bot.deps.settings, request=OfflineRequest(api)) == 0
    delivered = {
        c.chat_id: c.result["message_id"] for c in api.calls if c.method == "sendMessage"
    }
    assert set(delivered) == {YOUNG.id, YOUNG_EN.id}
    async with bot.db.session() as session:
        tracked = set(await session.scalars(select(TrackedMessage.message_id)))
    assert set(delivered.values()) <= tracked
    calls = await bot.person(YOUNG).send("/salir")
    deleting = [c for c in calls if c.method == "deleteMessages"]
    assert len(deleting) == 1 and delivered[YOUNG.id] in deleting[0].params["message_ids"]


async def test_message_ids_that_could_not_be_written_wait_for_the_next_time(bot, monkeypatch):
    tracker = bot.app.bot.tracker
    tracker.note(YOUNG.id, [41, 42])

    async def fail(*args, **kwargs):
        raise OperationalError("INSERT", None, Exception("database is restarting"))

    monkeypatch.setattr(tracking.safety, "record_messages", fail)
    with pytest.raises(OperationalError):
        await tracking.flush_pending(bot.app)
    monkeypatch.undo()
    await tracking.flush_pending(bot.app)
    async with bot.db.session() as session:
        columns = select(TrackedMessage.chat_id, TrackedMessage.message_id)
        rows = (await session.execute(columns)).all()
    assert {(YOUNG.id, 41), (YOUNG.id, 42)} <= set(rows)


async def test_an_announcement_about_exploitation_is_not_taken_for_a_disclosure(bot):
    admin = bot.person(ADMIN)
    await admin.onboard()
    await admin.send("/announce")
    text = "Taller: qué hacer si alguien dice «me obligan a trabajar» o te amenaza con fotos."
    calls = await admin.send(text)
    assert "inglés" in texts(calls)[0] and labels(calls) == ["Saltar este idioma"]
    assert not any("Si estás en peligro" in t for t in texts(calls))
