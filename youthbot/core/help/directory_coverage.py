"""Does the directory cover every need in every country we offer? (part of `content check`)

A need is a topic in a country, for a person of one age band. It is covered when at least one
service *fits* it:

- its status in the file is `active` and its review is not overdue on the day of the check
  (what a young person can be shown; an admin's suspension is not known here);
- it is national (no `regions`): a person who does not say their region, or lives in a region
  without services of its own, must still get an answer;
- it lists the topic. For most topics a service listing `other` also fits, because matching
  falls back to `other` when no service lists the topic. Not for `mental_health` and `legal`:
  a child line that "listens to anything" is not a way to get psychological care or a lawyer,
  so these two need a service that names them;
- its ages overlap the band (directory.AGE_BAND_AGES): a line for under-18s does not cover
  adults, a legal aid office for adults does not cover children.

Regional services make the answer better but never make it exist: a region is covered because
its country is.

A gap the desk research could not fill is written in services.yaml under `known_gaps`
(country, topic, reason): it is then a note, not a problem, so a new gap still fails the check
while a known one stays visible to whoever runs it. A known gap that is in fact covered is a
problem (remove it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path

from youthbot.core.help.directory import AGE_BAND_AGES, TOPICS, Service, fits_age_band
from youthbot.core.yamlsource import LineDict, LineList, Problem, load_yaml

# Topics that the `other` fallback does not cover (see the module's docstring).
NAMED_ONLY = ("mental_health", "legal")


def fits(service: Service, *, topic: str, country: str, age_band: str, today: date) -> bool:
    """Whether `service` answers `topic` in `country` for a person of `age_band` on `today`."""
    names_topic = topic in service.topics or (
        topic not in NAMED_ONLY and topic != "other" and "other" in service.topics
    )
    return (
        service.status == "active"
        and today <= service.review_due
        and service.is_national
        and country in service.countries
        and names_topic
        and fits_age_band(service, age_band)
    )


def coverage_gaps(
    services: Sequence[Service], countries: Iterable[str], *, today: date
) -> list[tuple[str, str, list[str]]]:
    """(country, topic, age bands left without a fitting service), for every gap."""
    gaps = []
    for country in countries:
        for topic in TOPICS:
            missing = [
                band for band in AGE_BAND_AGES
                if not any(
                    fits(s, topic=topic, country=country, age_band=band, today=today)
                    for s in services
                )
            ]
            if missing:
                gaps.append((country, topic, missing))
    return gaps


def known_gaps(path: Path | str) -> tuple[dict[tuple[str, str], tuple[str, int]], list[Problem]]:
    """`known_gaps` of services.yaml: (country, topic) → (reason, line); and its problems."""
    data = load_yaml(Path(path), str(path))[0]
    nodes = data.get("known_gaps") if isinstance(data, LineDict) else None
    gaps: dict[tuple[str, str], tuple[str, int]] = {}
    problems = []
    for index, node in enumerate(nodes if isinstance(nodes, LineList) else []):
        line = nodes.line_of(index)
        if (
            not isinstance(node, LineDict)
            or set(node) != {"country", "topic", "reason"}
            or node["topic"] not in TOPICS
            or not isinstance(node["reason"], str)
            or not node["reason"].strip()
        ):
            problems.append(Problem(str(path), line, (
                "a known gap must be {country: NI, topic: mental_health, reason: \"...\"} "
                f"with a topic among: {', '.join(TOPICS)}"
            )))
            continue
        gaps[(str(node["country"]), node["topic"])] = (node["reason"].strip(), line)
    return gaps, problems


def coverage_problems(
    services: Sequence[Service],
    countries: Iterable[str],
    *,
    today: date,
    path: str,
    accepted: Mapping[tuple[str, str], tuple[str, int]] | None = None,
) -> tuple[list[Problem], list[str]]:
    """Each gap not in `accepted` as a problem of services.yaml (line 1: the fix is a new or
    changed entry); each accepted one as a note; an accepted gap that is covered, a problem."""
    accepted = accepted or {}
    problems, notes = [], []
    found = coverage_gaps(services, countries, today=today)
    for country, topic, bands in found:
        if (country, topic) in accepted:
            reason = accepted[(country, topic)][0]
            notes.append(f"known gap: {country} {topic} (ages {', '.join(bands)}): {reason}")
            continue
        needed = f"'{topic}'" if topic in NAMED_ONLY or topic == "other" else (
            f"'{topic}' or 'other'"
        )
        problems.append(Problem(path, 1, (
            f"no active national service in {country} fits topic '{topic}' for ages "
            f"{', '.join(bands)}: add or activate one that lists {needed} in topics and whose "
            f"ages include them"
        )))
    gaps = {(country, topic) for country, topic, _ in found}
    for (country, topic), (_, line) in sorted(accepted.items()):
        if (country, topic) not in gaps:
            problems.append(Problem(path, line, (
                f"known gap {country} {topic} is covered now: remove it from known_gaps"
            )))
    return problems, notes


def check_coverage(
    path: Path | str, services: Sequence[Service], countries: Iterable[str], *, today: date
) -> tuple[list[Problem], list[str]]:
    """The coverage problems and notes of services.yaml at `path` (its known gaps read)."""
    accepted, problems = known_gaps(path)
    gap_problems, notes = coverage_problems(
        services, countries, today=today, path=str(path), accepted=accepted
    )
    return problems + gap_problems, notes
