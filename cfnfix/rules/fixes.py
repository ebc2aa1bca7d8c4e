"""Fix builders: patch shapes that several rules build, written once on top of :class:`~cfnfix.findings.Op`.

A rule that needs one of these shapes calls the builder instead of writing the operations
again: making a database deletable (CFX201, CFX252), setting a property where the resource
may have no ``Properties`` yet (CFX253, CFX256), renaming a key with ``move`` (CFX701,
CFX804, the Aurora upgrade), removing list items (CFX806, CFX740), appending to a list
(CFX401, CFX501), removing a value only if it is still what the rule saw (CFX802, CFX806).
Builders return operations (or a :class:`~cfnfix.findings.Fix` where the message is part
of the shape); they read the template's plain data and never change it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..document.pointer import escape_token
from ..findings import Fix, Op, Operation, Patch

__all__ = [
    "append_items",
    "deletable_database",
    "guarded_remove",
    "policy_pair",
    "remove_items",
    "rename_key",
    "set_property",
]


def _properties(body: Mapping[str, Any]) -> dict[str, Any] | None:
    value = body.get("Properties")
    return value if isinstance(value, dict) else None


def set_property(resource: str, body: Mapping[str, Any], name: str, value: Any) -> Operation:
    """Write top-level property ``name`` of the resource at pointer ``resource`` (whose entry is ``body``).

    ``replace`` when the property is there, ``add`` when it is not; a resource without a
    ``Properties`` mapping gets one holding just this property.
    """
    props = _properties(body)
    if props is None:
        return Op.add(resource + "/Properties", {name: value})
    return Op.set(f"{resource}/Properties/{escape_token(name)}", value, exists=name in props)


def policy_pair(resource: str, body: Mapping[str, Any], value: str) -> tuple[Patch, list[str]]:
    """Add ``DeletionPolicy: value``, and ``UpdateReplacePolicy: value`` unless the resource has one.

    Returns the operations and what they add, for a message (``["DeletionPolicy: Delete", …]``).
    The caller has checked that ``DeletionPolicy`` is absent.
    """
    patch = [Op.add(resource + "/DeletionPolicy", value)]
    parts = [f"DeletionPolicy: {value}"]
    if "UpdateReplacePolicy" not in body:
        patch.append(Op.add(resource + "/UpdateReplacePolicy", value))
        parts.append(f"UpdateReplacePolicy: {value}")
    return patch, parts


def deletable_database(resource: str, body: Mapping[str, Any], *, drop_skip_final_snapshot: bool = True) -> Fix:
    """The unsafe fix that lets a database (resource at pointer ``resource``) go without a final snapshot.

    Adds ``DeletionPolicy: Delete`` (and ``UpdateReplacePolicy: Delete`` when absent, as
    cfn-lint W3011 wants both); with ``drop_skip_final_snapshot``, also removes a
    ``SkipFinalSnapshot`` property, which is not a CloudFormation property (E3002). The
    caller has checked that ``DeletionPolicy`` is absent. Background: docs/cloudformation/rds.md.
    """
    patch, parts = policy_pair(resource, body, "Delete")
    message = f"Add {' and '.join(parts)} (no final snapshot on delete or replacement)"
    if drop_skip_final_snapshot and "SkipFinalSnapshot" in (_properties(body) or {}):
        patch.append(Op.remove(resource + "/Properties/SkipFinalSnapshot"))
        message += "; remove the SkipFinalSnapshot property, which CloudFormation rejects (E3002)"
    return Fix.unsafe(message, patch)


def rename_key(parent: str, old: str, new: str) -> Operation:
    """Rename key ``old`` of the mapping at pointer ``parent`` to ``new``: a ``move`` keeps its value and place."""
    return Op.move(f"{parent}/{escape_token(old)}", f"{parent}/{escape_token(new)}")


def remove_items(array: str, indexes: Iterable[int]) -> Patch:
    """Remove the items at ``indexes`` of the list at pointer ``array``, highest index first
    (so that each index still names the item it named in the original data)."""
    return [Op.remove(f"{array}/{i}") for i in sorted(set(indexes), reverse=True)]


def append_items(array: str, values: Iterable[Any]) -> Patch:
    """Append ``values``, in order, to the end of the list at pointer ``array``."""
    return [Op.add(array + "/-", value) for value in values]


def guarded_remove(path: str, value: Any) -> Patch:
    """Remove the value at ``path``, failing the patch unless it still equals ``value``
    (a ``test`` first: the removal never takes something the rule did not see)."""
    return [Op.test(path, value), Op.remove(path)]
