"""The pattern language of danger_words.yaml, compiled to regular expressions over the
respelled text (words separated by single spaces, plus a final space)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from .danger import normalize, respell

GAP = r"(?:\S+ ){0,%d}"


class PatternError(ValueError):
    """A pattern a coordinator wrote cannot be read; the message says why."""


_PIECE = re.compile(r"\.\.\.|\^|\$|\(|\)|\[|\]|\||\{[^{}\s]*\}|[^\s()\[\]|{}^$]+")


def compile_pattern(
    pattern: str,
    slots: Mapping[str, Sequence[str]],
    spelling: Mapping[str, str],
    window: int,
) -> str:
    """The regular expression (over respelled text plus a final space) of one pattern.

    Words match whole words; `word*` any word starting so, `*ar` any word ending so; `{slot}`
    any entry of that slot; `(a|b c)` one of the alternatives; `[a|b]` optional; `...` up to
    `window` other words; `^` / `$` the start / end of the message; `A & B`: both anywhere
    in the message, in any order.
    """
    parts = pattern.split(" & ")
    if len(parts) > 1:
        compiled = [compile_pattern(part, slots, spelling, window) for part in parts]
        return "^" + "".join(f"(?=.*?{part})" for part in compiled)
    pieces = _PIECE.findall(pattern)
    if "".join(pieces) != "".join(pattern.split()):
        raise PatternError(f"pattern {pattern!r} has a character that cannot be read")
    regex, rest = _sequence(pieces, slots, spelling, window, closing=None)
    if rest:
        raise PatternError(f"pattern {pattern!r}: unexpected {rest[0]!r}")
    if all(piece in ("...", "^", "$", "(", ")", "[", "]", "|") for piece in pieces):
        raise PatternError(f"pattern {pattern!r} has no words")
    return r"(?<!\S)" + regex


def _sequence(pieces, slots, spelling, window, closing):
    """Regex of the pieces up to `closing` (or the end); returns (regex, pieces left)."""
    alternatives, current = [], []
    while pieces:
        piece, pieces = pieces[0], pieces[1:]
        if piece in (")", "]"):
            if piece != closing:
                raise PatternError(f"{piece!r} closes nothing")
            return _alternatives(alternatives, current, closing), pieces
        if piece == "|":
            alternatives.append("".join(current))
            current = []
        elif piece in ("(", "["):
            inner, pieces = _sequence(pieces, slots, spelling, window,
                                      ")" if piece == "(" else "]")
            current.append(inner)
        elif piece == "^":
            current.append("^")
        elif piece == "$":
            current.append("$")
        elif piece == "...":
            current.append(GAP % window)
        elif piece.startswith("{"):
            current.append(_slot(piece[1:-1], slots, spelling, window))
        else:
            current.append(_word(piece, spelling))
    if closing is not None:
        raise PatternError(f"a {'(' if closing == ')' else '['} is never closed")
    return _alternatives(alternatives, current, None), pieces


def _alternatives(alternatives: list[str], current: list[str], closing: str | None) -> str:
    options = [*alternatives, "".join(current)]
    if any(not option for option in options) and closing != "]":
        raise PatternError("an alternative is empty")
    body = "(?:" + "|".join(option for option in options if option) + ")"
    return body + "?" if closing == "]" else body


def _slot(name: str, slots: Mapping[str, Sequence[str]], spelling: Mapping[str, str],
          window: int) -> str:
    if name not in slots:
        raise PatternError(f"slot {{{name}}} is not in 'words'")
    entries = []
    for entry in slots[name]:
        regex, rest = _sequence(_PIECE.findall(str(entry)), {}, spelling, window, closing=None)
        if rest:
            raise PatternError(f"{name}: entry {entry!r} cannot be read")
        entries.append(regex)
    return "(?:" + "|".join(entries) + ")"


def _word(piece: str, spelling: Mapping[str, str]) -> str:
    if piece.startswith("*") and len(piece) > 1:
        ending = normalize(piece[1:])
        if not ending or " " in ending:
            raise PatternError(f"{piece!r}: write letters after the *")
        return r"\S*" + re.escape(ending) + " "
    prefix = piece.endswith("*")
    stem = respell(piece.rstrip("*"), spelling)
    if not stem:
        raise PatternError(f"{piece!r} has no letters")
    words = stem.split()
    if prefix:
        return "".join(re.escape(w) + " " for w in words[:-1]) + re.escape(words[-1]) + r"\S* "
    return "".join(re.escape(w) + " " for w in words)
