"""Reading the date and time of an activity as leaders type it, in Spanish or English.

Accepted, among others: `25/12/2026 16:00`, `25-12-2026 16:00`, `25.12.2026 16.00`,
`2026-12-25 16:00`, `25/12 4pm`, `25 dic 16:00`, `25 de diciembre de 2026 a las 16:00`,
`25 set 4 p. m.`, `Dec 25 4pm`, `December 25th, 2026 4:30 pm`, `25 December 2026 16:00`,
`mañana 16h`, `tomorrow 4pm`. The time is read in the programme's time zone and returned in
UTC. A day without a year is the next such day from today.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..errors import DomainError

# An activity more than this far ahead is almost always a typo in the year.
MAX_AHEAD = timedelta(days=2 * 366)

MONTHS = {
    "enero": 1, "ene": 1, "january": 1, "jan": 1,
    "febrero": 2, "feb": 2, "february": 2,
    "marzo": 3, "mar": 3, "march": 3,
    "abril": 4, "abr": 4, "april": 4, "apr": 4,
    "mayo": 5, "may": 5,
    "junio": 6, "jun": 6, "june": 6,
    "julio": 7, "jul": 7, "july": 7,
    "agosto": 8, "ago": 8, "august": 8, "aug": 8,
    "septiembre": 9, "setiembre": 9, "sept": 9, "sep": 9, "set": 9, "september": 9,
    "octubre": 10, "oct": 10, "october": 10,
    "noviembre": 11, "nov": 11, "november": 11,
    "diciembre": 12, "dic": 12, "december": 12, "dec": 12,
}  # fmt: skip
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_NAMED_DAY_FIRST = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH})\b\.?(?:\s+(\d{{4}}))?")
_NAMED_MONTH_FIRST = re.compile(rf"\b({_MONTH})\b\.?\s+(\d{{1,2}})\b(?:\s+(\d{{4}})\b)?")
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_NUMERIC = re.compile(r"\b(\d{1,2})([/.-])(\d{1,2})(?:\2(\d{4}|\d{2}))?\b")
_HOURS_WORD = r"(?:\s*(?:h|hs|hrs|horas|hours))?"
_TIMES = (
    re.compile(rf"\b(?P<h>\d{{1,2}})[:.h](?P<m>\d{{2}})\s*(?P<ap>am|pm)?{_HOURS_WORD}(?![\w:])"),
    re.compile(r"\b(?P<h>\d{1,2})\s*(?P<ap>am|pm)\b"),
    re.compile(r"\b(?P<h>\d{1,2})\s*(?:h|hs|hrs|horas|hours)\b"),
)
_TIME_ELSEWHERE = re.compile(r"\d:\d{2}|\b(?:am|pm)\b|\d\s*h\b")
_RELATIVE = (
    (re.compile(r"\bpasado\s+manana\b"), 2),
    (re.compile(r"\b(?:manana|tomorrow)\b"), 1),
    (re.compile(r"\b(?:hoy|today)\b"), 0),
)
_DAY_PARTS = (
    (re.compile(r"\b(?:de|en|por)\s+la\s+(?:manana|madrugada)\b|\bin\s+the\s+morning\b"), " am "),
    (
        re.compile(r"\b(?:de|en|por)\s+la\s+(?:tarde|noche)\b|\bin\s+the\s+(?:afternoon|evening)\b"),
        " pm ",
    ),
    (re.compile(r"\b(?:mediodia|noon)\b"), " 12:00 "),
)
_MERIDIEM = re.compile(r"(?<![a-z])([ap])\s?\.?\s?m\b\.?")
_ORDINAL = re.compile(r"(\d)(?:st|nd|rd|th|ro|do|er)\b")


class DateInvalid(DomainError):
    """What was typed is not a usable date and time; `kind` says why, for the message."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


@dataclass
class _Found:
    day: date | None = None
    at: time | None = None


