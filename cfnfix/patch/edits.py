"""Text edits in original coordinates: conflict detection and application."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``text[start:end]`` with ``new`` (an insertion when start == end).

    ``owner`` identifies the collection an insertion belongs to: two insertions at the
    same offset are kept in order (``seq``) only when they belong to the same collection.
    """

    start: int
    end: int
    new: str
    seq: int
    owner: int


def conflicts(a: Edit, b: Edit) -> bool:
    """True when ``a`` and ``b`` touch the same text, so their order would be ambiguous."""
    if a.start == a.end and b.start == b.end:
        return a.start == b.start and a.owner != b.owner
    return a.start <= b.end and b.start <= a.end


def _both_deletions(a: Edit, b: Edit) -> bool:
    return not a.new and not b.new and a.start < a.end and b.start < b.end


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

    edits: list[Edit] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list)
    _spans: list[Edit] = field(default_factory=list)
    _points: list[int] = field(default_factory=list)
    _owners: dict[int, set[int]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.edits)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.edits)

    def add(self, edit: Edit) -> None:
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

    def conflicting(self, edit: Edit) -> bool:
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


class Splice(Protocol):
    """Anything that replaces ``text[start:end]`` with ``new`` (engine, fix and editor edits)."""

    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def new(self) -> str: ...


def splice(text: str, ordered: Iterable[Splice]) -> str:
    """``text`` with edits applied in the order given: sorted by offset, not overlapping."""
    out: list[str] = []
    pos = 0
    for edit in ordered:
        out.append(text[pos : edit.start])
        out.append(edit.new)
        pos = edit.end
    out.append(text[pos:])
    return "".join(out)


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply non-conflicting edits (any order given) and return the new text."""
    if not edits:
        return text
    return splice(text, sorted(edits, key=lambda e: (e.start, e.end, e.seq)))
