"""The checks of one services.yaml entry's fields: each reports what is wrong, with its line,
and returns a value the rest of the check can go on with."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from youthbot.core.help.directory import Channel
from youthbot.core.regions import Report, check_keys, check_text
from youthbot.core.yamlsource import LineDict, LineList

CHANNEL_KINDS = ("phone", "web", "chat", "whatsapp", "telegram", "email")
PHONE = re.compile(r"\+?[0-9][0-9 ().-]*")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")


class ServiceCheck:
    """Checks the fields of one service entry; each method reports and returns a usable value."""

    def __init__(self, node: LineDict, what: str, report: Report) -> None:
        self.node, self.what, self.report = node, what, report

    def _problem(self, key: str, message: str) -> None:
        self.report.add(self.node.line_of(key), f"{self.what}: {message}")

    def _list(self, key: str) -> LineList | None:
        value = self.node.get(key)
        if key in self.node and not isinstance(value, LineList):
            self._problem(key, f"{key} must be a list, like [a, b]")
        return value if isinstance(value, LineList) else None

    def text(self, key: str, languages: Sequence[str]) -> dict[str, str]:
        if key not in self.node:
            return {}
        return check_text(self.node[key], line=self.node.line_of(key), what=f"{self.what} {key}",
                          report=self.report, languages=languages)

    def choice(self, key: str, allowed: Sequence[str]) -> str:
        value = self.node.get(key)
        if key in self.node and value not in allowed:
            self._problem(key, f"{key} {value!r} is not one of: {', '.join(allowed)}")
        return value if isinstance(value, str) else ""

    def choices(self, key: str, allowed: Sequence[str]) -> tuple[str, ...]:
        items = self._list(key)
        if items is not None and not items:
            self._problem(key, f"{key} must name at least one of: {', '.join(allowed)}")
        for index, item in enumerate(items or []):
            if item not in allowed:
                self.report.add(items.line_of(index), f"{self.what}: unknown {key[:-1]} "
                                                      f"{item!r} (known: {', '.join(allowed)})")
        return tuple(str(item) for item in items or [])

    def codes(self, key: str, pattern: re.Pattern[str], example: str) -> tuple[str, ...]:
        items = self._list(key)
        if items is not None and not items:
            self._problem(key, f"{key} must not be empty")
        for index, item in enumerate(items or []):
            if not isinstance(item, str) or not pattern.fullmatch(item):
                self.report.add(items.line_of(index),
                                f"{self.what}: {key} entry {item!r} must be {example}")
        return tuple(str(item) for item in items or [])

    def regions(
        self, countries: Sequence[str], region_ids: Mapping[str, set[str]] | None
    ) -> tuple[str, ...]:
        items = self._list("regions")
        if region_ids is not None:
            for country in countries:
                if country not in region_ids:
                    self._problem("countries", f"country {country!r} is not in regions.yaml")
        for index, item in enumerate(items or []):
            known = any(item in region_ids.get(c, ()) for c in countries) if region_ids else True
            if not isinstance(item, str) or not known:
                where = " or ".join(countries) or "its country"
                self.report.add(items.line_of(index),
                                f"{self.what}: region {item!r} is not a region of {where}")
        return tuple(str(item) for item in items or [])

    def channels(self, *, optional: bool) -> tuple[Channel, ...]:
        items = self._list("channels")
        if items is not None and not items and not optional:
            self._problem("channels", "channels must list at least one way to reach the service")
        found = []
        for index, item in enumerate(items or []):
            channel = _check_channel(item, items.line_of(index), self.what, self.report)
            if channel is not None:
                found.append(channel)
        return tuple(found)

    def flag(self, key: str) -> bool:
        value = self.node.get(key)
        if key in self.node and not isinstance(value, bool):
            self._problem(key, f"{key} must be true or false, not {value!r}")
        return value is True

    def ages(self) -> tuple[int, int]:
        ages = self.node.get("ages")
        if "ages" not in self.node:
            return 0, 0
        if not isinstance(ages, LineDict) or set(ages) != {"min", "max"}:
            self._problem("ages", "ages must be {min: 0, max: 99}")
            return 0, 0
        low, high = ages["min"], ages["max"]
        if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in (low, high)):
            self._problem("ages", "ages min and max must be whole numbers, 0 or more")
            return 0, 0
        if low > high:
            self._problem("ages", f"ages min {low} is greater than max {high}")
        return low, high

    def day(self, key: str, *, optional: bool = False) -> date | None:
        value = self.node.get(key)
        if key not in self.node or (value is None and optional):
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self._problem(key, f"{key} {value!r} is not a date like 2027-05-22")
            return None

    def words(self, key: str, *, optional: bool = False) -> str | None:
        value = self.node.get(key)
        if key not in self.node or (value is None and optional):
            return None
        if not isinstance(value, str) or not value.strip():
            self._problem(key, f"{key} must be a non-empty text")
            return None
        return value.strip()


def _check_channel(item: Any, line: int, what: str, report: Report) -> Channel | None:
    if not isinstance(item, LineDict):
        report.add(line, f"{what}: a channel must be {{kind: phone, value: \"100\"}}")
        return None
    check_keys(item, required=("kind", "value"), what=f"{what} channel", report=report)
    kind, value = item.get("kind"), item.get("value")
    if kind not in CHANNEL_KINDS:
        report.add(item.line_of("kind"), f"{what}: unknown channel kind {kind!r} "
                                         f"(known: {', '.join(CHANNEL_KINDS)})")
        return None
    value = str(value).strip() if isinstance(value, str | int) else ""
    reason = _channel_value_problem(kind, value)
    if reason:
        report.add(item.line_of("value"), f"{what}: {kind} {value!r} {reason}")
        return None
    return Channel(kind, value)


def _channel_value_problem(kind: str, value: str) -> str | None:
    """Why `value` cannot be used for a channel of `kind`, or None when it can."""
    digits = len(re.sub(r"\D", "", value))
    if kind == "phone" and not (PHONE.fullmatch(value) and 3 <= digits <= 15):
        return "is not a phone number (3 to 15 digits, spaces, hyphens, an optional +)"
    if kind == "whatsapp" and not (PHONE.fullmatch(value) and value.startswith("+")
                                   and 8 <= digits <= 15):
        return "is not a WhatsApp number with its country code, like +55 61 99611-0100"
    if kind == "email" and not EMAIL.fullmatch(value):
        return "is not an email address"
    if kind in ("web", "chat", "telegram") and not _is_url(value):
        return "is not a web address starting with https://"
    if kind == "telegram" and urlsplit(value).hostname not in ("t.me", "telegram.me"):
        return "is not a Telegram link like https://t.me/name"
    return None


def _is_url(value: str) -> bool:
    parts = urlsplit(value)
    host = parts.hostname or ""
    return parts.scheme in ("https", "http") and "." in host and not re.search(r"\s", value)
