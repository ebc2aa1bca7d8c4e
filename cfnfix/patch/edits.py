"""Text edits in original coordinates: the planner's ordering, conflict detection and application.

A "replace this span" is a :class:`~cfnfix.findings.TextEdit` everywhere (rules' comment
edits, the engine's edits, the language server's); the planner wraps each one it registers
in a :class:`PlannedEdit` to keep its order and the collection it belongs to.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..findings import TextEdit

__all__ = ["PlannedEdit", "apply_planned", "conflicts", "in_order", "splice"]


@dataclass(frozen=True, slots=True)
class PlannedEdit:
    """A :class:`~cfnfix.findings.TextEdit` the planner registered (an insertion when start == end).

    ``seq`` is the order it was planned in; ``owner`` identifies the collection an insertion
    belongs to: two insertions at the same offset are kept in order (``seq``) only when they
    belong to the same collection.
    """

    edit: TextEdit
    seq: int
    owner: int

    @property
    def start(self) -> int:
        """Where the replaced text starts (original coordinates)."""
        return self.edit.start

    @property
    def end(self) -> int:
        """Where the replaced text ends (original coordinates)."""
        return self.edit.end


def conflicts(a: PlannedEdit, b: PlannedEdit) -> bool:
    """True when ``a`` and ``b`` touch the same text, so their order would be ambiguous."""
    x, y = a.edit, b.edit
    if x.start == x.end and y.start == y.end:
        return x.start == y.start and a.owner != b.owner
    return x.start <= y.end and y.start <= x.end


def splice(text: str, ordered: Iterable[TextEdit]) -> str:
    """``text`` with edits applied in the order given: sorted by offset, not overlapping
    (what an LSP client does with a list of edits)."""
    out: list[str] = []
    pos = 0
    for edit in ordered:
        out.append(text[pos : edit.start])
        out.append(edit.new)
        pos = edit.end
    out.append(text[pos:])
    return "".join(out)


def in_order(planned: Iterable[PlannedEdit]) -> list[TextEdit]:
    """The planned edits' text edits, sorted by offset (insertions at one offset in planning order)."""
    return [p.edit for p in sorted(planned, key=lambda p: (p.edit.start, p.edit.end, p.seq))]


def apply_planned(text: str, planned: list[PlannedEdit]) -> str:
    """Apply non-conflicting planned edits (any order given) and return the new text."""
    if not planned:
        return text
    return splice(text, in_order(planned))
