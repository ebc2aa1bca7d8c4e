"""The dated tables of AWS managed policies and service principals (``data/iam_names.json``),
and finding the real name a near miss meant.

Background: docs/cloudformation/iam.md ("Managed policies", "Service principals", "Near misses").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources as _files
from typing import Any

#: A Region inside a regional service principal (``logs.us-east-1.amazonaws.com``).
_REGIONAL = re.compile(
    r"^(?P<service>[a-z0-9.-]+?)\.(?P<region>[a-z]{2,4}(?:-[a-z]+)+-\d+)\.(?P<domain>amazonaws\.com)$"
)


@cache
def table() -> dict[str, Any]:
    """The whole data file."""
    text = (_files.files(__package__) / "data" / "iam_names.json").read_text(encoding="utf-8")
    return json.loads(text)


def table_date() -> str:
    """The date the tables were generated (for messages)."""
    return str(table()["date"])


@dataclass(frozen=True)
class Policy:
    """One AWS managed policy: ``path`` is ``""`` (root), ``service-role/`` …, or None when unknown."""

    name: str
    path: str | None
    updated: str | None
    deprecated: bool

    @property
    def full(self) -> str:
        """``path`` + ``name`` as written after ``:policy/`` in its ARN."""
        return (self.path or "") + self.name


@cache
def policies() -> dict[str, Policy]:
    """Every managed policy by name."""
    deprecated = set(table()["deprecated_policies"])
    return {
        name: Policy(name, path, updated, name in deprecated)
        for name, (path, updated) in table()["managed_policies"].items()
    }


@cache
def _by_norm() -> dict[str, list[Policy]]:
    out: dict[str, list[Policy]] = {}
    for policy in policies().values():
        out.setdefault(norm(policy.name), []).append(policy)
    return out


@cache
def principals() -> frozenset[str]:
    """Every known service principal."""
    return frozenset(table()["service_principals"])


def norm(name: str) -> str:
    """A name folded for near-miss comparison: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of ``a`` and ``b``, or ``limit + 1`` once it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def policy_candidates(name: str) -> list[Policy]:
    """Attachable policies a written name most likely means (empty: none close enough).

    In order: the same letters and digits (``AWS_Config_Role`` → ``AWS_ConfigRole``), the same
    with the ``AWS``/``Amazon`` prefix it left out (``ConfigRole``), then names at most two
    edits away (of the folded name; at most one for names under ten characters).
    """
    folded = norm(name)
    index = _by_norm()
    for key in (folded, "aws" + folded, "amazon" + folded):
        found = [p for p in index.get(key, ()) if not p.deprecated and p.name != name]
        if found:
            return found
    limit = 1 if len(folded) < 10 else 2
    best: list[Policy] = []
    best_distance = limit + 1
    for key, group in index.items():
        d = distance(folded, key, limit)
        live = [p for p in group if not p.deprecated]
        if d < best_distance and live:
            best, best_distance = live, d
        elif d == best_distance and live:
            best.extend(live)
    return best if best_distance <= limit else []


def choose(candidates: list[Policy], path: str) -> tuple[Policy | None, str]:
    """The one candidate to fix to, and why; None (and why not) when they stay ambiguous.

    Ties are broken by the path written, then by recency: a candidate updated at least a year
    after every other one is the current policy, the others superseded.
    """
    if len(candidates) == 1:
        return candidates[0], ""
    same_path = [c for c in candidates if c.path == path]
    if len(same_path) == 1:
        return same_path[0], f"the only one under {path or 'the root path'}"
    pool = same_path or candidates
    dated = sorted((c for c in pool if c.updated), key=lambda c: c.updated or "", reverse=True)
    if len(dated) == len(pool) and len(dated) > 1:
        newest, runner = dated[0], dated[1]
        if _years(runner, newest) >= 1:
            others = ", ".join(f"{c.name} (last updated {c.updated})" for c in dated[1:])
            return newest, f"updated {newest.updated}, unlike {others}"
    return None, "several policies are as close: " + ", ".join(c.full for c in pool)


def _years(older: Policy, newer: Policy) -> int:
    a, b = older.updated or "", newer.updated or ""
    return int(b[:4]) - int(a[:4]) - (b[5:] < a[5:])


def principal_known(name: str) -> bool:
    """True when ``name`` is a known service principal, also in its Regional form
    (``logs.eu-west-1.amazonaws.com``) or China form (``….amazonaws.com.cn``), or a principal
    of a part of a known service (``logging.s3.amazonaws.com``, ``build.apprunner.amazonaws.com``:
    such names are too many to list, and one under a known service is taken to exist)."""
    known = principals()
    if name.endswith(".amazonaws.com.cn"):
        name = name[: -len(".cn")]
    if name in known:
        return True
    m = _REGIONAL.match(name)
    if m is not None and f"{m.group('service')}.{m.group('domain')}" in known:
        return True
    head, dot, parent = name.partition(".")
    return bool(head and dot) and parent.endswith(".amazonaws.com") and parent in known


def principal_candidates(name: str) -> list[str]:
    """Known principals a written one most likely means: the domain fixed (``lambda.amazon.com``,
    ``lambda``), the case folded, or at most two edits of the service part."""
    known = principals()
    lower = name.lower()
    service = re.sub(r"\.amazon(aws)?\.com(\.cn)?$", "", lower)
    for guess in (lower, f"{service}.amazonaws.com"):
        if guess in known and guess != name:
            return [guess]
    limit = 1 if len(service) < 6 else 2
    best: list[str] = []
    best_distance = limit + 1
    for candidate in sorted(known):
        if not candidate.endswith(".amazonaws.com"):
            continue
        d = distance(service, candidate[: -len(".amazonaws.com")], limit)
        if d < best_distance:
            best, best_distance = [candidate], d
        elif d == best_distance:
            best.append(candidate)
    return best if best_distance <= limit else []
