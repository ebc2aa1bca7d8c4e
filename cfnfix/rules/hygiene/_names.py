"""Helpers of the hygiene rules: comment-like keys, close names, the sections table."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any

#: A key that is a comment, not a name: ``/* … */``, ``// …``, ``# …``, or a run of
#: decoration (``===== NETWORKING =====``, ``---- storage ----``).
_COMMENT_KEY = re.compile(r"^\s*(?:/\*.*\*/|//.*|#.*|[-=*#~_+]{3,}.*)\s*$", re.DOTALL)


def is_comment_key(key: str) -> bool:
    """True when ``key`` reads as a comment (see :data:`_COMMENT_KEY`)."""
    return _COMMENT_KEY.match(key) is not None


def is_empty(value: Any) -> bool:
    """True for a value that carries no data: ``{}``, ``[]``, ``""``, null."""
    return value is None or value == {} or value == [] or (isinstance(value, str) and not value.strip())


def is_comment_entry(key: str, value: Any) -> bool:
    """A comment written as an entry (``"/* NETWORKING */": {}``): a comment key whose value is
    empty or a plain string (the note). Anything else under such a key is left to other rules."""
    return is_comment_key(key) and (is_empty(value) or isinstance(value, str))


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
