"""Typed, versioned callback data: the one place that packs and parses button data.

Format: `1|action|arg|arg…`, at most 64 bytes. Data arrives from the client and is never
trusted: `parse` accepts only a known version and action, the declared number of arguments,
and values of the declared types; anything else is None and the handler answers "stale".

A button action is declared once, as an `Action` (its name and typed arguments), and that one
object both packs the data (`ANSWER(attempt, index, option)`) and routes it
(`router.button(ANSWER)(answer)`), so a pack/route mismatch cannot happen.
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


class Packed(str):
    """Callback data already packed by an `Action` (a button takes it as it is)."""

    __slots__ = ()


class Action:
    """A button action declared once: its name and the types of its arguments, in order.

    `Action("quiz.ans", attempt=int, index=int, option=int)`; calling it with values of those
    types packs the data (checked at pack time, so a wrong call fails in tests, not on a phone);
    `router.button(action)` routes it and `parse` accepts only those types on arrival.
    """

    __slots__ = ("name", "fields", "arg_types")

    def __init__(self, name: str, **fields: type) -> None:
        if not _TOKEN.match(name) or SEP in name:
            raise CallbackDataError(f"action name {name!r} is not a safe token")
        self.name = name
        self.fields = tuple(fields)
        self.arg_types = tuple(fields.values())

    def __call__(self, *args: Any) -> Packed:
        if len(args) != len(self.arg_types):
            raise CallbackDataError(
                f"{self.name} takes {len(self.arg_types)} arguments, not {len(args)}"
            )
        for field, value, kind in zip(self.fields, args, self.arg_types, strict=True):
            if not _is_a(value, kind):
                raise CallbackDataError(f"{self.name}.{field} must be {kind.__name__}: {value!r}")
        return Packed(pack(self.name, *args))

    def __repr__(self) -> str:
        return f"Action({self.name!r})"


def _is_a(value: Any, kind: type) -> bool:
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return isinstance(value, kind) or value in {m.value for m in kind}
    return isinstance(value, kind)
