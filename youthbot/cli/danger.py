"""`youthbot danger eval|train|cv`: how well the danger check does, and its classifier."""

from __future__ import annotations

import argparse
import time
from typing import Any

from ..config import Settings

# The parts of danger_eval.yaml (core/safety/danger_eval.HALVES, not imported at start-up).
PARTS = ("tuning", "heldout", "independent_a", "independent_b")


def add_danger_command(sub: Any) -> None:
    """Register `youthbot danger eval [--file F] [--split S] [--verbose] [--patterns-only]`,
    `youthbot danger train [--exclude PART] [--out F]` and `youthbot danger cv`."""
    danger = sub.add_parser("danger", help="danger words: measure them, train the classifier")
    danger_sub = danger.add_subparsers(metavar="ACTION", required=True)
    evaluate = danger_sub.add_parser(
        "eval", help="recall and false alarms on the labelled set (danger_eval.yaml)"
    )
    evaluate.add_argument("--file", metavar="F", help="labelled set (default: the shipped one)")
    evaluate.add_argument(
        "--split", choices=(*PARTS, "both"), default=None,
        help="only this part (default: every part and all of them together)",
    )
    evaluate.add_argument("--verbose", action="store_true",
                          help="list missed disclosures and false alarms")
    evaluate.add_argument("--patterns-only", action="store_true",
                          help="the first layer alone, without the classifier")
    evaluate.add_argument("--model", metavar="F", help="classifier file (default: the shipped)")
    evaluate.set_defaults(func=cmd_danger_eval)
    for name, text in (("train", "cross-validate, choose the thresholds and write the "
                                 "classifier (content/danger_model.gz)"),
                       ("cv", "k-fold cross-validated figures only (writes nothing)")):
        parser = danger_sub.add_parser(name, help=text)
        parser.add_argument("--exclude", metavar="PART", action="append", default=[],
                            help="leave a part of danger_eval.yaml out (e.g. independent_a)")
        parser.add_argument("--verbose", action="store_true",
                            help="list the cross-validated misses and false alarms")
        if name == "train":
            parser.add_argument("--out", metavar="F", help="where to write the classifier")
        parser.set_defaults(func=cmd_danger_train, write=name == "train")


def _matcher(settings: Settings, *, model: bool = True):  # noqa: ANN202
    from ..core.safety.danger_file import default_danger_words_path, load_danger_words

    path = (settings.content_dir / "danger_words.yaml" if settings.content_dir
            else default_danger_words_path())
    return load_danger_words(path, model=model)


def cmd_danger_eval(args: argparse.Namespace, settings: Settings) -> int:
    """Print the figures; exit 1 when a part shown misses the goals."""
    from ..core.safety.danger_eval import evaluate, load_cases, render
    from ..core.safety.danger_model import DangerModel

    started = time.perf_counter()
    matcher = _matcher(settings)
    loaded = time.perf_counter() - started
    if args.patterns_only:
        matcher = matcher.with_model(None)
    elif args.model:
        matcher = matcher.with_model(DangerModel.load(args.model))
    cases = load_cases(args.file)
    started = time.perf_counter()
    report = evaluate(matcher, cases)
    per_message = (time.perf_counter() - started) / max(len(cases), 1)
    present = {case.half for case in cases}
    halves = [args.split] if args.split else [h for h in PARTS if h in present] + ["both"]
    for line in render(report, halves=halves, verbose=args.verbose, matcher=matcher):
        print(line)
    layer = "patterns only" if matcher.model is None else (
        f"patterns + classifier (numbers from p ≥ {matcher.model.high:.2f}, "
        f"check-in from p ≥ {matcher.model.low:.2f})")
    print(f"{layer}; start-up (file + classifier) {loaded * 1000:.0f} ms; "
          f"{per_message * 1000:.2f} ms per message")
    return 0 if all(report.meets_goals(half) for half in halves) else 1


def cmd_danger_train(args: argparse.Namespace, settings: Settings) -> int:
    """Cross-validate, print the figures, and (train) write the classifier."""
    from ..core.safety.danger_eval import render
    from ..core.safety.danger_model import default_model_path
    from ..core.safety.danger_train import FOLDS, cross_validate, train_model, training_samples

    matcher = _matcher(settings, model=False)  # an old classifier file must not stop this
    samples = training_samples(exclude=args.exclude)
    result = cross_validate(matcher, samples)
    print(f"{FOLDS}-fold cross-validation on {len(samples)} texts; thresholds chosen on the "
          f"out-of-fold scores: numbers from p ≥ {result.high:.2f}, "
          f"check-in from p ≥ {result.low:.2f}")
    print("-- patterns + classifier, per part of the labelled set and together (cv); "
          "content = quiz texts and danger_words.yaml's ordinary sentences --")
    parts = sorted({h for (h, _, _) in result.report.tallies if h.startswith("cv:")})
    for line in render(result.report, halves=[*parts, "cv", "content"], verbose=args.verbose):
        print(line)
    print("-- patterns alone, same texts (the patterns were written on danger_eval.yaml, so "
          "this is not a held-out figure) --")
    for line in render(result.patterns_only, halves=["cv", "content"]):
        print(line)
    if args.write:
        out = args.out or default_model_path()
        train_model(samples, result.high, result.low, path=out)
        print(f"wrote {out}")
    return 0 if result.report.meets_goals("cv") else 1
