"""Where the planner's edits go in the text: the interface one layout per format implements.

The planner (:mod:`cfnfix.patch.engine`) decides *what* changes — which node, in which
working tree, in which order — and asks its file format's :class:`Layout` *where* and *as
what text*: the offset a new entry goes to, the span a removed one takes with it, the text
that replaces a value. A layout reads the text and its line index (and, lazily, the file's
style) and returns offsets and strings; it never registers an edit or changes the tree.
:mod:`~cfnfix.patch.layout_json` and :mod:`~cfnfix.patch.layout_yaml` implement it, beside
the renderers they use.

Two pieces of the working tree are shared by the planner and the layouts: :class:`New`
(a value whose text exists only as a pending edit) and :class:`Flush` (raised when an
operation can only be placed on real text: the planner applies pending edits, re-parses and
plans the operation again).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from functools import cached_property
from typing import Any, ClassVar, NamedTuple

from ..document.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ..document.text import LineIndex
from .style import Style, detect_style


class New:
    """A value this patch inserted or rewrote; its text exists only as a pending edit.

    ``start``/``end`` are the original-text span its edit replaced (equal for an insertion).
    """

    __slots__ = ("data", "start", "end")
    tag = None  # read like a node's by the style sampler

    def __init__(self, data: Any, start: int, end: int) -> None:
        self.data = data
        self.start = start
        self.end = end


class Flush(Exception):
    """The operation cannot be planned on the current tree: apply pending edits first."""


class Insertion(NamedTuple):
    """New text at ``pos``; ``own_line``: whole lines inserted before the line at ``pos``."""

    pos: int
    text: str
    own_line: bool = False


class Layout(ABC):
    """Placement of new, removed and replaced text for one format, on one text.

    The planner makes one per text it plans on (the original, then each re-parse after a
    flush). ``tree`` gives the working tree's root when the style is first needed: the style
    is read off the tree as the operations planned so far have left it. Any method may raise
    :class:`Flush` when it can only place its text against real text, not a pending edit.
    """

    fmt: ClassVar[str]
    #: The output may be verified by re-parsing only the edited entries (patch/local_verify.py).
    verifies_locally: ClassVar[bool] = False

    def __init__(self, text: str, lines: LineIndex, tree: Callable[[], Node]) -> None:
        self.text = text
        self.lines = lines
        self._tree = tree

    @cached_property
    def style(self) -> Style:
        """The file's style (line ending, indentation, quoting …), read when first needed."""
        return detect_style(self.text, self.fmt, self._tree(), self.lines)

    # -- what the planner asks ------------------------------------------------------------
    def finish(self, end: int, new: str) -> tuple[int, str]:
        """An edit ending at ``end`` with text ``new``, adjusted for what follows it on its line."""
        return end, new

    @abstractmethod
    def replacement(self, node: Node, value: Any, container: Node | None) -> tuple[int, int, str]:
        """(start, end, text) that writes ``value`` in place of ``node`` (a member of ``container``)."""

    @abstractmethod
    def append_entry(self, mapping: MappingNode, key: str, value: Any) -> Insertion:
        """``key: value`` after the last entry of a non-empty ``mapping``."""

    @abstractmethod
    def inserts_before(self, mapping: MappingNode) -> bool:
        """True when :meth:`entry_before` can place an entry in ``mapping`` (template sections keep their order)."""

    @abstractmethod
    def entry_before(self, mapping: MappingNode, index: int, key: str, value: Any) -> Insertion:
        """``key: value`` before entry ``index`` of ``mapping``."""

    @abstractmethod
    def item(self, seq: SequenceNode, index: int, value: Any) -> Insertion | None:
        """``value`` as item ``index`` of a non-empty ``seq`` (appended at ``len``); None: re-render ``seq``."""

    @abstractmethod
    def removal(self, container: MappingNode | SequenceNode, index: int) -> tuple[int, int] | None:
        """The span that removing member ``index`` of ``container`` (of two or more) cuts; None: re-render it."""

    def removal_reads_what_follows(self, container: MappingNode | SequenceNode, index: int) -> bool:
        """True when removing member ``index`` must see the real text after it, pending edits
        applied (the planner flushes first): what follows it would join the member before."""
        return False

    @abstractmethod
    def key_text(self, key: ScalarNode, name: str, mapping: MappingNode) -> str:
        """The text of ``key`` (of ``mapping``) renamed to ``name``."""

    # -- shared by both formats: flow collections ------------------------------------------
    @staticmethod
    def member_bounds(container: MappingNode | SequenceNode, index: int) -> tuple[int, int]:
        """Start and end of member ``index`` (a mapping entry from its key to the end of its value);
        :class:`Flush` for a member this patch added."""
        item = container.items[index]
        if isinstance(container, MappingNode):
            key, value = item  # type: ignore[misc]
            if isinstance(key, New) or isinstance(value, New) or key.start == key.end:
                raise Flush
            return key.start, value.end
        if isinstance(item, New):
            raise Flush
        return item.start, item.end  # type: ignore[union-attr]

    def flow_removal(self, container: MappingNode | SequenceNode, index: int) -> tuple[int, int]:
        """A flow member with one adjacent comma: up to the next member, or from the previous one."""
        start, end = self.member_bounds(container, index)
        if index < len(container.items) - 1:
            return start, self.member_bounds(container, index + 1)[0]
        return self.member_bounds(container, index - 1)[1], end
