"""Measure the danger matcher on the labelled set (danger_eval.yaml): recall on disclosures,
check-ins, and false alarms on ordinary sentences, per half, theme and language."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..yamlsource import ContentInvalid, LineDict, LineList, Problem, load_yaml
from .danger import AMBIGUOUS, DISCLOSURE, DangerMatcher

HALVES = ("tuning", "heldout", "independent_a", "independent_b")
KINDS = ("disclosure", "ordinary")
# The goals the figures are held to (docs/danger-words.md).
MIN_RECALL = 0.95
MAX_FALSE_NUMBERS = 0.05
MAX_FALSE_CHECKINS = 0.10


@dataclass(frozen=True)
class Case:
    """One labelled sentence."""

    text: str
    half: str
    lang: str
    kind: str
    theme: str


@dataclass
class Tally:
    """How many sentences of a group got the numbers, a check-in, or nothing."""

    total: int = 0
    numbers: int = 0
    checkins: int = 0
    misses: list[tuple[Case, str | None]] = field(default_factory=list)

    def rate(self, count: int) -> float:
        return count / self.total if self.total else 0.0


def default_eval_path() -> Path:
    return Path(__file__).resolve().parent.parent.parent / "content" / "danger_eval.yaml"


def load_cases(path: Path | str | None = None) -> list[Case]:
    """Every sentence of the file; raises ContentInvalid when its shape is wrong."""
    path = Path(path) if path is not None else default_eval_path()
    data, problems = load_yaml(path, str(path))
    cases: list[Case] = []
    if isinstance(data, LineDict):
        for half, langs in data.items():
            if half not in HALVES or not isinstance(langs, LineDict):
                problems.append(Problem(str(path), data.line_of(half),
                                        f"{half!r}: expected one of {', '.join(HALVES)}"))
                continue
            cases += _read_half(str(path), half, langs, problems)
    elif not problems:
        problems.append(Problem(str(path), 1, "expected 'tuning' and 'heldout'"))
    if problems:
        raise ContentInvalid(problems)
    return cases


def _read_half(display: str, half: str, langs: LineDict, problems: list[Problem]) -> list[Case]:
    cases = []
    for lang, kinds in langs.items():
        for kind, themes in (kinds.items() if isinstance(kinds, LineDict) else ()):
            if kind not in KINDS or not isinstance(themes, LineDict):
                problems.append(Problem(display, kinds.line_of(kind),
                                        f"{kind!r}: expected disclosure or ordinary"))
                continue
            for theme, items in themes.items():
                if not isinstance(items, LineList):
                    problems.append(Problem(display, themes.line_of(theme),
                                            f"{theme!r} must be a list of sentences"))
                    continue
                cases += [Case(str(t), half, str(lang), kind, str(theme)) for t in items]
    return cases


@dataclass
class Report:
    """Tallies by (half, kind, group) where group is a theme, a language or 'all'."""

    tallies: dict[tuple[str, str, str], Tally] = field(default_factory=dict)

    def add(self, key: tuple[str, str, str], case: Case, tier: str | None) -> None:
        tally = self.tallies.setdefault(key, Tally())
        tally.total += 1
        tally.numbers += tier == DISCLOSURE
        tally.checkins += tier == AMBIGUOUS
        wrong = tier != DISCLOSURE if case.kind == "disclosure" else tier is not None
        if wrong:
            tally.misses.append((case, tier))

    def get(self, half: str, kind: str, group: str = "all") -> Tally:
        return self.tallies.get((half, kind, group), Tally())

    def meets_goals(self, half: str) -> bool:
        disclosures, ordinary = self.get(half, "disclosure"), self.get(half, "ordinary")
        return (
            (not disclosures.total or disclosures.rate(disclosures.numbers) >= MIN_RECALL)
            and ordinary.rate(ordinary.numbers) <= MAX_FALSE_NUMBERS
            and ordinary.rate(ordinary.checkins) <= MAX_FALSE_CHECKINS
        )


def evaluate(matcher: DangerMatcher, cases: Iterable[Case]) -> Report:
    """Assess every sentence; tally per half × kind × (theme, language, all)."""
    report = Report()
    for case in cases:
        finding = matcher.assess(case.text)
        tier = finding.tier if finding is not None else None
        for half in (case.half, "both"):
            for group in (case.theme, f"lang:{case.lang}", "all"):
                report.add((half, case.kind, group), case, tier)
    return report


def render(report: Report, *, halves: Iterable[str], verbose: bool = False,
           matcher: DangerMatcher | None = None) -> list[str]:
    """The figures as lines of text (English: this is a tool for coordinators and developers)."""
    lines = []
    for half in halves:
        lines.append(f"== {half} ==")
        lines.append("disclosures (goal: ≥ 95 % get the numbers)")
        lines += _rows(report, half, "disclosure", "numbers", "check-in", "nothing")
        lines.append("ordinary (goal: ≤ 5 % get the numbers, ≤ 10 % a check-in)")
        lines += _rows(report, half, "ordinary", "numbers", "check-in", "nothing")
        verdict = "meets the goals" if report.meets_goals(half) else "DOES NOT meet the goals"
        lines.append(f"{half}: {verdict}")
        if verbose:
            lines += _misses(report, half, matcher)
        lines.append("")
    return lines


def _rows(report: Report, half: str, kind: str, *labels: str) -> list[str]:
    groups = sorted(
        {g for (h, k, g) in report.tallies if h == half and k == kind and g != "all"},
        key=lambda g: (g.startswith("lang:"), g),
    )
    rows = []
    for group in [*groups, "all"]:
        tally = report.get(half, kind, group)
        nothing = tally.total - tally.numbers - tally.checkins
        cells = [
            f"{labels[0]} {tally.numbers:3d} ({tally.rate(tally.numbers):6.1%})",
            f"{labels[1]} {tally.checkins:3d} ({tally.rate(tally.checkins):6.1%})",
            f"{labels[2]} {nothing:3d}",
        ]
        name = "TOTAL" if group == "all" else group
        rows.append(f"  {name:<18} n={tally.total:3d}  " + "  ".join(cells))
    return rows


def _misses(report: Report, half: str, matcher: DangerMatcher | None = None) -> list[str]:
    lines = []
    for kind, title in (("disclosure", "missed disclosures"), ("ordinary", "false alarms")):
        misses = report.get(half, kind).misses
        lines.append(f"{title} ({len(misses)}):")
        for case, tier in misses:
            lines.append(f"  [{case.lang} {case.theme}] {tier or 'nothing'}: {case.text}")
            model = matcher.model if matcher is not None else None
            if model is not None:
                probability, _ = model.predict(case.text)
                pieces = ", ".join(f"{k[1:]!r} {w:+.2f}" for k, w in model.explain(case.text))
                lines.append(f"      p={probability:.2f}; weighs most: {pieces}")
    return lines
