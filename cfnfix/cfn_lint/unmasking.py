"""``apply --verify``: is a cfn-lint error in the fixed template the fix's doing?

cfn-lint skips the deeper checks of a resource whose logical ID it rejects (and of SAM
resources without the transform, and so on), so a fix that renames such a resource
*unmasks* errors that were there all along. An error of the fixed template that the
original does not have (same rule id and message, as a multiset, renamed logical IDs read
under their old names) is **new** only when the fix changed the node the error is about:
the node at the error's JSON Pointer (read under the old name when the fix renamed a
key on the way) differs between the original's data and the fixed data, or did not exist
before. Otherwise it is **unmasked**: reported, but no reason to refuse the file.

Errors about the dependency graph (E3004 circular dependencies) are always new: a cycle is
reported on one of its resources, which need not be the one the fix changed.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..document.pointer import parse_pointer
from ..findings import Patch
from .runner import DEFAULT_REGIONS, LintMatch
from .verify import lint_errors, rename_names

__all__ = ["ALWAYS_NEW", "Verdict", "judge", "key_moves", "unmasked_note"]

#: cfn-lint rules whose error is about a graph, not the node it is reported at.
ALWAYS_NEW = frozenset({"E3004"})
_MISSING = object()


@dataclass
class Verdict:
    """cfn-lint errors the fixed template has and the original does not, split by cause."""

    new: list[LintMatch] = field(default_factory=list)
    """The fix changed (or created) the node they are about: the fix is refused."""
    unmasked: list[LintMatch] = field(default_factory=list)
    """The node is as it was (under its old name): cfn-lint could not see it before."""


def key_moves(patch: Patch) -> list[tuple[list[str], list[str]]]:
    """(new key path, old key path) of every rename in ``patch`` (a ``move`` between two keys of one mapping)."""
    moves: list[tuple[list[str], list[str]]] = []
    for op in patch:
        if op.get("op") == "move" and isinstance(op.get("from"), str) and isinstance(op.get("path"), str):
            src, dst = parse_pointer(op["from"]), parse_pointer(op["path"])
            if src and dst and src[:-1] == dst[:-1] and src[-1] != dst[-1]:
                moves.append((dst, src))
    return moves


def _old_path(tokens: list[str], moves: list[tuple[list[str], list[str]]]) -> list[str]:
    for new, old in reversed(moves):
        if tokens[: len(new)] == new:
            tokens = old + tokens[len(new) :]
    return tokens


def _at(data: Any, tokens: list[str]) -> Any:
    for tok in tokens:
        if isinstance(data, dict) and tok in data:
            data = data[tok]
        elif isinstance(data, list) and tok.isdigit() and int(tok) < len(data):
            data = data[int(tok)]
        else:
            return _MISSING
    return data


def _same_node(
    before: Any, after: Any, path: str, moves: list[tuple[list[str], list[str]]], renamed: dict[str, str]
) -> bool:
    tokens = parse_pointer(path)
    if not tokens:
        return False  # the whole template: a fix always changes it
    old = _at(before, _old_path(tokens, moves))
    new = _at(after, tokens)
    if old is _MISSING or new is _MISSING:
        return False
    dump = json.dumps(new, sort_keys=True, ensure_ascii=False)
    return rename_names(dump, renamed) == json.dumps(old, sort_keys=True, ensure_ascii=False)


def judge(before: str, after: str, patch: Patch, regions: tuple[str, ...] = DEFAULT_REGIONS) -> Verdict:
    """Lint both texts and split the fixed text's extra errors into new and unmasked."""
    from ..document import load
    from ..document.repair import load_document
    from .verify import renames

    verdict = Verdict()
    errors = lint_errors(after, regions)
    if not errors:
        return verdict
    renamed = renames(patch)
    old = Counter((e.rule_id, e.message) for e in lint_errors(before, regions))
    extra: list[LintMatch] = []
    for error in errors:
        key = (error.rule_id, rename_names(error.message, renamed))
        if old[key]:
            old[key] -= 1
        else:
            extra.append(error)
    if not extra:
        return verdict
    before_data, after_data = load_document(before).data, load(after).data  # the original may need the JSON repair
    moves = key_moves(patch)
    for error in extra:
        if (
            error.rule_id not in ALWAYS_NEW
            and error.path
            and _same_node(before_data, after_data, error.path, moves, renamed)
        ):
            verdict.unmasked.append(error)
        else:
            verdict.new.append(error)
    return verdict


def unmasked_note(errors: list[LintMatch], shown: int = 3) -> str:
    """One line: cfn-lint errors the fix made visible without causing them."""
    listed = "; ".join(str(e) for e in errors[:shown])
    more = f"; and {len(errors) - shown} more" if len(errors) > shown else ""
    what = "an error" if len(errors) == 1 else f"{len(errors)} errors"
    return f"the fix unmasked {what} cfn-lint could not see before (not caused by the fix): {listed}{more}"
