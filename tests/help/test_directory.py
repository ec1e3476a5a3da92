"""The service directory: shipped data, what may be shown, matching, and checks with lines."""

from __future__ import annotations

import dataclasses
import re
import textwrap
from datetime import date, timedelta
from pathlib import Path

import pytest
from factories import make_service

from youthbot.core.help.directory import (
    TOPICS,
    Channel,
    Service,
    emergency_services,
    match_services,
)
from youthbot.core.help.directory_file import check_services, default_services_path, load_services
from youthbot.core.regions import load_regions, region_ids
from youthbot.core.yamlsource import ContentInvalid

TODAY = date(2026, 11, 22)
HELPLINES = Path("/work/shared/content/helplines.md")
DOCS = Path(__file__).resolve().parent.parent.parent / "docs" / "directory.md"


def ids(services: list[Service]) -> list[str]:
    return [s.id for s in services]


# ------------------------------------------------------------------ the shipped file


@pytest.fixture(scope="module")
def shipped() -> list[Service]:
    return load_services(today=TODAY, region_ids=region_ids(load_regions()))


def test_shipped_file_is_valid_against_the_regions() -> None:
    services, problems, _ = check_services(
        default_services_path(), today=TODAY, region_ids=region_ids(load_regions())
    )
    assert problems == []
    assert len(services) == 47


def test_peru_has_regional_services_and_the_unconfirmed_ones_are_pending(
    shipped: list[Service],
) -> None:
    peru = [s for s in shipped if "PE" in s.countries]
    regional = {s.id: s.regions for s in peru if s.regions and s.status == "active"}
    assert regional == {
        "pe-cem-lima": ("lima",), "pe-csmc-lima": ("lima",),
        "pe-cem-loreto": ("loreto",), "pe-csmc-loreto": ("loreto",),
        "pe-cem-puno": ("puno",), "pe-csmc-puno": ("puno",),
    }
    chat = next(s for s in shipped if s.id == "pe-chat-100")
    assert chat.status == "active"
    assert [(c.kind, c.value) for c in chat.channels] == [
        ("chat", "https://chat100.aurora.gob.pe")
    ]
    # What the sources did not confirm ships pending, never shown.
    assert {s.id for s in shipped if s.status == "pending"} == {
        "co-linea-trata", "pe-alegra", "pe-divindat", "pe-upe-lima", "pe-upe-loreto",
        "pe-upe-puno", "do-relevic", "do-pedatec", "ni-defensoria-publica",
        # Brazil's Conselhos Tutelares have no national number: local contacts needed
        "br-conselho-tutelar",
        # Peru's single number 911 is announced but not confirmed in service
        "pe-central-911",
    }


def test_every_shipped_number_is_in_the_sources_or_the_directory_docs(
    shipped: list[Service],
) -> None:
    """Each phone or WhatsApp number is in helplines.md or in docs/directory.md, which names
    the source of every service."""
    texts = [DOCS.read_text(encoding="utf-8")]
    if HELPLINES.exists():
        texts.append(HELPLINES.read_text(encoding="utf-8"))
    source_digits = re.sub(r"\D", "", " ".join(texts))
    for service in shipped:
        for channel in service.channels:
            if channel.kind in ("phone", "whatsapp"):
                digits = re.sub(r"\D", "", channel.value)
                local = digits[2:] if channel.kind == "whatsapp" else digits  # minus +55/+57
                assert local in source_digits, (service.id, channel.value)


def test_shipped_active_services_carry_vetting_data(shipped: list[Service]) -> None:
    for service in shipped:
        assert service.source and service.review_due
        assert "desk research" in (service.vetted_by or "")  # nobody has called them yet
        if service.status == "active":
            assert service.vetted_by and "re-vet before going live" in service.vetted_by
            assert service.vetted_on in (date(2026, 11, 22), date(2026, 12, 4))
            assert service.review_due > service.vetted_on
        if service.vetted_on == date(2026, 12, 4):
            # desk research says so plainly, and names the day its sources were checked
            assert "no call made" in (service.vetted_by or "no call made")
            assert "checked 2026-12-04" in service.source


