"""Text edits in original coordinates: the planner's ordering, conflict detection and application.

A "replace this span" is a :class:`~cfnfix.findings.TextEdit` everywhere (rules' comment
edits, the engine's edits, the language server's); the planner wraps each one it registers
in a :class:`PlannedEdit` to keep its order and the collection it belongs to.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ..findings import TextEdit

__all__ = ["EditSet", "PlannedEdit", "apply_planned", "conflicts", "in_order", "splice"]


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


def _both_deletions(a: PlannedEdit, b: PlannedEdit) -> bool:
    return not a.edit.new and not b.edit.new and a.start < a.end and b.start < b.end


@dataclass
class EditSet:
    """The edits of one plan, indexed by offset: whether a new edit conflicts with one of them
    (:func:`conflicts`), or any of them touches a span, is a lookup, not a scan, so a patch of
    16,000 operations is planned in linear time.

    Edits that replace text never overlap nor touch one another (they would conflict; two
    deletions that only touch are the exception: deleting ``[a, b)`` and ``[b, c)`` is
    deleting ``[a, c)`` whatever the order), so sorted by start they are sorted by end too.
    Insertions are kept apart, by offset, with the collections they belong to.
    """

    edits: list[PlannedEdit] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list)
    _spans: list[PlannedEdit] = field(default_factory=list)
    _points: list[int] = field(default_factory=list)
    _owners: dict[int, set[int]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.edits)

    def __iter__(self) -> Iterator[PlannedEdit]:
        return iter(self.edits)

    def add(self, edit: PlannedEdit) -> None:
        """Record ``edit`` (the caller checked :meth:`conflicting`)."""
        self.edits.append(edit)
        if edit.start == edit.end:
            owners = self._owners.get(edit.start)
            if owners is None:
                bisect.insort(self._points, edit.start)
                owners = self._owners[edit.start] = set()
            owners.add(edit.owner)
        else:
            at = bisect.bisect_right(self._starts, edit.start)
            self._starts.insert(at, edit.start)
            self._spans.insert(at, edit)

    def conflicting(self, edit: PlannedEdit) -> bool:
        """True when ``edit`` conflicts with a recorded edit."""
        if edit.start == edit.end:
            owners = self._owners.get(edit.start)
            if owners and (len(owners) > 1 or edit.owner not in owners):
                return True
        elif self.points_within(edit.start, edit.end):
            return True
        # spans starting at or before edit.end; the last of them ends last
        at = bisect.bisect_right(self._starts, edit.end)
        while at > 0:
            other = self._spans[at - 1]
            if other.end < edit.start:
                return False
            if not _both_deletions(edit, other) or (other.start < edit.end and edit.start < other.end):
                return True
            at -= 1  # touching deletions: the one before may still reach
        return False

    def points_within(self, start: int, end: int) -> bool:
        """True when an insertion is at an offset in ``[start, end]``."""
        at = bisect.bisect_left(self._points, start)
        return at < len(self._points) and self._points[at] <= end

    def touching(self, start: int, end: int) -> bool:
        """True when a recorded edit touches ``[start, end]``."""
        if self.points_within(start, end):
            return True
        at = bisect.bisect_right(self._starts, end)
        return at > 0 and self._spans[at - 1].end >= start


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
