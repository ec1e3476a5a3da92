"""Typed, versioned callback data: the one place that packs and parses button data.

Format: `1|action|arg|arg…`, at most 64 bytes. Data arrives from the client and is never
trusted: `parse` accepts only a known version and action, the declared number of arguments,
and values of the declared types; anything else is None and the handler answers "stale".
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Any

VERSION = "1"
SEP = "|"
MAX_BYTES = 64
_TOKEN = re.compile(r"^[A-Za-z0-9_.:+-]{1,40}$")
_INT = re.compile(r"^-?\d{1,19}$")


class CallbackDataError(ValueError):
    """Raised at pack time: a programming error, never a user's fault."""


def pack(action: str, *args: Any) -> str:
    """Button data for `action` with `args` (ints, enum members or short tokens)."""
    parts = [VERSION, action]
    for arg in args:
        value = arg.value if isinstance(arg, Enum) else arg
        text = str(int(value)) if isinstance(value, bool | int) else str(value)
        if not _TOKEN.match(text):
            raise CallbackDataError(f"argument {text!r} of {action} is not a safe token")
        parts.append(text)
    data = SEP.join(parts)
    if len(data.encode()) > MAX_BYTES:
        raise CallbackDataError(f"callback data for {action} is longer than 64 bytes")
    return data


def parse(data: str | None, types: dict[str, tuple[type, ...]]) -> tuple[str, tuple] | None:
    """(action, typed args) when `data` is well-formed for a known action, else None."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    parts = data.split(SEP)
    if len(parts) < 2 or parts[0] != VERSION or parts[1] not in types:
        return None
    expected = types[parts[1]]
    raw = parts[2:]
    if len(raw) != len(expected):
        return None
    values: list[Any] = []
    for text, kind in zip(raw, expected, strict=True):
        value = _convert(text, kind)
        if value is None:
            return None
        values.append(value)
    return parts[1], tuple(values)


def _convert(text: str, kind: type) -> Any:
    if kind is int:
        return int(text) if _INT.match(text) else None
    if isinstance(kind, type) and issubclass(kind, Enum):
        try:
            return kind(text)
        except ValueError:
            return None
    return text if _TOKEN.match(text) else None
