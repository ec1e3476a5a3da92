"""What a webhook body must be before it becomes an update: small, shallow JSON whose numbers
are the kind Telegram sends.

The secret proves who sent a request, not that its body is sane: a leaked secret, a proxy's
bug or a test tool must not be able to reach the handlers with an update id of `true`, a date
of 1e20, a chat id past 64 bits or ten thousand nested lists. Telegram's ids fit in 52 bits
signed (its documentation says so: safe as a double), and so do update and message ids; dates
are Unix times that fit in 32 bits unsigned.
Anything else is refused before PTB or the database see it, so it cannot fail a turn (or, by
sitting in a shared batch, another person's turn: bot/safety/tracking.py).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

MAX_DEPTH = 24  # a real update nests about ten levels (a reply to a message quoting another)
ID_LIMIT = 1 << 52  # user and chat ids: |id| < 2**52; update and message ids below it
DATE_LIMIT = 1 << 32  # Unix times, until 2106
FLOAT_LIMIT = 1e9  # coordinates, sizes, durations: far below this

_PAIR = re.compile(rb"\{\}|\[\]")
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
# Keys holding a person or a chat (their "id" must be a number in range).
_PARTY_KEYS = frozenset({
    "from", "chat", "user", "sender_chat", "via_bot", "forward_from", "forward_from_chat",
    "left_chat_member", "sender_user", "actor_chat", "voter_chat", "sender_business_bot",
    "new_chat_members", "sender_boost", "chat_boost",
})
_MESSAGE_ID_KEYS = frozenset({"message_id", "message_thread_id"})


class BadUpdate(ValueError):
    """The body is not an update this bot will handle."""


def too_deep(body: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether the JSON in `body` nests more than `limit` levels (checked before parsing: the
    parser would recurse once per level). Strings are removed first; then each pass deletes
    the innermost empty pairs, so the number of passes is the depth."""
    brackets = _STRING.sub(b"", body).translate(None, delete=_NOT_BRACKETS)
    for _level in range(limit):
        shorter = _PAIR.sub(b"", brackets)
        if shorter == brackets:  # nothing left, or not JSON (the parser will say so)
            return False
        brackets = shorter
    return bool(brackets)


_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"{}[]")


def _constant(name: str) -> Any:
    raise BadUpdate(f"{name} is not a number Telegram sends")


def load_update_data(body: bytes) -> dict[str, Any]:
    """The checked JSON object of an update; `BadUpdate` for anything else."""
    if too_deep(body):
        raise BadUpdate("nested too deeply")
    try:
        data = json.loads(body, parse_constant=_constant)
    except (ValueError, RecursionError) as exc:
        raise BadUpdate("not JSON") from exc
    if not isinstance(data, dict):
        raise BadUpdate("not an object")
    update_id = data.get("update_id")
    if type(update_id) is not int or not 0 < update_id < ID_LIMIT:
        raise BadUpdate("update_id is not a positive integer")
    _check(data)
    return data


def _check(data: dict[str, Any]) -> None:
    """Walk the object (depth is bounded already) and check every number by its key."""
    pending: list[tuple[str, Any]] = [("", data)]
    while pending:
        key, value = pending.pop()
        if isinstance(value, dict):
            if key in _PARTY_KEYS and "id" in value:
                _need_int(value["id"], 1 - ID_LIMIT, ID_LIMIT, "id")
            pending.extend(value.items())
            continue
        if isinstance(value, list):
            pending.extend((key, item) for item in value)
            continue
        _check_number(key, value)


def _check_number(key: str, value: Any) -> None:
    if isinstance(value, float) and not (math.isfinite(value) and abs(value) < FLOAT_LIMIT):
        raise BadUpdate(f"{key} is out of range")
    if key == "date" or key.endswith("_date"):
        _need_int(value, 0, DATE_LIMIT, key)
    elif key in _MESSAGE_ID_KEYS:
        _need_int(value, 0, ID_LIMIT, key)
    elif key == "id" or key.endswith("_id"):
        if isinstance(value, bool | float) or (isinstance(value, int) and abs(value) >= ID_LIMIT):
            raise BadUpdate(f"{key} is not an id")
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) >= ID_LIMIT:
        raise BadUpdate(f"{key} is out of range")


def _need_int(value: Any, low: int, high: int, key: str) -> None:
    if type(value) is not int or not low <= value < high:
        raise BadUpdate(f"{key} is not an integer in range")
