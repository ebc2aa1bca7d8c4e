"""Source nodes: the template as a tree of spans over the original text.

A node knows where it starts and ends in the text (character offsets into the whole
text, byte order mark included) and how it is written (flow or block, scalar style,
CloudFormation short-form tag). The plain-data view (:mod:`cfnfix.document.data`) and
the patch engine both walk this tree.

Offsets
    ``start``  first character of the node, its tag included (``!Ref X`` starts at ``!``).
    ``value_start``  first character after the tag and the blanks that follow it.
    ``end``  one past the last significant character. For a block collection this is the
    end of its deepest last leaf (never the comments that follow it); for a block scalar
    with clip or strip chomping it is the end of the line break of its last non-empty
    line; with keep chomping (``|+``) it includes the kept blank lines.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Union


@dataclass(eq=False, slots=True)
class ScalarNode:
    """A scalar: ``value`` is the text as YAML/JSON reads it (before type resolution)."""

    start: int
    value_start: int
    end: int
    value: str
    style: str  # "" plain, "'", '"', "|", ">", "json" (a JSON string), "jsonlit" (JSON number/true/false/null)
    tag: str | None = None  # CloudFormation short-form tag such as "!Ref", else None
    data: object = None  # resolved Python value (str, int, float, bool, None)


class KeyIndex:
    """Where each key of a large mapping is in its ``items`` (see
    :func:`cfnfix.document.resolve.entry_of`): positions as they were when it was built, less
    the entries removed before them since (kept sorted in ``gone``), so removing an entry does
    not renumber the others."""

    __slots__ = ("at", "gone")

    def __init__(self, items: list[tuple[ScalarNode, Node]]) -> None:
        self.at: dict[str, int] = {entry[0].value: i for i, entry in enumerate(items)}
        self.gone: list[int] = []

    def index(self, key: str) -> int | None:
        """The position of ``key`` now, or None."""
        at = self.at.get(key)
        return None if at is None else at - bisect.bisect_left(self.gone, at)


@dataclass(eq=False, slots=True)
class MappingNode:
    """A mapping: ``items`` keeps (key, value) pairs in source order."""

    start: int
    value_start: int
    end: int
    items: list[tuple[ScalarNode, Node]] = field(default_factory=list)
    flow: bool = False
    tag: str | None = None
    close: int = -1  # offset of the closing brace of a flow mapping, else -1
    #: key text → its (key, value) entry, built on first lookup in a large mapping
    #: (:func:`cfnfix.document.resolve.entry_of`); whoever changes ``items`` keeps it or drops it
    keys: KeyIndex | None = field(default=None, repr=False)


@dataclass(eq=False, slots=True)
class SequenceNode:
    """A sequence: ``items`` in source order."""

    start: int
    value_start: int
    end: int
    items: list[Node] = field(default_factory=list)
    flow: bool = False
    tag: str | None = None
    close: int = -1  # offset of the closing bracket of a flow sequence, else -1


Node = Union[ScalarNode, MappingNode, SequenceNode]  # noqa: UP007 (a runtime alias: `|` of classes needs 3.10's types.UnionType)
