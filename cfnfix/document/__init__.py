"""A template as text, source nodes with positions, and plain data in long form."""

from __future__ import annotations

import gc
import os
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Literal

from ..errors import ParseError, TemplateError
from .json_loader import load_json
from .nodes import MappingNode, Node, ScalarNode, SequenceNode
from .pointer import parse_pointer
from .resolve import View, walk
from .text import LineIndex
from .yaml_loader import load_yaml

__all__ = [
    "Document",
    "MappingNode",
    "Node",
    "ScalarNode",
    "SequenceNode",
    "detect_format",
    "load",
    "parse_cached",
    "parse_text",
    "read_text",
]

Format = Literal["yaml", "json"]
_JSON_EXTRA = "invalid JSON: extra data after the JSON document"


def detect_format(text: str) -> Format:
    """``json`` when the first significant character is ``{`` or ``[``, else ``yaml``."""
    stripped = text.lstrip("\ufeff \t\r\n")
    return "json" if stripped[:1] in ("{", "[") else "yaml"


def parse_text(text: str, file: str | None = None, fmt: Format | None = None) -> tuple[Format, Node, Any]:
    """Parse ``text`` into (format, root node, plain data) without checking the top level.

    ``fmt`` forces the format (the patch engine re-reads its output as the input's format).
    """
    # Parsing allocates hundreds of thousands of acyclic objects; the cyclic garbage
    # collector would rescan them again and again (measured: 2.3x slower on 1 MB).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _parse(text, file, fmt)
    finally:
        if enabled:
            gc.enable()


def _parse(text: str, file: str | None, fmt: Format | None) -> tuple[Format, Node, Any]:
    detected = fmt is None
    fmt = fmt or detect_format(text)
    if fmt == "json":
        try:
            root, data = load_json(text, file)
        except ParseError as exc:
            # "{}  # comment" is YAML whose root happens to be a flow mapping
            if not (detected and exc.reason.startswith(_JSON_EXTRA)):
                raise
            try:
                root, data = load_yaml(text, file)
            except ParseError:
                raise exc from None
            return "yaml", root, data
    else:
        root, data = load_yaml(text, file)
    return fmt, root, data


_CACHE: OrderedDict[tuple[str, str | None], tuple[Format, Node, Any]] = OrderedDict()
_CACHE_SIZE = 4


def parse_cached(text: str, file: str | None = None, fmt: Format | None = None) -> tuple[Format, Node, Any]:
    """:func:`parse_text` through a small cache of recent texts.

    The fix loop reads the same text several times (check, patch, verify, re-check); a
    cached parse is shared, so its nodes and data must be treated as read-only. The patch
    engine, which mutates its trees, always parses afresh and seeds the cache with the
    parse of its verified output.
    """
    key = (text, fmt)
    hit = _CACHE.get(key)
    if hit is not None:
        _CACHE.move_to_end(key)
        return hit
    result = parse_text(text, file, fmt)
    remember(text, result, fmt)
    return result


def remember(text: str, result: tuple[Format, Node, Any], fmt: Format | None = None) -> None:
    """Put a fresh parse of ``text`` into the cache (it must not be mutated afterwards)."""
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
    root: Node
    data: Any
    file: str | None = None
    _lines: LineIndex | None = field(default=None, repr=False)

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

    def locate(self, pointer: str) -> tuple[int, int]:
        """1-based (line, column) of the node at ``pointer`` or of its nearest ancestor."""
        return self.lines.line_col(self.views(pointer)[-1].node.start)

    def locate_key(self, pointer: str) -> tuple[int, int]:
        """1-based (line, column) of the mapping key that ``pointer`` ends in (else :meth:`locate`)."""
        tokens = parse_pointer(pointer)
        if tokens:
            views = walk(self.root, tokens[:-1])
            parent = views[-1]
            if len(views) == len(tokens) and not parent.wrapped and isinstance(parent.node, MappingNode):
                for key, _ in parent.node.items:
                    if key.value == tokens[-1]:
                        return self.lines.line_col(key.start)
        return self.locate(pointer)


def load(text: str, file: str | None = None) -> Document:
    """Parse a CloudFormation template (YAML or JSON, detected by content).

    Raises :class:`~cfnfix.errors.ParseError` for malformed input and
    :class:`~cfnfix.errors.TemplateError` when the top level is not a mapping.
    """
    fmt, root, data = parse_cached(text, file)
    if not isinstance(data, dict) or root.tag is not None:
        kind = "a list" if isinstance(data, list) else "a scalar" if not isinstance(data, dict) else "a tagged value"
        line, col = LineIndex(text).line_col(root.start)
        raise TemplateError(f"a template must be a mapping at the top level, found {kind}", file=file, line=line, column=col)
    return Document(text, fmt, root, data, file)


def read_text(path: str | os.PathLike[str]) -> str:
    """Read a template file as text: UTF-8 (BOM allowed), line endings kept as they are."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as fh:
            raw = fh.read()
    except IsADirectoryError:
        raise TemplateError("is a directory, not a template file", file=name) from None
    except FileNotFoundError:
        raise TemplateError("no such file", file=name) from None
    except PermissionError:
        raise TemplateError("permission denied: cannot read the file", file=name) from None
    except OSError as exc:
        raise TemplateError(f"cannot read the file: {exc.strerror or exc}", file=name) from None
    if b"\x00" in raw:
        raise ParseError("binary file (contains NUL bytes), not a template", file=name)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise ParseError(f"not UTF-8 text: invalid byte 0x{raw[exc.start]:02x}", file=name, line=line, column=col) from None
