"""A template as text, source nodes with positions, and plain data in long form."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Literal

from ..errors import ParseError, TemplateError
from .expansions import Expansion
from .gcpause import gc_paused
from .intrinsics import intrinsic_name
from .json_loader import load_json
from .nodes import MappingNode, Node, ScalarNode, SequenceNode
from .pointer import parse_pointer
from .resolve import View, entry_index, walk
from .text import LineIndex
from .yaml_loader import load_yaml

__all__ = [
    "Document",
    "Expansion",
    "MappingNode",
    "Node",
    "Parsed",
    "ScalarNode",
    "SequenceNode",
    "detect_format",
    "load",
    "parse_cached",
    "parse_text",
]

Format = Literal["yaml", "json"]
_JSON_EXTRA = "invalid JSON: extra data after the JSON document"


def detect_format(text: str) -> Format:
    """``json`` when the first significant character is ``{`` or ``[``, else ``yaml``."""
    stripped = text.lstrip("\ufeff \t\r\n")
    return "json" if stripped[:1] in ("{", "[") else "yaml"


class Parsed(tuple):
    """(format, root node or None, plain data) of one parse; ``expansions`` lists the YAML
    anchors, aliases and merge keys the data expands (empty for JSON and most YAML)."""

    expansions: tuple[Expansion, ...]

    def __new__(cls, fmt: Format, root: Node | None, data: Any, expansions: tuple[Expansion, ...] = ()) -> Parsed:
        self = super().__new__(cls, (fmt, root, data))
        self.expansions = expansions
        return self


def parse_text(text: str, file: str | None = None, fmt: Format | None = None, *, nodes: bool = True) -> Parsed:
    """Parse ``text`` into (format, root node, plain data) without checking the top level.

    ``fmt`` forces the format (the patch engine re-reads its output as the input's format).
    ``nodes=False`` builds the data only (the root node is None): a third faster and half
    the memory, for readers that need positions rarely or never.
    """
    with gc_paused():  # hundreds of thousands of acyclic objects: see gcpause
        return _parse(text, file, fmt, nodes)


def _parse(text: str, file: str | None, fmt: Format | None, nodes: bool) -> Parsed:
    detected = fmt is None
    fmt = fmt or detect_format(text)
    if fmt == "json":
        try:
            root, data = load_json(text, file, nodes=nodes)
        except ParseError as exc:
            # "{}  # comment" is YAML whose root happens to be a flow mapping
            if not (detected and exc.reason.startswith(_JSON_EXTRA)):
                raise
            try:
                return Parsed("yaml", *load_yaml(text, file, nodes=nodes))
            except ParseError:
                raise exc from None
        return Parsed(fmt, root, data)
    return Parsed(fmt, *load_yaml(text, file, nodes=nodes))


_CACHE: OrderedDict[tuple[str, str | None], Parsed] = OrderedDict()
_CACHE_SIZE = 4
#: The cache is shared by every thread of a process (API callers may check from many).
_CACHE_LOCK = threading.Lock()


def parse_cached(text: str, file: str | None = None, fmt: Format | None = None, *, nodes: bool = True) -> Parsed:
    """:func:`parse_text` through a small cache of recent texts.

    The fix loop reads the same text several times (check, patch, verify, re-check); a
    cached parse is shared, so its nodes and data must be treated as read-only. The patch
    engine copies what it changes, and seeds the cache with the (data-only) parse of its
    verified output. A data-only entry is upgraded when nodes are asked for.
    """
    key = (text, fmt)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None and (hit[1] is not None or not nodes):
            _CACHE.move_to_end(key)
            return hit
    result = parse_text(text, file, fmt, nodes=nodes)
    if hit is not None:
        result = Parsed(result[0], result[1], hit[2], result.expansions)  # keep the data object readers already hold
    remember(text, result, fmt)
    return result


def remember(text: str, result: Parsed, fmt: Format | None = None) -> None:
    """Put a fresh parse of ``text`` into the cache (it must not be mutated afterwards)."""
    with _CACHE_LOCK:
        _CACHE[(text, fmt)] = result
        _CACHE.move_to_end((text, fmt))
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)


@dataclass
class Document:
    """A parsed template: the original text, its node tree and its plain data (read-only).

    ``data`` is the template in CloudFormation long form (``!Ref X`` reads as
    ``{"Ref": "X"}``); JSON Pointers address it. ``locate`` maps a pointer back to the
    1-based line and column of the node (or of its nearest existing ancestor).
    """

    text: str
    format: Format
    _root: Node | None = field(repr=False)
    data: Any
    file: str | None = None
    _lines: LineIndex | None = field(default=None, repr=False)
    expansions: tuple[Expansion, ...] = ()
    """YAML anchors, aliases and merge keys, by offset (see :mod:`cfnfix.document.expansions`)."""

    @property
    def root(self) -> Node:
        """The source node tree (built on first use: checking a clean template needs none)."""
        if self._root is None:
            self._root = parse_cached(self.text, self.file)[1]
        return self._root

    @property
    def lines(self) -> LineIndex:
        """Offset ⇄ line/column index of ``text`` (built on first use)."""
        if self._lines is None:
            self._lines = LineIndex(self.text)
        return self._lines

    def views(self, pointer: str) -> list[View]:
        """The walk from the root along ``pointer`` (see :func:`cfnfix.document.resolve.walk`)."""
        return walk(self.root, parse_pointer(pointer))

    def node_at(self, pointer: str) -> Node | None:
        """The node ``pointer`` names exactly, or None (also for parts of a tagged scalar)."""
        tokens = parse_pointer(pointer)
        views = walk(self.root, tokens)
        if len(views) != len(tokens) + 1 or views[-1].part is not None:
            return None
        return views[-1].node

    def _json_path(self, tokens: list[str]) -> tuple[list[int], int | None] | None:
        """Offsets along ``tokens`` read off JSON text without building the node tree (see
        :mod:`.json_locate`), while no node tree exists; None: use the nodes."""
        if self.format != "json" or self._root is not None or type(self) is not Document:
            return None
        from .json_locate import path_offsets

        return path_offsets(self.text, tokens)

    def locate(self, pointer: str) -> tuple[int, int]:
        """1-based (line, column) of the node at ``pointer`` or of its nearest ancestor."""
        fast = self._json_path(parse_pointer(pointer))
        if fast is not None:
            return self.lines.line_col(fast[0][-1])
        return self.lines.line_col(self.views(pointer)[-1].node.start)

    def locate_key(self, pointer: str) -> tuple[int, int]:
        """1-based (line, column) of the mapping key that ``pointer`` ends in (else :meth:`locate`)."""
        tokens = parse_pointer(pointer)
        fast = self._json_path(tokens)
        if fast is not None:
            starts, key_at = fast
            return self.lines.line_col(key_at if key_at is not None else starts[-1])
        if tokens:
            views = walk(self.root, tokens[:-1])
            parent = views[-1]
            if len(views) == len(tokens) and not parent.wrapped and isinstance(parent.node, MappingNode):
                at = entry_index(parent.node, tokens[-1])  # a lookup in a large mapping, not a scan
                if at is not None:
                    return self.lines.line_col(parent.node.items[at][0].start)
        return self.locate(pointer)


def load(text: str, file: str | None = None, *, nodes: bool = False) -> Document:
    """Parse a CloudFormation template (YAML or JSON, detected by content).

    ``nodes=True`` builds the node tree (positions) at once: for callers that will need it
    anyway (fixing), one parse instead of a data-only parse and, later, a full one.

    Raises :class:`~cfnfix.errors.ParseError` for malformed input and
    :class:`~cfnfix.errors.TemplateError` when the top level is not a mapping or
    ``Resources`` is there but not a mapping (CloudFormation rejects both).
    """
    parsed = parse_cached(text, file, nodes=nodes)
    fmt, root, data = parsed
    suspect = (
        not isinstance(data, dict)
        or intrinsic_name(data) is not None
        or (
            "Resources" in data
            and (not isinstance(data["Resources"], dict) or intrinsic_name(data["Resources"]) is not None)
        )
    )
    if not suspect:
        return Document(text, fmt, root, data, file, expansions=parsed.expansions)
    # The data look wrong, or like a short-form tag: decide (and locate) on the nodes.
    fmt, root, data = parse_cached(text, file, nodes=True)
    assert root is not None
    if not isinstance(data, dict) or root.tag is not None:
        line, col = LineIndex(text).line_col(root.start)
        raise TemplateError(
            f"a template must be a mapping at the top level, found {_kind(data, root)}",
            file=file,
            line=line,
            column=col,
        )
    entry = _entry(root, "Resources") if "Resources" in data else None
    if entry is not None and (not isinstance(data["Resources"], dict) or entry[0].tag is not None):
        node, key = entry
        at = key if isinstance(node, ScalarNode) and node.end == node.start else node  # `Resources:` and nothing
        line, col = LineIndex(text).line_col(at.start)
        raise TemplateError(
            f"Resources must be a mapping of logical IDs to resources, found {_kind(data['Resources'], node)}",
            file=file,
            line=line,
            column=col,
        )
    return Document(text, fmt, root, data, file, expansions=parsed.expansions)


def _kind(data: Any, node: Node) -> str:
    if node.tag is not None:
        return f"the intrinsic function {node.tag}"
    if isinstance(data, list):
        return "a list"
    if data is None:
        return "nothing (null)"
    return "a scalar"


def _entry(root: Node, key: str) -> tuple[Node, ScalarNode]:
    """(value node, key node) of ``key`` in the root mapping (which has it)."""
    assert isinstance(root, MappingNode)
    for k, v in root.items:
        if k.value == key:
            return v, k
    raise KeyError(key)
