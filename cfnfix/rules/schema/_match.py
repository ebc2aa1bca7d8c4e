"""Which known name was meant: case-insensitive equality, then the closest near misses.

A fix needs one answer; when two names are equally close the caller reports both and fixes
nothing. Near means a Damerau–Levenshtein distance (case ignored) of at most 2, and at most a
quarter of the name's length (so short names need an exact case-insensitive match or one
edit); no candidate farther than that is ever offered as *the* meant name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Match", "closest", "distance", "nearest"]


@dataclass(frozen=True)
class Match:
    """The best candidates and how they match: ``case`` (equal ignoring case) or ``near``."""

    names: tuple[str, ...]
    kind: str

    @property
    def unique(self) -> str | None:
        """The one meant name, or None when the candidates tie."""
        return self.names[0] if len(self.names) == 1 else None


def distance(a: str, b: str) -> int:
    """Optimal string alignment distance (insertions, deletions, substitutions, adjacent swaps)."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def _limit(name: str) -> int:
    return min(2, max(1, len(name) // 4))


def closest(name: str, candidates: Iterable[str]) -> Match | None:
    """The candidates ``name`` most likely meant, or None when none is close enough (answered
    from a cache when ``candidates`` is a frozenset: the same typo a thousand times, or the
    same unknown name, costs one search)."""
    if isinstance(candidates, frozenset):
        return _closest_kept(name, candidates)
    return _closest(name, candidates)


@lru_cache(maxsize=4096)
def _closest_kept(name: str, candidates: frozenset[str]) -> Match | None:
    return _closest(name, candidates)


def _closest(name: str, candidates: Iterable[str]) -> Match | None:
    pool = sorted({c for c in candidates if c != name})
    folded = name.casefold()
    same = tuple(c for c in pool if c.casefold() == folded)
    if same:
        return Match(same, "case")
    limit = _limit(name)
    scored = [(distance(folded, c.casefold()), c) for c in pool if abs(len(c) - len(name)) <= limit]
    scored = [(d, c) for d, c in scored if d <= limit]
    if not scored:
        return None
    best = min(d for d, _ in scored)
    return Match(tuple(c for d, c in scored if d == best), "near")


def nearest(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """Up to ``n`` candidates closest to ``name`` (for a message, not a fix)."""
    import difflib

    pool = list(candidates)
    by_case = {c.casefold(): c for c in pool}
    return [by_case[c] for c in difflib.get_close_matches(name.casefold(), list(by_case), n=n, cutoff=0.6)]
