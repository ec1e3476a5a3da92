"""Translations: gettext catalogs managed by Babel, one locale per update in a context variable.

Languages are discovered from `locales/<lang>/LC_MESSAGES/youthbot.po`: adding a language is a
new catalog (and content), not code. The `.mo` files are compiled here when missing or older
than their `.po` (in memory when the folder is read-only), so a fresh clone just works.

A language Babel has no locale data for (Aymara `ay`, some Quechua variants) is still loaded:
its messages come from its catalog, its dates and numbers are formatted as the default
language's (Spanish), and its name in the picker is its catalog's translation of "English"
in the context "the name of this language, in this language".
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
# Each loaded catalog's name in itself, for `language_label` when Babel does not know the code.
_NAMES: dict[str, str] = {}


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
    """Everything language-dependent for one locale: messages, dates, numbers.

    `locale` formats dates and numbers: the language's own, or the default language's when
    Babel has no data for it (then `name` is the catalog's own name for it)."""

    language: str
    translations: gettext.NullTranslations
    locale: Locale
    name: str | None = None

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
        name = self.name or self.locale.get_display_name(self.locale) or self.language
        return name[:1].upper() + name[1:]


def normalize_code(code: str) -> str:
    """`pt_BR`, `pt-BR` and `pt-br` are one code: `pt-br`."""
    return code.replace("_", "-").lower()


def babel_locale(code: str) -> Locale | None:
    """Babel's data for `code` (`pt-br`, `qu_PE`…), or None when Babel has none."""
    try:
        return Locale.parse(code.replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return None


def _own_name(translations: gettext.NullTranslations) -> str | None:
    """The language's name in itself as its catalog translates it ("Português (Brasil)"),
    if it does: the picker's label when Babel does not know the language."""
    name = translations.pgettext("the name of this language, in this language", "English")
    return name.strip() if name and name != "English" else None


class Catalogs:
    """All available languages; `get` falls back to the default language."""

    def __init__(self, locales_dir: Path | None = None, default_language: str = "es") -> None:
        self.locales_dir = locales_dir or default_locales_dir()
        self._translators: dict[str, Translator] = {}
        compiled = compile_catalogs(self.locales_dir)
        if default_language not in compiled:
            raise ValueError(f"no catalog for the default language {default_language!r}")
        fallback = babel_locale(default_language) or Locale.parse("es")
        for lang, mo in compiled.items():
            translations = gettext.GNUTranslations(io.BytesIO(mo))
            locale, name = babel_locale(lang), None
            if locale is None:
                logger.info("catalog %s: no Babel locale data; dates and numbers as %s",
                            lang, default_language)
                locale = fallback
                name = (_own_name(translations)
                        or fallback.languages.get(normalize_code(lang).split("-")[0]) or lang)
            self._translators[lang] = Translator(lang, translations, locale, name)
            _NAMES[normalize_code(lang)] = name or locale.get_display_name(locale) or lang
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
            by_code = {normalize_code(lang): lang for lang in self._translators}
            code = normalize_code(telegram_code)
            for candidate in (code, code.split("-")[0]):
                if candidate in by_code:
                    return by_code[candidate]
            # A catalog for a variant (pt_BR) also serves the base language's code (pt).
            for normalized, lang in sorted(by_code.items()):
                if normalized.split("-")[0] == code.split("-")[0]:
                    return lang
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
    locale = babel_locale(code or "")
    if locale is not None:
        return locale.get_display_name(current().locale) or code or "?"
    base = normalize_code(code or "").split("-")[0]
    return current().locale.languages.get(base) or _NAMES.get(normalize_code(code or "")) or (
        code or "?"
    )


def N_(message: str) -> str:
    """Mark `message` for extraction; it is translated later, where it is shown."""
    return message


def counted(number: int, singular: str, plural: str) -> str:
    """`1 problem`, `2 problems`: for the shell commands' output, which is English only."""
    return f"{number} {singular if number == 1 else plural}"
