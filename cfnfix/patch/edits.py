"""Text edits in original coordinates: conflict detection and application."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
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
