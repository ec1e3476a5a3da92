"""What announcements look like: the recipient picker (used by polls too), counts, times."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from ...core.announce.audience import TARGET_AGE_BANDS, Audience
from ...core.figures import guarded, hidden_note
from ...i18n import Translator, _, current, language_label, ngettext, pgettext
from ..runtime.callbacks import Action
from ..runtime.turn import Deps, button, keyboard
from .actions import AUDIENCE, CANCEL, SCHEDULE, SEND, Kind

AGE_LABELS = {"14-17": "14 to 17", "18-25": "18 to 25", "26+": "26 or older"}
SMALL = 5  # counts from 1 to 4 are shown as "<5" (the project's rule for every figure)


def shown_count(count: int, number) -> str:
    """A count for a screen: "<5" for 1–4, else the number in the person's locale."""
    return "<5" if 0 < count < SMALL else number(count)


def plural_of(count: int) -> int:
    """The number that picks the plural form for a shown count ("<5 personas")."""
    return SMALL if 0 < count < SMALL else count


def age_label(band: str) -> str:
    return _(AGE_LABELS.get(band, band))


def place_label(deps: Deps, key: str) -> str:
    """ "Puno (Perú)" for "PE:puno"; the country's name for "PE"."""
    country_id, _sep, region_id = key.partition(":")
    country = next((c for c in deps.content.countries if c.id == country_id), None)
    if country is None:
        return key
    language = current_language()
    if not region_id:
        return country.name_in(language)
    region = country.region(region_id)
    name = region.name_in(language) if region else region_id
    return f"{name} ({country.name_in(language)})"


def current_language() -> str:
    return current().language


def describe_audience(deps: Deps, audience: Audience) -> str:
    """"Puno (Perú) · 18 to 25 · English", or "everyone who chose to receive news"."""
    if audience.everyone:
        return _("everyone who chose to receive news")
    parts = []
    if audience.regions:
        parts.append(", ".join(place_label(deps, r) for r in audience.regions))
    elif audience.countries:
        parts.append(", ".join(place_label(deps, c) for c in audience.countries))
    if audience.ages:
        parts.append(", ".join(age_label(a) for a in audience.ages))
    if audience.languages:
        parts.append(", ".join(language_label(lang) for lang in audience.languages))
    return " · ".join(parts)


def render_counts(
    languages: list[str], counts: dict[str, int], number, *, with_text: set[str] | None = None
) -> str:
    """One line per language ("Inglés: <5 personas"), then the total; 1–4 shown as "<5"."""
    default = language_label(languages[0])
    lines = []
    # the total is shown too: a lone "<5" hides the smallest other count as well ("–")
    texts = guarded([counts.get(language, 0) for language in languages], number)
    for language, text in zip(languages, texts, strict=True):
        count = counts.get(language, 0)
        if with_text is None or language in with_text:
            line = ngettext(
                "{language}: {count} person", "{language}: {count} people", plural_of(count)
            )
        else:
            line = ngettext(
                "{language}: {count} person (gets the {default} text)",
                "{language}: {count} people (get the {default} text)",
                plural_of(count),
            )
        line = line.format(language=language_label(language), count=text, default=default)
        lines.append(line[:1].upper() + line[1:])  # "Inglés: 3 personas" starts the line
    return "\n".join(lines)


def render_audience(
    deps: Deps, translator: Translator, audience: Audience, counts: dict[str, int], *,
    with_text: set[str] | None = None,
) -> str:
    """The recipient picker's text: who is chosen, and how many per language."""
    languages = deps.catalogs.languages
    total = sum(counts.get(language, 0) for language in languages)
    number = translator.format_number
    return (
        _("Who should receive it? Tap to choose (✓); a row with nothing chosen does not "
          "filter. People choose their region in ⚙️ Settings.")
        + "\n"
        + _("Chosen: {audience}").format(audience=describe_audience(deps, audience))
        + "\n\n"
        + "\n".join([lines := render_counts(languages, counts, number, with_text=with_text),
                     *hidden_note([lines])])
        + "\n\n"
        + ngettext("In all: {count} person.", "In all: {count} people.", plural_of(total)).format(
            count=shown_count(total, number)
        )
    )


def capitalized(label: str) -> str:
    return label[:1].upper() + label[1:]


def _mark(label: str, chosen: bool) -> str:
    return f"✓ {label}" if chosen else label


def _rows(buttons: list[InlineKeyboardButton], width: int = 3) -> list[list]:
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


def build_audience_rows(
    deps: Deps, audience: Audience, toggle: Action, target: int
) -> list[list[InlineKeyboardButton]]:
    """Buttons to choose countries, the regions of the chosen ones, age bands, languages."""
    language = current_language()
    countries = deps.content.countries
    rows = _rows([
        button(_mark(c.name_in(language), c.id in audience.countries),
               toggle(target, Kind.COUNTRY, c.id))
        for c in countries
    ])  # fmt: skip
    for country in countries:
        if country.id not in audience.countries:
            continue
        rows += _rows([
            button(_mark(r.name_in(language), f"{country.id}:{r.id}" in audience.regions),
                   toggle(target, Kind.REGION, f"{country.id}:{r.id}"))
            for r in country.regions
        ])  # fmt: skip
    rows.append([
        button(_mark(age_label(band), band in audience.ages), toggle(target, Kind.AGE, band))
        for band in TARGET_AGE_BANDS
    ])  # fmt: skip
    rows.append([
        button(_mark(capitalized(language_label(lang)), lang in audience.languages),
               toggle(target, Kind.LANGUAGE, lang))
        for lang in deps.catalogs.languages
    ])  # fmt: skip
    return rows


def valid_choice(deps: Deps, kind: Kind, value: str) -> bool:
    """Whether a pressed audience button names something that exists (data is never
    trusted)."""
    countries = {c.id: c for c in deps.content.countries}
    if kind is Kind.COUNTRY:
        return value in countries
    if kind is Kind.REGION:
        country_id, _sep, region_id = value.partition(":")
        country = countries.get(country_id)
        return country is not None and country.region(region_id) is not None
    if kind is Kind.AGE:
        return value in TARGET_AGE_BANDS
    return value in deps.catalogs.languages


def when_label(deps: Deps, translator: Translator, moment: datetime) -> str:
    """ "24 dic 2026, 18:00 (America/Lima)": a time in the programme's time zone."""
    zone = deps.settings.timezone
    shown = translator.format_datetime(moment, "d MMM y, HH:mm", tzinfo=ZoneInfo(zone))
    return f"{shown} ({zone})"


def build_draft_keyboard(deps: Deps, draft) -> InlineKeyboardMarkup:
    """Send now, schedule, cancel; then the recipient choices (an announcement's or a
    poll's draft: both are announcements)."""
    # Send first: "1" in the console, as before targeting existed; then the choices.
    rows = [[
        button(pgettext("button", "📣 Send"), SEND(draft.id)),
        button(pgettext("button", "🕒 Schedule"), SCHEDULE(draft.id)),
        button(pgettext("button", "Cancel"), CANCEL(draft.id)),
    ]]  # fmt: skip
    audience = Audience.from_json(draft.audience)
    rows += build_audience_rows(deps, audience, AUDIENCE, draft.id)
    return keyboard(*rows)
