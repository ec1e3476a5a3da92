"""Danger words: free text that says someone is being hurt, held, sold, or wants to die.

Whatever someone types is read the way young people write (no accents, "q", "xq", "kiero",
"kms", stretched letters, digits for letters, emoji) and compared with the patterns of
danger_words.yaml, one section per language. The answer has two tiers:

- a **disclosure** ("mi padrastro me toca", "i want to kms"): the bot interrupts with the
  emergency numbers and the offer of a person;
- an **ambiguous** message (a topic word alone, a veiled phrase, a disclosure phrased as a
  question or a joke): the bot gently asks whether it is happening to them.

`likely` patterns (a strong word of harm said of oneself) count as a disclosure only when
nothing marks the message as a question, programme talk or a joke.

Questions about a topic ("¿qué es la sextorsión?"), programme talk ("taller sobre trata") and
idioms ("me muero de risa") are what keeps the rest of everyday talk quiet. The file format
and how to extend it are described in danger_words.yaml's header and docs/danger-words.md;
the pattern language is core/safety/danger_patterns.py; reading and checking the file is
core/safety/danger_file.py.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class Category(StrEnum):
    """The kinds of danger the words point to (stored in danger notices as these values)."""

    FORCED = "forced"
    SOLD_OR_TAKEN = "sold_or_taken"
    IMAGE_THREAT = "image_threat"
    HELD = "held"
    ABUSE = "abuse"
    SUICIDE = "suicide"
    DANGER = "danger"


CATEGORIES = tuple(Category)
# The help topic (core/help/directory TOPICS) of a case opened after danger words of a kind.
TOPIC_OF = {
    Category.FORCED: "sexual_exploitation",
    Category.SOLD_OR_TAKEN: "sexual_exploitation",
    Category.ABUSE: "sexual_exploitation",
    Category.IMAGE_THREAT: "grooming",
    Category.HELD: "trafficking",
    Category.SUICIDE: "mental_health",
    Category.DANGER: "other",
}
DISCLOSURE, AMBIGUOUS = "disclosure", "ambiguous"
CLASSIFIER_MIN_WORDS = 3
# Dropped, not turned into a space, so "I'm" and "Im", "won't" and "wont" are the same word.
APOSTROPHES = frozenset("'’‘`´ʼ")
# Only inside a word that also has letters ("m0rir", "h3lp"), never in numbers like "100".
LEET = str.maketrans("013457@$", "oieastas")
LEET_SYMBOLS = frozenset("@$")
REPEATS = re.compile(r"([^\W\d_])\1+")
# Emoji modifiers that change nothing of the meaning (variation selectors, skin tones, ZWJ).
IGNORED = frozenset("\ufe0f\ufe0e\u200d") | {chr(c) for c in range(0x1F3FB, 0x1F400)}


def normalize(text: str) -> str:
    """The matching form of `text`: what is compared, not what is shown.

    Lower case; accents and other marks removed (ñ → n); apostrophes dropped; emoji and other
    symbols kept, each as a word of its own ("🔪"); every other character that is not a letter
    or digit becomes a space; digits and @ $ inside words read as letters (0→o 1→i 3→e 4→a
    5→s 7→t @→a $→s); every run of one repeated letter becomes one letter ("ayudaaaa" →
    "ayuda", but also "llevar" → "levar": patterns are normalised the same way, so they still
    meet); spaces collapsed.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = []
    for char in decomposed:
        if unicodedata.combining(char) or char in APOSTROPHES or char in IGNORED:
            continue
        if char.isalnum() or char in LEET_SYMBOLS:
            kept.append(char)
        elif unicodedata.category(char) == "So":
            kept.append(f" {char} ")
        else:
            kept.append(" ")
    return " ".join(_fold_word(word) for word in "".join(kept).split())


def _fold_word(word: str) -> str:
    if any(char.isalpha() for char in word) and any(
        char.isdigit() or char in LEET_SYMBOLS for char in word
    ):
        word = word.translate(LEET)
    return REPEATS.sub(r"\1", word)


def respell(text: str, spelling: Mapping[str, str]) -> str:
    """`normalize(text)` with each word written as the language's `spelling` map says
    ("q" → "que", "kms" → "kill myself")."""
    return " ".join(spelling.get(word, word) for word in normalize(text).split())


# The matcher ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """What a message says: `tier` (disclosure or ambiguous) and the kind of danger."""

    tier: str
    category: str


@dataclass
class Section:
    """One language's compiled data."""

    lang: str
    spelling: dict[str, str]
    disclosure: list[tuple[str, re.Pattern[str]]] = field(default_factory=list)
    ambiguous: list[tuple[str, re.Pattern[str]]] = field(default_factory=list)
    likely: list[tuple[str, re.Pattern[str]]] = field(default_factory=list)
    harmless: re.Pattern[str] | None = None
    asking: re.Pattern[str] | None = None
    programme: re.Pattern[str] | None = None
    about: re.Pattern[str] | None = None
    joking: re.Pattern[str] | None = None
    joking_categories: frozenset[str] = frozenset()

    def read(self, text: str) -> Reading:
        """What this language's patterns find in `text`, before the markers are weighed."""
        words = respell(text, self.spelling) + " "
        plain = words
        if self.harmless is not None:
            words = self.harmless.sub(lambda m: "_ " * m.group().count(" "), words)
        joking = _found(self.joking, plain)
        return Reading(
            disclosure=_first(self.disclosure, words),
            ambiguous=_first(self.ambiguous, words),
            likely=_first(self.likely, words),
            asking=_found(self.asking, plain),
            programme=_found(self.programme, plain),
            about=_found(self.about, plain),
            joking=self.joking_categories if joking else frozenset(),
        )


