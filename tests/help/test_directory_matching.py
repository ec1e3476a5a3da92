"""Matching on age and language, and the coverage check of `youthbot content check`."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from factories import make_service

from youthbot.app import check_content
from youthbot.config import Settings
from youthbot.core.help.directory import AGE_BAND_AGES, TOPICS, Service, match_services
from youthbot.core.help.directory_coverage import (
    coverage_gaps,
    coverage_problems,
    fits,
    known_gaps,
)
from youthbot.core.help.directory_file import default_services_path, load_services
from youthbot.core.people import users
from youthbot.core.regions import load_regions, region_ids

TODAY = date(2026, 12, 4)
COUNTRIES = ("PE", "CO", "DO", "NI", "BR")


def ids(services: list[Service]) -> list[str]:
    return [s.id for s in services]


@pytest.fixture(scope="module")
def shipped() -> list[Service]:
    return load_services(today=TODAY, region_ids=region_ids(load_regions()))


# ------------------------------------------------------------------ age bands


def test_the_bands_are_the_ones_people_choose() -> None:
    assert tuple(AGE_BAND_AGES) == users.AGE_BANDS


@pytest.mark.parametrize(
    ("band", "shown"),
    [
        ("u14", ["pe-children", "pe-everyone"]),
        ("14-17", ["pe-children", "pe-everyone"]),
        ("18-25", ["pe-adults", "pe-everyone"]),
        ("26+", ["pe-adults", "pe-everyone"]),
        (None, ["pe-adults", "pe-children", "pe-everyone"]),  # not said: everything
        ("zz", ["pe-adults", "pe-children", "pe-everyone"]),  # unknown: everything
    ],
)
def test_a_service_whose_ages_exclude_the_band_is_not_shown(band, shown) -> None:
    services = [
        make_service("pe-children", age_min=0, age_max=17),
        make_service("pe-adults", age_min=18, age_max=99),
        make_service("pe-everyone"),
    ]
    found = match_services(
        services, topic="sexual_exploitation", country="PE", region=None, today=TODAY,
        age_band=band,
    )
    assert ids(found) == shown


def test_an_age_overlap_is_enough() -> None:
    teen = make_service("pe-teens", age_min=12, age_max=25)
    for band in AGE_BAND_AGES:
        found = match_services(
            [teen], topic="sexual_exploitation", country="PE", region=None, today=TODAY,
            age_band=band,
        )
        assert ids(found) == ([] if band == "26+" else ["pe-teens"]), band


def test_the_other_fallback_respects_the_ages_too() -> None:
    services = [
        make_service("pe-legal-adults", topics=("legal",), age_min=18),
        make_service("pe-child-line", topics=("other",), age_max=17),
    ]
    found = match_services(
        services, topic="legal", country="PE", region=None, today=TODAY, age_band="14-17"
    )
    assert ids(found) == ["pe-child-line"]


# ------------------------------------------------------------------ language and order


def test_region_first_then_the_persons_language_then_name_and_nobody_is_hidden() -> None:
    services = [
        make_service("pe-a-es", name={"es": "A"}),
        make_service("pe-z-en", name={"es": "Z"}, languages=("es", "en")),
        make_service("pe-puno-es", name={"es": "P"}, regions=("puno",)),
        make_service("pe-puno-en", name={"es": "Q"}, regions=("puno",), languages=("en",)),
        make_service("pe-qu", name={"es": "M"}, languages=("qu",)),
    ]
    def order(lang: str) -> list[str]:
        return ids(match_services(
            services, topic="sexual_exploitation", country="PE", region="puno", today=TODAY,
            lang=lang,
        ))
    assert order("en") == ["pe-puno-en", "pe-puno-es", "pe-z-en", "pe-a-es", "pe-qu"]
    assert order("es") == ["pe-puno-es", "pe-puno-en", "pe-a-es", "pe-z-en", "pe-qu"]


# ------------------------------------------------------------------ the shipped directory


def test_puno_violence_at_home_puts_the_puno_centres_before_national_lines(shipped) -> None:
    found = ids(match_services(
        shipped, topic="violence_home", country="PE", region="puno", today=TODAY,
        age_band="14-17",
    ))
    assert found[0] == "pe-cem-puno"
    assert {"pe-linea-100", "pe-anna-1810", "pe-chat-100"} <= set(found[1:])
    assert not any(s.startswith(("pe-cem-lima", "pe-cem-loreto")) for s in found)


@pytest.mark.parametrize(
    ("band", "expected", "absent"),
    [
        ("14-17", {"pe-anna-1810", "pe-demuna", "pe-defensoria"}, set()),
        ("18-25", {"pe-defensoria"}, {"pe-anna-1810", "pe-demuna"}),
    ],
)
def test_the_legal_topic_gets_legal_services(shipped, band, expected, absent) -> None:
    found = match_services(
        shipped, topic="legal", country="PE", region="loreto", today=TODAY, age_band=band
    )
    assert all("legal" in s.topics for s in found)
    assert expected <= set(ids(found)) and not absent & set(ids(found))
    assert ids(found)[0] == "pe-cem-loreto"  # the region's first


def test_images_shared_online_reach_take_it_down_in_every_country(shipped) -> None:
    for country in COUNTRIES:
        found = ids(match_services(
            shipped, topic="grooming", country=country, region=None, today=TODAY, lang="en"
        ))
        assert "ncmec-take-it-down" in found, country


def test_the_shipped_directory_covers_every_need_but_its_known_gaps(shipped) -> None:
    gaps = coverage_gaps(shipped, [c.id for c in load_regions()], today=TODAY)
    assert [(country, topic) for country, topic, _ in gaps] == [
        ("NI", "mental_health"), ("NI", "legal")
    ]
    accepted, problems = known_gaps(default_services_path())
    assert problems == [] and set(accepted) == {("NI", "mental_health"), ("NI", "legal")}


# ------------------------------------------------------------------ what "fitting" means


def fitting(service: Service, topic: str, band: str = "14-17") -> bool:
    return fits(service, topic=topic, country="PE", age_band=band, today=TODAY)


def test_fitting_other_covers_most_topics_but_not_mental_health_or_legal() -> None:
    line = make_service("pe-line", topics=("other",))
    assert fitting(line, "trafficking") and fitting(line, "grooming") and fitting(line, "other")
    assert not fitting(line, "mental_health") and not fitting(line, "legal")
    assert fitting(make_service("pe-law", topics=("legal",)), "legal")


def test_fitting_needs_active_current_national_and_the_ages() -> None:
    good = make_service("pe-ok", topics=("legal",))
    assert fitting(good, "legal")
    assert not fitting(make_service("pe-p", topics=("legal",), status="pending"), "legal")
    assert not fitting(make_service("pe-s", topics=("legal",), status="suspended"), "legal")
    old = make_service("pe-old", topics=("legal",), review_due=TODAY - timedelta(days=1))
    assert not fitting(old, "legal")
    assert not fitting(make_service("pe-r", topics=("legal",), regions=("puno",)), "legal")
    adults = make_service("pe-adults", topics=("legal",), age_min=18)
    assert not fitting(adults, "legal", "14-17") and fitting(adults, "legal", "26+")
    assert not fits(good, topic="legal", country="CO", age_band="u14", today=TODAY)


def test_gaps_name_the_country_topic_and_ages(tmp_path: Path) -> None:
    services = [
        make_service("pe-all", topics=tuple(t for t in TOPICS if t != "legal")),
        make_service("pe-law", topics=("legal",), age_min=18),
    ]
    problems, notes = coverage_problems(services, ["PE"], today=TODAY, path="s.yaml")
    assert [str(p) for p in problems] == [
        "s.yaml:1: no active national service in PE fits topic 'legal' for ages u14, 14-17: "
        "add or activate one that lists 'legal' in topics and whose ages include them"
    ]
    assert notes == []
    problems, notes = coverage_problems(
        services, ["PE"], today=TODAY, path="s.yaml",
        accepted={("PE", "legal"): ("no lawyer for children yet", 7),
                  ("PE", "grooming"): ("stale", 9)},
    )
    assert notes == ["known gap: PE legal (ages u14, 14-17): no lawyer for children yet"]
    assert [str(p) for p in problems] == [
        "s.yaml:9: known gap PE grooming is covered now: remove it from known_gaps"
    ]


# ------------------------------------------------------------------ `youthbot content check`


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the shipped content to break."""
    shipped_dir = default_services_path().parent
    copy = tmp_path / "content"
    shutil.copytree(shipped_dir, copy)
    return copy


