"""The small-cell rule for every figure the bot shows: a count from 1 to 4 reads "<5", and
when it is the only small one among counts whose total is shown, the smallest other count
reads "–" too (complementary suppression: the total minus the rest would give it away)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..i18n import _

SMALL = 5
HIDDEN = "–"


def shown(count: int, number: Callable[[int], str] = str) -> str:
    return "<5" if 0 < count < SMALL else number(count)


def guarded(counts: Sequence[int], number: Callable[[int], str] = str) -> list[str]:
    """Counts whose total is shown: 1 to 4 read "<5", and when only one count is that small
    the smallest other one reads "–" too, or the total minus the rest would give it away."""
    out = [shown(count, number) for count in counts]
    small = [i for i, count in enumerate(counts) if 0 < count < SMALL]
    others = [i for i, count in enumerate(counts) if count >= SMALL]
    if len(small) == 1 and others:
        out[min(others, key=lambda i: counts[i])] = HIDDEN
    return out


def hidden_note(texts: Sequence[str]) -> list[str]:
    """The line explaining "–", when one is shown."""
    if any(HIDDEN in text for text in texts):
        return [_("“–” hides a count that would give a smaller one away.")]
    return []