@dataclass(frozen=True)
class Reading:
    """One section's raw findings (categories) and markers in one message."""

    disclosure: str | None
    ambiguous: str | None
    likely: str | None
    asking: bool
    programme: bool
    about: bool
    joking: frozenset[str]


def _found(regex: re.Pattern[str] | None, words: str) -> bool:
    return regex is not None and regex.search(words) is not None


def _first(patterns: list[tuple[str, re.Pattern[str]]], words: str) -> str | None:
    """The category whose pattern starts first in `words` (file order breaks ties)."""
    best: tuple[int, str] | None = None
    for category, regex in patterns:
        match = regex.search(words)
        if match is not None and (best is None or match.start() < best[0]):
            best = (match.start(), category)
    return best[1] if best else None


@dataclass(frozen=True)
class Markers:
    """What marks a message, in any language, as not a disclosure of one's own."""

    asking: bool = False
    programme: bool = False
    about: bool = False
    joking: frozenset[str] = frozenset()
    # Fewer words than the classifier needs to tell a story ("no tengo", "ya fue"): only the
    # patterns decide. Short disclosures ("kms", "me corto") are patterns.
    short: bool = False

    @classmethod
    def of(cls, readings: Sequence[Reading], *, words: int = CLASSIFIER_MIN_WORDS) -> Markers:
        return cls(any(r.asking for r in readings), any(r.programme for r in readings),
                   any(r.about for r in readings),
                   frozenset().union(*(r.joking for r in readings)),
                   words < CLASSIFIER_MIN_WORDS)


class DangerMatcher:
    """Reads a message in every language of the file; the strongest finding wins.

    First layer: the patterns. Second layer (when a `model` is given, see
    core/danger_model.py): a classifier whose probability gives the numbers from
    `model.high`, the check-in from `model.low`, demoted by the same markers."""

    def __init__(self, sections: Sequence[Section], model=None) -> None:  # noqa: ANN001
        self.sections = list(sections)
        self.model = model

    def with_model(self, model) -> DangerMatcher:  # noqa: ANN001
        """The same patterns with another second layer (None: patterns only)."""
        return DangerMatcher(self.sections, model)

    @classmethod
    def from_file(cls, path=None) -> DangerMatcher:  # noqa: ANN001
        """A matcher for danger_words.yaml; raises ContentInvalid when the file has problems."""
        from .danger_file import load_danger_words

        return load_danger_words(path)

    def assess(self, text: str) -> Finding | None:
        """Disclosure, ambiguous, or None (everyday talk)."""
        if not text:
            return None
        found, markers = self.patterns(text)
        if self.model is None or (found is not None and found.tier == DISCLOSURE):
            return found
        probability, category = self.model.predict(text)
        return combine(found, markers, probability, category, self.model.high, self.model.low)

    def patterns(self, text: str) -> tuple[Finding | None, Markers]:
        """The first layer's answer and the markers.

        Markers count whichever language they are in: "¿qué es el grooming?" asks about an
        English word in a Spanish question."""
        readings = [section.read(text) for section in self.sections]
        markers = Markers.of(readings, words=len(normalize(text).split()))
        if markers.asking and markers.programme:
            # "Taller: qué hacer si alguien dice «me obligan a trabajar»"
            return None, markers
        asking, about, joking = markers.asking or markers.programme, markers.about, markers.joking
        ambiguous = None
        for reading in readings:
            found = reading.disclosure
            if found is not None:
                if not asking and found not in joking:
                    return Finding(DISCLOSURE, found), markers
                ambiguous = ambiguous or found
        for reading in readings:
            found = reading.likely
            if found is not None and not (asking or about):
                if found not in joking:
                    return Finding(DISCLOSURE, found), markers
                ambiguous = ambiguous or found
        for reading in readings:
            if reading.ambiguous is not None and not (asking or about or joking):
                ambiguous = ambiguous or reading.ambiguous
        return (Finding(AMBIGUOUS, ambiguous) if ambiguous else None), markers

    def match(self, text: str) -> str | None:
        """The category of a disclosure in `text`, or None (ambiguous included)."""
        finding = self.assess(text)
        return finding.category if finding is not None and finding.tier == DISCLOSURE else None


def combine(found: Finding | None, markers: Markers, probability: float, category: str,
            high: float, low: float) -> Finding | None:
    """The two layers together, for a message the patterns did not call a disclosure.

    From `high` the classifier gives the numbers, unless a marker (a question, programme
    talk, "about" a topic, a joke for the categories that joke) demotes it to the check-in;
    from `low` it asks the check-in, unless the message asks or is programme talk. The
    category is the pattern's when one was found, else the classifier's."""
    if (markers.asking and markers.programme) or markers.short:
        return found
    category = found.category if found is not None else category
    if probability >= high:
        demoted = (markers.asking or markers.programme or markers.about
                   or category in markers.joking)
        return Finding(AMBIGUOUS if demoted else DISCLOSURE, category)
    if probability >= low and not (markers.asking or markers.programme):
        return found or Finding(AMBIGUOUS, category)
    return found
