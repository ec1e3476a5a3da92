"""Generated update sequences from several people at once, thrown at the real Application.

Asserts: no handler raises; every private message and every button press gets an answer; a
repeated update gets none and changes nothing; and the database invariants hold (one open case
per person, one claimant per case, quiz scores within bounds, blocked status as last told).

The number of examples comes from the profile named by `YOUTHBOT_HYPOTHESIS_PROFILE` (quick:
30, ci: 500 per database, the default; thorough: 3000); the count run is printed at the end.
"""

from __future__ import annotations

import asyncio
import contextvars
import os
from collections import defaultdict
from typing import Any

import pytest
from harness import (
    ADMIN,
    FRIEND,
    GROUP_CHAT_ID,
    MODERATOR,
    STAFF_CHAT_ID,
    YOUNG,
    YOUNG_EN,
    Persona,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from youthbot.app import build_router
from youthbot.bot.runtime import callbacks
from youthbot.core.people.roles import Role
from youthbot.db.models import User

# Profiles apply to this test only (other modules keep hypothesis's defaults).
PROFILES = {
    name: settings(
        max_examples=count,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    for name, count in (("quick", 30), ("ci", 500), ("thorough", 3000))
}
PROFILE = PROFILES[os.environ.get("YOUTHBOT_HYPOTHESIS_PROFILE", "ci")]

# Three young people, and two staff who also act in the staff group (claiming cases…).
PEOPLE = (YOUNG, YOUNG_EN, FRIEND, MODERATOR, ADMIN)
BOT_USER = {"id": 1000, "is_bot": True, "first_name": "YouthBot"}
CURRENT: contextvars.ContextVar[int | None] = contextvars.ContextVar("update", default=None)
RUN = {"examples": 0, "updates": 0}

SAMPLES = [
    "", " ", "x" * 4096, "ñ" * 4096, "👩‍👩‍👧‍👦" * 300, "🇵🇪🇵🇪", "مرحبا بالعالم", "שלום",
    "\u202eevil\u202c", "\x00\x01\x1f\x7f", "<b>bold</b> *md* _it_ `code` [l](http://x)",
    "/start", "/sta", "/", "/unknown", "/start@youthvoices_test_bot", "/start inv_ZZZZ",
    "/help", "/ayuda", "/menu", "/cancel", "/language", "/idioma", "/settings", "/quiz",
    "/announce", "/code", "/code ABCD", "/delete_my_data", "/salir", "/exit", "ayuda",
    "me quieren llevar a otra ciudad", "1", "Sí", "no",
]
TOKENS = st.one_of(
    st.integers(-(2**31), 2**31), st.sampled_from(["es", "en", "xx", "u14", "14-17", "lima"])
)


@st.composite
def button_data(draw, actions: list[str]) -> str:
    """Forged or plausible callback data, at most 64 bytes."""
    kind = draw(st.integers(0, 2))
    if kind == 0:
        raw = draw(st.text(max_size=64))
    else:
        action = draw(st.sampled_from(actions))
        args = draw(st.lists(TOKENS, max_size=3))
        raw = "|".join(["1", action, *map(str, args)])
    while len(raw.encode()) > 64:
        raw = raw[:-1]
    return raw


def events(actions: list[str]):
    person = st.integers(0, len(PEOPLE) - 1)
    message_text = st.one_of(st.sampled_from(SAMPLES), st.text(max_size=300))
    event = st.one_of(
        st.tuples(st.just("text"), person, message_text),
        st.tuples(st.just("text"), person, message_text),
        st.tuples(st.just("press"), person, button_data(actions)),
        st.tuples(st.just("follow"), person, st.integers(0, 30)),
        st.tuples(st.just("follow"), person, st.integers(0, 30)),
        st.tuples(st.just("follow"), person, st.integers(0, 30)),
        st.tuples(st.just("staff_follow"), person, st.integers(0, 30)),
        st.tuples(st.just("staff_follow"), person, st.integers(0, 30)),
        # asking to talk to a person (urgent or not), so staff have cases to claim and close
        st.tuples(st.just("ask_person"), person, st.sampled_from(["0", "1"])),
        st.tuples(st.just("edited"), person, message_text),
        st.tuples(st.just("sticker"), person, st.just("")),
        st.tuples(st.just("location"), person, st.just("")),
        st.tuples(st.just("group_join"), person, st.just("")),
        st.tuples(st.just("group_text"), person, message_text),
        st.tuples(st.just("block"), person, st.sampled_from(["kicked", "member"])),
        st.tuples(st.just("repeat"), person, st.just("")),
    )
    return st.lists(event, min_size=1, max_size=12)


def build(bot, kind: str, persona: Persona, value: str) -> Any:
    user = {"id": persona.id, "is_bot": False, "first_name": persona.first_name,
            "language_code": persona.language_code}
    factory = bot.factory
    if kind in ("text", "edited"):
        return factory.message(
            user_id=persona.id, text=value, language_code=persona.language_code,
            edited=kind == "edited",
        )
    if kind in ("follow", "staff_follow"):
        chat = STAFF_CHAT_ID if kind == "staff_follow" else persona.id
        found = latest_buttons(bot, chat)
        if found is None:
            return factory.message(user_id=persona.id, text="/menu")
        message, buttons = found
        return factory.callback(
            user_id=persona.id, data=buttons[value % len(buttons)], message=message,
            language_code=persona.language_code,
        )
    if kind == "ask_person":
        message = {"message_id": 1, "date": 0, "text": "…",
                   "chat": {"id": persona.id, "type": "private"}, "from": BOT_USER}
        return factory.callback(
            user_id=persona.id, data=callbacks.pack("help.person", 3, "me", "PE", "puno", value),
            message=message, language_code=persona.language_code,
        )
    if kind == "press":
        message = {"message_id": 1, "date": 0, "text": "…",
                   "chat": {"id": persona.id, "type": "private"}, "from": BOT_USER}
        return factory.callback(
            user_id=persona.id, data=value, message=message,
            language_code=persona.language_code,
        )
    if kind == "sticker":
        sticker = {"file_id": "s", "file_unique_id": "s", "width": 1, "height": 1,
                   "is_animated": False, "is_video": False, "type": "regular"}
        return factory.message(user_id=persona.id, extra={"sticker": sticker})
    if kind == "location":
        return factory.message(
            user_id=persona.id, extra={"location": {"latitude": -12.05, "longitude": -77.04}}
        )
    if kind == "group_join":
        return factory.message(
            user_id=persona.id, chat_id=GROUP_CHAT_ID, extra={"new_chat_members": [user]}
        )
    if kind == "group_text":
        return factory.message(user_id=persona.id, chat_id=GROUP_CHAT_ID, text=value)
    other = "member" if value == "kicked" else "kicked"
    return factory.build(
        {
            "my_chat_member": {
                "chat": {"id": persona.id, "type": "private", "first_name": "P"},
                "from": user,
                "date": 0,
                "old_chat_member": {"status": other, "user": BOT_USER,
                                    **({"until_date": 0} if other == "kicked" else {})},
                "new_chat_member": {"status": value, "user": BOT_USER,
                                    **({"until_date": 0} if value == "kicked" else {})},
            }
        }
    )


def latest_buttons(bot, chat_id: int) -> tuple[dict, list[str]] | None:
    """The newest message the bot sent to `chat_id` with buttons, and their data."""
    for (chat, _id), message in reversed(list(bot.messages.items())):
        if chat != chat_id:
            continue
        rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
        data = [b["callback_data"] for row in rows for b in row if "callback_data" in b]
        if data:
            return message, data
    return None


async def play(bot, sequence: list[tuple[str, int, str]]) -> dict[int, list]:
    """Each person's events in order, everyone at once; the calls each update caused."""
    caused: dict[int, list] = defaultdict(list)
    listener = lambda call: caused[CURRENT.get()].append(call)  # noqa: E731
    bot.api.listeners.append(listener)
    per_person: dict[int, list] = defaultdict(list)
    for kind, index, value in sequence:
        per_person[index].append((kind, value))
    done: dict[int, list] = defaultdict(list)

    async def one(index: int) -> None:
        persona = PEOPLE[index]
        for kind, value in per_person[index]:
            if kind == "repeat":
                if not done[index]:
                    continue
                update, _ = done[index][-1]
                kind = "repeat"
            else:
                update = build(bot, kind, persona, value)
            CURRENT.set(update.update_id if kind != "repeat" else -update.update_id)
            await bot.app.process_update(update)
            done[index].append((update, kind))
            RUN["updates"] += 1

    try:
        await asyncio.gather(*(one(i) for i in per_person))
    finally:
        bot.api.listeners.remove(listener)
    return {"caused": caused, "done": done}


async def check_invariants(bot, done: dict[int, list]) -> None:
    async with bot.db.session() as session:
        tables = set(
            await session.run_sync(
                lambda s: __import__("sqlalchemy").inspect(s.connection()).get_table_names()
            )
        )
        if "cases" in tables:
            open_cases = await session.execute(
                text(
                    "SELECT user_id, count(*) FROM cases WHERE status IN ('open', 'claimed') "
                    "AND user_id IS NOT NULL GROUP BY user_id HAVING count(*) > 1"
                )
            )
            assert open_cases.all() == [], "more than one open case for a person"
        if "open_cases" in tables:
            dupes = await session.execute(
                text("SELECT user_id FROM open_cases GROUP BY user_id HAVING count(*) > 1")
            )
            assert dupes.all() == []
            stray = await session.scalar(
                text(
                    "SELECT count(*) FROM open_cases o JOIN cases c ON c.id = o.case_id "
                    "WHERE c.status NOT IN ('open', 'claimed') OR c.user_id != o.user_id"
                )
            )
            assert stray == 0, "open_cases points at a case that is not open, or not theirs"
        if "cases" in tables:
            claimants = await session.scalar(
                text(
                    "SELECT count(*) FROM cases WHERE (status = 'claimed' AND claimed_by IS "
                    "NULL) OR (status = 'open' AND claimed_by IS NOT NULL)"
                )
            )
            assert claimants == 0, "a claimed case without its one claimant, or the reverse"
        if "quiz_attempts" in tables:
            bad = await session.scalar(
                text("SELECT count(*) FROM quiz_attempts WHERE score < 0 OR score > position")
            )
            assert bad == 0, "a quiz score out of bounds"
        if "quiz_question_stats" in tables:
            bad = await session.scalar(
                text(
                    "SELECT count(*) FROM quiz_question_stats "
                    "WHERE correct < 0 OR correct > answers"
                )
            )
            assert bad == 0
        blocked = dict((await session.execute(select(User.id, User.blocked))).all())
        assert await session.scalar(select(func.count()).select_from(User)) <= len(PEOPLE)
        reached = await session.scalar(
            text("SELECT count(*) FROM cases WHERE status IN ('claimed', 'closed')")
        ) if "cases" in tables else 0
        RUN["cases"] = max(RUN.get("cases", 0), reached)
    for index, items in done.items():
        if not items:
            continue
        last_update, last_kind = items[-1]
        member = last_update.my_chat_member
        if last_kind != "repeat" and member is not None and PEOPLE[index].id in blocked:
            assert blocked[PEOPLE[index].id] is (member.new_chat_member.status == "kicked")


ACTIONS = sorted(build_router().routes)


@pytest.fixture(scope="module", autouse=True)
def report_examples(request):
    yield
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(
            f"\nhypothesis: {RUN['examples']} generated sequences, {RUN['updates']} updates, "
            f"up to {RUN.get('cases', 0)} cases claimed or closed"
        )


@PROFILE
@given(sequence=events(ACTIONS))
async def test_generated_update_sequences_from_several_people(bot, sequence):
    RUN["examples"] += 1
    await bot.grant(MODERATOR, Role.MODERATOR)
    # Generated traffic is machine-fast, hundreds of messages a minute per person across
    # examples. Past FLOOD_MESSAGES_PER_MINUTE a person in a case gets one note a minute and
    # nothing else (the help feature's documented pacing), so the limit is out of the way here.
    if bot.deps.settings.flood_messages_per_minute < 100_000:
        bot.deps.settings = bot.deps.settings.model_copy(
            update={"flood_messages_per_minute": 100_000}
        )
    result = await play(bot, sequence)
    assert not bot.errors, bot.errors
    caused = result["caused"]
    for items in result["done"].values():
        for update, kind in items:
            if kind == "repeat":
                assert caused.get(-update.update_id, []) == [], "a repetition had effects"
                continue
            private = update.effective_chat and update.effective_chat.type == "private"
            pressed = update.callback_query is not None
            if pressed or (private and update.message is not None):
                assert caused.get(update.update_id), f"no answer to a private {kind}"
    await check_invariants(bot, result["done"])


def test_button_data_strategy_stays_within_64_bytes():
    @given(button_data(["menu", "quiz.start"]))
    @settings(max_examples=200)
    def inner(data):
        assert len(data.encode()) <= 64
        callbacks.parse(data, {"menu": ()})

    inner()