def parse_start(text: str, *, now: datetime, timezone: str) -> datetime:
    """The UTC moment `text` means in `timezone`; DateInvalid(kind) otherwise.

    Kinds: unreadable, no_date, no_time, no_such_date, no_such_time, past, too_far.
    """
    zone = ZoneInfo(timezone)
    local_now = now.astimezone(zone)
    rest, found = _read(_normalize(text), local_now.date())
    if re.search(r"\d", rest) or (found.day is None and found.at is None):
        raise DateInvalid("unreadable")
    if found.day is None:
        raise DateInvalid("no_date")
    if found.at is None:
        raise DateInvalid("no_time")
    moment = datetime.combine(found.day, found.at, tzinfo=zone).astimezone(UTC)
    if moment <= now:
        raise DateInvalid("past")
    if moment - now > MAX_AHEAD:
        raise DateInvalid("too_far")
    return moment


def combine_day(day: date, hour: int, minute: int, *, timezone: str) -> datetime:
    """The UTC moment of `hour:minute` on the local `day` (from the picker buttons)."""
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def _normalize(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    for pattern, replacement in _DAY_PARTS:
        plain = pattern.sub(replacement, plain)
    plain = _MERIDIEM.sub(lambda m: f" {m.group(1)}m ", plain)
    plain = _ORDINAL.sub(r"\1", plain)
    plain = re.sub(r"[,;]|\b(?:de|del|a|las|la|at|on|the|of|el)\b", " ", plain)
    return re.sub(r"\s+", " ", plain).strip()


def _read(text: str, today: date) -> tuple[str, _Found]:
    """Take the day and the time out of `text`; what is left must hold no digits."""
    found = _Found()
    for pattern, offset in _RELATIVE:
        text, match = _take(pattern, text)
        if match:
            found.day = today + timedelta(days=offset)
            break
    if found.day is None:
        text, match = _take(_ISO, text)
        if match:
            found.day = _day(int(match[3]), int(match[2]), int(match[1]), today)
    if found.day is None:
        text, found.day = _numeric_day(text, today)
    for pattern in _TIMES:
        text, match = _take(pattern, text)
        if match:
            found.at = _time(match.groupdict())
            break
    if found.day is None:
        for pattern, day_group, month_group in (
            (_NAMED_DAY_FIRST, 1, 2),
            (_NAMED_MONTH_FIRST, 2, 1),
        ):
            text, match = _take(pattern, text)
            if match:
                year = int(match[3]) if match[3] else None
                found.day = _day(int(match[day_group]), MONTHS[match[month_group]], year, today)
                break
    return text, found


def _take(pattern: re.Pattern[str], text: str) -> tuple[str, re.Match[str] | None]:
    match = pattern.search(text)
    if match is None:
        return text, None
    return text[: match.start()] + " " + text[match.end() :], match


def _numeric_day(text: str, today: date) -> tuple[str, date | None]:
    """`25/12/2026`, `25-12-26`, `25/12`; `25.12` only beside a clear time (16.00 is a time)."""
    for match in _NUMERIC.finditer(text):
        others = text[: match.start()] + " " + text[match.end() :]
        if match[2] == "." and not match[4] and not _TIME_ELSEWHERE.search(others):
            continue
        year = int(match[4]) if match[4] else None
        if year is not None and year < 100:
            year += 2000
        return others, _day(int(match[1]), int(match[3]), year, today)
    return text, None


def _day(day: int, month: int, year: int | None, today: date) -> date:
    """A real calendar day; without a year, the next one on or after today."""
    try:
        if year is not None:
            return date(year, month, day)
        candidate = date(today.year, month, day) if _valid(today.year, month, day) else None
        if candidate is None or candidate < today:
            if not _valid(today.year + 1, month, day):
                raise ValueError
            return date(today.year + 1, month, day)
        return candidate
    except ValueError:
        raise DateInvalid("no_such_date") from None


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _time(groups: dict[str, str | None]) -> time:
    hour, minute, meridiem = int(groups["h"]), int(groups.get("m") or 0), groups.get("ap")
    if meridiem is not None:
        if not 1 <= hour <= 12:
            raise DateInvalid("no_such_time")
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise DateInvalid("no_such_time")
    return time(hour, minute)
