"""The recipient flags shared by `youthbot announce` and `youthbot poll create`:
--country, --region, --age, --language (each repeatable or comma-separated) and --at."""

from __future__ import annotations

import argparse
from datetime import datetime
from zoneinfo import ZoneInfo

from ..config import Settings
from ..core.announce.audience import TARGET_AGE_BANDS, Audience


class AudienceError(Exception):
    """A flag names something that does not exist; the message says which, in one line."""


def add_audience_flags(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("recipients (default: everyone who opted in)")
    group.add_argument("--country", action="append", default=[], metavar="CC",
                       help="country code, e.g. PE")
    group.add_argument("--region", action="append", default=[], metavar="CC:REGION",
                       help="a region, e.g. PE:puno (narrows its country)")
    group.add_argument("--age", action="append", default=[], metavar="BAND",
                       help="age band: " + ", ".join(TARGET_AGE_BANDS))
    group.add_argument("--language", action="append", default=[], metavar="LANG",
                       help="only people who use this language")
    parser.add_argument("--at", metavar="'YYYY-MM-DD HH:MM'",
                        help="send at this time (TIMEZONE), not now")


def _items(values: list[str]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def audience_from_args(
    args: argparse.Namespace, settings: Settings, languages: list[str]
) -> Audience:
    """The audience the flags describe, checked against regions.yaml and the catalogs."""
    from ..core.content import content_path
    from ..core.regions import default_regions_path, load_regions

    countries = {c.id: c for c in load_regions(
        content_path(settings.content_dir, "regions.yaml", default_regions_path()), languages
    )}  # fmt: skip
    chosen = Audience(
        countries=tuple(c.upper() for c in _items(args.country)),
        regions=tuple(_items(args.region)),
        ages=tuple(_items(args.age)),
        languages=tuple(_items(args.language)),
    )
    for code in chosen.countries:
        if code not in countries:
            known = ", ".join(countries)
            raise AudienceError(f"unknown country {code!r} (regions.yaml has {known})")
    for key in chosen.regions:
        code, _sep, region = key.partition(":")
        if code not in countries or countries[code].region(region) is None:
            raise AudienceError(f"unknown region {key!r} (write it as CC:region, e.g. PE:puno)")
    for band in chosen.ages:
        if band not in TARGET_AGE_BANDS:
            raise AudienceError(f"unknown age band {band!r} ({', '.join(TARGET_AGE_BANDS)})")
    for language in chosen.languages:
        if language not in languages:
            raise AudienceError(f"unknown language {language!r} ({', '.join(languages)})")
    return chosen


def time_from_args(args: argparse.Namespace, settings: Settings, now: datetime):
    """The UTC moment of --at in TIMEZONE, or None; it must be in the future."""
    if not args.at:
        return None
    try:
        local = datetime.strptime(args.at.strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        raise AudienceError(f"--at {args.at!r}: write it as 'YYYY-MM-DD HH:MM'") from None
    moment = local.replace(tzinfo=ZoneInfo(settings.timezone))
    if moment <= now:
        raise AudienceError(f"--at {args.at!r} ({settings.timezone}) is not in the future")
    return moment


def shown_count(count: int) -> str:
    """1–4 are shown as "<5", as on every screen."""
    return "<5" if 0 < count < 5 else str(count)
