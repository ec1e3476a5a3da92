"""Catalog maintenance, a thin wrapper over Babel (see docs/content.md, "Translations").

    python tools/i18n.py update               # extract + update; English filled from source
    python tools/i18n.py translate es F.json  # merge {"msgid": "msgstr"} into a catalog
    python tools/i18n.py missing es           # list untranslated or fuzzy entries

In F.json a message with a context is keyed "ctx\\u0004msgid"; plurals take a list of forms.

English is the source language: its catalog's translations are the msgids themselves, so the
English catalog is filled automatically. Every whole-file rewrite holds a lock on
`locales/.lock`, so two people updating at once do not overwrite each other.
"""

from __future__ import annotations

import fcntl
import json
import sys
from contextlib import contextmanager
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"
POT = LOCALES / "youthbot.pot"
SOURCE_LANGUAGE = "en"


@contextmanager
def locked():
    LOCALES.mkdir(exist_ok=True)
    with (LOCALES / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def po_path(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / "youthbot.po"


def _read(path: Path):
    with path.open("rb") as f:
        return read_po(f, locale=path.parent.parent.name)


def _write(path: Path, catalog) -> None:
    with path.open("wb") as f:
        write_po(
            f,
            catalog,
            width=99,
            omit_header=False,
            sort_output=True,
            include_previous=False,
            no_location=True,
        )


def update() -> None:
    with locked():
        CommandLineInterface().run(
            [
                "pybabel",
                "-q",
                "extract",
                "-F",
                str(ROOT / "babel.cfg"),
                "-k",
                "pgettext:1c,2",
                "-k",
                "N_",
                "--no-location",
                "--sort-output",
                "--project",
                "youthbot",
                "--copyright-holder",
                "Youth Voices for Change",
                "-o",
                str(POT),
                str(ROOT),
            ]
        )
        CommandLineInterface().run(
            [
                "pybabel",
                "-q",
                "update",
                "-i",
                str(POT),
                "-d",
                str(LOCALES),
                "-D",
                "youthbot",
                "--no-fuzzy-matching",
                "--ignore-obsolete",
            ]
        )
        source = _read(po_path(SOURCE_LANGUAGE))
        for message in source:
            if not message.id:
                continue
            message.flags.discard("fuzzy")
            message.string = message.id if isinstance(message.id, tuple) else message.id
        _write(po_path(SOURCE_LANGUAGE), source)
        # pybabel update wraps at 76 columns; every write here uses 99, so rewrite the other
        # catalogs too, or each update rewraps hundreds of unchanged lines.
        for language in languages():
            if language != SOURCE_LANGUAGE:
                _write(po_path(language), _read(po_path(language)))
    for language in languages():
        count = len(missing(language))
        if count:
            print(
                f"{language}: {count} message(s) to translate (tools/i18n.py missing {language})"
            )


def languages() -> list[str]:
    return sorted(p.parent.parent.name for p in LOCALES.glob("*/LC_MESSAGES/youthbot.po"))


def missing(language: str) -> list:
    return [
        m
        for m in _read(po_path(language))
        if m.id and (m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string))
    ]


def translate(language: str, source: Path) -> None:
    entries = json.loads(source.read_text(encoding="utf-8"))
    with locked():
        catalog = _read(po_path(language))
        unknown = []
        for key, value in entries.items():
            context, _, msgid = key.rpartition("\u0004")
            message = catalog.get(msgid, context or None)
            if message is None:
                plural = next(
                    (
                        m
                        for m in catalog
                        if isinstance(m.id, tuple)
                        and m.id[0] == msgid
                        and m.context == (context or None)
                    ),
                    None,
                )
                message = plural
            if message is None:
                unknown.append(key)
                continue
            message.string = tuple(value) if isinstance(value, list) else value
            message.flags.discard("fuzzy")
        _write(po_path(language), catalog)
    for key in unknown:
        print(f"not in the {language} catalog (run update first?): {key!r}", file=sys.stderr)


def main(argv: list[str]) -> int:
    if argv[:1] == ["update"]:
        update()
    elif argv[:1] == ["translate"] and len(argv) == 3:
        translate(argv[1], Path(argv[2]))
    elif argv[:1] == ["missing"] and len(argv) == 2:
        for message in missing(argv[1]):
            prefix = f"[{message.context}] " if message.context else ""
            print(f"{prefix}{json.dumps(message.id, ensure_ascii=False)}")
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
