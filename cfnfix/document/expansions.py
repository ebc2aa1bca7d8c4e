"""YAML anchors, aliases and merge keys: where a template's text stands for data elsewhere too.

CloudFormation rejects aliases and merge keys, but the SAM CLI and ``aws cloudformation
package`` expand them before upload, so such templates are real (``docs/yaml-anchors.md``).
The YAML loader expands them into the plain data (rules see what CloudFormation will get,
as cfn-lint does) and records each one as an :class:`Expansion`: where it is in the text
and which JSON Pointer of the data it covers. ``check`` reports them (CFX850); the patch
engine refuses any operation at or inside one (:func:`conflict`), since an edit there would
change data at more than one path, or none.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["anchor", "alias", "merge"]

#: Largest number of nodes a template may have once its aliases are expanded (cfn-lint's
#: bound too): a few lines of nested aliases ("billion laughs") expand exponentially.
MAX_EXPANDED_NODES = 250_000


@dataclass(frozen=True, slots=True)
class Expansion:
    """One anchor (``&name``), alias (``*name``) or merge key (``<<``) of a YAML template."""

    kind: Kind
    name: str
    """The anchor's name (without ``&``/``*``), or ``<<`` for a merge key."""
    pointer: str
    """JSON Pointer of the data it covers: the anchored node, the alias's value, the mapping
    holding the merge key."""
    offset: int
    """Character offset of the ``&``, ``*`` or ``<<`` in the text."""

    def describe(self) -> str:
        """``anchor &name``, ``alias *name`` or ``merge key <<``."""
        if self.kind == "anchor":
            return f"anchor &{self.name}"
        if self.kind == "alias":
            return f"alias *{self.name}"
        return "merge key <<"


def covers(expansion: Expansion, pointer: str) -> bool:
    """True when an edit at ``pointer`` would land at, inside or around ``expansion``'s node."""
    own = expansion.pointer
    return pointer == own or pointer.startswith(own + "/") or own.startswith(pointer + "/") or pointer == ""


def _region(pointer: str) -> str:
    """What an operation at ``pointer`` may disturb: an array element's whole array (adding or
    removing one shifts the indices, and so the pointers, of the siblings after it; appending
    with ``-`` shifts none)."""
    head, _, last = pointer.rpartition("/")
    return head if last.isdigit() and last.isascii() else pointer


def _is_index(token: str) -> bool:
    return token == "-" or (token.isdigit() and token.isascii())


def _inside(pointer: str, expansion: Expansion) -> bool:
    return pointer == expansion.pointer or pointer.startswith(expansion.pointer + "/")


def conflict(
    ops: Sequence[Mapping[str, Any]], expansions: tuple[Expansion, ...]
) -> tuple[int, Mapping[str, Any], Expansion] | None:
    """The first operation of ``ops`` that would edit an anchored, aliased or merged node:
    (its index, the operation, the expansion, the innermost one covering the path), or None.

    ``test`` only reads; ``copy`` only reads its ``from``. A same-parent ``move`` of a mapping
    key (a rename) rewrites only the key's text, so it may hold such nodes; it is refused only
    when the key itself lies inside one. The pointers of what it holds follow the rename for
    the operations after it.
    """
    if not expansions:
        return None
    current = list(expansions)
    for index, op in enumerate(ops):
        if not isinstance(op, dict) or op.get("op") == "test" or not isinstance(op.get("path"), str):
            continue
        path, source = op["path"], op.get("from")
        if op.get("op") == "move" and isinstance(source, str):
            head, _, last = path.rpartition("/")
            source_head, _, source_last = source.rpartition("/")
            if path and source and head == source_head and not _is_index(last) and not _is_index(source_last):
                holders = [e for e in current if source.startswith(e.pointer + "/")]
                if holders:
                    return index, op, max(holders, key=lambda e: len(e.pointer))
                current = [_renamed(e, source, path) for e in current]
                continue
        paths = [path] + ([source] if op.get("op") == "move" and isinstance(source, str) else [])
        for pointer in paths:
            hits = [e for e in current if covers(e, _region(pointer))]
            if hits:
                inside = [e for e in hits if _inside(pointer, e)]
                best = max(inside, key=lambda e: len(e.pointer)) if inside else min(hits, key=lambda e: e.offset)
                return index, op, best
    return None


def _renamed(expansion: Expansion, source: str, path: str) -> Expansion:
    if _inside(expansion.pointer, Expansion(expansion.kind, "", source, 0)):
        return Expansion(expansion.kind, expansion.name, path + expansion.pointer[len(source) :], expansion.offset)
    return expansion


def expanded_size(data: Any, memo: dict[int, int]) -> int:
    """Nodes in ``data`` with every alias expanded (shared objects counted at each use),
    in time proportional to the distinct objects (``memo`` keeps sizes by identity)."""
    if not isinstance(data, (dict, list)):
        return 1
    known = memo.get(id(data))
    if known is not None:
        return known
    total = 1
    for child in data.values() if isinstance(data, dict) else data:
        total += expanded_size(child, memo)
        if total > MAX_EXPANDED_NODES:
            break
    memo[id(data)] = total
    return total


def refusal_reason(subject: str, op: Mapping[str, Any], expansion: Expansion) -> str:
    """The one-line reason an edit of ``op`` (by ``subject``: a rule, or a patch operation) is refused."""
    path = op.get("path")
    if op.get("op") == "move" and isinstance(op.get("from"), str):
        path = f"{op['from']} → {path}"
    inside = all(_inside(p, expansion) for p in (op.get("path"), op.get("from")) if isinstance(p, str))
    what = "a mapping with a YAML merge key (<<)" if expansion.kind == "merge" else f"the YAML {expansion.describe()}"
    where = f"inside {what}" if inside else f"a node holding {what}"
    return (
        f"{subject} would edit {path}, {where}: cfnfix does not edit anchored, aliased or merged YAML "
        "(that text stands for data at more than one place), so the file is left unchanged; expand the "
        "node by hand to apply the fix"
    )
