"""Telegram's 4096-character limit: long texts are split where a reader would split them.

Telegram counts a message's length in UTF-16 code units (an emoji outside the Basic
Multilingual Plane counts two). Parts end at a paragraph break if there is one in the second
half of the part, else at a line break, else at a space, else at a character boundary that does
not break an emoji sequence or a letter from its accent. Never inside a surrogate pair: Python
strings hold whole code points, and the count below is the UTF-16 one.
"""

from __future__ import annotations

import unicodedata

MAX_MESSAGE_LENGTH = 4096

_JOINERS = {"\u200d", "\ufe0e", "\ufe0f", "\u20e3"}


def utf16_length(text: str) -> int:
    """The length Telegram sees."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def split_text(text: str, limit: int = MAX_MESSAGE_LENGTH) -> list[str]:
    """`text` in parts of at most `limit` UTF-16 units, cut at the friendliest boundary."""
    if utf16_length(text) <= limit:
        return [text]
    parts: list[str] = []
    rest = text
    while utf16_length(rest) > limit:
        cut = _cut(rest, _fitting_prefix(rest, limit))
        head, rest = rest[:cut].rstrip(), rest[cut:].lstrip("\n ")
        if head:
            parts.append(head)
    if rest:
        parts.append(rest)
    return parts


def _fitting_prefix(text: str, limit: int) -> int:
    """How many code points of `text` fit in `limit` UTF-16 units."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def _cut(text: str, end: int) -> int:
    """Where to cut `text[:end]`: paragraph, line, space, else a safe character boundary."""
    half = end // 2
    for separator in ("\n\n", "\n", " "):
        at = text.rfind(separator, half, end)
        if at > 0:
            return at + len(separator)
    cut = end
    while cut > half and _inside_cluster(text, cut):
        cut -= 1
    return cut if cut > half else end


def _inside_cluster(text: str, at: int) -> bool:
    """True when cutting before `text[at]` would separate characters that belong together."""
    char, before = text[at], text[at - 1]
    if char in _JOINERS or before == "\u200d":
        return True
    if unicodedata.category(char) in ("Mn", "Mc", "Me"):
        return True
    if 0x1F3FB <= ord(char) <= 0x1F3FF or 0xE0020 <= ord(char) <= 0xE007F:
        return True  # skin tones and tag sequences modify what comes before
    return _regional(char) and _regional(before) and _odd_regional_run(text, at)


def _regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _odd_regional_run(text: str, at: int) -> bool:
    """Flags are pairs of regional indicators: do not cut between the two of a pair."""
    count = 0
    while at - count - 1 >= 0 and _regional(text[at - count - 1]):
        count += 1
    return count % 2 == 1
