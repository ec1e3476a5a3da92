"""Input checks at the webhook's edge: the secret before the body, a body time limit and size
limit, bounded JSON depth and numbers in Telegram's ranges. A bad update gets 400, writes
nothing, and cannot fail another person's turn."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from harness import FRIEND, YOUNG
from serve import test_webhook
from serve.test_webhook import PATH, SECRET, Served, rows
from sqlalchemy import select

from youthbot.bot.safety.tracking import tracker_of
from youthbot.db.models import ProcessedUpdate, TrackedMessage, User
from youthbot.serve.update_checks import BadUpdate, load_update_data, too_deep
from youthbot.serve.webserver import MAX_BODY_BYTES, SECRET_HEADER

served = test_webhook.served  # the webhook server on loopback, as a fixture here too
GOOD = {SECRET_HEADER: SECRET}


def good_update(update_id: int = 5000, user_id: int = YOUNG.id) -> dict[str, Any]:
    person = {"id": user_id, "is_bot": False, "first_name": "A", "language_code": "es"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": 7, "date": 1_700_000_000, "text": "/start",
            "chat": {"id": user_id, "type": "private", "first_name": "A"},
            "from": person,
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            "reply_to_message": {
                "message_id": 6, "date": 1_700_000_000, "text": "x",
                "chat": {"id": user_id, "type": "private", "first_name": "A"},
            },
        },
    }


def changed(path: list[str], value: Any) -> dict[str, Any]:
    update = good_update()
    target = update
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return update


def nested(depth: int) -> str:
    body = json.dumps(good_update())
    return body[:-1] + ', "x": ' + "[" * depth + "]" * depth + "}"


BAD_BODIES = {
    "deep-nesting": nested(100_000),
    "nesting-past-the-limit": nested(40),
    "date-1e20": json.dumps(changed(["message", "date"], 1e20)),
    "date-negative": json.dumps(changed(["message", "date"], -5)),
    "date-float": json.dumps(changed(["message", "date"], 1.5)),
    "update-id-true": json.dumps(changed(["update_id"], True)),
    "update-id-zero": json.dumps(changed(["update_id"], 0)),
    "update-id-negative": json.dumps(changed(["update_id"], -3)),
    "update-id-2^63": json.dumps(changed(["update_id"], 2**63)),
    "update-id-2^64": json.dumps(changed(["update_id"], 2**64)),
    "update-id-string": json.dumps(changed(["update_id"], "5000")),
    "chat-id-2^64": json.dumps(changed(["message", "chat", "id"], 2**64)),
    "user-id-2^63": json.dumps(changed(["message", "from", "id"], 2**63)),
    "user-id-2^52": json.dumps(changed(["message", "from", "id"], 2**52)),
    "user-id-abc": json.dumps(changed(["message", "from", "id"], "abc")),
    "user-id-true": json.dumps(changed(["message", "from", "id"], True)),
    "message-id-2^64": json.dumps(changed(["message", "message_id"], 2**64)),
    "quoted-message-id-2^63": json.dumps(
        changed(["message", "reply_to_message", "message_id"], 2**63)
    ),
    "nan": json.dumps(good_update()).replace('"date": 1700000000', '"date": NaN', 1),
    "infinity": json.dumps(good_update()).replace('"offset": 0', '"offset": -Infinity'),
    "huge-offset": json.dumps(changed(["message", "entities"], [
        {"type": "bot_command", "offset": 2**70, "length": 6}
    ])),
}


@pytest.mark.parametrize("body", list(BAD_BODIES.values()), ids=list(BAD_BODIES))
async def test_a_bad_update_gets_400_and_changes_nothing(served: Served, body: str):
    assert await served.request(served.url(PATH), "POST", body, GOOD) == 400
    assert await rows(served.harness.db, ProcessedUpdate) == 0
    assert await rows(served.harness.db, User) == 0
    assert served.harness.api.calls == []
    # and the next good update is handled as usual
    assert await served.post(good_update(), GOOD) == 200
    assert [c.chat_id for c in served.harness.api.calls if c.method == "sendMessage"] == [
        YOUNG.id
    ]


@pytest.mark.parametrize("bound", [2**52 - 1, -(2**52) + 1], ids=["largest", "smallest"])
def test_ids_up_to_52_bits_are_accepted(bound):
    data = load_update_data(json.dumps(changed(["message", "chat", "id"], bound)).encode())
    assert data["message"]["chat"]["id"] == bound


def test_depth_is_measured_without_parsing():
    assert not too_deep(json.dumps(good_update()).encode())
    assert not too_deep(b'{"t": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}')  # in a string
    assert too_deep(("[" * 25 + "]" * 25).encode())
    assert not too_deep(("[" * 24 + "]" * 24).encode())
    with pytest.raises(BadUpdate):
        load_update_data(b"[" * 1_000_000)


async def test_an_oversized_body_is_refused_unread(served: Served):
    body = json.dumps(good_update())[:-1] + ', "pad": "' + "x" * MAX_BODY_BYTES + '"}'
    code = await served.request(served.url(PATH), "POST", body, GOOD)
    assert code in (413, 599)  # refused from its Content-Length (599: closed while sending)
    assert await rows(served.harness.db, ProcessedUpdate) == 0


async def _exchange(served: Served, head: str, body: bytes = b"") -> bytes:
    """Send raw bytes to the server; everything it answers until it closes the connection."""
    reader, writer = await asyncio.open_connection("127.0.0.1", served.server.port)
    try:
        writer.write(head.encode() + body)
        await writer.drain()
        return await asyncio.wait_for(reader.read(), 30)  # a guard against hanging only
    finally:
        writer.close()


def _head(secret: str, length: int) -> str:
    return (
        f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"{SECRET_HEADER}: {secret}\r\nContent-Length: {length}\r\n\r\n"
    )


async def test_a_wrong_secret_is_refused_before_the_body_is_sent(served: Served):
    answer = await _exchange(served, _head("wrong", 5000))  # and the body never comes
    assert answer.startswith(b"HTTP/1.1 403")
    assert await rows(served.harness.db, ProcessedUpdate) == 0


async def test_a_body_that_never_comes_gives_up_its_connection(served: Served):
    served.server.body_timeout = 0.2
    body = json.dumps(good_update()).encode()
    answer = await _exchange(served, _head(SECRET, len(body)), body[:20])
    assert answer == b""  # closed, unanswered: nothing was handled
    assert await rows(served.harness.db, ProcessedUpdate) == 0
    assert served.harness.api.calls == []


async def test_a_forged_id_waiting_to_be_written_cannot_fail_another_persons_turn(
    served: Served,
):
    """Quick exit's message ids wait in memory and are written by whoever's turn comes
    next; a forged id among them used to fail that next person's turn."""
    tracker = tracker_of(served.harness.app.bot)
    tracker.note(2**64, [5])
    tracker.note(YOUNG.id, [2**63, 9])
    tracker.written_at = None  # due: the next turn writes what waits
    assert await served.post(good_update(user_id=FRIEND.id), GOOD) == 200
    assert [c.chat_id for c in served.harness.api.calls if c.method == "sendMessage"] == [
        FRIEND.id
    ]
    async with served.harness.db.session() as session:
        tracked = set(
            (await session.execute(select(TrackedMessage.chat_id, TrackedMessage.message_id)))
            .all()
        )
    assert (YOUNG.id, 9) in tracked and (FRIEND.id, 7) in tracked
    assert all(abs(c) < 2**52 and m < 2**52 for c, m in tracked)
