"""Training the danger classifier (core/danger_model.py): the data, k-fold cross-validation,
the thresholds, and the honest figures of both layers together.

Data: every sentence of danger_eval.yaml (all its parts: a disclosure is danger, its theme
gives the category), the `ordinary` lists of danger_words.yaml and every text of the quizzes
(everyday and programme talk about the very topics: never danger).

Thresholds are chosen on out-of-fold probabilities only: each sentence is scored by a model
that never saw it (k folds by a hash of the normalised text, so repeated sentences stay
together). `high` is the lowest probability at which the combined matcher keeps false
numbers on ordinary sentences at most FALSE_NUMBERS_TARGET; `low` the lowest at which false
check-ins stay at most FALSE_CHECKINS_TARGET. Both leave room under the goals (5 %, 10 %)
for wording nobody wrote yet.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..yamlsource import LineDict, LineList, load_yaml
from .danger import DISCLOSURE, DangerMatcher, Finding, Markers, combine, normalize
from .danger_eval import Case, Report, load_cases
from .danger_model import DangerModel, train

FOLDS = 5
L2 = 1e-5
FALSE_NUMBERS_TARGET = 0.02
FALSE_CHECKINS_TARGET = 0.06
GRID = [round(0.30 + 0.01 * i, 2) for i in range(70)]  # 0.30 … 0.99
# The theme of a labelled disclosure → the category that chooses the bot's first sentence.
THEME_CATEGORY = {
    "sexual_abuse": "abuse", "grooming": "abuse", "exploitation": "forced",
    "sextortion": "image_threat", "images": "image_threat", "trafficking": "sold_or_taken",
    "held": "held", "violence_home": "danger", "self_harm": "suicide",
    "self_harm_suicide": "suicide", "other_danger": "danger",
}


@dataclass(frozen=True)
class Sample:
    case: Case
    danger: bool
    category: str | None


def training_samples(eval_path: Path | str | None = None, words_path: Path | str | None = None,
                     quiz_dir: Path | str | None = None,
                     exclude: Iterable[str] = ()) -> list[Sample]:
    """Every labelled text; the parts named in `exclude` (e.g. "independent_a") left out."""
    from .danger_file import default_danger_words_path

    base = Path(__file__).resolve().parent.parent.parent / "content"
    samples = [
        Sample(case, case.kind == "disclosure",
               THEME_CATEGORY.get(case.theme, "danger") if case.kind == "disclosure" else None)
        for case in load_cases(eval_path) if case.half not in set(exclude)
    ]
    words, _ = load_yaml(Path(words_path or default_danger_words_path()))
    for lang, section in (words.get("languages") or {}).items():
        for text in section.get("ordinary") or ():
            samples.append(Sample(Case(str(text), "content", lang, "ordinary", "words_file"),
                                  False, None))
    for path in sorted(Path(quiz_dir or base / "quizzes").glob("*.yaml")):
        data, _ = load_yaml(path)
        for lang, text in _texts(data):
            samples.append(Sample(Case(text, "content", lang, "ordinary", "quiz_text"),
                                  False, None))
    return samples


def _texts(node: object) -> list[tuple[str, str]]:
    """Every (language, text) of a quiz file's {es: …, en: …} mappings."""
    if isinstance(node, (dict, LineDict)):
        found = [(k, str(v)) for k, v in node.items() if k in ("es", "en") and isinstance(v, str)]
        for value in node.values():
            found += _texts(value)
        return found
    if isinstance(node, (list, LineList)):
        return [pair for item in node for pair in _texts(item)]
    return []


def fold_of(text: str, folds: int = FOLDS) -> int:
    return zlib.crc32(normalize(text).encode()) % folds


def fit(samples: Sequence[Sample], l2: float = L2) -> DangerModel:
    return train([s.case.text for s in samples], [s.danger for s in samples],
                 [s.category for s in samples], l2)


def out_of_fold(samples: Sequence[Sample], folds: int = FOLDS,
                l2: float = L2) -> list[tuple[float, str]]:
    """Each sample's (probability, category) from a model trained on the other folds."""
    which = [fold_of(s.case.text, folds) for s in samples]
    scores: list[tuple[float, str]] = [(0.0, "danger")] * len(samples)
    for fold in range(folds):
        model = fit([s for s, f in zip(samples, which, strict=False) if f != fold], l2)
        for i, (sample, f) in enumerate(zip(samples, which, strict=False)):
            if f == fold:
                scores[i] = model.predict(sample.case.text)
    return scores


def decide(first: Sequence[tuple[Finding | None, Markers]], scores: Sequence[tuple[float, str]],
           high: float, low: float) -> list[Finding | None]:
    """What the combined matcher answers for each sample at these thresholds."""
    out = []
    for (found, markers), (probability, category) in zip(first, scores, strict=False):
        if found is not None and found.tier == DISCLOSURE:
            out.append(found)
        else:
            out.append(combine(found, markers, probability, category, high, low))
    return out


def choose_thresholds(samples: Sequence[Sample], first: Sequence[tuple[Finding | None, Markers]],
                      scores: Sequence[tuple[float, str]]) -> tuple[float, float]:
    """(high, low) from out-of-fold scores, as the module's docstring says."""
    ordinary = [i for i, s in enumerate(samples) if not s.danger]

    def rates(high: float, low: float) -> tuple[float, float]:
        found = decide([first[i] for i in ordinary], [scores[i] for i in ordinary], high, low)
        numbers = sum(f is not None and f.tier == DISCLOSURE for f in found)
        checkins = sum(f is not None and f.tier != DISCLOSURE for f in found)
        return numbers / len(ordinary), checkins / len(ordinary)

    high = next((t for t in GRID if rates(t, t)[0] <= FALSE_NUMBERS_TARGET), 1.0)
    low = next((t for t in GRID if t <= high and rates(high, t)[1] <= FALSE_CHECKINS_TARGET),
               high)
    return high, low


@dataclass
class CrossValidation:
    report: Report
    patterns_only: Report
    high: float
    low: float


def cross_validate(matcher: DangerMatcher, samples: Sequence[Sample], folds: int = FOLDS,
                   l2: float = L2) -> CrossValidation:
    """k-fold figures of the combined matcher (and of the patterns alone) on every sample."""
    plain = matcher.with_model(None)
    first = [plain.patterns(s.case.text) for s in samples]
    scores = out_of_fold(samples, folds, l2)
    high, low = choose_thresholds(samples, first, scores)
    report, patterns_only = Report(), Report()
    decided = decide(first, scores, high, low)
    for sample, (found, _), finding in zip(samples, first, decided, strict=True):
        for rep, result in ((report, finding), (patterns_only, found)):
            tier = result.tier if result is not None else None
            for group in (sample.case.theme, f"lang:{sample.case.lang}", "all"):
                half = "cv" if sample.case.half != "content" else "content"
                rep.add((half, sample.case.kind, group), sample.case, tier)
                if half == "cv":
                    rep.add((f"cv:{sample.case.half}", sample.case.kind, group), sample.case,
                            tier)
    return CrossValidation(report, patterns_only, high, low)


def train_model(samples: Sequence[Sample], high: float, low: float, l2: float = L2,
                path: Path | str | None = None) -> DangerModel:
    """The shipped model: trained on every sample, with the cross-validated thresholds."""
    model = fit(samples, l2)
    model.high, model.low = high, low
    if path is not None:
        model.save(path)
    return model

