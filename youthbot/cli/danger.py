"""`youthbot danger eval`: how well the danger words do on the labelled set."""

from __future__ import annotations

import argparse
from typing import Any

from ..config import Settings


def add_danger_command(sub: Any) -> None:
    """Register `youthbot danger eval [--file F] [--split S] [--verbose]`."""
    danger = sub.add_parser("danger", help="danger words: measure them")
    danger_sub = danger.add_subparsers(metavar="ACTION", required=True)
    evaluate = danger_sub.add_parser(
        "eval", help="recall and false alarms on the labelled set (danger_eval.yaml)"
    )
    evaluate.add_argument("--file", metavar="F", help="labelled set (default: the shipped one)")
    evaluate.add_argument(
        "--split", choices=("tuning", "heldout", "both"), default=None,
        help="only this half (default: tuning, heldout and both together)",
    )
    evaluate.add_argument("--verbose", action="store_true",
                          help="list missed disclosures and false alarms")
    evaluate.set_defaults(func=cmd_danger_eval)


def cmd_danger_eval(args: argparse.Namespace, settings: Settings) -> int:
    """Print the figures; exit 1 when a half shown misses the goals."""
    from ..core.safety.danger_eval import evaluate, load_cases, render
    from ..core.safety.danger_file import default_danger_words_path, load_danger_words

    path = (settings.content_dir / "danger_words.yaml" if settings.content_dir
            else default_danger_words_path())
    matcher = load_danger_words(path)
    report = evaluate(matcher, load_cases(args.file))
    halves = [args.split] if args.split else ["tuning", "heldout", "both"]
    for line in render(report, halves=halves, verbose=args.verbose):
        print(line)
    return 0 if all(report.meets_goals(half) for half in halves) else 1
