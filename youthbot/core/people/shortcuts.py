"""Shortcuts: a whole message that is "ayuda", "help", "hola", "menú"… (content/shortcuts.yaml).

Matching ignores capitals, accents, punctuation, emoji and repeated letters, and only a whole
message counts: "necesito ayuda" is a shortcut, "necesito ayuda con mi tarea" is not.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..yamlsource import ContentInvalid, Problem, load_yaml

HELP, MENU = "help", "menu"
KINDS = (HELP, MENU)
# Longer than this, a message is a sentence, not a shortcut (and is not normalised at all).
MAX_LENGTH = 60
_REPEATS = re.compile(r"(.)\1+")


def shortcuts_path(content_dir: Path | None) -> Path:
    """CONTENT_DIR's shortcuts.yaml when it has one, else the shipped file."""
    own = content_dir / "shortcuts.yaml" if content_dir is not None else None
    if own is not None and own.exists():
        return own
    return Path(__file__).resolve().parent.parent.parent / "content" / "shortcuts.yaml"


def normalize(text: str) -> str:
    """Lower case, no accents, no punctuation or emoji, each repeated letter once."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = "".join(c if c.isalnum() else " " for c in text)
    return " ".join(_REPEATS.sub(r"\1", text).split())


@dataclass(frozen=True)
class Shortcuts:
    """Normalised phrase → kind ("help" or "menu"), every language's together."""

    phrases: dict[str, str] = field(default_factory=dict)

    def match(self, text: str) -> str | None:
        """The kind of shortcut this whole message is, or None."""
        if not text or len(text) > MAX_LENGTH or text.startswith("/"):
            return None
        return self.phrases.get(normalize(text))


def check_shortcuts(path: Path) -> list[Problem]:
    """Every problem in the shortcuts file (for `youthbot content check`)."""
    try:
        load_shortcuts(path)
    except ContentInvalid as invalid:
        return invalid.problems
    return []


def load_shortcuts(path: Path) -> Shortcuts:
    """Read the shortcuts file; a mistake raises ContentInvalid naming file and line."""
    data, problems = load_yaml(path, path.name)
    phrases: dict[str, str] = {}
    if data is not None and not isinstance(data, dict):
        problems.append(Problem(path.name, 1, "expected `help:` and `menu:`"))
        data = None
    for kind, languages in (data or {}).items():
        line = data.line_of(kind) if hasattr(data, "line_of") else 1
        if kind not in KINDS or not isinstance(languages, dict):
            problems.append(Problem(path.name, line, f"{kind!r}: expected help or menu, "
                                                     "each with a list per language"))
            continue
        for words in languages.values():
            for word in words if isinstance(words, list) else [words]:
                key = normalize(str(word))
                if not key or phrases.get(key, kind) != kind:
                    problems.append(Problem(path.name, line, f"{word!r} is empty or in both"))
                phrases[key] = kind
    if problems:
        raise ContentInvalid(problems)
    return Shortcuts(phrases)