def test_shipped_emergency_numbers(shipped: list[Service]) -> None:
    # in their emergency_rank order: in immediate danger, the police first (105 in Peru)
    expected = {
        "PE": ["pe-pnp-105", "pe-linea-100"],
        "CO": ["co-linea-123", "co-linea-141"],
        "DO": ["do-911", "do-linea-vida"],
        "NI": ["ni-policia-118", "ni-linea-133"],
        "BR": ["br-policia-190", "br-disque-100", "br-samu-192", "br-bombeiros-193"],
        None: ["pe-pnp-105", "pe-linea-100"],
        "MX": ["pe-pnp-105", "pe-linea-100"],
    }
    for country, wanted in expected.items():
        assert ids(emergency_services(shipped, country=country, today=TODAY)) == wanted


def test_shipped_pending_services_are_never_shown(shipped: list[Service]) -> None:
    pending = {s.id for s in shipped if s.status == "pending"}
    for topic in TOPICS:
        for country in ("PE", "CO", "DO", "NI", "BR"):
            for region in (None, "puno", "loreto", "lima"):
                found = match_services(
                    shipped,
                    topic=topic,
                    country=country,
                    region=region,
                    today=TODAY,
                    overrides={service_id: "active" for service_id in pending},
                )
                assert not pending & set(ids(found))


def test_every_topic_finds_something_in_peru(shipped: list[Service]) -> None:
    for topic in TOPICS:
        assert match_services(shipped, topic=topic, country="PE", region="puno", today=TODAY)
    trafficking = match_services(
        shipped, topic="trafficking", country="PE", region=None, today=TODAY
    )
    assert "pe-linea-1818" in ids(trafficking)


# ------------------------------------------------------------------ visibility


def test_pending_is_never_visible_even_with_an_override() -> None:
    service = make_service(status="pending", vetted_by=None, vetted_on=None)
    assert not service.is_visible(TODAY)
    assert not service.is_visible(TODAY, override="active")


def test_suspended_is_never_visible() -> None:
    assert not make_service(status="suspended").is_visible(TODAY)


def test_override_suspends_an_active_service_and_revives_a_suspended_one() -> None:
    active, suspended = make_service("pe-a"), make_service("pe-s", status="suspended")
    assert active.is_visible(TODAY) and not active.is_visible(TODAY, "suspended")
    assert suspended.is_visible(TODAY, "active")
    found = match_services(
        [active, suspended],
        topic="sexual_exploitation",
        country="PE",
        region=None,
        today=TODAY,
        overrides={"pe-a": "suspended", "pe-s": "active"},
    )
    assert ids(found) == ["pe-s"]


def test_expired_review_hides_the_service_from_the_day_after() -> None:
    due = date(2027, 5, 22)
    service = make_service(review_due=due)
    assert service.is_visible(due)
    assert not service.is_visible(due + timedelta(days=1))
    assert (
        match_services(
            [service],
            topic="sexual_exploitation",
            country="PE",
            region=None,
            today=due + timedelta(days=1),
        )
        == []
    )


# ------------------------------------------------------------------ matching


def test_region_services_come_before_national_ones_then_by_name() -> None:
    services = [
        make_service("pe-b-national", name={"es": "Beta"}),
        make_service("pe-puno", name={"es": "Zeta"}, regions=("puno",)),
        make_service("pe-a-national", name={"es": "Alfa"}),
        make_service("pe-loreto", name={"es": "Alfa Loreto"}, regions=("loreto",)),
        make_service("co-national", countries=("CO",)),
    ]
    found = match_services(
        services, topic="sexual_exploitation", country="PE", region="puno", today=TODAY
    )
    assert ids(found) == ["pe-puno", "pe-a-national", "pe-b-national"]


def test_regional_service_of_another_region_or_no_region_is_excluded() -> None:
    services = [make_service("pe-loreto", regions=("loreto",)), make_service("pe-national")]
    assert ids(
        match_services(
            services, topic="sexual_exploitation", country="PE", region="puno", today=TODAY
        )
    ) == ["pe-national"]
    assert ids(
        match_services(
            services, topic="sexual_exploitation", country="PE", region=None, today=TODAY
        )
    ) == ["pe-national"]


