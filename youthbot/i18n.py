"""Translations: gettext catalogs managed by Babel, one locale per update in a context variable.

Languages are discovered from `locales/<lang>/LC_MESSAGES/youthbot.po`: adding a language is a
new catalog (and content), not code. The `.mo` files are compiled here when missing or older
than their `.po` (in memory when the folder is read-only), so a fresh clone just works.
"""

from __future__ import annotations

import gettext
import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _babel_format_date
from babel.dates import format_datetime as _babel_format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

DOMAIN = "youthbot"
logger = logging.getLogger(__name__)


def default_locales_dir() -> Path:
    """The catalogs shipped in the wheel, else the repository's `locales/` (editable install)."""
    packaged = Path(__file__).parent / "locales"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "locales"


def compile_catalogs(locales_dir: Path) -> dict[str, bytes]:
    """Compile every `.po` whose `.mo` is missing or stale; return each language's `.mo` bytes."""
    compiled: dict[str, bytes] = {}
    for po in sorted(locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        lang = po.parent.parent.name
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            compiled[lang] = mo.read_bytes()
            continue
        with po.open("rb") as src:
            catalog = read_po(src, locale=lang)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        compiled[lang] = buffer.getvalue()
        try:
            mo.write_bytes(compiled[lang])
        except OSError:
            logger.info("locales folder is read-only; catalog %s compiled in memory", lang)
    return compiled


@dataclass(frozen=True)
class Translator:
    """Everything language-dependent for one locale: messages, dates, numbers."""

    language: str
    translations: gettext.NullTranslations
    locale: Locale

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self.translations.pgettext(context, message)

    def format_date(self, value: date, fmt: str = "long") -> str:
        return _babel_format_date(value, format=fmt, locale=self.locale)

    def format_datetime(self, value: datetime, fmt: str = "long", tzinfo=None) -> str:
        pattern = {"long": "EEEE d MMMM y, HH:mm", "short": "d MMM y, HH:mm"}.get(fmt, fmt)
        return _babel_format_datetime(value, pattern, tzinfo=tzinfo, locale=self.locale)

    def format_number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)

    def format_percent(self, value: float) -> str:
        return format_percent(value, locale=self.locale)

    @property
    def language_name(self) -> str:
        """The language's name in itself, for a language picker ("español", "English")."""
        name = self.locale.get_display_name(self.locale) or self.language
        return name[:1].upper() + name[1:]


class Catalogs:
    """All available languages; `get` falls back to the default language."""

    def __init__(self, locales_dir: Path | None = None, default_language: str = "es") -> None:
        self.locales_dir = locales_dir or default_locales_dir()
        self._translators: dict[str, Translator] = {}
        for lang, mo in compile_catalogs(self.locales_dir).items():
            try:
                locale = Locale.parse(lang)
            except (ValueError, UnknownLocaleError):
                logger.warning("catalog %s has no Babel locale data; skipped", lang)
                continue
            translations = gettext.GNUTranslations(io.BytesIO(mo))
            self._translators[lang] = Translator(lang, translations, locale)
        if default_language not in self._translators:
            raise ValueError(f"no catalog for the default language {default_language!r}")
        self.default_language = default_language

    @property
    def languages(self) -> list[str]:
        """Available languages, the default first."""
        others = sorted(lang for lang in self._translators if lang != self.default_language)
        return [self.default_language, *others]

    def get(self, language: str | None) -> Translator:
        return self._translators.get(language or "", self._translators[self.default_language])

    def resolve(self, stored: str | None, telegram_code: str | None) -> str:
        """The stored choice, else Telegram's language setting, else the default."""
        if stored in self._translators:
            return stored
        if telegram_code:
            code = telegram_code.replace("_", "-").lower()
            for candidate in (code, code.split("-")[0]):
                if candidate in self._translators:
                    return candidate
        return self.default_language


_current: ContextVar[Translator | None] = ContextVar("youthbot_translator", default=None)
_fallback = Translator("en", gettext.NullTranslations(), Locale.parse("en"))


def activate(translator: Translator) -> Token:
    """Make `translator` the locale of the running update (the current asyncio task)."""
    return _current.set(translator)


def deactivate(token: Token) -> None:
    _current.reset(token)


@contextmanager
def speaking(catalogs: Catalogs, language: str | None) -> Iterator[Translator]:
    """Render in `language` inside this block (a message for someone other than the person of
    the update: the staff chat, a leader, a joiner), then go back to the update's language."""
    translator = catalogs.get(language)
    token = activate(translator)
    try:
        yield translator
    finally:
        deactivate(token)


def current() -> Translator:
    return _current.get() or _fallback


def _(message: str) -> str:
    """Translate `message` into the current update's language. Format placeholders after."""
    return current().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return current().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return current().pgettext(context, message)


def language_label(code: str | None) -> str:
    """A language's name in the current update's language, for inside a sentence ("inglés"
    in Spanish, "Spanish" in English); `language_name` is the name in the language itself."""
    try:
        locale = Locale.parse((code or "").replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return code or "?"
    return locale.get_display_name(current().locale) or code or "?"


def N_(message: str) -> str:
    """Mark `message` for extraction; it is translated later, where it is shown."""
    return message


def counted(number: int, singular: str, plural: str) -> str:
    """`1 problem`, `2 problems`: for the shell commands' output, which is English only."""
    return f"{number} {singular if number == 1 else plural}"
