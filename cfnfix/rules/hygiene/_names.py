"""Helpers of the hygiene rules: close names, the sections table (comment keys: :mod:`cfnfix.template.comments`)."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from ...template.comments import is_comment_entry, is_comment_key, is_empty

__all__ = ["close_names", "is_comment_entry", "is_comment_key", "is_empty", "sections_table"]


@lru_cache(maxsize=1)
def sections_table() -> dict[str, Any]:
    """``cfnfix/data/template_sections.json`` (top-level sections and SAM Globals keys)."""
    text = resources.files("cfnfix").joinpath("data/template_sections.json").read_text(encoding="utf-8")
    return json.loads(text)


def _distance(a: str, b: str) -> int:
    """Optimal string alignment distance (Damerau–Levenshtein with adjacent swaps)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def close_names(word: str, names: list[str]) -> list[str]:
    """The names ``word`` most likely meant, best first tier only: the same ignoring case; else
    the same up to a plural ``s``; else those at the smallest edit distance (ignoring case) when
    it is at most 2 and under a third of the name. Empty when nothing is close."""
    low = word.lower().strip()
    same = [n for n in names if n.lower() == low]
    if same:
        return same
    plural = [n for n in names if n.lower() in (low + "s", low.removesuffix("s"))]
    if plural:
        return plural
    scored = [(_distance(low, n.lower()), n) for n in names]
    best = min((d for d, _ in scored), default=99)
    if best > 2 or best * 3 >= max(len(low), 1):
        return []
    return [n for d, n in scored if d == best]