def test_topic_matches_first_and_other_is_the_fallback() -> None:
    services = [
        make_service("pe-trata", topics=("trafficking",)),
        make_service("pe-general", topics=("violence_home", "other")),
    ]
    assert ids(
        match_services(services, topic="trafficking", country="PE", region=None, today=TODAY)
    ) == ["pe-trata"]
    assert ids(
        match_services(services, topic="mental_health", country="PE", region=None, today=TODAY)
    ) == ["pe-general"]
    assert ids(match_services(services, topic=None, country="PE", region=None, today=TODAY)) == [
        "pe-general",
        "pe-trata",
    ]


def test_no_country_gives_nothing_so_the_caller_shows_emergency_numbers() -> None:
    assert (
        match_services(
            [make_service()], topic="sexual_exploitation", country=None, region=None, today=TODAY
        )
        == []
    )


def test_emergency_services_fall_back_to_peru_and_skip_hidden_ones() -> None:
    services = [
        make_service("pe-old", emergency=True, emergency_rank=2,
                     review_due=TODAY - timedelta(days=1)),
        make_service("pe-105", emergency=True, emergency_rank=1),
        make_service("pe-off", emergency=True, emergency_rank=3, status="suspended"),
        make_service("pe-new", emergency=True, emergency_rank=4, status="pending"),
        make_service("pe-normal"),
        make_service("co-123", emergency=True, countries=("CO",), emergency_rank=1),
    ]
    assert ids(emergency_services(services, country="CO", today=TODAY)) == ["co-123"]
    # an overdue review never hides an emergency line; suspended and pending ones are hidden
    peru = ["pe-105", "pe-old"]
    assert ids(
        emergency_services(services, country="CO", today=TODAY, overrides={"co-123": "suspended"})
    ) == peru
    assert ids(emergency_services(services, country="NI", today=TODAY)) == peru
    assert ids(emergency_services(services, country=None, today=TODAY)) == peru


def test_texts_fall_back_to_spanish() -> None:
    service = make_service(name={"es": "Línea", "en": "Line"}, hours={"es": "24 horas"})
    assert service.name_in("en") == "Line" and service.name_in("qu") == "Línea"
    assert service.hours_in("en") == "24 horas"
    assert service.description_in("en") == "Help."


@pytest.mark.parametrize(
    ("kind", "value", "href"),
    [
        ("phone", "100", "tel:100"),
        ("phone", "809-200-1202", "tel:8092001202"),
        ("phone", "+51 1 234 5678", "tel:+5112345678"),
        ("whatsapp", "+55 61 99611-0100", "https://wa.me/5561996110100"),
        ("web", "https://teprotejo.org", "https://teprotejo.org"),
        ("telegram", "https://t.me/example", "https://t.me/example"),
        ("email", "help@example.org", "mailto:help@example.org"),
    ],
)
def test_channel_links(kind: str, value: str, href: str) -> None:
    assert Channel(kind, value).href == href


# ------------------------------------------------------------------ checks

ENTRY = """\
services:
  - id: pe-test
    name: {es: "Prueba", en: "Test"}
    description: {es: "Ayuda.", en: "Help."}
    topics: [sexual_exploitation, other]
    countries: [PE]
    regions: [puno]
    channels:
      - {kind: phone, value: "100"}
    hours: {es: "24 horas", en: "24 hours"}
    free: true
    confidential: true
    emergency: false
    ages: {min: 0, max: 99}
    languages: [es, qu]
    vetted_by: "Tester"
    vetted_on: 2026-11-22
    review_due: 2027-05-22
    status: active
    source: "test"
"""
REGION_IDS = {"PE": {"lima", "loreto", "puno"}, "CO": {"bogota"}}


def check(tmp_path: Path, text: str, **kwargs: object):  # noqa: ANN201
    path = tmp_path / "services.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    kwargs.setdefault("today", TODAY)
    kwargs.setdefault("region_ids", REGION_IDS)
    return check_services(path, **kwargs)  # type: ignore[arg-type]


