"""Rename one logical name and every reference to it, as one RFC 6902 patch.

The patch is a same-parent ``move`` of the declaration's key (the engine keeps the key's
position, so key order is kept) followed by one operation per place that refers to the
name: a ``replace`` of the string that holds the reference (only the name inside it
changes: ``DB.Endpoint.Address`` → ``Database.Endpoint.Address``, ``${DB}`` inside a
``Fn::Sub`` template), or a ``move`` for a ``ParameterLabels`` key. Renaming a SAM resource
also renames the references to the IDs SAM derives from it (``MyFnRole`` → ``NewRole``,
``MyFn.Alias`` → ``New.Alias``).

Safety: renaming the logical ID of a deployed resource replaces it (CloudFormation creates
a new physical resource and deletes the old one); renaming a parameter breaks callers that
pass it. An ID that CloudFormation rejects was never deployed, so renaming it is safe; any
other rename is unsafe (:func:`rename_applicability`).

Background: docs/cloudformation/logical-ids.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..document.pointer import escape_token, make_pointer
from ..findings import Applicability, Fix, Op, Patch
from .naming import invalid_reason, name_is_free, sam_suffixes
from .references import SECTIONS, Reference, ReferenceIndex

__all__ = [
    "RenameError",
    "RenamePlan",
    "rename_applicability",
    "rename_fix",
    "rename_patch",
    "rename_plan",
    "rename_targets",
]


class RenameError(ValueError):
    """A rename that cannot be done: unknown name, invalid or colliding new name."""


def rename_applicability(section: str, old: str) -> Applicability:
    """``safe`` when ``old`` is a name CloudFormation rejects (never deployed), else ``unsafe``."""
    return Applicability.SAFE if invalid_reason(section, old) is not None else Applicability.UNSAFE


def rename_targets(data: dict[str, Any], section: str, old: str, new: str) -> dict[str, str]:
    """Referenced name → its new name: ``old`` → ``new``, plus the SAM IDs derived from ``old``.

    A derived ID (``OldRole``) is included only when the template does not declare it
    itself (then it is a resource of its own, not SAM's).
    """
    targets = {old: new}
    blocks = [data[block] for block in SECTIONS if isinstance(data.get(block), dict)]
    for suffix in sam_suffixes(data, section, old):
        if not any(old + suffix in block for block in blocks):
            targets[old + suffix] = new + suffix
    return targets


def _check(data: Any, section: str, old: str, new: str) -> None:
    if section not in SECTIONS:
        raise RenameError(f"{section!r} is not a section of logical names")
    block = data.get(section) if isinstance(data, dict) else None
    if not isinstance(block, dict) or old not in block:
        raise RenameError(f"{section} has no {old!r}")
    if new == old:
        raise RenameError(f"{old!r} already has that name")
    if invalid_reason("Resources", new) is not None:  # always emit strictly alphanumeric names
        raise RenameError(f"{new!r} is not a valid logical name: it {invalid_reason('Resources', new)}")
    if not name_is_free(data, new, sam_suffixes(data, section, old), exclude=(section, old)):
        raise RenameError(f"{new!r} collides with a name the template already uses")


def _splice(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, value in sorted(edits, reverse=True):
        text = text[:start] + value + text[end:]
    return text


def rename_patch(
    data: dict[str, Any], section: str, old: str, new: str, *, index: ReferenceIndex | None = None
) -> Patch:
    """RFC 6902 operations renaming ``old`` to ``new`` in ``section`` and every reference to it.

    ``data`` is the template's plain data; ``index`` may be passed when already built for
    it. Raises :class:`RenameError` when ``old`` is not declared in ``section`` or ``new``
    is not a free alphanumeric name. The patch never touches anything but the key and the
    strings that refer to the name (one operation per string, however many references it holds).
    """
    return rename_plan(data, section, old, new, index=index).patch


@dataclass(frozen=True)
class RenamePlan:
    """A rename of ``old`` to ``new`` in ``section``: its patch and the references it rewrites."""

    section: str
    old: str
    new: str
    patch: Patch
    references: tuple[Reference, ...]

    def fix(self) -> Fix:
        """The plan as a :class:`~cfnfix.findings.Fix` (safe only when ``old`` is invalid)."""
        count = len(self.references)
        noun = "reference" if count == 1 else "references"
        build = Fix.safe if rename_applicability(self.section, self.old) is Applicability.SAFE else Fix.unsafe
        return build(f"Rename {self.old!r} to {self.new!r} and update {count} {noun}", self.patch)


def rename_plan(
    data: dict[str, Any], section: str, old: str, new: str, *, index: ReferenceIndex | None = None
) -> RenamePlan:
    """:func:`rename_patch` together with the references it rewrites (in document order)."""
    _check(data, section, old, new)
    index = index if index is not None else ReferenceIndex.of(data)
    old_ptr, new_ptr = make_pointer([section, old]), make_pointer([section, new])

    def relocated(pointer: str) -> str:
        if pointer == old_ptr or pointer.startswith(old_ptr + "/"):
            return new_ptr + pointer[len(old_ptr) :]
        return pointer

    grouped: dict[str, list[tuple[Reference, str]]] = {}
    for name, replacement in rename_targets(data, section, old, new).items():
        for ref in index.references(section, name):
            grouped.setdefault(ref.pointer, []).append((ref, replacement))
    pointers = sorted(grouped, key=index.position)
    for refs in grouped.values():
        refs.sort(key=lambda rv: rv[0].start)

    ops = [Op.move(old_ptr, new_ptr)]
    for pointer in pointers:
        refs = grouped[pointer]
        if refs[0][0].is_key:  # a ParameterLabels key: move it, keeping its position
            parent = pointer.rpartition("/")[0]
            ops.append(Op.move(relocated(pointer), relocated(parent) + "/" + escape_token(refs[0][1])))
        else:
            value = _splice(index.value(pointer), [(r.start, r.end, v) for r, v in refs])
            ops.append(Op.replace(relocated(pointer), value))
    return RenamePlan(section, old, new, ops, tuple(r for p in pointers for r, _ in grouped[p]))


def rename_fix(data: dict[str, Any], section: str, old: str, new: str, *, index: ReferenceIndex | None = None) -> Fix:
    """A :class:`~cfnfix.findings.Fix` renaming ``old`` to ``new``; safe only when ``old`` is invalid."""
    return rename_plan(data, section, old, new, index=index).fix()