def test_content_check_fails_when_a_topic_loses_its_service(content: Path) -> None:
    assert check_content(Settings(_env_file=None, content_dir=content), today=TODAY)[0] == []
    path = content / "services.yaml"
    text = path.read_text(encoding="utf-8")
    # Brazil's only mental-health service is suspended in the file.
    start = text.index("  - id: br-cvv-188")
    end = text.index("status: active", start)
    path.write_text(text[:end] + "status: suspended" + text[end + 14:], encoding="utf-8")
    problems, _ = check_content(Settings(_env_file=None, content_dir=content), today=TODAY)
    assert [p.message for p in problems] == [
        "no active national service in BR fits topic 'mental_health' for ages u14, 14-17, "
        "18-25, 26+: add or activate one that lists 'mental_health' in topics and whose ages "
        "include them"
    ]


def test_content_check_lists_known_gaps_as_notes_and_checks_their_form(content: Path) -> None:
    problems, notes = check_content(Settings(_env_file=None, content_dir=content), today=TODAY)
    assert problems == []
    assert [n for n in notes if n.startswith("known gap: ")] == [
        "known gap: NI mental_health (ages u14, 14-17, 18-25, 26+): no public mental-health "
        "line found in the sources (2026-12-04); Línea 133 answers under 'other'",
        "known gap: NI legal (ages u14, 14-17, 18-25, 26+): Defensoría Pública exists in every "
        "municipality but no contact was found (ni-defensoria-publica is pending)",
    ]
    path = content / "services.yaml"
    text = path.read_text(encoding="utf-8").replace("topic: legal\n", "topic: lawyers\n")
    path.write_text(text, encoding="utf-8")
    problems, _ = check_content(Settings(_env_file=None, content_dir=content), today=TODAY)
    line = text.splitlines().index("    topic: lawyers") + 1
    messages = {(p.line, p.message.split(" with ")[0]) for p in problems}
    assert (line - 1, "a known gap must be {country: NI, topic: mental_health, reason: \"...\"}") \
        in messages
    assert any("NI fits topic 'legal'" in p.message for p in problems)  # now an unknown gap


def test_a_coverage_gap_fails_the_check_but_does_not_stop_the_bot(content: Path) -> None:
    """On the day Brazil's only mental-health line is past its review, `content check` fails;
    the bot still starts (a person gets the `other` services, then the emergency numbers)."""
    settings = Settings(_env_file=None, content_dir=content)
    later = date(2027, 6, 5)  # every 2026-12-04 review is due by then
    problems, _ = check_content(settings, today=later)
    assert any("BR fits topic 'mental_health'" in p.message for p in problems)
    assert [p for p in check_content(settings, today=later, coverage=False)[0]] == []