def line_with(text: str, fragment: str, occurrence: int = 1) -> int:
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if fragment in line]
    return hits[occurrence - 1]


def test_a_valid_entry_has_no_problems(tmp_path: Path) -> None:
    services, problems, due = check(tmp_path, ENTRY)
    assert problems == [] and due == []
    assert services[0].regions == ("puno",) and services[0].vetted_on == date(2026, 11, 22)


@pytest.mark.parametrize(
    ("old", "new", "blamed", "message"),
    [
        ("free: true", "free: true\n    colour: red", "colour:", "unknown key 'colour'"),
        ('    source: "test"\n', "", "- id: pe-test", "missing key 'source'"),
        ("id: pe-test", "id: PE_Test", "id: PE_Test", "service id 'PE_Test' must be"),
        ("id: pe-test", "id: pe-a-name-much-too-long-x", "id: pe-a", "at most 24 characters"),
        (
            "sexual_exploitation, other",
            "sexual_exploitation, dragons",
            "topics:",
            "unknown topic 'dragons'",
        ),
        ("kind: phone", "kind: fax", "kind: fax", "unknown channel kind 'fax'"),
        (
            'channels:\n      - {kind: phone, value: "100"}\n',
            "channels: []\n",
            "channels:",
            "at least one way",
        ),
        (
            'channels:\n      - {kind: phone, value: "100"}\n',
            "channels:\n",
            "channels:",
            "channels must be a list",
        ),
        ('value: "100"', 'value: "call us"', "call us", "is not a phone number"),
        (
            '{kind: phone, value: "100"}',
            '{kind: web, value: "www.example"}',
            "www.example",
            "is not a web address",
        ),
        (
            '{kind: phone, value: "100"}',
            '{kind: whatsapp, value: "99611-0100"}',
            "99611",
            "is not a WhatsApp number",
        ),
        (
            '{kind: phone, value: "100"}',
            '{kind: email, value: "nobody"}',
            "nobody",
            "is not an email address",
        ),
        (
            '{kind: phone, value: "100"}',
            '{kind: telegram, value: "https://example.org"}',
            "example.org",
            "is not a Telegram link",
        ),
        ("status: active", "status: live", "status: live", "status 'live' is not one of"),
        ("vetted_on: 2026-11-22", "vetted_on: last week", "vetted_on:", "is not a date"),
        ("review_due: 2027-05-22", "review_due: 2027-02-30", "review_due:", "is not a date"),
        (
            "review_due: 2027-05-22",
            "review_due: 2026-01-01",
            "review_due:",
            "review_due is before vetted_on",
        ),
        (
            'name: {es: "Prueba", en: "Test"}',
            'name: {es: "Prueba"}',
            "name:",
            "name: the 'en' text is missing",
        ),
        (
            'hours: {es: "24 horas", en: "24 hours"}',
            'hours: {es: "", en: "24 hours"}',
            "hours:",
            "hours: the 'es' text is missing or empty",
        ),
        (
            'description: {es: "Ayuda.", en: "Help."}',
            'description: "Ayuda."',
            "description:",
            "description must be",
        ),
        ("{min: 0, max: 99}", "{min: 18, max: 12}", "ages:", "min 18 is greater than max 12"),
        ("regions: [puno]", "regions: [cusco]", "regions:", "region 'cusco' is not a region"),
        ("countries: [PE]", "countries: [Peru]", "countries:", "must be a country code"),
        ("free: true", "free: yes please", "free:", "free must be true or false"),
        ('vetted_by: "Tester"', 'vetted_by: ""', "vetted_by:", "vetted_by must be"),
        ("languages: [es, qu]", "languages: [Spanish]", "languages:", "a language code"),
        (
            "status: active",
            "status: active\n    status: pending",
            "status: pending",
            "duplicate key 'status'",
        ),
    ],
)
def test_each_mistake_is_named_with_its_line(
    tmp_path: Path, old: str, new: str, blamed: str, message: str
) -> None:
    assert old in ENTRY
    text = ENTRY.replace(old, new, 1)
    _, problems, _ = check(tmp_path, text)
    hits = [p for p in problems if message in p.message]
    assert len(hits) == 1, problems
    assert hits[0].line == line_with(text, blamed)
    assert hits[0].path.endswith("services.yaml")
    assert str(hits[0]).startswith(f"{hits[0].path}:{hits[0].line}: ")


def test_duplicate_ids_and_all_problems_reported(tmp_path: Path) -> None:
    second = ENTRY.split("\n", 1)[1].replace("kind: phone", "kind: fax")
    text = ENTRY + second
    _, problems, _ = check(tmp_path, text)
    messages = {(p.line, p.message.split(" (")[0]) for p in problems}
    assert messages == {
        (line_with(text, "id: pe-test", 2), "service id 'pe-test' is used twice"),
        (line_with(text, "kind: fax"), "service 'pe-test': unknown channel kind 'fax'"),
    }
    with pytest.raises(ContentInvalid):
        load_services(tmp_path / "services.yaml", today=TODAY)


def test_regions_are_not_checked_without_region_ids(tmp_path: Path) -> None:
    text = ENTRY.replace("regions: [puno]", "regions: [cusco]")
    assert check(tmp_path, text, region_ids=None)[1] == []


def test_pending_entries_may_lack_vetting_and_channels(tmp_path: Path) -> None:
    text = (
        ENTRY.replace("status: active", "status: pending")
        .replace('vetted_by: "Tester"', "vetted_by: null")
        .replace("vetted_on: 2026-11-22", "vetted_on: null")
        .replace('      - {kind: phone, value: "100"}\n', "")
        .replace("channels:\n", "channels: []\n")
    )
    services, problems, _ = check(tmp_path, text)
    assert problems == []
    assert services[0].channels == () and not services[0].is_visible(TODAY)
    active = text.replace("status: pending", "status: active")
    assert {p.message.split(": ", 1)[1] for p in check(tmp_path, active)[1]} == {
        "channels must list at least one way to reach the service",
        "vetted_by must be a non-empty text",
        "vetted_on None is not a date like 2027-05-22",
    }


def test_broken_yaml_is_one_problem_with_a_line(tmp_path: Path) -> None:
    _, problems, _ = check(tmp_path, ENTRY.replace("topics: [sexual", "topics: [[sexual"))
    assert len(problems) == 1 and "not valid YAML" in problems[0].message
    assert problems[0].line > 1


def test_reviews_due_within_60_days_or_overdue(tmp_path: Path) -> None:
    later = ENTRY.split("\n", 1)[1]
    text = (
        ENTRY
        + later.replace("pe-test", "pe-soon").replace("2027-05-22", "2027-01-21")
        + later.replace("pe-test", "pe-edge").replace("2027-05-22", "2027-01-22")
        + later.replace("pe-test", "pe-late")
        .replace("2027-05-22", "2026-11-30")
        .replace("vetted_on: 2026-11-22", "vetted_on: 2026-01-01")
    )
    _, problems, due = check(tmp_path, text)
    assert problems == []
    assert ids(due) == ["pe-soon", "pe-late"]
    assert ids(check(tmp_path, text, today=date(2026, 11, 23))[2]) == [
        "pe-soon",
        "pe-edge",
        "pe-late",
    ]


def test_service_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        make_service().status = "suspended"  # type: ignore[misc]


def test_brazils_shown_services_speak_portuguese(shipped: list[Service]) -> None:
    """What a young person in Brazil can be shown has its name, description and hours in
    Portuguese; the emergency lines come in order: police, Disque 100, SAMU, fire brigade."""
    brazil = [s for s in shipped if "BR" in s.countries and s.status == "active"]
    assert {"br-policia-190", "br-disque-100", "br-samu-192", "br-bombeiros-193",
            "br-cvv-188", "br-safernet"} <= {s.id for s in brazil}
    for service in brazil:
        assert all(text.get("pt") for text in (service.name, service.description,
                                               service.hours)), service.id
    numbers = [c.value for s in emergency_services(shipped, country="BR", today=TODAY)
               for c in s.channels if c.kind == "phone"]
    assert numbers == ["190", "100", "192", "193"]
